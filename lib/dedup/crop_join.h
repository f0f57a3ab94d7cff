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

// The window of each `windows` element against the frame of every other item
// (frames[i] is item i's) of a matching aspect ratio.
std::vector<HammingPair> JoinWindowsToFrames(std::span<const CropFrame> frames,
                                             std::span<const CropWindowHash> windows,
                                             const CropJoinOptions& options);

// The key bits of a window-to-frame join over `n` frames: about eight buckets
// per frame, so 16 from 8,192 frames on (a self-join takes 16 hashes per
// bucket). The join has fourteen windows per frame, so a bucket's frames are
// compared fourteen times over and emptier buckets pay for their probes;
// where the probes would cost more than a scan (radius 12 with 12 key bits
// or fewer: below about 725 frames), HammingIndex scans.
int CropJoinKeyBits(size_t n);

}  // namespace pix
