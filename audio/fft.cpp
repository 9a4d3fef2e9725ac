// audio/fft.cpp - radix-2 Cooley-Tukey FFT, Bluestein's algorithm for other sizes, and the
// real-input transforms built on them. docs/audio.md derives the formulas used here.
#include "audio/fft.h"

#include <cmath>
#include <memory>
#include <type_traits>
#include <vector>

#include "audio/fft_butterflies.h"
#include "audio/target_clones.h"
#include "tensor/error.h"

namespace timbre::audio {

using namespace detail;  // the plans and butterflies of audio/fft_butterflies.h

bool is_power_of_two(int64_t n) {
  return n >= 1 && (n & (n - 1)) == 0;
}

namespace {

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

// The butterfly stages dominate the cost of every transform: they are compiled for AVX2, AVX
// and baseline x86-64 (audio/target_clones.h), with identical results.

TIMBRE_AVX_AVX2_CLONES void butterfly_stage_double(double* real, double* imag, int64_t n,
                                                   int64_t half, const double* twiddle_real,
                                                   const double* twiddle_imag, double imag_sign) {
  butterfly_stage(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_AVX_AVX2_CLONES void butterfly_stage_pair_double(double* real, double* imag, int64_t n,
                                                        int64_t half, const double* twiddle_real,
                                                        const double* twiddle_imag,
                                                        double imag_sign) {
  butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_AVX_AVX2_CLONES void butterfly_stage_pair_float(float* real, float* imag, int64_t n,
                                                       int64_t half, const float* twiddle_real,
                                                       const float* twiddle_imag, float imag_sign) {
  butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
}

TIMBRE_AVX_AVX2_CLONES void butterfly_stage_float(float* real, float* imag, int64_t n, int64_t half,
                                                  const float* twiddle_real,
                                                  const float* twiddle_imag, float imag_sign) {
  butterfly_stage(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
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

using namespace detail;  // the plans and butterflies of audio/fft_butterflies.h

TIMBRE_AVX_AVX2_CLONES void rfft_split_double(const double* z_real, const double* z_imag,
                                              const double* w_real, const double* w_imag,
                                              int64_t half, double* out_real, double* out_imag) {
  rfft_split(z_real, z_imag, w_real, w_imag, half, out_real, out_imag);
}

TIMBRE_AVX_AVX2_CLONES void rfft_split_float(const float* z_real, const float* z_imag,
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
  // For a power-of-two half, Z[k] is stored straight at its bit-reversed slot (no swap pass
  // later); otherwise in natural order for the general fft.
  const bool radix2 = is_power_of_two(half) && half >= 2;
  const Radix2Plan* fft_plan = radix2 ? cached_plan<Radix2Plan>(half).get() : nullptr;
  irfft_merge(in_real, in_imag, w_real, w_imag, half, radix2 ? fft_plan->reversed.data() : nullptr,
              z_real.data(), z_imag.data());
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
