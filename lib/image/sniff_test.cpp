#include "image/sniff.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {
namespace {

TEST_CASE("SniffKind decides by magic bytes") {
  using std::string;
  CHECK(SniffKind("") == FileKind::kEmpty);
  CHECK(SniffKind("\xFF\xD8\xFF\xE0") == FileKind::kJpeg);
  CHECK(SniffKind("\x89PNG\r\n\x1A\n....") == FileKind::kPng);
  CHECK(SniffKind(string("RIFF\x10\0\0\0WEBPVP8 ", 16)) == FileKind::kWebp);
  CHECK(SniffKind(string("RIFF\x10\0\0\0WAVEfmt ", 16)) == FileKind::kUnknown);
  CHECK(SniffKind("GIF89a..") == FileKind::kGif);
  CHECK(SniffKind(string("\0\0\0\x1C" "ftypavifXXXX", 16)) == FileKind::kAvif);
  CHECK(SniffKind(string("\0\0\0\x18" "ftypmif1\0\0\0\0heic", 20)) == FileKind::kHeic);
  CHECK(SniffKind("\xEF\xBB\xBF  <!DOCTYPE html><html>") == FileKind::kHtml);
  CHECK(SniffKind("<HTML><body>") == FileKind::kHtml);
  CHECK(SniffKind("<?xml version='1.0'?><svg xmlns=") == FileKind::kSvg);
  CHECK(SniffKind("\x1F\x8B\x08") == FileKind::kGzip);
  CHECK(SniffKind("hello") == FileKind::kUnknown);
  CHECK(IsRasterImage(FileKind::kWebp));
  CHECK_FALSE(IsRasterImage(FileKind::kSvg));
  CHECK(string(MimeType(FileKind::kJpeg)) == "image/jpeg");
  CHECK(string(FileExtension(FileKind::kUnknown)) == "bin");
}

TEST_CASE("SniffKind knows the archives pix-pack writes and their kin") {
  using std::string;
  CHECK(SniffKind("PK\x03\x04\x14\0") == FileKind::kZip);
  CHECK(SniffKind(string("PK\x05\x06\0\0", 6)) == FileKind::kZip);  // an empty zip
  CHECK(SniffKind("7z\xBC\xAF\x27\x1C\0\x04") == FileKind::kSevenZip);
  CHECK(SniffKind("\x28\xB5\x2F\xFD\x04") == FileKind::kZstd);
  CHECK(SniffKind("\xFD" "7zXZ\0") == FileKind::kXz);
  CHECK(SniffKind("BZh91AY&SY") == FileKind::kBzip2);
  CHECK(SniffKind("BZhx") == FileKind::kUnknown);
  string tar(512, '\0');
  tar.replace(0, 8, "dataset/");
  tar.replace(257, 8, string("ustar\0" "00", 8));
  CHECK(SniffKind(tar) == FileKind::kTar);
  CHECK(SniffKind(tar.substr(0, 200)) == FileKind::kUnknown);  // magic not reached
  CHECK(string(MimeType(FileKind::kSevenZip)) == "application/x-7z-compressed");
  CHECK(string(FileExtension(FileKind::kZstd)) == "zst");
  CHECK(string(FileExtension(FileKind::kTar)) == "tar");
  CHECK_FALSE(IsRasterImage(FileKind::kZip));
}

}  // namespace
}  // namespace pix
