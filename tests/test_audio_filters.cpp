// tests/test_audio_filters.cpp - mel and chroma filterbanks, DCT-II matrix and frequency scales
// against librosa 0.10.1 (tests/data/librosa/filters, see tests/data/README.md), plus their
// basic properties.
//
// Tolerances. librosa builds its filterbanks in float32 by default (also when the audio is
// float64), by rounding float64 values. Our float32 build repeats the same float64 formulas and
// the same roundings, so it must equal librosa's float32 matrix up to one float32 ulp (a libm
// difference in exp/log can move a value across a rounding boundary): we check 2^-23 relative.
// Our float64 build is compared with librosa's float32 matrix at 1e-6 relative: the float32
// golden differs from the exact value by at most one rounding (6e-8 relative) per step, so 1e-6
// is a real check of the formula while leaving room for that rounding. The unnormalised banks
// and the DCT are float64 goldens, compared at 1e-12 relative; the float64 chroma bank at 1e-10
// (exp and log2 of numpy and of the C library differ by an ulp or two, and the bank's smallest
// entries, ~1e-32, come out of exp(-0.5 z^2) with large z, which magnifies them); mel frequency
// axes at 1e-14. Entries below 1e-15 (kZeroNoise) are compared absolutely.
#include <cmath>
#include <limits>

#include "audio/filters.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::all_close;
using timbre::testing::data_path;

Tensor golden(const std::string& name) {
  return read_npy(data_path("librosa/filters/" + name + ".npy"));
}

// Largest |a - e| / |e| over the entries with |e| > floor (0 if none).
double max_relative_error(const Tensor& actual, const Tensor& expected, double floor = 0.0) {
  const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::fabs(e[i]) > floor) worst = std::max(worst, std::fabs(a[i] - e[i]) / std::fabs(e[i]));
  }
  return worst;
}

constexpr double kSampleRate = 22050.0;
constexpr int64_t kNfft = 2048;
constexpr double kFloat32Ulp = 1.0 / 8388608.0;  // 2^-23: one float32 ulp, relative
// A triangle's end point that lands exactly on a bin (HTK's top edge is 11025 Hz = bin 1024)
// is 0 in exact arithmetic; numpy's log10/pow and the C library's may differ in the last ulp of
// the edge, leaving +-1e-17 instead of 0. Entries this small are rounding noise.
constexpr double kZeroNoise = 1e-15;

TEST(AudioFilters, FftFrequenciesMatchLibrosa) {
  const std::vector<double> f = fft_frequencies(kSampleRate, kNfft);
  const Tensor ours = from_vector(f, {static_cast<int64_t>(f.size())});
  EXPECT_TRUE(all_close(ours, golden("fft_freqs"), 0.0, 0.0));  // exact
}

TEST(AudioFilters, MelFrequenciesMatchLibrosaOnBothScales) {
  for (const bool htk : {false, true}) {
    const std::vector<double> f = mel_frequencies(130, 0.0, kSampleRate / 2.0, htk);
    const Tensor ours = from_vector(f, {130});
    EXPECT_TRUE(all_close(ours, golden(htk ? "mel_freqs_htk" : "mel_freqs_slaney"), 1e-14, 0.0))
        << (htk ? "htk" : "slaney");
  }
}

TEST(AudioFilters, MelScaleKnownPointsAndRoundTrip) {
  // Slaney: linear below 1 kHz (3 mels per 200 Hz) so 1 kHz is mel 15; 6.4 kHz is 27 mels above.
  EXPECT_DOUBLE_EQ(hz_to_mel(1000.0), 15.0);
  EXPECT_DOUBLE_EQ(hz_to_mel(200.0), 3.0);
  EXPECT_NEAR(hz_to_mel(6400.0), 42.0, 1e-12);
  // HTK: 2595 log10(1 + f/700); f = 700 gives 2595 log10(2).
  EXPECT_NEAR(hz_to_mel(700.0, true), 2595.0 * std::log10(2.0), 1e-12);
  for (const bool htk : {false, true}) {
    for (const double hz : {0.0, 50.0, 999.0, 1000.0, 1001.0, 4321.0, 11025.0}) {
      EXPECT_NEAR(mel_to_hz(hz_to_mel(hz, htk), htk), hz, 1e-9 * (1.0 + hz));
    }
  }
}

TEST(AudioFilters, MelFilterbankFloat32MatchesLibrosaToOneUlp) {
  const Tensor slaney = mel_filterbank(kSampleRate, kNfft);
  EXPECT_EQ(slaney.dtype(), kFloat32);
  EXPECT_EQ(slaney.sizes(), (Shape{128, 1025}));
  EXPECT_TRUE(all_close(slaney, golden("mel_slaney_f32"), kFloat32Ulp, kZeroNoise));
  const Tensor htk = mel_filterbank(kSampleRate, kNfft, 128, 0.0, 0.0, true);
  EXPECT_TRUE(all_close(htk, golden("mel_htk_f32"), kFloat32Ulp, kZeroNoise));
  std::cout << "mel filterbank float32 max relative error: slaney "
            << max_relative_error(slaney, golden("mel_slaney_f32"), kZeroNoise) << ", htk "
            << max_relative_error(htk, golden("mel_htk_f32"), kZeroNoise) << "\n";
}

TEST(AudioFilters, MelFilterbankFloat64MatchesLibrosaFloat32BankTo1e6) {
  const Tensor slaney =
      mel_filterbank(kSampleRate, kNfft, 128, 0.0, 0.0, false, MelNorm::Slaney, kFloat64);
  EXPECT_EQ(slaney.dtype(), kFloat64);
  EXPECT_TRUE(all_close(slaney, golden("mel_slaney_f32"), 1e-6, kZeroNoise));
  const Tensor htk =
      mel_filterbank(kSampleRate, kNfft, 128, 0.0, 0.0, true, MelNorm::Slaney, kFloat64);
  EXPECT_TRUE(all_close(htk, golden("mel_htk_f32"), 1e-6, kZeroNoise));
  std::cout << "mel filterbank float64 vs librosa float32 max relative error: slaney "
            << max_relative_error(slaney, golden("mel_slaney_f32"), kZeroNoise) << ", htk "
            << max_relative_error(htk, golden("mel_htk_f32"), kZeroNoise) << "\n";
}

TEST(AudioFilters, UnnormalisedMelFilterbankMatchesLibrosaFloat64) {
  for (const bool htk : {false, true}) {
    const Tensor bank =
        mel_filterbank(kSampleRate, kNfft, 128, 0.0, 0.0, htk, MelNorm::None, kFloat64)
            .slice(0, 0, 16);
    const Tensor expected =
        golden(htk ? "mel_htk_nonorm_f64_rows0to16" : "mel_slaney_nonorm_f64_rows0to16");
    EXPECT_TRUE(all_close(bank, expected, 1e-12, 1e-15)) << (htk ? "htk" : "slaney");
    std::cout << "unnormalised mel filterbank (" << (htk ? "htk" : "slaney")
              << ") max relative error " << max_relative_error(bank, expected, kZeroNoise) << "\n";
    // Peak height 1 at the centre of a triangle (at most 1 anywhere).
    for (double v : bank.to_vector<double>())
      EXPECT_LE(v, 1.0);
  }
}

TEST(AudioFilters, MelFilterbankRespectsFrequencyRange) {
  // With fmin = 300, fmax = 3000 no filter reaches outside [300, 3000] Hz.
  const Tensor bank =
      mel_filterbank(16000.0, 512, 40, 300.0, 3000.0, false, MelNorm::None, kFloat64);
  EXPECT_EQ(bank.sizes(), (Shape{40, 257}));
  const std::vector<double> f = fft_frequencies(16000.0, 512);
  for (int64_t m = 0; m < 40; ++m) {
    for (int64_t k = 0; k < 257; ++k) {
      if (f[k] <= 300.0 || f[k] >= 3000.0) {
        // (at exactly 300 or 3000 Hz the triangle's zero may come out as +-1e-15 after rounding)
        EXPECT_NEAR(bank.at({m, k}), 0.0, 1e-12) << m << ", " << k;
      }
    }
  }
}

TEST(AudioFilters, MelFilterbankRejectsBadArguments) {
  EXPECT_ERROR_CONTAINS(mel_filterbank(22050.0, 2048, 128, 0.0, 20000.0), "fmax");
  EXPECT_ERROR_CONTAINS(mel_filterbank(22050.0, 2048, 128, 5000.0, 4000.0), "fmin");
  EXPECT_ERROR_CONTAINS(mel_filterbank(22050.0, 2048, 0), "n_mels");
  EXPECT_ERROR_CONTAINS(
      mel_filterbank(22050.0, 2048, 128, 0.0, 0.0, false, MelNorm::Slaney, kInt64), "dtype");
}

TEST(AudioFilters, ChromaFilterbankMatchesLibrosa) {
  const Tensor f32 = chroma_filterbank(kSampleRate, kNfft, 12, 0.0, kFloat32);
  EXPECT_EQ(f32.sizes(), (Shape{12, 1025}));
  EXPECT_TRUE(all_close(f32, golden("chroma_tuning0_f32"), kFloat32Ulp, 0.0));
  const Tensor f64 = chroma_filterbank(kSampleRate, kNfft, 12, 0.0, kFloat64);
  EXPECT_TRUE(all_close(f64, golden("chroma_tuning0_f64"), 1e-10, 0.0));
  std::cout << "chroma filterbank max relative error: float32 "
            << max_relative_error(f32, golden("chroma_tuning0_f32")) << ", float64 "
            << max_relative_error(f64, golden("chroma_tuning0_f64")) << "\n";
}

TEST(AudioFilters, ChromaFilterbankTuningShiftsTheBumps) {
  // A4 = 440 Hz is bin 440 / (22050 / 2048) = 40.87; with tuning 0 the A row (index 9, rows
  // start at C) peaks near there. Tuning +0.5 bins raises every reference pitch by a quarter
  // tone, so the A row's weight at 440 Hz drops.
  const Tensor tuned0 = chroma_filterbank(kSampleRate, kNfft, 12, 0.0, kFloat64);
  const Tensor tuned = chroma_filterbank(kSampleRate, kNfft, 12, 0.4, kFloat64);
  EXPECT_GT(tuned0.at({9, 41}), tuned0.at({8, 41}));
  EXPECT_GT(tuned0.at({9, 41}), tuned.at({9, 41}));
}

TEST(AudioFilters, DctMatrixMatchesScipyAndIsOrthonormal) {
  const Tensor dct = dct_matrix(20, 128);
  EXPECT_TRUE(all_close(dct, golden("dct2_ortho_20x128"), 1e-12, 1e-15));
  std::cout << "DCT-II max relative error "
            << max_relative_error(dct, golden("dct2_ortho_20x128"), kZeroNoise) << "\n";
  const Tensor square = dct_matrix(16, 16);
  for (int64_t i = 0; i < 16; ++i) {
    for (int64_t j = 0; j < 16; ++j) {
      double dot = 0.0;
      for (int64_t n = 0; n < 16; ++n)
        dot += square.at({i, n}) * square.at({j, n});
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-13) << i << ", " << j;
    }
  }
  EXPECT_ERROR_CONTAINS(dct_matrix(21, 20), "n_out");
}

}  // namespace
}  // namespace timbre::audio
