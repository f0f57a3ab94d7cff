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

}  // namespace
}  // namespace pix
