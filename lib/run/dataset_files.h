// The files a finished job leaves in its dataset directory, written from the
// job store: dataset.jsonl, duplicates.jsonl, rejected.jsonl (atomically,
// each through a temporary name and rename), and logs/job-N.events.jsonl.gz,
// the job's audit trail compressed. Failure modes: kIoError with the path.
// Thread-safety: one job at a time per store.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "run/job_store.h"
#include "run/plan.h"

namespace pix {

Status WriteDatasetFiles(JobStore& store, const Plan& plan, int64_t job);
Status ArchiveEvents(JobStore& store, const Plan& plan, int64_t job);

}  // namespace pix
