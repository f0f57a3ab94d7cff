#include "dedup/dup_index.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

#include "jsonl/fields.h"

namespace pix {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images(
  id INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL,
  sha256 TEXT,
  pixel_hash TEXT,
  sha256_key INTEGER,
  pixel_key INTEGER,
  phash TEXT,
  dhash TEXT,
  width INTEGER,
  height INTEGER,
  bytes INTEGER,
  quality REAL,
  cluster INTEGER NOT NULL,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
CREATE INDEX IF NOT EXISTS images_sha256_key ON images(sha256_key);
CREATE INDEX IF NOT EXISTS images_pixel_key ON images(pixel_key);
CREATE INDEX IF NOT EXISTS images_cluster ON images(cluster);
INSERT OR IGNORE INTO meta(key, value) VALUES ('application', 'pix-dedup'), ('schema_version', '1');
)sql";

std::string OptionalText(const SqliteStatement& st, int column) {
  return st.IsNull(column) ? std::string() : st.Text(column);
}

// What ForEach and FindExact read; record_id stays out (RecordIdOf fetches
// the few that dup_of needs).
constexpr const char* kColumns =
    "SELECT id, sha256_key, pixel_key, phash, dhash, width, height, bytes, quality, cluster "
    "FROM images";

StoredImage ReadStored(const SqliteStatement& st) {
  StoredImage image;
  image.rowid = st.Int64(0);
  DedupKeys& k = image.keys;
  k.has_sha256 = !st.IsNull(1);
  k.sha256 = static_cast<uint64_t>(st.Int64(1));
  k.has_pixel_hash = !st.IsNull(2);
  k.pixel_hash = static_cast<uint64_t>(st.Int64(2));
  if (auto p = ParseHash64(OptionalText(st, 3))) {
    k.has_phash = true;
    k.phash = *p;
  }
  if (auto d = ParseHash64(OptionalText(st, 4))) {
    k.has_dhash = true;
    k.dhash = *d;
  }
  const int64_t w = st.Int64(5), h = st.Int64(6);
  if (w > 0 && h > 0) {
    image.aspect = static_cast<float>(static_cast<double>(w) / static_cast<double>(h));
    k.pixels = static_cast<uint32_t>(std::min<int64_t>(
        std::min<int64_t>(w, UINT32_MAX) * std::min<int64_t>(h, UINT32_MAX), UINT32_MAX));
  }
  k.bytes = static_cast<uint32_t>(std::clamp<int64_t>(st.Int64(7), 0, UINT32_MAX));
  k.quality = st.IsNull(8) ? -1.0f : static_cast<float>(st.Double(8));
  image.cluster = st.Int64(9);
  return image;
}

}  // namespace

IndexRow IndexRowFor(const Record& record, std::string record_id, int64_t cluster,
                     const HashFields& fields) {
  IndexRow row;
  row.record_id = std::move(record_id);
  row.sha256 = LowerAscii(record.GetString(field::kSha256).value_or(""));
  row.pixel_hash = LowerAscii(record.GetString(field::kPixelHash).value_or(""));
  row.phash = LowerAscii(record.GetString(fields.phash).value_or(""));
  row.dhash = LowerAscii(record.GetString(fields.dhash).value_or(""));
  row.width = record.GetInt(field::kWidth).value_or(0);
  row.height = record.GetInt(field::kHeight).value_or(0);
  row.bytes = record.GetInt(field::kBytes).value_or(0);
  if (auto keys = ReadDedupKeys(record, row.record_id, fields); keys.ok()) {
    row.quality = keys->quality;
  }
  row.cluster = cluster;
  return row;
}

Result<std::unique_ptr<DupIndex>> DupIndex::Open(const std::string& path, bool update,
                                                 const std::string& phash_field,
                                                 std::chrono::milliseconds busy_timeout) {
  struct stat file;
  if (!update && ::stat(path.c_str(), &file) != 0) {
    return Status::InvalidArgument(
        fmt::format("index {} does not exist (--index-update creates it)", path));
  }
  SqliteOptions options;
  options.read_only = !update;
  options.busy_timeout = busy_timeout;
  PIX_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(path, options));
  std::unique_ptr<DupIndex> index(new DupIndex(std::move(db)));
  index->update_ = update;
  SqliteDb& sql = *index->db_;
  if (update) {
    Status locked = sql.BeginImmediate();
    if (locked.code() == StatusCode::kLimitExceeded) {
      return Status::LimitExceeded(
          fmt::format("index {} is being updated by another run (database is locked)", path));
    }
    PIX_RETURN_IF_ERROR(locked);
    // A run adds its images in one transaction; random digests make the SQL
    // indexes take pages all over, and with SQLite's default 2 MiB cache
    // every insert would go to the WAL file.
    PIX_RETURN_IF_ERROR(sql.Exec("PRAGMA cache_size = -32768"));
    PIX_RETURN_IF_ERROR(sql.Exec(kSchema));
    PIX_ASSIGN_OR_RETURN(auto field, sql.Prepare("INSERT OR IGNORE INTO meta(key, value) "
                                                 "VALUES ('phash_field', ?)"));
    PIX_RETURN_IF_ERROR(field.Bind(1, std::string_view(phash_field)).Run());
  }
  auto app = sql.Prepare("SELECT value FROM meta WHERE key = 'application'");
  auto version = sql.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  const auto has_row = [](Result<SqliteStatement>& st) {
    if (!st.ok()) return false;
    auto row = st->Step();
    return row.ok() && *row;
  };
  if (!has_row(app) || app->Text(0) != "pix-dedup") {
    return Status::InvalidArgument(fmt::format("{} is not a pix-dedup index", path));
  }
  if (!has_row(version) || version->Int64(0) > kSchemaVersion) {
    return Status::Unsupported(fmt::format("index {} was written by a newer pix-dedup (schema {})",
                                           path, version->Text(0)));
  }
  auto field = sql.Prepare("SELECT value FROM meta WHERE key = 'phash_field'");
  if (has_row(field) && field->Text(0) != phash_field) {
    return Status::InvalidArgument(fmt::format("index {} holds {} hashes, not {} (see --hash)",
                                               path, field->Text(0), phash_field));
  }
  PIX_ASSIGN_OR_RETURN(index->id_of_, sql.Prepare("SELECT record_id FROM images WHERE id = ?"));
  PIX_ASSIGN_OR_RETURN(index->by_sha256_, sql.Prepare(std::string(kColumns) +
                                                      " WHERE sha256_key = ? ORDER BY id LIMIT 1"));
  PIX_ASSIGN_OR_RETURN(
      index->by_pixel_hash_,
      sql.Prepare(std::string(kColumns) + " WHERE pixel_key = ? ORDER BY id LIMIT 1"));
  if (update) {
    PIX_ASSIGN_OR_RETURN(
        index->insert_,
        sql.Prepare("INSERT INTO images(record_id, sha256, pixel_hash, phash, dhash, width, "
                    "height, bytes, quality, cluster, sha256_key, pixel_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  }
  return index;
}

DupIndex::~DupIndex() {
  // Statements first: a connection cannot roll back under a pending one.
  for (SqliteStatement* st : {&insert_, &id_of_, &by_sha256_, &by_pixel_hash_}) {
    *st = SqliteStatement();
  }
}

Status DupIndex::ForEach(const std::function<void(const StoredImage&)>& fn) {
  PIX_ASSIGN_OR_RETURN(auto st, db_->Prepare(std::string(kColumns) + " ORDER BY id"));
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return Status::Ok();
    fn(ReadStored(st));
  }
}

Result<std::optional<StoredImage>> DupIndex::FindExact(const DedupKeys& keys, bool* by_sha256) {
  const std::pair<SqliteStatement*, std::optional<uint64_t>> lookups[] = {
      {&by_sha256_, keys.has_sha256 ? std::optional(keys.sha256) : std::nullopt},
      {&by_pixel_hash_, keys.has_pixel_hash ? std::optional(keys.pixel_hash) : std::nullopt}};
  for (const auto& [st, key] : lookups) {
    if (!key) continue;
    st->Reset();
    st->Bind(1, static_cast<int64_t>(*key));
    PIX_ASSIGN_OR_RETURN(bool found, st->Step());
    if (!found) continue;
    StoredImage image = ReadStored(*st);
    st->Reset();
    *by_sha256 = st == &by_sha256_;
    return std::optional<StoredImage>(std::move(image));
  }
  return std::optional<StoredImage>();
}

Result<std::string> DupIndex::RecordIdOf(int64_t rowid) {
  id_of_.Reset();
  id_of_.Bind(1, rowid);
  PIX_ASSIGN_OR_RETURN(bool found, id_of_.Step());
  if (!found) return Status::NotFound(fmt::format("{}: no image {}", path(), rowid));
  std::string id = id_of_.Text(0);
  id_of_.Reset();
  return id;
}

Result<int64_t> DupIndex::NextCluster() {
  PIX_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT coalesce(max(cluster), 0) + 1 FROM images"));
  PIX_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : int64_t{1};
}

Status DupIndex::Add(const IndexRow& row) {
  if (!update_) return Status::Internal("DupIndex::Add on an index opened read-only");
  const auto text_or_null = [&](int i, const std::string& s) {
    if (s.empty()) {
      insert_.BindNull(i);
    } else {
      insert_.Bind(i, std::string_view(s));
    }
  };
  insert_.Reset();
  insert_.Bind(1, std::string_view(row.record_id));
  text_or_null(2, row.sha256);
  text_or_null(3, row.pixel_hash);
  text_or_null(4, row.phash);
  text_or_null(5, row.dhash);
  insert_.Bind(6, row.width).Bind(7, row.height).Bind(8, row.bytes);
  if (row.quality >= 0) {
    insert_.Bind(9, row.quality);
  } else {
    insert_.BindNull(9);
  }
  insert_.Bind(10, row.cluster);
  // The digests ReadDedupKeys computes from the same (lower-cased) text.
  for (auto [column, text] : {std::pair{11, &row.sha256}, std::pair{12, &row.pixel_hash}}) {
    if (text->empty()) {
      insert_.BindNull(column);
    } else {
      insert_.Bind(column, static_cast<int64_t>(TextDigest(*text)));
    }
  }
  return insert_.Run();
}

Status DupIndex::Commit() {
  if (!update_ || !db_->in_transaction()) return Status::Ok();
  insert_.Reset();
  return db_->Commit();
}

}  // namespace pix
