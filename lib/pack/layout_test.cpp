#include "pack/layout.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "hash/sha256.h"

namespace pix {
namespace {

TEST_CASE("SplitPlan parses fractions and refuses bad specs") {
  auto plan = SplitPlan::Parse("train=0.8,val=0.1,test=0.1");
  REQUIRE(plan.ok());
  CHECK(plan->parts().size() == 3);
  CHECK(SplitPlan::Parse("").ok());
  CHECK(SplitPlan::Parse("")->empty());
  for (const char* bad : {"train=0.8", "train=0.5,train=0.5", "Train=1", "a=0,b=1", "a=x,b=0.5",
                          "=1", "a", "a=0.5,b=0.6", "a/b=1"}) {
    CAPTURE(bad);
    auto r = SplitPlan::Parse(bad);
    CHECK(!r.ok());
    if (!r.ok()) CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("SplitPlan assigns by hash: stable, independent of order, near the fractions") {
  auto plan = SplitPlan::Parse("train=0.8,val=0.1,test=0.1");
  REQUIRE(plan.ok());
  std::map<std::string, int> counts;
  std::map<std::string, std::string> first;
  for (int i = 0; i < 20000; ++i) {
    const std::string key = Sha256Hex(std::to_string(i));
    first[key] = plan->Assign(key);
    ++counts[first[key]];
  }
  CHECK(counts["train"] > 15600);
  CHECK(counts["train"] < 16400);
  CHECK(counts["val"] > 1800);
  CHECK(counts["test"] > 1800);
  // Asking again, in another order, from another plan object: same answers.
  auto again = SplitPlan::Parse("train=0.8,val=0.1,test=0.1");
  for (auto it = first.rbegin(); it != first.rend(); ++it) {
    REQUIRE(again->Assign(it->first) == it->second);
  }
  const double x = SplitPosition("abc");
  CHECK(x >= 0);
  CHECK(x < 1);
}

TEST_CASE("LabelFolders: sanitised, injective also across case, reserved names avoided") {
  LabelFolders f;
  CHECK(f.FolderFor("cat") == "cat");
  CHECK(f.FolderFor("cat") == "cat");  // stable
  const std::string upper = f.FolderFor("Cat");
  CHECK(upper != "cat");
  CHECK(upper.rfind("Cat~", 0) == 0);
  CHECK(f.FolderFor("a/b") == "a_b");
  CHECK(f.FolderFor("a_b") != "a_b");  // taken by "a/b"
  CHECK(f.FolderFor("../etc").find('/') == std::string::npos);
  CHECK(f.FolderFor("MANIFEST") != "MANIFEST");
  CHECK(f.FolderFor("labels.json") != "labels.json");
  CHECK(f.FolderFor("") == "_");
  std::set<std::string> folded;
  for (const auto& [label, folder] : f.folders()) CHECK(folded.insert(FoldCase(folder)).second);

  LabelFolders g;  // a re-run adopts what the dataset has
  CHECK(g.Adopt("Cat", "Cat~12345678"));
  CHECK(g.Adopt("cat", "cat"));
  CHECK(!g.Adopt("dog", "cat"));
  CHECK(g.FolderFor("Cat") == "Cat~12345678");
}

TEST_CASE("FileNamer: readable stems, distinct names for distinct images") {
  CHECK(StemFromUrl("https://a.example/img/My%20Cat.photo.JPG?x=1#y") == "My_Cat_photo");
  CHECK(StemFromUrl("https://a.example/") == "image");
  CHECK(StemFromUrl("https://a.example/..") == "image");
  CHECK(StemFromUrl("https://a.example/a%2F..%2Fb.jpg").find('/') == std::string::npos);
  CHECK(StemFromUrl(std::string("https://x/") + std::string(300, 'a') + ".jpg").size() <= 64);
  FileNamer n;
  const std::string sha1 = Sha256Hex("1"), sha2 = Sha256Hex("2");
  const std::string a = n.NameFor("cat", "https://x/cat.jpg", sha1, "jpg");
  CHECK(a == "cat-" + sha1.substr(0, 8) + ".jpg");
  // Same stem, a digest with the same first 8 digits: a longer name.
  std::string twin = sha1.substr(0, 8) + sha2.substr(8);
  const std::string b = n.NameFor("cat", "https://y/cat.jpg", twin, "jpg");
  CHECK(b != a);
  CHECK(b == "cat-" + twin.substr(0, 16) + ".jpg");
  // Same name in another folder is fine; case-insensitive clash is not.
  CHECK(n.NameFor("dog", "https://x/cat.jpg", sha1, "jpg") == a);
  n.Take("bird", "X-" + sha1.substr(0, 8) + ".jpg");
  CHECK(n.NameFor("bird", "https://x/x.jpg", sha1, "jpg") != "x-" + sha1.substr(0, 8) + ".jpg");
  // Even the full digest taken: a counter.
  FileNamer m;
  for (int i = 0; i < 4; ++i) CHECK(!m.NameFor("d", "https://x/a.jpg", sha1, "jpg").empty());
}

}  // namespace
}  // namespace pix
