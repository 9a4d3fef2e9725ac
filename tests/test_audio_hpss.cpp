// tests/test_audio_hpss.cpp - the sliding-window median filter against a naive median with
// scipy.ndimage's conventions, and harmonic/percussive separation against librosa 0.10.1.
//
// Goldens (tests/data/README.md): tests/data/librosa/<clip>/<pad>_float32/
// hpss_{harmonic,percussive}_slices.npy hold samples [0, 4096), [108202, 112298) and
// [216404, 220500) of librosa.effects.hpss(y) (kernel 31, power 2, margin 1, pad_mode <pad>) in
// float32; the float64 goldens hold no waveforms, so the float64 path is checked through the
// means and variances of the whole waveforms stored in gtzan57.npy (harmony_*, perceptr_*).
//
// Tolerances (measured maxima in docs/audio.md):
//   float32 waveforms: |ours - librosa| <= 5e-7 (measured max 1.2e-7, i.e. 1 float32 ulp at
//     0.5 - 1). librosa's float32 HPSS rounds |S|, the phase, the masks and the masked STFT to
//     float32 (we repeat those steps in float32) and its istft adds rounding of ~1e-7 of the
//     STFT's size; an error in the algorithm (a median off by one frame, a wrong edge mode or
//     mask) moves samples by 1e-3 or more.
//   gtzan57 statistics of the whole waveforms: float64 mean 1e-15 absolute, variance 1e-11
//     relative (measured 2e-17 and 8e-13); float32 mean 1e-10 absolute, variance 1e-7 relative
//     (measured 7e-12 and 7e-9: float32 rounding of each sample, averaged).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "audio/decode.h"
#include "audio/hpss.h"
#include "audio/median_filter.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

// ---- Median filter vs a naive median ----------------------------------------------------------

// scipy.ndimage mode='reflect' index (edge sample repeated, periodic with period 2 length).
int64_t naive_reflect(int64_t i, int64_t length) {
  while (i < 0 || i >= length)
    i = i < 0 ? -i - 1 : 2 * length - 1 - i;
  return i;
}

// The obvious median filter: gather, sort, take rank window/2.
std::vector<double> naive_median(const std::vector<double>& x, int64_t rows, int64_t columns,
                                 int64_t window, MedianAxis axis) {
  std::vector<double> out(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < columns; ++c) {
      std::vector<double> values;
      for (int64_t o = -window / 2; o < window - window / 2; ++o) {
        if (axis == MedianAxis::Time) {
          values.push_back(x[r * columns + naive_reflect(c + o, columns)]);
        } else {
          values.push_back(x[naive_reflect(r + o, rows) * columns + c]);
        }
      }
      std::sort(values.begin(), values.end());
      out[r * columns + c] = values[window / 2];
    }
  }
  return out;
}

TEST(MedianFilter, MatchesNaiveMedianForOddAndEvenWindows) {
  std::mt19937 engine(7);
  std::uniform_int_distribution<int> small(0, 5);  // many ties
  std::normal_distribution<double> normal(0.0, 1.0);
  for (const bool ties : {false, true}) {
    for (const DType dtype : {kFloat32, kFloat64}) {
      const int64_t rows = 13, columns = 17;
      std::vector<double> x(rows * columns);
      for (double& v : x)
        v = ties ? small(engine) : normal(engine);
      const Tensor input = from_vector(x, {rows, columns}, {.dtype = dtype});
      const std::vector<double> rounded = input.to_vector<double>();
      // Windows longer than the sequence (17, 31, 40) exercise the periodic mirror.
      for (const int64_t window : {1, 2, 3, 4, 5, 8, 17, 31, 40}) {
        for (const MedianAxis axis : {MedianAxis::Time, MedianAxis::Frequency}) {
          const Tensor out = median_filter_2d(input, window, axis);
          EXPECT_EQ(out.dtype(), dtype);
          EXPECT_EQ(out.to_vector<double>(), naive_median(rounded, rows, columns, window, axis))
              << "window " << window << (axis == MedianAxis::Time ? " time" : " frequency")
              << (ties ? " with ties" : "");
        }
      }
    }
  }
}

// median_filter_2d of x (float32 values) along both axes equals the naive median, exactly.
void expect_float32_filter_matches_naive(const std::vector<double>& x, int64_t rows,
                                         int64_t columns, int64_t window) {
  const Tensor input = from_vector(x, {rows, columns}, {.dtype = kFloat32});
  for (const MedianAxis axis : {MedianAxis::Time, MedianAxis::Frequency}) {
    EXPECT_EQ(median_filter_2d(input, window, axis).to_vector<double>(),
              naive_median(x, rows, columns, window, axis))
        << rows << " x " << columns << ", window " << window
        << (axis == MedianAxis::Time ? " time" : " frequency");
  }
}

// `count` random float32 values (exactly representable, so the naive median sees the same ones).
std::vector<double> random_float32_values(int64_t count, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> x(count);
  for (double& v : x)
    v = static_cast<float>(uniform(engine));
  return x;
}

// float32 filters with windows of up to 32 go through the sorting networks
// (audio/median_network.h) where the CPU has AVX-512 (16 lanes) or AVX2 (8 lanes); many ties.
TEST(MedianFilter, Float32NetworkPathMatchesNaiveMedianWithTies) {
  std::mt19937 engine(11);
  std::uniform_int_distribution<int> small(0, 9);
  const int64_t rows = 37, columns = 70;
  std::vector<double> x(rows * columns);
  for (double& v : x)
    v = small(engine) * 0.25;
  for (const int64_t window : {16, 31, 32})
    expect_float32_filter_matches_naive(x, rows, columns, window);
}

// Every window the networks take (1 .. 32), on distinct random values and on a shape whose rows
// and columns are neither multiples of the vector width nor of window 31's groups of 8 outputs:
// each axis runs full groups, the outputs left after them, and a part-filled last vector.
TEST(MedianFilter, Float32NetworkEveryWindowMatchesNaiveMedian) {
  const int64_t rows = 45, columns = 83;
  const std::vector<double> x = random_float32_values(rows * columns, 5);
  for (int64_t window = 1; window <= 32; ++window)
    expect_float32_filter_matches_naive(x, rows, columns, window);
}

// Window 31 on arrays shorter than a group (fewer than 8 outputs along the axis) and a single
// row or column: every output goes through the one-window network, edges reflect many times.
TEST(MedianFilter, Float32Window31OnArraysShorterThanAGroup) {
  for (const auto& [rows, columns] : std::vector<std::pair<int64_t, int64_t>>{
           {1, 1}, {1, 7}, {7, 1}, {3, 9}, {9, 3}, {8, 8}, {17, 2}}) {
    expect_float32_filter_matches_naive(random_float32_values(rows * columns, 6), rows, columns,
                                        31);
  }
}

TEST(MedianFilter, ScipyEdgeAndEvenWindowConventions) {
  // scipy.ndimage.median_filter([1, 5, 2, 8, 3], size=3, mode='reflect') = [1, 2, 5, 3, 3]:
  // the left edge sees [1, 1, 5], the right one [8, 3, 3].
  const Tensor x = from_vector(std::vector<double>{1, 5, 2, 8, 3}, {1, 5}, {.dtype = kFloat64});
  EXPECT_EQ(median_filter_2d(x, 3, MedianAxis::Time).to_vector<double>(),
            (std::vector<double>{1, 2, 5, 3, 3}));
  // size=4 covers offsets -2..+1 and returns the upper middle value (rank 2 of 0..3):
  // i=0: [5 1 1 5] -> 5; i=1: [1 1 5 2] -> 2; i=2: [1 5 2 8] -> 5; i=3: [5 2 8 3] -> 5;
  // i=4: [2 8 3 3] -> 3.
  EXPECT_EQ(median_filter_2d(x, 4, MedianAxis::Time).to_vector<double>(),
            (std::vector<double>{5, 2, 5, 5, 3}));
  // A column is filtered the same way as a row.
  EXPECT_EQ(median_filter_2d(x.reshape({5, 1}), 3, MedianAxis::Frequency).to_vector<double>(),
            (std::vector<double>{1, 2, 5, 3, 3}));
  // Non-contiguous input (a transposed view) is accepted.
  EXPECT_EQ(
      median_filter_2d(x.reshape({5, 1}).transpose(0, 1), 3, MedianAxis::Time).to_vector<double>(),
      (std::vector<double>{1, 2, 5, 3, 3}));
}

TEST(MedianFilter, InvalidArguments) {
  EXPECT_ERROR_CONTAINS(median_filter_2d(zeros({4}), 3, MedianAxis::Time), "2-d");
  EXPECT_ERROR_CONTAINS(median_filter_2d(zeros({4, 4}), 0, MedianAxis::Time), "window");
}

// ---- softmask and hpss on small inputs ---------------------------------------------------------

TEST(Hpss, SoftmaskValues) {
  // mask = x^2 / (x^2 + ref^2); both zero: 0.5 with split_zeros, else 0.
  const Tensor x = from_vector(std::vector<double>{3, 0, 1, 0}, {4}, {.dtype = kFloat64});
  const Tensor ref = from_vector(std::vector<double>{4, 2, 0, 0}, {4}, {.dtype = kFloat64});
  const std::vector<double> split = softmask(x, ref, 2.0, true).to_vector<double>();
  EXPECT_NEAR(split[0], 9.0 / 25.0, 1e-15);
  EXPECT_EQ(split[1], 0.0);
  EXPECT_EQ(split[2], 1.0);
  EXPECT_EQ(split[3], 0.5);
  EXPECT_EQ(softmask(x, ref, 2.0, false).to_vector<double>()[3], 0.0);
}

TEST(Hpss, PartsSumToTheSpectrumWithMarginOne) {
  std::mt19937 engine(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> re(65 * 40), im(65 * 40);
  for (size_t i = 0; i < re.size(); ++i) {
    re[i] = normal(engine);
    im[i] = normal(engine);
  }
  const ComplexSpectrogram S{from_vector(re, {65, 40}, {.dtype = kFloat64}),
                             from_vector(im, {65, 40}, {.dtype = kFloat64})};
  const HpssResult parts = hpss(S, 7);
  const std::vector<double> hr = parts.harmonic.real.to_vector<double>(),
                            pr = parts.percussive.real.to_vector<double>(),
                            hi = parts.harmonic.imag.to_vector<double>(),
                            pi = parts.percussive.imag.to_vector<double>();
  for (size_t i = 0; i < re.size(); ++i) {
    EXPECT_NEAR(hr[i] + pr[i], re[i], 1e-12);
    EXPECT_NEAR(hi[i] + pi[i], im[i], 1e-12);
  }
}

// ---- librosa parity ----------------------------------------------------------------------------

using Case = timbre::testing::LibrosaCase;
using timbre::testing::librosa_case_name;

// Population mean and variance (np.mean, np.var with ddof 0), in double.
std::pair<double, double> mean_and_variance(const std::vector<double>& v) {
  double mean = 0.0;
  for (double x : v)
    mean += x;
  mean /= static_cast<double>(v.size());
  double variance = 0.0;
  for (double x : v)
    variance += (x - mean) * (x - mean);
  return {mean, variance / static_cast<double>(v.size())};
}

class LibrosaHpss : public ::testing::TestWithParam<Case> {};

TEST_P(LibrosaHpss, Waveforms) {
  const Case& c = GetParam();
  const Tensor y = load_audio(data_path("audio/" + c.clip + ".wav"), {.dtype = c.dtype});
  const auto [harmonic, percussive] = hpss_waveforms(y, {.pad_mode = c.pad_mode});
  ASSERT_EQ(harmonic.dtype(), c.dtype);
  ASSERT_EQ(harmonic.numel(), 220500);
  ASSERT_EQ(percussive.numel(), 220500);

  // gtzan57 columns 12..15: harmony_mean, harmony_var, perceptr_mean, perceptr_var.
  const std::vector<double> gtzan = c.golden("gtzan57").to_vector<double>();
  const auto [harmony_mean, harmony_var] = mean_and_variance(harmonic.to_vector<double>());
  const auto [perceptr_mean, perceptr_var] = mean_and_variance(percussive.to_vector<double>());
  const double mean_atol = c.dtype == kFloat32 ? 1e-10 : 1e-15;
  const double var_rtol = c.dtype == kFloat32 ? 1e-7 : 1e-11;
  EXPECT_NEAR(harmony_mean, gtzan[12], mean_atol);
  EXPECT_NEAR(harmony_var, gtzan[13], var_rtol * gtzan[13]);
  EXPECT_NEAR(perceptr_mean, gtzan[14], mean_atol);
  EXPECT_NEAR(perceptr_var, gtzan[15], var_rtol * gtzan[15]);
  std::cout << "[agreement] " << c.folder()
            << " harmony_var rel=" << std::fabs(harmony_var - gtzan[13]) / gtzan[13]
            << " perceptr_var rel=" << std::fabs(perceptr_var - gtzan[15]) / gtzan[15]
            << " means abs=" << std::fabs(harmony_mean - gtzan[12]) << ", "
            << std::fabs(perceptr_mean - gtzan[14]) << "\n";
  if (c.dtype != kFloat32) return;  // no float64 waveform goldens

  const int64_t length = 4096, n = 220500;
  const int64_t starts[3] = {0, n / 2 - length / 2, n - length};
  for (const bool is_harmonic : {true, false}) {
    const std::string name = is_harmonic ? "hpss_harmonic" : "hpss_percussive";
    const std::vector<double> expected = c.golden(name + "_slices").to_vector<double>();
    const std::vector<double> actual = (is_harmonic ? harmonic : percussive).to_vector<double>();
    ASSERT_EQ(expected.size(), 3u * length);
    double max_absolute = 0.0;
    int64_t failures = 0;
    for (int64_t s = 0; s < 3; ++s) {
      for (int64_t i = 0; i < length; ++i) {
        const double e = expected[s * length + i], a = actual[starts[s] + i];
        const double error = std::fabs(a - e);
        max_absolute = std::max(max_absolute, error);
        if (!(error <= 5e-7) && failures++ == 0) {
          ADD_FAILURE() << name << " sample " << starts[s] + i << ": " << a << " vs " << e;
        }
      }
    }
    EXPECT_EQ(failures, 0) << c.folder() << " " << name;
    std::cout << "[agreement] " << c.folder() << " " << name << " max_abs=" << max_absolute << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Clips, LibrosaHpss,
                         ::testing::ValuesIn(timbre::testing::librosa_cases(kFloat64)),
                         librosa_case_name);

// Given |S| (as gtzan57 has it already), hpss gives what it gives computing |S| itself, bit for
// bit, also for a spectrum that is a view (every other frame of a larger one).
TEST(Hpss, GivenMagnitudeGivesTheSameParts) {
  const Tensor y = load_audio(data_path("audio/mix.wav"), {.dtype = kFloat32});
  const ComplexSpectrogram whole = stft(y, {.pad_mode = PadMode::Reflect});
  const int64_t frames = whole.real.size(1);
  const ComplexSpectrogram views{whole.real.slice(1, 0, frames, 2),
                                 whole.imag.slice(1, 0, frames, 2)};
  using timbre::testing::all_close;
  for (const ComplexSpectrogram& S : {whole, views}) {
    const ComplexSpectrogram contiguous{S.real.contiguous(), S.imag.contiguous()};
    const HpssResult computed = hpss(S), given = hpss(S, magnitude(contiguous));
    EXPECT_TRUE(all_close(given.harmonic.real, computed.harmonic.real, 0.0, 0.0));
    EXPECT_TRUE(all_close(given.harmonic.imag, computed.harmonic.imag, 0.0, 0.0));
    EXPECT_TRUE(all_close(given.percussive.real, computed.percussive.real, 0.0, 0.0));
    EXPECT_TRUE(all_close(given.percussive.imag, computed.percussive.imag, 0.0, 0.0));
  }
}

TEST(Hpss, RejectsAMagnitudeOfAnotherShapeOrDtype) {
  const Tensor y = load_audio(data_path("audio/mix.wav"), {.dtype = kFloat32});
  const ComplexSpectrogram S = stft(y);
  EXPECT_ERROR_CONTAINS(hpss(S, zeros({3, 4})), "magnitude");
  EXPECT_ERROR_CONTAINS(hpss(S, magnitude(S).to(kFloat64)), "magnitude");
}

}  // namespace
}  // namespace timbre::audio
