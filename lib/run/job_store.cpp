#include "run/job_store.h"

#include <fmt/format.h>

#include <ctime>
#include <iterator>
#include <limits>

namespace pix {
namespace {

// Migration N brings the schema from version N-1 to N. Append, never edit:
// stores in the field were made by the old ones.
constexpr const char* kMigrations[] = {
    // 1: the first schema.
    R"sql(
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  dataset     TEXT NOT NULL,
  config_path TEXT NOT NULL,
  config_text TEXT NOT NULL,
  output_dir  TEXT NOT NULL,
  shard       TEXT NOT NULL DEFAULT '',
  state       TEXT NOT NULL,
  exit_code   INTEGER,
  pid         INTEGER NOT NULL DEFAULT 0,
  created_at  REAL NOT NULL,
  updated_at  REAL NOT NULL,
  finished_at REAL,
  message     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE stages (
  job_id      INTEGER NOT NULL REFERENCES jobs(id),
  name        TEXT NOT NULL,
  position    INTEGER NOT NULL,
  command     TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending',
  attempts    INTEGER NOT NULL DEFAULT 0,
  exit_status TEXT NOT NULL DEFAULT '',
  seconds     REAL NOT NULL DEFAULT 0,
  started_at  REAL,
  pid         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, name)
);
CREATE TABLE items (
  job_id    INTEGER NOT NULL,
  stage     TEXT NOT NULL,
  key       TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  priority  REAL NOT NULL DEFAULT 0,
  label     TEXT NOT NULL DEFAULT '',
  state     TEXT NOT NULL,
  code      TEXT NOT NULL DEFAULT '',
  record    TEXT NOT NULL DEFAULT '',
  out_order INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, stage, key)
);
CREATE INDEX items_by_arrival ON items (job_id, stage, out_order);
CREATE INDEX items_by_seq ON items (job_id, stage, seq);
CREATE INDEX items_by_priority ON items (job_id, stage, priority, seq);
CREATE TABLE events (
  id      INTEGER PRIMARY KEY,
  job_id  INTEGER NOT NULL,
  at      REAL NOT NULL,
  stage   TEXT NOT NULL DEFAULT '',
  level   TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX events_by_job ON events (job_id, id);
)sql",
    // 2: search rounds (pix-run searches classes short of their target again).
    R"sql(
CREATE TABLE rounds (
  job_id        INTEGER NOT NULL,
  round         INTEGER NOT NULL,
  label         TEXT NOT NULL,
  found         INTEGER NOT NULL,
  unique_images INTEGER NOT NULL,
  deeper        INTEGER NOT NULL,
  PRIMARY KEY (job_id, round, label)
);
)sql",
};

constexpr int64_t kBatchWrites = 2000;
constexpr std::chrono::milliseconds kBatchAge{300};

int LevelRank(const std::string& level) {
  if (level == "error") return 3;
  if (level == "warning") return 2;
  if (level == "info") return 1;
  return 0;
}

}  // namespace

double NowSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Result<std::unique_ptr<JobStore>> JobStore::Open(const std::string& path, bool read_only) {
  SqliteOptions options;
  options.read_only = read_only;
  options.create = !read_only;
  PIX_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(path, options));
  std::unique_ptr<JobStore> store(new JobStore(std::move(db)));
  if (read_only) {
    PIX_ASSIGN_OR_RETURN(int version, store->SchemaVersion());
    if (version > kJobStoreSchemaVersion) {
      return Status::Unsupported(
          fmt::format("{}: job store schema {} is newer than this pix-run's ({})", path, version,
                      kJobStoreSchemaVersion));
    }
    return store;
  }
  PIX_RETURN_IF_ERROR(store->Migrate());
  auto max = store->db_->Prepare("SELECT coalesce(max(out_order), 0) FROM items");
  if (!max.ok()) return max.status();
  PIX_ASSIGN_OR_RETURN(bool row, max->Step());
  if (row) store->next_out_order_ = max->Int64(0) + 1;
  return store;
}

JobStore::~JobStore() {
  statements_.clear();
  if (db_ && db_->in_transaction()) (void)db_->Commit();
}

Result<int> JobStore::SchemaVersion() {
  PIX_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare("PRAGMA user_version"));
  PIX_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? static_cast<int>(q.Int64(0)) : 0;
}

Status JobStore::Migrate() {
  PIX_RETURN_IF_ERROR(db_->BeginImmediate());
  auto version = SchemaVersion();
  if (!version.ok()) {
    (void)db_->Rollback();
    return version.status();
  }
  constexpr int kKnown = static_cast<int>(std::size(kMigrations));
  static_assert(kKnown == kJobStoreSchemaVersion);
  if (*version > kKnown) {
    (void)db_->Rollback();
    return Status::Unsupported(fmt::format(
        "{}: job store schema {} is newer than this pix-run's ({}); use a newer pix-run",
        db_->path(), *version, kKnown));
  }
  for (int v = *version; v < kKnown; ++v) {
    Status s = db_->Exec(kMigrations[v]);
    if (s.ok()) s = db_->Exec(fmt::format("PRAGMA user_version = {}", v + 1));
    if (!s.ok()) {
      (void)db_->Rollback();
      return s.WithContext(fmt::format("migrating the job store to schema {}", v + 1));
    }
  }
  return db_->Commit();
}

Result<SqliteStatement*> JobStore::Cached(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    PIX_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(sql));
    it = statements_.emplace(sql, std::move(s)).first;
  }
  it->second.Reset();
  return &it->second;
}

Status JobStore::Write() {
  if (!db_->in_transaction()) {
    PIX_RETURN_IF_ERROR(db_->BeginImmediate());
    batch_started_ = std::chrono::steady_clock::now();
  }
  ++pending_writes_;
  return Status::Ok();
}

Status JobStore::MaybeCommit(bool force) {
  if (!db_->in_transaction()) return Status::Ok();
  if (!force && pending_writes_ < kBatchWrites &&
      std::chrono::steady_clock::now() - batch_started_ < kBatchAge) {
    return Status::Ok();
  }
  pending_writes_ = 0;
  return db_->Commit();
}

// ---- jobs

Result<int64_t> JobStore::CreateJob(const JobInfo& job) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("INSERT INTO jobs (dataset, config_path, config_text, output_dir, "
                              "shard, state, pid, created_at, updated_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  const double now = NowSeconds();
  PIX_RETURN_IF_ERROR(q->Bind(1, job.dataset)
                          .Bind(2, job.config_path)
                          .Bind(3, job.config_text)
                          .Bind(4, job.output_dir)
                          .Bind(5, job.shard)
                          .Bind(6, job.state)
                          .Bind(7, job.pid)
                          .Bind(8, now)
                          .Bind(9, now)
                          .Run());
  const int64_t id = db_->last_insert_rowid();
  PIX_RETURN_IF_ERROR(MaybeCommit(true));
  return id;
}

namespace {
constexpr const char* kJobColumns =
    "id, dataset, config_path, config_text, output_dir, shard, state, exit_code, pid, created_at, "
    "updated_at, finished_at, message";

JobInfo ReadJob(const SqliteStatement& q) {
  JobInfo j;
  j.id = q.Int64(0);
  j.dataset = q.Text(1);
  j.config_path = q.Text(2);
  j.config_text = q.Text(3);
  j.output_dir = q.Text(4);
  j.shard = q.Text(5);
  j.state = q.Text(6);
  if (!q.IsNull(7)) j.exit_code = static_cast<int>(q.Int64(7));
  j.pid = q.Int64(8);
  j.created_at = q.Double(9);
  j.updated_at = q.Double(10);
  if (!q.IsNull(11)) j.finished_at = q.Double(11);
  j.message = q.Text(12);
  return j;
}
}  // namespace

Result<JobInfo> JobStore::GetJob(int64_t id) {
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached(fmt::format("SELECT {} FROM jobs WHERE id = ?", kJobColumns)));
  q->Bind(1, id);
  PIX_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return Status::NotFound(fmt::format("no job {} in {}", id, db_->path()));
  JobInfo j = ReadJob(*q);
  q->Reset();
  return j;
}

Result<std::vector<JobInfo>> JobStore::ListJobs() {
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached(fmt::format("SELECT {} FROM jobs ORDER BY id", kJobColumns)));
  std::vector<JobInfo> jobs;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    jobs.push_back(ReadJob(*q));
  }
  q->Reset();
  return jobs;
}

Status JobStore::SetJobState(int64_t id, const std::string& state, std::optional<int> exit_code,
                             const std::string& message) {
  PIX_RETURN_IF_ERROR(Write());
  const bool final = state != "running";
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("UPDATE jobs SET state = ?, exit_code = ?, message = ?, "
                              "updated_at = ?, finished_at = ? WHERE id = ?"));
  q->Bind(1, state);
  if (exit_code) {
    q->Bind(2, int64_t{*exit_code});
  } else {
    q->BindNull(2);
  }
  q->Bind(3, message).Bind(4, NowSeconds());
  if (final) {
    q->Bind(5, NowSeconds());
  } else {
    q->BindNull(5);
  }
  PIX_RETURN_IF_ERROR(q->Bind(6, id).Run());
  return MaybeCommit(true);
}

Status JobStore::SetJobPid(int64_t id, int64_t pid) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("UPDATE jobs SET pid = ?, updated_at = ? WHERE id = ?"));
  PIX_RETURN_IF_ERROR(q->Bind(1, pid).Bind(2, NowSeconds()).Bind(3, id).Run());
  return MaybeCommit(true);
}

// ---- stages

Status JobStore::AddStage(int64_t job, const std::string& name, int position,
                          const std::string& command) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("INSERT OR IGNORE INTO stages (job_id, name, position, command) "
                              "VALUES (?, ?, ?, ?)"));
  return q->Bind(1, job).Bind(2, name).Bind(3, int64_t{position}).Bind(4, command).Run();
}

Result<std::vector<StageInfo>> JobStore::Stages(int64_t job) {
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("SELECT name, position, command, state, attempts, exit_status, "
                              "seconds, coalesce(started_at, 0), pid FROM stages WHERE job_id = ? "
                              "ORDER BY position"));
  q->Bind(1, job);
  std::vector<StageInfo> out;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    StageInfo s;
    s.name = q->Text(0);
    s.position = static_cast<int>(q->Int64(1));
    s.command = q->Text(2);
    s.state = q->Text(3);
    s.attempts = static_cast<int>(q->Int64(4));
    s.exit_status = q->Text(5);
    s.seconds = q->Double(6);
    s.started_at = q->Double(7);
    s.pid = q->Int64(8);
    out.push_back(std::move(s));
  }
  q->Reset();
  return out;
}

Status JobStore::SetStageState(int64_t job, const std::string& stage, const std::string& state,
                               const std::string& exit_status, double add_seconds) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("UPDATE stages SET state = ?1, exit_status = ?2, seconds = seconds + ?3, "
             "attempts = attempts + (?1 = 'running'), started_at = CASE WHEN ?1 = 'running' "
             "THEN ?4 ELSE started_at END WHERE job_id = ?5 AND name = ?6"));
  return q->Bind(1, state)
      .Bind(2, exit_status)
      .Bind(3, add_seconds)
      .Bind(4, NowSeconds())
      .Bind(5, job)
      .Bind(6, stage)
      .Run();
}

Status JobStore::SetStagePid(int64_t job, const std::string& stage, int64_t pid) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("UPDATE stages SET pid = ? WHERE job_id = ? AND name = ?"));
  PIX_RETURN_IF_ERROR(q->Bind(1, pid).Bind(2, job).Bind(3, stage).Run());
  return MaybeCommit(true);
}

Status JobStore::SetStageCommand(int64_t job, const std::string& stage,
                                 const std::string& command) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("UPDATE stages SET command = ? WHERE job_id = ? AND name = ?"));
  return q->Bind(1, command).Bind(2, job).Bind(3, stage).Run();
}

// ---- items

Status JobStore::Feed(int64_t job, const std::string& stage, const ItemRow& upstream) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("INSERT OR REPLACE INTO items (job_id, stage, key, seq, priority, "
                              "label, state, record) VALUES (?, ?, ?, ?, ?, ?, 'fed', ?)"));
  return q->Bind(1, job)
      .Bind(2, stage)
      .Bind(3, upstream.key)
      .Bind(4, upstream.seq)
      .Bind(5, upstream.priority)
      .Bind(6, upstream.label)
      .Bind(7, upstream.record)
      .Run();
}

Status JobStore::PutOutput(int64_t job, const std::string& stage, const ItemRow& item) {
  PIX_RETURN_IF_ERROR(Write());
  // A fed row keeps the seq, priority and label it inherited from upstream.
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("INSERT INTO items (job_id, stage, key, seq, priority, label, state, code, record, "
             "out_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (job_id, stage, key) DO UPDATE SET state = excluded.state, "
             "code = excluded.code, record = excluded.record, out_order = excluded.out_order, "
             "seq = CASE WHEN items.state = 'fed' THEN items.seq ELSE excluded.seq END, "
             "priority = CASE WHEN items.state = 'fed' THEN items.priority "
             "ELSE excluded.priority END"));
  return q->Bind(1, job)
      .Bind(2, stage)
      .Bind(3, item.key)
      .Bind(4, item.seq)
      .Bind(5, item.priority)
      .Bind(6, item.label)
      .Bind(7, item.state)
      .Bind(8, item.code)
      .Bind(9, item.record)
      .Bind(10, next_out_order_++)
      .Run();
}

Result<std::vector<ItemRow>> JobStore::NextFeed(int64_t job, const std::string& upstream,
                                                const std::string& skip_done_at, FeedOrder order,
                                                FeedCursor* cursor, int limit, FeedStates states) {
  const char* state_filter = states == FeedStates::kOk ? "u.state = 'ok'"
                             : states == FeedStates::kFinal
                                 ? "u.state != 'fed'"
                                 : "u.state IN ('failed', 'rejected', 'lost')";
  std::string where;
  std::string order_by;
  switch (order) {
    case FeedOrder::kArrival:
      where = "u.out_order > ?3";
      order_by = "u.out_order";
      break;
    case FeedOrder::kPriority:
      // A row-value range over items_by_priority: each page is an index
      // seek, not a sort of the whole stage. Ties go by seq, descending.
      where = "(u.priority, u.seq) < (?4, ?5)";
      order_by = "u.priority DESC, u.seq DESC";
      break;
    case FeedOrder::kSeq:
      where = "u.seq > ?5";
      order_by = "u.seq";
      break;
  }
  std::string sql = fmt::format(
      "SELECT u.key, u.seq, u.priority, u.label, u.record, u.out_order FROM items u "
      "WHERE u.job_id = ?1 AND u.stage = ?2 AND {} AND u.record != '' AND {} {} ORDER BY {} "
      "LIMIT ?6",
      state_filter, where,
      skip_done_at.empty()
          ? ""
          : "AND NOT EXISTS (SELECT 1 FROM items d WHERE d.job_id = u.job_id AND d.stage = ?7 "
            "AND d.key = u.key AND d.state NOT IN ('fed', 'lost'))",
      order_by);
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q, Cached(sql));
  q->Bind(1, job).Bind(2, upstream);
  q->Bind(3, cursor->out_order);
  if (order == FeedOrder::kPriority && !cursor->started) {
    q->Bind(4, std::numeric_limits<double>::infinity()).Bind(5, INT64_MAX);
  } else {
    q->Bind(4, cursor->priority).Bind(5, cursor->seq);
  }
  q->Bind(6, int64_t{limit});
  if (!skip_done_at.empty()) q->Bind(7, skip_done_at);
  std::vector<ItemRow> rows;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    ItemRow r;
    r.key = q->Text(0);
    r.seq = q->Int64(1);
    r.priority = q->Double(2);
    r.label = q->Text(3);
    r.record = q->Text(4);
    cursor->out_order = q->Int64(5);
    cursor->priority = r.priority;
    cursor->seq = r.seq;
    cursor->started = true;
    rows.push_back(std::move(r));
  }
  q->Reset();
  return rows;
}

Result<std::vector<ItemRow>> JobStore::ItemsInState(int64_t job, const std::string& stage,
                                                    const std::string& state, int64_t after_seq,
                                                    int limit) {
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("SELECT key, seq, priority, label, state, code, record FROM items WHERE job_id = ? "
             "AND stage = ? AND state = ? AND seq > ? ORDER BY seq LIMIT ?"));
  q->Bind(1, job).Bind(2, stage).Bind(3, state).Bind(4, after_seq).Bind(5, int64_t{limit});
  std::vector<ItemRow> rows;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    rows.push_back(ItemRow{q->Text(0), q->Int64(1), q->Double(2), q->Text(3), q->Text(4),
                           q->Text(5), q->Text(6)});
  }
  q->Reset();
  return rows;
}

Result<int64_t> JobStore::MarkFedLost(int64_t job, const std::string& stage,
                                      const std::string& code, const std::string& message) {
  PIX_RETURN_IF_ERROR(Write());
  // The record as it was fed gets the error (one that arrived failed keeps
  // its own), so the collecting stages and rejected.jsonl account for it.
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("UPDATE items SET state = 'lost', code = ?1, record = CASE WHEN json_valid(record) "
             "AND json_type(record, '$.error') IS NULL THEN json_set(record, '$.error', "
             "json_object('stage', ?3, 'code', ?1, 'message', ?4)) ELSE record END "
             "WHERE job_id = ?2 AND stage = ?3 AND state = 'fed'"));
  PIX_RETURN_IF_ERROR(q->Bind(1, code).Bind(2, job).Bind(3, stage).Bind(4, message).Run());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * n, Cached("SELECT changes()"));
  PIX_ASSIGN_OR_RETURN(bool row, n->Step());
  const int64_t count = row ? n->Int64(0) : 0;
  n->Reset();
  return count;
}

Result<int64_t> JobStore::DeleteFailed(int64_t job, const std::string& stage,
                                       const std::vector<std::string>& codes) {
  PIX_RETURN_IF_ERROR(Write());
  std::string in;
  for (size_t i = 0; i < codes.size(); ++i) in += (i ? ", ?" : "?");
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db_->Prepare(fmt::format("DELETE FROM items WHERE job_id = ? AND stage = ? AND state IN "
                               "('failed', 'lost'){}",
                               codes.empty() ? "" : " AND code IN (" + in + ")")));
  q.Bind(1, job).Bind(2, stage);
  for (size_t i = 0; i < codes.size(); ++i) q.Bind(static_cast<int>(i) + 3, codes[i]);
  PIX_RETURN_IF_ERROR(q.Run());
  PIX_ASSIGN_OR_RETURN(SqliteStatement n, db_->Prepare("SELECT changes()"));
  PIX_ASSIGN_OR_RETURN(bool row, n.Step());
  return row ? n.Int64(0) : 0;
}

Result<StageCounts> JobStore::CountItems(int64_t job, const std::string& stage) {
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("SELECT state, code, count(*) FROM items WHERE job_id = ? AND stage = ? "
             "GROUP BY state, code"));
  q->Bind(1, job).Bind(2, stage);
  StageCounts counts;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    const std::string state = q->Text(0);
    counts.by_state[state] += q->Int64(2);
    if (state == "failed" || state == "lost") counts.failed_by_code[q->Text(1)] += q->Int64(2);
  }
  q->Reset();
  return counts;
}

Result<std::map<std::string, int64_t>> JobStore::CountByLabel(int64_t job, const std::string& stage,
                                                              const std::string& state,
                                                              bool needs_review) {
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached(needs_review ? "SELECT label, count(*) FROM items WHERE job_id = ? AND stage = ? "
                            "AND state = ? AND json_extract(record, '$.needs_review') = 1 "
                            "GROUP BY label"
                          : "SELECT label, count(*) FROM items WHERE job_id = ? AND stage = ? "
                            "AND state = ? GROUP BY label"));
  q->Bind(1, job).Bind(2, stage).Bind(3, state);
  std::map<std::string, int64_t> out;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out[q->Text(0)] = q->Int64(1);
  }
  q->Reset();
  return out;
}

// ---- rounds

Status JobStore::PutRound(int64_t job, const RoundRow& row) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("INSERT OR REPLACE INTO rounds (job_id, round, label, found, "
                              "unique_images, deeper) VALUES (?, ?, ?, ?, ?, ?)"));
  return q->Bind(1, job)
      .Bind(2, static_cast<int64_t>(row.round))
      .Bind(3, row.label)
      .Bind(4, row.found)
      .Bind(5, row.unique)
      .Bind(6, static_cast<int64_t>(row.deeper ? 1 : 0))
      .Run();
}

Result<std::vector<RoundRow>> JobStore::Rounds(int64_t job) {
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("SELECT round, label, found, unique_images, deeper FROM rounds "
                              "WHERE job_id = ? ORDER BY round, rowid"));
  q->Bind(1, job);
  std::vector<RoundRow> rows;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) break;
    rows.push_back(
        {static_cast<int>(q->Int64(0)), q->Text(1), q->Int64(2), q->Int64(3), q->Int64(4) != 0});
  }
  q->Reset();
  return rows;
}

// ---- events

Status JobStore::AddEvent(int64_t job, const std::string& stage, const std::string& level,
                          const std::string& message) {
  PIX_RETURN_IF_ERROR(Write());
  PIX_ASSIGN_OR_RETURN(SqliteStatement * q,
                       Cached("INSERT INTO events (job_id, at, stage, level, message) "
                              "VALUES (?, ?, ?, ?, ?)"));
  return q->Bind(1, job).Bind(2, NowSeconds()).Bind(3, stage).Bind(4, level).Bind(5, message).Run();
}

Result<std::vector<EventRow>> JobStore::Events(int64_t job, const std::string& stage,
                                               const std::string& min_level, int64_t after_id,
                                               int limit) {
  PIX_ASSIGN_OR_RETURN(
      SqliteStatement * q,
      Cached("SELECT id, at, stage, level, message FROM events WHERE job_id = ? AND id > ? "
             "AND (? = '' OR stage = ?) AND (CASE level WHEN 'error' THEN 3 WHEN 'warning' "
             "THEN 2 WHEN 'info' THEN 1 ELSE 0 END) >= ? ORDER BY id LIMIT ?"));
  q->Bind(1, job).Bind(2, after_id).Bind(3, stage).Bind(4, stage);
  q->Bind(5, int64_t{LevelRank(min_level)}).Bind(6, int64_t{limit});
  std::vector<EventRow> out;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(EventRow{q->Int64(0), q->Double(1), q->Text(2), q->Text(3), q->Text(4)});
  }
  q->Reset();
  return out;
}

}  // namespace pix
