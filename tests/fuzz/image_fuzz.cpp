// libFuzzer target: the header walk, the EXIF reader and the decoders on
// arbitrary bytes, with a small pixel budget so that a lying header cannot
// make the fuzzer allocate gigabytes. A decoded image must have the size it
// claims.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/decode.h"
#include "image/exif.h"
#include "image/probe.h"
#include "image/sniff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const pix::ImageInfo info = pix::ProbeImage(bytes);
  // The EXIF payload the header walk found, and the raw bytes as one.
  (void)pix::ReadExif(info.exif, size % 2);
  const pix::ExifSummary exif = pix::ReadExif(bytes, size % 3 == 0);
  if (exif.orientation < 0 || exif.orientation > 8) __builtin_trap();
  pix::DecodeOptions options;
  options.max_pixels = 1 << 20;
  options.min_long_side = size % 2 ? 64 : 0;  // DCT-scaled and full decodes
  options.allow_animated = true;
  auto decoded = pix::DecodeImage(bytes, pix::SniffKind(bytes), options);
  if (decoded.ok()) {
    const size_t want = static_cast<size_t>(decoded->width) * decoded->height * decoded->channels;
    if (decoded->pixels.size() != want) __builtin_trap();
    (void)pix::PillowGray(*decoded);
  }
  (void)info;
  return 0;
}
