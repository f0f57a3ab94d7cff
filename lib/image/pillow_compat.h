// Pillow-compatible pixel operations: the exact integer arithmetic of Pillow
// 9.4's Image.convert("L") and Image.resize(size, Image.LANCZOS) for 8-bit
// single-band images, so that hashes computed here match hashes computed in
// Python (imagehash) bit for bit.
//
// Both follow libImaging: ITU-R 601-2 luma in 16-bit fixed point with
// rounding (Convert.c, L24), and a separable two-pass resample, horizontal
// first, with Lanczos-3 coefficients computed in double precision and then
// quantised to 22-bit fixed point (Resample.c, precompute_coeffs and
// normalize_coeffs_8bpc), each pass rounding to 8 bits. Any change in order
// or precision changes some hashes, so the code mirrors that order exactly.
//
// Thread-safety: a LanczosResizer is used by one thread; free functions are
// pure. Failure modes: none (callers pass consistent sizes).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace pix {

// Pillow's L24 luma of one RGB pixel: (19595 R + 38470 G + 7471 B + 2^15) >> 16.
inline uint8_t PillowLuma(uint8_t r, uint8_t g, uint8_t b) {
  return static_cast<uint8_t>((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
}

// Luma of `count` pixels laid out with `stride` bytes per pixel (R, G, B
// first; any further bytes, such as alpha, are ignored as Pillow does).
void PillowLumaRow(const uint8_t* rgb, int count, int stride, uint8_t* out);

// Pillow's CMYK -> RGB (cmyk2rgb) for one pixel, on Pillow's CMYK values
// (for Adobe JPEGs those are the inverted stored samples).
void PillowCmykToRgb(const uint8_t* cmyk, uint8_t* rgb);

// Resizes a single-band 8-bit image as Pillow's resize(LANCZOS) does. Rows
// are fed one at a time in order, so a decoder can stream them without
// keeping the full image: rows outside [first_row(), end_row()) are not
// needed and may be skipped.
class LanczosResizer {
 public:
  LanczosResizer(int in_width, int in_height, int out_width, int out_height);

  int first_row() const { return first_row_; }
  int end_row() const { return end_row_; }

  // Feeds source row `y` (in_width bytes). Rows must come in increasing y.
  void AddRow(int y, const uint8_t* row);
  // The out_width x out_height result, row-major. REQUIRES: every row in
  // [first_row(), end_row()) was added.
  std::vector<uint8_t> Finish() const;

 private:
  struct Coefficients {
    int ksize = 0;
    std::vector<int> bounds;     // (min, count) per output sample
    std::vector<int32_t> kk;     // ksize fixed-point weights per output sample
    // The same weights for a branch-free horizontal pass: `padded` taps (a
    // multiple of 16, at most in_size; 0 when in_size is smaller) from
    // start[xx], the weights shifted within them, zeros around.
    int padded = 0;
    std::vector<int> start;
    std::vector<int32_t> padded_kk;
  };
  using SharedCoefficients = std::shared_ptr<const Coefficients>;
  static SharedCoefficients Precompute(int in_size, int out_size);  // cached per thread
  static Coefficients ComputeCoefficients(int in_size, int out_size);

  int in_width_, out_width_, out_height_;
  bool horizontal_, vertical_;
  SharedCoefficients horiz_, vert_;
  int first_row_ = 0, end_row_ = 0;
  std::vector<uint8_t> temp_;  // horizontally resampled rows first_row_..end_row_
};

// Convenience: resizes a whole row-major gray image.
std::vector<uint8_t> PillowResizeLanczos(const uint8_t* gray, int width, int height,
                                         int out_width, int out_height);

}  // namespace pix
