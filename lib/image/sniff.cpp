#include "image/sniff.h"

#include <cctype>
#include <iterator>
#include <string>

namespace pix {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The first non-blank bytes, lower-cased, for sniffing text formats.
std::string LowerTextHead(std::string_view head) {
  size_t i = 0;
  if (StartsWith(head, "\xEF\xBB\xBF")) i = 3;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  std::string out;
  for (; i < head.size() && out.size() < 256; ++i) {
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(head[i]))));
  }
  return out;
}

// ISO BMFF (AVIF, HEIC): "ftyp" box at offset 4 with a brand we know.
FileKind SniffIsoBmff(std::string_view head) {
  if (head.size() < 12 || head.substr(4, 4) != "ftyp") return FileKind::kUnknown;
  // Major brand at 8, compatible brands after the minor version at 16.
  for (size_t off = 8; off + 4 <= head.size() && off < 64; off += (off == 8 ? 8 : 4)) {
    std::string_view brand = head.substr(off, 4);
    if (brand == "avif" || brand == "avis") return FileKind::kAvif;
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1" ||
        brand == "hevc" || brand == "heim" || brand == "heis") {
      return FileKind::kHeic;
    }
  }
  return FileKind::kUnknown;
}

}  // namespace

FileKind SniffKind(std::string_view head) {
  if (head.empty()) return FileKind::kEmpty;
  if (StartsWith(head, "\xFF\xD8\xFF")) return FileKind::kJpeg;
  if (StartsWith(head, "\x89PNG\r\n\x1A\n")) return FileKind::kPng;
  if (head.size() >= 12 && StartsWith(head, "RIFF") && head.substr(8, 4) == "WEBP") {
    return FileKind::kWebp;
  }
  if (StartsWith(head, "GIF87a") || StartsWith(head, "GIF89a")) return FileKind::kGif;
  if (StartsWith(head, "BM") && head.size() >= 14) return FileKind::kBmp;
  if (StartsWith(head, std::string_view("II*\0", 4)) || StartsWith(head, std::string_view("MM\0*", 4))) {
    return FileKind::kTiff;
  }
  if (StartsWith(head, std::string_view("\0\0\1\0", 4)) && head.size() >= 6) return FileKind::kIco;
  if (FileKind k = SniffIsoBmff(head); k != FileKind::kUnknown) return k;
  if (StartsWith(head, "%PDF-")) return FileKind::kPdf;
  if (StartsWith(head, "\x1F\x8B")) return FileKind::kGzip;
  if (StartsWith(head, "PK\x03\x04") || StartsWith(head, "PK\x05\x06")) return FileKind::kZip;
  if (StartsWith(head, "7z\xBC\xAF\x27\x1C")) return FileKind::kSevenZip;
  if (StartsWith(head, "\x28\xB5\x2F\xFD")) return FileKind::kZstd;
  if (StartsWith(head, "\xFD" "7zXZ")) return FileKind::kXz;
  if (StartsWith(head, "BZh") && head.size() >= 4 && head[3] >= '1' && head[3] <= '9') {
    return FileKind::kBzip2;
  }
  // POSIX (ustar, pax) and GNU tar: the magic sits at offset 257.
  if (head.size() >= 262 && head.substr(257, 5) == "ustar") return FileKind::kTar;

  const std::string text = LowerTextHead(head);
  if (StartsWith(text, "<!doctype html") || StartsWith(text, "<html") ||
      StartsWith(text, "<head") || StartsWith(text, "<body") || StartsWith(text, "<script") ||
      StartsWith(text, "<!--") || StartsWith(text, "<meta") || StartsWith(text, "<title")) {
    return FileKind::kHtml;
  }
  if (StartsWith(text, "<svg") || (StartsWith(text, "<?xml") && text.find("<svg") != std::string::npos)) {
    return FileKind::kSvg;
  }
  if (StartsWith(text, "<?xml")) return FileKind::kXml;
  if (StartsWith(text, "{") || StartsWith(text, "[")) return FileKind::kJson;
  return FileKind::kUnknown;
}

bool IsRasterImage(FileKind kind) {
  switch (kind) {
    case FileKind::kJpeg:
    case FileKind::kPng:
    case FileKind::kWebp:
    case FileKind::kGif:
    case FileKind::kBmp:
    case FileKind::kTiff:
    case FileKind::kAvif:
    case FileKind::kHeic:
    case FileKind::kIco:
      return true;
    default:
      return false;
  }
}

namespace {

struct KindInfo {
  FileKind kind;
  const char* mime;
  const char* extension;
  const char* name;
};

constexpr KindInfo kKinds[] = {
    {FileKind::kJpeg, "image/jpeg", "jpg", "jpeg"},
    {FileKind::kPng, "image/png", "png", "png"},
    {FileKind::kWebp, "image/webp", "webp", "webp"},
    {FileKind::kGif, "image/gif", "gif", "gif"},
    {FileKind::kBmp, "image/bmp", "bmp", "bmp"},
    {FileKind::kTiff, "image/tiff", "tif", "tiff"},
    {FileKind::kAvif, "image/avif", "avif", "avif"},
    {FileKind::kHeic, "image/heic", "heic", "heic"},
    {FileKind::kIco, "image/vnd.microsoft.icon", "ico", "ico"},
    {FileKind::kSvg, "image/svg+xml", "svg", "svg"},
    {FileKind::kHtml, "text/html", "html", "html"},
    {FileKind::kXml, "application/xml", "xml", "xml"},
    {FileKind::kJson, "application/json", "json", "json"},
    {FileKind::kPdf, "application/pdf", "pdf", "pdf"},
    {FileKind::kGzip, "application/gzip", "gz", "gzip"},
    {FileKind::kZip, "application/zip", "zip", "zip"},
    {FileKind::kSevenZip, "application/x-7z-compressed", "7z", "7z"},
    {FileKind::kZstd, "application/zstd", "zst", "zstd"},
    {FileKind::kXz, "application/x-xz", "xz", "xz"},
    {FileKind::kBzip2, "application/x-bzip2", "bz2", "bzip2"},
    {FileKind::kTar, "application/x-tar", "tar", "tar"},
    {FileKind::kEmpty, "application/x-empty", "bin", "empty"},
    {FileKind::kUnknown, "application/octet-stream", "bin", "unknown"},
};

const KindInfo& Info(FileKind kind) {
  for (const KindInfo& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[std::size(kKinds) - 1];
}

}  // namespace

const char* MimeType(FileKind kind) { return Info(kind).mime; }
const char* FileExtension(FileKind kind) { return Info(kind).extension; }
const char* FileKindName(FileKind kind) { return Info(kind).name; }

}  // namespace pix
