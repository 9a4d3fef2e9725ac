// tests/test_data_split.cpp - the splits of data/split.h: stratified counts, determinism, parts
// disjoint and covering, by-song splits never cutting a song, the SUTD first-n split, the leaky
// segment split, the fault-filtered GTZAN split (443/197/290) and describe().
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/split.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

// `per_class` items of each of `classes` classes, the classes interleaved: 0, 1, 2, 0, 1, 2, ...
std::vector<int64_t> interleaved_labels(int64_t classes, int64_t per_class) {
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < classes * per_class; ++i)
    labels.push_back(i % classes);
  return labels;
}

// count[c] = how many of `indices` have label c.
std::vector<int64_t> count_labels(const std::vector<int64_t>& indices,
                                  const std::vector<int64_t>& labels, int64_t classes) {
  std::vector<int64_t> count(static_cast<size_t>(classes), 0);
  for (int64_t index : indices)
    ++count[static_cast<size_t>(labels[static_cast<size_t>(index)])];
  return count;
}

// The parts together hold 0 .. n-1, each exactly once.
void expect_disjoint_and_covering(const Split& split, size_t n) {
  std::vector<int64_t> all = split.train;
  all.insert(all.end(), split.validation.begin(), split.validation.end());
  all.insert(all.end(), split.test.begin(), split.test.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(n);
  for (size_t i = 0; i < n; ++i)
    expected[i] = static_cast<int64_t>(i);
  EXPECT_EQ(all, expected);
}

// All 1000 GTZAN clips, as load_gtzan lists them (sorted by genre, then number).
ClipList all_gtzan_clips() {
  ClipList list;
  list.classes = gtzan_genres();
  for (size_t genre = 0; genre < list.classes.size(); ++genre) {
    for (int number = 0; number < 100; ++number) {
      char song[32];
      std::snprintf(song, sizeof(song), "%s.%05d", list.classes[genre].c_str(), number);
      list.clips.push_back({"genres/" + list.classes[genre] + "/" + song + ".au", song,
                            static_cast<int64_t>(genre)});
    }
  }
  return list;
}

TEST(ClipListWithClasses, KeepsTheNamedClassesRelabelledInTheirOrder) {
  ClipList list;
  list.classes = {"blues", "classical", "rock"};
  list.clips = {{"a.wav", "a", 0}, {"b.wav", "b", 2}, {"c.wav", "c", 1}, {"d.wav", "d", 2}};
  const ClipList kept = list.with_classes({"rock", "blues"});
  EXPECT_EQ(kept.classes, (std::vector<std::string>{"rock", "blues"}));
  ASSERT_EQ(kept.size(), 3);
  EXPECT_EQ(kept.clips[0].path, "a.wav");
  EXPECT_EQ(kept.clips[0].label, 1);
  EXPECT_EQ(kept.clips[1].path, "b.wav");
  EXPECT_EQ(kept.clips[1].label, 0);
  EXPECT_EQ(kept.clips[2].path, "d.wav");
  EXPECT_EQ(kept.clips[2].label, 0);
}

TEST(ClipListWithClasses, RejectsAnUnknownClassByName) {
  ClipList list;
  list.classes = {"blues"};
  EXPECT_ERROR_CONTAINS(list.with_classes({"polka"}), "'polka' is not one of the list's classes");
}

TEST(DataSplit, StratifiedSplitCutsEachClassByTheFractions) {
  std::vector<int64_t> labels(100, 0);
  labels.insert(labels.end(), 50, 1);
  const Split split = stratified_split(labels, {0.7, 0.2, 0.1}, 42);
  EXPECT_EQ(count_labels(split.train, labels, 2), (std::vector<int64_t>{70, 35}));
  EXPECT_EQ(count_labels(split.validation, labels, 2), (std::vector<int64_t>{20, 10}));
  EXPECT_EQ(count_labels(split.test, labels, 2), (std::vector<int64_t>{10, 5}));
}

TEST(DataSplit, StratifiedSplitRoundsTheCumulativeFractions) {
  // 7 items at 0.5 / 0.5: the cut at round(3.5) = 4 gives 4 and 3.
  const Split split = stratified_split(std::vector<int64_t>(7, 0), {0.5, 0.5}, 1);
  EXPECT_EQ(split.train.size(), 4u);
  EXPECT_EQ(split.validation.size(), 3u);
}

TEST(DataSplit, StratifiedSplitIsDisjointCoveringAndSorted) {
  const std::vector<int64_t> labels = interleaved_labels(10, 100);
  const Split split = stratified_split(labels, {0.6, 0.4}, 7);
  expect_disjoint_and_covering(split, labels.size());
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
  EXPECT_TRUE(std::is_sorted(split.validation.begin(), split.validation.end()));
  EXPECT_TRUE(split.test.empty());
}

TEST(DataSplit, SameSeedGivesTheSameSplit) {
  const std::vector<int64_t> labels = interleaved_labels(10, 100);
  const Split first = stratified_split(labels, {0.8, 0.2}, 42);
  const Split second = stratified_split(labels, {0.8, 0.2}, 42);
  EXPECT_EQ(first.train, second.train);
  EXPECT_EQ(first.validation, second.validation);
}

TEST(DataSplit, DifferentSeedsGiveDifferentSplits) {
  const std::vector<int64_t> labels = interleaved_labels(10, 100);
  EXPECT_NE(stratified_split(labels, {0.8, 0.2}, 42).train,
            stratified_split(labels, {0.8, 0.2}, 43).train);
}

TEST(DataSplit, StratifiedSplitShuffles) {
  // Not simply the first 80% of each class.
  const std::vector<int64_t> labels = interleaved_labels(10, 100);
  EXPECT_NE(stratified_split(labels, {0.8, 0.2}, 42).train, first_n_per_class(labels, 80).train);
}

TEST(DataSplit, FractionsNotSummingToOneAreAnError) {
  const std::vector<int64_t> labels = interleaved_labels(2, 10);
  EXPECT_ERROR_CONTAINS(stratified_split(labels, {0.8, 0.3}, 0),
                        "the fractions must sum to 1, but they sum to 1.1");
  EXPECT_ERROR_CONTAINS(stratified_split(labels, {0.5, 0.4}, 0), "must sum to 1");
}

TEST(DataSplit, FractionOutsideZeroToOneIsAnError) {
  EXPECT_ERROR_CONTAINS(stratified_split({0, 1}, {1.5, -0.5}, 0), "fraction 1.5 is not in [0, 1]");
}

TEST(DataSplit, MoreThanThreeFractionsAreAnError) {
  EXPECT_ERROR_CONTAINS(stratified_split({0, 1}, {0.25, 0.25, 0.25, 0.25}, 0),
                        "expected 1 to 3 fractions");
}

TEST(DataSplit, NegativeLabelIsAnError) {
  EXPECT_ERROR_CONTAINS(stratified_split({0, -1}, {0.5, 0.5}, 0), "label -1 at index 1");
}

TEST(DataSplit, FirstNPerClassTakesTheFirstItemsInListOrder) {
  const Split split = first_n_per_class({0, 1, 0, 1, 0, 1, 1}, 2);
  EXPECT_EQ(split.train, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(split.validation, (std::vector<int64_t>{4, 5, 6}));
  EXPECT_TRUE(split.test.empty());
}

TEST(DataSplit, FirstSixtyPerClassOfGtzanGives600And400) {
  const ClipList gtzan = all_gtzan_clips();
  const Split split = first_n_per_class(gtzan.labels(), 60);
  EXPECT_EQ(split.train.size(), 600u);
  EXPECT_EQ(split.validation.size(), 400u);
  // Per genre, files 00000-00059 train and 00060-00099 validate.
  EXPECT_EQ(gtzan.clips[static_cast<size_t>(split.train[59])].song, "blues.00059");
  EXPECT_EQ(gtzan.clips[static_cast<size_t>(split.validation[0])].song, "blues.00060");
}

TEST(DataSplit, FirstFractionPerClassRoundsEachClassSize) {
  const std::vector<int64_t> labels = interleaved_labels(3, 10);
  const Split split = first_fraction_per_class(labels, 0.6);
  EXPECT_EQ(count_labels(split.train, labels, 3), (std::vector<int64_t>{6, 6, 6}));
  EXPECT_EQ(count_labels(split.validation, labels, 3), (std::vector<int64_t>{4, 4, 4}));
  EXPECT_ERROR_CONTAINS(first_fraction_per_class(labels, 1.2), "fraction 1.2 is not in [0, 1]");
}

// 40 songs (10 per class, 4 classes), 10 segments each, segments of a song adjacent.
struct Segments {
  std::vector<std::string> songs;
  std::vector<int64_t> labels;
};
Segments forty_songs_of_ten_segments() {
  Segments segments;
  for (int song = 0; song < 40; ++song) {
    for (int piece = 0; piece < 10; ++piece) {
      segments.songs.push_back("song" + std::to_string(song));
      segments.labels.push_back(song % 4);
    }
  }
  return segments;
}

// The parts (0 train, 1 validation, 2 test) in which each song has segments.
std::map<std::string, std::set<int>> sides_of_songs(const Split& split,
                                                    const std::vector<std::string>& songs) {
  std::map<std::string, std::set<int>> sides;
  const std::vector<int64_t>* parts[3] = {&split.train, &split.validation, &split.test};
  for (int which = 0; which < 3; ++which) {
    for (int64_t index : *parts[which])
      sides[songs[static_cast<size_t>(index)]].insert(which);
  }
  return sides;
}

TEST(DataSplit, SplitBySongNeverSplitsASong) {
  const Segments segments = forty_songs_of_ten_segments();
  const Split split = split_by_song(segments.songs, segments.labels, {0.6, 0.2, 0.2}, 3);
  expect_disjoint_and_covering(split, segments.songs.size());
  for (const auto& [song, sides] : sides_of_songs(split, segments.songs)) {
    EXPECT_EQ(sides.size(), 1u) << song << " has segments in several parts";
  }
}

TEST(DataSplit, SplitBySongStratifiesTheSongs) {
  const Segments segments = forty_songs_of_ten_segments();
  const Split split = split_by_song(segments.songs, segments.labels, {0.6, 0.4}, 3);
  // 10 songs per class: 6 train, 4 validation, each of 10 segments.
  EXPECT_EQ(count_labels(split.train, segments.labels, 4), (std::vector<int64_t>{60, 60, 60, 60}));
  EXPECT_EQ(count_labels(split.validation, segments.labels, 4),
            (std::vector<int64_t>{40, 40, 40, 40}));
}

TEST(DataSplit, SplitBySongWithOneSegmentPerSongIsTheStratifiedSplit) {
  const std::vector<int64_t> labels = interleaved_labels(5, 20);
  std::vector<std::string> songs;
  for (size_t i = 0; i < labels.size(); ++i)
    songs.push_back("song" + std::to_string(i));
  const Split by_song = split_by_song(songs, labels, {0.7, 0.3}, 11);
  const Split stratified = stratified_split(labels, {0.7, 0.3}, 11);
  EXPECT_EQ(by_song.train, stratified.train);
  EXPECT_EQ(by_song.validation, stratified.validation);
}

TEST(DataSplit, SplitBySongRejectsASongWithTwoLabels) {
  EXPECT_ERROR_CONTAINS(split_by_song({"a", "a", "b"}, {0, 1, 1}, {0.5, 0.5}, 0),
                        "song 'a' has segments with labels 0 and 1");
}

TEST(DataSplit, SplitBySongNeedsOneSongPerLabel) {
  EXPECT_ERROR_CONTAINS(split_by_song({"a"}, {0, 1}, {0.5, 0.5}, 0), "1 songs but 2 labels");
}

TEST(DataSplit, LeakySegmentSplitPutsSegmentsOfOneSongOnBothSides) {
  const Segments segments = forty_songs_of_ten_segments();
  const Split split = leaky_segment_split(segments.labels, {0.67, 0.33}, 42);
  expect_disjoint_and_covering(split, segments.songs.size());
  int64_t songs_on_both_sides = 0;
  for (const auto& [song, sides] : sides_of_songs(split, segments.songs)) {
    if (sides.size() > 1) ++songs_on_both_sides;
  }
  EXPECT_GT(songs_on_both_sides, 20);  // most of the 40 songs leak into the held-out part
}

TEST(DataSplit, FaultFilteredSplitOfAllGtzanHas443And197And290) {
  const FaultFilteredMatch match = match_fault_filtered(all_gtzan_clips());
  EXPECT_EQ(match.split.train.size(), 443u);
  EXPECT_EQ(match.split.validation.size(), 197u);
  EXPECT_EQ(match.split.test.size(), 290u);
  EXPECT_EQ(match.songs_missing, 0);
  EXPECT_EQ(fault_filtered_split(all_gtzan_clips()).train, match.split.train);
}

TEST(DataSplit, FaultFilteredSplitPlacesKnownSongs) {
  const ClipList gtzan = all_gtzan_clips();
  const Split split = fault_filtered_split(gtzan);
  // The lists start with blues.00029 (train), blues.00000 (validation), blues.00012 (test).
  EXPECT_EQ(gtzan.clips[static_cast<size_t>(split.train.front())].song, "blues.00029");
  EXPECT_EQ(gtzan.clips[static_cast<size_t>(split.validation.front())].song, "blues.00000");
  EXPECT_EQ(gtzan.clips[static_cast<size_t>(split.test.front())].song, "blues.00012");
  EXPECT_EQ(fault_filtered_songs(0).size(), 443u);
  EXPECT_EQ(fault_filtered_songs(0).front(), "blues.00029");
  EXPECT_ERROR_CONTAINS(fault_filtered_songs(3), "part 3 is not 0 (train)");
}

TEST(DataSplit, FaultFilteredSplitKeepsTheSegmentsOfASongTogether) {
  const ClipList songs = all_gtzan_clips();
  ClipList segments;
  segments.classes = songs.classes;
  for (const Clip& clip : songs.clips) {
    for (int piece = 0; piece < 3; ++piece) {
      segments.clips.push_back(
          {clip.song + "." + std::to_string(piece) + ".wav", clip.song, clip.label});
    }
  }
  const Split split = fault_filtered_split(segments);
  EXPECT_EQ(split.train.size(), 3u * 443u);
  EXPECT_EQ(split.validation.size(), 3u * 197u);
  EXPECT_EQ(split.test.size(), 3u * 290u);
  for (const auto& [song, sides] : sides_of_songs(split, segments.songs())) {
    EXPECT_EQ(sides.size(), 1u) << song;
  }
}

TEST(DataSplit, FaultFilteredSplitCountsSongsMissingFromTheList) {
  const ClipList gtzan = all_gtzan_clips();
  // Only the jazz clips (indices 500-599): 87 of them are in the lists, and the other 843 listed
  // songs are missing.
  std::vector<int64_t> jazz;
  for (int64_t i = 500; i < 600; ++i)
    jazz.push_back(i);
  const FaultFilteredMatch match = match_fault_filtered(gtzan.subset(jazz));
  EXPECT_EQ(match.split.train.size() + match.split.validation.size() + match.split.test.size(),
            87u);
  EXPECT_EQ(match.songs_missing, 843);
}

TEST(DataSplit, FaultFilteredSplitRejectsAClipOfTheWrongGenre) {
  ClipList gtzan = all_gtzan_clips();
  gtzan.clips[29].label = 9;  // blues.00029 labelled rock
  EXPECT_ERROR_CONTAINS(fault_filtered_split(gtzan),
                        "(song blues.00029) is labelled 'rock', but the fault-filtered lists give "
                        "genre 'blues'");
}

TEST(DataSplit, DescribeCountsEachPartAndClass) {
  const Split split = first_n_per_class({0, 1, 0, 1, 0}, 2);
  EXPECT_EQ(describe(split, {0, 1, 0, 1, 0}, {"blues", "rock"}),
            "train 4, validation 1, test 0; per class (train/validation/test): blues 2/1/0, "
            "rock 2/0/0");
  EXPECT_ERROR_CONTAINS(describe(split, {0, 1}, {"blues", "rock"}), "index 2 is out of range");
}

}  // namespace
}  // namespace timbre::data
