// examples/common/data_source.cpp - the data set of a lab, the synthetic default and the cache.
#include "examples/common/data_source.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "data/gtzan.h"
#include "data/synth.h"
#include "tensor/error.h"

namespace timbre::examples {

namespace {

std::string cache_root(const CommonFlags& flags) {
  return flags.cache.empty() ? default_cache_dir() : flags.cache;
}

std::string synthetic_name(const SyntheticSize& size) {
  char name[96];
  std::snprintf(name, sizeof(name), "synthetic-gtzan-%lldx%gs",
                static_cast<long long>(size.clips_per_class), size.seconds);
  return name;
}

// A folder name for a data set: the synthetic set's name, or the absolute path of --data with
// its '/' turned into '_' (so two data sets never share a cache).
std::string data_set_name(const CommonFlags& flags, const SyntheticSize& size) {
  if (flags.data.empty()) return synthetic_name(size);
  std::string name = std::filesystem::absolute(flags.data).lexically_normal().string();
  for (char& c : name) {
    if (c == '/' || c == ' ') c = '_';
  }
  return name;
}

}  // namespace

void add_synthetic_flags(CLI::App& app, SyntheticSize& size) {
  app.add_option("--synthetic-clips", size.clips_per_class,
                 "clips per genre of the synthetic set (without --data)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--synthetic-seconds", size.seconds, "length of the synthetic clips in seconds")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 600.0));
}

std::string data_folder(const CommonFlags& flags, const SyntheticSize& size) {
  if (!flags.data.empty()) return flags.data;
  const std::string folder = cache_root(flags) + "/" + synthetic_name(size);
  std::printf("data: the synthetic GTZAN (%lld clips per genre, %g s) in %s\n",
              static_cast<long long>(size.clips_per_class), size.seconds, folder.c_str());
  data::SynthOptions options;
  options.clips_per_class = size.clips_per_class;
  options.seconds = size.seconds;
  options.images = false;
  options.features_30_sec = size.features;
  options.features_3_sec = size.features;
  options.threads = 0;
  data::write_synthetic_gtzan(folder, options);
  return folder;
}

data::ClipList load_gtzan_clips(const CommonFlags& flags, const SyntheticSize& size) {
  return data::load_gtzan(data_folder(flags, size));
}

data::ClipList preprocess_cached(const data::ClipList& clips, const CommonFlags& flags,
                                 const SyntheticSize& size, data::PreprocessOptions options,
                                 const std::string& name) {
  options.out_dir = cache_root(flags) + "/preprocessed/" + data_set_name(flags, size) + "/" + name;
  options.threads = flags.threads;
  std::printf("preprocessing %lld clips into %s (kept for later runs)\n",
              static_cast<long long>(clips.size()), options.out_dir.c_str());
  std::fflush(stdout);
  return data::preprocess(clips, options);
}

data::ClipList items_of_songs(const data::ClipList& items, const data::ClipList& clips) {
  std::map<std::string, std::vector<int64_t>> items_of_song;  // song -> its items, in order
  for (int64_t i = 0; i < items.size(); ++i) {
    items_of_song[items.clips[static_cast<size_t>(i)].song].push_back(i);
  }
  std::vector<int64_t> indices;
  for (const data::Clip& clip : clips.clips) {
    const auto found = items_of_song.find(clip.song);
    if (found == items_of_song.end()) continue;  // the clip failed to preprocess (warned)
    indices.insert(indices.end(), found->second.begin(), found->second.end());
    items_of_song.erase(found);  // a song listed twice contributes its items once
  }
  return items.subset(indices);
}

data::Split make_split(const std::string& name, const data::ClipList& clips,
                       const std::vector<double>& fractions, uint64_t seed) {
  data::Split split;
  if (name == "sutd") {
    int64_t smallest = clips.size();
    for (int64_t count : clips.counts_per_class()) {
      if (count > 0) smallest = std::min(smallest, count);
    }
    split = smallest >= 100 ? data::first_n_per_class(clips.labels(), 60)
                            : data::first_fraction_per_class(clips.labels(), 0.6);
  } else if (name == "stratified") {
    split = data::stratified_split(clips.labels(), fractions, seed);
  } else if (name == "fault-filtered") {
    split = data::fault_filtered_split(clips);
  } else {
    TIMBRE_CHECK(false, "unknown --split '", name,
                 "'; the splits are sutd, stratified and fault-filtered");
  }
  std::printf("split (%s): %s\n", name.c_str(),
              data::describe(split, clips.labels(), clips.classes).c_str());
  const bool wants_validation = name != "stratified" || (fractions.size() > 1 && fractions[1] > 0);
  const bool wants_test = name == "fault-filtered" || (fractions.size() > 2 && fractions[2] > 0);
  TIMBRE_CHECK(!split.train.empty(), "the ", name,
               " split left no clip for training; the data "
               "set is too small (more clips, e.g. --synthetic-clips)");
  TIMBRE_CHECK(!wants_validation || !split.validation.empty(), "the ", name,
               " split left no clip for validation; the data set is too small (more clips, e.g. "
               "--synthetic-clips)");
  TIMBRE_CHECK(!wants_test || !split.test.empty(), "the ", name,
               " split left no clip for testing; the data set is too small (more clips, e.g. "
               "--synthetic-clips)");
  return split;
}

}  // namespace timbre::examples
