#include "dedup/dup_index.h"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

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
  phash TEXT,
  dhash TEXT,
  width INTEGER,
  height INTEGER,
  bytes INTEGER,
  quality REAL,
  cluster INTEGER NOT NULL,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
INSERT OR IGNORE INTO meta(key, value) VALUES ('application', 'pix-dedup'), ('schema_version', '1');
)sql";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string OptionalText(const SqliteStatement& st, int column) {
  return st.IsNull(column) ? std::string() : st.Text(column);
}

}  // namespace

IndexRow IndexRowFor(const Record& record, std::string record_id, int64_t cluster,
                     const HashFields& fields) {
  IndexRow row;
  row.record_id = std::move(record_id);
  row.sha256 = Lower(record.GetString("sha256").value_or(""));
  row.pixel_hash = Lower(record.GetString("pixel_hash").value_or(""));
  row.phash = Lower(record.GetString(fields.phash).value_or(""));
  row.dhash = Lower(record.GetString(fields.dhash).value_or(""));
  row.width = record.GetInt("width").value_or(0);
  row.height = record.GetInt("height").value_or(0);
  row.bytes = record.GetInt("bytes").value_or(0);
  if (auto keys = ReadDedupKeys(record, row.record_id, fields); keys.ok()) {
    row.quality = keys->quality;
  }
  row.cluster = cluster;
  return row;
}

DedupKeys KeysOf(const IndexRow& row) {
  DedupKeys k;
  if (!row.sha256.empty()) {
    k.has_sha256 = true;
    k.sha256 = TextDigest(row.sha256);
  }
  if (!row.pixel_hash.empty()) {
    k.has_pixel_hash = true;
    k.pixel_hash = TextDigest(row.pixel_hash);
  }
  if (auto p = ParseHash64(row.phash)) {
    k.has_phash = true;
    k.phash = *p;
  }
  if (auto d = ParseHash64(row.dhash)) {
    k.has_dhash = true;
    k.dhash = *d;
  }
  if (row.width > 0 && row.height > 0) {
    k.pixels = static_cast<uint32_t>(std::min<int64_t>(
        std::min<int64_t>(row.width, UINT32_MAX) * std::min<int64_t>(row.height, UINT32_MAX),
        UINT32_MAX));
  }
  k.bytes = static_cast<uint32_t>(std::clamp<int64_t>(row.bytes, 0, UINT32_MAX));
  k.quality = static_cast<float>(row.quality);
  k.id_digest = TextDigest(row.record_id);
  return k;
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
      return Status::LimitExceeded(fmt::format(
          "index {} is being updated by another run (database is locked)", path));
    }
    PIX_RETURN_IF_ERROR(locked);
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
    return Status::Unsupported(
        fmt::format("index {} was written by a newer pix-dedup (schema {})", path,
                    version->Text(0)));
  }
  auto field = sql.Prepare("SELECT value FROM meta WHERE key = 'phash_field'");
  if (has_row(field) && field->Text(0) != phash_field) {
    return Status::InvalidArgument(
        fmt::format("index {} holds {} hashes, not {} (see --hash)", path, field->Text(0),
                    phash_field));
  }
  PIX_ASSIGN_OR_RETURN(index->id_of_, sql.Prepare("SELECT record_id FROM images WHERE id = ?"));
  if (update) {
    PIX_ASSIGN_OR_RETURN(
        index->insert_,
        sql.Prepare("INSERT INTO images(record_id, sha256, pixel_hash, phash, dhash, width, "
                    "height, bytes, quality, cluster) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  }
  return index;
}

DupIndex::~DupIndex() {
  // Statements first: a connection cannot roll back under a pending one.
  insert_ = SqliteStatement();
  id_of_ = SqliteStatement();
}

Status DupIndex::ForEach(const std::function<void(int64_t, const IndexRow&)>& fn) {
  PIX_ASSIGN_OR_RETURN(
      auto st, db_->Prepare("SELECT id, NULL, sha256, pixel_hash, phash, dhash, width, "
                            "height, bytes, quality, cluster FROM images ORDER BY id"));
  IndexRow row;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return Status::Ok();
    // record_id stays empty: RecordIdOf() fetches the few that dup_of needs.
    row.sha256 = OptionalText(st, 2);
    row.pixel_hash = OptionalText(st, 3);
    row.phash = OptionalText(st, 4);
    row.dhash = OptionalText(st, 5);
    row.width = st.Int64(6);
    row.height = st.Int64(7);
    row.bytes = st.Int64(8);
    row.quality = st.IsNull(9) ? -1 : st.Double(9);
    row.cluster = st.Int64(10);
    fn(st.Int64(0), row);
  }
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
  return insert_.Run();
}

Status DupIndex::Commit() {
  if (!update_ || !db_->in_transaction()) return Status::Ok();
  insert_.Reset();
  return db_->Commit();
}

}  // namespace pix
