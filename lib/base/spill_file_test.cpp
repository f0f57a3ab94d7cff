#include "base/spill_file.h"

#include <doctest/doctest.h>
#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pix {
namespace {

struct Value {
  uint64_t a;
  uint32_t b;
  float c;
};

// Entries of `dir` other than . and ..
int EntriesIn(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  int n = 0;
  while (const dirent* e = ::readdir(d)) n += std::string(e->d_name) != "." && std::string(e->d_name) != "..";
  ::closedir(d);
  return n;
}

TEST_CASE("SpillFile: values come back in batches, in order, as written, and may be reread") {
  char tmpl[] = "/tmp/pix-spill-test-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto file = SpillFile<Value>::Create(dir);
    REQUIRE(file.ok());
    CHECK(EntriesIn(dir) == 0);  // unlinked at once
    // More than the 1 MiB write buffer, so some go to disk before Rewind.
    const uint32_t n = 100'000;
    for (uint32_t i = 0; i < n; ++i) {
      REQUIRE(file->Append({uint64_t{i} * 0x9e3779b97f4a7c15ull, i, i * 0.5f}).ok());
    }
    CHECK(file->size() == n);
    for (size_t batch_size : {size_t{7}, size_t{65'536}, size_t{1'000'000}}) {
      REQUIRE(file->Rewind().ok());
      std::vector<Value> batch;
      uint32_t next = 0;
      for (;;) {
        REQUIRE(file->Read(batch_size, &batch).ok());
        if (batch.empty()) break;
        CHECK(batch.size() <= batch_size);
        for (const Value& v : batch) {
          REQUIRE(v.b == next);
          REQUIRE(v.a == uint64_t{next} * 0x9e3779b97f4a7c15ull);
          REQUIRE(v.c == next * 0.5f);
          ++next;
        }
      }
      CHECK(next == n);
    }
    // A batch larger than the file holds only what the file has.
    REQUIRE(file->Rewind().ok());
    std::vector<Value> all;
    REQUIRE(file->Read(size_t{1} << 30, &all).ok());
    CHECK(all.size() == n);
    CHECK(all.capacity() == n);
  }
  ::rmdir(dir.c_str());
}

TEST_CASE("SpillFile: a directory that cannot hold it is an error naming it") {
  auto file = SpillFile<Value>::Create("/nonexistent-pix-dir");
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().message().find("/nonexistent-pix-dir") != std::string::npos);
}

}  // namespace
}  // namespace pix
