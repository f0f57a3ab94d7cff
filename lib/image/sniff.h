// Content sniffing: what a file is, decided by its first bytes, never by a
// server's Content-Type or a file name. pix-fetch uses it to name files, to
// reject non-images and (with --accept any) to fill `mime` for archives;
// pix-validate uses it as its first check.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace pix {

enum class FileKind {
  kUnknown,
  kJpeg,
  kPng,
  kWebp,
  kGif,
  kBmp,
  kTiff,
  kAvif,
  kHeic,
  kIco,
  kSvg,
  kHtml,
  kXml,
  kJson,
  kPdf,
  kGzip,
  kZip,
  kSevenZip,
  kZstd,
  kXz,
  kBzip2,
  kTar,
  kEmpty,
};

// How many leading bytes SniffKind() needs at most to decide.
inline constexpr size_t kSniffBytes = 512;

// Decides from the first bytes of a file (pass up to kSniffBytes).
FileKind SniffKind(std::string_view head);

// True for the raster formats (JPEG ... ICO), false for SVG, documents,
// archives and unknown data.
bool IsRasterImage(FileKind kind);

// "image/jpeg", "text/html", "application/octet-stream" for kUnknown, ...
const char* MimeType(FileKind kind);
// File extension without the dot: "jpg", "png", "bin" for kUnknown, ...
const char* FileExtension(FileKind kind);
// Short name: "jpeg", "png", "webp", "html", "unknown", ...
const char* FileKindName(FileKind kind);

}  // namespace pix
