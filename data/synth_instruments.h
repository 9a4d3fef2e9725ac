// data/synth_instruments.h - the sounds of the synthetic GTZAN (data/synth.h): pitched
// instruments made of harmonics, plucked strings, and drums, each rendered by adding its samples
// into a mix buffer.
//
// Speed matters (a 30-s clip must take a few tens of milliseconds), so nothing here calls sin()
// per sample: a pitched note reads two single-cycle wavetables (the instrument's bright and dull
// spectra, 2048 samples each) with a phase accumulator and crossfades from bright to dull as the
// note decays, like a real string or hammer losing its high harmonics first. Envelopes change
// slowly, so they are computed per block of 64 samples and interpolated in between.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tensor/generator.h"

namespace timbre::data::synth {

// A mono track being mixed, at the clip's sample rate.
using Buffer = std::vector<float>;

// Fast uniform noise in [-1, 1) (xorshift64*, seeded from a Generator): audio noise needs one
// value per sample, and the statistical quality of mt19937_64 is not needed for hiss.
class Noise {
 public:
  explicit Noise(Generator& generator) : state_(generator.next_u64() | 1) {}
  float next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const uint64_t value = state_ * 0x2545F4914F6CDD1DULL;
    return static_cast<float>(static_cast<double>(value >> 40) * 0x1.0p-23 - 1.0);
  }

 private:
  uint64_t state_;
};

// The pitched instruments. Plucked ones (CleanGuitar, Banjo, AcousticBass) are Karplus-Strong
// strings; the others are wavetable voices (see Voice).
enum class Instrument {
  Piano,
  ElectricPiano,
  Organ,
  StringPad,
  Brass,
  Saxophone,
  Flute,
  SynthLead,
  SynthPad,
  SynthBass,
  SubBass,
  DistortedGuitar,
  CleanGuitar,
  Banjo,
  AcousticBass,
};

// Number of harmonics a wavetable voice has.
inline constexpr int kHarmonics = 16;

// How a wavetable instrument sounds: the amplitude of harmonics 1..16 at the start of a note
// (bright) and once it has settled (dull), and its envelope (times in seconds):
//   level(t) = attack ramp 0 -> 1 over `attack`, then sustain + (1 - sustain) * exp(-t / decay);
//   after the note's length it falls as exp(-t / release).
//   spectrum(t) = dull + (bright - dull) * exp(-t / brightness_decay)
struct Voice {
  std::array<float, kHarmonics> bright{};
  std::array<float, kHarmonics> dull{};
  double attack = 0.01;
  double decay = 1.0;
  double sustain = 1.0;
  double release = 0.1;
  double brightness_decay = 0.2;
  double vibrato_depth = 0.0;  // peak frequency deviation as a fraction (0.005 = 8.6 cents)
  double vibrato_rate = 5.0;   // Hz
};

// The voice of a wavetable instrument (not used for the plucked ones).
const Voice& voice_of(Instrument instrument);

// True for CleanGuitar, Banjo and AcousticBass (Karplus-Strong strings).
bool is_plucked(Instrument instrument);

// One note: where it starts, how long it is held, its pitch and loudness.
struct Note {
  int64_t start = 0;      // first sample in the buffer; past its end nothing is added, before
                          // its start a wavetable note sounds from sample 0 on (a held chord)
  double seconds = 0.25;  // held length; the release tail is added after it
  double frequency = 440.0;
  double velocity = 1.0;  // amplitude scale, about 0..1
};

// The frequency of MIDI note `midi` (69 = A4 = 440 Hz, 12 notes per octave).
double midi_frequency(double midi);

// Adds `note` played by `instrument` into `out` (samples past the end are dropped).
// Requires: sample_rate > 0; note.frequency > 0; note.seconds >= 0.
// Ensures:  only out[max(0, note.start) ..] changes; the same call adds the same samples (plucked
//           strings draw their excitation from `noise`).
void play_note(Buffer& out, const Note& note, Instrument instrument, int sample_rate, Noise& noise);

// The drum sounds. Each is rendered once per clip (with that clip's tuning) and then added at
// every hit, scaled by the hit's velocity.
enum class Drum { Kick, Snare, Rimshot, Clap, ClosedHat, OpenHat, Ride, Crash, Shaker, Brush };

// Per-clip tuning of a drum kit: a metal kick is short and clicky, a hip-hop kick long and low.
struct KitTuning {
  double kick_start_hz = 150.0;  // kick pitch sweeps exponentially from start to end
  double kick_end_hz = 50.0;
  double kick_decay = 0.25;  // seconds (amplitude time constant)
  double kick_click = 0.3;   // level of the beater's noise click
  double snare_tone_hz = 190.0;
  double snare_decay = 0.12;
  double hat_cutoff_hz = 7000.0;  // hats, ride and crash are noise above this
  double brightness = 1.0;        // scales the metallic partials of ride and crash
};

// The samples of one drum sound, ready to be added at each hit.
// Ensures: a buffer of at most ~1.5 s; peak amplitude about 1.
Buffer render_drum(Drum drum, const KitTuning& tuning, int sample_rate, Noise& noise);

// Adds `sound` * velocity into `out` from sample `start` on (the part past the end is dropped).
void add_sound(Buffer& out, const Buffer& sound, int64_t start, double velocity);

// Filters that keep only part of the spectrum, in place. A one-pole filter with coefficient
// a = exp(-2 pi cutoff / sample_rate):  low[n] = (1 - a) x[n] + a low[n-1];  high = x - low.
void low_pass(Buffer& samples, double cutoff_hz, int sample_rate);
void high_pass(Buffer& samples, double cutoff_hz, int sample_rate);

// Soft clipping: a smooth odd curve that is about x for small x and never leaves [-1, 1]
// (the rational approximation x (27 + x^2) / (27 + 9 x^2) of tanh, clamped at |x| = 3).
float soft_clip(float x);

}  // namespace timbre::data::synth
