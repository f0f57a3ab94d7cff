// StageIo: the input, output, counting and summary every record stage shares.
//
// A stage reads records with Read(), writes each result with Write() and
// calls Finish() at the end, which flushes, prints the summary on stderr and
// gives the exit code. Write() counts a record as failed when it carries an
// error whose "stage" is this stage, and by its error code; a record that
// arrived with an earlier stage's error is written unchanged with
// PassThrough() (or dropped, with --drop-failed on tools that offer it).
//
// A sink (pix-pack) takes records with Consume() instead of writing them:
// they are counted as "consumed" (or as failed, by code, when they carry
// the sink's own error) and the summary says so. A sink's output is
// optional: an empty options.output opens none, and Consume() writes each
// record there only when there is one (pix-pack --records).
//
// With --stats FILE, Finish() also writes every counter as one JSON object
// (atomically: a reader never sees half a file), whatever way the run ended:
//   {"tool":"pix-fetch","stage":"fetch","exit_code":1,"status":"ok",
//    "read":10,"written":10,"ok":8,"failed":2,"passed_through":0,
//    "consumed":0,"skipped_invalid":0,"failures":{"http_404":2},
//    "extra":{"bytes":123456}}
// "extra" holds the stage's own counters, set with SetStat().
//
// RunParallelMapStage() (jsonl/parallel_stage.h) is the whole loop for
// stages that handle one record at a time.
// Not thread-safe: one stage loop per process.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/status.h"
#include "base/terminal.h"
#include "jsonl/reader.h"
#include "jsonl/record.h"
#include "jsonl/stage_flags.h"
#include "jsonl/writer.h"

namespace pix {

struct StageCounters {
  uint64_t read = 0;
  uint64_t ok = 0;
  uint64_t failed = 0;
  uint64_t passed_through = 0;               // arrived with an earlier stage's error
  uint64_t consumed = 0;                     // taken by a sink, not written (pix-pack)
  std::map<std::string, uint64_t> failures;  // error code -> count
};

class StageIo {
 public:
  // Opens options.input and options.output. `stage` is the name used in
  // error objects ("fetch", "validate", ...).
  static Result<std::unique_ptr<StageIo>> Open(std::string stage, const CommonOptions& options,
                                               Terminal* terminal);
  ~StageIo();  // stops the read-ahead thread

  // The next record, nullopt at the end. Malformed lines are skipped and
  // counted with --skip-invalid; otherwise they are a kCorruption error.
  Result<std::optional<Record>> Read();

  // Stages that wait on the network must not block on their input: after
  // StartReadAhead(), a thread reads up to `capacity` records ahead and calls
  // `on_ready` (from that thread) whenever one is queued; the stage then takes
  // them with TryRead(), which never blocks. Read() must not be used after.
  void StartReadAhead(size_t capacity, std::function<void()> on_ready);
  enum class ReadState { kRecord, kNone, kEnd };
  // kRecord fills `*record`; kNone: nothing queued yet; kEnd: input finished.
  // A malformed line (without --skip-invalid) is returned as an error.
  Result<ReadState> TryRead(Record* record);

  // Writes a record this stage handled (ok or failed).
  Status Write(const Record& record);
  // Writes a record that arrived failed, unchanged.
  Status PassThrough(const Record& record);
  // Takes a record into a sink; writes it only when the sink has an output.
  Status Consume(const Record& record);
  // Whether records are written anywhere (a sink's output is optional).
  bool has_output() const { return writer_ != nullptr; }
  // Writes several records this stage produced from one (search, keywords).
  Status Flush() { return writer_ ? writer_->Flush() : Status::Ok(); }

  // Sets a stage-specific counter for --stats ("extra"): numbers only, so
  // scripts can compare them; the last value set wins.
  void SetStat(const std::string& name, double value) { extra_stats_[name] = value; }

  // Flushes and closes the output and prints the summary. `run_status` is
  // how the loop ended; the return value is the process exit code.
  int Finish(const Status& run_status, const std::string& extra_summary = "");

  const StageCounters& counters() const { return counters_; }
  StageCounters& counters() { return counters_; }
  const std::string& stage() const { return stage_; }
  // Where the last record read came from, for messages: "<stdin>:12".
  std::string Position() const;
  Terminal& terminal() { return *terminal_; }

  // Draws "<read> read, <ok> ok, <failed> failed<extra>" on a terminal.
  void ShowProgress(const std::string& extra = "");

 private:
  StageIo() = default;
  void StopReadAhead();
  // Records written to the output.
  uint64_t Written() const;
  // After a fatal stop or an interrupt: writes the records taken from the
  // input but never started (queued by the read-ahead thread or buffered by
  // the reader) with an "interrupted" error naming `why`; records that
  // arrived failed pass through. Nothing read is lost.
  void WriteUnstarted(const Status& why);
  // Writes --stats; a failure is a warning (the run's own outcome stands).
  void WriteStats(const Status& status, int exit_code);

  std::string stage_;
  Terminal* terminal_ = nullptr;
  std::unique_ptr<RecordReader> reader_;
  std::unique_ptr<RecordWriter> writer_;  // null for a sink without an output
  StageCounters counters_;
  std::string stats_path_;
  std::map<std::string, double> extra_stats_;

  // Read-ahead state, shared with the reading thread under mutex_.
  std::thread read_thread_;
  std::mutex mutex_;
  std::condition_variable space_;
  std::deque<Result<std::optional<Record>>> ahead_;
  size_t ahead_capacity_ = 0;
  bool stop_ = false;
  int cancel_pipe_[2] = {-1, -1};
  bool input_ended_ = false;
};

// The work a map stage does on one record that arrived without an error
// (see RunParallelMapStage in jsonl/parallel_stage.h, the one loop for map
// stages). It marks a failed record with SetRecordError; a non-OK Status ends
// the run as fatal (the record is still written, with an error saying why).
using ProcessFn = std::function<Status(Record& record)>;

// The end of every stage's main(): installs the SIGINT/SIGTERM handlers,
// opens the input and output of `common`, and returns what `run` returns on
// them (an exit code). An input or output that cannot be opened is reported
// on `terminal` and ends the tool with the matching exit code.
int RunStage(const std::string& stage, const CommonOptions& common, Terminal* terminal,
             const std::function<int(StageIo&)>& run);

// Reports a failed Status (a bad option, a config error) and returns its
// exit code: the one-liner mains use for errors before the stage starts.
int ExitWithError(Terminal* terminal, const Status& status);

// "12 failed (http_404: 10, timeout: 2)" style text for summaries.
std::string FormatFailures(const StageCounters& counters);

}  // namespace pix
