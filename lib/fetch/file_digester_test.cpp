#include "fetch/file_digester.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/files.h"
#include "hash/sha256.h"

namespace pix {
namespace {

TEST_CASE("FileDigester hashes files off the caller's thread and runs every continuation") {
  char dir_template[] = "/tmp/pix-digester-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  std::vector<std::string> contents = {"", "abc", std::string(1 << 20, 'z')};
  std::atomic<int> wakes{0};
  FileDigester digester([&] { ++wakes; });
  std::vector<std::string> seen(contents.size());
  for (size_t i = 0; i < contents.size(); ++i) {
    const std::string path = dir + "/f" + std::to_string(i);
    REQUIRE(WriteFileAtomic(path, contents[i]).ok());
    digester.Hash(path, [&, i](Result<std::string> digest, uint64_t size) {
      REQUIRE(digest.ok());
      CHECK(size == contents[i].size());
      seen[i] = *digest;
      return Status::Ok();
    });
  }
  digester.Hash(dir + "/missing", [&](Result<std::string> digest, uint64_t) {
    CHECK_FALSE(digest.ok());
    return Status::Ok();
  });
  CHECK(digester.pending() == contents.size() + 1);
  REQUIRE(digester.Drain().ok());
  CHECK(digester.pending() == 0);
  // Jobs run in turn and each wakes the owner once it is done; the last
  // wake may still be on its way when Drain() has seen the last result.
  CHECK(wakes.load() >= static_cast<int>(contents.size()));
  for (size_t i = 0; i < contents.size(); ++i) CHECK(seen[i] == Sha256Hex(contents[i]));

  // A failing continuation stops the run and its status comes back.
  digester.Hash(dir + "/f1", [](Result<std::string>, uint64_t) { return Status::Internal("stop"); });
  const Status s = digester.Drain();
  CHECK(s.code() == StatusCode::kInternal);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pix
