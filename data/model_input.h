// data/model_input.h - how a trained model reads a piece of audio: the "input recipe" a lab saves
// in its checkpoint's metadata, so that `timbre classify` prepares a new song exactly as the
// training data were prepared, and the sliding windows of segment voting (Chourdakis, report 4).
//
//   recipe       the model's input for one window of samples y
//   image        the picture of y (audio::render, kind and size) as float32 [3, H, W], pixel/255:
//                the same values as preprocessing's PNG read back (8-bit RGB is lossless)
//   lstm33       audio::lstm33(y) first `frames` rows, float32 [frames, 33]
//   mel_segment  power_to_db(melspectrogram(y, n_fft 2048, hop 512, 128 mels), ref=max) as
//                float32 [1, 128, frames] (cut or zero-padded to `frames` columns)
//   features     the 57 GTZAN values of y (audio::gtzan57), with the sample count first when
//                with_length (Clairvoyant's 58 inputs), standardised by the run's scaler,
//                float32 [57 or 58]
//   image_features  the image (resized to width x height) and the features: two inputs (UConn)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/standardize.h"
#include "tensor/tensor.h"

namespace timbre::data {

struct InputRecipe {
  std::string kind = "image";      // image, lstm33, mel_segment, features, image_features
  std::string image_kind = "mel";  // image: spectrogram, mel, mfcc, waveform, scalogram
  int width = 432;                 // image: picture size in pixels
  int height = 288;
  int64_t frames = 128;      // lstm33: rows kept; mel_segment: columns
  bool with_length = false;  // features: the `length` column first
  double sample_rate = 22050;
  // The length of audio one training example was made from (30 for whole GTZAN clips, 10 for
  // the split mel slices, 3 for segments): `timbre classify` cuts songs into windows of it.
  double segment_seconds = 3.0;

  // The recipe as checkpoint metadata ("input", "image_kind", "width", "height", "frames",
  // "with_length", "sample_rate", "segment_seconds"), and back. from_metadata reads what
  // to_metadata wrote. Throws timbre::Error naming the key for a missing "input" or a malformed
  // number.
  std::vector<std::pair<std::string, std::string>> to_metadata() const;
  static InputRecipe from_metadata(const std::vector<std::pair<std::string, std::string>>& meta);
  // The recipe the labs use for a registry model when its weights carry none (e.g. weights from
  // `timbre save-init`): sutd_cnn* a 30-s mel picture, sutd_lstm lstm33 of 3 s, fma_cnn a 3-s
  // mel segment of 130 frames, clairvoyant_mlp the 58 features of 3 s, uconn_hybrid a 128x128
  // mel picture and the 57 features of 30 s.
  // Requires: `model` one of models::model_names() (else timbre::Error).
  static InputRecipe default_for_model(const std::string& model);
  // True for the recipes that need a StandardScaler (features, image_features).
  bool needs_scaler() const { return kind == "features" || kind == "image_features"; }
};

// The model's inputs for one window of audio (no batch dimension), see the table above.
// y: [samples] float32
// Requires: y 1-d float32/float64 CPU; a fitted scaler when recipe.needs_scaler() (else
//           timbre::Error); recipe.kind one of the five kinds (else timbre::Error listing them).
std::vector<Tensor> make_model_inputs(const InputRecipe& recipe, const Tensor& y,
                                      const StandardScaler* scaler);

// The mel_segment input: power_to_db(melspectrogram(y, n_fft 2048, hop 512, 128 mels, power 2),
// ref=max, top_db 80), cut to its first `frames` columns or padded on the right with the
// segment's smallest value (silence) up to `frames`.
// y: [samples] -> float32 [1, 128, frames]
// Requires: y 1-d float32/float64 CPU with >= 1 sample; frames >= 1.
Tensor mel_segment(const Tensor& y, double sample_rate, int64_t frames);

// Windows of `window_seconds` every `hop_seconds` (Chourdakis: 3-s patches every ~1 s):
// window k covers samples [k * hop, k * hop + window) for every k with the window inside y; a
// clip shorter than one window gives one window holding the whole clip.
// y: [samples] -> each [round(window_seconds * sample_rate)] (or [samples] when shorter)
// Requires: y 1-d CPU with >= 1 sample; window_seconds, hop_seconds, sample_rate > 0.
std::vector<Tensor> sliding_windows(const Tensor& y, double sample_rate, double window_seconds,
                                    double hop_seconds);

// The `seconds` around the middle of y (the whole of y when it is shorter): the service's
// "classify only 7 s around the middle" option.
// y: [samples] -> [min(samples, round(seconds * sample_rate))]
// Requires: y 1-d CPU; seconds, sample_rate > 0.
Tensor middle_window(const Tensor& y, double sample_rate, double seconds);

}  // namespace timbre::data
