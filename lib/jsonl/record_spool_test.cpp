#include "jsonl/record_spool.h"

#include <doctest/doctest.h>

#include <string>

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

}  // namespace
}  // namespace pix
