#include "pack/manifest.h"

#include <doctest/doctest.h>

#include <fstream>

#include "base/files.h"
#include "hash/sha256.h"
#include "pack/tree.h"

namespace pix {
namespace {

TEST_CASE("MANIFEST text round-trips and malformed lines name their line") {
  Manifest m;
  m["cat/a b.jpg"] = ManifestEntry{Sha256Hex("x"), 1};
  m["labels.json"] = ManifestEntry{Sha256Hex("y"), 22};
  auto back = ParseManifest(ManifestText(m), "MANIFEST");
  REQUIRE(back.ok());
  CHECK(back->size() == 2);
  CHECK((*back)["cat/a b.jpg"].size == 1);
  auto bad = ParseManifest("# c\nnot a line\n", "M");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("M:2:") == 0);
  CHECK(!ParseManifest(Sha256Hex("x") + "  1  /etc/passwd\n", "M").ok());
}

TEST_CASE("VerifyFolder finds missing, extra and altered files (a flipped byte too)") {
  char tmpl[] = "/tmp/pix-manifest-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string root = tmpl;
  REQUIRE(MakeDirs(root + "/cat").ok());
  REQUIRE(WriteFileAtomic(root + "/cat/a.jpg", "aaaa").ok());
  REQUIRE(WriteFileAtomic(root + "/cat/b.jpg", "bbbb").ok());
  REQUIRE(WriteFileAtomic(root + "/labels.json", "[]").ok());
  Manifest m;
  for (const char* p : {"cat/a.jpg", "cat/b.jpg", "labels.json"}) {
    ManifestEntry e;
    e.sha256 = *Sha256File(root + "/" + p, &e.size);
    m[p] = e;
  }
  REQUIRE(WriteFileAtomic(root + "/MANIFEST", ManifestText(m)).ok());
  auto r = VerifyFolder(root);
  REQUIRE(r.ok());
  CHECK(r->ok());
  CHECK(r->checked == 3);

  REQUIRE(WriteFileAtomic(root + "/cat/a.jpg", "aaab").ok());  // same size, one byte flipped
  REQUIRE(::unlink((root + "/cat/b.jpg").c_str()) == 0);
  REQUIRE(WriteFileAtomic(root + "/cat/c.jpg", "c").ok());
  r = VerifyFolder(root);
  REQUIRE(r.ok());
  CHECK(!r->ok());
  CHECK(r->altered == std::vector<std::string>{"cat/a.jpg"});
  CHECK(r->missing == std::vector<std::string>{"cat/b.jpg"});
  CHECK(r->extra == std::vector<std::string>{"cat/c.jpg"});
  REQUIRE(RemoveTree(root).ok());
  CHECK(VerifyFolder(root).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace pix
