// ExifSummary: the few EXIF facts a dataset builder wants, read with libexif.
//
// Camera make and model, the capture time (DateTimeOriginal, else DateTime)
// as ISO 8601 when it parses, the orientation tag (1..8) and whether GPS data
// is present. GPS coordinates themselves are only read when asked for: a
// dataset should not leak where its photos were taken by default.
//
// Input is the EXIF payload starting at the TIFF header, as ImageInfo::exif
// gives it (JPEG APP1 after "Exif\0\0", PNG eXIf, WebP EXIF). Payloads larger
// than kMaxExifBytes are ignored. Thread-safety: pure function (libexif keeps
// no global state). Failure modes: none; unreadable EXIF gives an empty
// summary with `present` false.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pix {

inline constexpr size_t kMaxExifBytes = 1 << 20;

struct ExifSummary {
  bool present = false;  // libexif found at least one tag
  std::string make;
  std::string model;
  std::string datetime;  // "2021-05-01T12:34:56" (or the raw text if it does not parse)
  int orientation = 0;   // 0 when absent or out of range
  bool gps = false;      // any GPS tag present
  std::optional<double> latitude;   // only with include_gps
  std::optional<double> longitude;
};

ExifSummary ReadExif(std::string_view tiff_payload, bool include_gps);

// Width and height as displayed after applying `orientation` (5..8 swap).
inline void OrientedSize(int orientation, int* width, int* height) {
  if (orientation >= 5 && orientation <= 8) std::swap(*width, *height);
}

}  // namespace pix
