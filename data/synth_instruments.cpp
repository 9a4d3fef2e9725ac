// data/synth_instruments.cpp - wavetable voices, Karplus-Strong strings and drum sounds.
#include "data/synth_instruments.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace timbre::data::synth {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr int kTableSize = 2048;  // samples per cycle of a wavetable

// Harmonic amplitudes a_n = 1 / n^power for n = 1..count (a sawtooth for power 1), 0 above.
std::array<float, kHarmonics> power_law(double power, int count = kHarmonics) {
  std::array<float, kHarmonics> amplitudes{};
  for (int n = 1; n <= std::min(count, kHarmonics); ++n)
    amplitudes[n - 1] = static_cast<float>(1.0 / std::pow(n, power));
  return amplitudes;
}

// Only the odd harmonics of power_law (a square wave for power 1): clarinet, synth lead.
std::array<float, kHarmonics> odd_power_law(double power) {
  std::array<float, kHarmonics> amplitudes = power_law(power);
  for (int n = 2; n <= kHarmonics; n += 2)
    amplitudes[n - 1] *= 0.15f;
  return amplitudes;
}

// Amplitudes listed one by one (the rest 0).
std::array<float, kHarmonics> listed(std::initializer_list<float> values) {
  std::array<float, kHarmonics> amplitudes{};
  std::copy(values.begin(), values.end(), amplitudes.begin());
  return amplitudes;
}

Voice make_voice(std::array<float, kHarmonics> bright, std::array<float, kHarmonics> dull,
                 double attack, double decay, double sustain, double release,
                 double brightness_decay, double vibrato_depth = 0.0) {
  Voice voice;
  voice.bright = bright;
  voice.dull = dull;
  voice.attack = attack;
  voice.decay = decay;
  voice.sustain = sustain;
  voice.release = release;
  voice.brightness_decay = brightness_decay;
  voice.vibrato_depth = vibrato_depth;
  return voice;
}

// One voice per Instrument, in the enum's order. The plucked ones are strings (play_plucked);
// their entries are plain sines that play_note never reads, kept so the order stays simple.
const std::vector<Voice>& all_voices() {
  static const std::vector<Voice> voices = {
      // Piano: a hammer's bright attack fading to a mellow, fully decaying tone.
      make_voice(power_law(1.0, 12), power_law(2.5), 0.004, 0.9, 0.0, 0.15, 0.25),
      // Electric piano: a bell-like 2nd/4th harmonic over a nearly pure fundamental.
      make_voice(listed({1.0f, 0.5f, 0.08f, 0.3f, 0.03f, 0.05f}), listed({1.0f, 0.15f}), 0.003, 1.4,
                 0.1, 0.2, 0.4),
      // Organ: drawbars 16' 8' 5 1/3' 4' 2' (harmonics 1, 2, 3, 4, 8), no decay at all.
      make_voice(listed({1.0f, 0.8f, 0.6f, 0.5f, 0.0f, 0.0f, 0.0f, 0.35f}),
                 listed({1.0f, 0.8f, 0.6f, 0.5f, 0.0f, 0.0f, 0.0f, 0.35f}), 0.01, 1.0, 1.0, 0.06,
                 1.0),
      // String pad: a bowed sawtooth-like spectrum, slow attack, vibrato.
      make_voice(power_law(1.1, 14), power_law(1.5, 14), 0.35, 2.0, 0.85, 0.4, 1.5, 0.004),
      // Brass: brassy harmonics that fade a little after the attack.
      make_voice(power_law(0.7, 14), power_law(1.4, 10), 0.05, 0.6, 0.8, 0.15, 0.3, 0.003),
      // Saxophone: reedy, odd harmonics strong, vibrato.
      make_voice(listed({1.0f, 0.45f, 0.7f, 0.3f, 0.45f, 0.2f, 0.25f, 0.12f, 0.12f, 0.06f}),
                 listed({1.0f, 0.3f, 0.45f, 0.15f, 0.2f, 0.08f}), 0.03, 0.8, 0.75, 0.1, 0.4, 0.006),
      // Flute: almost a sine with a breathy 2nd harmonic.
      make_voice(listed({1.0f, 0.25f, 0.08f, 0.03f}), listed({1.0f, 0.15f, 0.04f}), 0.06, 1.0, 0.9,
                 0.12, 0.5, 0.005),
      // Synth lead: a square wave.
      make_voice(odd_power_law(1.0), odd_power_law(1.3), 0.008, 0.5, 0.7, 0.08, 0.3, 0.002),
      // Synth pad: a detuned-saw-like soft spectrum, slow attack.
      make_voice(power_law(1.2, 12), power_law(1.8, 8), 0.25, 2.5, 0.8, 0.45, 1.0),
      // Synth bass: a filtered sawtooth, punchy.
      make_voice(power_law(1.0, 12), power_law(2.2, 8), 0.005, 0.35, 0.55, 0.06, 0.12),
      // Sub bass: nearly a sine.
      make_voice(listed({1.0f, 0.12f, 0.03f}), listed({1.0f, 0.05f}), 0.01, 0.8, 0.7, 0.1, 0.2),
      // Distorted guitar (before the drive the mix applies): a bright sawtooth.
      make_voice(power_law(0.9), power_law(1.3), 0.004, 1.2, 0.6, 0.08, 0.5),
      // Plucked strings (unused as wavetables): sines.
      make_voice(listed({1.0f}), listed({1.0f}), 0.005, 1.0, 0.0, 0.1, 1.0),
      make_voice(listed({1.0f}), listed({1.0f}), 0.005, 1.0, 0.0, 0.1, 1.0),
      make_voice(listed({1.0f}), listed({1.0f}), 0.005, 1.0, 0.0, 0.1, 1.0),
  };
  return voices;
}

// One single-cycle table: sum_n a_n sin(2 pi n k / size), scaled to peak 1.
std::vector<float> make_table(const std::array<float, kHarmonics>& amplitudes) {
  std::vector<float> table(kTableSize + 1);  // one extra sample so interpolation needs no wrap
  float peak = 0.0f;
  for (int k = 0; k < kTableSize; ++k) {
    double value = 0.0;
    for (int n = 1; n <= kHarmonics; ++n) {
      if (amplitudes[n - 1] != 0.0f)
        value += amplitudes[n - 1] * std::sin(kTwoPi * n * k / kTableSize);
    }
    table[k] = static_cast<float>(value);
    peak = std::max(peak, std::fabs(table[k]));
  }
  for (float& value : table)
    value /= peak > 0.0f ? peak : 1.0f;
  table[kTableSize] = table[0];
  return table;
}

struct Tables {
  std::vector<float> bright;
  std::vector<float> dull;
};

// The two tables of every instrument, built once (thread-safe: a function-local static).
const Tables& tables_of(Instrument instrument) {
  static const std::vector<Tables> tables = [] {
    std::vector<Tables> result;
    for (const Voice& voice : all_voices())
      result.push_back({make_table(voice.bright), make_table(voice.dull)});
    return result;
  }();
  return tables[static_cast<size_t>(instrument)];
}

// The phase of a wavetable oscillator is a 32-bit fraction of a cycle: it wraps around by
// itself, its top 11 bits index the 2048-sample table and the other 21 bits interpolate.
constexpr int kFractionBits = 21;
constexpr double kPhaseUnit = 4294967296.0;  // 2^32: one whole cycle

float read_table(const std::vector<float>& table, uint32_t phase) {
  const uint32_t index = phase >> kFractionBits;
  const float fraction =
      static_cast<float>(phase & ((1u << kFractionBits) - 1)) * (1.0f / (1u << kFractionBits));
  return table[index] + (table[index + 1] - table[index]) * fraction;
}

// The envelope of a Voice at sample i of a note held for `held` samples (see Voice).
double envelope_at(const Voice& voice, int64_t i, int64_t held, double rate) {
  const double t = static_cast<double>(i) / rate;
  const double ramp = std::min(1.0, (t + 1.0 / rate) / voice.attack);
  double level = ramp * (voice.sustain + (1.0 - voice.sustain) * std::exp(-t / voice.decay));
  if (i > held) level *= std::exp(-static_cast<double>(i - held) / rate / voice.release);
  return level;
}

// A wavetable note (see Voice for the envelope and spectrum formulas). The envelope, the
// brightness and the vibrato change slowly, so they are computed exactly at the edges of blocks
// of 64 samples and interpolated linearly in between: the inner loop is then two table reads and
// a few multiply-adds per sample. The note stops once it has fallen below -70 dB.
void play_wavetable(Buffer& out, const Note& note, Instrument instrument, int sample_rate) {
  const Voice& voice = voice_of(instrument);
  const Tables& tables = tables_of(instrument);
  const double rate = sample_rate;
  const int64_t held = static_cast<int64_t>(note.seconds * rate);
  const int64_t tail = static_cast<int64_t>(7.0 * voice.release * rate);
  const int64_t end = std::min<int64_t>(static_cast<int64_t>(out.size()), note.start + held + tail);
  const int64_t attack = static_cast<int64_t>(voice.attack * rate);
  const bool one_spectrum = voice.bright == voice.dull;
  constexpr int64_t kBlock = 64;
  // A note that began before the clip (a chord held over its start) is played from sample 0 on,
  // with the phase it has reached by then.
  const int64_t skipped = std::max<int64_t>(0, -note.start);
  const double cycles = static_cast<double>(skipped) * note.frequency / rate;
  uint32_t phase = static_cast<uint32_t>((cycles - std::floor(cycles)) * kPhaseUnit);
  for (int64_t first = skipped; note.start + first < end; first += kBlock) {
    const int64_t count = std::min(kBlock, end - note.start - first);
    const double level0 = note.velocity * envelope_at(voice, first, held, rate);
    const double level1 = note.velocity * envelope_at(voice, first + count, held, rate);
    if (first > attack && level0 < 3e-4 && level1 < 3e-4) break;
    const double bright0 = std::exp(-static_cast<double>(first) / rate / voice.brightness_decay);
    const double bright1 =
        std::exp(-static_cast<double>(first + count) / rate / voice.brightness_decay);
    double vibrato = 1.0;
    if (voice.vibrato_depth > 0.0) {
      vibrato = 1.0 + voice.vibrato_depth *
                          std::sin(kTwoPi * voice.vibrato_rate * static_cast<double>(first) / rate);
    }
    const uint32_t increment =
        static_cast<uint32_t>(std::min(0.49, note.frequency * vibrato / rate) * kPhaseUnit);
    const float level_step = static_cast<float>((level1 - level0) / static_cast<double>(count));
    const float bright_step = static_cast<float>((bright1 - bright0) / static_cast<double>(count));
    float level = static_cast<float>(level0);
    float brightness = static_cast<float>(bright0);
    float* target = out.data() + note.start + first;
    if (one_spectrum || bright0 < 1e-3) {
      for (int64_t j = 0; j < count; ++j) {
        target[j] += level * read_table(tables.dull, phase);
        level += level_step;
        phase += increment;
      }
    } else {
      for (int64_t j = 0; j < count; ++j) {
        const float dull = read_table(tables.dull, phase);
        const float bright = read_table(tables.bright, phase);
        target[j] += level * (dull + (bright - dull) * brightness);
        level += level_step;
        brightness += bright_step;
        phase += increment;
      }
    }
  }
}

// Karplus-Strong string: a delay line one period long, filled with noise (the pluck), read back
// through a two-tap average (a low-pass, so high harmonics die first) and a loss factor g per
// period chosen so that the note decays as exp(-t / sustain_seconds): g = exp(-1 / (T f)).
// `blend` is the weight of the newest tap: 0.5 is the classic mellow string, near 1 a twangy one.
void play_plucked(Buffer& out, const Note& note, Instrument instrument, int sample_rate,
                  Noise& noise) {
  double sustain_seconds = 1.5, blend = 0.5, excitation_smoothing = 0.0;
  if (instrument == Instrument::Banjo) {
    sustain_seconds = 0.5;
    blend = 0.85;
  } else if (instrument == Instrument::AcousticBass) {
    sustain_seconds = 1.0;
    excitation_smoothing = 0.8;  // a thumb, not a pick: fewer high harmonics at the start
  }
  const int period = std::max(2, static_cast<int>(std::lround(sample_rate / note.frequency)));
  std::vector<float> line(static_cast<size_t>(period));
  float smoothed = 0.0f;
  for (float& value : line) {
    smoothed = static_cast<float>(excitation_smoothing) * smoothed +
               static_cast<float>(1.0 - excitation_smoothing) * noise.next();
    value = smoothed;
  }
  const double loss = std::exp(-1.0 / (sustain_seconds * note.frequency));
  const double damped_loss = std::exp(-1.0 / (0.05 * note.frequency));  // after release
  const int64_t held = static_cast<int64_t>(note.seconds * sample_rate);
  const int64_t end =
      std::min<int64_t>(static_cast<int64_t>(out.size()), note.start + held + sample_rate / 5);
  const float gain = static_cast<float>(note.velocity * (excitation_smoothing > 0.0 ? 2.5 : 1.0));
  float previous = line[static_cast<size_t>(period - 1)];
  size_t slot = 0;  // i % period, without a division per sample
  for (int64_t i = 0; note.start + i < end; ++i, slot = slot + 1 == line.size() ? 0 : slot + 1) {
    const float current = line[slot];
    out[note.start + i] += gain * current;
    const double factor = i < held ? loss : damped_loss;
    line[slot] = static_cast<float>(factor * (blend * current + (1.0 - blend) * previous));
    previous = current;
  }
}

// exp(-t / time) sampled: one multiplication per sample.
struct Decay {
  Decay(double seconds, int sample_rate) : factor(std::exp(-1.0 / (seconds * sample_rate))) {}
  float next() {
    const float current = static_cast<float>(value);
    value *= factor;
    return current;
  }
  double factor;
  double value = 1.0;
};

// High-passed noise with an exponential decay: hats, shaker, the snare's rattle.
Buffer noise_burst(double seconds, double decay, double cutoff_hz, int sample_rate, Noise& noise) {
  Buffer sound(static_cast<size_t>(seconds * sample_rate));
  Decay envelope(decay, sample_rate);
  for (float& value : sound)
    value = noise.next() * envelope.next();
  high_pass(sound, cutoff_hz, sample_rate);
  return sound;
}

// A sum of inharmonic sine partials with a decay: the metallic ring of ride and crash.
void add_partials(Buffer& sound, const std::vector<double>& frequencies, double level, double decay,
                  int sample_rate) {
  for (double frequency : frequencies) {
    // A rotating complex number gives sin(2 pi f t) with no sin() per sample.
    const double step = kTwoPi * frequency / sample_rate;
    const double cos_step = std::cos(step), sin_step = std::sin(step);
    double re = 1.0, im = 0.0;
    Decay envelope(decay, sample_rate);
    for (float& value : sound) {
      value += static_cast<float>(level * im) * envelope.next();
      const double next_re = re * cos_step - im * sin_step;
      im = re * sin_step + im * cos_step;
      re = next_re;
    }
  }
}

void normalize_peak(Buffer& sound) {
  float peak = 0.0f;
  for (float value : sound)
    peak = std::max(peak, std::fabs(value));
  if (peak > 0.0f) {
    for (float& value : sound)
      value /= peak;
  }
}

}  // namespace

const Voice& voice_of(Instrument instrument) {
  return all_voices()[static_cast<size_t>(instrument)];
}

bool is_plucked(Instrument instrument) {
  return instrument == Instrument::CleanGuitar || instrument == Instrument::Banjo ||
         instrument == Instrument::AcousticBass;
}

double midi_frequency(double midi) {
  return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0);
}

void play_note(Buffer& out, const Note& note, Instrument instrument, int sample_rate,
               Noise& noise) {
  if (note.start >= static_cast<int64_t>(out.size())) return;
  if (is_plucked(instrument)) {
    if (note.start < 0) return;  // a string plucked before the clip: only its tail, left out
    play_plucked(out, note, instrument, sample_rate, noise);
  } else {
    play_wavetable(out, note, instrument, sample_rate);
  }
}

Buffer render_drum(Drum drum, const KitTuning& tuning, int sample_rate, Noise& noise) {
  const double rate = sample_rate;
  Buffer sound;
  switch (drum) {
    case Drum::Kick: {
      // A sine whose pitch falls exponentially from start to end (the skin's tension relaxing),
      // plus the beater's click.
      sound.resize(static_cast<size_t>((4.0 * tuning.kick_decay + 0.05) * rate));
      Decay envelope(tuning.kick_decay, sample_rate), sweep(0.04, sample_rate),
          click(0.003, sample_rate);
      double phase = 0.0;
      for (float& value : sound) {
        const double frequency =
            tuning.kick_end_hz + (tuning.kick_start_hz - tuning.kick_end_hz) * sweep.next();
        value = static_cast<float>(std::sin(phase)) * envelope.next() +
                static_cast<float>(tuning.kick_click) * noise.next() * click.next();
        phase += kTwoPi * frequency / rate;
      }
      break;
    }
    case Drum::Snare: {
      sound = noise_burst(0.5, tuning.snare_decay, 1500.0, sample_rate, noise);
      for (float& value : sound)
        value *= 0.8f;
      add_partials(sound, {tuning.snare_tone_hz, tuning.snare_tone_hz * 1.6}, 0.5, 0.05,
                   sample_rate);
      break;
    }
    case Drum::Rimshot: {
      sound = noise_burst(0.12, 0.012, 2000.0, sample_rate, noise);
      add_partials(sound, {420.0, 1650.0}, 0.6, 0.015, sample_rate);
      break;
    }
    case Drum::Clap: {
      // Several hands a few milliseconds apart, then the room.
      sound.assign(static_cast<size_t>(0.35 * rate), 0.0f);
      for (double onset : {0.0, 0.011, 0.023}) {
        Buffer burst = noise_burst(0.3, onset < 0.02 ? 0.006 : 0.08, 900.0, sample_rate, noise);
        add_sound(sound, burst, static_cast<int64_t>(onset * rate), 1.0);
      }
      low_pass(sound, 4000.0, sample_rate);
      break;
    }
    case Drum::ClosedHat:
      sound = noise_burst(0.12, 0.022, tuning.hat_cutoff_hz, sample_rate, noise);
      break;
    case Drum::OpenHat:
      sound = noise_burst(0.7, 0.18, tuning.hat_cutoff_hz, sample_rate, noise);
      break;
    case Drum::Ride: {
      sound = noise_burst(1.4, 0.45, tuning.hat_cutoff_hz * 0.8, sample_rate, noise);
      for (float& value : sound)
        value *= 0.35f;
      add_partials(sound, {3120.0, 4460.0, 5230.0, 6710.0}, 0.12 * tuning.brightness, 0.7,
                   sample_rate);
      break;
    }
    case Drum::Crash: {
      sound = noise_burst(1.6, 0.8, tuning.hat_cutoff_hz * 0.6, sample_rate, noise);
      add_partials(sound, {2870.0, 4010.0, 5560.0}, 0.08 * tuning.brightness, 0.9, sample_rate);
      break;
    }
    case Drum::Shaker: {
      // A short swell rather than a hit: grains of sand, not a stick.
      sound = noise_burst(0.14, 0.05, 5000.0, sample_rate, noise);
      const size_t swell = static_cast<size_t>(0.015 * rate);
      for (size_t i = 0; i < std::min(swell, sound.size()); ++i)
        sound[i] *= static_cast<float>(i) / static_cast<float>(swell);
      break;
    }
    case Drum::Brush: {
      // A brush swept over the snare: soft, band-limited noise with a slow attack.
      sound = noise_burst(0.4, 0.15, 900.0, sample_rate, noise);
      low_pass(sound, 5000.0, sample_rate);
      const size_t swell = static_cast<size_t>(0.03 * rate);
      for (size_t i = 0; i < std::min(swell, sound.size()); ++i)
        sound[i] *= static_cast<float>(i) / static_cast<float>(swell);
      break;
    }
  }
  normalize_peak(sound);
  return sound;
}

void add_sound(Buffer& out, const Buffer& sound, int64_t start, double velocity) {
  if (start < 0) return;
  const int64_t size = static_cast<int64_t>(out.size());
  const int64_t count = std::min<int64_t>(static_cast<int64_t>(sound.size()), size - start);
  const float gain = static_cast<float>(velocity);
  for (int64_t i = 0; i < count; ++i)
    out[start + i] += gain * sound[i];
}

void low_pass(Buffer& samples, double cutoff_hz, int sample_rate) {
  const float a = static_cast<float>(std::exp(-kTwoPi * cutoff_hz / sample_rate));
  float state = 0.0f;
  for (float& value : samples) {
    state = (1.0f - a) * value + a * state;
    value = state;
  }
}

void high_pass(Buffer& samples, double cutoff_hz, int sample_rate) {
  const float a = static_cast<float>(std::exp(-kTwoPi * cutoff_hz / sample_rate));
  float low = 0.0f;
  for (float& value : samples) {
    low = (1.0f - a) * value + a * low;
    value -= low;
  }
}

float soft_clip(float x) {
  if (x >= 3.0f) return 1.0f;
  if (x <= -3.0f) return -1.0f;
  const float square = x * x;
  return x * (27.0f + square) / (27.0f + 9.0f * square);
}

}  // namespace timbre::data::synth
