// data/split.cpp - stratified, first-n, by-song and fault-filtered splits.
#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tensor/error.h"
#include "tensor/generator.h"

namespace timbre::data {

namespace {

// kFaultFilteredTrain, kFaultFilteredValidation, kFaultFilteredTest: the three lists as text,
// generated from data/gtzan_fault_filtered/*.txt by data/CMakeLists.txt.
#include "data/gtzan_fault_filtered_lists.inc"

// The indices of each class, in list order: result[c] holds the i with labels[i] == c.
std::vector<std::vector<int64_t>> indices_per_class(const std::vector<int64_t>& labels,
                                                    const char* caller) {
  std::vector<std::vector<int64_t>> per_class;
  for (size_t i = 0; i < labels.size(); ++i) {
    TIMBRE_CHECK(labels[i] >= 0, caller, ": label ", labels[i], " at index ", i,
                 " is negative (labels index the classes)");
    const size_t label = static_cast<size_t>(labels[i]);
    if (label >= per_class.size()) per_class.resize(label + 1);
    per_class[label].push_back(static_cast<int64_t>(i));
  }
  return per_class;
}

void check_fractions(const std::vector<double>& fractions, const char* caller) {
  TIMBRE_CHECK(!fractions.empty() && fractions.size() <= 3, caller, ": expected 1 to 3 fractions ",
               "(train, validation, test), got ", fractions.size());
  double sum = 0.0;
  for (double fraction : fractions) {
    TIMBRE_CHECK(fraction >= 0.0 && fraction <= 1.0, caller, ": fraction ", fraction,
                 " is not in [0, 1]");
    sum += fraction;
  }
  TIMBRE_CHECK(std::fabs(sum - 1.0) <= 1e-9, caller,
               ": the fractions must sum to 1, but they sum to ", sum);
}

// Part 0, 1 or 2 of a split: train, validation, test.
std::vector<int64_t>& part(Split& split, size_t which) {
  return which == 0 ? split.train : which == 1 ? split.validation : split.test;
}
const std::vector<int64_t>& part(const Split& split, size_t which) {
  return which == 0 ? split.train : which == 1 ? split.validation : split.test;
}

void sort_parts(Split& split) {
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.test.begin(), split.test.end());
}

// "blues/blues.00029.wav" lines -> {"blues.00029", "blues"} pairs (song, genre).
std::vector<std::pair<std::string, std::string>> parse_list(const char* text) {
  std::vector<std::pair<std::string, std::string>> songs;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    songs.emplace_back(song_of(line), line.substr(0, line.find('/')));
  }
  return songs;
}

const char* fault_filtered_list(int which) {
  TIMBRE_CHECK(which >= 0 && which <= 2, "fault_filtered_songs: part ", which,
               " is not 0 (train), 1 (validation) or 2 (test)");
  return which == 0   ? kFaultFilteredTrain
         : which == 1 ? kFaultFilteredValidation
                      : kFaultFilteredTest;
}

}  // namespace

Split stratified_split(const std::vector<int64_t>& labels, const std::vector<double>& fractions,
                       uint64_t seed) {
  check_fractions(fractions, "stratified_split");
  Generator generator(seed);
  Split split;
  for (std::vector<int64_t>& members : indices_per_class(labels, "stratified_split")) {
    shuffle(members, generator);
    // Cut at the rounded cumulative fractions; the last part takes whatever is left, so rounding
    // never loses or duplicates an item.
    const double n = static_cast<double>(members.size());
    size_t begin = 0;
    double cumulative = 0.0;
    for (size_t which = 0; which < fractions.size(); ++which) {
      cumulative += fractions[which];
      size_t end = which + 1 == fractions.size()
                       ? members.size()
                       : static_cast<size_t>(std::llround(n * cumulative));
      end = std::clamp(end, begin, members.size());
      part(split, which)
          .insert(part(split, which).end(), members.begin() + static_cast<std::ptrdiff_t>(begin),
                  members.begin() + static_cast<std::ptrdiff_t>(end));
      begin = end;
    }
  }
  sort_parts(split);
  return split;
}

Split first_n_per_class(const std::vector<int64_t>& labels, int64_t n_train) {
  TIMBRE_CHECK(n_train >= 0, "first_n_per_class: n_train must be >= 0, got ", n_train);
  Split split;
  for (const std::vector<int64_t>& members : indices_per_class(labels, "first_n_per_class")) {
    for (size_t i = 0; i < members.size(); ++i) {
      (static_cast<int64_t>(i) < n_train ? split.train : split.validation).push_back(members[i]);
    }
  }
  sort_parts(split);
  return split;
}

Split first_fraction_per_class(const std::vector<int64_t>& labels, double fraction) {
  TIMBRE_CHECK(fraction >= 0.0 && fraction <= 1.0, "first_fraction_per_class: fraction ", fraction,
               " is not in [0, 1]");
  Split split;
  for (const std::vector<int64_t>& members :
       indices_per_class(labels, "first_fraction_per_class")) {
    const size_t n_train =
        static_cast<size_t>(std::llround(fraction * static_cast<double>(members.size())));
    for (size_t i = 0; i < members.size(); ++i) {
      (i < n_train ? split.train : split.validation).push_back(members[i]);
    }
  }
  sort_parts(split);
  return split;
}

Split split_by_song(const std::vector<std::string>& songs, const std::vector<int64_t>& labels,
                    const std::vector<double>& fractions, uint64_t seed) {
  TIMBRE_CHECK(songs.size() == labels.size(), "split_by_song: ", songs.size(), " songs but ",
               labels.size(), " labels (one of each per segment)");
  // Number the songs in order of first appearance and check each has one label.
  std::map<std::string, size_t> song_number;
  std::vector<int64_t> song_labels;
  std::vector<size_t> segment_song(songs.size());
  for (size_t i = 0; i < songs.size(); ++i) {
    const auto [entry, is_new] = song_number.emplace(songs[i], song_labels.size());
    if (is_new) song_labels.push_back(labels[i]);
    const int64_t first_label = song_labels[entry->second];
    TIMBRE_CHECK(first_label == labels[i], "split_by_song: song '", songs[i],
                 "' has segments with labels ", first_label, " and ", labels[i], " (index ", i,
                 "); every segment of a song must have the song's label");
    segment_song[i] = entry->second;
  }
  const Split song_split = stratified_split(song_labels, fractions, seed);

  std::vector<size_t> side_of_song(song_labels.size());
  for (size_t which = 0; which < 3; ++which) {
    for (int64_t song : part(song_split, which)) {
      side_of_song[static_cast<size_t>(song)] = which;
    }
  }
  Split split;
  for (size_t i = 0; i < songs.size(); ++i) {
    part(split, side_of_song[segment_song[i]]).push_back(static_cast<int64_t>(i));
  }
  return split;  // sorted: indices were visited in increasing order
}

Split leaky_segment_split(const std::vector<int64_t>& labels, const std::vector<double>& fractions,
                          uint64_t seed) {
  return stratified_split(labels, fractions, seed);
}

std::vector<std::string> fault_filtered_songs(int which) {
  std::vector<std::string> songs;
  for (const auto& [song, genre] : parse_list(fault_filtered_list(which)))
    songs.push_back(song);
  return songs;
}

FaultFilteredMatch match_fault_filtered(const ClipList& gtzan) {
  // Song -> (part, genre) over the three lists.
  std::map<std::string, std::pair<size_t, std::string>> listed;
  for (int which = 0; which < 3; ++which) {
    for (const auto& [song, genre] : parse_list(fault_filtered_list(which))) {
      listed[song] = {static_cast<size_t>(which), genre};
    }
  }
  FaultFilteredMatch match;
  std::map<std::string, bool> found;
  for (size_t i = 0; i < gtzan.clips.size(); ++i) {
    const Clip& clip = gtzan.clips[i];
    const auto entry = listed.find(clip.song);
    if (entry == listed.end()) continue;
    TIMBRE_CHECK(clip.label >= 0 && clip.label < static_cast<int64_t>(gtzan.classes.size()) &&
                     gtzan.classes[static_cast<size_t>(clip.label)] == entry->second.second,
                 "fault_filtered_split: clip ", clip.path, " (song ", clip.song, ") is labelled '",
                 clip.label >= 0 && clip.label < static_cast<int64_t>(gtzan.classes.size())
                     ? gtzan.classes[static_cast<size_t>(clip.label)]
                     : std::to_string(clip.label),
                 "', but the fault-filtered lists give genre '", entry->second.second,
                 "' (is this a GTZAN ClipList with classes gtzan_genres()?)");
    part(match.split, entry->second.first).push_back(static_cast<int64_t>(i));
    found[clip.song] = true;
  }
  match.songs_missing = static_cast<int64_t>(listed.size() - found.size());
  return match;  // parts sorted: clips were visited in increasing order
}

Split fault_filtered_split(const ClipList& gtzan) {
  return match_fault_filtered(gtzan).split;
}

std::string describe(const Split& split, const std::vector<int64_t>& labels,
                     const std::vector<std::string>& classes) {
  // counts[c][which]: how many items of class c part `which` holds.
  std::vector<std::vector<int64_t>> counts(classes.size(), std::vector<int64_t>(3, 0));
  const std::vector<int64_t>* parts[3] = {&split.train, &split.validation, &split.test};
  for (size_t which = 0; which < 3; ++which) {
    for (int64_t index : *parts[which]) {
      TIMBRE_CHECK(index >= 0 && index < static_cast<int64_t>(labels.size()), "describe: index ",
                   index, " is out of range for ", labels.size(), " labels");
      const int64_t label = labels[static_cast<size_t>(index)];
      TIMBRE_CHECK(label >= 0 && label < static_cast<int64_t>(classes.size()), "describe: label ",
                   label, " is out of range for ", classes.size(), " classes");
      ++counts[static_cast<size_t>(label)][which];
    }
  }
  std::string text = "train " + std::to_string(split.train.size()) + ", validation " +
                     std::to_string(split.validation.size()) + ", test " +
                     std::to_string(split.test.size()) + "; per class (train/validation/test):";
  for (size_t c = 0; c < classes.size(); ++c) {
    text += (c > 0 ? ", " : " ") + classes[c] + " " + std::to_string(counts[c][0]) + "/" +
            std::to_string(counts[c][1]) + "/" + std::to_string(counts[c][2]);
  }
  return text;
}

}  // namespace timbre::data
