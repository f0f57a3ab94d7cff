// Perceptual hashes compatible with Python's imagehash 4.3 (on Pillow 9.4 and
// SciPy), the de facto standard, so hashes can be compared with datasets
// hashed elsewhere.
//
//   phash: gray (Pillow L), 32x32 Pillow Lanczos resize, 2-D DCT-II
//          (unnormalised, SciPy's fftpack.dct on columns then rows), the
//          top-left 8x8 coefficients including DC, bit = coefficient > median
//          of those 64, row-major, first bit most significant: 16 hex digits.
//   dhash: gray, 9x8 (width x height) Lanczos resize, bit = pixel is
//          brighter than its left neighbour, row-major: 16 hex digits.
//
// Bit-exactness needs more than the same formula: the DCT here reproduces the
// floating-point operations of SciPy's pocketfft (DCT-II through a backward
// real FFT of factors 2, 4, 4 with pocketfft's twiddles), so coefficients that
// are exactly zero in SciPy (symmetric or flat images) are exactly zero here
// too and compare the same way against the median.
//
// Thread-safety: pure functions. Failure modes: none.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pix {

inline constexpr int kPhashInput = 32;  // hash_size 8 x highfreq_factor 4

// SciPy's scipy.fftpack.dct(x, type=2) (norm=None) of one length-32 vector,
// in place, with pocketfft's exact operation order.
void ScipyDct2Length32(double* x);

// 2-D DCT-II as imagehash does it: dct(dct(pixels, axis=0), axis=1).
std::array<double, kPhashInput * kPhashInput> ScipyDct2d32(const uint8_t* pixels32x32);

// imagehash.phash of a 32x32 gray image already produced by Pillow's
// convert("L").resize((32, 32), LANCZOS). Returns the 64 bits, first bit in
// the most significant position.
uint64_t PhashFrom32(const uint8_t* gray32x32);
// imagehash.dhash of a 9x8 gray image (convert("L").resize((9, 8), LANCZOS)).
uint64_t DhashFrom9x8(const uint8_t* gray9x8);

// Both hashes of a full-size gray image (Pillow L), resized as imagehash does.
struct ImageHashes {
  uint64_t phash = 0;
  uint64_t dhash = 0;
};
ImageHashes ImageHashesOfGray(const uint8_t* gray, int width, int height);

// 16 lower-case hex digits, as str(imagehash.ImageHash).
std::string HashHex(uint64_t hash);

}  // namespace pix
