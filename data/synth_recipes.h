// data/synth_recipes.h - what makes each synthetic genre sound like itself: a Recipe per GTZAN
// genre (tempo range, drum patterns, bass line, chord style, instruments, harmony, production),
// and draw_arrangement, which turns a recipe plus random numbers into the concrete choices of
// one clip (an Arrangement). docs/synthetic.md has the recipes as a table.
//
// Overlap between genres is deliberate, as in real music: recipes share ranges and instruments,
// every choice varies per clip, and with probability kBorrowProbability a clip takes one whole
// element (drums, bass, chords, lead or production) from a neighbouring genre (rock <-> metal,
// disco <-> pop, blues <-> jazz <-> country, hiphop <-> reggae, ...). Without that, a classifier
// would reach 100% on the synthetic set and teach nothing about the real one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/synth_instruments.h"
#include "tensor/generator.h"

namespace timbre::data::synth {

// Probability that a clip borrows one element from a neighbouring genre.
inline constexpr double kBorrowProbability = 0.35;

// One bar of drums on a 16-step grid (sixteenth notes), one character per step:
// 'X' accent (velocity 1), 'x' normal (0.7), 'o' ghost (0.35), '.' nothing. An empty lane is
// silent.
struct DrumPattern {
  std::string kick = "", snare = "", hat = "", open_hat = "", ride = "", extra = "";
  Drum snare_sound = Drum::Snare;   // what plays the snare lane: Snare, Rimshot, Clap or Brush
  Drum extra_sound = Drum::Shaker;  // what plays the extra lane
  bool crash_each_phrase = false;   // a crash on the first beat of every 4 bars
  bool fills = true;                // a snare fill at the end of some 4-bar phrases
};

// How the bass plays each chord (beats of a 4/4 bar).
enum class BassStyle {
  None,
  Roots,      // root on beats 1 and 3
  Eighths,    // root on every eighth note, short (rock, metal)
  Walking,    // a quarter-note line: root, chord tones, a chromatic step into the next root (jazz)
  Octaves,    // eighths alternating root and the octave above (disco)
  Sub,        // long low notes on the kick's steps (hip-hop)
  Reggae,     // a syncopated line that leaves beat 1 empty (one drop)
  RootFifth,  // root on 1, fifth on 3 (country's boom-chick)
};

// How the chord instrument plays each chord.
enum class ChordStyle {
  None,
  Pad,       // held for the whole chord
  Block,     // struck on every beat
  Backbeat,  // struck on beats 2 and 4 (country's chick)
  Strum,     // strummed on every eighth note, short (rock, metal)
  Offbeat,   // short stabs on the "and" of every beat (reggae skank, disco guitar)
  Comp,      // a few syncopated hits per bar (jazz comping)
  Arpeggio,  // one chord tone per eighth note, cycling (classical piano)
};

// Chord types, as intervals above the root.
enum class ChordQuality { Major, Minor, Dominant7, Major7, Minor7, Power, Diminished };

// A chord of a progression: its root in semitones above the key, and its type.
struct Chord {
  int root = 0;
  ChordQuality quality = ChordQuality::Major;
};

// The semitones above the root a chord of this quality holds (Power: root, fifth, octave).
const std::vector<int>& chord_intervals(ChordQuality quality);

// A progression with the scale its melody draws from (semitones above the key).
struct Harmony {
  std::vector<Chord> chords;
  std::vector<int> scale;
};

// A closed range [low, high] a per-clip value is drawn from uniformly.
struct Range {
  double low = 0.0;
  double high = 0.0;
};

// How loud each part is relative to the others (linear gains).
struct Levels {
  double drums = 1.0;
  double bass = 1.0;
  double chords = 1.0;
  double lead = 1.0;
};

// Everything that characterises one genre. Lists are alternatives: each clip picks one entry.
struct Recipe {
  std::string genre;
  Range tempo;    // beats per minute
  Range swing;    // the off-beat eighth is late by this fraction of a beat
                  // (0 straight, 1/6 a full triplet shuffle)
  Range swing16;  // the same for off-beat sixteenths (hip-hop's lazy feel)
  std::vector<Harmony> harmonies;
  std::vector<double> bars_per_chord;  // how long each chord lasts
  std::vector<DrumPattern> drums;      // empty: no drums
  KitTuning kit;                       // each value varies +-20% per clip
  std::vector<BassStyle> bass_styles;
  std::vector<Instrument> bass_instruments;
  std::vector<ChordStyle> chord_styles;
  std::vector<Instrument> chord_instruments;
  std::vector<Instrument> lead_instruments;
  Range melody_density;  // probability that an eighth-note slot starts a melody note
  Range guitar_drive;    // distortion gain of a DistortedGuitar chord part (1: clean)
  Range noise_level;     // hiss amplitude relative to the mix's peak
  Range bandwidth_hz;    // the mix is low-passed here (old recordings are dull)
  Range master_drive;    // soft-clipping gain of the whole mix (loudness and compression)
  Range dynamics;        // depth of slow loudness swells over the clip (0: none)
  Levels levels;         // each varies +-6 dB per clip
  std::vector<int64_t> neighbours;  // genres (gtzan_genres() indices) it may borrow from
};

// The recipe of GTZAN genre `genre` (gtzan_genres() order: blues, classical, ..., rock).
// Requires: 0 <= genre < 10 (else timbre::Error).
const Recipe& genre_recipe(int64_t genre);

// The concrete choices for one clip.
struct Arrangement {
  double tempo = 120.0;
  double swing = 0.0;
  double swing16 = 0.0;
  int key = 0;  // semitones above C
  Harmony harmony;
  double bars_per_chord = 1.0;
  bool has_drums = false;
  DrumPattern drums;
  KitTuning kit;
  BassStyle bass = BassStyle::None;
  Instrument bass_instrument = Instrument::SynthBass;
  ChordStyle chords = ChordStyle::None;
  Instrument chord_instrument = Instrument::Piano;
  Instrument lead = Instrument::Piano;
  double melody_density = 0.0;
  double guitar_drive = 1.0;
  Levels levels;  // the recipe's levels, each times a random factor in [1/2, 2] (+-6 dB)
  double noise_level = 0.0;
  double bandwidth_hz = 11000.0;
  double master_drive = 1.0;
  double dynamics = 0.0;
  double peak = 0.9;     // the final peak amplitude (< 1)
  std::string borrowed;  // "" or e.g. "drums from rock": what was taken from a neighbour
};

// Draws the arrangement of one clip of `genre` from its recipe: every Range uniformly, every
// list entry uniformly, and with probability kBorrowProbability one element (drums, bass,
// chords, lead or production) replaced by a neighbour's.
// Requires: 0 <= genre < 10.
// Ensures:  the result depends only on `genre` and the generator's state.
Arrangement draw_arrangement(int64_t genre, Generator& generator);

}  // namespace timbre::data::synth
