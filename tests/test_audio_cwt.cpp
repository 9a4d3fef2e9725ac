// tests/test_audio_cwt.cpp - the Morlet continuous wavelet transform against PyWavelets 1.1.1.
//
// Goldens: tests/data/pywt/<clip>/ (see tests/data/README.md), cut from
// pywt.cwt(y64[:5512], scales=1..128, 'morl', sampling_period=1/22050, method='conv') on the
// first 0.25 s of each test clip: 17 of the 128 scales (rows 0, 7, 15, .., 127) x 768 of the 5512
// samples (the first, middle and last 256, so both edges are covered). The input signal is the
// decoded clip itself (tests/data/audio/<clip>.wav), as 16-bit samples are exact in float64.
// The "mix" clip begins with 0.25 s of silence, so its golden is all zeros (kept: it checks
// that silence gives exactly zero).
//
// Tolerances: coefficients |ours - pywt| <= 1e-10 (absolute; coefficients reach ~4.6, so this is
// ~2e-11 relative to the largest; both sides sum up to 2049 float64 products in different
// orders). Measured: see docs/audio.md. Frequencies: 1e-12 relative (the same three operations
// as pywt). The FFT method must agree with the golden to the same 1e-10.
#include <algorithm>
#include <cmath>
#include <string>

#include "audio/cwt.h"
#include "audio/decode.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

constexpr int64_t kSamples = 5512;  // 22050 / 4
constexpr double kSampleRate = 22050.0;
constexpr double kCoefficientTolerance = 1e-10;

struct Golden {
  Tensor signal;                    // [5512] float64
  std::vector<double> scales;       // the 17 scales of the slice
  std::vector<int64_t> columns;     // the 768 sample indices of the slice
  Tensor coefficients;              // [17, 768]
  std::vector<double> frequencies;  // [17]
};

Golden load_golden(const std::string& clip) {
  Golden golden;
  const std::string folder = "pywt/" + clip + "/";
  const Tensor y = load_audio(data_path("audio/" + clip + ".wav"), {.dtype = DType::Float64});
  std::vector<double> samples = y.to_vector<double>();
  samples.resize(kSamples);
  golden.signal = from_vector(samples, {kSamples}, {.dtype = DType::Float64});
  const std::vector<int64_t> rows = read_npy(data_path(folder + "rows.npy")).to_vector<int64_t>();
  const std::vector<double> all_scales =
      read_npy(data_path(folder + "scales.npy")).to_vector<double>();
  const std::vector<double> all_frequencies =
      read_npy(data_path(folder + "freqs.npy")).to_vector<double>();
  for (int64_t row : rows) {
    golden.scales.push_back(all_scales[row]);
    golden.frequencies.push_back(all_frequencies[row]);
  }
  golden.columns = read_npy(data_path(folder + "columns.npy")).to_vector<int64_t>();
  golden.coefficients = read_npy(data_path(folder + "coef_slice.npy"));
  return golden;
}

// Largest |ours[r, columns[c]] - golden[r, c]|.
double max_coefficient_error(const Tensor& ours, const Golden& golden) {
  const std::vector<double> a = ours.to_vector<double>();                 // [17, 5512]
  const std::vector<double> e = golden.coefficients.to_vector<double>();  // [17, 768]
  const size_t columns = golden.columns.size();
  double worst = 0.0;
  for (size_t r = 0; r < golden.scales.size(); ++r) {
    for (size_t c = 0; c < columns; ++c) {
      const double actual = a[r * kSamples + golden.columns[c]];
      worst = std::max(worst, std::fabs(actual - e[r * columns + c]));
    }
  }
  return worst;
}

class PywtCwt : public ::testing::TestWithParam<std::string> {};

TEST_P(PywtCwt, ConvolutionMatchesPywt) {
  const Golden golden = load_golden(GetParam());
  ASSERT_EQ(golden.coefficients.sizes(), (Shape{17, 768}));
  const CwtResult result = cwt_morlet(golden.signal, golden.scales, 1.0 / kSampleRate);
  ASSERT_EQ(result.coefficients.sizes(), (Shape{17, kSamples}));
  const double error = max_coefficient_error(result.coefficients, golden);
  std::cout << GetParam() << " conv: max |coef - pywt| = " << error << "\n";
  EXPECT_LE(error, kCoefficientTolerance);
  const std::vector<double> frequencies = result.frequencies.to_vector<double>();
  for (size_t i = 0; i < frequencies.size(); ++i) {
    EXPECT_NEAR(frequencies[i], golden.frequencies[i], 1e-12 * golden.frequencies[i]) << i;
  }
}

TEST_P(PywtCwt, FftMethodMatchesPywt) {
  const Golden golden = load_golden(GetParam());
  const CwtResult result =
      cwt_morlet(golden.signal, golden.scales, 1.0 / kSampleRate, CwtMethod::Fft);
  const double error = max_coefficient_error(result.coefficients, golden);
  std::cout << GetParam() << " fft: max |coef - pywt| = " << error << "\n";
  EXPECT_LE(error, kCoefficientTolerance);
}

INSTANTIATE_TEST_SUITE_P(Clips, PywtCwt, ::testing::Values("tones", "drums", "mix"));

TEST(MorletWavelet, CentralFrequencyIsPywts) {
  EXPECT_DOUBLE_EQ(morlet_central_frequency(10), 0.8125);  // 13 / 16
}

TEST(MorletWavelet, FilterLengthFollowsTheScale) {
  // ceil(16 s + 1) samples of the integrated wavelet, minus those past its end.
  EXPECT_EQ(morlet_filter_length(1.0), 17);
  EXPECT_EQ(morlet_filter_length(128.0), 2049);
}

TEST(MorletWavelet, IntegratedWaveletIsNearlyZeroAtBothEnds) {
  // The real Morlet wavelet does not have exactly zero mean: its integral over the line is
  // sqrt(2 pi) exp(-25 / 2) = 9.33e-6 (the Fourier transform of the Gaussian at frequency 5).
  // The rectangle rule on pywt's grid gives the same to ~1e-9.
  const IntegratedWavelet wavelet = integrate_morlet(10);
  ASSERT_EQ(wavelet.values.size(), 1024u);
  EXPECT_NEAR(wavelet.values.front(), 0.0, 1e-12);
  EXPECT_NEAR(wavelet.values.back(), std::sqrt(2.0 * M_PI) * std::exp(-12.5), 1e-8);
}

TEST(MorletWavelet, RejectsBadArguments) {
  const Tensor y = zeros({16}, {.dtype = DType::Float64});
  EXPECT_ERROR_CONTAINS(cwt_morlet(y, {}), "no scales");
  EXPECT_ERROR_CONTAINS(cwt_morlet(y, {-1.0}), "positive");
  EXPECT_ERROR_CONTAINS(cwt_morlet(y, {0.01}), "too small");
  EXPECT_ERROR_CONTAINS(cwt_morlet(zeros({2, 3}, {.dtype = DType::Float64}), {1.0}), "1-d");
}

TEST(MorletWavelet, PeaksAtTheScaleOfASine) {
  // A sine at the frequency of scale 8 (0.8125 / 8 cycles per sample) should give its largest
  // mean |coefficient| near scale 8 among scales 4..16.
  std::vector<double> samples(2048);
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] = std::sin(2.0 * M_PI * 0.8125 / 8.0 * i);
  const Tensor y = from_vector(samples, {2048}, {.dtype = DType::Float64});
  const std::vector<double> scales = {4.0, 6.0, 8.0, 11.0, 16.0};
  const std::vector<double> c = cwt_morlet(y, scales).coefficients.to_vector<double>();
  std::vector<double> energy(scales.size(), 0.0);
  for (size_t s = 0; s < scales.size(); ++s) {
    for (int64_t i = 512; i < 1536; ++i)
      energy[s] += std::fabs(c[s * 2048 + i]);
  }
  EXPECT_EQ(std::max_element(energy.begin(), energy.end()) - energy.begin(), 2);
}

}  // namespace
}  // namespace timbre::audio
