// The driver: runs a job's stages as a pipeline of child processes (the real
// pix-* tools), with pix-run in the middle of every pipe. Each stage's output
// records go into the job store (batched transactions) and its stderr lines
// into the job's events; the next stage is fed from the store. The store is
// the buffer between stages, so memory does not grow with the number of
// records: a child's stdin gets at most `feed_buffer_bytes` ahead of it, and
// a stage whose output is not read fast enough blocks on its pipe.
//
// One thread polls every child's pipes (ninja's subprocess-posix.cc shape).
// Children get their own process group, so a terminal's Ctrl-C reaches only
// pix-run, which forwards SIGTERM to the children, stores what they finish
// writing and leaves the job resumable (exit 130). A child that crashes,
// is killed or exits with 2 or 3 fails its stage: the records it held are
// marked lost (fed again on resume), its stderr tail goes into the events,
// the other children are stopped and the job ends with exit 3 and a resume
// hint. Exit 0 or 1 (some records failed) ends a stage normally.
//
// Library code: reports through RunObserver, never prints. Thread-safety:
// one job per thread and store.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "run/job_store.h"
#include "run/plan.h"

namespace pix {

struct RunOptions {
  // How far a child's stdin may run ahead of it (backpressure).
  size_t feed_buffer_bytes = 256 * 1024;
  // Prometheus textfile, rewritten atomically every metrics_interval and at
  // the end; empty: none.
  std::string metrics_path;
  std::chrono::milliseconds metrics_interval{5000};
  // How long children get to wind down after SIGTERM before SIGKILL.
  std::chrono::milliseconds stop_grace{15000};
  // SOURCE_DATE_EPOCH for the stages (pix-pack's `added` times); empty: the
  // job's start, so a resumed job packs what an uninterrupted one would.
  std::string source_date_epoch;
};

struct RunObserver {
  // The progress line (one line, all stages), about four times a second.
  std::function<void(const std::string& line)> progress;
  // A message for the user: level is error, warning or info.
  std::function<void(const std::string& level, const std::string& message)> message;
};

struct RunOutcome {
  int exit_code = 0;    // 0, 1 (some records failed), 3 (a stage failed), 130
  std::string state;    // done, failed, interrupted, cancelled
  std::string message;  // one line for the user, with the resume hint when resumable
};

// Makes a job row for `plan` (state "running" is set by RunJob).
Result<int64_t> CreateJob(JobStore& store, const Plan& plan, const std::string& config_text);

// Runs job `job` from wherever it stands to the end. `plan` must be made
// from the job's own config text. A non-OK Status is a failure of pix-run
// itself (the store, the file system), not of a stage.
Result<RunOutcome> RunJob(JobStore& store, const Plan& plan, int64_t job, const RunOptions& options,
                          const RunObserver& observer);

}  // namespace pix
