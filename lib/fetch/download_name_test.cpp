#include "fetch/download_name.h"

#include <doctest/doctest.h>

#include <string>

#include "base/file_names.h"

namespace pix {
namespace {

constexpr std::string_view kKey = "3f2a9c1b4d5e6f70";

std::string Name(std::string_view url, FileKind kind = FileKind::kZip) {
  return AnyTypeFileName(kKey, url, kind);
}

TEST_CASE("UrlBaseName: the last path segment, decoded") {
  CHECK(UrlBaseName("http://h/d/cats.zip?expires=1&sig=ab") == "cats.zip");
  CHECK(UrlBaseName("http://h/a%20b.tar.zst#frag") == "a b.tar.zst");
  CHECK(UrlBaseName("http://h/d/") == "");
  CHECK(UrlBaseName("http://h") == "");
  CHECK(UrlBaseName("http://h?x=/y.zip") == "");
  CHECK(UrlBaseName("not a url") == "");
}

TEST_CASE("AnyTypeFileName keeps the URL's name and extension behind the key") {
  CHECK(Name("http://h/d/dataset.zip?expires=1&sig=ab") == "3f2a9c1b4d5e6f70-dataset.zip");
  CHECK(Name("http://h/d/pets.tar.zst", FileKind::kZstd) == "3f2a9c1b4d5e6f70-pets.tar.zst");
  CHECK(Name("http://h/d/PETS.TAR.GZ", FileKind::kGzip) == "3f2a9c1b4d5e6f70-PETS.tar.gz");
  CHECK(Name("http://h/d/pets.7z", FileKind::kSevenZip) == "3f2a9c1b4d5e6f70-pets.7z");
  // The URL's extension wins over the bytes; the bytes fill a missing one.
  CHECK(Name("http://h/download.php?id=3") == "3f2a9c1b4d5e6f70-download.php");
  CHECK(Name("http://h/download?id=3") == "3f2a9c1b4d5e6f70-download.zip");
  CHECK(Name("http://h/blob", FileKind::kUnknown) == "3f2a9c1b4d5e6f70-blob");
  CHECK(Name("http://h/v1.2-notes") ==
        "3f2a9c1b4d5e6f70-v1.2-notes.zip");  // "2-notes" is no extension
  // No name in the URL: the image-style name.
  CHECK(Name("http://h/") == "3f2a9c1b4d5e6f70.zip");
  CHECK(Name("http://h", FileKind::kUnknown) == "3f2a9c1b4d5e6f70.bin");
  CHECK(Name("http://h/..") == "3f2a9c1b4d5e6f70.zip");
}

TEST_CASE("AnyTypeFileName never leaves the directory") {
  for (std::string_view url :
       {"http://h/d/..%2F..%2Fetc%2Fpasswd", "http://h/d/..%2f..%2f.ssh%2fid.zip",
        "http://h/a%5C..%5Cb.zip", "http://h/%00x.zip", "http://h/%2e%2e",
        "http://h/a/%2E%2E%2F%2E%2E%2Fx"}) {
    const std::string name = Name(url);
    INFO(url, " -> ", name);
    CHECK(name.rfind(kKey, 0) == 0);
    CHECK(name.find('/') == std::string::npos);
    CHECK(name.find('\\') == std::string::npos);
    CHECK(name.find('\0') == std::string::npos);
    CHECK(name.size() <= kMaxFileNameBytes);
  }
  CHECK(Name("http://h/d/..%2F..%2Fetc%2Fpasswd") == "3f2a9c1b4d5e6f70-_.._etc_passwd.zip");
}

TEST_CASE("AnyTypeFileName bounds long names and keeps their extension") {
  const std::string long_name = "http://h/" + std::string(1000, 'a') + ".zip";
  const std::string name = Name(long_name);
  CHECK(name.size() == kKey.size() + 1 + kMaxUrlStemBytes + 4);
  CHECK(name.substr(name.size() - 4) == ".zip");
  // A multi-byte character is never cut in half.
  std::string utf8 = "http://h/";
  for (int i = 0; i < 300; ++i) utf8 += "\xC3\xA9";  // é
  const std::string cut = Name(utf8 + ".7z", FileKind::kSevenZip);
  CHECK(cut.size() <= kKey.size() + 1 + kMaxUrlStemBytes + 3);
  CHECK(IsSafeFileName(cut));
}

TEST_CASE("WithoutLinkSignature drops only the parameters that sign a link") {
  CHECK(WithoutLinkSignature("http://h/d/a.zip?expires=17&sig=ab") == "http://h/d/a.zip");
  CHECK(WithoutLinkSignature("http://h/d/a.zip?v=2&expires=17&sig=ab#f") ==
        "http://h/d/a.zip?v=2#f");
  CHECK(WithoutLinkSignature("https://b.s3.amazonaws.com/k.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                             "&X-Amz-Credential=x&X-Amz-Date=d&X-Amz-Expires=3600"
                             "&X-Amz-SignedHeaders=host&X-Amz-Signature=s&versionId=3") ==
        "https://b.s3.amazonaws.com/k.zip?versionId=3");
  CHECK(WithoutLinkSignature("http://h/a.zip") == "http://h/a.zip");
  CHECK(WithoutLinkSignature("http://h/a?id=3&sigma=1") == "http://h/a?id=3&sigma=1");
}

TEST_CASE("Sha256UrlBeside appends to the path, keeping the query") {
  CHECK(Sha256UrlBeside("http://h/a.zip") == "http://h/a.zip.sha256");
  CHECK(Sha256UrlBeside("http://h/a.zip?x=1#f") == "http://h/a.zip.sha256?x=1#f");
}

TEST_CASE("ParseSha256File reads sha256sum's format") {
  const std::string a(64, 'a'), b(64, 'B');
  CHECK(IsSha256Hex(a));
  CHECK_FALSE(IsSha256Hex(a.substr(1)));
  CHECK_FALSE(IsSha256Hex(std::string(63, 'a') + "g"));
  CHECK(*ParseSha256File(a + "  dataset.zip\n", "other.zip") == a);  // the only line
  CHECK(*ParseSha256File(a + "\r\n", "x") == a);
  const std::string two = a + "  cats.zip\n" + b + " *dir/dogs.zip\n";
  CHECK(*ParseSha256File(two, "dogs.zip") == std::string(64, 'b'));
  CHECK(*ParseSha256File(two, "cats.zip") == a);
  CHECK_FALSE(ParseSha256File(two, "birds.zip").ok());
  CHECK_FALSE(ParseSha256File("", "x").ok());
  CHECK_FALSE(ParseSha256File("<html>403 Forbidden</html>", "x").ok());
  CHECK_FALSE(ParseSha256File(a + "x  name\n", "name").ok());
}

}  // namespace
}  // namespace pix
