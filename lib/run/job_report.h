// Reports on a job, read from its store: the status (per stage: done, in
// flight, failed by code, rate, ETA; per class: found, fetched, valid,
// unique, labelled, needs review, shortfall against targets.images_per_class) as text, JSON or a
// self-contained HTML page, and the Prometheus textfile metrics.
//
// Everything here only reads the store, so it works while the job runs
// (WAL readers never block the writer) and after it ended. Files are written
// with WriteFileAtomic (base/files.h: a temporary name in the same directory,
// then rename), which is what node_exporter's textfile collector and a
// browser refreshing the page need. Thread-safety: one thread per store connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "run/job_store.h"

namespace pix {

struct StageStatus {
  StageInfo info;
  StageCounts counts;
  int64_t answered = 0;  // ok + failed + rejected + duplicate
  int64_t in_flight = 0;
  int64_t waiting = 0;  // upstream ok records not yet answered (keyed stages)
  double rate = 0;      // answered per second of running time
  std::optional<double> eta_seconds;
};

struct ClassStatus {
  std::string label;
  int64_t found = 0, fetched = 0, valid = 0, unique = 0;
  int64_t labelled = 0, needs_review = 0;  // kept by pix-label; below --review-below
  int64_t target = 0, shortfall = 0;
};

struct JobStatus {
  JobInfo job;
  bool running = false;  // a pix-run holds the store's lock for it
  int64_t holder_pid = 0;
  std::vector<StageStatus> stages;
  std::vector<ClassStatus> classes;
  int round = 1;  // the search round the job is in, or ended with (run/rounds.h)
  std::vector<EventRow> last_events;  // the newest, oldest first
};

// `store_path` is used to ask the lock whether a pix-run holds the job.
Result<JobStatus> LoadJobStatus(JobStore& store, const std::string& store_path, int64_t job);

std::string FormatStatusText(const JobStatus& status);
std::string FormatStatusJson(const JobStatus& status);
std::string FormatStatusHtml(const JobStatus& status);
// Prometheus text exposition format (node_exporter textfile collector).
std::string FormatMetrics(const JobStatus& status);

// Loads the status and writes the metrics to `path` atomically.
Status WriteJobMetrics(JobStore& store, int64_t job, const std::string& path);

}  // namespace pix
