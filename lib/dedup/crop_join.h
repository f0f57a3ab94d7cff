// Crop joins: the two searches of pix-dedup that use a record's crop_hashes
// (hash/crop_hashes.h), written as joins of whole sets of hashes rather than
// a lookup per window, so that they cost about what the full-frame pass costs.
//
// JoinSameWindow pairs images by one window compared with the same window of
// the other images (each 90% strip with the same strip: top with top, and so
// on): a caption or a logo along one edge, or a crop of a few percent, leaves
// the opposite strip of the copy near the original's. One self-join
// (HammingIndex) per strip, confirmed by the strip's dHash.
//
// JoinWindowsToFrames pairs an image B with an image A when a window of A is
// near B's full frame: B is then A cropped to that window. A window cropped
// out of A has the aspect ratio of the copy B, so a window is only compared
// with the full frames of images whose aspect ratio is within a tolerance of
// the window's: images are grouped by aspect ratio and, within a group, the
// window pHashes are joined with the full-frame pHashes bucket by bucket
// (HammingIndex::Join); a candidate stands when the window's dHash is also
// near the frame's. Real collections hold a few common aspect ratios and many
// rare ones; the grouping alone keeps a window away from most frames.
//
// Both return pairs of items (a < b) with the pHash distance that found them.
// Thread-safety: pure functions; `threads` worker threads of their own.
// Failure modes: none; items without an aspect ratio (0) take no part in the
// window-to-frame join.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "hash/crop_hashes.h"
#include "hash/hamming_index.h"

namespace pix {

// The strips JoinSameWindow compares (positions in CropHashes), in the
// pairs pix-dedup joins per pass over its records: the top and bottom strips
// (a caption or a logo along an edge leaves the other as it was), then the
// left and right ones (so does a crop off one side, nearly).
inline constexpr int kLeftStrip = 9;
inline constexpr int kRightStrip = 10;
inline constexpr int kTopStrip = 11;
inline constexpr int kBottomStrip = 12;
static_assert(kCropWindowFrames[kLeftStrip].x == 0 && kCropWindowFrames[kLeftStrip].h == 1.0);
static_assert(kCropWindowFrames[kRightStrip].x == 0.1 && kCropWindowFrames[kRightStrip].h == 1.0);
static_assert(kCropWindowFrames[kTopStrip].y == 0 && kCropWindowFrames[kTopStrip].w == 1.0);
static_assert(kCropWindowFrames[kBottomStrip].y == 0.1 && kCropWindowFrames[kBottomStrip].w == 1.0);
inline constexpr std::array<std::array<int, 2>, 2> kSameWindowPasses = {
    {{kTopStrip, kBottomStrip}, {kLeftStrip, kRightStrip}}};

// The corner views (positions in ViewHashes) the window search joins, two
// per pass: the views leaving out opposite corners together.
inline constexpr std::array<std::array<int, 2>, 2> kCornerViewPasses = {{{0, 3}, {1, 2}}};
static_assert(kCornerViewFrames[0].x == 0 && kCornerViewFrames[0].y == 0.2);
static_assert(kCornerViewFrames[3].x == 0.2 && kCornerViewFrames[3].y == 0);

// Pairs of `items` whose window hashes (window[i] belongs to items[i]) are
// within `radius` pHash bits and `dhash_radius` dHash bits of each other.
std::vector<HammingPair> JoinSameWindow(std::span<const uint32_t> items,
                                        std::span<const ImageHashes> window, int radius,
                                        int dhash_radius, int threads = 1);

// A full frame: an item's hashes and its aspect ratio (width / height, 0 when
// unknown).
struct CropFrame {
  ImageHashes hashes;
  float aspect = 0;
};

// A window of an item's picture and the aspect ratio of that window.
struct CropWindowHash {
  ImageHashes hashes;
  float aspect = 0;
  uint32_t item = 0;
};

struct CropJoinOptions {
  int radius = 12;        // pHash bits between a window and a frame
  int dhash_radius = 16;  // dHash bits, to confirm
  // Aspect ratios are compared as logarithms in bins of this width; a window
  // meets the frames of its own bin and the two next to it, so every frame
  // within the tolerance (and some up to twice it) is compared. A crop made
  // by an editor rounds its frame to whole pixels, and the windows are cut
  // from a picture of 128 to 255 pixels a side: about 1% either way.
  double aspect_tolerance = 0.02;
  int threads = 1;
};

// Full frames grouped by aspect ratio, built once and joined with any number
// of batches of windows: a search whose windows would not fit in memory at
// once joins them a batch at a time. 24 bytes a frame.
class FrameBins {
 public:
  // The frames of items 0..items-1: frame_of(i) is item i's, nullopt for
  // an item without one; frames without an aspect ratio are left out.
  FrameBins(size_t items, const std::function<std::optional<CropFrame>(uint32_t)>& frame_of,
            double aspect_tolerance);

  // The window of each `windows` element against the frame of every other
  // item of a matching aspect ratio, each pair once.
  // REQUIRES: options.aspect_tolerance is this one's.
  std::vector<HammingPair> Join(std::span<const CropWindowHash> windows,
                                const CropJoinOptions& options) const;

 private:
  struct Frame {
    int32_t bin;
    uint32_t item;
    ImageHashes hashes;
    bool operator<(const Frame& o) const { return bin != o.bin ? bin < o.bin : item < o.item; }
  };
  double tolerance_;
  std::vector<Frame> frames_;  // sorted by bin, then item
};

// The window of each `windows` element against the frame of every other item
// (frames[i] is item i's) of a matching aspect ratio.
std::vector<HammingPair> JoinWindowsToFrames(std::span<const CropFrame> frames,
                                             std::span<const CropWindowHash> windows,
                                             const CropJoinOptions& options);

// The key bits of a join of `windows` windows with `frames` frames: those of
// a self-join (about 16 hashes per bucket) of the two sides' geometric mean.
// A bucket of frames is probed once per bucket of windows near it, so the
// fewer windows a batch brings, the wider each bucket should be for its
// probes to pay; below about 93,000 of each, the radius-12 probes would cost
// more than a scan and HammingIndex scans. Measured on bench/dedup-speed's
// records in batches of a million windows (pix-dedup -c 2): 300,000 records
// 10.6 s against 22.3 s with the 16 bits used before; 1,000,000 records
// 41.0 s against 79.3 s (medians of 3).
int CropJoinKeyBits(size_t frames, size_t windows);

}  // namespace pix
