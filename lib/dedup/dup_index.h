// DupIndex: the images kept by earlier pix-dedup runs, in an SQLite file, so
// that a nightly run only adds images that no earlier dataset already has.
//
// One row per kept image: the id that dup_of names, its sha256, pixel_hash,
// pHash and dHash as text, width, height, bytes, quality.score, its cluster
// number and when it was added; and the 64-bit digests of sha256 and
// pixel_hash (dedup_keys.h), which are what is indexed and looked up: eight
// bytes a key keep the SQL indexes small and inserts fast. SQLite rather than a compact file of our
// own: updates are transactions (a crash or kill -9 leaves the index as it was before the run), WAL
// lets other runs read while one writes, and users can inspect or prune it with sqlite3(1).
//
// Opened for update, the index takes SQLite's write lock (BEGIN IMMEDIATE)
// at once and holds it until Commit(): the images a run adds depend on what
// it read, so a second updating run must not interleave. It waits
// `busy_timeout` and then fails with kLimitExceeded ("database is locked").
// Read-only runs are never blocked. Destroying an index that was not
// committed rolls back. Thread-safety: one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "dedup/dedup_keys.h"
#include "jsonl/record.h"
#include "store/sqlite.h"

namespace pix {

// A row as stored.
struct IndexRow {
  std::string record_id;
  std::string sha256;      // lower-case hex, empty when unknown
  std::string pixel_hash;  // lower-cased, empty when unknown
  std::string phash;       // 16 hex digits, empty when unknown
  std::string dhash;
  int64_t width = 0;
  int64_t height = 0;
  int64_t bytes = 0;
  double quality = -1;
  int64_t cluster = 0;
};

// The row for a kept record, from the same fields ReadDedupKeys reads.
IndexRow IndexRowFor(const Record& record, std::string record_id, int64_t cluster,
                     const HashFields& fields);

// A stored image as pix-dedup compares it.
struct StoredImage {
  int64_t rowid = 0;
  DedupKeys keys;  // id_digest is 0: stored images never need a tie-break
  int64_t cluster = 0;
  float aspect = 0;  // width / height, 0 when unknown (the crop search)
};

class DupIndex {
 public:
  // Opens `path`. With `update`, creates it when missing and takes the write
  // lock; without, a missing file is kInvalidArgument (a usage error). An
  // index holds one kind of pHash (the field it was created with); opening
  // it for another is kInvalidArgument, as the hashes would not compare.
  static Result<std::unique_ptr<DupIndex>> Open(
      const std::string& path, bool update, const std::string& phash_field,
      std::chrono::milliseconds busy_timeout = SqliteOptions{}.busy_timeout);
  ~DupIndex();

  // Calls fn for every stored image, in rowid order, one row in memory at a
  // time.
  Status ForEach(const std::function<void(const StoredImage&)>& fn);
  // The first stored image with the sha256 of `keys`, or else with its
  // pixel_hash, through the SQL indexes: microseconds, whatever the size of
  // the index. *by_sha256 tells which matched.
  Result<std::optional<StoredImage>> FindExact(const DedupKeys& keys, bool* by_sha256);
  // The record id of one row.
  Result<std::string> RecordIdOf(int64_t rowid);
  // One more than the largest cluster number stored (1 when empty).
  Result<int64_t> NextCluster();

  // REQUIRES: opened with update.
  Status Add(const IndexRow& row);
  Status Commit();

  const std::string& path() const { return db_->path(); }

 private:
  explicit DupIndex(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  std::unique_ptr<SqliteDb> db_;
  SqliteStatement insert_;
  SqliteStatement id_of_;
  SqliteStatement by_sha256_;
  SqliteStatement by_pixel_hash_;
  bool update_ = false;
};

}  // namespace pix
