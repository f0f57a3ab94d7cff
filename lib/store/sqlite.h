// SqliteDb and SqliteStatement: a small RAII wrapper over the SQLite C API
// with the project's rules built in. A writable database is put in WAL mode
// (readers never block the writer, and a crash never leaves a half-written
// file); every connection waits `busy_timeout` for a lock before giving up;
// writers take the write lock up front with BEGIN IMMEDIATE, so two writers
// queue (or one fails clearly) instead of deadlocking on a lock upgrade.
//
// Errors come back as Status with the database path and SQLite's message;
// a lock held by another process past busy_timeout is kLimitExceeded with
// "database is locked". Thread-safety: one connection per thread (SQLite's
// default serialized mode is not relied on); statements belong to their
// connection and must be destroyed before it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pix {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;

  // Parameters are numbered from 1, as in SQLite.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& Bind(int index, std::string_view text);  // copied
  SqliteStatement& BindNull(int index);

  // Runs one step: true when a row is ready, false when done.
  Result<bool> Step();
  // Steps until done and rewinds, keeping the bindings (for statements that
  // return no rows).
  Status Run();
  // Clears bindings and rewinds, for the next use.
  void Reset();

  // Columns are numbered from 0. REQUIRES: Step() returned true.
  int64_t Int64(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* stmt, std::string context)
      : stmt_(stmt), context_(std::move(context)) {}
  sqlite3_stmt* stmt_ = nullptr;
  std::string context_;  // the database path, for messages
};

struct SqliteOptions {
  bool read_only = false;
  bool create = true;  // create the file when it does not exist (writable only)
  // How long to wait for another connection's lock. Long enough to ride out
  // a checkpoint or a short write by another run; a writer that holds the
  // lock for a whole run makes the second one fail with a clear message.
  std::chrono::milliseconds busy_timeout{10000};
};

class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                const SqliteOptions& options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(const std::string& sql);

  // Write transactions take the lock at BEGIN (never a later upgrade).
  Status BeginImmediate();
  Status Commit();
  Status Rollback();
  bool in_transaction() const;

  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  std::string path_;
};

}  // namespace pix
