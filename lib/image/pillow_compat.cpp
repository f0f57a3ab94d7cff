#include "image/pillow_compat.h"

#include "image/vector_clones.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pix {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

double Sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * M_PI;
  return std::sin(x) / x;
}

double Lanczos(double x) {
  if (-3.0 <= x && x < 3.0) return Sinc(x) * Sinc(x / 3);
  return 0.0;
}

uint8_t Clip8(int v) {
  const int shifted = v >> kPrecisionBits;  // arithmetic shift, as in Pillow
  return static_cast<uint8_t>(std::clamp(shifted, 0, 255));
}

// One horizontal pass over a row: out[xx] = sum of row[xmin + x] * k[x].
PIX_VECTOR_CLONES void HorizontalPass(const uint8_t* row, const int32_t* kk, const int* bounds, int ksize,
                                      int out_width, uint8_t* out) {
  for (int xx = 0; xx < out_width; ++xx) {
    const uint8_t* in = row + bounds[xx * 2];
    const int n = bounds[xx * 2 + 1];
    const int32_t* k = kk + static_cast<size_t>(xx) * ksize;
    int ss = 1 << (kPrecisionBits - 1);
    for (int x = 0; x < n; ++x) ss += in[x] * k[x];
    out[xx] = Clip8(ss);
  }
}

template <int kStride>
void LumaRowFixed(const uint8_t* rgb, int count, uint8_t* out) {
  for (int x = 0; x < count; ++x) {
    const uint8_t* p = rgb + static_cast<size_t>(x) * kStride;
    out[x] = PillowLuma(p[0], p[1], p[2]);
  }
}

PIX_VECTOR_CLONES void LumaRow3(const uint8_t* rgb, int count, uint8_t* out) { LumaRowFixed<3>(rgb, count, out); }
PIX_VECTOR_CLONES void LumaRow4(const uint8_t* rgb, int count, uint8_t* out) { LumaRowFixed<4>(rgb, count, out); }

// The same sums over `padded` taps (a multiple of 16) from start[xx], the
// extra weights zero: integer sums, so the result is the same to the bit, and
// the inner loop has no remainder to run.
PIX_VECTOR_CLONES void HorizontalPassPadded(const uint8_t* row, const int32_t* kk, const int* start,
                                            int padded, int out_width, uint8_t* out) {
  for (int xx = 0; xx < out_width; ++xx) {
    const uint8_t* in = row + start[xx];
    const int32_t* k = kk + static_cast<size_t>(xx) * padded;
    int ss = 1 << (kPrecisionBits - 1);
    const int taps = padded & ~15;  // tells the vectoriser there is no remainder
    for (int x = 0; x < taps; ++x) ss += in[x] * k[x];
    out[xx] = Clip8(ss);
  }
}

// sums[x] += row[x] * weight.
PIX_VECTOR_CLONES void AccumulateRow(const uint8_t* row, int32_t weight, int width, int* sums) {
  for (int x = 0; x < width; ++x) sums[x] += row[x] * weight;
}

}  // namespace

void PillowLumaRow(const uint8_t* rgb, int count, int stride, uint8_t* out) {
  if (stride == 3) return LumaRow3(rgb, count, out);
  if (stride == 4) return LumaRow4(rgb, count, out);
  for (int x = 0; x < count; ++x, rgb += stride) out[x] = PillowLuma(rgb[0], rgb[1], rgb[2]);
}

void PillowCmykToRgb(const uint8_t* cmyk, uint8_t* rgb) {
  const int nk = 255 - cmyk[3];
  for (int i = 0; i < 3; ++i) {
    const int tmp = cmyk[i] * nk + 128;
    const int scaled = ((tmp >> 8) + tmp) >> 8;  // MULDIV255
    rgb[i] = static_cast<uint8_t>(std::clamp(nk - scaled, 0, 255));
  }
}

LanczosResizer::SharedCoefficients LanczosResizer::Precompute(int in_size, int out_size) {
  // The weights cost a sin() pair per tap, more than resizing to 32x32 or
  // 9x8 itself; a worker meets the same sizes again and again (every
  // picture's 32 and 8 outputs, pix-validate's crop windows, the edits of one
  // photograph), so each thread keeps the last 128 (a few MB at most). A pure
  // function of the sizes: results do not change.
  struct Cached {
    int in_size, out_size;
    SharedCoefficients c;
  };
  thread_local std::vector<Cached> cache;
  for (const Cached& e : cache) {
    if (e.in_size == in_size && e.out_size == out_size) return e.c;
  }
  if (cache.size() >= 128) cache.erase(cache.begin());
  cache.push_back({in_size, out_size,
                   std::make_shared<const Coefficients>(ComputeCoefficients(in_size, out_size))});
  return cache.back().c;
}

LanczosResizer::Coefficients LanczosResizer::ComputeCoefficients(int in_size, int out_size) {
  // Resample.c precompute_coeffs() with box (0, in_size) and the Lanczos
  // filter (support 3), then normalize_coeffs_8bpc().
  Coefficients c;
  const float in0 = 0.0f, in1 = static_cast<float>(in_size);
  double filterscale, scale;
  filterscale = scale = static_cast<double>(in1 - in0) / out_size;
  if (filterscale < 1.0) filterscale = 1.0;
  const double support = 3.0 * filterscale;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  std::vector<double> kk(static_cast<size_t>(out_size) * c.ksize, 0.0);
  c.bounds.resize(static_cast<size_t>(out_size) * 2);
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = in0 + (xx + 0.5) * scale;
    double ww = 0.0;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double* k = &kk[static_cast<size_t>(xx) * c.ksize];
    for (int x = 0; x < xmax; ++x) {
      const double w = Lanczos((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      if (ww != 0.0) k[x] /= ww;
    }
    c.bounds[xx * 2] = xmin;
    c.bounds[xx * 2 + 1] = xmax;
  }
  c.kk.resize(kk.size());
  for (size_t i = 0; i < kk.size(); ++i) {
    c.kk[i] = kk[i] < 0 ? static_cast<int>(-0.5 + kk[i] * (1 << kPrecisionBits))
                        : static_cast<int>(0.5 + kk[i] * (1 << kPrecisionBits));
  }
  int widest = 0;
  for (int xx = 0; xx < out_size; ++xx) widest = std::max(widest, c.bounds[xx * 2 + 1]);
  const int padded = (widest + 15) / 16 * 16;
  if (padded > in_size) return c;  // tiny inputs: the plain loop
  c.padded = padded;
  c.start.resize(out_size);
  c.padded_kk.assign(static_cast<size_t>(out_size) * padded, 0);
  for (int xx = 0; xx < out_size; ++xx) {
    const int xmin = c.bounds[xx * 2], n = c.bounds[xx * 2 + 1];
    const int start = std::min(xmin, in_size - padded);
    c.start[xx] = start;
    std::copy_n(&c.kk[static_cast<size_t>(xx) * c.ksize], n,
                &c.padded_kk[static_cast<size_t>(xx) * padded + (xmin - start)]);
  }
  return c;
}

LanczosResizer::LanczosResizer(int in_width, int in_height, int out_width, int out_height)
    : in_width_(in_width),
      out_width_(out_width),
      out_height_(out_height),
      horizontal_(out_width != in_width),
      vertical_(out_height != in_height) {
  vert_ = Precompute(in_height, out_height);
  if (horizontal_) {
    horiz_ = Precompute(in_width, out_width);
    first_row_ = vert_->bounds[0];
    end_row_ = vert_->bounds[out_height * 2 - 2] + vert_->bounds[out_height * 2 - 1];
  } else {
    first_row_ = 0;
    end_row_ = in_height;
  }
  const int row_width = horizontal_ ? out_width : in_width;
  temp_.assign(static_cast<size_t>(end_row_ - first_row_) * row_width, 0);
}

void LanczosResizer::AddRow(int y, const uint8_t* row) {
  if (y < first_row_ || y >= end_row_) return;
  const size_t offset = static_cast<size_t>(y - first_row_);
  if (!horizontal_) {
    std::memcpy(&temp_[offset * in_width_], row, in_width_);
    return;
  }
  const Coefficients& h = *horiz_;
  if (h.padded > 0) {
    HorizontalPassPadded(row, h.padded_kk.data(), h.start.data(), h.padded, out_width_,
                         &temp_[offset * out_width_]);
  } else {
    HorizontalPass(row, h.kk.data(), h.bounds.data(), h.ksize, out_width_,
                   &temp_[offset * out_width_]);
  }
}

std::vector<uint8_t> LanczosResizer::Finish() const {
  const int width = horizontal_ ? out_width_ : in_width_;
  if (!vertical_) return temp_;  // (in_height rows: first_row_ is 0 here)
  std::vector<uint8_t> out(static_cast<size_t>(out_width_) * out_height_);
  // Pillow shifts the vertical bounds by the first used row when the
  // horizontal pass ran; without it the temp buffer starts at row 0 anyway.
  const int shift = horizontal_ ? first_row_ : 0;
  const Coefficients& v = *vert_;
  std::vector<int> sums(width);
  for (int yy = 0; yy < out_height_; ++yy) {
    const int ymin = v.bounds[yy * 2] - shift, ymax = v.bounds[yy * 2 + 1];
    const int32_t* k = &v.kk[static_cast<size_t>(yy) * v.ksize];
    // Row by row over the taps (integer sums: the same result as Pillow's
    // column-by-column order, to the bit).
    std::fill(sums.begin(), sums.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < ymax; ++y) {
      AccumulateRow(&temp_[static_cast<size_t>(y + ymin) * width], k[y], width, sums.data());
    }
    for (int xx = 0; xx < width; ++xx) out[static_cast<size_t>(yy) * width + xx] = Clip8(sums[xx]);
  }
  return out;
}

std::vector<uint8_t> PillowResizeLanczos(const uint8_t* gray, int width, int height, int out_width,
                                         int out_height) {
  LanczosResizer resizer(width, height, out_width, out_height);
  for (int y = resizer.first_row(); y < resizer.end_row(); ++y) {
    resizer.AddRow(y, gray + static_cast<size_t>(y) * width);
  }
  return resizer.Finish();
}

}  // namespace pix
