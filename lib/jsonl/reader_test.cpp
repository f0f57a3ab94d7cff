#include "jsonl/reader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace pix {
namespace {

// Feeds `input` through a pipe and collects what the reader makes of it:
// each record's JSON, or "ERR <message>" for an error.
std::vector<std::string> ReadAll(const std::string& input, ReaderOptions options = {}) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread feeder([&] {
    size_t done = 0;
    while (done < input.size()) {
      ssize_t n = ::write(fds[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  RecordReader reader(fds[0], "in", options);
  std::vector<std::string> out;
  for (;;) {
    auto next = reader.Next();
    if (!next.ok()) {
      out.push_back("ERR " + next.status().message());
      continue;
    }
    if (!next->has_value()) break;
    out.push_back((*next)->ToJson());
  }
  if (reader.skipped()) out.push_back("SKIPPED " + std::to_string(reader.skipped()));
  feeder.join();
  ::close(fds[0]);
  return out;
}

TEST_CASE("lines, CRLF, blank lines and a last line without newline") {
  auto out = ReadAll("{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}");
  CHECK(out == std::vector<std::string>{R"({"a":1})", R"({"b":2})", R"({"c":3})"});
}

TEST_CASE("a BOM is accepted only at the start") {
  auto out = ReadAll("\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\n");
  REQUIRE(out.size() == 2);
  CHECK(out[0] == R"({"a":1})");
  CHECK(out[1] == "ERR in:2: byte-order mark is only allowed at the start");
}

TEST_CASE("a malformed line names file and line; the next line still reads") {
  auto out = ReadAll("{\"a\":1}\n{oops\n{\"c\":3}\n");
  REQUIRE(out.size() == 3);
  CHECK(out[1].rfind("ERR in:2: invalid JSON", 0) == 0);
  CHECK(out[2] == R"({"c":3})");
}

TEST_CASE("skip_invalid counts instead of failing") {
  ReaderOptions options;
  options.skip_invalid = true;
  auto out = ReadAll("{\"a\":1}\nnope\n[1]\n{\"c\":3}\n", options);
  CHECK(out == std::vector<std::string>{R"({"a":1})", R"({"c":3})", "SKIPPED 2"});
}

TEST_CASE("an over-long line is an error with bounded memory, not a crash") {
  ReaderOptions options;
  options.max_line_bytes = 100;
  std::string huge = "{\"x\":\"" + std::string(1 << 20, 'a') + "\"}\n";
  auto out = ReadAll("{\"a\":1}\n" + huge + "{\"c\":3}\n", options);
  REQUIRE(out.size() == 3);
  CHECK(out[1] == "ERR in:2: line longer than 100 bytes (see --max-line-bytes)");
  CHECK(out[2] == R"({"c":3})");
}

}  // namespace
}  // namespace pix
