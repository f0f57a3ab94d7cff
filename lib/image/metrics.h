// ImageMetrics: numbers that describe how usable a picture is, computed on a
// fixed-size downscale so they compare across image sizes and stay cheap.
//
// The analysis image is the decoded picture reduced by area averaging until
// its longer side is at most kAnalysisLongSide (smaller pictures are used as
// they are: upscaling would invent blur). Luma is Rec. 601 (Pillow's L),
// values in 0..1 unless stated. Every formula is in man/pix-validate.1:
//
//   brightness      mean luma; luma_p05/luma_p99 the 5th/99th percentiles
//   contrast        RMS contrast: standard deviation of luma
//   entropy         Shannon entropy of the 256-bin luma histogram, bits
//   sharpness       variance of the 4-neighbour Laplacian of luma (0..255
//                   scale), the usual blur measure
//   noise           Immerkaer's estimate of the noise standard deviation,
//                   gray levels (0..255)
//   colorfulness    Hasler & Suesstrunk's M (0 for gray, ~100+ vivid)
//   grayscale       one channel, or 99% of pixels with max(|R-G|,|G-B|,|R-B|)
//                   <= kGrayTolerance
//   uniform_fraction share of pixels within +-kUniformTolerance of the median
//                   luma (and of each channel's median)
//   clipped_fraction share of pixels with luma <= 2/255 or >= 253/255
//   blockiness      mean luma step across 8x8 block edges over the mean step
//                   inside blocks (1 = none; JPEG artefacts raise it); only
//                   at full resolution, NaN otherwise
//
// Thread-safety: pure functions. Failure modes: none (empty input gives NaNs).
#pragma once

#include <cstdint>
#include <vector>

#include "image/pixel_buffer.h"

namespace pix {

inline constexpr int kAnalysisLongSide = 512;
inline constexpr int kGrayTolerance = 3;
inline constexpr int kUniformTolerance = 8;

// 8-bit interleaved pixels, 1 (gray) or 3 (RGB) channels.
struct PixelView {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int channels = 0;
};

struct OwnedPixels {
  int width = 0;
  int height = 0;
  int channels = 0;
  PixelBuffer data;
  PixelView view() const { return {data.data(), width, height, channels}; }
};

// sums[i] += row[i] for i < n (vectorised; for box averages).
void AddRowSums(const uint8_t* row, size_t n, uint32_t* sums);

// Area-average reduction so that the longer side is at most `long_side`.
// Returns a copy when the picture is already small enough.
OwnedPixels DownscaleForAnalysis(const PixelView& in, int long_side = kAnalysisLongSide);

struct ImageMetrics {
  double brightness = 0;
  double luma_p05 = 0;
  double luma_p99 = 0;
  double contrast = 0;
  double entropy = 0;
  double sharpness = 0;
  double noise = 0;
  double colorfulness = 0;
  bool grayscale = false;
  double uniform_fraction = 0;
  double clipped_fraction = 0;
  double blockiness = 0;  // NaN when not measured
};

// All metrics but blockiness (left NaN), on an analysis-size image.
ImageMetrics ComputeMetrics(const PixelView& analysis);

// Blockiness of a full-resolution picture's luma plane (see above). NaN for
// pictures smaller than 16x16.
double Blockiness(const uint8_t* luma, int width, int height);

}  // namespace pix
