// tests/test_audio_rhythm.cpp - onset strength, tempo and beat tracking against librosa 0.10.1 on
// the three test clips (tones, drums, mix) x pad mode (constant, reflect) x dtype (float32,
// float64). Goldens: tests/data/librosa/<clip>/<pad>_<dtype>/{onset_env,tempo,beats}.npy, copied
// whole by tests/data/librosa/slice_rhythm_goldens.py (see tests/data/README.md).
//
// The goldens were made as librosa.beat.beat_track(y=y) makes them: onset_env is
// onset_strength(y, sr, hop 512, aggregate=np.median, pad_mode), tempo and beats come from
// beat_track(onset_envelope=onset_env, start_bpm=120, tightness=100).
//
// Tolerances (measured maxima in docs/audio.md):
//   onset_env: 1e-4 relative with an absolute floor: float64 1e-9 dB, float32 2e-5 dB. Each value
//     is the median over 128 mel bands of a difference of two dB values of up to ~40 dB; in
//     float32 each dB value carries rounding of ~1 ulp of its size (~4e-6 dB), so a small
//     difference of two large values has no meaningful relative error, only this absolute one.
//   tempo: exactly equal (it is picked from the discrete set 60 sr / (hop k)).
//   beats: exactly equal (frame indices).
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "audio/beat.h"
#include "audio/decode.h"
#include "audio/onset.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

constexpr double kSampleRate = 22050.0;

using Case = timbre::testing::LibrosaCase;
using timbre::testing::librosa_case_name;

// librosa.beat.beat_track's onset envelope: median over bands.
OnsetOptions onset_options(const Case& c) {
  return {.stft = {.pad_mode = c.pad_mode}, .aggregate = OnsetAggregate::Median};
}

std::vector<int64_t> golden_beats(const Case& c) {
  return c.golden("beats").to_vector<int64_t>();
}

class LibrosaRhythm : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    y_ = load_audio(data_path("audio/" + GetParam().clip + ".wav"), {.dtype = GetParam().dtype});
    ASSERT_EQ(y_.numel(), 220500);
  }
  Tensor y_;
};

TEST_P(LibrosaRhythm, OnsetStrength) {
  const Case& c = GetParam();
  const Tensor envelope = onset_strength(y_, kSampleRate, onset_options(c));
  const Tensor expected = c.golden("onset_env");
  ASSERT_EQ(envelope.dtype(), c.dtype);
  ASSERT_EQ(envelope.sizes(), expected.sizes());
  const std::vector<double> a = envelope.to_vector<double>(), e = expected.to_vector<double>();
  const double rtol = 1e-4, atol = c.dtype == kFloat32 ? 2e-5 : 1e-9;
  double max_relative = 0.0, max_absolute = 0.0;
  int64_t failures = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double error = std::fabs(a[i] - e[i]);
    max_absolute = std::max(max_absolute, error);
    if (std::fabs(e[i]) * rtol > atol)
      max_relative = std::max(max_relative, error / std::fabs(e[i]));
    if (!(error <= rtol * std::fabs(e[i]) + atol)) {
      if (failures++ == 0) ADD_FAILURE() << "frame " << i << ": " << a[i] << " vs " << e[i];
    }
  }
  EXPECT_EQ(failures, 0) << c.folder();
  std::cout << "[agreement] " << c.folder() << " onset_env max_rel=" << max_relative
            << " max_abs=" << max_absolute << "\n";
  // The first lag + n_fft / (2 hop) = 3 frames are zero by construction.
  EXPECT_EQ(a[0], 0.0);
  EXPECT_EQ(a[2], 0.0);
}

TEST_P(LibrosaRhythm, TempoFromGoldenEnvelopeIsExact) {
  const Case& c = GetParam();
  EXPECT_EQ(tempo(c.golden("onset_env"), kSampleRate), c.golden("tempo").item()) << c.folder();
}

TEST_P(LibrosaRhythm, BeatsFromGoldenEnvelopeAreExact) {
  const Case& c = GetParam();
  const BeatResult beats = beat_track_from_onset(c.golden("onset_env"), kSampleRate);
  EXPECT_EQ(beats.tempo, c.golden("tempo").item());
  EXPECT_EQ(beats.beat_frames, golden_beats(c)) << c.folder();
}

TEST_P(LibrosaRhythm, BeatTrackFromSignalIsExact) {
  const Case& c = GetParam();
  const BeatResult beats = beat_track(y_, kSampleRate, {.onset = onset_options(c)});
  EXPECT_EQ(beats.tempo, c.golden("tempo").item()) << c.folder();
  EXPECT_EQ(beats.beat_frames, golden_beats(c)) << c.folder();
  std::cout << "[agreement] " << c.folder() << " tempo=" << beats.tempo
            << " beats=" << beats.beat_frames.size() << " (librosa " << golden_beats(c).size()
            << ")\n";
}

INSTANTIATE_TEST_SUITE_P(Clips, LibrosaRhythm,
                         ::testing::ValuesIn(timbre::testing::librosa_cases(kFloat64)),
                         librosa_case_name);

// ---- Behaviour without goldens ----------------------------------------------------------------

TEST(Rhythm, SilentEnvelopeHasNoBeats) {
  // librosa returns (0, []) when the envelope has no onsets at all.
  const BeatResult beats = beat_track_from_onset(zeros({400}, {.dtype = kFloat64}), kSampleRate);
  EXPECT_EQ(beats.tempo, 0.0);
  EXPECT_TRUE(beats.beat_frames.empty());
}

TEST(Rhythm, ClickTrackTempoAndBeats) {
  // Impulses every 22 frames (117.45 bpm on the 22050 / 512 grid): the tempo is exactly that
  // lag's value and successive beats are 22 frames apart.
  std::vector<double> envelope(600, 0.0);
  for (int64_t t = 10; t < 600; t += 22)
    envelope[t] = 1.0;
  const Tensor x = from_vector(envelope, {600}, {.dtype = kFloat64});
  const double expected = 60.0 * kSampleRate / (512.0 * 22.0);
  EXPECT_EQ(tempo(x, kSampleRate), expected);
  const BeatResult beats = beat_track_from_onset(x, kSampleRate);
  ASSERT_GE(beats.beat_frames.size(), 20u);
  for (size_t i = 1; i < beats.beat_frames.size(); ++i)
    EXPECT_EQ(beats.beat_frames[i] - beats.beat_frames[i - 1], 22);
}

TEST(Rhythm, OnsetStrengthMeanAggregateShape) {
  // librosa's default aggregate (mean): [frames], non-negative, 3 leading zeros.
  const Tensor y = load_audio(data_path("audio/drums.wav"));
  const Tensor envelope = onset_strength(y, kSampleRate);
  ASSERT_EQ(envelope.sizes(), (Shape{431}));
  for (double v : envelope.to_vector<double>())
    EXPECT_GE(v, 0.0);
}

TEST(Rhythm, InvalidArguments) {
  EXPECT_ERROR_CONTAINS(tempo(zeros({10}), kSampleRate, 512, 0.0), "start_bpm");
  EXPECT_ERROR_CONTAINS(tempo(zeros({2, 3}), kSampleRate), "1-d");
  EXPECT_ERROR_CONTAINS(onset_strength(zeros({4096}), kSampleRate, {.lag = 0}), "lag");
}

// beat_track_from_onset estimates the tempo exactly as tempo() does, on the same envelope (the
// drums clip, float32, reflect padding, median aggregation as GTZAN-era code).
TEST(Rhythm, BeatTrackFromOnsetEstimatesTheSameTempoAsTempo) {
  const Tensor y = load_audio(data_path("audio/drums.wav"), {.dtype = kFloat32});
  const OnsetOptions options = {.stft = {.pad_mode = PadMode::Reflect},
                                .aggregate = OnsetAggregate::Median};
  const Tensor envelope = onset_strength(y, kSampleRate, options);
  const double bpm = tempo(envelope, kSampleRate);
  EXPECT_GT(bpm, 0.0);
  EXPECT_EQ(beat_track_from_onset(envelope, kSampleRate).tempo, bpm);
}

}  // namespace
}  // namespace timbre::audio
