#include "image/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "image/pillow_compat.h"
#include "image/vector_clones.h"

namespace pix {
namespace {

PixelBuffer LumaPlane(const PixelView& in) {
  const size_t n = static_cast<size_t>(in.width) * in.height;
  if (in.channels == 1) return PixelBuffer(in.data, in.data + n);
  PixelBuffer luma(n);
  PillowLumaRow(in.data, static_cast<int>(n), in.channels, luma.data());
  return luma;
}

using Histogram = std::array<uint64_t, 256>;

// Nearest-rank percentile of a histogram of `n` samples, 0..255.
int Percentile(const Histogram& h, uint64_t n, double p) {
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p * n)));
  uint64_t seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += h[v];
    if (seen >= rank) return v;
  }
  return 255;
}

double VarianceOfLaplacian(const PixelBuffer& y, int w, int h) {
  if (w < 3 || h < 3) return 0;
  double sum = 0, sum2 = 0;
  for (int r = 1; r < h - 1; ++r) {
    const uint8_t* row = &y[static_cast<size_t>(r) * w];
    const uint8_t* up = row - w;
    const uint8_t* down = row + w;
    int64_t s = 0, s2 = 0;
    for (int c = 1; c < w - 1; ++c) {
      const int lap = up[c] + down[c] + row[c - 1] + row[c + 1] - 4 * row[c];
      s += lap;
      s2 += static_cast<int64_t>(lap) * lap;
    }
    sum += static_cast<double>(s);
    sum2 += static_cast<double>(s2);
  }
  const double n = static_cast<double>(w - 2) * (h - 2);
  const double mean = sum / n;
  return sum2 / n - mean * mean;
}

// J. Immerkaer, "Fast Noise Variance Estimation", CVIU 64(2), 1996.
double ImmerkaerNoise(const PixelBuffer& y, int w, int h) {
  if (w < 3 || h < 3) return 0;
  double total = 0;
  for (int r = 1; r < h - 1; ++r) {
    const uint8_t* a = &y[static_cast<size_t>(r - 1) * w];
    const uint8_t* b = a + w;
    const uint8_t* c = b + w;
    int64_t s = 0;
    for (int x = 1; x < w - 1; ++x) {
      const int v = a[x - 1] - 2 * a[x] + a[x + 1] - 2 * b[x - 1] + 4 * b[x] - 2 * b[x + 1] + c[x - 1] -
                    2 * c[x] + c[x + 1];
      s += std::abs(v);
    }
    total += static_cast<double>(s);
  }
  return total * std::sqrt(M_PI / 2) / (6.0 * (w - 2) * (h - 2));
}

// Sums of rg = R - G, yb2 = R + G - 2B and their squares, and the count of
// pixels whose channels spread more than kGrayTolerance.
struct ChromaSums {
  int64_t rg = 0, rg2 = 0, yb2 = 0, yb22 = 0;
  uint64_t coloured = 0;
};
PIX_VECTOR_CLONES void AddChroma(const uint8_t* rgb, size_t n, ChromaSums* out) {
  int64_t rg_sum = 0, rg_sq = 0, yb_sum = 0, yb_sq = 0;
  uint64_t coloured = 0;
  for (size_t i = 0; i < n; ++i) {
    const int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    const int rg = r - g, yb2 = r + g - 2 * b;
    rg_sum += rg;
    rg_sq += rg * rg;
    yb_sum += yb2;
    yb_sq += yb2 * yb2;
    const int hi = std::max(r, std::max(g, b)), lo = std::min(r, std::min(g, b));
    coloured += (hi - lo) > kGrayTolerance;
  }
  out->rg += rg_sum;
  out->rg2 += rg_sq;
  out->yb2 += yb_sum;
  out->yb22 += yb_sq;
  out->coloured += coloured;
}

// How many of `n` RGB pixels (with their luma) are within kUniformTolerance
// of the medians in luma and in each channel. Branch-free, so it vectorises.
PIX_VECTOR_CLONES uint32_t CountNearRgb(const uint8_t* rgb, const uint8_t* luma, size_t n, int luma_median,
                                        const int* median) {
  uint32_t near = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = rgb + 3 * i;
    near += static_cast<uint32_t>(std::abs(luma[i] - luma_median) <= kUniformTolerance) &
            static_cast<uint32_t>(std::abs(p[0] - median[0]) <= kUniformTolerance) &
            static_cast<uint32_t>(std::abs(p[1] - median[1]) <= kUniformTolerance) &
            static_cast<uint32_t>(std::abs(p[2] - median[2]) <= kUniformTolerance);
  }
  return near;
}


// Sums of |row[c] - row[c-1]| over all c and over block edges (c % 8 == 0),
// and of |row[c] - prev[c]| over the row.
struct StepSums {
  uint64_t all_h = 0, edge_h = 0, all_v = 0;
};
PIX_VECTOR_CLONES void RowSteps(const uint8_t* row, const uint8_t* prev, int w, StepSums* s) {
  uint32_t all_h = 0, all_v = 0, edge_h = 0;
  for (int c = 1; c < w; ++c) all_h += static_cast<uint32_t>(std::abs(row[c] - row[c - 1]));
  for (int c = 8; c < w; c += 8) edge_h += static_cast<uint32_t>(std::abs(row[c] - row[c - 1]));
  if (prev) {
    for (int c = 0; c < w; ++c) all_v += static_cast<uint32_t>(std::abs(row[c] - prev[c]));
  }
  s->all_h += all_h;
  s->edge_h += edge_h;
  s->all_v += all_v;
}

// One output row of the area average: the column sums of a band of rows
// summed over each output pixel's columns [x0[ox], x0[ox + 1]), times the
// box's 16.16 reciprocal area, rounded.
template <int kCh>
void ReduceColumns(const uint32_t* column_sums, const int* x0, const uint32_t* inverse, int out_width,
                   uint8_t* dst) {
  for (int ox = 0; ox < out_width; ++ox) {
    const uint32_t* col = column_sums + static_cast<size_t>(x0[ox]) * kCh;
    const int span = x0[ox + 1] - x0[ox];
    uint32_t sum[kCh] = {};
    for (int i = 0; i < span; ++i) {
      for (int k = 0; k < kCh; ++k) sum[k] += col[i * kCh + k];
    }
    for (int k = 0; k < kCh; ++k) {
      dst[ox * kCh + k] = static_cast<uint8_t>(std::min<uint64_t>(255, (uint64_t{sum[k]} * inverse[ox] + 32768) >> 16));
    }
  }
}

// ReduceColumns<3> when every box is two columns wide (a picture exactly
// twice the output's width, the commonest case): a fixed pattern.
PIX_VECTOR_CLONES void ReduceColumnPairs3(const uint32_t* column_sums, const uint32_t* inverse, int out_width,
                                          uint8_t* dst) {
  for (int ox = 0; ox < out_width; ++ox) {
    const uint32_t* c = column_sums + static_cast<size_t>(ox) * 6;
    const uint64_t inv = inverse[ox];
    for (int k = 0; k < 3; ++k) {
      dst[ox * 3 + k] = static_cast<uint8_t>(std::min<uint64_t>(255, (uint64_t{c[k] + c[k + 3]} * inv + 32768) >> 16));
    }
  }
}

}  // namespace

PIX_VECTOR_CLONES void AddRowSums(const uint8_t* row, size_t n, uint32_t* sums) {
  for (size_t i = 0; i < n; ++i) sums[i] += row[i];
}

OwnedPixels DownscaleForAnalysis(const PixelView& in, int long_side) {
  OwnedPixels out;
  out.channels = in.channels;
  const int longest = std::max(in.width, in.height);
  if (longest <= long_side) {
    out.width = in.width;
    out.height = in.height;
    out.data.assign(in.data, in.data + static_cast<size_t>(in.width) * in.height * in.channels);
    return out;
  }
  out.width = std::max(1, static_cast<int>(static_cast<int64_t>(in.width) * long_side / longest));
  out.height = std::max(1, static_cast<int>(static_cast<int64_t>(in.height) * long_side / longest));
  const int ch = std::min(in.channels, 3);
  if (ch != in.channels) return out;  // 1 or 3 channels only
  const size_t row_len = static_cast<size_t>(in.width) * ch;
  out.data.resize(static_cast<size_t>(out.width) * out.height * ch);
  std::vector<int> x0(out.width + 1);
  for (int i = 0; i <= out.width; ++i) x0[i] = static_cast<int>(static_cast<int64_t>(i) * in.width / out.width);
  std::vector<uint32_t> column_sums(row_len);
  // The 16.16 fixed-point reciprocal of each output pixel's box area, instead
  // of a division per sample; a band is floor or ceil of the height ratio
  // rows high, so two tables serve every row.
  int table_band[2] = {-1, -1};
  std::vector<uint32_t> inverse_table[2];
  for (int oy = 0; oy < out.height; ++oy) {
    const int y0 = static_cast<int>(static_cast<int64_t>(oy) * in.height / out.height);
    const int y1 = static_cast<int>(static_cast<int64_t>(oy + 1) * in.height / out.height);
    // Sum the band's rows first (contiguous, vectorised), then the columns.
    std::fill(column_sums.begin(), column_sums.end(), 0);
    for (int y = y0; y < y1; ++y) AddRowSums(in.data + static_cast<size_t>(y) * row_len, row_len, column_sums.data());
    const uint32_t band = static_cast<uint32_t>(y1 - y0);
    int slot = table_band[0] == static_cast<int>(band) ? 0 : table_band[1] == static_cast<int>(band) ? 1 : -1;
    if (slot < 0) {
      slot = table_band[0] < 0 ? 0 : 1;
      table_band[slot] = static_cast<int>(band);
      inverse_table[slot].resize(out.width);
      for (int ox = 0; ox < out.width; ++ox) {
        const uint32_t area = static_cast<uint32_t>(x0[ox + 1] - x0[ox]) * band;
        inverse_table[slot][ox] = ((1u << 16) + area / 2) / area;
      }
    }
    uint8_t* dst = &out.data[static_cast<size_t>(oy) * out.width * ch];
    if (ch == 3 && in.width == 2 * out.width) {
      ReduceColumnPairs3(column_sums.data(), inverse_table[slot].data(), out.width, dst);
    } else if (ch == 3) {
      ReduceColumns<3>(column_sums.data(), x0.data(), inverse_table[slot].data(), out.width, dst);
    } else if (ch == 2) {
      ReduceColumns<2>(column_sums.data(), x0.data(), inverse_table[slot].data(), out.width, dst);
    } else {
      ReduceColumns<1>(column_sums.data(), x0.data(), inverse_table[slot].data(), out.width, dst);
    }
  }
  return out;
}

ImageMetrics ComputeMetrics(const PixelView& img) {
  ImageMetrics m;
  m.blockiness = std::numeric_limits<double>::quiet_NaN();
  const uint64_t n = static_cast<uint64_t>(img.width) * img.height;
  if (n == 0) {
    m.brightness = m.contrast = m.sharpness = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  const PixelBuffer y = LumaPlane(img);
  // Two tables, even and odd pixels: neighbours often share a value, and one
  // table would make every increment wait for the previous one's store.
  Histogram hist{}, odd_hist{};
  for (uint64_t i = 0; i + 1 < n; i += 2) {
    ++hist[y[i]];
    ++odd_hist[y[i + 1]];
  }
  if (n % 2) ++hist[y[n - 1]];
  for (int v = 0; v < 256; ++v) hist[v] += odd_hist[v];
  double sum = 0, sum2 = 0, entropy = 0;
  for (int v = 0; v < 256; ++v) {
    sum += static_cast<double>(hist[v]) * v;
    sum2 += static_cast<double>(hist[v]) * v * v;
    if (hist[v]) {
      const double p = static_cast<double>(hist[v]) / n;
      entropy -= p * std::log2(p);
    }
  }
  const double mean = sum / n;
  m.brightness = mean / 255;
  m.contrast = std::sqrt(std::max(0.0, sum2 / n - mean * mean)) / 255;
  m.entropy = entropy;
  m.luma_p05 = Percentile(hist, n, 0.05) / 255.0;
  m.luma_p99 = Percentile(hist, n, 0.99) / 255.0;
  m.clipped_fraction = static_cast<double>(hist[0] + hist[1] + hist[2] + hist[253] + hist[254] + hist[255]) / n;
  m.sharpness = VarianceOfLaplacian(y, img.width, img.height);
  m.noise = ImmerkaerNoise(y, img.width, img.height);

  const int luma_median = Percentile(hist, n, 0.5);
  if (img.channels == 1) {
    m.grayscale = true;
    uint64_t near = 0;
    for (uint8_t v : y) near += std::abs(v - luma_median) <= kUniformTolerance;
    m.uniform_fraction = static_cast<double>(near) / n;
    return m;
  }
  // Colour: chroma statistics, grayscale test, per-channel medians.
  Histogram ch_hist[3] = {}, odd_ch_hist[3] = {};  // even and odd pixels, as above
  for (uint64_t i = 0; i + 1 < n; i += 2) {
    const uint8_t* p = img.data + i * 3;
    ++ch_hist[0][p[0]];
    ++ch_hist[1][p[1]];
    ++ch_hist[2][p[2]];
    ++odd_ch_hist[0][p[3]];
    ++odd_ch_hist[1][p[4]];
    ++odd_ch_hist[2][p[5]];
  }
  if (n % 2) {
    const uint8_t* p = img.data + (n - 1) * 3;
    for (int k = 0; k < 3; ++k) ++ch_hist[k][p[k]];
  }
  for (int k = 0; k < 3; ++k) {
    for (int v = 0; v < 256; ++v) ch_hist[k][v] += odd_ch_hist[k][v];
  }
  // In row-sized chunks so the int sums cannot overflow.
  ChromaSums chroma;
  for (uint64_t i = 0; i < n; i += static_cast<uint64_t>(img.width)) {
    AddChroma(img.data + i * 3, std::min<uint64_t>(img.width, n - i), &chroma);
  }
  const int64_t rg_sum = chroma.rg, rg_sum2 = chroma.rg2, yb2_sum = chroma.yb2, yb2_sum2 = chroma.yb22;
  const uint64_t coloured = chroma.coloured;
  const double nd = static_cast<double>(n);
  const double rg_mean = rg_sum / nd, yb_mean = yb2_sum / nd / 2;
  const double rg_var = std::max(0.0, rg_sum2 / nd - rg_mean * rg_mean);
  const double yb_var = std::max(0.0, yb2_sum2 / nd / 4 - yb_mean * yb_mean);
  m.colorfulness = std::sqrt(rg_var + yb_var) + 0.3 * std::sqrt(rg_mean * rg_mean + yb_mean * yb_mean);
  m.grayscale = coloured <= n / 100;
  int median[3];
  for (int k = 0; k < 3; ++k) median[k] = Percentile(ch_hist[k], n, 0.5);
  uint64_t near = 0;
  for (uint64_t i = 0; i < n; i += static_cast<uint64_t>(img.width)) {
    near += CountNearRgb(img.data + i * 3, y.data() + i, std::min<uint64_t>(img.width, n - i), luma_median,
                         median);
  }
  m.uniform_fraction = static_cast<double>(near) / n;
  return m;
}

double Blockiness(const uint8_t* luma, int w, int h) {
  if (w < 16 || h < 16) return std::numeric_limits<double>::quiet_NaN();
  StepSums s;
  uint64_t edge_v = 0;
  for (int r = 0; r < h; ++r) {
    const uint8_t* row = luma + static_cast<size_t>(r) * w;
    const uint8_t* prev = r > 0 ? row - w : nullptr;
    const uint64_t before = s.all_v;
    RowSteps(row, prev, w, &s);
    if (r % 8 == 0) edge_v += s.all_v - before;
  }
  const uint64_t edge_n = static_cast<uint64_t>((w - 1) / 8) * h + static_cast<uint64_t>((h - 1) / 8) * w;
  const uint64_t all_n = static_cast<uint64_t>(w - 1) * h + static_cast<uint64_t>(h - 1) * w;
  const uint64_t edge_sum = s.edge_h + edge_v;
  const double edge = static_cast<double>(edge_sum) / edge_n;
  const double inner = static_cast<double>(s.all_h + s.all_v - edge_sum) / (all_n - edge_n);
  if (inner == 0) return edge == 0 ? 1.0 : 10.0;
  return edge / inner;
}

}  // namespace pix
