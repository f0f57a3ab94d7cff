#include "store/sqlite.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace pix {
namespace {

std::string TempDbPath() {
  char path[] = "/tmp/pix-sqlite-test-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::remove(path);
  return path;
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

TEST_CASE("SqliteDb: WAL, statements, transactions") {
  const std::string path = TempDbPath();
  {
    auto db = SqliteDb::Open(path, {});
    REQUIRE(db.ok());
    auto mode = (*db)->Prepare("PRAGMA journal_mode");
    REQUIRE(mode.ok());
    REQUIRE(*mode->Step());
    CHECK(mode->Text(0) == "wal");
    mode->Reset();  // a statement with a row pending would hold up COMMIT
    REQUIRE((*db)->Exec("CREATE TABLE t(a INTEGER, b TEXT, c REAL)").ok());
    REQUIRE((*db)->BeginImmediate().ok());
    CHECK((*db)->in_transaction());
    auto insert = (*db)->Prepare("INSERT INTO t VALUES (?, ?, ?)");
    REQUIRE(insert.ok());
    REQUIRE(
        insert->Bind(1, int64_t{-5}).Bind(2, std::string_view("x\0y", 3)).Bind(3, 0.5).Run().ok());
    insert->Reset();
    REQUIRE(insert->Bind(1, int64_t{7}).BindNull(2).Bind(3, 1.5).Run().ok());
    Status committed = (*db)->Commit();
    INFO(committed.message());
    REQUIRE(committed.ok());
    CHECK_FALSE((*db)->in_transaction());
    auto query = (*db)->Prepare("SELECT a, b, c FROM t ORDER BY a");
    REQUIRE(query.ok());
    REQUIRE(*query->Step());
    CHECK(query->Int64(0) == -5);
    CHECK(query->Text(1) == std::string("x\0y", 3));
    CHECK(query->Double(2) == 0.5);
    REQUIRE(*query->Step());
    CHECK(query->IsNull(1));
    CHECK_FALSE(*query->Step());
  }
  {
    // A second writer cannot take the lock while the first holds it.
    auto first = SqliteDb::Open(path, {});
    auto second = SqliteDb::Open(path, {.busy_timeout = std::chrono::milliseconds(50)});
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    REQUIRE((*first)->BeginImmediate().ok());
    Status s = (*second)->BeginImmediate();
    CHECK(s.code() == StatusCode::kLimitExceeded);
    CHECK(s.message().find("locked") != std::string::npos);
    // Readers are not blocked by the writer (WAL).
    auto reader = SqliteDb::Open(path, {.read_only = true});
    REQUIRE(reader.ok());
    auto count = (*reader)->Prepare("SELECT count(*) FROM t");
    REQUIRE(count.ok());
    REQUIRE(*count->Step());
    CHECK(count->Int64(0) == 2);
    REQUIRE((*first)->Rollback().ok());
  }
  RemoveDb(path);
}

TEST_CASE("SqliteDb: errors name the file") {
  auto missing = SqliteDb::Open("/nonexistent-dir/x.db", {});
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().message().find("/nonexistent-dir/x.db") != std::string::npos);
  const std::string path = TempDbPath();
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just some text that is long enough to have a header", f);
    std::fclose(f);
  }
  auto garbage = SqliteDb::Open(path, {});
  CHECK_FALSE(garbage.ok());
  CHECK(garbage.status().code() == StatusCode::kCorruption);
  RemoveDb(path);
}

}  // namespace
}  // namespace pix
