// audio/feature_sets.h - the two hand-made feature sets of the reports (see
// /work/shared/spec/reports.md and docs/audio.md, "Feature sets"):
//
//   lstm33:  the SUTD LSTM's 33 features per frame (report 2),
//            [mfcc 13 | spectral_centroid 1 | chroma_stft 12 | spectral_contrast 7]
//   gtzan57: the 57 numeric columns of GTZAN's features_30_sec.csv (reports 5 and 6): means and
//            variances over frames of 7 frame features, of the HPSS waveforms, the tempo, and
//            the means and variances of 20 MFCCs.
//
// Both compute every feature with librosa 0.10.1's defaults (sr 22050, n_fft 2048, hop 512,
// Hann window, center=True) and the one pad_mode given, and run the STFT only once: librosa
// computes the same STFT inside each feature, so sharing it changes no value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// Number of columns of lstm33's result.
inline constexpr int64_t kLstm33Features = 33;

// The 33 LSTM features of each frame, as ruohoruotsi/LSTM-Music-Genre-Classification built them
// (each feature from y with librosa's defaults; chroma's tuning estimated from the clip):
//   columns  0..12  mfcc(n_mfcc=13)
//   column   13     spectral_centroid
//   columns 14..25  chroma_stft (12 pitch classes)
//   columns 26..32  spectral_contrast (fmin 200, 6 bands -> 7 rows)
// Frames are rows (the layout the LSTM reads: time first), and only the first max_frames of them
// are kept (the report uses 128, ~2.97 s); max_frames = 0 keeps every frame. The features are
// computed on the WHOLE clip before cutting, since MFCC's 80 dB floor and the tuning estimate
// depend on all of it.
// y: [samples] -> [min(frames, max_frames), 33] float64   (frames = 1 + samples / 512)
// Requires: y a 1-d float32/float64 CPU tensor with at least 2 samples; sample_rate > 0;
//           max_frames >= 0.
// Ensures:  float64 (as the repository stored them); each feature is computed in y's dtype as
//           librosa does for that dtype, then widened.
Tensor lstm33(const Tensor& y, double sample_rate, PadMode pad_mode = PadMode::Constant,
              int64_t max_frames = 128);

// The 57 GTZAN values of one clip, in CSV column order; names[i] labels values[i].
struct Gtzan57 {
  std::vector<std::string> names;  // "chroma_stft_mean", ..., "mfcc20_var" (gtzan57_names())
  std::vector<double> values;
};

// The 57 column names, in order: chroma_stft, rms, spectral_centroid, spectral_bandwidth,
// rolloff, zero_crossing_rate, harmony, perceptr (each _mean then _var), tempo, then mfcc1_mean,
// mfcc1_var, ..., mfcc20_mean, mfcc20_var. ('length' is a CSV column but not a feature.)
const std::vector<std::string>& gtzan57_names();

// The GTZAN CSV features of a clip:
//   *_mean / *_var  mean and POPULATION variance (numpy.var, ddof 0) over every entry of the
//                   feature matrix (chroma: over all 12 x frames entries), in float64
//   harmony/perceptr the harmonic / percussive waveforms of HPSS (kernel 31, power 2, margin 1)
//   tempo           beat_track's tempo in BPM (onset strength with median aggregation,
//                   start_bpm 120, tightness 100)
//   mfcc<k>         the k-th row of mfcc(n_mfcc=20), over frames
// One STFT serves chroma (|S|^2, estimated tuning), mfcc (|S|^2), the spectral features (|S|)
// and HPSS; rms, zero_crossing_rate and the onset envelope frame the signal themselves.
// y: [samples] -> 57 values
// Requires: y a 1-d float32/float64 CPU tensor with more than 1024 samples; sample_rate > 0.
// Ensures:  values.size() == names.size() == 57; every feature computed in y's dtype as librosa
//           does for that dtype (rms in y's dtype too), the statistics in float64.
Gtzan57 gtzan57(const Tensor& y, double sample_rate, PadMode pad_mode = PadMode::Constant);

// The header line of features_30_sec.csv: "filename,length,<the 57 names>,label" (no newline).
std::string gtzan_csv_header();

// One CSV line (no newline): filename, length (samples), the 57 values, label. Values are
// written in the shortest form that reads back to the same double (std::to_chars).
// Requires: values.size() == 57; filename and label hold no comma, quote or newline.
std::string gtzan_csv_row(const std::string& filename, int64_t length,
                          const std::vector<double>& values, const std::string& label);

}  // namespace timbre::audio
