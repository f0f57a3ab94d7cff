#include "hash/perceptual.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "image/pillow_compat.h"

namespace pix {
namespace {

// The DCT below reproduces, operation for operation, what SciPy 1.10's
// pocketfft does for a length-32 DCT-II: the twiddle table of
// sincos_2pibyn, the FFTPACK-style backward real FFT with radix-2 then two
// radix-4 passes, and the DCT-II pre/post-processing. Changing any
// association (a+b+c vs a+(b+c)) changes the last bits of some coefficients,
// which matters when two coefficients tie with the median.

struct Complex {
  double r = 0, i = 0;
};

// exp(2*pi*i*k/n) for k in [0, n), computed as pocketfft does: from two small
// tables of directly evaluated values (by octant symmetry) multiplied together.
class UnitRoots {
 public:
  explicit UnitRoots(size_t n) : n_(n) {
    constexpr long double kPi = 3.141592653589793238462643383279502884197L;
    const double ang = static_cast<double>(0.25L * kPi / n);
    const size_t nval = (n + 2) / 2;
    shift_ = 1;
    while ((size_t{1} << shift_) * (size_t{1} << shift_) < nval) ++shift_;
    mask_ = (size_t{1} << shift_) - 1;
    v1_.resize(mask_ + 1);
    v1_[0] = {1.0, 0.0};
    for (size_t i = 1; i < v1_.size(); ++i) v1_[i] = Direct(i, n, ang);
    v2_.resize((nval + mask_) / (mask_ + 1));
    v2_[0] = {1.0, 0.0};
    for (size_t i = 1; i < v2_.size(); ++i) v2_[i] = Direct(i * (mask_ + 1), n, ang);
  }

  Complex operator[](size_t idx) const {
    const bool upper = 2 * idx > n_;
    if (upper) idx = n_ - idx;
    const Complex x1 = v1_[idx & mask_], x2 = v2_[idx >> shift_];
    const double im = x1.r * x2.i + x1.i * x2.r;
    return {x1.r * x2.r - x1.i * x2.i, upper ? -im : im};
  }

 private:
  static Complex Direct(size_t x, size_t n, double ang) {
    using std::cos, std::sin;
    x <<= 3;
    if (x < 4 * n) {  // first half
      if (x < 2 * n) {  // first quadrant
        if (x < n) return {cos(double(x) * ang), sin(double(x) * ang)};
        return {sin(double(2 * n - x) * ang), cos(double(2 * n - x) * ang)};
      }
      x -= 2 * n;  // second quadrant
      if (x < n) return {-sin(double(x) * ang), cos(double(x) * ang)};
      return {-cos(double(2 * n - x) * ang), sin(double(2 * n - x) * ang)};
    }
    x = 8 * n - x;
    if (x < 2 * n) {  // third quadrant
      if (x < n) return {cos(double(x) * ang), -sin(double(x) * ang)};
      return {sin(double(2 * n - x) * ang), -cos(double(2 * n - x) * ang)};
    }
    x -= 2 * n;  // fourth quadrant
    if (x < n) return {-sin(double(x) * ang), -cos(double(x) * ang)};
    return {-cos(double(2 * n - x) * ang), -sin(double(2 * n - x) * ang)};
  }

  size_t n_, mask_ = 0, shift_ = 0;
  std::vector<Complex> v1_, v2_;
};

// a = c + d; b = c - d
inline void SumDiff(double& a, double& b, double c, double d) {
  a = c + d;
  b = c - d;
}
// (a + ib) = conj(c + id) * (e + if)
inline void ConjMul(double& a, double& b, double c, double d, double e, double f) {
  a = c * e + d * f;
  b = c * f - d * e;
}

// Backward (half-complex to real) FFTPACK transform for power-of-two lengths
// of at least 4, factored as pocketfft factors them: 4s, with one 2 moved to
// the front.
class RealFftBackward {
 public:
  explicit RealFftBackward(size_t n) : n_(n) {
    size_t len = n;
    while (len % 4 == 0) {
      factors_.push_back({4, {}});
      len >>= 2;
    }
    if (len % 2 == 0) {
      factors_.push_back({2, {}});
      std::swap(factors_.front().radix, factors_.back().radix);
    }
    const UnitRoots roots(n);
    size_t l1 = 1;
    for (size_t k = 0; k < factors_.size(); ++k) {
      const size_t ip = factors_[k].radix, ido = n / (l1 * ip);
      if (k + 1 < factors_.size()) {  // the last factor needs no twiddles
        auto& tw = factors_[k].twiddles;
        tw.assign((ip - 1) * (ido - 1), 0.0);
        for (size_t j = 1; j < ip; ++j) {
          for (size_t i = 1; i <= (ido - 1) / 2; ++i) {
            const Complex w = roots[j * l1 * i];
            tw[(j - 1) * (ido - 1) + 2 * i - 2] = w.r;
            tw[(j - 1) * (ido - 1) + 2 * i - 1] = w.i;
          }
        }
      }
      l1 *= ip;
    }
  }

  void Run(double* c) const {
    std::vector<double> scratch(n_);
    double *p1 = c, *p2 = scratch.data();
    size_t l1 = 1;
    for (const Factor& f : factors_) {
      const size_t ido = n_ / (f.radix * l1);
      if (f.radix == 4) {
        Radix4(ido, l1, p1, p2, f.twiddles.data());
      } else {
        Radix2(ido, l1, p1, p2, f.twiddles.data());
      }
      std::swap(p1, p2);
      l1 *= f.radix;
    }
    if (p1 != c) std::memcpy(c, p1, n_ * sizeof(double));
  }

 private:
  struct Factor {
    size_t radix;
    std::vector<double> twiddles;
  };

  static void Radix2(size_t ido, size_t l1, const double* cc, double* ch, const double* wa) {
    auto CC = [&](size_t a, size_t b, size_t c) { return cc[a + ido * (b + 2 * c)]; };
    auto CH = [&](size_t a, size_t b, size_t c) -> double& { return ch[a + ido * (b + l1 * c)]; };
    auto WA = [&](size_t x, size_t i) { return wa[i + x * (ido - 1)]; };
    for (size_t k = 0; k < l1; k++) SumDiff(CH(0, k, 0), CH(0, k, 1), CC(0, 0, k), CC(ido - 1, 1, k));
    if ((ido & 1) == 0) {
      for (size_t k = 0; k < l1; k++) {
        CH(ido - 1, k, 0) = 2 * CC(ido - 1, 0, k);
        CH(ido - 1, k, 1) = -2 * CC(0, 1, k);
      }
    }
    if (ido <= 2) return;
    for (size_t k = 0; k < l1; k++) {
      for (size_t i = 2; i < ido; i += 2) {
        const size_t ic = ido - i;
        double ti2, tr2;
        SumDiff(CH(i - 1, k, 0), tr2, CC(i - 1, 0, k), CC(ic - 1, 1, k));
        SumDiff(ti2, CH(i, k, 0), CC(i, 0, k), CC(ic, 1, k));
        ConjMul(CH(i, k, 1), CH(i - 1, k, 1), WA(0, i - 2), WA(0, i - 1), ti2, tr2);
      }
    }
  }

  static void Radix4(size_t ido, size_t l1, const double* cc, double* ch, const double* wa) {
    constexpr double kSqrt2 = static_cast<double>(1.414213562373095048801688724209698L);
    auto CC = [&](size_t a, size_t b, size_t c) { return cc[a + ido * (b + 4 * c)]; };
    auto CH = [&](size_t a, size_t b, size_t c) -> double& { return ch[a + ido * (b + l1 * c)]; };
    auto WA = [&](size_t x, size_t i) { return wa[i + x * (ido - 1)]; };
    for (size_t k = 0; k < l1; k++) {
      double tr1, tr2;
      SumDiff(tr2, tr1, CC(0, 0, k), CC(ido - 1, 3, k));
      const double tr3 = 2 * CC(ido - 1, 1, k);
      const double tr4 = 2 * CC(0, 2, k);
      SumDiff(CH(0, k, 0), CH(0, k, 2), tr2, tr3);
      SumDiff(CH(0, k, 3), CH(0, k, 1), tr1, tr4);
    }
    if ((ido & 1) == 0) {
      for (size_t k = 0; k < l1; k++) {
        double tr1, tr2, ti1, ti2;
        SumDiff(ti1, ti2, CC(0, 3, k), CC(0, 1, k));
        SumDiff(tr2, tr1, CC(ido - 1, 0, k), CC(ido - 1, 2, k));
        CH(ido - 1, k, 0) = tr2 + tr2;
        CH(ido - 1, k, 1) = kSqrt2 * (tr1 - ti1);
        CH(ido - 1, k, 2) = ti2 + ti2;
        CH(ido - 1, k, 3) = -kSqrt2 * (tr1 + ti1);
      }
    }
    if (ido <= 2) return;
    for (size_t k = 0; k < l1; ++k) {
      for (size_t i = 2; i < ido; i += 2) {
        double ci2, ci3, ci4, cr2, cr3, cr4, ti1, ti2, ti3, ti4, tr1, tr2, tr3, tr4;
        const size_t ic = ido - i;
        SumDiff(tr2, tr1, CC(i - 1, 0, k), CC(ic - 1, 3, k));
        SumDiff(ti1, ti2, CC(i, 0, k), CC(ic, 3, k));
        SumDiff(tr4, ti3, CC(i, 2, k), CC(ic, 1, k));
        SumDiff(tr3, ti4, CC(i - 1, 2, k), CC(ic - 1, 1, k));
        SumDiff(CH(i - 1, k, 0), cr3, tr2, tr3);
        SumDiff(CH(i, k, 0), ci3, ti2, ti3);
        SumDiff(cr4, cr2, tr1, tr4);
        SumDiff(ci2, ci4, ti1, ti4);
        ConjMul(CH(i, k, 1), CH(i - 1, k, 1), WA(0, i - 2), WA(0, i - 1), ci2, cr2);
        ConjMul(CH(i, k, 2), CH(i - 1, k, 2), WA(1, i - 2), WA(1, i - 1), ci3, cr3);
        ConjMul(CH(i, k, 3), CH(i - 1, k, 3), WA(2, i - 2), WA(2, i - 1), ci4, cr4);
      }
    }
  }

  size_t n_;
  std::vector<Factor> factors_;
};

// pocketfft's DCT-II (type 2, cosine, not orthonormalised, scale 1).
class Dct2Plan {
 public:
  explicit Dct2Plan(size_t n) : n_(n), fft_(n), twiddle_(n) {
    const UnitRoots roots(4 * n);
    for (size_t i = 0; i < n; ++i) twiddle_[i] = roots[i + 1].r;
  }

  void Run(double* c) const {
    const size_t n = n_, ns2 = (n + 1) / 2;
    c[0] *= 2;
    if ((n & 1) == 0) c[n - 1] *= 2;
    for (size_t k = 1; k < n - 1; k += 2) {  // c[k+1] -= c[k]; c[k] += old c[k+1]
      const double t = c[k + 1];
      c[k + 1] -= c[k];
      c[k] = t + c[k];
    }
    fft_.Run(c);
    for (size_t k = 1, kc = n - 1; k < ns2; ++k, --kc) {
      const double t1 = twiddle_[k - 1] * c[kc] + twiddle_[kc - 1] * c[k];
      const double t2 = twiddle_[k - 1] * c[k] - twiddle_[kc - 1] * c[kc];
      c[k] = 0.5 * (t1 + t2);
      c[kc] = 0.5 * (t1 - t2);
    }
    if ((n & 1) == 0) c[ns2] *= twiddle_[ns2 - 1];
  }

 private:
  size_t n_;
  RealFftBackward fft_;
  std::vector<double> twiddle_;
};

const Dct2Plan& Plan32() {
  static const Dct2Plan plan(kPhashInput);
  return plan;
}

// Median as numpy.median computes it for an even count: the mean of the two
// middle values, (a + b) / 2.
double Median(std::array<double, 64> v) {
  std::sort(v.begin(), v.end());
  return (v[31] + v[32]) / 2;
}

}  // namespace

void ScipyDct2Length32(double* x) { Plan32().Run(x); }

std::array<double, kPhashInput * kPhashInput> ScipyDct2d32(const uint8_t* pixels) {
  constexpr int n = kPhashInput;
  std::array<double, n * n> a;
  double line[n];
  for (int col = 0; col < n; ++col) {  // axis 0: down each column
    for (int row = 0; row < n; ++row) line[row] = pixels[row * n + col];
    ScipyDct2Length32(line);
    for (int row = 0; row < n; ++row) a[row * n + col] = line[row];
  }
  for (int row = 0; row < n; ++row) ScipyDct2Length32(&a[row * n]);  // axis 1
  return a;
}

uint64_t PhashFrom32(const uint8_t* gray32) {
  const auto dct = ScipyDct2d32(gray32);
  std::array<double, 64> low;
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 8; ++c) low[r * 8 + c] = dct[r * kPhashInput + c];
  }
  const double median = Median(low);
  uint64_t bits = 0;
  for (double v : low) bits = (bits << 1) | (v > median ? 1 : 0);
  return bits;
}

uint64_t DhashFrom9x8(const uint8_t* gray) {
  uint64_t bits = 0;
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 8; ++c) bits = (bits << 1) | (gray[r * 9 + c + 1] > gray[r * 9 + c] ? 1 : 0);
  }
  return bits;
}

ImageHashes ImageHashesOfGray(const uint8_t* gray, int width, int height) {
  ImageHashes h;
  h.phash = PhashFrom32(PillowResizeLanczos(gray, width, height, kPhashInput, kPhashInput).data());
  h.dhash = DhashFrom9x8(PillowResizeLanczos(gray, width, height, 9, 8).data());
  return h;
}

std::string HashHex(uint64_t hash) { return fmt::format("{:016x}", hash); }

}  // namespace pix
