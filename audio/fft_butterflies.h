// audio/fft_butterflies.h - the pieces every power-of-two FFT in timbre is built from: the plans
// (bit-reversal permutation and twiddle tables, computed once per size), the radix-2 butterflies
// and the untangling steps of the real-input transforms. Internal to audio/fft.cpp and
// audio/fft_frames.cpp; users call the functions of audio/fft.h.
//
// Every butterfly is a template on two types: T, what a point of the signal is, and W, what a
// twiddle factor is. audio/fft.cpp runs them with T = W = double (or float): one transform. The
// frame-batched transforms of audio/fft_frames.cpp run the very same code with T = a vector of 8
// doubles (one STFT frame per lane) and W = double, so 8 frames go through each butterfly at once
// and every lane computes exactly what the one-transform code computes.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <type_traits>
#include <utility>
#include <vector>

#include "tensor/error.h"

namespace timbre::audio::detail {

// exp(-2*pi*i * numerator / denominator) computed in double. Reducing numerator modulo the
// denominator first keeps the angle in [0, 2*pi), where std::cos/std::sin are most accurate.
inline void unit_root(int64_t numerator, int64_t denominator, double& real, double& imag) {
  const int64_t reduced = numerator % denominator;
  const double angle =
      -2.0 * std::numbers::pi * static_cast<double>(reduced) / static_cast<double>(denominator);
  real = std::cos(angle);
  imag = std::sin(angle);
}

// A table of complex twiddle factors, computed in double and also kept rounded to float, so the
// float transforms read float twiddles: the common part of the plans below.
struct TwiddleTable {
  std::vector<double> twiddle_real_double, twiddle_imag_double;
  std::vector<float> twiddle_real_float, twiddle_imag_float;

  // Fills the float copies from the double values (call once the double ones are computed).
  void round_to_float() {
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

// Everything the radix-2 FFT of one power-of-two size needs, computed once.
struct Radix2Plan : TwiddleTable {
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
  // twiddle_*_double, twiddle_*_float (TwiddleTable): [n]

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
    round_to_float();
  }
};

// The untangling factors of the real FFT of even size n: exp(-2*pi*i*k/n), k = 0 .. n/2.
struct RealPlan : TwiddleTable {
  int64_t n;
  // twiddle_*_double, twiddle_*_float (TwiddleTable): [n/2 + 1]

  explicit RealPlan(int64_t size) : n(size) {
    const int64_t bins = n / 2 + 1;
    twiddle_real_double.resize(bins);
    twiddle_imag_double.resize(bins);
    for (int64_t k = 0; k < bins; ++k) {
      unit_root(k, n, twiddle_real_double[k], twiddle_imag_double[k]);
    }
    round_to_float();
  }
};

// One cache per plan type: built on first use of a size, then shared by every thread.
template <typename Plan>
inline std::shared_ptr<const Plan> cached_plan(int64_t n) {
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
template <typename T, typename W = T>
inline __attribute__((always_inline)) void butterfly_stage(T* real, T* imag, int64_t n,
                                                           int64_t half, const W* twiddle_real,
                                                           const W* twiddle_imag, W imag_sign) {
  for (int64_t start = 0; start < n; start += 2 * half) {
    T* a_real = real + start;
    T* a_imag = imag + start;
    T* b_real = real + start + half;
    T* b_imag = imag + start + half;
    // The a and b halves never overlap: ivdep tells the compiler so, and it vectorises the loop
    // (GCC gives up on it otherwise).
#pragma GCC ivdep
    for (int64_t j = 0; j < half; ++j) {
      const W w_real = twiddle_real[j];
      const W w_imag = imag_sign * twiddle_imag[j];
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
template <typename T, typename W = T>
inline __attribute__((always_inline)) void butterfly_stage_pair(T* real, T* imag, int64_t n,
                                                                int64_t half, const W* twiddle_real,
                                                                const W* twiddle_imag,
                                                                W imag_sign) {
  const W* w1_real = twiddle_real + half;
  const W* w1_imag = twiddle_imag + half;
  const W* w2_real = twiddle_real + 2 * half;
  const W* w2_imag = twiddle_imag + 2 * half;
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
      const W v1_real = w1_real[j], v1_imag = imag_sign * w1_imag[j];
      const T t_real = v1_real * b_real[j] - v1_imag * b_imag[j];
      const T t_imag = v1_real * b_imag[j] + v1_imag * b_real[j];
      const T u_real = v1_real * d_real[j] - v1_imag * d_imag[j];
      const T u_imag = v1_real * d_imag[j] + v1_imag * d_real[j];
      const T a1_real = a_real[j] + t_real, a1_imag = a_imag[j] + t_imag;
      const T b1_real = a_real[j] - t_real, b1_imag = a_imag[j] - t_imag;
      const T c1_real = c_real[j] + u_real, c1_imag = c_imag[j] + u_imag;
      const T d1_real = c_real[j] - u_real, d1_imag = c_imag[j] - u_imag;
      // Second stage: p = w2 * c1, q = w2 * d1, then q times -i (+i for the inverse).
      const W v2_real = w2_real[j], v2_imag = imag_sign * w2_imag[j];
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

// Stages half = 1 and half = 2 together, on one block of 4 points x0..x3 (read from r, m; the
// results go to out_r, out_m, which may be the same arrays). Their twiddles are 1 and
// exp(-2*pi*i/4) = -i (+i for the inverse), so they need no multiplications:
//   s0 = x0 + x1, d0 = x0 - x1, s1 = x2 + x3, d1 = x2 - x3, then
//   X0 = s0 + s1, X2 = s0 - s1, X1 = d0 + (-i)d1, X3 = d0 - (-i)d1.
template <typename T, typename W = T>
inline __attribute__((always_inline)) void first_two_stages(const T* r, const T* m, T* out_r,
                                                            T* out_m, W imag_sign) {
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

// One bin k of the untangling step of rfft, from zk = Z[k] and zo = Z[n/2 - k] of the packed
// transform and w = exp(-2*pi*i*k/n) (see rfft in audio/fft.cpp):
//   E = (Z[k] + conj(Z[n/2-k])) / 2,  O = (Z[k] - conj(Z[n/2-k])) / (2i),  X[k] = E + w O.
template <typename T, typename W>
inline __attribute__((always_inline)) void split_bin(T zk_real, T zk_imag, T zo_real, T zo_imag,
                                                     W w_real, W w_imag, T* out_real, T* out_imag) {
  const T zc_real = zo_real, zc_imag = -zo_imag;  // conj(Z[n/2 - k])
  const T even_real = W(0.5) * (zk_real + zc_real);
  const T even_imag = W(0.5) * (zk_imag + zc_imag);
  // (a + bi) / (2i) = (b - ai) / 2
  const T odd_real = W(0.5) * (zk_imag - zc_imag);
  const T odd_imag = W(-0.5) * (zk_real - zc_real);
  *out_real = even_real + w_real * odd_real - w_imag * odd_imag;
  *out_imag = even_imag + w_real * odd_imag + w_imag * odd_real;
}

// The untangling step of rfft (audio/fft.cpp), bins k = 1 .. half-1 (bins 0 and half are set
// apart). z: [half] the packed FFT, w: [half + 1] the RealPlan twiddles -> out: [half + 1].
// __restrict promises the compiler that the outputs overlap no input, so it vectorises the loop
// (reading z[half - k] backwards costs one shuffle per vector).
template <typename T, typename W = T>
inline __attribute__((always_inline)) void rfft_split(
    const T* __restrict z_real, const T* __restrict z_imag, const W* __restrict w_real,
    const W* __restrict w_imag, int64_t half, T* __restrict out_real, T* __restrict out_imag) {
  for (int64_t k = 1; k < half; ++k) {
    split_bin(z_real[k], z_imag[k], z_real[half - k], z_imag[half - k], w_real[k], w_imag[k],
              out_real + k, out_imag + k);
  }
}

// rfft_split for the frame-batched transforms: bins k and half - k together, as both read the
// same two points (each is loaded once instead of twice; every bin gets the same operations as
// in rfft_split, so the same values). Not for one transform: there the backward reads would
// cost the loop its vectorisation.
template <typename T, typename W = T>
inline __attribute__((always_inline)) void rfft_split_pairs(
    const T* __restrict z_real, const T* __restrict z_imag, const W* __restrict w_real,
    const W* __restrict w_imag, int64_t half, T* __restrict out_real, T* __restrict out_imag) {
  for (int64_t k = 1; 2 * k <= half; ++k) {
    const int64_t o = half - k;
    const T zk_real = z_real[k], zk_imag = z_imag[k], zo_real = z_real[o], zo_imag = z_imag[o];
    split_bin(zk_real, zk_imag, zo_real, zo_imag, w_real[k], w_imag[k], out_real + k, out_imag + k);
    if (o != k)
      split_bin(zo_real, zo_imag, zk_real, zk_imag, w_real[o], w_imag[o], out_real + o,
                out_imag + o);
  }
}

// The inverse of the untangling (the first step of irfft): from the half + 1 bins X of a real
// signal's spectrum, the packed spectrum Z of n/2 points (see irfft in audio/fft.cpp):
//   E[k] = (X[k] + conj(X[n/2-k])) / 2,   O[k] = (X[k] - conj(X[n/2-k])) * conj(w^k) / 2,
//   Z[k] = E[k] + i*O[k],   k = 0 .. half-1,
// stored at z[slot[k]] (slot == nullptr: at z[k]). The imaginary parts of bins 0 and half are
// taken as zero, as numpy takes them.
// in: [half + 1], w: [half + 1] the RealPlan twiddles -> z: [half]
template <typename T, typename W = T>
inline __attribute__((always_inline)) void irfft_merge(const T* in_real, const T* in_imag,
                                                       const W* w_real, const W* w_imag,
                                                       int64_t half, const int32_t* slot, T* z_real,
                                                       T* z_imag) {
  for (int64_t k = 0; k < half; ++k) {
    // Bins 0 and half are the real ones, and both are read only at k = 0.
    const T xk_real = in_real[k], xk_imag = k == 0 ? T{} : in_imag[k];
    const T xc_real = in_real[half - k];  // conj(X[n/2 - k])
    const T xc_imag = -(k == 0 ? T{} : in_imag[half - k]);
    const T even_real = W(0.5) * (xk_real + xc_real);
    const T even_imag = W(0.5) * (xk_imag + xc_imag);
    const T diff_real = W(0.5) * (xk_real - xc_real);
    const T diff_imag = W(0.5) * (xk_imag - xc_imag);
    // O = diff * conj(w^k)
    const T odd_real = diff_real * w_real[k] + diff_imag * w_imag[k];
    const T odd_imag = diff_imag * w_real[k] - diff_real * w_imag[k];
    // Z = E + i*O
    const int64_t index = slot ? slot[k] : k;
    z_real[index] = even_real - odd_imag;
    z_imag[index] = even_imag + odd_real;
  }
}

}  // namespace timbre::audio::detail
