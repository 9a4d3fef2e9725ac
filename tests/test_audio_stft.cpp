// tests/test_audio_stft.cpp - the FFT against a plain DFT, and the STFT, its inverse and the dB
// conversion against librosa 0.10.1 (tests/data/librosa, see tests/data/README.md).
//
// Tolerances, per array:
//   * FFT vs the O(n^2) DFT (both summing the same products): max |error| / max |exact| <= 1e-12
//     in double (rounding grows like log2(n) * 1.1e-16) and <= 1e-6 in float (log2(n) * 6e-8).
//   * float64 STFT magnitude vs librosa's float64 computation (numpy's pocketfft, double):
//     max |error| / max |golden| <= 1e-12. Both sum the same 2048 products in double; only the
//     order differs, so the error is a few ulps of the largest value. (The brief's bound is 1e-6;
//     1e-12 is far stricter and still leaves 100x headroom over what we measure.)
//   * float32 STFT magnitude vs librosa's float32 golden: elementwise relative error <= 1e-4 on
//     the cells above librosa's -80 dB floor (|S| > 1e-4 * max |S|). Below the floor the golden
//     is one float32 rounding of a tiny number and relative error means nothing; those cells are
//     checked with an absolute bound of 1e-6 * max |S|. (Measured: 0, bit for bit, since the
//     magnitude is numpy's formula; the bounds are the issue's, kept so that an FFT computed in
//     another order stays within them.)
//   * float32 stft_db vs librosa: |error| <= 1e-3 dB (float32 log10 of values that agree to
//     ~1e-7 relative: 20*log10(1 + 1e-7) = 1e-6 dB, plus the float32 rounding of ~80 dB values,
//     8 ulp * 80 dB * 6e-8 = 4e-5 dB).
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "audio/db.h"
#include "audio/decode.h"
#include "audio/fft.h"
#include "audio/fft_frames.h"
#include "audio/padding_index.h"
#include "audio/stft.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

// max |actual - expected| / max |expected| over two equally long arrays.
double max_error_over_max(const std::vector<double>& actual, const std::vector<double>& expected) {
  double error = 0.0, scale = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    error = std::max(error, std::fabs(actual[i] - expected[i]));
    scale = std::max(scale, std::fabs(expected[i]));
  }
  return scale > 0.0 ? error / scale : error;
}

template <typename T>
std::vector<T> random_values(int64_t n, uint64_t seed) {
  const Tensor values =
      timbre::testing::random_uniform({n}, seed, {.dtype = dtype_of<T>()}, -1.0, 1.0);
  return values.to_vector<T>();
}

// ---- FFT ----------------------------------------------------------------------------------------

const std::vector<int64_t> kSizes = {1, 2, 4, 8, 16, 64, 256, 2048, 3, 5, 6, 12, 100, 210, 1000};

template <typename T>
void check_fft_against_dft(int64_t n, double tolerance) {
  std::vector<T> real = random_values<T>(n, 1 + n), imag = random_values<T>(n, 1000 + n);
  std::vector<T> fast_real = real, fast_imag = imag, slow_real = real, slow_imag = imag;
  fft(fast_real.data(), fast_imag.data(), n);
  naive_dft(slow_real.data(), slow_imag.data(), n);
  std::vector<double> fast(fast_real.begin(), fast_real.end()),
      slow(slow_real.begin(), slow_real.end());
  fast.insert(fast.end(), fast_imag.begin(), fast_imag.end());
  slow.insert(slow.end(), slow_imag.begin(), slow_imag.end());
  EXPECT_LE(max_error_over_max(fast, slow), tolerance) << "n = " << n;
  // The inverse brings the signal back.
  fft(fast_real.data(), fast_imag.data(), n, /*inverse=*/true);
  std::vector<double> back(fast_real.begin(), fast_real.end()), original(real.begin(), real.end());
  back.insert(back.end(), fast_imag.begin(), fast_imag.end());
  original.insert(original.end(), imag.begin(), imag.end());
  EXPECT_LE(max_error_over_max(back, original), tolerance) << "inverse, n = " << n;
}

TEST(AudioFft, ComplexMatchesNaiveDftDouble) {
  for (int64_t n : kSizes)
    check_fft_against_dft<double>(n, 1e-12);
}

TEST(AudioFft, ComplexMatchesNaiveDftFloat) {
  for (int64_t n : kSizes)
    check_fft_against_dft<float>(n, 1e-6);
}

template <typename T>
void check_rfft(int64_t n, double tolerance) {
  const std::vector<T> input = random_values<T>(n, 7 * n);
  const int64_t bins = n / 2 + 1;
  std::vector<T> real(bins), imag(bins);
  rfft(input.data(), n, real.data(), imag.data());
  std::vector<T> dft_real = input, dft_imag(n, T(0));
  naive_dft(dft_real.data(), dft_imag.data(), n);
  std::vector<double> fast(real.begin(), real.end()),
      slow(dft_real.begin(), dft_real.begin() + bins);
  fast.insert(fast.end(), imag.begin(), imag.end());
  slow.insert(slow.end(), dft_imag.begin(), dft_imag.begin() + bins);
  EXPECT_LE(max_error_over_max(fast, slow), tolerance) << "rfft n = " << n;
  std::vector<T> back(n);
  irfft(real.data(), imag.data(), n, back.data());
  std::vector<double> back_double(back.begin(), back.end()), original(input.begin(), input.end());
  EXPECT_LE(max_error_over_max(back_double, original), tolerance) << "irfft n = " << n;
}

TEST(AudioFft, RealInputMatchesNaiveDftAndInverts) {
  for (int64_t n : kSizes) {
    check_rfft<double>(n, 1e-12);
    check_rfft<float>(n, 1e-6);
  }
}

TEST(AudioFft, InverseRealIgnoresImaginaryPartsOfDcAndNyquist) {
  std::vector<double> real = {1.0, 2.0, 3.0}, imag = {5.0, -1.0, 7.0}, output(4);
  irfft(real.data(), imag.data(), 4, output.data());
  std::vector<double> clean_imag = {0.0, -1.0, 0.0}, clean(4);
  irfft(real.data(), clean_imag.data(), 4, clean.data());
  EXPECT_EQ(output, clean);
  // numpy.fft.irfft([1, 2-1j, 3], 4) = [2, 0, 0, -1]:
  // x[m] = (1 + 2*Re((2-1i) exp(i*pi*m/2)) + 3*(-1)^m) / 4
  const std::vector<double> expected = {2.0, 0.0, 0.0, -1.0};
  for (int m = 0; m < 4; ++m)
    EXPECT_NEAR(output[m], expected[m], 1e-15);
}

TEST(AudioFft, RejectsNonPositiveSizes) {
  double value = 0.0;
  EXPECT_ERROR_CONTAINS(fft(&value, &value, 0), "size");
  EXPECT_FALSE(is_power_of_two(0));
  EXPECT_TRUE(is_power_of_two(1024));
  EXPECT_FALSE(is_power_of_two(1000));
}

// ---- Frame-batched FFT (8 frames per vector) ---------------------------------------------------

// A zeroed float64 buffer of `count` doubles aligned to 64 bytes (tensor storage is).
Tensor aligned_buffer(int64_t count) {
  return zeros({count}, {.dtype = DType::Float64});
}

// The kernels of every instruction set this CPU runs (baseline x86-64 always).
std::vector<FrameKernel> kernels_that_run_here() {
  std::vector<FrameKernel> kernels;
  for (FrameKernel kernel : {FrameKernel::Avx512, FrameKernel::Avx2, FrameKernel::Baseline}) {
    if (frame_kernel_runs_here(kernel)) kernels.push_back(kernel);
  }
  return kernels;
}

TEST(AudioFftFrames, RealFftOfEachLaneEqualsRfftWindowedBitForBit) {
  for (FrameKernel kernel : kernels_that_run_here()) {
    for (int64_t n : {8, 16, 64, 256, 2048, 4096}) {
      for (int64_t count : {1, 3, 8}) {
        const int64_t hop = n / 4 + 1;
        const std::vector<double> signal = random_values<double>((count - 1) * hop + n, 11 * n);
        const std::vector<double> window = random_values<double>(n, 13 * n);
        const int64_t bins = n / 2 + 1;
        Tensor lanes_real = aligned_buffer(bins * kFrameLanes);
        Tensor lanes_imag = aligned_buffer(bins * kFrameLanes);
        rfft_frames(signal.data(), hop, count, window.data(), n, lanes_real.data_ptr<double>(),
                    lanes_imag.data_ptr<double>(), kernel);
        for (int64_t f = 0; f < count; ++f) {
          std::vector<double> real(bins), imag(bins);
          rfft_windowed(signal.data() + f * hop, window.data(), n, real.data(), imag.data());
          for (int64_t k = 0; k < bins; ++k) {
            ASSERT_EQ(lanes_real.data_ptr<double>()[k * kFrameLanes + f], real[k])
                << frame_kernel_name(kernel) << " n " << n << " count " << count << " frame " << f
                << " bin " << k;
            ASSERT_EQ(lanes_imag.data_ptr<double>()[k * kFrameLanes + f], imag[k])
                << frame_kernel_name(kernel) << " n " << n << " count " << count << " frame " << f
                << " bin " << k;
          }
        }
      }
    }
  }
}

// Float samples are widened to double as they are loaded: the spectra are those of the same
// samples given as doubles, bit for bit, with every kernel (float vectors are half as wide, so
// the loads differ per instruction set).
TEST(AudioFftFrames, FloatSamplesGiveTheSpectraOfTheirDoubleValues) {
  for (FrameKernel kernel : kernels_that_run_here()) {
    for (int64_t n : {8, 64, 2048}) {
      const int64_t hop = n / 4 + 3, count = 5;
      const std::vector<float> samples = random_values<float>((count - 1) * hop + n, 17 * n);
      const std::vector<double> widened(samples.begin(), samples.end());
      const std::vector<double> window = random_values<double>(n, 19 * n);
      const int64_t bins = n / 2 + 1;
      Tensor from_float = aligned_buffer(2 * bins * kFrameLanes);
      Tensor from_double = aligned_buffer(2 * bins * kFrameLanes);
      double* f = from_float.data_ptr<double>();
      double* d = from_double.data_ptr<double>();
      rfft_frames(samples.data(), hop, count, window.data(), n, f, f + bins * kFrameLanes, kernel);
      rfft_frames(widened.data(), hop, count, window.data(), n, d, d + bins * kFrameLanes, kernel);
      for (int64_t k = 0; k < bins; ++k) {
        for (int64_t lane = 0; lane < count; ++lane) {
          const int64_t real = k * kFrameLanes + lane, imag = (bins + k) * kFrameLanes + lane;
          ASSERT_EQ(f[real], d[real]) << frame_kernel_name(kernel) << " n " << n << " bin " << k;
          ASSERT_EQ(f[imag], d[imag]) << frame_kernel_name(kernel) << " n " << n << " bin " << k;
        }
      }
    }
  }
}

TEST(AudioFftFrames, InverseRealFftOfEachLaneEqualsIrfftBitForBit) {
  for (FrameKernel kernel : kernels_that_run_here()) {
    for (int64_t n : {8, 32, 512, 2048}) {
      const int64_t bins = n / 2 + 1;
      const std::vector<double> spectrum_real = random_values<double>(bins * kFrameLanes, 17 * n);
      const std::vector<double> spectrum_imag = random_values<double>(bins * kFrameLanes, 19 * n);
      Tensor lanes_real = aligned_buffer(bins * kFrameLanes);
      Tensor lanes_imag = aligned_buffer(bins * kFrameLanes);
      std::copy(spectrum_real.begin(), spectrum_real.end(), lanes_real.data_ptr<double>());
      std::copy(spectrum_imag.begin(), spectrum_imag.end(), lanes_imag.data_ptr<double>());
      Tensor lanes_output = aligned_buffer(n * kFrameLanes);
      irfft_frames(lanes_real.data_ptr<double>(), lanes_imag.data_ptr<double>(), n,
                   lanes_output.data_ptr<double>(), kernel);
      for (int64_t f = 0; f < kFrameLanes; ++f) {
        std::vector<double> real(bins), imag(bins), output(n);
        for (int64_t k = 0; k < bins; ++k) {
          real[k] = spectrum_real[k * kFrameLanes + f];
          imag[k] = spectrum_imag[k * kFrameLanes + f];
        }
        irfft(real.data(), imag.data(), n, output.data());
        for (int64_t m = 0; m < n; ++m) {
          ASSERT_EQ(lanes_output.data_ptr<double>()[f * n + m], output[m])
              << frame_kernel_name(kernel) << " n " << n << " frame " << f << " sample " << m;
        }
      }
    }
  }
}

TEST(AudioFftFrames, TheDefaultKernelIsTheWidestThisCpuRuns) {
  EXPECT_TRUE(frame_kernel_runs_here(FrameKernel::Baseline));
  EXPECT_TRUE(frame_kernel_runs_here(frame_kernel()));
  if (frame_kernel_runs_here(FrameKernel::Avx512)) {
    EXPECT_EQ(frame_kernel(), FrameKernel::Avx512);
  } else if (frame_kernel_runs_here(FrameKernel::Avx2)) {
    EXPECT_EQ(frame_kernel(), FrameKernel::Avx2);
  } else {
    EXPECT_EQ(frame_kernel(), FrameKernel::Baseline);
  }
  std::cout << "frame FFT kernel on this CPU: " << frame_kernel_name(frame_kernel()) << "\n";
}

TEST(AudioFftFrames, RejectsUnsupportedSizesCountsAndMisalignedBuffers) {
  EXPECT_TRUE(frame_fft_supports(2048));
  EXPECT_FALSE(frame_fft_supports(4));
  EXPECT_FALSE(frame_fft_supports(1000));
  const std::vector<double> signal(64, 1.0);
  Tensor real = aligned_buffer(16 * kFrameLanes), imag = aligned_buffer(16 * kFrameLanes);
  double* r = real.data_ptr<double>();
  double* i = imag.data_ptr<double>();
  EXPECT_ERROR_CONTAINS(rfft_frames(signal.data(), 1, 1, signal.data(), 12, r, i), "power of two");
  EXPECT_ERROR_CONTAINS(rfft_frames(signal.data(), 1, 9, signal.data(), 16, r, i), "count");
  EXPECT_ERROR_CONTAINS(rfft_frames(signal.data(), 1, 1, signal.data(), 16, r + 1, i), "aligned");
  EXPECT_ERROR_CONTAINS(irfft_frames(r, i, 8, r + 1), "aligned");
  if (!frame_kernel_runs_here(FrameKernel::Avx512)) {
    EXPECT_ERROR_CONTAINS(
        rfft_frames(signal.data(), 1, 1, signal.data(), 16, r, i, FrameKernel::Avx512),
        "cannot run the avx512 kernel");
  }
}

// ---- Window and shapes --------------------------------------------------------------------------

// got[i] equals expected[i] bit for bit for every i (a NaN matches any NaN); the first 5
// differences are reported with input(i), what they were computed from.
template <typename T, typename Input>
void expect_bit_for_bit(const std::vector<T>& got, const std::vector<T>& expected,
                        const Input& input) {
  ASSERT_EQ(got.size(), expected.size());
  int64_t differences = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const bool same = std::isnan(expected[i]) ? std::isnan(got[i])
                                              : std::memcmp(&got[i], &expected[i], sizeof(T)) == 0;
    if (!same && ++differences <= 5)
      ADD_FAILURE() << "of " << input(i) << ": " << got[i] << ", expected " << expected[i];
  }
  EXPECT_EQ(differences, 0) << "of " << got.size() << " values";
}

// magnitude() is numpy's abs as numpy 1.24 computes it where the goldens were made (AVX-512F):
// bit for bit on random parts over 2^-40 .. 2^40 and on zeros, infinities, NaNs and the limits
// of the dtype (tests/data/numpy/abs_*.npy, made by make_abs_goldens.py there).
template <typename T>
void expect_numpys_abs(const std::string& dtype) {
  const Tensor parts = read_npy(data_path("numpy/abs_parts_" + dtype + ".npy"));  // [n, 2]
  const std::vector<T> expected = read_npy(data_path("numpy/abs_" + dtype + ".npy")).to_vector<T>();
  const int64_t n = parts.size(0);
  const std::vector<T> values = parts.to_vector<T>();
  std::vector<T> real(n), imag(n);
  for (int64_t i = 0; i < n; ++i) {
    real[i] = values[2 * i];
    imag[i] = values[2 * i + 1];
  }
  const std::vector<T> got =
      magnitude({from_vector(real, {1, n}), from_vector(imag, {1, n})}).template to_vector<T>();
  expect_bit_for_bit(got, expected, [&](size_t i) {
    std::ostringstream text;
    text << "|" << real[i] << " + " << imag[i] << "i| (" << dtype << ")";
    return text.str();
  });
}

TEST(AudioStft, MagnitudeIsNumpysAbsFloat32) {
  expect_numpys_abs<float>("float32");
}

TEST(AudioStft, MagnitudeIsNumpysAbsFloat64) {
  expect_numpys_abs<double>("float64");
}

TEST(AudioStft, HannWindowMatchesScipy) {
  const Tensor golden = read_npy(data_path("librosa/filters/hann_periodic_2048.npy"));
  const Tensor window = hann_window(2048);
  ASSERT_EQ(window.sizes(), golden.sizes());
  const std::vector<double> w = window.to_vector<double>(), g = golden.to_vector<double>();
  for (size_t i = 0; i < w.size(); ++i)
    ASSERT_NEAR(w[i], g[i], 1e-15) << i;
  // Symmetric: w[0] == w[n-1] == 0 and peak 1 in the middle; length 1 is [1].
  const std::vector<double> symmetric = hann_window(5, false).to_vector<double>();
  const std::vector<double> expected = {0.0, 0.5, 1.0, 0.5, 0.0};
  for (int i = 0; i < 5; ++i)
    EXPECT_NEAR(symmetric[i], expected[i], 1e-16);
  EXPECT_EQ(hann_window(1).to_vector<double>(), std::vector<double>{1.0});
  EXPECT_EQ(hann_window(8, true, kFloat32).dtype(), kFloat32);
}

TEST(AudioStft, ShapesFollowLibrosa) {
  for (int64_t samples : {1, 511, 512, 1000, 4096, 22050}) {
    const Tensor y = timbre::testing::random_uniform({samples}, 3, {});
    const ComplexSpectrogram s = stft(y);
    EXPECT_EQ(s.real.sizes(), (Shape{1025, 1 + samples / 512})) << samples;
    EXPECT_EQ(s.imag.sizes(), s.real.sizes());
    EXPECT_EQ(s.real.dtype(), kFloat32);
  }
  const Tensor y = timbre::testing::random_uniform({5000}, 4, {.dtype = kFloat64});
  const StftOptions no_center{.n_fft = 1024, .hop_length = 256, .center = false};
  EXPECT_EQ(stft(y, no_center).real.sizes(), (Shape{513, 1 + (5000 - 1024) / 256}));
  EXPECT_EQ(spectrogram(y, {.n_fft = 512, .hop_length = 128}, 2.0).sizes(),
            (Shape{257, 1 + 5000 / 128}));
  EXPECT_EQ(stft_frame_count(661500), 1292);
  // Odd n_fft: the pads add n_fft - 1 samples, so a signal a multiple of hop long has one frame
  // fewer than 1 + samples / hop (librosa: 1 + (6144 + 1022 - 1023) // 256 = 24).
  EXPECT_EQ(stft_frame_count(6144, {.n_fft = 1023, .hop_length = 256}), 24);
  EXPECT_EQ(stft_frame_count(6145, {.n_fft = 1023, .hop_length = 256}), 25);
  EXPECT_EQ(stft(zeros({6144}), {.n_fft = 1023, .hop_length = 256}).real.size(1), 24);
}

// stft reads y through its stride: every second sample of a longer signal (a strided view) gives
// the same spectrum, bit for bit, as a contiguous copy of those samples, with both paddings.
TEST(AudioStft, StridedSignalGivesTheSameSpectrum) {
  const Tensor longer = timbre::testing::random_uniform({2 * 5000}, 9, {});
  const Tensor strided = longer.slice(0, 0, 2 * 5000, 2);
  ASSERT_EQ(strided.stride(0), 2);
  const Tensor contiguous = from_vector(strided.to_vector<float>(), {5000});
  for (const PadMode pad_mode : {PadMode::Constant, PadMode::Reflect}) {
    const StftOptions options{.n_fft = 512, .hop_length = 128, .pad_mode = pad_mode};
    EXPECT_EQ(stft(strided, options).real.to_vector<float>(),
              stft(contiguous, options).real.to_vector<float>());
    EXPECT_EQ(stft(strided, options).imag.to_vector<float>(),
              stft(contiguous, options).imag.to_vector<float>());
  }
}

TEST(AudioStft, RejectsBadInput) {
  const Tensor y = timbre::testing::random_uniform({100}, 5, {});
  EXPECT_ERROR_CONTAINS(stft(zeros({2, 50})), "1-d");
  EXPECT_ERROR_CONTAINS(stft(y, {.n_fft = 0}), "n_fft");
  EXPECT_ERROR_CONTAINS(stft(y, {.hop_length = 0}), "hop_length");
  EXPECT_ERROR_CONTAINS(stft(y, {.n_fft = 64, .win_length = 65}), "win_length");
  EXPECT_ERROR_CONTAINS(stft(y, {.center = false}), "at least n_fft");
  EXPECT_ERROR_CONTAINS(stft(zeros({1}), {.pad_mode = PadMode::Reflect}), "2 samples");
  EXPECT_ERROR_CONTAINS(stft(zeros({10}, {.dtype = kInt64})), "floating");
  EXPECT_ERROR_CONTAINS(spectrogram(y, {}, 0.0), "power");
}

// Each frame's spectrum reaches the reduction exactly as spectrogram() has it: here the
// reduction keeps bin 0, the sum of all bins (added in bin order, in double) and the last bin.
// 17 frames: two full blocks of 8 and one of a single frame.
TEST(AudioStft, ReduceSpectrogramFramesSeesEachFramesSpectrum) {
  for (const DType dtype : {kFloat32, kFloat64}) {
    for (const int64_t n_fft : {256, 200}) {  // 200: not a power of two, one frame at a time
      const Tensor y = timbre::testing::random_uniform({16 * 300 + 100}, 4, {.dtype = dtype});
      const StftOptions options{.n_fft = n_fft, .hop_length = 300};
      const int64_t bins = 1 + n_fft / 2;
      const Tensor reduced =
          reduce_spectrogram_frames(y, options, 2.0, 3, [&](const double* block, double* out) {
            for (int64_t f = 0; f < kFrameLanes; ++f) {
              double total = 0.0;
              for (int64_t k = 0; k < bins; ++k)
                total += block[k * kFrameLanes + f];
              out[0 * kFrameLanes + f] = block[f];
              out[1 * kFrameLanes + f] = total;
              out[2 * kFrameLanes + f] = block[(bins - 1) * kFrameLanes + f];
            }
          });
      const Tensor power = spectrogram(y, options, 2.0);
      ASSERT_EQ(reduced.sizes(), (std::vector<int64_t>{3, 17}));
      ASSERT_EQ(reduced.dtype(), dtype);
      const std::vector<double> s = power.to_vector<double>(), r = reduced.to_vector<double>();
      for (int64_t t = 0; t < 17; ++t) {
        double total = 0.0;
        for (int64_t k = 0; k < bins; ++k)
          total += s[k * 17 + t];
        // Rounded to the signal's dtype, as the reduction's results are.
        if (dtype == kFloat32) total = static_cast<float>(total);
        EXPECT_EQ(r[0 * 17 + t], s[t]) << "frame " << t;
        EXPECT_EQ(r[1 * 17 + t], total) << "frame " << t;
        EXPECT_EQ(r[2 * 17 + t], s[(bins - 1) * 17 + t]) << "frame " << t;
      }
    }
  }
}

// The STFT transforms and stores frames in blocks of 8, spread over the threads. Whatever the
// number of frames (a last block of 1 to 8) and of threads, column t is the one-frame FFT of
// frame t rounded to the signal's dtype, and spectrogram() is the magnitude of stft(), bit for
// bit.
TEST(AudioStft, EachColumnIsItsFramesFftForAnyFrameAndThreadCount) {
  const int64_t n_fft = 64, hop = 16, bins = n_fft / 2 + 1;
  const std::vector<double> window = hann_window(n_fft).to_vector<double>();
  struct RestoreThreads {  // also when an ASSERT returns early
    int count = omp_get_max_threads();
    ~RestoreThreads() { omp_set_num_threads(count); }
  } restore_threads;
  for (const DType dtype : {kFloat32, kFloat64}) {
    for (int64_t frames = 1; frames <= 35; ++frames) {
      const int64_t samples = (frames - 1) * hop + 5;  // center=true: 1 + samples / hop frames
      const Tensor y = timbre::testing::random_uniform({samples}, frames, {.dtype = dtype});
      const std::vector<double> signal = y.to_vector<double>();
      for (const int threads : {1, 2}) {
        omp_set_num_threads(threads);
        const StftOptions options{.n_fft = n_fft, .hop_length = hop};
        const ComplexSpectrogram s = stft(y, options);
        ASSERT_EQ(s.real.sizes(), (Shape{bins, frames}));
        const std::vector<double> real = s.real.to_vector<double>();
        const std::vector<double> imag = s.imag.to_vector<double>();
        for (int64_t t = 0; t < frames; ++t) {
          std::vector<double> frame(n_fft, 0.0), expected_real(bins), expected_imag(bins);
          for (int64_t m = 0; m < n_fft; ++m) {  // the constant (zero) pad of n_fft / 2
            const int64_t p = t * hop + m - n_fft / 2;
            if (p >= 0 && p < samples) frame[m] = signal[p];
          }
          rfft_windowed(frame.data(), window.data(), n_fft, expected_real.data(),
                        expected_imag.data());
          for (int64_t k = 0; k < bins; ++k) {
            const double want_real =
                dtype == kFloat32 ? static_cast<float>(expected_real[k]) : expected_real[k];
            const double want_imag =
                dtype == kFloat32 ? static_cast<float>(expected_imag[k]) : expected_imag[k];
            ASSERT_EQ(real[k * frames + t], want_real)
                << dtype_name(dtype) << " frames " << frames << " threads " << threads << " frame "
                << t << " bin " << k;
            ASSERT_EQ(imag[k * frames + t], want_imag)
                << dtype_name(dtype) << " frames " << frames << " threads " << threads << " frame "
                << t << " bin " << k;
          }
        }
        EXPECT_EQ(spectrogram(y, options).to_vector<double>(), magnitude(s).to_vector<double>())
            << dtype_name(dtype) << " frames " << frames << " threads " << threads;
      }
    }
  }
}

TEST(AudioStft, ReduceSpectrogramFramesRejectsBadArguments) {
  const Tensor y = timbre::testing::random_uniform({1000}, 5, {});
  const SpectrogramFrameReduction keep_nothing = [](const double*, double*) {};
  EXPECT_ERROR_CONTAINS(reduce_spectrogram_frames(y, {}, 2.0, 0, keep_nothing), "rows");
  EXPECT_ERROR_CONTAINS(reduce_spectrogram_frames(y, {}, 2.0, 1, nullptr), "no reduction");
  EXPECT_ERROR_CONTAINS(reduce_spectrogram_frames(y, {}, -1.0, 1, keep_nothing), "power");
  EXPECT_ERROR_CONTAINS(reduce_spectrogram_frames(zeros({2, 50}), {}, 2.0, 1, keep_nothing), "1-d");
}

// numpy.pad(mode='reflect') mirrors about the edge samples without repeating them, and keeps
// mirroring for positions further out than the signal is long.
TEST(AudioPadding, NumpyReflectDoesNotRepeatTheEdgeSample) {
  // [a b c d], positions -6 .. 6: numpy  a b c d c b | a b c d | c b a
  const std::vector<int64_t> expected = {0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0};
  for (int64_t p = -6; p <= 6; ++p)
    EXPECT_EQ(numpy_reflect_index(p, 4), expected[p + 6]) << "position " << p;
}

// scipy.ndimage's 'reflect' mirrors about the array's ends, so the edge sample repeats; a
// one-sample array reads that sample everywhere.
TEST(AudioPadding, ScipyReflectRepeatsTheEdgeSample) {
  // [a b c], positions -4 .. 6: scipy  c c b a | a b c | c b a a
  const std::vector<int64_t> expected = {2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0};
  for (int64_t p = -4; p <= 6; ++p)
    EXPECT_EQ(scipy_reflect_index(p, 3), expected[p + 4]) << "position " << p;
  EXPECT_EQ(scipy_reflect_index(-1, 1), 0);
  EXPECT_EQ(scipy_reflect_index(5, 1), 0);
}

// A small transform checked against the definition, with a short window centred in the frame
// and reflect padding: S[k,t] = sum_m w[m] y_pad[t*hop + m] exp(-2 pi i k m / n_fft).
TEST(AudioStft, MatchesTheDefinitionWithShortWindowAndReflectPadding) {
  const int64_t n_fft = 16, hop = 4, win_length = 10, samples = 37;
  const Tensor y = timbre::testing::random_uniform({samples}, 11, {.dtype = kFloat64});
  const std::vector<double> signal = y.to_vector<double>();
  const StftOptions options{
      .n_fft = n_fft, .hop_length = hop, .win_length = win_length, .pad_mode = PadMode::Reflect};
  const ComplexSpectrogram s = stft(y, options);
  const std::vector<double> hann = hann_window(win_length).to_vector<double>();
  std::vector<double> window(n_fft, 0.0);
  for (int64_t m = 0; m < win_length; ++m)
    window[(n_fft - win_length) / 2 + m] = hann[m];
  auto padded = [&](int64_t p) {  // numpy.pad(mode='reflect') with pad 8 < samples
    p -= n_fft / 2;
    if (p < 0) p = -p;
    if (p >= samples) p = 2 * (samples - 1) - p;
    return signal[p];
  };
  const int64_t frames = 1 + samples / hop;
  ASSERT_EQ(s.real.sizes(), (Shape{n_fft / 2 + 1, frames}));
  for (int64_t k = 0; k <= n_fft / 2; ++k) {
    for (int64_t t = 0; t < frames; ++t) {
      double real = 0.0, imag = 0.0;
      for (int64_t m = 0; m < n_fft; ++m) {
        const double angle = -2.0 * std::numbers::pi * static_cast<double>(k * m) / n_fft;
        real += window[m] * padded(t * hop + m) * std::cos(angle);
        imag += window[m] * padded(t * hop + m) * std::sin(angle);
      }
      EXPECT_NEAR(s.real.at({k, t}), real, 1e-13) << k << ", " << t;
      EXPECT_NEAR(s.imag.at({k, t}), imag, 1e-13) << k << ", " << t;
    }
  }
}

// ---- librosa parity -----------------------------------------------------------------------------

struct GoldenCase {
  std::string signal;
  PadMode pad_mode;
  std::string pad_name;
};

const std::vector<GoldenCase> kGoldenCases = {
    {"tones", PadMode::Constant, "constant"}, {"tones", PadMode::Reflect, "reflect"},
    {"drums", PadMode::Constant, "constant"}, {"drums", PadMode::Reflect, "reflect"},
    {"mix", PadMode::Constant, "constant"},   {"mix", PadMode::Reflect, "reflect"}};

// The columns `frames` of a [bins, T] tensor, as [bins * frames.size()] row-major.
std::vector<double> columns(const Tensor& S, const std::vector<int64_t>& frames) {
  const std::vector<double> all = S.to_vector<double>();
  const int64_t count = S.size(1);
  std::vector<double> picked;
  for (int64_t k = 0; k < S.size(0); ++k) {
    for (int64_t t : frames)
      picked.push_back(all[k * count + t]);
  }
  return picked;
}

std::string golden_dir(const GoldenCase& c, const char* dtype) {
  return "librosa/" + c.signal + "/" + c.pad_name + "_" + dtype + "/";
}

TEST(AudioStftParity, Float64MagnitudeMatchesLibrosa) {
  for (const GoldenCase& c : kGoldenCases) {
    const std::string dir = golden_dir(c, "float64");
    const std::vector<int64_t> frames =
        read_npy(data_path(dir + "stft_frames.npy")).to_vector<int64_t>();
    const std::vector<double> golden =
        read_npy(data_path(dir + "stft_mag_frames.npy")).to_vector<double>();
    const Tensor y = load_audio(data_path("audio/" + c.signal + ".wav"), {.dtype = kFloat64});
    const Tensor S = spectrogram(y, {.pad_mode = c.pad_mode});
    ASSERT_EQ(S.sizes(), (Shape{1025, 431}));
    ASSERT_EQ(S.dtype(), kFloat64);
    const double error = max_error_over_max(columns(S, frames), golden);
    EXPECT_LE(error, 1e-12) << c.signal << " " << c.pad_name;
    std::printf("[ measured ] float64 stft_mag %s %s: max|err|/max = %.3g\n", c.signal.c_str(),
                c.pad_name.c_str(), error);
  }
}

TEST(AudioStftParity, Float32MagnitudeAndDbMatchLibrosa) {
  for (const GoldenCase& c : kGoldenCases) {
    const std::string dir = golden_dir(c, "float32");
    const std::vector<int64_t> frames =
        read_npy(data_path(dir + "stft_frames.npy")).to_vector<int64_t>();
    const std::vector<double> golden_mag =
        read_npy(data_path(dir + "stft_mag_frames.npy")).to_vector<double>();
    const std::vector<double> golden_db =
        read_npy(data_path(dir + "stft_db_frames.npy")).to_vector<double>();
    const Tensor y = load_audio(data_path("audio/" + c.signal + ".wav"));
    const Tensor S = magnitude(stft(y, {.pad_mode = c.pad_mode}));
    ASSERT_EQ(S.dtype(), kFloat32);
    const std::vector<double> mag = columns(S, frames);
    // The dB floor is relative to the largest magnitude of the whole clip, not of these frames.
    const std::vector<double> all = S.to_vector<double>();
    const double largest = *std::max_element(all.begin(), all.end());
    double worst_relative = 0.0, worst_floor = 0.0;
    for (size_t i = 0; i < mag.size(); ++i) {
      const double error = std::fabs(mag[i] - golden_mag[i]);
      if (golden_mag[i] > 1e-4 * largest) {
        worst_relative = std::max(worst_relative, error / golden_mag[i]);
      } else {
        worst_floor = std::max(worst_floor, error / largest);
      }
    }
    EXPECT_LE(worst_relative, 1e-4) << c.signal << " " << c.pad_name;
    EXPECT_LE(worst_floor, 1e-6) << c.signal << " " << c.pad_name;

    const std::vector<double> db = columns(amplitude_to_db(S, RefMax{}), frames);
    double worst_db = 0.0;
    for (size_t i = 0; i < db.size(); ++i) {
      worst_db = std::max(worst_db, std::fabs(db[i] - golden_db[i]));
    }
    EXPECT_LE(worst_db, 1e-3) << c.signal << " " << c.pad_name;
    std::printf(
        "[ measured ] float32 %s %s: stft_mag max rel err (above floor) %.3g, below floor "
        "%.3g of max; stft_db max abs err %.3g dB\n",
        c.signal.c_str(), c.pad_name.c_str(), worst_relative, worst_floor, worst_db);
  }
}

// ---- istft --------------------------------------------------------------------------------------

template <typename T>
void check_round_trip(const StftOptions& options, int64_t samples, double tolerance) {
  const Tensor y = timbre::testing::random_uniform({samples}, 21, {.dtype = dtype_of<T>()});
  const Tensor back = istft(stft(y, options), options, samples);
  ASSERT_EQ(back.sizes(), y.sizes());
  ASSERT_EQ(back.dtype(), y.dtype());
  EXPECT_LE(max_error_over_max(back.to_vector<double>(), y.to_vector<double>()), tolerance)
      << "n_fft " << options.n_fft << " hop " << options.hop_length << " win "
      << options.win_length;
}

TEST(AudioIstft, InvertsStft) {
  check_round_trip<double>({}, 22050, 1e-12);
  check_round_trip<double>({.pad_mode = PadMode::Reflect}, 10000, 1e-12);
  check_round_trip<double>({.n_fft = 512, .hop_length = 128, .win_length = 400}, 5001, 1e-12);
  check_round_trip<double>({.n_fft = 100, .hop_length = 25}, 999, 1e-12);
  check_round_trip<float>({}, 22050, 1e-6);
}

TEST(AudioIstft, DefaultLengthAndPadding) {
  const Tensor y = timbre::testing::random_uniform({4096}, 22, {.dtype = kFloat64});
  const ComplexSpectrogram s = stft(y);
  EXPECT_EQ(istft(s).sizes(), Shape{512 * (s.real.size(1) - 1)});
  const Tensor longer = istft(s, {}, 5000);
  ASSERT_EQ(longer.sizes(), Shape{5000});
  const std::vector<double> values = longer.to_vector<double>();
  for (int64_t i = 4096 + 1024; i < 5000; ++i)
    EXPECT_EQ(values[i], 0.0) << i;
  EXPECT_ERROR_CONTAINS(istft({zeros({1, 4}), zeros({1, 4})}), "2 frequency bins");
  EXPECT_ERROR_CONTAINS(istft({zeros({5, 4}), zeros({4, 4})}), "shape");
}

// The window sum istft divides by, against adding the squared window frame after frame (librosa's
// order): bit for bit, for hops that divide the window and hops that do not, fewer frames than
// the window is long, and hops longer than the window (samples no frame covers sum to 0).
TEST(AudioIstft, WindowSumSquareEqualsFrameByFrameSum) {
  const std::vector<double> window =
      timbre::testing::random_uniform({100}, 5, {.dtype = kFloat64}).to_vector<double>();
  for (const int64_t hop : {1, 7, 25, 33, 100, 150}) {
    for (const int64_t frames : {1, 2, 3, 10, 41}) {
      const int64_t n = static_cast<int64_t>(window.size());
      std::vector<double> expected(n + hop * (frames - 1), 0.0);
      for (int64_t t = 0; t < frames; ++t) {
        for (int64_t m = 0; m < n; ++m)
          expected[t * hop + m] += window[m] * window[m];
      }
      EXPECT_EQ(window_sum_square(window, hop, frames).to_vector<double>(), expected)
          << "hop " << hop << " frames " << frames;
    }
  }
  EXPECT_ERROR_CONTAINS(window_sum_square(window, 0, 3), "hop >= 1");
  EXPECT_ERROR_CONTAINS(window_sum_square({}, 4, 3), "need a window");
}

// istft reads S through its strides: a spectrum stored column-major (a transposed view) gives the
// same signal bit for bit as the contiguous one, for frame counts that fill the 16-frame tasks
// of istft and for ones that leave a part-filled last task.
TEST(AudioIstft, StridedSpectrumGivesTheSameSignal) {
  for (const int64_t samples : {4096, 22050}) {
    const Tensor y = timbre::testing::random_uniform({samples}, 23, {.dtype = kFloat32});
    const ComplexSpectrogram s = stft(y);
    const ComplexSpectrogram column_major = {s.real.transpose(0, 1).contiguous().transpose(0, 1),
                                             s.imag.transpose(0, 1).contiguous().transpose(0, 1)};
    ASSERT_NE(column_major.real.stride(1), 1);
    EXPECT_EQ(istft(column_major, {}, samples).to_vector<float>(),
              istft(s, {}, samples).to_vector<float>())
        << samples << " samples, " << s.real.size(1) << " frames";
  }
}

// ---- dB -----------------------------------------------------------------------------------------

TEST(AudioDb, PowerToDbFollowsLibrosa) {
  const Tensor S = from_vector(std::vector<double>{1.0, 10.0, 100.0, 1e-20, 0.0}, {5});
  // ref 1, amin 1e-10, top_db 80: 10*log10(max(1e-10, S)), clipped at 20 - 80 = -60.
  timbre::testing::expect_tensor(power_to_db(S), {5}, {0.0, 10.0, 20.0, -60.0, -60.0}, 1e-12);
  timbre::testing::expect_tensor(power_to_db(S, 1.0, 1e-10, std::nullopt), {5},
                                 {0.0, 10.0, 20.0, -100.0, -100.0}, 1e-12);
  timbre::testing::expect_tensor(power_to_db(S, RefMax{}, 1e-10, std::nullopt), {5},
                                 {-20.0, -10.0, 0.0, -120.0, -120.0}, 1e-12);
  // ref 10, amin 1e-3: {-10, 0, 10, -40, -40}, then clipped at 10 - 15 = -5.
  timbre::testing::expect_tensor(power_to_db(S, 10.0, 1e-3, 15.0), {5},
                                 {-5.0, 0.0, 10.0, -5.0, -5.0}, 1e-12);
  EXPECT_ERROR_CONTAINS(power_to_db(S, 1.0, 0.0), "amin");
  EXPECT_ERROR_CONTAINS(power_to_db(S, 1.0, 1e-10, -1.0), "top_db");
}

TEST(AudioDb, AmplitudeToDbIsTwentyLog10) {
  const Tensor S = from_vector(std::vector<double>{1.0, -10.0, 100.0, 0.0}, {2, 2});
  // |S|, 20*log10(max(1e-5, |S|)), clipped at 40 - 80 = -40.
  timbre::testing::expect_tensor(amplitude_to_db(S), {2, 2}, {0.0, 20.0, 40.0, -40.0}, 1e-12);
  timbre::testing::expect_tensor(amplitude_to_db(S, RefMax{}, 1e-5, std::nullopt), {2, 2},
                                 {-40.0, -20.0, 0.0, -140.0}, 1e-12);
  const Tensor single = from_vector(std::vector<float>{0.5f, 2.0f}, {2});
  EXPECT_EQ(amplitude_to_db(single).dtype(), kFloat32);
  EXPECT_NEAR(amplitude_to_db(single).at({0}), 20.0 * std::log10(0.5), 1e-5);
}

// float32 dB values take log10 in double, rounded to float once (audio/db.cpp checks every one of
// the 2^32 floats offline; here a spread of 2^20 bit patterns over all positive floats, from
// subnormals to infinity, plus zero and NaN). The reference is the running C library's double
// log10, correctly rounded in practice (glibc's is within 1 ulp, and the float rounding of its
// result could only differ where log10(x) lies within ~1e-16 of a float midpoint).
TEST(AudioDb, Float32Log10IsTheDoubleLog10RoundedOnce) {
  std::vector<float> values;
  for (uint32_t bits = 1; bits < 0x7f800000u; bits += 2039)
    values.push_back(std::bit_cast<float>(bits));
  values.push_back(std::numeric_limits<float>::infinity());
  values.push_back(0.0f);
  values.push_back(std::numeric_limits<float>::quiet_NaN());
  const int64_t count = static_cast<int64_t>(values.size());
  // amin: the smallest subnormal, so only zero is raised to it; ref 1: a reference of 0 dB.
  const double amin = std::numeric_limits<float>::denorm_min();
  const std::vector<float> db =
      power_to_db(from_vector(values, {count}), 1.0, amin, std::nullopt).to_vector<float>();
  std::vector<float> expected(count);
  for (int64_t i = 0; i < count; ++i) {
    // A NaN input gives NaN (numpy.maximum propagates it), and log10(NaN) is NaN.
    const float clamped = std::isnan(values[i]) ? values[i] : std::max(float(amin), values[i]);
    expected[i] = 10.0f * static_cast<float>(std::log10(double{clamped})) - 0.0f;
  }
  expect_bit_for_bit(db, expected, [&](size_t i) {
    std::ostringstream text;
    text << "power_to_db(" << values[i] << ")";
    return text.str();
  });
}

// NaNs propagate as numpy propagates them: a NaN cell stays NaN; with top_db (the largest value
// is NaN) or ref=np.max (the reference is NaN) every cell becomes NaN.
TEST(AudioDb, NanPropagatesAsInNumpy) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor S = from_vector(std::vector<float>{1.0f, nan, 100.0f}, {3});
  const std::vector<float> cells = power_to_db(S, 1.0, 1e-10, std::nullopt).to_vector<float>();
  EXPECT_EQ(cells[0], 0.0f);
  EXPECT_TRUE(std::isnan(cells[1]));
  EXPECT_EQ(cells[2], 20.0f);
  for (const float value : power_to_db(S, 1.0, 1e-10, 80.0).to_vector<float>())
    EXPECT_TRUE(std::isnan(value));
  for (const float value : power_to_db(S, RefMax{}, 1e-10, std::nullopt).to_vector<float>())
    EXPECT_TRUE(std::isnan(value));
  for (const float value : amplitude_to_db(S, RefMax{}, 1e-5, std::nullopt).to_vector<float>())
    EXPECT_TRUE(std::isnan(value));
}

}  // namespace
}  // namespace timbre::audio
