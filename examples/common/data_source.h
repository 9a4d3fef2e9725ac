// examples/common/data_source.h - where a lab's audio comes from: the user's data set (--data)
// or, by default, the synthetic GTZAN generated once into the cache; and the preprocessed
// pictures or features of those clips, also cached.
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/preprocess.h"
#include "data/split.h"
#include "examples/common/flags.h"

namespace timbre::examples {

// The size of the synthetic GTZAN a lab builds when --data is not given.
struct SyntheticSize {
  int64_t clips_per_class = 100;
  double seconds = 30.0;
  bool features = false;  // also write features_30_sec.csv and features_3_sec.csv
};

// Adds --synthetic-clips and --synthetic-seconds (the size of the synthetic set used without
// --data), with `size`'s values as defaults.
void add_synthetic_flags(CLI::App& app, SyntheticSize& size);

// The folder of the data set: --data, or the synthetic GTZAN of `size` in the cache (generated
// there first when missing; an existing complete copy is reused).
std::string data_folder(const CommonFlags& flags, const SyntheticSize& size);

// The GTZAN clips of --data (either layout) or of the synthetic set; prints the per-genre
// summary. Unreadable clips are skipped with a warning (data::load_gtzan).
data::ClipList load_gtzan_clips(const CommonFlags& flags, const SyntheticSize& size);

// Preprocesses `clips` once into the cache (data::preprocess; kept for later runs) and returns
// the cached files. `options.out_dir` is filled in: <cache>/preprocessed/<data set>/<name>.
data::ClipList preprocess_cached(const data::ClipList& clips, const CommonFlags& flags,
                                 const SyntheticSize& size, data::PreprocessOptions options,
                                 const std::string& name);

// The items of `items` whose song is one of `clips`' songs (items made from those clips by
// preprocessing: pictures, slices, masked copies, feature rows), in `clips`' order (and, for
// one clip, in `items`' order). A clip without items (it failed to preprocess) is left out.
data::ClipList items_of_songs(const data::ClipList& items, const data::ClipList& clips);

// The split a lab asks for with --split:
//   "sutd"        per class the first 60 clips train, the rest validate (the SUTD notebooks),
//                 or the first 60% when a class has fewer than 100 clips (small synthetic sets)
//   "stratified"  a stratified random split with `fractions` and the seed
//   "fault-filtered"  the fault-filtered GTZAN split (443 / 197 / 290 songs)
// Prints the split's description.
// Throws timbre::Error naming the part when a part that should hold clips (a positive fraction,
// or sutd's validation) is empty: the data set is too small for the split.
data::Split make_split(const std::string& name, const data::ClipList& clips,
                       const std::vector<double>& fractions, uint64_t seed);

}  // namespace timbre::examples
