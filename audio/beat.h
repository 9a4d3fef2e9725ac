// audio/beat.h - global tempo estimation and dynamic-programming beat tracking (Ellis 2007), as
// librosa 0.10.1's feature.tempo (= beat.tempo) and beat.beat_track.
//
// Tempo: the onset envelope is cut into 8-s windows (one per frame), each Hann-weighted and
// autocorrelated; the autocorrelations (each scaled to max 1) are averaged and the lag with the
// largest log1p(1e6 * acf) + log-normal prior (centred on start_bpm, 1 octave std) wins. The
// tempo is therefore always 60 sr / (hop * lag) for an integer lag.
//
// Beats: with period = round(60 sr / (hop * tempo)) frames, a dynamic program picks beat times
// that land on strong onsets while keeping inter-beat intervals close to the period; the first
// and last weak beats are trimmed.
#pragma once

#include <cstdint>
#include <vector>

#include "audio/onset.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// librosa.feature.tempo(onset_envelope=..., sr, hop_length, start_bpm, std_bpm=1, ac_size=8,
// max_tempo=320, aggregate=np.mean, prior=None), the single global tempo in beats per minute.
// onset_envelope: [frames]
// Requires: 1-d float32/float64 CPU tensor with >= 1 frame; sample_rate > 0; hop_length >= 1;
//           start_bpm > 0.
// Ensures:  a value 60 sr / (hop k) for an integer lag k of the 8-s autocorrelation window.
double tempo(const Tensor& onset_envelope, double sample_rate, int64_t hop_length = 512,
             double start_bpm = 120.0);

struct BeatResult {
  double tempo = 0.0;                // beats per minute (0 when the envelope is all zero)
  std::vector<int64_t> beat_frames;  // frame indices of the beats, increasing
};

struct BeatOptions {
  OnsetOptions onset = {.aggregate = OnsetAggregate::Median};  // as beat_track(y=...) computes it
  double start_bpm = 120.0;
  double tightness = 100.0;  // how strongly intervals are held to the period
  bool trim = true;          // drop weak leading / trailing beats
};

// librosa.beat.beat_track(onset_envelope=..., sr, hop_length, start_bpm, tightness, trim,
// units='frames').
// onset_envelope: [frames] -> tempo and beat frame indices
// Requires: as tempo; tightness > 0.
// Ensures:  an all-zero envelope gives {0, {}} (librosa returns (0, [])).
BeatResult beat_track_from_onset(const Tensor& onset_envelope, double sample_rate,
                                 int64_t hop_length = 512, double start_bpm = 120.0,
                                 double tightness = 100.0, bool trim = true);

// librosa.beat.beat_track(y=y, sr=sr, ...): onset_strength(y, aggregate median, options.onset)
// then beat_track_from_onset with options.onset.stft.hop_length.
// y: [samples]
// Requires: as onset_strength and beat_track_from_onset.
BeatResult beat_track(const Tensor& y, double sample_rate, const BeatOptions& options = {});

}  // namespace timbre::audio
