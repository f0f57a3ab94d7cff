// Crop hashes: pHash and dHash of fourteen windows of a picture, so that a
// copy cropped by up to a tenth on any sides, or turned a few degrees and
// straightened (which crops it too), can still be found. A cropped copy's
// full-frame hashes are near the hashes of the original's window with the
// same frame, while its full-frame pHash moves by 12 to 40 bits, beyond any
// radius at which unrelated photographs stay apart (bench/dedup-real).
//
// The windows (fractions of width and height: x, y, w, h), in this order:
// nine 90% windows on a 3x3 grid of offsets 0, 0.05 and 0.1 (corners, edge
// middles, centre); 90%-wide full-height strips at the left and the right;
// full-width 90%-high strips at the top and the bottom; the centred 95%
// window. The window hashes are computed like imagehash's (Lanczos to 32x32
// then the DCT; Lanczos to 9x8) but from the gray picture first reduced by
// whole-pixel box averaging to a long side of 128 to 255 pixels, which costs
// little and moves a hash by a bit or two: they are not imagehash values and
// are only compared with the full-frame `phash`/`dhash` of other pictures.
//
// Text form (the record's `crop_hashes`): for each window in order, its pHash
// then its dHash as 16 lower-case hex digits each: 448 hex digits.
//
// Thread-safety: pure functions. Failure modes: ParseCropHashes returns
// nullopt for text of any other shape.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hash/perceptual.h"

namespace pix {

struct CropWindow {
  double x, y, w, h;
};

inline constexpr int kCropWindows = 14;
inline constexpr std::array<CropWindow, kCropWindows> kCropWindowFrames = {{
    {0, 0, 0.9, 0.9},      {0.05, 0, 0.9, 0.9},    {0.1, 0, 0.9, 0.9},
    {0, 0.05, 0.9, 0.9},   {0.05, 0.05, 0.9, 0.9}, {0.1, 0.05, 0.9, 0.9},
    {0, 0.1, 0.9, 0.9},    {0.05, 0.1, 0.9, 0.9},  {0.1, 0.1, 0.9, 0.9},
    {0, 0, 0.9, 1.0},      {0.1, 0, 0.9, 1.0},     {0, 0, 1.0, 0.9},
    {0, 0.1, 1.0, 0.9},    {0.025, 0.025, 0.95, 0.95},
}};

using CropHashes = std::array<ImageHashes, kCropWindows>;

// View hashes (the record's `view_hashes`): pHash and dHash of six more views
// of the same reduced picture, for two edits whose copies no crop window
// matches:
// - a logo or a watermark in a corner: the four 80% corner windows, each
//   leaving out a fifth of the width and of the height at one corner (top
//   right, top left, bottom right, bottom left), so one of them misses a mark
//   up to that size in any corner; compared with the same window of other
//   pictures;
// - a turn of a few degrees, straightened as photo editors do (turned about
//   the centre and enlarged until no empty corner shows): the picture turned
//   by +4 and by -4 degrees (counter-clockwise, then clockwise) and cut to
//   its largest centred frame of the picture's own aspect ratio, sampled
//   bilinearly; compared with the full frames of other pictures. A turn of
//   2.5 to 6 degrees either way lands within a few degrees of one of them;
//   smaller turns stay near the full frame itself.
// Text form: for each view in that order, its pHash then its dHash as 16
// lower-case hex digits each: 192 hex digits.
inline constexpr int kCornerViews = 4;
inline constexpr std::array<CropWindow, kCornerViews> kCornerViewFrames = {{
    {0, 0.2, 0.8, 0.8}, {0.2, 0.2, 0.8, 0.8}, {0, 0, 0.8, 0.8}, {0.2, 0, 0.8, 0.8},
}};
inline constexpr std::array<double, 2> kTurnedViewDegrees = {4.0, -4.0};
inline constexpr int kViewHashes = kCornerViews + static_cast<int>(kTurnedViewDegrees.size());
using ViewHashes = std::array<ImageHashes, kViewHashes>;

struct WindowHashes {
  CropHashes crops;
  ViewHashes views;
};

// The window and view hashes of a gray picture (Pillow L), cut from one
// reduced copy. REQUIRES: width, height > 0.
WindowHashes WindowHashesOfGray(const uint8_t* gray, int width, int height);

std::string FormatCropHashes(const CropHashes& hashes);
std::optional<CropHashes> ParseCropHashes(std::string_view text);
std::string FormatViewHashes(const ViewHashes& hashes);
std::optional<ViewHashes> ParseViewHashes(std::string_view text);

}  // namespace pix
