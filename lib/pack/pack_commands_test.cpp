#include "pack/pack_commands.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <sstream>

#include "base/files.h"
#include "hash/sha256.h"
#include "pack/manifest.h"
#include "pack/tree.h"

namespace pix {
namespace {

TEST_CASE("RunPackVerify: one line per problem on `out`, exit 1 for problems or no MANIFEST") {
  char tmpl[] = "/tmp/pix-pack-commands-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string root = tmpl;
  REQUIRE(WriteFileAtomic(root + "/a.jpg", "aaaa").ok());
  Manifest m;
  ManifestEntry e;
  e.sha256 = *Sha256File(root + "/a.jpg", &e.size);
  m["a.jpg"] = e;
  m["gone.jpg"] = e;
  REQUIRE(WriteFileAtomic(root + "/MANIFEST", ManifestText(m)).ok());
  Terminal terminal("pix-pack", true);
  VerifyFlags flags{.target = root, .quiet = true};
  std::ostringstream out;
  CHECK(RunPackVerify(flags, out, &terminal) == 1);
  CHECK(out.str() == "missing\tgone.jpg\n");

  m.erase("gone.jpg");
  REQUIRE(WriteFileAtomic(root + "/MANIFEST", ManifestText(m)).ok());
  out.str("");
  CHECK(RunPackVerify(flags, out, &terminal) == 0);
  CHECK(out.str().empty());

  REQUIRE(RemoveTree(root).ok());
  CHECK(RunPackVerify(flags, out, &terminal) == 1);  // no MANIFEST: not a dataset
}

TEST_CASE("RunPackTier: a malformed --older-than or --to is a usage error") {
  Terminal terminal("pix-pack", true);
  TierFlags flags;
  flags.target = "/nonexistent";
  flags.to = "warm";
  flags.older_than = "7 weeks";
  CHECK(RunPackTier(flags, 0, &terminal) == 2);
  flags.to = "cold";
  CHECK(RunPackTier(flags, 0, &terminal) == 2);
}

}  // namespace
}  // namespace pix
