#include "base/file_names.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {
namespace {

TEST_CASE("SanitizeFileName removes every way out of a directory") {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"cat", "cat"},
      {"golden retriever", "golden retriever"},
      {"../../etc", "_.._etc"},
      {"..", "_"},
      {".", "_"},
      {"", "_"},
      {"/etc/passwd", "_etc_passwd"},
      {"a\\b", "a_b"},
      {std::string("nul\0byte", 8), "nul_byte"},
      {"tab\there", "tab_here"},
      {"what?*<>|\":", "what_______"},
      {".hidden", "hidden"},
      {"trailing. ", "trailing"},
      {"CON", "_CON"},
      {"nul.txt", "_nul.txt"},
      {"com1", "_com1"},
      {"console", "console"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"bad\xFFutf8", "bad_utf8"},
      {"\xC0\xAF", "__"},  // overlong '/'
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(SanitizeFileName(c.in) == c.out);
    CHECK(IsSafeFileName(SanitizeFileName(c.in)));
  }
}

TEST_CASE("long names are cut at 255 bytes, stay distinct and stable") {
  const std::string a(300, 'a');
  const std::string b = std::string(299, 'a') + "b";
  const std::string sa = SanitizeFileName(a);
  CHECK(sa.size() <= kMaxFileNameBytes);
  CHECK(sa != SanitizeFileName(b));
  CHECK(SanitizeFileName(sa) == sa);
  std::string multibyte;
  for (int i = 0; i < 200; ++i) multibyte += "\xE7\x8C\xAB";  // 猫, 3 bytes
  const std::string sm = SanitizeFileName(multibyte);
  CHECK(sm.size() <= kMaxFileNameBytes);
  CHECK(SanitizeFileName(sm) == sm);  // cut on a character boundary
}

}  // namespace
}  // namespace pix

namespace pix {
namespace {

TEST_CASE("LabelDirName gives different labels different folders, always the same one") {
  CHECK(LabelDirName("cat") == "cat");
  CHECK(LabelDirName("red fox") == "red fox");
  CHECK(LabelDirName(".") == "_~cdb4ee2aea69");
  CHECK(LabelDirName("..") == "_~5ec1f7e700f3");
  CHECK(LabelDirName("a/b") == "a_b~c14cddc033f6");
  CHECK(LabelDirName("a_b") == "a_b");
  // A safe label cannot spell another label's folder.
  CHECK(LabelDirName("a_b~c14cddc033f6") != "a_b~c14cddc033f6");
  CHECK(LabelDirName("_") == "_");
  const std::string long_a(300, 'a'), long_b = std::string(299, 'a') + "b";
  CHECK(LabelDirName(long_a) != LabelDirName(long_b));
  CHECK(LabelDirName(long_a).size() <= kMaxFileNameBytes);
  for (const char* label : {".", "..", "a/b", "CON", "x\ty", "é"}) {
    CHECK(IsSafeFileName(LabelDirName(label)));
    CHECK(LabelDirName(label) == LabelDirName(label));
  }
}

}  // namespace
}  // namespace pix
