// tests/test_audio_features.cpp - mel spectrogram, MFCC, chroma, tuning and spectral features
// against librosa 0.10.1 on the three test clips (tones, drums, mix) x pad mode (constant,
// reflect) x dtype (float32, float64). Goldens: tests/data/librosa/<clip>/<pad>_<dtype>/ (see
// tests/data/README.md; multi-row features are sliced to their first 64 frames, one-row features
// are whole). The clips are decoded with audio::load_audio from tests/data/audio/.
//
// Tolerances (the measured maxima are in docs/audio.md):
//   float64 path (vs librosa's float64 outputs): mel 1e-6 relative; MFCC 1e-4 relative with an
//     absolute floor of 1e-6 dB (a coefficient that crosses zero has no meaningful relative
//     error); chroma, centroid, bandwidth, contrast and rms 1e-4 relative; roll-off,
//     zero-crossing rate and the estimated tuning exactly (they are picked from discrete sets,
//     and we repeat librosa's arithmetic, in float32 where librosa works in float32).
//   float32 path (vs librosa's float32 run): librosa computes in float32 (its STFT rounds to
//     complex64), so a cell carries rounding of ~1e-7 of its frame's loudest cell, not of
//     itself. We check 1e-4 relative plus an absolute floor at that rounding level: mel
//     1e-7 x (largest mel value of the slice), chroma 1e-6 (chroma lies in [0, 1]), MFCC 2e-4 dB
//     (sums of 128 dB values of up to ~80 dB, each rounded to float32).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <tuple>

#include "audio/chroma.h"
#include "audio/db.h"
#include "audio/decode.h"
#include "audio/filters.h"
#include "audio/mel.h"
#include "audio/projection.h"
#include "audio/spectral.h"
#include "audio/stft.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

constexpr double kSampleRate = 22050.0;
constexpr int64_t kGoldenFrames = 64;  // multi-row goldens hold frames [0, 64)

// The agreement of `actual` with `expected`: every cell must satisfy
// |a - e| <= rtol |e| + atol. Reports the largest relative error over cells with |e| > atol / rtol
// (where the relative bound is the one that binds) and the largest absolute error.
struct Agreement {
  double max_relative = 0.0;
  double max_absolute = 0.0;
  int64_t failures = 0;
  std::string first_failure;
};

Agreement compare(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  Agreement result;
  EXPECT_EQ(actual.sizes(), expected.sizes());
  if (actual.sizes() != expected.sizes()) return result;
  const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i) {
    const double error = std::fabs(a[i] - e[i]);
    result.max_absolute = std::max(result.max_absolute, error);
    if (rtol > 0.0 && std::fabs(e[i]) * rtol > atol) {
      result.max_relative = std::max(result.max_relative, error / std::fabs(e[i]));
    }
    if (!(error <= rtol * std::fabs(e[i]) + atol)) {
      if (result.failures == 0) {
        result.first_failure = "flat index " + std::to_string(i) + ": " + std::to_string(a[i]) +
                               " vs " + std::to_string(e[i]);
      }
      ++result.failures;
    }
  }
  return result;
}

// The largest entry of a tensor.
double golden_max(const Tensor& x) {
  const std::vector<double> v = x.to_vector<double>();
  return *std::max_element(v.begin(), v.end());
}

// Checks a [1, n] feature row against `expected` to 1e-12.
void expect_tensor_near(const Tensor& actual, const std::vector<double>& expected) {
  timbre::testing::expect_tensor(actual, {1, static_cast<int64_t>(expected.size())}, expected,
                                 1e-12);
}

// ---- The filterbank products (audio/projection.h)
// ------------------------------------------------

// The sum of projection.h, written the plain way: double, inputs in order, rounded to T once.
template <typename T>
std::vector<T> naive_projection(const std::vector<double>& matrix, const std::vector<T>& x,
                                int64_t n_out, int64_t n_in, int64_t frames) {
  std::vector<T> out(static_cast<size_t>(n_out * frames));
  for (int64_t j = 0; j < n_out; ++j) {
    for (int64_t t = 0; t < frames; ++t) {
      double sum = 0.0;
      for (int64_t i = 0; i < n_in; ++i)
        sum += matrix[j * n_in + i] * static_cast<double>(x[i * frames + t]);
      out[j * frames + t] = static_cast<T>(sum);
    }
  }
  return out;
}

template <typename T>
void expect_projection_equals_naive_sum() {
  std::mt19937 engine(3);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  // Row counts below, at and past one pass of 12 rows; frame counts with and without a tail of
  // frames % 4 done one at a time.
  for (const int64_t n_out : {1, 5, 12, 13, 20, 25}) {
    for (const int64_t n_in : {1, 7, 128}) {
      for (const int64_t frames : {0, 1, 3, 4, 9, 130}) {
        std::vector<double> matrix(static_cast<size_t>(n_out * n_in));
        std::vector<T> x(static_cast<size_t>(n_in * frames));
        for (double& v : matrix)
          v = uniform(engine);
        for (T& v : x)
          v = static_cast<T>(uniform(engine));
        std::vector<T> out(static_cast<size_t>(n_out * frames));
        project_columns<T>(matrix, x.data(), n_out, n_in, frames, out.data());
        EXPECT_EQ(out, naive_projection(matrix, x, n_out, n_in, frames))
            << n_out << " x " << n_in << " times " << frames << " frames";
      }
    }
  }
}

TEST(AudioProjection, EqualsTheDoubleSumInInputOrderBitForBit) {
  expect_projection_equals_naive_sum<float>();
  expect_projection_equals_naive_sum<double>();
}

TEST(AudioProjection, RejectsAMatrixOfTheWrongSize) {
  const std::vector<double> matrix(5, 1.0);
  std::vector<float> x(6), out(6);
  EXPECT_ERROR_CONTAINS(project_columns<float>(matrix, x.data(), 2, 3, 2, out.data()),
                        "5 values, not 2 x 3");
}

using Case = timbre::testing::LibrosaCase;
using timbre::testing::librosa_case_name;

StftOptions stft_options(const Case& c) {
  return {.pad_mode = c.pad_mode};
}

class LibrosaFeatures : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case& c = GetParam();
    y_ = load_audio(data_path("audio/" + c.clip + ".wav"), {.dtype = c.dtype});
    ASSERT_EQ(y_.numel(), 220500);
  }

  // The first 64 frames of a [rows, frames] tensor.
  static Tensor first_frames(const Tensor& x) { return x.slice(1, 0, kGoldenFrames); }

  // Checks and prints one feature's agreement.
  void check(const std::string& feature, const Tensor& actual, const Tensor& expected, double rtol,
             double atol) {
    const Agreement a = compare(actual, expected, rtol, atol);
    EXPECT_EQ(a.failures, 0) << feature << " (" << GetParam().folder() << "): " << a.failures
                             << " cells outside rtol " << rtol << " + atol " << atol
                             << "; first: " << a.first_failure;
    std::cout << "[agreement] " << GetParam().folder() << " " << feature
              << " max_rel=" << a.max_relative << " max_abs=" << a.max_absolute << "\n";
  }

  bool is_float32() const { return GetParam().dtype == kFloat32; }

  Tensor y_;
};

TEST_P(LibrosaFeatures, MelSpectrogramAndMfcc) {
  const Case& c = GetParam();
  const Tensor power = spectrogram(y_, stft_options(c), 2.0);
  const Tensor mel = melspectrogram_from_spectrogram(power, kSampleRate);
  EXPECT_EQ(mel.dtype(), c.dtype);
  EXPECT_EQ(mel.sizes(), (Shape{128, 431}));
  // float32: |stft|^2 in float32 has errors ~1e-7 of the frame's loudest bin, so quiet cells get
  // the absolute bound 1e-7 x (largest golden value) on top of 1e-4 relative.
  const double mel_max = golden_max(c.golden("mel_first64"));
  if (is_float32()) {
    check("mel", first_frames(mel), c.golden("mel_first64"), 1e-4, 1e-7 * mel_max);
  } else {
    check("mel", first_frames(mel), c.golden("mel_first64"), 1e-6, 0.0);
  }
  const Tensor log_mel = power_to_db(mel, 1.0, 1e-10, 80.0);
  const Tensor mfcc20 = mfcc_from_log_mel(log_mel, 20);
  // MFCCs are sums of 128 dB values: near-zero coefficients get an absolute bound (float64:
  // 1e-6 dB; float32: 2e-4 dB, 128 terms of up to ~80 dB each rounded to float32).
  const double mfcc_atol = is_float32() ? 2e-4 : 1e-6;
  check("mfcc20", first_frames(mfcc20), c.golden("mfcc20_first64"), 1e-4, mfcc_atol);
  check("mfcc13", first_frames(mfcc_from_log_mel(log_mel, 13)), c.golden("mfcc13_first64"), 1e-4,
        mfcc_atol);
  // The one-call form gives the same as the pieces.
  EXPECT_TRUE(
      timbre::testing::all_close(mfcc(y_, kSampleRate, 20, stft_options(c)), mfcc20, 0.0, 0.0));
}

TEST_P(LibrosaFeatures, SpectralShape) {
  const Case& c = GetParam();
  const Tensor magnitude = spectrogram(y_, stft_options(c), 1.0);
  const Tensor centroid = spectral_centroid_from_spectrogram(magnitude, kSampleRate);
  EXPECT_EQ(centroid.dtype(), kFloat64);
  check("spectral_centroid", centroid, c.golden("spectral_centroid"), 1e-4, 0.0);
  check("spectral_bandwidth", spectral_bandwidth_from_spectrogram(magnitude, kSampleRate),
        c.golden("spectral_bandwidth"), 1e-4, 0.0);
  check("spectral_rolloff", spectral_rolloff_from_spectrogram(magnitude, kSampleRate),
        c.golden("spectral_rolloff"), 0.0, 0.0);
  check("spectral_contrast",
        first_frames(spectral_contrast_from_spectrogram(magnitude, kSampleRate)),
        c.golden("spectral_contrast_first64"), 1e-4, 0.0);
}

TEST_P(LibrosaFeatures, ZeroCrossingRateAndRms) {
  const Case& c = GetParam();
  const Tensor zcr = zero_crossing_rate(y_);
  EXPECT_EQ(zcr.dtype(), kFloat64);
  check("zero_crossing_rate", zcr, c.golden("zero_crossing_rate"), 0.0, 0.0);
  // The float32 goldens are librosa's default float32 rms; the float64 ones asked for float64.
  const Tensor energy = rms(y_, 2048, 512, true, c.pad_mode, c.dtype);
  EXPECT_EQ(energy.dtype(), c.dtype);
  check("rms", energy, c.golden("rms"), 1e-4, 0.0);
}

TEST_P(LibrosaFeatures, ChromaWithTuningZero) {
  const Case& c = GetParam();
  const Tensor power = spectrogram(y_, stft_options(c), 2.0);
  const Tensor chroma = chroma_stft_from_spectrogram(power, kSampleRate, 0.0);
  EXPECT_EQ(chroma.dtype(), c.dtype);
  check("chroma_tuning0", first_frames(chroma), c.golden("chroma_tuning0_first64"), 1e-4,
        is_float32() ? 1e-6 : 0.0);
}

TEST_P(LibrosaFeatures, EstimatedTuningAndChroma) {
  const Case& c = GetParam();
  const Tensor power = spectrogram(y_, stft_options(c), 2.0);
  const double tuning = estimate_tuning_from_spectrogram(power, kSampleRate);
  EXPECT_NEAR(tuning, c.golden("chroma_tuning").item(), 1e-12);
  std::cout << "[agreement] " << c.folder() << " tuning=" << tuning
            << " librosa=" << c.golden("chroma_tuning").item() << "\n";
  const Tensor chroma = chroma_stft_from_spectrogram(power, kSampleRate);
  check("chroma", first_frames(chroma), c.golden("chroma_first64"), 1e-4,
        is_float32() ? 1e-6 : 0.0);
}

// ---- Properties that need no golden ------------------------------------------------------------

TEST(AudioFeatures, OneCallFormsEqualTheSpectrogramForms) {
  const Tensor y = load_audio(data_path("audio/mix.wav"), {.dtype = kFloat64});
  const Tensor magnitude = spectrogram(y, {}, 1.0), power = spectrogram(y, {}, 2.0);
  using timbre::testing::all_close;
  EXPECT_TRUE(all_close(melspectrogram(y, kSampleRate),
                        melspectrogram_from_spectrogram(power, kSampleRate), 0.0, 0.0));
  EXPECT_TRUE(all_close(spectral_centroid(y, kSampleRate),
                        spectral_centroid_from_spectrogram(magnitude, kSampleRate), 0.0, 0.0));
  EXPECT_TRUE(all_close(spectral_bandwidth(y, kSampleRate),
                        spectral_bandwidth_from_spectrogram(magnitude, kSampleRate), 0.0, 0.0));
  EXPECT_TRUE(all_close(spectral_rolloff(y, kSampleRate),
                        spectral_rolloff_from_spectrogram(magnitude, kSampleRate), 0.0, 0.0));
  EXPECT_TRUE(all_close(spectral_contrast(y, kSampleRate),
                        spectral_contrast_from_spectrogram(magnitude, kSampleRate), 0.0, 0.0));
  EXPECT_TRUE(all_close(chroma_stft(y, kSampleRate, {}, 0.0),
                        chroma_stft_from_spectrogram(power, kSampleRate, 0.0), 0.0, 0.0));
  EXPECT_DOUBLE_EQ(estimate_tuning(y, kSampleRate),
                   estimate_tuning_from_spectrogram(magnitude, kSampleRate));
}

// melspectrogram(y) projects each block of frames as the STFT produces it; the values must be
// those of projecting the whole spectrogram, bit for bit, whatever the dtype, padding, power and
// filterbank, and for a last block with fewer than 8 frames (1 + 20000 / 384 = 53 frames).
TEST(AudioFeatures, MelSpectrogramEqualsTheProjectionOfItsSpectrogramBitForBit) {
  using timbre::testing::all_close;
  for (const DType dtype : {kFloat32, kFloat64}) {
    const Tensor y = timbre::testing::random_uniform({20000}, 11, {.dtype = dtype});
    for (const PadMode pad_mode : {PadMode::Constant, PadMode::Reflect}) {
      const StftOptions stft{.n_fft = 1024, .hop_length = 384, .pad_mode = pad_mode};
      for (const double power : {1.0, 2.0}) {
        for (const MelOptions mel : {MelOptions{}, MelOptions{.n_mels = 40,
                                                   .fmin = 100.0,
                                                   .fmax = 8000.0,
                                                   .htk = true,
                                                   .norm = MelNorm::None}}) {
          const Tensor direct = melspectrogram(y, kSampleRate, stft, mel, power);
          const Tensor projected =
              melspectrogram_from_spectrogram(spectrogram(y, stft, power), kSampleRate, mel);
          ASSERT_EQ(direct.sizes(), (std::vector<int64_t>{mel.n_mels, 53}));
          EXPECT_TRUE(all_close(direct, projected, 0.0, 0.0))
              << dtype_name(dtype) << " power " << power << " mels " << mel.n_mels;
        }
      }
    }
  }
}

// An odd n_fft: the filterbank of melspectrogram(y) is built for that n_fft, as librosa's
// filters.mel(n_fft=n_fft) is (its bins lie at k sr / n_fft), not for 2 (bins - 1).
TEST(AudioFeatures, MelSpectrogramOfAnOddFftSizeUsesThatSizesBins) {
  const Tensor y = timbre::testing::random_uniform({6000}, 12, {.dtype = kFloat64});
  const StftOptions stft{.n_fft = 1023, .hop_length = 256};
  const MelOptions mel{.n_mels = 32};
  const std::vector<double> power = spectrogram(y, stft, 2.0).to_vector<double>();
  const std::vector<double> weights =
      mel_filterbank(kSampleRate, 1023, 32, 0.0, kSampleRate / 2, false, MelNorm::Slaney, kFloat32)
          .to_vector<double>();
  const Tensor direct = melspectrogram(y, kSampleRate, stft, mel);
  const int64_t bins = 512, frames = direct.size(1);
  ASSERT_EQ(direct.sizes(), (std::vector<int64_t>{32, frames}));
  const std::vector<double> values = direct.to_vector<double>();
  for (int64_t m = 0; m < 32; ++m) {
    for (int64_t t = 0; t < frames; ++t) {
      double sum = 0.0;  // bins in order, zero weights skipped
      for (int64_t k = 0; k < bins; ++k) {
        if (weights[m * bins + k] != 0.0) sum += weights[m * bins + k] * power[k * frames + t];
      }
      ASSERT_EQ(values[m * frames + t], sum) << "mel " << m << " frame " << t;
    }
  }
}

// spectral_contrast (linear) by the definition: each frame's band sorted, the mean of its q
// lowest and q highest values in T (summed in sorted order), with librosa's band bookkeeping.
// S: [n_bins, frames] -> [n_bands + 1, frames]
template <typename T>
std::vector<double> contrast_by_sorting(const std::vector<T>& s, int64_t n_bins, int64_t frames,
                                        double sample_rate, double fmin, int64_t n_bands,
                                        double quantile) {
  std::vector<double> contrast;
  for (int64_t band = 0; band <= n_bands; ++band) {
    const double low = band == 0 ? 0.0 : fmin * std::pow(2.0, static_cast<double>(band - 1));
    const double high = fmin * std::pow(2.0, static_cast<double>(band));
    int64_t first = -1, last = -1;
    for (int64_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * sample_rate / static_cast<double>(2 * (n_bins - 1));
      if (f >= low && f <= high) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (band > 0) first -= 1;
    if (band == n_bands) last = n_bins - 1;
    const int64_t members = last - first + 1;
    const int64_t used = band < n_bands ? members - 1 : members;
    const int64_t q = std::max<int64_t>(
        1, static_cast<int64_t>(std::nearbyint(quantile * static_cast<double>(members))));
    for (int64_t t = 0; t < frames; ++t) {
      std::vector<T> values;
      for (int64_t k = first; k < first + used; ++k)
        values.push_back(s[k * frames + t]);
      std::sort(values.begin(), values.end());
      T low_sum = 0, high_sum = 0;
      for (int64_t r = 0; r < q; ++r) {
        low_sum += values[r];
        high_sum += values[used - q + r];
      }
      contrast.push_back(static_cast<double>(high_sum / static_cast<T>(q)) -
                         static_cast<double>(low_sum / static_cast<T>(q)));
    }
  }
  return contrast;
}

// The per-frame lists of extremes give exactly the sorted prefix and suffix: checked with ties
// (values on a grid of 1/4), bands whose rows leave 1 and 3 over after groups of four, q from 1
// to 6, and 13 frames (not a whole number of vectors).
TEST(AudioFeatures, SpectralContrastEqualsSortingEachBand) {
  const int64_t n_bins = 129, frames = 13;  // n_fft 256 at 22050 Hz: bins 86 Hz apart
  std::mt19937 engine(5);
  std::uniform_int_distribution<int> grid(0, 15);
  std::vector<double> values(n_bins * frames);
  for (double& v : values)
    v = 0.25 * grid(engine);
  for (const double quantile : {0.02, 0.1}) {
    const std::vector<double> expected_double =
        contrast_by_sorting(values, n_bins, frames, kSampleRate, 200.0, 6, quantile);
    const Tensor s64 = from_vector(values, {n_bins, frames}, {.dtype = kFloat64});
    EXPECT_EQ(spectral_contrast_from_spectrogram(s64, kSampleRate, 200.0, 6, quantile, true)
                  .to_vector<double>(),
              expected_double)
        << "float64, quantile " << quantile;
    const std::vector<float> floats(values.begin(), values.end());
    const Tensor s32 = from_vector(floats, {n_bins, frames}, {.dtype = kFloat32});
    EXPECT_EQ(spectral_contrast_from_spectrogram(s32, kSampleRate, 200.0, 6, quantile, true)
                  .to_vector<double>(),
              contrast_by_sorting(floats, n_bins, frames, kSampleRate, 200.0, 6, quantile))
        << "float32, quantile " << quantile;
  }
}

TEST(AudioFeatures, SpectralShapeOfASingleBin) {
  // All energy in bin 10 of an n_fft = 64 spectrogram at sr = 6400 (100 Hz bins): the centroid
  // is 1000 Hz, the bandwidth 0, the roll-off 1000 Hz, whatever the energy.
  std::vector<double> values(33 * 2, 0.0);
  values[10 * 2 + 0] = 3.0;
  values[10 * 2 + 1] = 0.25;
  const Tensor s = from_vector(values, {33, 2});
  expect_tensor_near(spectral_centroid_from_spectrogram(s, 6400.0), {1000.0, 1000.0});
  expect_tensor_near(spectral_bandwidth_from_spectrogram(s, 6400.0), {0.0, 0.0});
  expect_tensor_near(spectral_rolloff_from_spectrogram(s, 6400.0), {1000.0, 1000.0});
  // A silent frame: centroid and bandwidth 0 (librosa leaves it unnormalised), roll-off 0 Hz.
  const Tensor silent = zeros({33, 1}, {.dtype = kFloat64});
  expect_tensor_near(spectral_centroid_from_spectrogram(silent, 6400.0), {0.0});
  expect_tensor_near(spectral_rolloff_from_spectrogram(silent, 6400.0), {0.0});
}

TEST(AudioFeatures, ZeroCrossingRatePadsWithEdgeSamples) {
  // y = [1, -1, 1, -1, 1, -1, 1, -1], frame 4, hop 2, center: edge padding repeats 1 twice
  // in front and -1 twice at the back, so frame 0 = [1, 1, 1, -1] has 1 crossing of 3 pairs.
  const Tensor y = from_vector(std::vector<double>{1, -1, 1, -1, 1, -1, 1, -1}, {8});
  expect_tensor_near(zero_crossing_rate(y, 4, 2, true), {0.25, 0.75, 0.75, 0.75, 0.25});
  expect_tensor_near(zero_crossing_rate(y, 4, 2, false), {0.75, 0.75, 0.75});
  // Exact zeros count as positive: [0, -0.5] crosses, [0, 0.5] does not.
  const Tensor z = from_vector(std::vector<double>{0.0, -0.5, 0.0, 0.5}, {4});
  expect_tensor_near(zero_crossing_rate(z, 4, 4, false), {0.5});
}

TEST(AudioFeatures, RmsOfConstantAndPaddedSignals) {
  const Tensor y = full({16}, 0.5, {.dtype = kFloat64});
  // Without centre padding every frame is 0.5.
  expect_tensor_near(rms(y, 4, 4, false), {0.5, 0.5, 0.5, 0.5});
  // Centred with zeros: frame 0 holds [0, 0, 0.5, 0.5] -> sqrt(0.5 / 4 * 0.5) = 0.5 / sqrt(2).
  const Tensor centred = rms(y, 4, 4, true, PadMode::Constant, kFloat64);
  EXPECT_NEAR(centred.at({0, 0}), 0.5 / std::sqrt(2.0), 1e-15);
  // Mirrored padding keeps a constant signal constant.
  for (double v : rms(y, 4, 4, true, PadMode::Reflect, kFloat64).to_vector<double>()) {
    EXPECT_NEAR(v, 0.5, 1e-15);
  }
  EXPECT_EQ(rms(y).dtype(), kFloat32);  // librosa's default
}

TEST(AudioFeatures, PitchTuningFindsTheDeviation) {
  // Pitches 20 cents (0.2 bins) above A440 and its octaves: the histogram peaks at 0.2.
  std::vector<double> pitches;
  for (double octave : {0.5, 1.0, 2.0, 4.0}) {
    pitches.push_back(440.0 * octave * std::pow(2.0, 0.2 / 12.0));
  }
  pitches.push_back(0.0);  // ignored
  EXPECT_NEAR(pitch_tuning(pitches), 0.2, 1e-9);
  EXPECT_EQ(pitch_tuning(std::vector<double>{}), 0.0);
}

TEST(AudioFeatures, ChromaNormalisations) {
  const Tensor y = load_audio(data_path("audio/tones.wav"), {.dtype = kFloat64});
  const Tensor power = spectrogram(y, {}, 2.0);
  const Tensor raw = chroma_stft_from_spectrogram(power, kSampleRate, 0.0, 12, std::nullopt);
  const Tensor by_max = chroma_stft_from_spectrogram(power, kSampleRate, 0.0);
  const Tensor by_l2 = chroma_stft_from_spectrogram(power, kSampleRate, 0.0, 12, 2.0);
  for (int64_t t = 0; t < raw.size(1); t += 37) {
    double largest = 0.0, squares = 0.0;
    for (int64_t c = 0; c < 12; ++c) {
      largest = std::max(largest, raw.at({c, t}));
      squares += by_l2.at({c, t}) * by_l2.at({c, t});
    }
    EXPECT_NEAR(squares, 1.0, 1e-12);
    for (int64_t c = 0; c < 12; ++c)
      EXPECT_NEAR(by_max.at({c, t}), raw.at({c, t}) / largest, 1e-12);
  }
  EXPECT_ERROR_CONTAINS(chroma_stft_from_spectrogram(power, kSampleRate, 0.0, 12, -1.0), "norm");
}

TEST(AudioFeatures, FeaturesRejectBadArguments) {
  const Tensor s = ones({33, 4}, {.dtype = kFloat64});
  EXPECT_ERROR_CONTAINS(spectral_rolloff_from_spectrogram(s, 6400.0, 1.5), "roll_percent");
  EXPECT_ERROR_CONTAINS(spectral_contrast_from_spectrogram(s, 6400.0, 200.0, 6), "Nyquist");
  EXPECT_ERROR_CONTAINS(mfcc_from_log_mel(s, 40), "n_mfcc");
  EXPECT_ERROR_CONTAINS(zero_crossing_rate(ones({3}), 4, 1, false), "shorter");
  EXPECT_ERROR_CONTAINS(melspectrogram_from_spectrogram(ones({4}), 22050.0), "2-d");
}

INSTANTIATE_TEST_SUITE_P(Clips, LibrosaFeatures,
                         ::testing::ValuesIn(timbre::testing::librosa_cases(kFloat64)),
                         librosa_case_name);

}  // namespace
}  // namespace timbre::audio
