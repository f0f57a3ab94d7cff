#include "pack/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <clocale>

#include "base/files.h"
#include "hash/sha256.h"
#include "pack/tree.h"

namespace pix {
namespace {

struct Dataset {
  std::string old_locale = std::setlocale(LC_CTYPE, nullptr);
  std::string dir;
  std::string root;
  Manifest manifest;
  Dataset() {
    // As the tools do: libarchive converts names through the locale.
    std::setlocale(LC_CTYPE, "C.UTF-8");
    char tmpl[] = "/tmp/pix-archive-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    dir = tmpl;
    root = dir + "/pets";
    REQUIRE(MakeDirs(root + "/cat").ok());
    REQUIRE(MakeDirs(root + "/d\xc3\xa9j\xc3\xa0").ok());  // non-ASCII folder
    Put("cat/a.jpg", std::string(100000, 'a'));
    Put("d\xc3\xa9j\xc3\xa0/b.png", "bbbb");
    Put("labels.json", "[]\n");
    REQUIRE(WriteFileAtomic(root + "/MANIFEST", ManifestText(manifest)).ok());
  }
  ~Dataset() {
    (void)RemoveTree(dir);
    std::setlocale(LC_CTYPE, old_locale.c_str());
  }
  void Put(const std::string& rel, const std::string& data) {
    REQUIRE(WriteFileAtomic(root + "/" + rel, data).ok());
    manifest[rel] = ManifestEntry{Sha256Hex(data), data.size()};
  }
};

TEST_CASE("Every tier writes an archive that verifies against its MANIFEST, reproducibly") {
  Dataset d;
  for (Tier tier : {Tier::kHot, Tier::kWarm, Tier::kArchive}) {
    const std::string name = TierName(tier);
    CAPTURE(name);
    const std::string path = ArchivePathFor(d.root + "/", tier);
    CHECK(path == d.root + TierSuffix(tier));
    CHECK(TierOfPath(path) == tier);
    REQUIRE(WriteArchiveFromFolder(d.root, d.manifest, "pets", tier, path, {}).ok());
    auto r = VerifyArchive(path);
    REQUIRE(r.ok());
    CHECK(r->ok());
    CHECK(r->checked == 3);
    auto listing = ReadArchive(path);
    REQUIRE(listing.ok());
    CHECK(listing->prefix == "pets");
    CHECK(listing->files.count("d\xc3\xa9j\xc3\xa0/b.png") == 1);
    // The sum file names the archive the way sha256sum -c reads it.
    auto sum = ReadFile(path + ".sha256");
    REQUIRE(sum.ok());
    CHECK(*sum == *Sha256File(path) + "  pets" + TierSuffix(tier) + "\n");
    // Same dataset, same bytes.
    const std::string first = *Sha256File(path);
    REQUIRE(WriteArchiveFromFolder(d.root, d.manifest, "pets", tier, path, {}).ok());
    CHECK(*Sha256File(path) == first);
  }
  CHECK(ParseTier("warm") == Tier::kWarm);
  CHECK(!ParseTier("cold"));
}

TEST_CASE("ConvertArchive moves an archive down the tiers entry by entry") {
  Dataset d;
  const std::string zip = d.root + ".zip";
  REQUIRE(WriteArchiveFromFolder(d.root, d.manifest, "pets", Tier::kHot, zip, {}).ok());
  const std::string seven = d.root + ".7z", zst = d.root + ".tar.zst";
  Status s = ConvertArchive(zip, Tier::kWarm, seven, {});
  REQUIRE_MESSAGE(s.ok(), s.message());
  s = ConvertArchive(seven, Tier::kArchive, zst, {});
  REQUIRE_MESSAGE(s.ok(), s.message());
  auto r = VerifyArchive(zst);
  REQUIRE(r.ok());
  CHECK(r->ok());
  CHECK(r->checked == 3);
}

TEST_CASE("VerifyArchive catches a changed entry and unsafe paths") {
  Dataset d;
  // An archive whose MANIFEST lists labels.json with another digest, and
  // which holds an entry escaping its folder.
  const std::string path = d.dir + "/bad.zip";
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  auto add = [&](const std::string& name, const std::string& data) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  };
  Manifest m;
  m["labels.json"] = ManifestEntry{Sha256Hex("[]\n"), 3};
  add("pets/MANIFEST", ManifestText(m));
  add("pets/labels.json", "[]\r");
  add("pets/../evil", "x");
  archive_write_close(a);
  archive_write_free(a);
  auto r = VerifyArchive(path);
  REQUIRE(r.ok());
  CHECK(r->altered == std::vector<std::string>{"labels.json"});
  CHECK(r->extra == std::vector<std::string>{"pets/../evil"});
  CHECK(ConvertArchive(path, Tier::kWarm, d.dir + "/bad.7z", {}).code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace pix
