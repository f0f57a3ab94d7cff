#include "jsonl/record_spool.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace pix {
namespace {

TEST_CASE("RecordSpool gives back every line, in order, as often as asked") {
  auto spool = RecordSpool::Create("/tmp");
  REQUIRE(spool.ok());
  std::string big(3 << 20, 'x');  // longer than the buffer
  REQUIRE((*spool)->Append("{\"a\":1}").ok());
  REQUIRE((*spool)->Append(big).ok());
  for (int i = 0; i < 1000; ++i) REQUIRE((*spool)->Append(std::to_string(i)).ok());
  REQUIRE((*spool)->Append("").ok());
  for (int pass = 0; pass < 2; ++pass) {
    REQUIRE((*spool)->Rewind().ok());
    std::string line;
    REQUIRE(*(*spool)->Next(&line));
    CHECK(line == "{\"a\":1}");
    REQUIRE(*(*spool)->Next(&line));
    CHECK(line == big);
    for (int i = 0; i < 1000; ++i) {
      REQUIRE(*(*spool)->Next(&line));
      CHECK(line == std::to_string(i));
    }
    REQUIRE(*(*spool)->Next(&line));
    CHECK(line.empty());
    CHECK_FALSE(*(*spool)->Next(&line));
  }
  CHECK(RecordSpool::Create("/nonexistent-dir").status().message().find("/nonexistent-dir") !=
        std::string::npos);
}

TEST_CASE("ForEachSpooledRecord hands on the records after `skip`, and stops on an error") {
  auto spool = RecordSpool::Create("/tmp");
  REQUIRE(spool.ok());
  for (int i = 0; i < 5; ++i) {
    Record r;
    r.SetInt("n", i);
    REQUIRE((*spool)->Append(r.ToJson()).ok());
  }
  REQUIRE((*spool)->Rewind().ok());
  std::vector<std::string> seen;
  auto collect = [&](size_t i, Record& r) {
    r.SetInt("i", static_cast<int64_t>(i));
    seen.push_back(r.ToJson());
    return Status::Ok();
  };
  REQUIRE(ForEachSpooledRecord(**spool, 1, 3, collect).ok());
  CHECK(seen == std::vector<std::string>{"{\"n\":1,\"i\":1}", "{\"n\":2,\"i\":2}"});
  // Reading goes on from where it stood: two lines are left.
  seen.clear();
  const Status short_spool = ForEachSpooledRecord(**spool, 0, 3, collect);
  CHECK(short_spool.code() == StatusCode::kInternal);
  CHECK(seen.size() == 2);
  // The first error ends the walk.
  REQUIRE((*spool)->Rewind().ok());
  int calls = 0;
  const Status stopped = ForEachSpooledRecord(**spool, 0, 5, [&](size_t, Record&) {
    return ++calls == 2 ? Status::IoError("full") : Status::Ok();
  });
  CHECK(stopped.message() == "full");
  CHECK(calls == 2);
}

}  // namespace
}  // namespace pix
