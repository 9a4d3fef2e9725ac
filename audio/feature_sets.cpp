// audio/feature_sets.cpp - lstm33 and gtzan57 (see feature_sets.h).
#include "audio/feature_sets.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "audio/beat.h"
#include "audio/chroma.h"
#include "audio/db.h"
#include "audio/hpss.h"
#include "audio/mel.h"
#include "audio/onset.h"
#include "audio/spectral.h"
#include "audio/statistics.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// The STFT parameters both feature sets use: librosa's defaults with the caller's pad_mode.
StftOptions default_stft(PadMode pad_mode) {
  return {.n_fft = 2048, .hop_length = 512, .center = true, .pad_mode = pad_mode};
}

// |S|^2 from |S|, squared in |S|'s own dtype: exactly what librosa's _spectrogram (and so
// audio::spectrogram(y, power=2)) computes, so features fed with it match their from-y versions.
// magnitude: [bins, frames] -> [bins, frames], same dtype
Tensor squared(const Tensor& magnitude_spectrogram) {
  Tensor result = kernels::clone(magnitude_spectrogram);  // contiguous
  dispatch_floating(result.dtype(), "squared", [&]<typename T>() {
    T* values = result.data_ptr<T>();
    const int64_t count = result.numel();
    for (int64_t i = 0; i < count; ++i)
      values[i] = values[i] * values[i];
  });
  return result;
}

// The log-mel spectrogram both librosa.feature.mfcc and librosa.onset.onset_strength start from:
// power_to_db(melspectrogram(128 mels, Slaney), ref=1, amin=1e-10, top_db=80).
// power: [1 + n_fft/2, frames] -> [128, frames], power's dtype
Tensor log_mel_from_power(const Tensor& power, double sample_rate) {
  const Tensor mel = melspectrogram_from_spectrogram(power, sample_rate);
  return power_to_db(mel, 1.0, 1e-10, 80.0);
}

// The MFCCs of a power spectrogram, as librosa.feature.mfcc(y=y, n_mfcc) computes them.
// power: [1 + n_fft/2, frames] -> [n_mfcc, frames], power's dtype
Tensor mfcc_from_power(const Tensor& power, double sample_rate, int64_t n_mfcc) {
  return mfcc_from_log_mel(log_mel_from_power(power, sample_rate), n_mfcc);
}

// Checks the signal both feature sets take.
void check_signal(const Tensor& y, double sample_rate, int64_t minimum_samples,
                  const char* function) {
  TIMBRE_CHECK(y.defined() && y.dim() == 1, function, ": expected a 1-d signal [samples], got ",
               y.defined() ? shape_str(y.sizes()) : std::string("an undefined tensor"));
  TIMBRE_CHECK(y.dtype() == DType::Float32 || y.dtype() == DType::Float64, function,
               ": expected a float32 or float64 signal, got ", dtype_name(y.dtype()));
  TIMBRE_CHECK(y.numel() >= minimum_samples, function, ": expected at least ", minimum_samples,
               " samples, got ", y.numel());
  TIMBRE_CHECK(sample_rate > 0.0, function, ": sample rate must be positive, got ", sample_rate);
}

}  // namespace

Tensor lstm33(const Tensor& y, double sample_rate, PadMode pad_mode, int64_t max_frames) {
  check_signal(y, sample_rate, 2, "lstm33");
  TIMBRE_CHECK(max_frames >= 0, "lstm33: max_frames must be >= 0 (0 keeps all), got ", max_frames);

  // One STFT for all four features (librosa runs the same one four times).
  const Tensor magnitude_spectrogram = spectrogram(y, default_stft(pad_mode), 1.0);  // [1025, T]
  const Tensor power_spectrogram = squared(magnitude_spectrogram);                   // [1025, T]

  // Each block is [rows, T]; centroid and contrast are float64, mfcc and chroma y's dtype.
  const Tensor blocks[] = {
      mfcc_from_power(power_spectrogram, sample_rate, 13),                     // [13, T]
      spectral_centroid_from_spectrogram(magnitude_spectrogram, sample_rate),  // [1, T]
      chroma_stft_from_spectrogram(power_spectrogram, sample_rate),            // [12, T]
      spectral_contrast_from_spectrogram(magnitude_spectrogram, sample_rate),  // [7, T]
  };

  const int64_t all_frames = magnitude_spectrogram.size(1);
  const int64_t frames = max_frames == 0 ? all_frames : std::min(all_frames, max_frames);

  // Transpose the first `frames` columns of each block into [frames, 33], widening to double.
  std::vector<double> table(static_cast<size_t>(frames * kLstm33Features));
  int64_t column = 0;
  for (const Tensor& block : blocks) {
    const std::vector<double> values = block.to_vector<double>();  // row-major [rows, all_frames]
    for (int64_t row = 0; row < block.size(0); ++row, ++column) {
      for (int64_t frame = 0; frame < frames; ++frame) {
        table[frame * kLstm33Features + column] = values[row * all_frames + frame];
      }
    }
  }
  TIMBRE_CHECK(column == kLstm33Features, "lstm33: internal error, built ", column, " columns");
  return from_vector(table, {frames, kLstm33Features});
}

Gtzan57 gtzan57(const Tensor& y, double sample_rate, PadMode pad_mode) {
  check_signal(y, sample_rate, 1025, "gtzan57");  // reflect padding needs > n_fft / 2 samples
  const StftOptions options = default_stft(pad_mode);
  const int64_t hop = options.hop_length;

  // One STFT for chroma, the spectral features, mfcc, the onset envelope and HPSS.
  const ComplexSpectrogram spectrum = stft(y, options);                       // [1025, T] each
  const Tensor magnitude_spectrogram = magnitude(spectrum);                   // [1025, T]
  const Tensor power_spectrogram = squared(magnitude_spectrogram);            // [1025, T]
  const Tensor log_mel = log_mel_from_power(power_spectrogram, sample_rate);  // [128, T]

  // librosa.effects.hpss: masks on the shared STFT, back to waveforms of len(y) samples.
  const HpssResult parts = hpss(spectrum, magnitude_spectrogram);
  const Tensor harmonic = istft(parts.harmonic, options, y.numel());      // [samples]
  const Tensor percussive = istft(parts.percussive, options, y.numel());  // [samples]

  // beat_track(y=y) computes the onset envelope with median aggregation from the same log-mel.
  const OnsetOptions onset = {.stft = options, .aggregate = OnsetAggregate::Median};
  const Tensor envelope = onset_strength_from_db(log_mel, onset);  // [T]
  const double beats_per_minute = beat_track_from_onset(envelope, sample_rate, hop).tempo;

  // In CSV order; each [rows, T] (or [samples]) and reduced over ALL its entries.
  const Tensor frame_features[] = {
      chroma_stft_from_spectrogram(power_spectrogram, sample_rate),             // [12, T]
      rms(y, options.n_fft, hop, true, pad_mode, y.dtype()),                    // [1, T]
      spectral_centroid_from_spectrogram(magnitude_spectrogram, sample_rate),   // [1, T]
      spectral_bandwidth_from_spectrogram(magnitude_spectrogram, sample_rate),  // [1, T]
      spectral_rolloff_from_spectrogram(magnitude_spectrogram, sample_rate),    // [1, T]
      zero_crossing_rate(y, options.n_fft, hop, true),                          // [1, T]
      harmonic,                                                                 // [samples]
      percussive,                                                               // [samples]
  };
  Gtzan57 result;
  result.names = gtzan57_names();
  for (const Tensor& feature : frame_features) {
    // Widened to double entry by entry, as numpy's astype(float64) before np.mean / np.var.
    const MeanVariance statistics = mean_and_variance(feature);
    result.values.push_back(statistics.mean);
    result.values.push_back(statistics.variance);
  }
  result.values.push_back(beats_per_minute);

  // mfcc1..20: statistics of each coefficient over frames.
  for (const MeanVariance& statistics : mean_and_variance_of_rows(mfcc_from_log_mel(log_mel, 20))) {
    result.values.push_back(statistics.mean);
    result.values.push_back(statistics.variance);
  }
  TIMBRE_CHECK(result.values.size() == result.names.size(), "gtzan57: internal error, ",
               result.values.size(), " values for ", result.names.size(), " names");
  return result;
}

const std::vector<std::string>& gtzan57_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const char* feature : {"chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth",
                                "rolloff", "zero_crossing_rate", "harmony", "perceptr"}) {
      result.push_back(std::string(feature) + "_mean");
      result.push_back(std::string(feature) + "_var");
    }
    result.push_back("tempo");
    for (int k = 1; k <= 20; ++k) {
      result.push_back("mfcc" + std::to_string(k) + "_mean");
      result.push_back("mfcc" + std::to_string(k) + "_var");
    }
    return result;
  }();
  return names;
}

std::string gtzan_csv_header() {
  std::string header = "filename,length";
  for (const std::string& name : gtzan57_names())
    header += "," + name;
  return header + ",label";
}

std::string gtzan_csv_row(const std::string& filename, int64_t length,
                          const std::vector<double>& values, const std::string& label) {
  TIMBRE_CHECK(values.size() == gtzan57_names().size(), "gtzan_csv_row: expected ",
               gtzan57_names().size(), " values, got ", values.size());
  for (const std::string* text : {&filename, &label}) {
    TIMBRE_CHECK(text->find_first_of(",\"\n\r") == std::string::npos, "gtzan_csv_row: '", *text,
                 "' holds a comma, quote or newline");
  }
  std::string row = filename + "," + std::to_string(length);
  for (const double value : values) {
    char buffer[32];  // the shortest round-trip form of a double needs at most 24 characters
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    TIMBRE_CHECK(error == std::errc(), "gtzan_csv_row: could not format ", value);
    row += ",";
    row.append(buffer, end);
  }
  return row + "," + label;
}

}  // namespace timbre::audio
