// data/synth_clip.cpp - synthesize_clip: one clip's arrangement played as four parts (drums,
// bass, chords, lead) on a swung 16-step grid, then mixed and mastered.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "data/synth.h"
#include "data/synth_instruments.h"
#include "data/synth_recipes.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/generator.h"

namespace timbre::data {

namespace {

using namespace synth;

constexpr int kStepsPerBar = 16;  // sixteenth notes of a 4/4 bar
constexpr int kStepsPerBeat = 4;

// Each clip's own stream: (seed, genre, index) and (seed, genre, index + 1) are unrelated.
uint64_t clip_seed(uint64_t seed, int64_t genre, int64_t index) {
  return mix_seed(seed, static_cast<uint64_t>(genre), static_cast<uint64_t>(index));
}

// Where the steps of each bar fall in the clip. The clip starts `offset` seconds into bar 0, so
// that clips do not all begin exactly on a downbeat (GTZAN's clips are cut from songs).
class Grid {
 public:
  Grid(const Arrangement& arrangement, int sample_rate, double offset_seconds)
      : beat_seconds_(60.0 / arrangement.tempo),
        swing_(arrangement.swing),
        swing16_(arrangement.swing16),
        sample_rate_(sample_rate),
        offset_(offset_seconds) {}

  double beat_seconds() const { return beat_seconds_; }

  // The sample at which step `step` of bar `bar` sounds. The off-beat eighth (step 2 of a beat)
  // is late by `swing` beats and every odd sixteenth by `swing16` beats: that lateness is all
  // that separates a shuffle from a straight beat.
  int64_t sample_of(int64_t bar, int step) const {
    double beats = static_cast<double>(bar * kStepsPerBar + step) / kStepsPerBeat;
    if (step % kStepsPerBeat == 2) beats += swing_;
    if (step % 2 == 1) beats += swing16_;
    return std::llround((beats * beat_seconds_ - offset_) * sample_rate_);
  }

  // Seconds of `beats` beats.
  double seconds_of(double beats) const { return beats * beat_seconds_; }

  // Bars needed to cover `samples` samples (counting bar 0, which starts before the clip).
  int64_t bars_for(int64_t samples) const {
    const double seconds = static_cast<double>(samples) / sample_rate_ + offset_;
    return static_cast<int64_t>(std::ceil(seconds / (4.0 * beat_seconds_))) + 1;
  }

 private:
  double beat_seconds_, swing_, swing16_;
  int sample_rate_;
  double offset_;
};

// Everything the part renderers share.
struct Context {
  const Arrangement& arrangement;
  const Grid& grid;
  int sample_rate;
  int64_t samples;
  Generator& generator;
  Noise& noise;

  // The chord sounding at step `step` of bar `bar`.
  const Chord& chord_at(int64_t bar, int step) const {
    const std::vector<Chord>& chords = arrangement.harmony.chords;
    const double bars = bar + static_cast<double>(step) / kStepsPerBar;
    const int64_t slot = static_cast<int64_t>(std::floor(bars / arrangement.bars_per_chord));
    return chords[static_cast<size_t>(slot % static_cast<int64_t>(chords.size()))];
  }
  // Pitch class (0..11) of a chord's root in this clip's key.
  int root_class(const Chord& chord) const { return (arrangement.key + chord.root) % 12; }

  // A little random variation of a note's loudness (players are not machines).
  double humanize(double velocity) { return velocity * (0.85 + 0.3 * generator.uniform()); }

  void play(Buffer& part, int64_t start, double beats, double midi, double velocity,
            Instrument instrument) {
    play_note(part,
              {.start = start,
               .seconds = grid.seconds_of(beats),
               .frequency = midi_frequency(midi),
               .velocity = velocity},
              instrument, sample_rate, noise);
  }
};

double velocity_of(char symbol) {
  switch (symbol) {
    case 'X':
      return 1.0;
    case 'x':
      return 0.7;
    case 'o':
      return 0.35;
    default:
      return 0.0;
  }
}

// The drum part: every lane of the pattern, bar after bar, with a fill ending some 4-bar phrases
// and a crash opening them when the pattern says so.
void add_drums(Buffer& part, Context& context) {
  const Arrangement& arrangement = context.arrangement;
  if (!arrangement.has_drums) return;
  const DrumPattern& pattern = arrangement.drums;
  struct Lane {
    const std::string& steps;
    Drum drum;
    bool is_snare;
  };
  const std::vector<Lane> lanes = {
      {pattern.kick, Drum::Kick, false},     {pattern.snare, pattern.snare_sound, true},
      {pattern.hat, Drum::ClosedHat, false}, {pattern.open_hat, Drum::OpenHat, false},
      {pattern.ride, Drum::Ride, false},     {pattern.extra, pattern.extra_sound, false}};
  std::vector<Buffer> sounds;
  for (const Lane& lane : lanes) {
    sounds.push_back(lane.steps.empty() ? Buffer{}
                                        : render_drum(lane.drum, arrangement.kit,
                                                      context.sample_rate, context.noise));
  }
  const Buffer crash = pattern.crash_each_phrase ? render_drum(Drum::Crash, arrangement.kit,
                                                               context.sample_rate, context.noise)
                                                 : Buffer{};
  const Buffer fill_snare =
      render_drum(Drum::Snare, arrangement.kit, context.sample_rate, context.noise);

  const int64_t bars = context.grid.bars_for(context.samples);
  for (int64_t bar = 0; bar < bars; ++bar) {
    const bool fill = pattern.fills && bar % 4 == 3 && context.generator.uniform() < 0.5;
    if (!crash.empty() && bar % 4 == 0)
      add_sound(part, crash, context.grid.sample_of(bar, 0), context.humanize(0.8));
    for (size_t lane = 0; lane < lanes.size(); ++lane) {
      const std::string& steps = lanes[lane].steps;
      for (int step = 0; step < static_cast<int>(steps.size()) && step < kStepsPerBar; ++step) {
        const int64_t start = context.grid.sample_of(bar, step);
        if (fill && lanes[lane].is_snare && step >= 8) {
          // A fill: the last half bar on the snare, getting louder.
          add_sound(part, fill_snare, start, context.humanize(0.4 + 0.07 * (step - 8)));
          continue;
        }
        const double velocity = velocity_of(steps[static_cast<size_t>(step)]);
        if (velocity > 0.0) add_sound(part, sounds[lane], start, context.humanize(velocity));
      }
    }
  }
}

// One bass note: at `step` of `bar`, `semitones` above the chord's root (in the bass octave).
void bass_note(Buffer& part, Context& context, int64_t bar, int step, int semitones, double beats) {
  const Chord& chord = context.chord_at(bar, step);
  int midi = 36 + context.root_class(chord);  // C2..B2, then folded to G#1..G2
  if (midi > 43) midi -= 12;
  context.play(part, context.grid.sample_of(bar, step), beats, midi + semitones,
               context.humanize(0.8), context.arrangement.bass_instrument);
}

// The bass part in the arrangement's style (see BassStyle).
void add_bass(Buffer& part, Context& context) {
  const Arrangement& arrangement = context.arrangement;
  const int64_t bars = context.grid.bars_for(context.samples);
  for (int64_t bar = 0; bar < bars; ++bar) {
    switch (arrangement.bass) {
      case BassStyle::None:
        return;
      case BassStyle::Roots:
        bass_note(part, context, bar, 0, 0, 1.5);
        bass_note(part, context, bar, 8, context.generator.uniform() < 0.3 ? 7 : 0, 1.5);
        break;
      case BassStyle::Eighths:
        for (int step = 0; step < kStepsPerBar; step += 2)
          bass_note(part, context, bar, step, 0, 0.45);
        break;
      case BassStyle::Walking: {
        // Root, a chord tone, the fifth, then a semitone above or below the next bar's root.
        const std::vector<int>& tones = chord_intervals(context.chord_at(bar, 0).quality);
        const int next_root = context.root_class(context.chord_at(bar + 1, 0));
        const int this_root = context.root_class(context.chord_at(bar, 12));
        int approach =
            (next_root - this_root + 12) % 12 + (context.generator.uniform() < 0.5 ? 1 : -1);
        if (approach > 9) approach -= 12;
        bass_note(part, context, bar, 0, 0, 0.95);
        bass_note(part, context, bar, 4, tones[1 + context.generator.below(tones.size() - 1)],
                  0.95);
        bass_note(part, context, bar, 8, 7, 0.95);
        bass_note(part, context, bar, 12, approach, 0.95);
        break;
      }
      case BassStyle::Octaves:
        for (int step = 0; step < kStepsPerBar; step += 2)
          bass_note(part, context, bar, step, step % 4 == 2 ? 12 : 0, 0.4);
        break;
      case BassStyle::Sub: {
        // Long low notes under the kick; without a kick lane, a common hip-hop rhythm.
        std::string kick = arrangement.has_drums ? arrangement.drums.kick : "";
        if (kick.find_first_not_of('.') == std::string::npos) kick = "x.....x...x.....";
        std::vector<int> steps;
        for (int step = 0; step < static_cast<int>(kick.size()); ++step) {
          if (kick[static_cast<size_t>(step)] != '.') steps.push_back(step);
        }
        for (size_t k = 0; k < steps.size(); ++k) {
          const int next = k + 1 < steps.size() ? steps[k + 1] : kStepsPerBar;
          const double beats = std::min(2.0, (next - steps[k]) / 4.0) * 0.9;
          bass_note(part, context, bar, steps[k], 0, beats);
        }
        break;
      }
      case BassStyle::Reggae: {
        // Beat 1 left empty (the "one drop"); root, fifth and octave around it.
        constexpr int kSteps[] = {2, 4, 7, 10, 12};
        constexpr int kIntervals[] = {0, 0, 7, 12, 7};
        for (int k = 0; k < 5; ++k) {
          if (context.generator.uniform() < 0.2) continue;
          bass_note(part, context, bar, kSteps[k], kIntervals[k], 0.7);
        }
        break;
      }
      case BassStyle::RootFifth:
        bass_note(part, context, bar, 0, 0, 0.9);
        bass_note(part, context, bar, 8, -5, 0.9);
        break;
    }
  }
}

// All notes of the chord at (bar, step), held `beats` beats, each string of a strum a few
// milliseconds after the previous one.
void chord_hit(Buffer& part, Context& context, int64_t bar, int step, double beats, double velocity,
               double strum_seconds = 0.0) {
  const Chord& chord = context.chord_at(bar, step);
  int root = 48 + context.root_class(chord);  // C3..B3, folded to F#2..F3 for the lower keys
  if (root > 53) root -= 12;
  const std::vector<int>& intervals = chord_intervals(chord.quality);
  const int64_t start = context.grid.sample_of(bar, step);
  const double hit = context.humanize(velocity);
  for (size_t k = 0; k < intervals.size(); ++k) {
    const int64_t delay =
        std::llround(strum_seconds * static_cast<double>(k) * context.sample_rate);
    context.play(part, start + delay, beats, root + intervals[k], hit,
                 context.arrangement.chord_instrument);
  }
}

// The chord part in the arrangement's style (see ChordStyle).
void add_chords(Buffer& part, Context& context) {
  const Arrangement& arrangement = context.arrangement;
  const int64_t bars = context.grid.bars_for(context.samples);
  const double chord_beats = 4.0 * arrangement.bars_per_chord;
  for (int64_t bar = 0; bar < bars; ++bar) {
    switch (arrangement.chords) {
      case ChordStyle::None:
        return;
      case ChordStyle::Pad:
        // One held chord per chord change (a half-bar chord starts at step 8 too).
        for (int step = 0; step < kStepsPerBar; step += 8) {
          const double position = (bar + step / 16.0) / arrangement.bars_per_chord;
          if (std::fabs(position - std::round(position)) < 1e-9)
            chord_hit(part, context, bar, step, chord_beats * 0.97, 0.6);
        }
        break;
      case ChordStyle::Block:
        for (int step = 0; step < kStepsPerBar; step += 4)
          chord_hit(part, context, bar, step, 0.9, step == 0 ? 0.8 : 0.6);
        break;
      case ChordStyle::Backbeat:
        chord_hit(part, context, bar, 4, 0.5, 0.7, 0.006);
        chord_hit(part, context, bar, 12, 0.5, 0.7, 0.006);
        break;
      case ChordStyle::Strum:
        for (int step = 0; step < kStepsPerBar; step += 2)
          chord_hit(part, context, bar, step, 0.45, step % 4 == 0 ? 0.8 : 0.55, 0.008);
        break;
      case ChordStyle::Offbeat:
        for (int step = 2; step < kStepsPerBar; step += 4)
          chord_hit(part, context, bar, step, 0.3, 0.75, 0.004);
        break;
      case ChordStyle::Comp: {
        // Two or three hits on random eighth notes of the bar.
        const int hits = 2 + static_cast<int>(context.generator.below(2));
        for (int k = 0; k < hits; ++k) {
          const int step = 2 * static_cast<int>(context.generator.below(8));
          chord_hit(part, context, bar, step, 0.5 + context.generator.uniform() * 0.5, 0.6);
        }
        break;
      }
      case ChordStyle::Arpeggio: {
        // Chord tones upwards, one per eighth note, each ringing a beat.
        for (int step = 0; step < kStepsPerBar; step += 2) {
          const Chord& chord = context.chord_at(bar, step);
          const std::vector<int>& intervals = chord_intervals(chord.quality);
          const int k = step / 2;
          const int size = static_cast<int>(intervals.size());
          int root = 48 + context.root_class(chord);
          if (root > 53) root -= 12;
          const int midi = root + intervals[static_cast<size_t>(k % size)] + 12 * (k / size % 2);
          context.play(part, context.grid.sample_of(bar, step), 1.0, midi, context.humanize(0.55),
                       arrangement.chord_instrument);
        }
        break;
      }
    }
  }
}

// The melody: a random walk over the scale in eighth notes, played in 2-bar phrases separated
// by some silence. `melody_density` is the chance that an eighth note starts a note.
void add_lead(Buffer& part, Context& context) {
  const Arrangement& arrangement = context.arrangement;
  const std::vector<int>& scale = arrangement.harmony.scale;
  const int size = static_cast<int>(scale.size());
  int base = 60 + arrangement.key;  // the tonic, C4..B4, folded to F#3..F4
  if (base > 65) base -= 12;
  int degree = size + static_cast<int>(context.generator.below(static_cast<uint64_t>(size)));
  const int64_t bars = context.grid.bars_for(context.samples);
  for (int64_t phrase = 0; phrase * 2 < bars; ++phrase) {
    if (context.generator.uniform() < 0.3) continue;  // a phrase of rest
    for (int64_t bar = 2 * phrase; bar < 2 * phrase + 2 && bar < bars; ++bar) {
      for (int step = 0; step < kStepsPerBar; step += 2) {
        if (context.generator.uniform() >= arrangement.melody_density) continue;
        degree += static_cast<int>(context.generator.below(5)) - 2;  // a step of -2..+2
        degree = std::clamp(degree, 0, 3 * size - 1);
        const int midi = base + 12 * (degree / size) + scale[static_cast<size_t>(degree % size)];
        const double beats = 0.5 * (1 + static_cast<int>(context.generator.below(3)));
        context.play(part, context.grid.sample_of(bar, step), beats, midi, context.humanize(0.7),
                     arrangement.lead);
      }
    }
  }
}

// Scales a part to root-mean-square `target` (a silent part stays silent), so that the
// arrangement's levels, not the number of notes, decide how loud each part is.
void set_rms(Buffer& part, double target) {
  double sum = 0.0;
  for (float value : part)
    sum += static_cast<double>(value) * value;
  if (sum <= 0.0) return;
  const float gain = static_cast<float>(target / std::sqrt(sum / static_cast<double>(part.size())));
  for (float& value : part)
    value *= gain;
}

float peak_of(const Buffer& samples) {
  float peak = 0.0f;
  for (float value : samples)
    peak = std::max(peak, std::fabs(value));
  return peak;
}

void scale_by(Buffer& samples, float gain) {
  for (float& value : samples)
    value *= gain;
}

// Distortion of a guitar part: normalise, drive into the soft clipper, then a speaker cabinet's
// gentle low-pass.
void distort(Buffer& part, double drive, int sample_rate) {
  const float peak = peak_of(part);
  if (peak <= 0.0f) return;
  const float gain = static_cast<float>(drive) / peak;
  for (float& value : part)
    value = soft_clip(gain * value);
  low_pass(part, 5000.0, sample_rate);
}

// The mastering chain: slow loudness swells, hiss, a recording's limited bandwidth, soft
// clipping for loudness, and the final peak level.
void master(Buffer& mix, Context& context) {
  const Arrangement& arrangement = context.arrangement;
  Generator& generator = context.generator;
  if (arrangement.dynamics > 0.0) {
    // gain(t) = 1 + depth (0.6 sin(2 pi t / p1 + a) + 0.4 sin(2 pi t / p2 + b)), p in 6..20 s.
    const double p1 = 6.0 + 14.0 * generator.uniform(), p2 = 6.0 + 14.0 * generator.uniform();
    const double a = 2.0 * std::numbers::pi * generator.uniform();
    const double b = 2.0 * std::numbers::pi * generator.uniform();
    constexpr size_t kBlock = 256;  // the gain changes slowly: one value per block
    for (size_t start = 0; start < mix.size(); start += kBlock) {
      const double t = static_cast<double>(start) / context.sample_rate;
      const double swell = 0.6 * std::sin(2.0 * std::numbers::pi * t / p1 + a) +
                           0.4 * std::sin(2.0 * std::numbers::pi * t / p2 + b);
      const float gain = static_cast<float>(std::max(0.1, 1.0 + arrangement.dynamics * swell));
      for (size_t i = start; i < std::min(mix.size(), start + kBlock); ++i)
        mix[i] *= gain;
    }
  }
  const float peak = peak_of(mix);
  if (peak > 0.0f) scale_by(mix, 1.0f / peak);
  for (float& value : mix)
    value += static_cast<float>(arrangement.noise_level) * context.noise.next();
  // Two one-pole low-passes: a 12 dB/octave roll-off above the recording's bandwidth.
  const double cutoff = std::min(arrangement.bandwidth_hz, 0.45 * context.sample_rate);
  low_pass(mix, cutoff, context.sample_rate);
  low_pass(mix, cutoff, context.sample_rate);
  const float drive = static_cast<float>(arrangement.master_drive);
  const float drive_peak = peak_of(mix);
  if (drive_peak > 0.0f) {
    const float gain = drive / drive_peak;
    for (float& value : mix)
      value = soft_clip(gain * value);
  }
  const float final_peak = peak_of(mix);
  if (final_peak > 0.0f) scale_by(mix, static_cast<float>(arrangement.peak) / final_peak);
  // Keep every value in [-1, 1) (a 16-bit file cannot hold +1).
  for (float& value : mix)
    value = std::clamp(value, -1.0f, 32767.0f / 32768.0f);
}

}  // namespace

Tensor synthesize_clip(int64_t genre, int64_t index, const SynthOptions& options) {
  TIMBRE_CHECK(genre >= 0 && genre < 10, "synthesize_clip: genre must be in [0, 10), got ", genre);
  TIMBRE_CHECK(index >= 0, "synthesize_clip: index must be >= 0, got ", index);
  TIMBRE_CHECK(options.seconds > 0.0 && options.seconds <= 3600.0,
               "synthesize_clip: seconds must be in (0, 3600], got ", options.seconds);
  TIMBRE_CHECK(options.sample_rate >= 8000 && options.sample_rate <= 192000,
               "synthesize_clip: sample_rate must be in [8000, 192000], got ", options.sample_rate);
  const int64_t samples = std::max<int64_t>(1, std::llround(options.seconds * options.sample_rate));

  Generator generator(clip_seed(options.seed, genre, index));
  const Arrangement arrangement = draw_arrangement(genre, generator);
  Noise noise(generator);
  const Grid grid(arrangement, options.sample_rate,
                  generator.uniform() * 4.0 * 60.0 / arrangement.tempo);
  Context context{arrangement, grid, options.sample_rate, samples, generator, noise};

  // Each part on its own track, brought to the same loudness, then mixed at the arrangement's
  // levels. The chord track is distorted first when a distorted guitar plays it.
  const size_t length = static_cast<size_t>(samples);
  Buffer drums(length, 0.0f), bass(length, 0.0f), chords(length, 0.0f), lead(length, 0.0f);
  add_drums(drums, context);
  add_bass(bass, context);
  add_chords(chords, context);
  add_lead(lead, context);
  if (arrangement.chord_instrument == Instrument::DistortedGuitar)
    distort(chords, arrangement.guitar_drive, options.sample_rate);
  if (arrangement.lead == Instrument::DistortedGuitar)
    distort(lead, 0.5 * arrangement.guitar_drive + 1.0, options.sample_rate);
  const Levels& levels = arrangement.levels;
  set_rms(drums, 0.2 * levels.drums);
  set_rms(bass, 0.2 * levels.bass);
  set_rms(chords, 0.2 * levels.chords);
  set_rms(lead, 0.2 * levels.lead);
  Buffer mix(length);
  for (size_t i = 0; i < length; ++i)
    mix[i] = drums[i] + bass[i] + chords[i] + lead[i];
  master(mix, context);
  return from_vector(mix, {samples});
}

}  // namespace timbre::data
