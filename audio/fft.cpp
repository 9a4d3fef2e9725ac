// audio/fft.cpp - radix-2 Cooley-Tukey FFT, Bluestein's algorithm for other sizes, and the
// real-input transforms built on them. docs/audio.md derives the formulas used here.
#include "audio/fft.h"

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <type_traits>
#include <utility>
#include <vector>

#include "tensor/error.h"

namespace timbre::audio {

bool is_power_of_two(int64_t n) {
  return n >= 1 && (n & (n - 1)) == 0;
}

namespace {

// exp(-2*pi*i * numerator / denominator) computed in double. Reducing numerator modulo the
// denominator first keeps the angle in [0, 2*pi), where std::cos/std::sin are most accurate.
void unit_root(int64_t numerator, int64_t denominator, double& real, double& imag) {
  const int64_t reduced = numerator % denominator;
  const double angle =
      -2.0 * std::numbers::pi * static_cast<double>(reduced) / static_cast<double>(denominator);
  real = std::cos(angle);
  imag = std::sin(angle);
}

// Everything the radix-2 FFT of one power-of-two size needs, computed once.
struct Radix2Plan {
  int64_t n;
  // The pairs (i, j), i < j, where j is i with its log2(n) bits in reverse order: swapping them
  // puts the input in the order the iterative algorithm needs. A list of pairs instead of a
  // test "i < j" per index avoids a branch the processor cannot predict.
  std::vector<std::pair<int32_t, int32_t>> swaps;
  // reversed[i] = i with its log2(n) bits in reverse order: rfft writes sample i straight to
  // slot reversed[i] while loading it, which saves the separate pass of swaps.
  std::vector<int32_t> reversed;
  // Twiddles of the stage that combines blocks of `half` points live at [half, 2*half):
  //   twiddle[half + j] = exp(-2*pi*i * j / (2*half)),  j = 0 .. half-1.
  // One array of n entries holds every stage, and each stage reads its twiddles contiguously.
  std::vector<double> twiddle_real_double, twiddle_imag_double;  // [n]
  std::vector<float> twiddle_real_float, twiddle_imag_float;     // [n], rounded from double

  explicit Radix2Plan(int64_t size) : n(size) {
    TIMBRE_CHECK(n <= (int64_t{1} << 30), "fft: size ", n, " is too large (at most 2^30)");
    int64_t bits = 0;
    while ((int64_t{1} << bits) < n)
      ++bits;
    for (int64_t i = 0; i < n; ++i) {
      int64_t reversed = 0;
      for (int64_t b = 0; b < bits; ++b)
        reversed |= ((i >> b) & 1) << (bits - 1 - b);
      this->reversed.push_back(static_cast<int32_t>(reversed));
      if (i < reversed) swaps.emplace_back(static_cast<int32_t>(i), static_cast<int32_t>(reversed));
    }
    twiddle_real_double.assign(n, 1.0);
    twiddle_imag_double.assign(n, 0.0);
    for (int64_t half = 1; half < n; half *= 2) {
      for (int64_t j = 0; j < half; ++j) {
        unit_root(j, 2 * half, twiddle_real_double[half + j], twiddle_imag_double[half + j]);
      }
    }
    twiddle_real_float.assign(twiddle_real_double.begin(), twiddle_real_double.end());
    twiddle_imag_float.assign(twiddle_imag_double.begin(), twiddle_imag_double.end());
  }

  template <typename T>
  const T* twiddle_real() const {
    if constexpr (std::is_same_v<T, float>)
      return twiddle_real_float.data();
    else
      return twiddle_real_double.data();
  }
  template <typename T>
  const T* twiddle_imag() const {
    if constexpr (std::is_same_v<T, float>)
      return twiddle_imag_float.data();
    else
      return twiddle_imag_double.data();
  }
};

// Bluestein's algorithm for a size n that is not a power of two. With k*m = (k^2 + m^2 -
// (k-m)^2) / 2 the DFT becomes
//   X[k] = chirp[k] * sum_m (x[m] * chirp[m]) * conj(chirp[k - m]),  chirp[j] = exp(-pi*i*j^2/n)
// a convolution of a[m] = x[m]*chirp[m] with b[j] = conj(chirp[j]) (j from -(n-1) to n-1), done
// with power-of-two FFTs of size padded >= 2n - 1 (b is wrapped around: b[padded - j] = b[j]).
struct BluesteinPlan {
  int64_t n;
  int64_t padded;
  std::vector<double> chirp_real, chirp_imag;    // [n]
  std::vector<double> filter_real, filter_imag;  // [padded]: the FFT of b

  explicit BluesteinPlan(int64_t size) : n(size), padded(1) {
    while (padded < 2 * n - 1)
      padded *= 2;
    chirp_real.resize(n);
    chirp_imag.resize(n);
    for (int64_t j = 0; j < n; ++j) {
      // exp(-pi*i*j^2/n) = exp(-2*pi*i * (j^2 mod 2n) / (2n)); the modulus keeps it exact.
      unit_root((j * j) % (2 * n), 2 * n, chirp_real[j], chirp_imag[j]);
    }
    filter_real.assign(padded, 0.0);
    filter_imag.assign(padded, 0.0);
    for (int64_t j = 0; j < n; ++j) {
      filter_real[j] = chirp_real[j];
      filter_imag[j] = -chirp_imag[j];
      if (j > 0) {
        filter_real[padded - j] = chirp_real[j];
        filter_imag[padded - j] = -chirp_imag[j];
      }
    }
    fft(filter_real.data(), filter_imag.data(), padded, false);
  }
};

// The untangling factors of the real FFT of even size n: exp(-2*pi*i*k/n), k = 0 .. n/2.
struct RealPlan {
  int64_t n;
  std::vector<double> twiddle_real_double, twiddle_imag_double;  // [n/2 + 1]
  std::vector<float> twiddle_real_float, twiddle_imag_float;

  explicit RealPlan(int64_t size) : n(size) {
    const int64_t bins = n / 2 + 1;
    twiddle_real_double.resize(bins);
    twiddle_imag_double.resize(bins);
    for (int64_t k = 0; k < bins; ++k) {
      unit_root(k, n, twiddle_real_double[k], twiddle_imag_double[k]);
    }
    twiddle_real_float.assign(twiddle_real_double.begin(), twiddle_real_double.end());
    twiddle_imag_float.assign(twiddle_imag_double.begin(), twiddle_imag_double.end());
  }

  template <typename T>
  const T* twiddle_real() const {
    if constexpr (std::is_same_v<T, float>)
      return twiddle_real_float.data();
    else
      return twiddle_real_double.data();
  }
  template <typename T>
  const T* twiddle_imag() const {
    if constexpr (std::is_same_v<T, float>)
      return twiddle_imag_float.data();
    else
      return twiddle_imag_double.data();
  }
};

// One cache per plan type: built on first use of a size, then shared by every thread.
template <typename Plan>
std::shared_ptr<const Plan> cached_plan(int64_t n) {
  static std::mutex mutex;
  static std::map<int64_t, std::shared_ptr<const Plan>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<const Plan>& slot = cache[n];
  if (!slot) slot = std::make_shared<const Plan>(n);
  return slot;
}

// One radix-2 stage: combines every pair of neighbouring blocks of `half` points.
//   a <- a + w*b,  b <- a - w*b,  w = twiddle[j] (conjugated for the inverse), j = 0 .. half-1
// (real, imag): [n] in place; twiddle_real/imag: [half], this stage's twiddles.
// The loop over j reads and writes contiguous memory, so the compiler vectorises it.
template <typename T>
inline __attribute__((always_inline)) void butterfly_stage(T* real, T* imag, int64_t n,
                                                           int64_t half, const T* twiddle_real,
                                                           const T* twiddle_imag, T imag_sign) {
  for (int64_t start = 0; start < n; start += 2 * half) {
    T* a_real = real + start;
    T* a_imag = imag + start;
    T* b_real = real + start + half;
    T* b_imag = imag + start + half;
    // The a and b halves never overlap: ivdep tells the compiler so, and it vectorises the loop
    // (GCC gives up on it otherwise).
#pragma GCC ivdep
    for (int64_t j = 0; j < half; ++j) {
      const T w_real = twiddle_real[j];
      const T w_imag = imag_sign * twiddle_imag[j];
      // t = w * b (complex product)
      const T t_real = w_real * b_real[j] - w_imag * b_imag[j];
      const T t_imag = w_real * b_imag[j] + w_imag * b_real[j];
      b_real[j] = a_real[j] - t_real;
      b_imag[j] = a_imag[j] - t_imag;
      a_real[j] = a_real[j] + t_real;
      a_imag[j] = a_imag[j] + t_imag;
    }
  }
}

// Two radix-2 stages in one pass (the "radix-2^2" form of a radix-4 step): stage `half` and stage
// `2*half`, on blocks of 4*half points. For each j < half the four points
//   a = x[j], b = x[j + half], c = x[j + 2*half], d = x[j + 3*half]
// go through exactly the butterflies the two separate stages would apply:
//   stage half   (twiddle w1 = twiddle[half + j]):    a' = a + w1 b,  b' = a - w1 b,
//                                                     c' = c + w1 d,  d' = c - w1 d
//   stage 2*half (twiddle w2 = twiddle[2*half + j]):  a'' = a' + w2 c',  c'' = a' - w2 c'
//                (twiddle w2 * exp(-2*pi*i/4) = -i w2): b'' = b' - i w2 d', d'' = b' + i w2 d'
// but each point is loaded and stored once instead of twice, and the second stage's twiddle for
// b', d' comes free from w2 (multiplying by -i only swaps parts and flips a sign).
// (real, imag): [n] in place; twiddle_real/imag: the whole [n] table of the plan.
template <typename T>
inline __attribute__((always_inline)) void butterfly_stage_pair(T* real, T* imag, int64_t n,
                                                                int64_t half, const T* twiddle_real,
                                                                const T* twiddle_imag,
                                                                T imag_sign) {
  const T* w1_real = twiddle_real + half;
  const T* w1_imag = twiddle_imag + half;
  const T* w2_real = twiddle_real + 2 * half;
  const T* w2_imag = twiddle_imag + 2 * half;
  for (int64_t start = 0; start < n; start += 4 * half) {
    T* a_real = real + start;
    T* a_imag = imag + start;
    T* b_real = a_real + half;
    T* b_imag = a_imag + half;
    T* c_real = b_real + half;
    T* c_imag = b_imag + half;
    T* d_real = c_real + half;
    T* d_imag = c_imag + half;
#pragma GCC ivdep
    for (int64_t j = 0; j < half; ++j) {
      // First stage: t = w1 * b, u = w1 * d.
      const T v1_real = w1_real[j], v1_imag = imag_sign * w1_imag[j];
      const T t_real = v1_real * b_real[j] - v1_imag * b_imag[j];
      const T t_imag = v1_real * b_imag[j] + v1_imag * b_real[j];
      const T u_real = v1_real * d_real[j] - v1_imag * d_imag[j];
      const T u_imag = v1_real * d_imag[j] + v1_imag * d_real[j];
      const T a1_real = a_real[j] + t_real, a1_imag = a_imag[j] + t_imag;
      const T b1_real = a_real[j] - t_real, b1_imag = a_imag[j] - t_imag;
      const T c1_real = c_real[j] + u_real, c1_imag = c_imag[j] + u_imag;
      const T d1_real = c_real[j] - u_real, d1_imag = c_imag[j] - u_imag;
      // Second stage: p = w2 * c1, q = w2 * d1, then q times -i (+i for the inverse).
      const T v2_real = w2_real[j], v2_imag = imag_sign * w2_imag[j];
      const T p_real = v2_real * c1_real - v2_imag * c1_imag;
      const T p_imag = v2_real * c1_imag + v2_imag * c1_real;
      const T q_real = v2_real * d1_real - v2_imag * d1_imag;
      const T q_imag = v2_real * d1_imag + v2_imag * d1_real;
      // (-i * imag_sign) * q = imag_sign * (q_imag - i q_real)
      const T r_real = imag_sign * q_imag, r_imag = -imag_sign * q_real;
      a_real[j] = a1_real + p_real;
      a_imag[j] = a1_imag + p_imag;
      c_real[j] = a1_real - p_real;
      c_imag[j] = a1_imag - p_imag;
      b_real[j] = b1_real + r_real;
      b_imag[j] = b1_imag + r_imag;
      d_real[j] = b1_real - r_real;
      d_imag[j] = b1_imag - r_imag;
    }
  }
}

// The butterfly stages dominate the cost of every transform. GCC's target_clones compiles them
// for the baseline x86-64 (SSE2: 2 doubles per instruction), AVX and AVX2 (4 doubles; some
// virtual machines offer AVX without AVX2), and picks the version the CPU supports when the
// program starts: no -march=native needed, and the
// binary still runs everywhere. Both versions do the same operations in the same order
// (ISO C++ mode turns off fused multiply-add contraction), so their results are identical.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TIMBRE_FFT_CLONES __attribute__((target_clones("avx2", "avx", "default")))
#else
#define TIMBRE_FFT_CLONES
#endif

TIMBRE_FFT_CLONES void butterfly_stage_double(double* real, double* imag, int64_t n, int64_t half,
                                              const double* twiddle_real,
                                              const double* twiddle_imag, double imag_sign) {
  butterfly_stage(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_FFT_CLONES void butterfly_stage_pair_double(double* real, double* imag, int64_t n,
                                                   int64_t half, const double* twiddle_real,
                                                   const double* twiddle_imag, double imag_sign) {
  butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_FFT_CLONES void butterfly_stage_pair_float(float* real, float* imag, int64_t n, int64_t half,
                                                  const float* twiddle_real,
                                                  const float* twiddle_imag, float imag_sign) {
  butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_FFT_CLONES void butterfly_stage_float(float* real, float* imag, int64_t n, int64_t half,
                                             const float* twiddle_real, const float* twiddle_imag,
                                             float imag_sign) {
  butterfly_stage(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

// Stages half = 1 and half = 2 together, on one block of 4 points x0..x3 (read from r, m; the
// results go to out_r, out_m, which may be the same arrays). Their twiddles are 1 and
// exp(-2*pi*i/4) = -i (+i for the inverse), so they need no multiplications:
//   s0 = x0 + x1, d0 = x0 - x1, s1 = x2 + x3, d1 = x2 - x3, then
//   X0 = s0 + s1, X2 = s0 - s1, X1 = d0 + (-i)d1, X3 = d0 - (-i)d1.
template <typename T>
inline __attribute__((always_inline)) void first_two_stages(const T* r, const T* m, T* out_r,
                                                            T* out_m, T imag_sign) {
  const T s0_real = r[0] + r[1], s0_imag = m[0] + m[1];
  const T d0_real = r[0] - r[1], d0_imag = m[0] - m[1];
  const T s1_real = r[2] + r[3], s1_imag = m[2] + m[3];
  const T d1_real = r[2] - r[3], d1_imag = m[2] - m[3];
  // (-i * imag_sign) * d1 = imag_sign * (d1_imag - i d1_real)
  const T t_real = imag_sign * d1_imag, t_imag = -imag_sign * d1_real;
  out_r[0] = s0_real + s1_real;
  out_m[0] = s0_imag + s1_imag;
  out_r[2] = s0_real - s1_real;
  out_m[2] = s0_imag - s1_imag;
  out_r[1] = d0_real + t_real;
  out_m[1] = d0_imag + t_imag;
  out_r[3] = d0_real - t_real;
  out_m[3] = d0_imag - t_imag;
}

// The iterative radix-2 FFT. (real, imag): [n] -> [n], in place.
//
// Cooley-Tukey: the DFT of n points is two DFTs of n/2 points (even- and odd-indexed samples)
// combined by "butterflies":   X[j] = E[j] + w^j O[j],   X[j + n/2] = E[j] - w^j O[j],
// with w = exp(-2*pi*i/n). Applied recursively down to 1-point DFTs (the samples themselves),
// the leaves are visited in bit-reversed order; so we permute once, then run log2(n) stages
// that combine blocks of size half = 1, 2, 4, ... into blocks of size 2*half.
// radix2_stages expects its input already in bit-reversed order; radix2_fft permutes first.
// first_half = 1: all stages. first_half = 4: the caller has already done the first two stages
// (rfft does them while loading the samples).
template <typename T>
void radix2_stages(T* real, T* imag, const Radix2Plan& plan, bool inverse, int64_t first_half = 1) {
  const int64_t n = plan.n;
  // The inverse DFT uses the conjugate twiddles exp(+2*pi*i*j/len).
  const T imag_sign = inverse ? T(-1) : T(1);
  int64_t half = first_half;
  if (half == 1 && n >= 4) {
    for (int64_t start = 0; start < n; start += 4) {
      first_two_stages(real + start, imag + start, real + start, imag + start, imag_sign);
    }
    half = 4;
  }
  // Two stages per pass while at least two remain, then a last single stage if log2(n) is odd.
  for (; 4 * half <= n; half *= 4) {
    if constexpr (std::is_same_v<T, float>) {
      butterfly_stage_pair_float(real, imag, n, half, plan.twiddle_real<T>(),
                                 plan.twiddle_imag<T>(), imag_sign);
    } else {
      butterfly_stage_pair_double(real, imag, n, half, plan.twiddle_real<T>(),
                                  plan.twiddle_imag<T>(), imag_sign);
    }
  }
  for (; half < n; half *= 2) {
    const T* twiddle_real = plan.twiddle_real<T>() + half;
    const T* twiddle_imag = plan.twiddle_imag<T>() + half;
    if constexpr (std::is_same_v<T, float>) {
      butterfly_stage_float(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
    } else {
      butterfly_stage_double(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
    }
  }
}

template <typename T>
void radix2_fft(T* real, T* imag, const Radix2Plan& plan, bool inverse) {
  for (const auto& [i, j] : plan.swaps) {
    std::swap(real[i], real[j]);
    std::swap(imag[i], imag[j]);
  }
  radix2_stages(real, imag, plan, inverse);
}

// Bluestein's algorithm (see BluesteinPlan), computed in double for either T.
template <typename T>
void bluestein_fft(T* real, T* imag, const BluesteinPlan& plan, bool inverse) {
  const int64_t n = plan.n;
  const int64_t padded = plan.padded;
  thread_local std::vector<double> a_real, a_imag;
  a_real.assign(padded, 0.0);
  a_imag.assign(padded, 0.0);
  // The inverse DFT is conj(DFT(conj(x))): conjugate on the way in and on the way out.
  const double sign = inverse ? -1.0 : 1.0;
  for (int64_t m = 0; m < n; ++m) {
    const double x_real = real[m], x_imag = sign * imag[m];
    a_real[m] = x_real * plan.chirp_real[m] - x_imag * plan.chirp_imag[m];
    a_imag[m] = x_real * plan.chirp_imag[m] + x_imag * plan.chirp_real[m];
  }
  fft(a_real.data(), a_imag.data(), padded, false);
  for (int64_t j = 0; j < padded; ++j) {
    const double product_real = a_real[j] * plan.filter_real[j] - a_imag[j] * plan.filter_imag[j];
    const double product_imag = a_real[j] * plan.filter_imag[j] + a_imag[j] * plan.filter_real[j];
    a_real[j] = product_real;
    a_imag[j] = product_imag;
  }
  fft(a_real.data(), a_imag.data(), padded, true);
  for (int64_t k = 0; k < n; ++k) {
    const double x_real = a_real[k] * plan.chirp_real[k] - a_imag[k] * plan.chirp_imag[k];
    const double x_imag = a_real[k] * plan.chirp_imag[k] + a_imag[k] * plan.chirp_real[k];
    real[k] = static_cast<T>(x_real);
    imag[k] = static_cast<T>(sign * x_imag);
  }
}

}  // namespace

template <typename T>
void fft(T* real, T* imag, int64_t n, bool inverse) {
  TIMBRE_CHECK(n >= 1, "fft: size must be at least 1, got ", n);
  if (n == 1) return;
  if (is_power_of_two(n)) {
    radix2_fft(real, imag, *cached_plan<Radix2Plan>(n), inverse);
    if (inverse) {
      const T scale = T(1) / static_cast<T>(n);  // exact: n is a power of two
      for (int64_t i = 0; i < n; ++i) {
        real[i] *= scale;
        imag[i] *= scale;
      }
    }
  } else {
    bluestein_fft(real, imag, *cached_plan<BluesteinPlan>(n), inverse);
    if (inverse) {
      const double scale = 1.0 / static_cast<double>(n);
      for (int64_t i = 0; i < n; ++i) {
        real[i] = static_cast<T>(real[i] * scale);
        imag[i] = static_cast<T>(imag[i] * scale);
      }
    }
  }
}

namespace {

// The untangling step of rfft below, bins k = 1 .. half-1 (bins 0 and half are set apart).
// z: [half] the packed FFT, w: [half + 1] the RealPlan twiddles -> out: [half + 1].
// __restrict promises the compiler that the outputs overlap no input, so it vectorises the loop
// (reading z[half - k] backwards costs one shuffle per vector).
template <typename T>
inline __attribute__((always_inline)) void rfft_split(
    const T* __restrict z_real, const T* __restrict z_imag, const T* __restrict w_real,
    const T* __restrict w_imag, int64_t half, T* __restrict out_real, T* __restrict out_imag) {
  for (int64_t k = 1; k < half; ++k) {
    const T zk_real = z_real[k], zk_imag = z_imag[k];
    const T zc_real = z_real[half - k], zc_imag = -z_imag[half - k];  // conj(Z[n/2 - k])
    const T even_real = T(0.5) * (zk_real + zc_real);
    const T even_imag = T(0.5) * (zk_imag + zc_imag);
    // (a + bi) / (2i) = (b - ai) / 2
    const T odd_real = T(0.5) * (zk_imag - zc_imag);
    const T odd_imag = T(-0.5) * (zk_real - zc_real);
    out_real[k] = even_real + w_real[k] * odd_real - w_imag[k] * odd_imag;
    out_imag[k] = even_imag + w_real[k] * odd_imag + w_imag[k] * odd_real;
  }
}

TIMBRE_FFT_CLONES void rfft_split_double(const double* z_real, const double* z_imag,
                                         const double* w_real, const double* w_imag, int64_t half,
                                         double* out_real, double* out_imag) {
  rfft_split(z_real, z_imag, w_real, w_imag, half, out_real, out_imag);
}

TIMBRE_FFT_CLONES void rfft_split_float(const float* z_real, const float* z_imag,
                                        const float* w_real, const float* w_imag, int64_t half,
                                        float* out_real, float* out_imag) {
  rfft_split(z_real, z_imag, w_real, w_imag, half, out_real, out_imag);
}

}  // namespace

// Real FFT of even n by packing: z[j] = x[2j] + i*x[2j+1], Z = DFT_{n/2}(z). With E, O the DFTs
// of the even and odd samples (both Hermitian, since those samples are real):
//   Z[k] = E[k] + i*O[k],   conj(Z[n/2 - k]) = E[k] - i*O[k]
// so E[k] = (Z[k] + conj(Z[n/2-k])) / 2,  O[k] = (Z[k] - conj(Z[n/2-k])) / (2i), and the
// Cooley-Tukey step gives X[k] = E[k] + exp(-2*pi*i*k/n) * O[k] for k = 0 .. n/2 (Z[n/2] = Z[0]).
template <typename T>
void rfft(const T* input, int64_t n, T* out_real, T* out_imag) {
  rfft_windowed(input, static_cast<const T*>(nullptr), n, out_real, out_imag);
}

template <typename T>
void rfft_windowed(const T* input, const T* window, int64_t n, T* out_real, T* out_imag) {
  TIMBRE_CHECK(n >= 1, "rfft: size must be at least 1, got ", n);
  // x[m] = input[m] * window[m] (or input[m] without a window), formed while loading.
  auto sample = [&](int64_t m) { return window ? input[m] * window[m] : input[m]; };
  if (n % 2 == 1) {
    // Odd sizes: a full complex transform of the real signal, keeping the first n/2 + 1 bins.
    thread_local std::vector<T> work_real, work_imag;
    work_real.resize(n);
    for (int64_t m = 0; m < n; ++m)
      work_real[m] = sample(m);
    work_imag.assign(n, T(0));
    fft(work_real.data(), work_imag.data(), n, false);
    for (int64_t k = 0; k <= n / 2; ++k) {
      out_real[k] = work_real[k];
      out_imag[k] = work_imag[k];
    }
    return;
  }
  const int64_t half = n / 2;
  thread_local std::vector<T> z_real, z_imag;
  z_real.resize(half);
  z_imag.resize(half);
  if (is_power_of_two(half) && half >= 2) {
    // Load (and window) the samples straight into the bit-reversed order the radix-2 stages
    // expect: one pass over the input instead of a copy plus a pass of swaps.
    const Radix2Plan& fft_plan = *cached_plan<Radix2Plan>(half);
    const int32_t* reversed = fft_plan.reversed.data();
    if (window && half >= 4) {
      // Slot j of the bit-reversed array holds packed sample reversed[j] (the permutation is its
      // own inverse). Gather each block of 4 slots, window it and run the first two stages on
      // it in registers: the scattered load, the window multiply and the first pass are one.
      for (int64_t start = 0; start < half; start += 4) {
        T block_real[4], block_imag[4];
        for (int64_t m = 0; m < 4; ++m) {
          const int64_t source = reversed[start + m];
          block_real[m] = input[2 * source] * window[2 * source];
          block_imag[m] = input[2 * source + 1] * window[2 * source + 1];
        }
        first_two_stages(block_real, block_imag, z_real.data() + start, z_imag.data() + start,
                         T(1));
      }
      radix2_stages(z_real.data(), z_imag.data(), fft_plan, false, /*first_half=*/4);
    } else {
      for (int64_t j = 0; j < half; ++j) {
        z_real[reversed[j]] = sample(2 * j);
        z_imag[reversed[j]] = sample(2 * j + 1);
      }
      radix2_stages(z_real.data(), z_imag.data(), fft_plan, false);
    }
  } else {
    for (int64_t j = 0; j < half; ++j) {
      z_real[j] = sample(2 * j);
      z_imag[j] = sample(2 * j + 1);
    }
    fft(z_real.data(), z_imag.data(), half, false);
  }
  const RealPlan& plan = *cached_plan<RealPlan>(n);
  const T* w_real = plan.twiddle_real<T>();
  const T* w_imag = plan.twiddle_imag<T>();
  // k = 0 and k = n/2 both pair Z[0] with itself: E = Re Z[0], O = Im Z[0], w^0 = 1, w^(n/2) = -1.
  out_real[0] = z_real[0] + z_imag[0];
  out_imag[0] = T(0);
  out_real[half] = z_real[0] - z_imag[0];
  out_imag[half] = T(0);
  if constexpr (std::is_same_v<T, float>) {
    rfft_split_float(z_real.data(), z_imag.data(), w_real, w_imag, half, out_real, out_imag);
  } else {
    rfft_split_double(z_real.data(), z_imag.data(), w_real, w_imag, half, out_real, out_imag);
  }
}

// Inverse of the packing above: from X[k] and conj(X[n/2 - k]) = E[k] - w^k O[k] recover
//   E[k] = (X[k] + conj(X[n/2-k])) / 2,   O[k] = (X[k] - conj(X[n/2-k])) * conj(w^k) / 2,
// form Z[k] = E[k] + i*O[k], and an inverse DFT of n/2 points gives z[j] = x[2j] + i*x[2j+1].
template <typename T>
void irfft(const T* in_real, const T* in_imag, int64_t n, T* output) {
  TIMBRE_CHECK(n >= 1, "irfft: size must be at least 1, got ", n);
  const int64_t bins = n / 2 + 1;
  if (n % 2 == 1) {
    // Odd sizes: rebuild the full Hermitian spectrum X[n-k] = conj(X[k]), inverse complex DFT.
    thread_local std::vector<T> work_real, work_imag;
    work_real.resize(n);
    work_imag.resize(n);
    for (int64_t k = 0; k < bins; ++k) {
      work_real[k] = in_real[k];
      work_imag[k] = k == 0 ? T(0) : in_imag[k];
      if (k > 0) {
        work_real[n - k] = in_real[k];
        work_imag[n - k] = -in_imag[k];
      }
    }
    fft(work_real.data(), work_imag.data(), n, true);
    for (int64_t i = 0; i < n; ++i)
      output[i] = work_real[i];
    return;
  }
  const int64_t half = n / 2;
  thread_local std::vector<T> z_real, z_imag;
  z_real.resize(half);
  z_imag.resize(half);
  const RealPlan& plan = *cached_plan<RealPlan>(n);
  const T* w_real = plan.twiddle_real<T>();
  const T* w_imag = plan.twiddle_imag<T>();
  // Bins 0 and n/2 of a real signal are real: drop their imaginary parts, as numpy does.
  auto bin_imag = [&](int64_t k) { return (k == 0 || k == half) ? T(0) : in_imag[k]; };
  // For a power-of-two half, Z[k] is stored straight at its bit-reversed slot (no swap pass
  // later); otherwise in natural order for the general fft.
  const bool radix2 = is_power_of_two(half) && half >= 2;
  const Radix2Plan* fft_plan = radix2 ? cached_plan<Radix2Plan>(half).get() : nullptr;
  for (int64_t k = 0; k < half; ++k) {
    const T xk_real = in_real[k], xk_imag = bin_imag(k);
    const T xc_real = in_real[half - k], xc_imag = -bin_imag(half - k);  // conj(X[n/2 - k])
    const T even_real = T(0.5) * (xk_real + xc_real);
    const T even_imag = T(0.5) * (xk_imag + xc_imag);
    const T diff_real = T(0.5) * (xk_real - xc_real);
    const T diff_imag = T(0.5) * (xk_imag - xc_imag);
    // O = diff * conj(w^k)
    const T odd_real = diff_real * w_real[k] + diff_imag * w_imag[k];
    const T odd_imag = diff_imag * w_real[k] - diff_real * w_imag[k];
    // Z = E + i*O
    const int64_t slot = radix2 ? fft_plan->reversed[k] : k;
    z_real[slot] = even_real - odd_imag;
    z_imag[slot] = even_imag + odd_real;
  }
  if (radix2) {
    radix2_stages(z_real.data(), z_imag.data(), *fft_plan, true);
    // The inverse's 1/half scaling (exact: a power of two), folded into the interleaving.
    const T scale = T(1) / static_cast<T>(half);
    for (int64_t j = 0; j < half; ++j) {
      output[2 * j] = z_real[j] * scale;
      output[2 * j + 1] = z_imag[j] * scale;
    }
    return;
  }
  fft(z_real.data(), z_imag.data(), half, true);
  for (int64_t j = 0; j < half; ++j) {
    output[2 * j] = z_real[j];
    output[2 * j + 1] = z_imag[j];
  }
}

template <typename T>
void naive_dft(T* real, T* imag, int64_t n, bool inverse) {
  TIMBRE_CHECK(n >= 1, "naive_dft: size must be at least 1, got ", n);
  std::vector<double> result_real(n, 0.0), result_imag(n, 0.0);
  const double sign = inverse ? -1.0 : 1.0;
  for (int64_t k = 0; k < n; ++k) {
    for (int64_t m = 0; m < n; ++m) {
      double w_real, w_imag;
      unit_root(k * m, n, w_real, w_imag);  // k*m reduced modulo n: exact angles
      w_imag *= sign;
      result_real[k] += real[m] * w_real - imag[m] * w_imag;
      result_imag[k] += real[m] * w_imag + imag[m] * w_real;
    }
  }
  const double scale = inverse ? 1.0 / static_cast<double>(n) : 1.0;
  for (int64_t k = 0; k < n; ++k) {
    real[k] = static_cast<T>(result_real[k] * scale);
    imag[k] = static_cast<T>(result_imag[k] * scale);
  }
}

template void fft<float>(float*, float*, int64_t, bool);
template void fft<double>(double*, double*, int64_t, bool);
template void rfft<float>(const float*, int64_t, float*, float*);
template void rfft<double>(const double*, int64_t, double*, double*);
template void rfft_windowed<float>(const float*, const float*, int64_t, float*, float*);
template void rfft_windowed<double>(const double*, const double*, int64_t, double*, double*);
template void irfft<float>(const float*, const float*, int64_t, float*);
template void irfft<double>(const double*, const double*, int64_t, double*);
template void naive_dft<float>(float*, float*, int64_t, bool);
template void naive_dft<double>(double*, double*, int64_t, bool);

}  // namespace timbre::audio
