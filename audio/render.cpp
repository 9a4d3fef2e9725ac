// audio/render.cpp - the SUTD image recipes (see render.h for the table of kinds).
#include "audio/render.h"

#include <algorithm>
#include <cmath>

#include "audio/cwt.h"
#include "audio/db.h"
#include "audio/mel.h"
#include "audio/stft.h"
#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::audio {
namespace {

// The scalogram's scales: 128 geometrically spaced scales from 2 to 512 (numpy.geomspace). At
// 22,050 Hz the Morlet frequency 0.8125 / scale * sr runs from 8,958 Hz down to 35 Hz, a range
// of 8 octaves with 16 rows per octave.
constexpr int kScalogramRows = 128;
constexpr double kSmallestScale = 2.0;
constexpr double kLargestScale = 512.0;

// matplotlib's default first colour "C0" (#1f77b4), which waveshow fills with.
constexpr Rgb kWaveformBlue{31, 119, 180};

void check_signal(const Tensor& y, double sample_rate, const char* op) {
  TIMBRE_CHECK(y.defined() && y.dim() == 1, op, ": y must be a 1-d signal [samples]");
  TIMBRE_CHECK(y.device().is_cpu(), op, ": y must be on the CPU");
  TIMBRE_CHECK(y.dtype() == DType::Float32 || y.dtype() == DType::Float64, op,
               ": y must be float32 or float64");
  TIMBRE_CHECK(y.numel() >= 1, op, ": y is empty");
  TIMBRE_CHECK(sample_rate > 0.0, op, ": sample_rate must be positive, got ", sample_rate);
}

Tensor as_float64(const Tensor& x) {
  return from_vector(x.to_vector<double>(), x.sizes(), {.dtype = DType::Float64});
}

// |CWT| of y on the scalogram scales, averaged over the samples of each of `columns` columns.
// Row 0 is the largest scale (lowest frequency) so that it is drawn at the bottom.
// y: [samples] -> [128, columns]
Tensor scalogram_values(const Tensor& y, int columns) {
  TIMBRE_CHECK(columns >= 1, "scalogram: columns must be at least 1, got ", columns);
  const std::vector<double> signal = y.to_vector<double>();
  const int64_t n = static_cast<int64_t>(signal.size());
  std::vector<double> scales(kScalogramRows);
  for (int i = 0; i < kScalogramRows; ++i) {
    // geomspace: smallest * (largest / smallest)^(i / (rows - 1))
    scales[i] = kSmallestScale * std::pow(kLargestScale / kSmallestScale,
                                          static_cast<double>(i) / (kScalogramRows - 1));
  }
  std::vector<double> pooled(static_cast<size_t>(kScalogramRows) * columns,
                             0.0);  // [rows, columns]
  cwt_morlet_rows(signal, scales, CwtMethod::Fft,
                  [&](int64_t index, const std::vector<double>& coefficients) {
                    const int64_t row = kScalogramRows - 1 - index;
                    for (int64_t c = 0; c < columns; ++c) {
                      // Column c covers samples [c n / columns, (c + 1) n / columns); a column
                      // narrower than a sample shows the sample under it.
                      const int64_t begin = c * n / columns;
                      const int64_t end = std::max(begin + 1, (c + 1) * n / columns);
                      double sum = 0.0;
                      for (int64_t i = begin; i < end; ++i)
                        sum += std::fabs(coefficients[i]);
                      pooled[row * columns + c] = sum / static_cast<double>(end - begin);
                    }
                  });
  return from_vector(pooled, {kScalogramRows, columns}, {.dtype = DType::Float64});
}

// librosa.display.waveshow's envelope: for each pixel column the smallest and largest sample
// under it, filled between in blue on a white background. The vertical range is symmetric,
// [-A, A] with A = 1.05 max|y| (matplotlib's 5% autoscale margin), so silence is the middle row.
Image waveform_image(const Tensor& y, int width, int height) {
  const std::vector<double> signal = y.to_vector<double>();
  const int64_t n = static_cast<int64_t>(signal.size());
  double peak = 0.0;
  for (double v : signal)
    peak = std::max(peak, std::fabs(v));
  const double range = peak > 0.0 ? 1.05 * peak : 1.0;

  Image image;
  image.width = width;
  image.height = height;
  image.rgb.assign(static_cast<size_t>(width) * height * 3, 255);  // white
  // Amplitude v -> pixel row: +range at row 0 (top), -range at row height - 1 (bottom).
  auto row_of = [&](double v) {
    const double position = (range - v) / (2.0 * range) * (height - 1);
    return std::clamp(static_cast<int64_t>(std::lround(position)), int64_t{0},
                      static_cast<int64_t>(height - 1));
  };
  for (int64_t x = 0; x < width; ++x) {
    const int64_t begin = x * n / width;
    const int64_t end = std::max(begin + 1, (x + 1) * n / width);
    double low = signal[std::min(begin, n - 1)], high = low;
    for (int64_t i = begin; i < std::min(end, n); ++i) {
      low = std::min(low, signal[i]);
      high = std::max(high, signal[i]);
    }
    for (int64_t row = row_of(high); row <= row_of(low); ++row) {
      uint8_t* pixel = &image.rgb[static_cast<size_t>((row * width + x) * 3)];
      pixel[0] = kWaveformBlue.red;
      pixel[1] = kWaveformBlue.green;
      pixel[2] = kWaveformBlue.blue;
    }
  }
  return image;
}

}  // namespace

std::string image_kind_name(ImageKind kind) {
  switch (kind) {
    case ImageKind::Spectrogram:
      return "spectrogram";
    case ImageKind::Mel:
      return "mel";
    case ImageKind::Mfcc:
      return "mfcc";
    case ImageKind::Waveform:
      return "waveform";
    case ImageKind::Scalogram:
      return "scalogram";
  }
  return "unknown";
}

ImageKind image_kind_from_name(const std::string& name) {
  if (name == "spectrogram") return ImageKind::Spectrogram;
  if (name == "mel" || name == "melspect") return ImageKind::Mel;
  if (name == "mfcc") return ImageKind::Mfcc;
  if (name == "waveform" || name == "wavelets") return ImageKind::Waveform;
  if (name == "scalogram") return ImageKind::Scalogram;
  TIMBRE_CHECK(false, "unknown image kind '", name,
               "' (known: spectrogram, mel (melspect), mfcc, waveform (wavelets), scalogram)");
  return ImageKind::Mel;
}

Colormap default_colormap(ImageKind kind) {
  return (kind == ImageKind::Spectrogram || kind == ImageKind::Mfcc) ? Colormap::Coolwarm
                                                                     : Colormap::Magma;
}

Tensor image_values(const Tensor& y, double sample_rate, ImageKind kind, int scalogram_columns) {
  check_signal(y, sample_rate, "image_values");
  switch (kind) {
    case ImageKind::Spectrogram: {
      // |stft| (n_fft 2048, hop 512) -> 20 log10(max(1e-5, |S|) / 1), floored 80 dB below the peak.
      const Tensor magnitude = spectrogram(y, StftOptions{}, 1.0);  // [1025, frames]
      return as_float64(amplitude_to_db(magnitude, 1.0, 1e-5, 80.0));
    }
    case ImageKind::Mel: {
      // |stft|^2 (n_fft 2048, hop 1024) -> 128 Slaney mel bands -> 10 log10(S / max S), top 80 dB.
      StftOptions stft;
      stft.n_fft = 2048;
      stft.hop_length = 1024;
      MelOptions mel;
      mel.n_mels = 128;
      const Tensor power = melspectrogram(y, sample_rate, stft, mel, 2.0);  // [128, frames]
      return as_float64(power_to_db(power, RefMax{}, 1e-10, 80.0));
    }
    case ImageKind::Mfcc:
      return as_float64(mfcc(y, sample_rate, 13));  // [13, frames], hop 512
    case ImageKind::Scalogram:
      return scalogram_values(y, scalogram_columns);
    case ImageKind::Waveform:
      break;
  }
  TIMBRE_CHECK(false, "image_values: the waveform image has no matrix; call render()");
  return {};
}

Image render_values(const Tensor& values, ImageKind kind, const RenderOptions& options) {
  TIMBRE_CHECK(kind != ImageKind::Waveform, "render_values: the waveform image has no matrix");
  TIMBRE_CHECK(options.width >= 1 && options.height >= 1, "render: image size must be at least ",
               "1x1, got ", options.width, "x", options.height);
  const Colormap colormap = options.colormap.value_or(default_colormap(kind));
  const Image cells = render_matrix(values, colormap, std::nullopt, std::nullopt, true);
  return resize(cells, options.width, options.height);
}

Image render(const Tensor& y, double sample_rate, ImageKind kind, const RenderOptions& options) {
  check_signal(y, sample_rate, "render");
  TIMBRE_CHECK(options.width >= 1 && options.height >= 1, "render: image size must be at least ",
               "1x1, got ", options.width, "x", options.height);
  if (kind == ImageKind::Waveform) return waveform_image(y, options.width, options.height);
  return render_values(image_values(y, sample_rate, kind, options.width), kind, options);
}

std::vector<Tensor> split_clip(const Tensor& y, double sample_rate, double seconds) {
  check_signal(y, sample_rate, "split_clip");
  TIMBRE_CHECK(seconds > 0.0, "split_clip: seconds must be positive, got ", seconds);
  const int64_t samples = y.numel();
  const int64_t length = std::max<int64_t>(1, std::llround(seconds * sample_rate));
  const std::vector<double> values = y.to_vector<double>();
  std::vector<Tensor> slices;
  if (samples < length) {
    slices.push_back(from_vector(values, {samples}, {.dtype = y.dtype()}));  // the whole clip
    return slices;
  }
  for (int64_t start = 0; start + length <= samples; start += length) {
    std::vector<double> slice(values.begin() + start, values.begin() + start + length);
    slices.push_back(from_vector(slice, {length}, {.dtype = y.dtype()}));
  }
  return slices;
}

Tensor spec_augment_mask(const Tensor& mel_db, Generator& generator, double max_time_fraction,
                         double max_freq_fraction) {
  TIMBRE_CHECK(mel_db.defined() && mel_db.dim() == 2, "spec_augment_mask: mel_db must be 2-d");
  TIMBRE_CHECK(mel_db.device().is_cpu(), "spec_augment_mask: mel_db must be on the CPU");
  TIMBRE_CHECK(mel_db.dtype() == DType::Float32 || mel_db.dtype() == DType::Float64,
               "spec_augment_mask: mel_db must be float32 or float64");
  TIMBRE_CHECK(mel_db.numel() >= 1, "spec_augment_mask: mel_db is empty");
  TIMBRE_CHECK(max_time_fraction >= 0.0 && max_time_fraction <= 1.0 && max_freq_fraction >= 0.0 &&
                   max_freq_fraction <= 1.0,
               "spec_augment_mask: fractions must lie in [0, 1], got ", max_time_fraction, " and ",
               max_freq_fraction);
  const int64_t rows = mel_db.size(0), frames = mel_db.size(1);
  std::vector<double> cells = mel_db.to_vector<double>();  // [rows, frames]
  const double fill = *std::max_element(cells.begin(), cells.end());

  // Widths are uniform over 0..floor(fraction * size); starts uniform over the positions where
  // the mask fits.
  const auto max_width = static_cast<int64_t>(std::floor(max_time_fraction * frames));
  const auto width = static_cast<int64_t>(generator.below(static_cast<uint64_t>(max_width + 1)));
  const auto time_start =
      static_cast<int64_t>(generator.below(static_cast<uint64_t>(frames - width + 1)));
  const auto max_height = static_cast<int64_t>(std::floor(max_freq_fraction * rows));
  const auto height = static_cast<int64_t>(generator.below(static_cast<uint64_t>(max_height + 1)));
  const auto row_start =
      static_cast<int64_t>(generator.below(static_cast<uint64_t>(rows - height + 1)));

  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = time_start; t < time_start + width; ++t)
      cells[r * frames + t] = fill;
  }
  for (int64_t r = row_start; r < row_start + height; ++r) {
    for (int64_t t = 0; t < frames; ++t)
      cells[r * frames + t] = fill;
  }
  return from_vector(cells, {rows, frames}, {.dtype = DType::Float64});
}

}  // namespace timbre::audio
