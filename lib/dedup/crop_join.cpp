#include "dedup/crop_join.h"

#include <algorithm>
#include <bit>
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
  uint32_t id;  // a frame's item, or a window's position
  bool operator<(const Binned& o) const { return bin != o.bin ? bin < o.bin : id < o.id; }
};

// Joins the windows of one bin with the frames of that bin.
void JoinBin(std::span<const CropFrame> frames, std::span<const CropWindowHash> windows,
             std::span<const Binned> bin_frames, std::span<const Binned> bin_windows,
             const CropJoinOptions& o, std::vector<HammingPair>* out) {
  std::vector<uint64_t> hashes(bin_frames.size());
  for (size_t i = 0; i < bin_frames.size(); ++i) hashes[i] = frames[bin_frames[i].id].hashes.phash;
  const HammingIndex index(hashes, CropJoinKeyBits(hashes.size()));
  hashes.resize(bin_windows.size());
  for (size_t i = 0; i < bin_windows.size(); ++i) {
    hashes[i] = windows[bin_windows[i].id].hashes.phash;
  }
  for (const HammingPair& p : index.Join(hashes, o.radius, o.threads)) {
    const CropWindowHash& w = windows[bin_windows[p.a].id];
    const uint32_t frame = bin_frames[p.b].id;
    if (frame == w.item) continue;
    if (std::popcount(w.hashes.dhash ^ frames[frame].hashes.dhash) > o.dhash_radius) continue;
    out->push_back(Ordered(w.item, frame, p.distance));
  }
}

}  // namespace

int CropJoinKeyBits(size_t n) {
  const double bits = std::round(std::log2(std::max(1.0, static_cast<double>(n)))) + 3;
  return std::clamp(static_cast<int>(bits), 1, HammingIndex::kSubstringBits);
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

std::vector<HammingPair> JoinWindowsToFrames(std::span<const CropFrame> frames,
                                             std::span<const CropWindowHash> windows,
                                             const CropJoinOptions& o) {
  // Each frame goes into its own bin and the two next to it; each window
  // into its own. So a (window, frame) pair meets in one bin at most.
  std::vector<Binned> bin_frames, bin_windows;
  for (uint32_t i = 0; i < frames.size(); ++i) {
    if (!(frames[i].aspect > 0)) continue;
    const int32_t bin = AspectBin(frames[i].aspect, o.aspect_tolerance);
    for (int32_t d : {-1, 0, 1}) bin_frames.push_back({bin + d, i});
  }
  for (uint32_t i = 0; i < windows.size(); ++i) {
    if (!(windows[i].aspect > 0)) continue;
    bin_windows.push_back({AspectBin(windows[i].aspect, o.aspect_tolerance), i});
  }
  std::sort(bin_frames.begin(), bin_frames.end());
  std::sort(bin_windows.begin(), bin_windows.end());
  std::vector<HammingPair> out;
  auto f = bin_frames.begin();
  for (auto w = bin_windows.begin(); w != bin_windows.end();) {
    const auto w_end = std::upper_bound(w, bin_windows.end(), Binned{w->bin, UINT32_MAX});
    f = std::lower_bound(f, bin_frames.end(), Binned{w->bin, 0});
    const auto f_end = std::upper_bound(f, bin_frames.end(), Binned{w->bin, UINT32_MAX});
    if (f != f_end) {
      JoinBin(frames, windows, std::span(f, f_end), std::span(w, w_end), o, &out);
    }
    w = w_end;
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

}  // namespace pix
