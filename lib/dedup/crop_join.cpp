#include "dedup/crop_join.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <tuple>

namespace pix {
namespace {

// The aspect-ratio bin of a picture or window.
int32_t AspectBin(float aspect, double tolerance) {
  return static_cast<int32_t>(std::floor(std::log(static_cast<double>(aspect)) / tolerance));
}

HammingPair Ordered(uint32_t x, uint32_t y, uint32_t distance) {
  return {std::min(x, y), std::max(x, y), distance};
}

struct Binned {
  int32_t bin;
  uint32_t id;  // a window's position
  bool operator<(const Binned& o) const { return bin != o.bin ? bin < o.bin : id < o.id; }
};

}  // namespace

int CropJoinKeyBits(size_t frames, size_t windows) {
  return HammingIndex::KeyBitsFor(static_cast<size_t>(
      std::sqrt(static_cast<double>(frames)) * std::sqrt(static_cast<double>(windows))));
}

std::vector<HammingPair> JoinSameWindow(std::span<const uint32_t> items,
                                        std::span<const ImageHashes> window, int radius,
                                        int dhash_radius, int threads) {
  std::vector<uint64_t> phashes(window.size());
  for (size_t i = 0; i < window.size(); ++i) phashes[i] = window[i].phash;
  const HammingIndex index(phashes);
  phashes = {};  // the index holds its own copy
  std::vector<HammingPair> pairs = index.SelfJoin(radius, threads);
  size_t kept = 0;
  for (const HammingPair& p : pairs) {
    if (std::popcount(window[p.a].dhash ^ window[p.b].dhash) > dhash_radius) continue;
    pairs[kept++] = Ordered(items[p.a], items[p.b], p.distance);
  }
  pairs.resize(kept);
  return pairs;
}

FrameBins::FrameBins(size_t items,
                     const std::function<std::optional<CropFrame>(uint32_t)>& frame_of,
                     double aspect_tolerance)
    : tolerance_(aspect_tolerance) {
  for (uint32_t i = 0; i < items; ++i) {
    const std::optional<CropFrame> f = frame_of(i);
    if (f && f->aspect > 0) frames_.push_back({AspectBin(f->aspect, tolerance_), i, f->hashes});
  }
  frames_.shrink_to_fit();
  std::sort(frames_.begin(), frames_.end());
}

std::vector<HammingPair> FrameBins::Join(std::span<const CropWindowHash> windows,
                                         const CropJoinOptions& o) const {
  assert(o.aspect_tolerance == tolerance_);
  std::vector<Binned> bin_windows;
  bin_windows.reserve(windows.size());
  for (uint32_t i = 0; i < windows.size(); ++i) {
    if (!(windows[i].aspect > 0)) continue;
    bin_windows.push_back({AspectBin(windows[i].aspect, tolerance_), i});
  }
  std::sort(bin_windows.begin(), bin_windows.end());
  // Each frame sits in its own bin and meets the windows of that bin and the
  // two next to it, so a (window, frame) pair meets once at most. The bins
  // visited are those next to a window's, so a small batch costs little.
  std::vector<int32_t> bins;
  for (const Binned& w : bin_windows) {
    if (!bins.empty() && bins.back() >= w.bin + 1) continue;
    for (int32_t b = w.bin - 1; b <= w.bin + 1; ++b) {
      if (bins.empty() || b > bins.back()) bins.push_back(b);
    }
  }
  std::vector<HammingPair> out;
  std::vector<uint64_t> frame_phash, window_phash;
  for (const int32_t bin : bins) {
    const auto f = std::lower_bound(frames_.begin(), frames_.end(), Frame{bin, 0, {}});
    const auto f_end = std::lower_bound(f, frames_.end(), Frame{bin + 1, 0, {}});
    if (f == f_end) continue;
    const auto w = std::lower_bound(bin_windows.begin(), bin_windows.end(), Binned{bin - 1, 0});
    const auto w_end = std::lower_bound(w, bin_windows.end(), Binned{bin + 2, 0});
    if (w == w_end) continue;
    frame_phash.clear();
    for (auto i = f; i != f_end; ++i) frame_phash.push_back(i->hashes.phash);
    window_phash.clear();
    for (auto i = w; i != w_end; ++i) window_phash.push_back(windows[i->id].hashes.phash);
    const HammingIndex index(frame_phash, CropJoinKeyBits(frame_phash.size(), window_phash.size()));
    for (const HammingPair& p : index.Join(window_phash, o.radius, o.threads)) {
      const CropWindowHash& window = windows[w[p.a].id];
      const Frame& frame = f[p.b];
      if (frame.item == window.item) continue;
      if (std::popcount(window.hashes.dhash ^ frame.hashes.dhash) > o.dhash_radius) continue;
      out.push_back(Ordered(window.item, frame.item, p.distance));
    }
  }
  // A picture and its crop can meet through several windows.
  std::sort(out.begin(), out.end(), [](const HammingPair& x, const HammingPair& y) {
    return std::tie(x.a, x.b, x.distance) < std::tie(y.a, y.b, y.distance);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const HammingPair& x, const HammingPair& y) {
                          return x.a == y.a && x.b == y.b;
                        }),
            out.end());
  return out;
}

std::vector<HammingPair> JoinWindowsToFrames(std::span<const CropFrame> frames,
                                             std::span<const CropWindowHash> windows,
                                             const CropJoinOptions& o) {
  const FrameBins bins(
      frames.size(), [&](uint32_t i) { return std::optional<CropFrame>(frames[i]); },
      o.aspect_tolerance);
  return bins.Join(windows, o);
}

}  // namespace pix
