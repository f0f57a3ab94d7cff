// JobStore: pix-run's job store, one SQLite file per dataset, which a user
// can read with the sqlite3 shell. The schema (documented in man/pix-run.1)
// is versioned with PRAGMA user_version and brought up to date by numbered
// migrations when the store is opened for writing; a store written by a newer
// pix-run is refused rather than misread.
//
//   jobs    one row per run of dataset.yaml: state, exit code, pid, the config text
//   stages  one row per job and stage: command line, state, counters, timings
//   items   one row per job, stage and record key: state, error code, the
//           stage's output record (the input record while fed), the order
//           keys (seq, priority, out_order)
//   events  the audit trail: stage stderr lines and pix-run's own decisions
//   rounds  one row per job, search round and class: what the round found,
//           the unique images it reached, and whether the class is searched
//           again (schema 2)
//
// Item states: fed (handed to the stage, no answer yet), ok, failed (the
// stage wrote an error), rejected (invalid image), duplicate, lost (the stage
// died holding it; fed again on resume).
//
// Writes are batched: the first write opens a BEGIN IMMEDIATE transaction and
// MaybeCommit() commits it when it is big or old enough, so a kill -9 loses at
// most the last batch, which resume redoes. Reads on the same connection see
// the uncommitted batch. Thread-safety: one thread. Failure modes: Status from
// SQLite with the store's path; kUnsupported for a newer schema.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sqlite.h"

namespace pix {

inline constexpr int kJobStoreSchemaVersion = 2;

struct JobInfo {
  int64_t id = 0;
  std::string dataset;      // the dataset's name
  std::string config_path;  // dataset.yaml as given (absolute)
  std::string config_text;  // its text when the job began; resume uses this
  std::string output_dir;
  std::string shard;  // "K/N" or empty
  std::string state;  // running, interrupted, failed, cancelled, done
  std::optional<int> exit_code;
  int64_t pid = 0;  // of the pix-run that last ran it
  double created_at = 0, updated_at = 0;
  std::optional<double> finished_at;
  std::string message;  // why it stopped
};

struct StageInfo {
  std::string name;
  int position = 0;
  std::string command;  // JSON array of argv
  std::string state;    // pending, running, done, failed
  int attempts = 0;
  std::string exit_status;
  double seconds = 0;     // time spent running, summed over attempts
  double started_at = 0;  // of the last attempt; 0 when never started
  int64_t pid = 0;        // of the last attempt's process
};

// One record's result at one stage.
struct ItemRow {
  std::string key;
  int64_t seq = 0;
  double priority = 0;
  std::string label;
  std::string state;
  std::string code;
  std::string record;  // JSON, empty while fed
};

// A class at the end of one search round (see run/rounds.h).
struct RoundRow {
  int round = 0;
  std::string label;
  int64_t found = 0;    // URLs search found for it, all rounds so far
  int64_t unique = 0;   // valid, unique images after dedup
  bool deeper = false;  // searched again in the next round
};

struct EventRow {
  int64_t id = 0;
  double at = 0;
  std::string stage;  // empty: pix-run itself
  std::string level;  // error, warning, info
  std::string message;
};

// Counts of one stage's items.
struct StageCounts {
  std::map<std::string, int64_t> by_state;
  std::map<std::string, int64_t> failed_by_code;  // failed and lost items
  int64_t Count(const std::string& state) const {
    auto it = by_state.find(state);
    return it == by_state.end() ? 0 : it->second;
  }
};

// How a feed query orders the upstream items it hands on.
enum class FeedOrder {
  kArrival,   // as they were stored (streaming; cursor = out_order)
  kPriority,  // priority, highest first (the prioritised download queue); ties by seq
  kSeq,       // seq: the upstream's own output order (deterministic batch stages)
};

// Which of the upstream's items a feed query hands on.
enum class FeedStates {
  kOk,        // answered and kept: the normal feed
  kFinal,     // every answer (ok, duplicate, rejected, failed, lost with a record)
  kFailures,  // failed, rejected and lost
};

// Where a feed query stopped; pass it back for the next page. `source`
// counts the sources a collect feed has finished (see run/plan.h).
struct FeedCursor {
  int64_t out_order = 0;
  double priority = 0;
  int64_t seq = -1;
  bool started = false;
  size_t source = 0;
};

class JobStore {
 public:
  // Opens (and creates, migrates) the store. Read-only opens never write.
  static Result<std::unique_ptr<JobStore>> Open(const std::string& path, bool read_only = false);
  ~JobStore();

  SqliteDb& db() { return *db_; }
  Result<int> SchemaVersion();

  // Jobs.
  Result<int64_t> CreateJob(const JobInfo& job);
  Result<JobInfo> GetJob(int64_t id);
  Result<std::vector<JobInfo>> ListJobs();
  Status SetJobState(int64_t id, const std::string& state, std::optional<int> exit_code,
                     const std::string& message);
  Status SetJobPid(int64_t id, int64_t pid);

  // Stages.
  Status AddStage(int64_t job, const std::string& name, int position, const std::string& command);
  Result<std::vector<StageInfo>> Stages(int64_t job);
  Status SetStageState(int64_t job, const std::string& stage, const std::string& state,
                       const std::string& exit_status = "", double add_seconds = 0);
  // Committed at once: a resume after kill -9 must find it.
  Status SetStagePid(int64_t job, const std::string& stage, int64_t pid);
  Status SetStageCommand(int64_t job, const std::string& stage, const std::string& command);

  // Items. Feed marks `key` fed to `stage` (inheriting seq, priority, label);
  // PutOutput stores the stage's answer for `key` (replacing a fed row).
  Status Feed(int64_t job, const std::string& stage, const ItemRow& upstream);
  Status PutOutput(int64_t job, const std::string& stage, const ItemRow& item);
  // The next `limit` items of `upstream` in `states`, after `cursor`, with
  // a record. When `skip_done_at` is set, items whose key already has a
  // final (non-fed, non-lost) answer at that stage are left out (per-record
  // resume).
  Result<std::vector<ItemRow>> NextFeed(int64_t job, const std::string& upstream,
                                        const std::string& skip_done_at, FeedOrder order,
                                        FeedCursor* cursor, int limit,
                                        FeedStates states = FeedStates::kOk);
  // Items of `stage` in `state`, in seq order, from `after_seq`, at most `limit`.
  Result<std::vector<ItemRow>> ItemsInState(int64_t job, const std::string& stage,
                                            const std::string& state, int64_t after_seq, int limit);
  // fed -> lost, with `code`; the record as it was fed gets an error object
  // {stage, code, message} (unless it arrived with one). Returns how many.
  Result<int64_t> MarkFedLost(int64_t job, const std::string& stage, const std::string& code,
                              const std::string& message);
  // Deletes failed (and lost) items of `stage`, only those with a code in
  // `codes` when it is not empty; returns how many.
  Result<int64_t> DeleteFailed(int64_t job, const std::string& stage,
                               const std::vector<std::string>& codes);
  Result<StageCounts> CountItems(int64_t job, const std::string& stage);
  // label -> count of items of `stage` in `state` (only those whose record
  // says "needs_review": true, when `needs_review`).
  Result<std::map<std::string, int64_t>> CountByLabel(int64_t job, const std::string& stage,
                                                      const std::string& state,
                                                      bool needs_review = false);

  // Search rounds, in order (pix-run's deepening; see run/rounds.h).
  Status PutRound(int64_t job, const RoundRow& row);
  Result<std::vector<RoundRow>> Rounds(int64_t job);

  // Events.
  Status AddEvent(int64_t job, const std::string& stage, const std::string& level,
                  const std::string& message);
  Result<std::vector<EventRow>> Events(int64_t job, const std::string& stage,
                                       const std::string& min_level, int64_t after_id, int limit);

  // Batching: commits when `force`, or when the open batch has `max_writes`
  // writes or is older than `max_age`.
  Status MaybeCommit(bool force = false);
  int64_t pending_writes() const { return pending_writes_; }

 private:
  explicit JobStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status Migrate();
  Status Write();  // opens the batch transaction when none is open
  Result<SqliteStatement*> Cached(const std::string& sql);

  std::unique_ptr<SqliteDb> db_;
  std::map<std::string, SqliteStatement> statements_;
  int64_t pending_writes_ = 0;
  int64_t next_out_order_ = 0;
  std::chrono::steady_clock::time_point batch_started_{};
};

// Seconds since the epoch, for the store's timestamps.
double NowSeconds();

}  // namespace pix
