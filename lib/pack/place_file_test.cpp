#include "pack/place_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "base/files.h"
#include "hash/sha256.h"
#include "pack/tree.h"

namespace pix {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/pix-place-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() { (void)RemoveTree(path); }
};

ino_t Inode(const std::string& p) {
  struct stat st;
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

TEST_CASE("PlaceFile links or copies, and proves the bytes are the record's") {
  TempDir d;
  const std::string src = d.path + "/src.jpg";
  REQUIRE(WriteFileAtomic(src, "image bytes").ok());
  const std::string sha = Sha256Hex("image bytes");

  auto linked = PlaceFile(src, d.path + "/a.jpg", sha, PlaceMode::kLink);
  REQUIRE(linked.ok());
  CHECK(linked->kind == PlaceOutcome::kPlaced);
  CHECK(std::string(linked->how) == "link");
  CHECK(linked->bytes == 11);
  CHECK(Inode(d.path + "/a.jpg") == Inode(src));

  auto copied = PlaceFile(src, d.path + "/b.jpg", sha, PlaceMode::kCopy);
  REQUIRE(copied.ok());
  CHECK(copied->kind == PlaceOutcome::kPlaced);
  CHECK(Inode(d.path + "/b.jpg") != Inode(src));
  CHECK(*ReadFile(d.path + "/b.jpg") == "image bytes");

  // The digest given is not the file's: nothing is left at dest.
  auto changed = PlaceFile(src, d.path + "/c.jpg", Sha256Hex("other"), PlaceMode::kLink);
  REQUIRE(changed.ok());
  CHECK(changed->kind == PlaceOutcome::kChanged);
  CHECK(changed->sha256 == sha);
  CHECK(::access((d.path + "/c.jpg").c_str(), F_OK) != 0);

  auto missing = PlaceFile(d.path + "/nope.jpg", d.path + "/d.jpg", sha, PlaceMode::kCopy);
  REQUIRE(missing.ok());
  CHECK(missing->kind == PlaceOutcome::kMissing);

  // No digest known: placed, and the digest reported.
  auto unknown = PlaceFile(src, d.path + "/e.jpg", "", PlaceMode::kReflink);
  REQUIRE(unknown.ok());
  CHECK(unknown->sha256 == sha);

  // dest exists: an error, never an overwrite.
  CHECK(!PlaceFile(src, d.path + "/b.jpg", sha, PlaceMode::kCopy).ok());
}

TEST_CASE("LinkTree recreates folders as hard links; RemoveTree removes them") {
  TempDir d;
  REQUIRE(MakeDirs(d.path + "/a/cat").ok());
  REQUIRE(WriteFileAtomic(d.path + "/a/cat/x.jpg", "x").ok());
  REQUIRE(WriteFileAtomic(d.path + "/a/labels.json", "[]").ok());
  REQUIRE(::mkdir((d.path + "/b").c_str(), 0755) == 0);
  REQUIRE(LinkTree(d.path + "/a", d.path + "/b").ok());
  CHECK(Inode(d.path + "/b/cat/x.jpg") == Inode(d.path + "/a/cat/x.jpg"));
  CHECK(*ReadFile(d.path + "/b/labels.json") == "[]");
  REQUIRE(ExchangePaths(d.path + "/a", d.path + "/b").ok());
  REQUIRE(RemoveTree(d.path + "/b").ok());
  CHECK(::access((d.path + "/b").c_str(), F_OK) != 0);
  CHECK(*ReadFile(d.path + "/a/cat/x.jpg") == "x");
  CHECK(RemoveTree(d.path + "/none").ok());
}

}  // namespace
}  // namespace pix
