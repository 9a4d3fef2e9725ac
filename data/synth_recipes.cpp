// data/synth_recipes.cpp - the ten genre recipes and drawing one clip's arrangement from them.
#include "data/synth_recipes.h"

#include <cmath>

#include "tensor/error.h"

namespace timbre::data::synth {

namespace {

// Genre indices in gtzan_genres() order, for the neighbour lists.
enum GenreIndex : int64_t {
  kBlues,
  kClassical,
  kCountry,
  kDisco,
  kHiphop,
  kJazz,
  kMetal,
  kPop,
  kReggae,
  kRock,
};

constexpr ChordQuality kMajor = ChordQuality::Major;
constexpr ChordQuality kMinor = ChordQuality::Minor;
constexpr ChordQuality kDominant7 = ChordQuality::Dominant7;
constexpr ChordQuality kMajor7 = ChordQuality::Major7;
constexpr ChordQuality kMinor7 = ChordQuality::Minor7;
constexpr ChordQuality kPower = ChordQuality::Power;
constexpr ChordQuality kDiminished = ChordQuality::Diminished;

// Scales as semitones above the key.
const std::vector<int> kMajorScale = {0, 2, 4, 5, 7, 9, 11};
const std::vector<int> kMinorScale = {0, 2, 3, 5, 7, 8, 10};
const std::vector<int> kHarmonicMinor = {0, 2, 3, 5, 7, 8, 11};
const std::vector<int> kDorian = {0, 2, 3, 5, 7, 9, 10};
const std::vector<int> kPhrygian = {0, 1, 3, 5, 7, 8, 10};
const std::vector<int> kMajorPentatonic = {0, 2, 4, 7, 9};
const std::vector<int> kMinorPentatonic = {0, 3, 5, 7, 10};
const std::vector<int> kBluesScale = {0, 3, 5, 6, 7, 10};

using enum Instrument;

std::vector<Recipe> make_recipes() {
  std::vector<Recipe> recipes(10);

  Recipe& blues = recipes[kBlues];
  blues.genre = "blues";
  blues.tempo = {65, 125};
  blues.swing = {0.10, 0.167};
  blues.harmonies = {{{{0, kDominant7},
                       {0, kDominant7},
                       {0, kDominant7},
                       {0, kDominant7},
                       {5, kDominant7},
                       {5, kDominant7},
                       {0, kDominant7},
                       {0, kDominant7},
                       {7, kDominant7},
                       {5, kDominant7},
                       {0, kDominant7},
                       {7, kDominant7}},
                      kBluesScale},
                     {{{0, kDominant7},
                       {5, kDominant7},
                       {0, kDominant7},
                       {0, kDominant7},
                       {5, kDominant7},
                       {5, kDominant7},
                       {0, kDominant7},
                       {0, kDominant7},
                       {7, kDominant7},
                       {5, kDominant7},
                       {0, kDominant7},
                       {7, kDominant7}},
                      kBluesScale},
                     {{{0, kMinor7},
                       {0, kMinor7},
                       {0, kMinor7},
                       {0, kMinor7},
                       {5, kMinor7},
                       {5, kMinor7},
                       {0, kMinor7},
                       {0, kMinor7},
                       {8, kDominant7},
                       {7, kDominant7},
                       {0, kMinor7},
                       {7, kDominant7}},
                      kMinorPentatonic}};
  blues.bars_per_chord = {1};
  blues.drums = {
      {.kick = "x.......x.......", .snare = "....x.......x...", .hat = "x.x.x.x.x.x.x.x."},
      {.kick = "x.....o.x.......", .snare = "....x.......x..o", .ride = "x.x.x.x.x.x.x.x."}};
  blues.kit = {.kick_start_hz = 120,
               .kick_end_hz = 55,
               .kick_decay = 0.2,
               .kick_click = 0.2,
               .snare_tone_hz = 200,
               .snare_decay = 0.14,
               .hat_cutoff_hz = 6000,
               .brightness = 0.8};
  blues.bass_styles = {BassStyle::Walking, BassStyle::Roots, BassStyle::RootFifth};
  blues.bass_instruments = {AcousticBass, SynthBass};
  blues.chord_styles = {ChordStyle::Comp, ChordStyle::Block, ChordStyle::Pad};
  blues.chord_instruments = {ElectricPiano, Organ, CleanGuitar, Piano};
  blues.lead_instruments = {Saxophone, CleanGuitar, DistortedGuitar, Brass};
  blues.melody_density = {0.25, 0.5};
  blues.guitar_drive = {1.5, 3};
  blues.noise_level = {0.005, 0.03};
  blues.bandwidth_hz = {4000, 9000};
  blues.master_drive = {1.0, 2.0};
  blues.dynamics = {0.05, 0.2};
  blues.neighbours = {kJazz, kCountry, kRock};

  Recipe& classical = recipes[kClassical];
  classical.genre = "classical";
  classical.tempo = {50, 110};
  classical.harmonies = {
      {{{0, kMajor}, {5, kMajor}, {7, kMajor}, {0, kMajor}}, kMajorScale},
      {{{0, kMajor}, {9, kMinor}, {2, kMinor}, {7, kDominant7}}, kMajorScale},
      {{{0, kMinor}, {5, kMinor}, {7, kMajor}, {0, kMinor}}, kHarmonicMinor},
      {{{0, kMinor}, {8, kMajor}, {5, kMinor}, {7, kDominant7}}, kHarmonicMinor}};
  classical.bars_per_chord = {1, 2};
  classical.bass_styles = {BassStyle::None, BassStyle::Roots};
  classical.bass_instruments = {StringPad, Piano};
  classical.chord_styles = {ChordStyle::Pad, ChordStyle::Arpeggio, ChordStyle::Block};
  classical.chord_instruments = {StringPad, Piano, Organ};
  classical.lead_instruments = {Flute, StringPad, Piano, Brass};
  classical.melody_density = {0.2, 0.5};
  classical.guitar_drive = {1, 1};
  classical.noise_level = {0.002, 0.02};
  classical.bandwidth_hz = {5000, 11000};
  classical.master_drive = {0.3, 1.0};
  classical.dynamics = {0.3, 0.7};
  classical.levels = {.drums = 0.0, .bass = 0.6, .chords = 1.0, .lead = 0.8};
  classical.neighbours = {kJazz};

  Recipe& country = recipes[kCountry];
  country.genre = "country";
  country.tempo = {90, 150};
  country.swing = {0.0, 0.05};
  country.harmonies = {{{{0, kMajor}, {5, kMajor}, {0, kMajor}, {7, kMajor}}, kMajorPentatonic},
                       {{{0, kMajor}, {0, kMajor}, {5, kMajor}, {7, kDominant7}}, kMajorScale},
                       {{{0, kMajor}, {7, kMajor}, {9, kMinor}, {5, kMajor}}, kMajorPentatonic}};
  country.bars_per_chord = {1, 2};
  country.drums = {
      {.kick = "x.......x.......", .snare = "oxoxXoxooxoxXoxo", .snare_sound = Drum::Brush},
      {.kick = "x.......x.......",
       .snare = "....x.......x...",
       .hat = "x.x.x.x.x.x.x.x.",
       .snare_sound = Drum::Rimshot}};
  country.kit = {.kick_start_hz = 110,
                 .kick_end_hz = 60,
                 .kick_decay = 0.15,
                 .kick_click = 0.2,
                 .snare_tone_hz = 220,
                 .snare_decay = 0.1,
                 .hat_cutoff_hz = 7000,
                 .brightness = 0.9};
  country.bass_styles = {BassStyle::RootFifth};
  country.bass_instruments = {AcousticBass, SynthBass};
  country.chord_styles = {ChordStyle::Backbeat, ChordStyle::Strum};
  country.chord_instruments = {CleanGuitar, Banjo, Piano};
  country.lead_instruments = {Banjo, CleanGuitar, StringPad};
  country.melody_density = {0.3, 0.6};
  country.guitar_drive = {1, 1.5};
  country.noise_level = {0.002, 0.015};
  country.bandwidth_hz = {6000, 11000};
  country.master_drive = {1.2, 2.2};
  country.dynamics = {0.05, 0.15};
  country.neighbours = {kBlues, kRock, kPop};

  Recipe& disco = recipes[kDisco];
  disco.genre = "disco";
  disco.tempo = {112, 132};
  disco.swing16 = {0.0, 0.03};
  disco.harmonies = {{{{0, kMinor7}, {5, kMinor7}}, kDorian},
                     {{{2, kMinor7}, {7, kDominant7}}, kMajorScale},
                     {{{0, kMajor7}, {5, kMajor7}}, kMajorScale},
                     {{{0, kMinor7}, {10, kMajor}}, kDorian}};
  disco.bars_per_chord = {1, 2};
  disco.drums = {{.kick = "x...x...x...x...",
                  .snare = "....x.......x...",
                  .hat = "x.o.x.o.x.o.x.o.",
                  .open_hat = "..x...x...x...x.",
                  .snare_sound = Drum::Clap},
                 {.kick = "x...x...x...x...",
                  .snare = "....x.......x...",
                  .open_hat = "..x...x...x...x.",
                  .extra = "xoxoxoxoxoxoxoxo"}};
  disco.kit = {.kick_start_hz = 130,
               .kick_end_hz = 50,
               .kick_decay = 0.18,
               .kick_click = 0.4,
               .snare_tone_hz = 200,
               .snare_decay = 0.12,
               .hat_cutoff_hz = 8000,
               .brightness = 1.0};
  disco.bass_styles = {BassStyle::Octaves};
  disco.bass_instruments = {SynthBass, AcousticBass};
  disco.chord_styles = {ChordStyle::Offbeat, ChordStyle::Pad};
  disco.chord_instruments = {CleanGuitar, StringPad, ElectricPiano, SynthPad};
  disco.lead_instruments = {StringPad, Brass, SynthLead, Flute};
  disco.melody_density = {0.3, 0.55};
  disco.guitar_drive = {1, 1};
  disco.noise_level = {0.001, 0.01};
  disco.bandwidth_hz = {8000, 11000};
  disco.master_drive = {1.5, 2.5};
  disco.dynamics = {0.0, 0.08};
  disco.neighbours = {kPop, kHiphop};

  Recipe& hiphop = recipes[kHiphop];
  hiphop.genre = "hiphop";
  hiphop.tempo = {80, 100};
  hiphop.swing16 = {0.02, 0.08};
  hiphop.harmonies = {{{{0, kMinor}, {8, kMajor}}, kMinorPentatonic},
                      {{{0, kMinor7}, {5, kMinor7}}, kDorian},
                      {{{0, kMinor7}}, kMinorPentatonic}};
  hiphop.bars_per_chord = {1, 2};
  hiphop.drums = {
      {.kick = "x......x..x.....", .snare = "....x.......x...", .hat = "x.x.x.x.x.x.x.x."},
      {.kick = "x.........x..x..",
       .snare = "........x.......",
       .hat = "xoxoxoxxxoxoxoxo",
       .snare_sound = Drum::Clap},
      {.kick = "x.....x...x..x..",
       .snare = "....x.......x...",
       .hat = "x.x.x.x.x.x.x.x.",
       .fills = false}};
  hiphop.kit = {.kick_start_hz = 100,
                .kick_end_hz = 42,
                .kick_decay = 0.45,
                .kick_click = 0.15,
                .snare_tone_hz = 180,
                .snare_decay = 0.15,
                .hat_cutoff_hz = 8000,
                .brightness = 0.8};
  hiphop.bass_styles = {BassStyle::Sub};
  hiphop.bass_instruments = {SubBass, SynthBass};
  hiphop.chord_styles = {ChordStyle::Pad, ChordStyle::Block, ChordStyle::None};
  hiphop.chord_instruments = {ElectricPiano, Piano, SynthPad, StringPad};
  hiphop.lead_instruments = {SynthLead, ElectricPiano, Flute, Brass};
  hiphop.melody_density = {0.05, 0.2};
  hiphop.guitar_drive = {1, 1};
  hiphop.noise_level = {0.003, 0.02};
  hiphop.bandwidth_hz = {6000, 10000};
  hiphop.master_drive = {2.0, 3.5};
  hiphop.dynamics = {0.0, 0.05};
  hiphop.levels = {.drums = 1.3, .bass = 1.4, .chords = 0.7, .lead = 0.5};
  hiphop.neighbours = {kReggae, kDisco, kPop};

  Recipe& jazz = recipes[kJazz];
  jazz.genre = "jazz";
  jazz.tempo = {90, 200};
  jazz.swing = {0.10, 0.167};
  jazz.harmonies = {{{{2, kMinor7}, {7, kDominant7}, {0, kMajor7}, {0, kMajor7}}, kMajorScale},
                    {{{0, kMajor7}, {9, kMinor7}, {2, kMinor7}, {7, kDominant7}}, kMajorScale},
                    {{{2, kDiminished}, {7, kDominant7}, {0, kMinor7}, {0, kMinor7}}, kDorian}};
  jazz.bars_per_chord = {0.5, 1};
  jazz.drums = {{.kick = "o.........o.....",
                 .snare = "......o.....o..o",
                 .hat = "....x.......x...",
                 .ride = "x...x.x.x...x.x.",
                 .snare_sound = Drum::Brush},
                {.snare = "x.x.x.x.x.x.x.x.",
                 .hat = "....x.......x...",
                 .snare_sound = Drum::Brush,
                 .fills = false}};
  jazz.kit = {.kick_start_hz = 90,
              .kick_end_hz = 55,
              .kick_decay = 0.2,
              .kick_click = 0.05,
              .snare_tone_hz = 230,
              .snare_decay = 0.1,
              .hat_cutoff_hz = 5000,
              .brightness = 1.3};
  jazz.bass_styles = {BassStyle::Walking};
  jazz.bass_instruments = {AcousticBass};
  jazz.chord_styles = {ChordStyle::Comp, ChordStyle::Pad};
  jazz.chord_instruments = {Piano, ElectricPiano, Organ, CleanGuitar};
  jazz.lead_instruments = {Saxophone, Brass, Piano, Flute};
  jazz.melody_density = {0.4, 0.75};
  jazz.guitar_drive = {1, 1};
  jazz.noise_level = {0.003, 0.03};
  jazz.bandwidth_hz = {4500, 10000};
  jazz.master_drive = {0.8, 1.5};
  jazz.dynamics = {0.1, 0.3};
  jazz.neighbours = {kBlues, kClassical, kCountry};

  Recipe& metal = recipes[kMetal];
  metal.genre = "metal";
  metal.tempo = {130, 200};
  metal.harmonies = {{{{0, kPower}, {8, kPower}, {10, kPower}, {0, kPower}}, kMinorScale},
                     {{{0, kPower}, {1, kPower}}, kPhrygian},
                     {{{0, kPower}, {0, kPower}, {10, kPower}, {8, kPower}}, kMinorPentatonic}};
  metal.bars_per_chord = {0.5, 1};
  metal.drums = {{.kick = "xxxxxxxxxxxxxxxx",
                  .snare = "....X.......X...",
                  .ride = "x...x...x...x...",
                  .crash_each_phrase = true},
                 {.kick = "x.x.x.x.x.x.x.x.",
                  .snare = "....X.......X...",
                  .hat = "x.x.x.x.x.x.x.x.",
                  .crash_each_phrase = true},
                 {.kick = "x.x.x.x.x.x.x.x.",
                  .snare = "..x...x...x...x.",
                  .ride = "x.x.x.x.x.x.x.x.",
                  .crash_each_phrase = true,
                  .fills = false}};
  metal.kit = {.kick_start_hz = 180,
               .kick_end_hz = 60,
               .kick_decay = 0.1,
               .kick_click = 0.8,
               .snare_tone_hz = 200,
               .snare_decay = 0.15,
               .hat_cutoff_hz = 7000,
               .brightness = 1.2};
  metal.bass_styles = {BassStyle::Eighths};
  metal.bass_instruments = {SynthBass};
  metal.chord_styles = {ChordStyle::Strum, ChordStyle::Pad};
  metal.chord_instruments = {DistortedGuitar};
  metal.lead_instruments = {DistortedGuitar, SynthLead};
  metal.melody_density = {0.2, 0.6};
  metal.guitar_drive = {8, 20};
  metal.noise_level = {0.001, 0.01};
  metal.bandwidth_hz = {7000, 11000};
  metal.master_drive = {2.5, 4.0};
  metal.dynamics = {0.0, 0.05};
  metal.levels = {.drums = 1.0, .bass = 0.8, .chords = 1.2, .lead = 0.6};
  metal.neighbours = {kRock};

  Recipe& pop = recipes[kPop];
  pop.genre = "pop";
  pop.tempo = {95, 128};
  pop.swing = {0.0, 0.03};
  pop.harmonies = {{{{0, kMajor}, {7, kMajor}, {9, kMinor}, {5, kMajor}}, kMajorScale},
                   {{{9, kMinor}, {5, kMajor}, {0, kMajor}, {7, kMajor}}, kMajorPentatonic},
                   {{{0, kMajor}, {5, kMajor}, {9, kMinor}, {7, kMajor}}, kMajorScale},
                   {{{0, kMajor}, {9, kMinor}, {5, kMajor}, {7, kMajor}}, kMajorPentatonic}};
  pop.bars_per_chord = {1, 2};
  pop.drums = {{.kick = "x.......x.x.....", .snare = "....x.......x...", .hat = "x.x.x.x.x.x.x.x."},
               {.kick = "x...x...x...x...",
                .snare = "....x.......x...",
                .open_hat = "..x...x...x...x.",
                .extra = "x.x.x.x.x.x.x.x.",
                .snare_sound = Drum::Clap}};
  pop.kit = {.kick_start_hz = 140,
             .kick_end_hz = 50,
             .kick_decay = 0.2,
             .kick_click = 0.3,
             .snare_tone_hz = 200,
             .snare_decay = 0.12,
             .hat_cutoff_hz = 8000,
             .brightness = 1.0};
  pop.bass_styles = {BassStyle::Roots, BassStyle::Eighths, BassStyle::Octaves, BassStyle::Sub};
  pop.bass_instruments = {SynthBass, SubBass};
  pop.chord_styles = {ChordStyle::Pad, ChordStyle::Block, ChordStyle::Offbeat, ChordStyle::Strum};
  pop.chord_instruments = {SynthPad, Piano, CleanGuitar, ElectricPiano};
  pop.lead_instruments = {SynthLead, Piano, Flute, Brass};
  pop.melody_density = {0.35, 0.65};
  pop.guitar_drive = {1, 2};
  pop.noise_level = {0.0, 0.005};
  pop.bandwidth_hz = {9000, 11000};
  pop.master_drive = {2.0, 3.2};
  pop.dynamics = {0.0, 0.08};
  pop.neighbours = {kDisco, kRock, kHiphop, kCountry};

  Recipe& reggae = recipes[kReggae];
  reggae.genre = "reggae";
  reggae.tempo = {65, 95};
  reggae.swing = {0.02, 0.08};
  reggae.harmonies = {{{{0, kMajor}, {5, kMajor}}, kMajorScale},
                      {{{0, kMinor}, {10, kMajor}}, kDorian},
                      {{{0, kMajor}, {5, kMajor}, {7, kMajor}, {5, kMajor}}, kMajorPentatonic}};
  reggae.bars_per_chord = {1, 2};
  reggae.drums = {{.kick = "........x.......",
                   .snare = "........x.......",
                   .hat = "x.x.x.x.x.x.x.x.",
                   .snare_sound = Drum::Rimshot},
                  {.kick = "x...x...x...x...",
                   .snare = "........x.......",
                   .open_hat = "..x...x...x...x.",
                   .snare_sound = Drum::Rimshot},
                  {.kick = "x.......x.......",
                   .snare = "....x.......x...",
                   .hat = "x.x.x.x.x.x.x.x.",
                   .snare_sound = Drum::Rimshot}};
  reggae.kit = {.kick_start_hz = 100,
                .kick_end_hz = 55,
                .kick_decay = 0.25,
                .kick_click = 0.1,
                .snare_tone_hz = 250,
                .snare_decay = 0.1,
                .hat_cutoff_hz = 7000,
                .brightness = 0.9};
  reggae.bass_styles = {BassStyle::Reggae};
  reggae.bass_instruments = {SynthBass, SubBass, AcousticBass};
  reggae.chord_styles = {ChordStyle::Offbeat};
  reggae.chord_instruments = {Organ, CleanGuitar, Piano, ElectricPiano};
  reggae.lead_instruments = {Brass, Organ, Flute, Saxophone};
  reggae.melody_density = {0.15, 0.4};
  reggae.guitar_drive = {1, 1};
  reggae.noise_level = {0.003, 0.02};
  reggae.bandwidth_hz = {5000, 9500};
  reggae.master_drive = {1.3, 2.3};
  reggae.dynamics = {0.0, 0.08};
  reggae.levels = {.drums = 1.0, .bass = 1.4, .chords = 0.8, .lead = 0.7};
  reggae.neighbours = {kHiphop, kPop};

  Recipe& rock = recipes[kRock];
  rock.genre = "rock";
  rock.tempo = {100, 145};
  rock.swing = {0.0, 0.03};
  rock.harmonies = {{{{0, kMajor}, {5, kMajor}, {7, kMajor}, {5, kMajor}}, kMajorPentatonic},
                    {{{0, kMajor}, {10, kMajor}, {5, kMajor}, {0, kMajor}}, kMajorScale},
                    {{{0, kPower}, {8, kPower}, {10, kPower}, {0, kPower}}, kMinorPentatonic},
                    {{{0, kPower}, {7, kPower}, {9, kPower}, {5, kPower}}, kMajorPentatonic}};
  rock.bars_per_chord = {1, 2};
  rock.drums = {{.kick = "x.....x.x.......",
                 .snare = "....x.......x...",
                 .hat = "x.x.x.x.x.x.x.x.",
                 .crash_each_phrase = true},
                {.kick = "x.......x.x.....",
                 .snare = "....x.......x...",
                 .ride = "x.x.x.x.x.x.x.x.",
                 .crash_each_phrase = true}};
  rock.kit = {.kick_start_hz = 150,
              .kick_end_hz = 55,
              .kick_decay = 0.16,
              .kick_click = 0.5,
              .snare_tone_hz = 190,
              .snare_decay = 0.16,
              .hat_cutoff_hz = 6500,
              .brightness = 1.0};
  rock.bass_styles = {BassStyle::Eighths, BassStyle::Roots};
  rock.bass_instruments = {SynthBass};
  rock.chord_styles = {ChordStyle::Strum, ChordStyle::Pad, ChordStyle::Block};
  rock.chord_instruments = {DistortedGuitar, DistortedGuitar, CleanGuitar, Organ, Piano};
  rock.lead_instruments = {DistortedGuitar, SynthLead, Organ, Piano};
  rock.melody_density = {0.25, 0.55};
  rock.guitar_drive = {3, 8};
  rock.noise_level = {0.002, 0.01};
  rock.bandwidth_hz = {6500, 11000};
  rock.master_drive = {1.8, 3.0};
  rock.dynamics = {0.0, 0.1};
  rock.neighbours = {kMetal, kPop, kBlues, kCountry};

  return recipes;
}

double draw(const Range& range, Generator& generator) {
  return range.low + (range.high - range.low) * generator.uniform();
}

template <typename T>
const T& pick(const std::vector<T>& options, Generator& generator) {
  return options[static_cast<size_t>(generator.below(options.size()))];
}

// A value varied by a random factor in [1 - spread, 1 + spread].
double vary(double value, double spread, Generator& generator) {
  return value * (1.0 + spread * (2.0 * generator.uniform() - 1.0));
}

// One clip's choices from one recipe, without borrowing. The order of the draws is fixed (each
// is its own statement), so a seed always gives the same arrangement.
Arrangement draw_from_recipe(const Recipe& recipe, Generator& generator) {
  Arrangement arrangement;
  arrangement.tempo = draw(recipe.tempo, generator);
  arrangement.swing = draw(recipe.swing, generator);
  arrangement.swing16 = draw(recipe.swing16, generator);
  arrangement.key = static_cast<int>(generator.below(12));
  arrangement.harmony = pick(recipe.harmonies, generator);
  arrangement.bars_per_chord = pick(recipe.bars_per_chord, generator);
  arrangement.has_drums = !recipe.drums.empty();
  if (arrangement.has_drums) arrangement.drums = pick(recipe.drums, generator);
  KitTuning& kit = arrangement.kit;
  kit = recipe.kit;
  kit.kick_start_hz = vary(kit.kick_start_hz, 0.2, generator);
  kit.kick_end_hz = vary(kit.kick_end_hz, 0.2, generator);
  kit.kick_decay = vary(kit.kick_decay, 0.2, generator);
  kit.kick_click = vary(kit.kick_click, 0.2, generator);
  kit.snare_tone_hz = vary(kit.snare_tone_hz, 0.2, generator);
  kit.snare_decay = vary(kit.snare_decay, 0.2, generator);
  kit.hat_cutoff_hz = vary(kit.hat_cutoff_hz, 0.2, generator);
  kit.brightness = vary(kit.brightness, 0.2, generator);
  arrangement.bass = pick(recipe.bass_styles, generator);
  arrangement.bass_instrument = pick(recipe.bass_instruments, generator);
  arrangement.chords = pick(recipe.chord_styles, generator);
  arrangement.chord_instrument = pick(recipe.chord_instruments, generator);
  arrangement.lead = pick(recipe.lead_instruments, generator);
  arrangement.melody_density = draw(recipe.melody_density, generator);
  arrangement.guitar_drive = draw(recipe.guitar_drive, generator);
  // +-6 dB: a factor 2^u with u uniform in [-1, 1].
  Levels& levels = arrangement.levels;
  levels = recipe.levels;
  levels.drums *= std::exp2(2.0 * generator.uniform() - 1.0);
  levels.bass *= std::exp2(2.0 * generator.uniform() - 1.0);
  levels.chords *= std::exp2(2.0 * generator.uniform() - 1.0);
  levels.lead *= std::exp2(2.0 * generator.uniform() - 1.0);
  arrangement.noise_level = draw(recipe.noise_level, generator);
  arrangement.bandwidth_hz = draw(recipe.bandwidth_hz, generator);
  arrangement.master_drive = draw(recipe.master_drive, generator);
  arrangement.dynamics = draw(recipe.dynamics, generator);
  arrangement.peak = 0.6 + 0.35 * generator.uniform();
  return arrangement;
}

}  // namespace

const std::vector<int>& chord_intervals(ChordQuality quality) {
  static const std::vector<std::vector<int>> intervals = {
      {0, 4, 7},      // Major
      {0, 3, 7},      // Minor
      {0, 4, 7, 10},  // Dominant7
      {0, 4, 7, 11},  // Major7
      {0, 3, 7, 10},  // Minor7
      {0, 7, 12},     // Power: root, fifth, octave (no third: it turns to mud when distorted)
      {0, 3, 6, 10},  // Diminished (half-diminished, the ii of a minor ii-V)
  };
  return intervals[static_cast<size_t>(quality)];
}

const Recipe& genre_recipe(int64_t genre) {
  static const std::vector<Recipe> recipes = make_recipes();
  TIMBRE_CHECK(genre >= 0 && genre < static_cast<int64_t>(recipes.size()),
               "synthetic GTZAN: genre index ", genre, " is out of range [0, ", recipes.size(),
               ")");
  return recipes[static_cast<size_t>(genre)];
}

Arrangement draw_arrangement(int64_t genre, Generator& generator) {
  const Recipe& recipe = genre_recipe(genre);
  Arrangement arrangement = draw_from_recipe(recipe, generator);
  if (recipe.neighbours.empty() || generator.uniform() >= kBorrowProbability) return arrangement;

  // Borrow one whole element of a neighbour's arrangement, drawn the neighbour's way.
  const Recipe& neighbour = genre_recipe(pick(recipe.neighbours, generator));
  const Arrangement other = draw_from_recipe(neighbour, generator);
  switch (generator.below(5)) {
    case 0:
      arrangement.has_drums = other.has_drums;
      arrangement.drums = other.drums;
      arrangement.kit = other.kit;
      arrangement.swing = other.swing;
      arrangement.swing16 = other.swing16;
      arrangement.levels.drums = other.levels.drums;
      arrangement.borrowed = "drums from " + neighbour.genre;
      break;
    case 1:
      arrangement.bass = other.bass;
      arrangement.bass_instrument = other.bass_instrument;
      arrangement.levels.bass = other.levels.bass;
      arrangement.borrowed = "bass from " + neighbour.genre;
      break;
    case 2:
      arrangement.chords = other.chords;
      arrangement.chord_instrument = other.chord_instrument;
      arrangement.guitar_drive = other.guitar_drive;
      arrangement.levels.chords = other.levels.chords;
      arrangement.borrowed = "chords from " + neighbour.genre;
      break;
    case 3:
      arrangement.lead = other.lead;
      arrangement.melody_density = other.melody_density;
      arrangement.levels.lead = other.levels.lead;
      arrangement.borrowed = "lead from " + neighbour.genre;
      break;
    default:
      arrangement.tempo = other.tempo;
      arrangement.noise_level = other.noise_level;
      arrangement.bandwidth_hz = other.bandwidth_hz;
      arrangement.master_drive = other.master_drive;
      arrangement.dynamics = other.dynamics;
      arrangement.borrowed = "tempo and production from " + neighbour.genre;
      break;
  }
  return arrangement;
}

}  // namespace timbre::data::synth
