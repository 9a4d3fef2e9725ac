// tests/test_data_sets.cpp - the real data sets' loaders (data/gtzan.h, data/fma.h) on tiny
// copies written here in the real layouts:
//
//   kaggle/Data/genres_original/blues/blues.00000.wav, blues.00001.wav    (0.5-s 16-bit WAVs)
//   kaggle/Data/genres_original/jazz/jazz.00053.wav, jazz.00054.wav       (00054: not a WAV)
//   kaggle/Data/images_original/blues/blues00000.png, blues00001.png
//   kaggle/Data/features_30_sec.csv, features_3_sec.csv
//   marsyas/genres/classical/classical.00000.au, rock/rock.00000.au, rock.00001.au (Sun .au)
//   fma/fma_small/000/000002.mp3, 000005.mp3, 000140.mp3, 000099.mp3      (empty files)
//   fma/fma_metadata/tracks.csv                                           (three header rows)
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/fma.h"
#include "data/gtzan.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

namespace fs = std::filesystem;
using timbre::testing::data_path;

// Appends `value` as `bytes` bytes, little- or big-endian.
void put(std::string& out, uint32_t value, int bytes, bool big_endian) {
  for (int i = 0; i < bytes; ++i) {
    const int shift = 8 * (big_endian ? bytes - 1 - i : i);
    out += static_cast<char>((value >> shift) & 0xFF);
  }
}

// 0.5 s of a 440-Hz tone, 16-bit, 22,050 Hz mono.
std::vector<int16_t> half_second_tone() {
  std::vector<int16_t> samples(11025);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<int16_t>(8000.0 * std::sin(2.0 * M_PI * 440.0 * i / 22050.0));
  }
  return samples;
}

// A canonical 44-byte-header WAV file: RIFF, fmt (PCM, 1 channel, 22,050 Hz, 16 bits), data.
void write_wav(const fs::path& path) {
  const std::vector<int16_t> samples = half_second_tone();
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put(out, 36 + data_bytes, 4, false);
  out += "WAVEfmt ";
  put(out, 16, 4, false);         // fmt chunk size
  put(out, 1, 2, false);          // PCM
  put(out, 1, 2, false);          // channels
  put(out, 22050, 4, false);      // sample rate
  put(out, 22050 * 2, 4, false);  // bytes per second
  put(out, 2, 2, false);          // bytes per frame
  put(out, 16, 2, false);         // bits per sample
  out += "data";
  put(out, data_bytes, 4, false);
  for (int16_t sample : samples)
    put(out, static_cast<uint16_t>(sample), 2, false);
  std::ofstream(path, std::ios::binary) << out;
}

// A Sun .au file as GTZAN's originals: ".snd", header size 24, data size, encoding 3 (16-bit
// linear PCM), 22,050 Hz, 1 channel, all big-endian, then big-endian samples.
void write_au(const fs::path& path) {
  const std::vector<int16_t> samples = half_second_tone();
  std::string out = ".snd";
  put(out, 24, 4, true);
  put(out, static_cast<uint32_t>(samples.size() * 2), 4, true);
  put(out, 3, 4, true);
  put(out, 22050, 4, true);
  put(out, 1, 4, true);
  for (int16_t sample : samples)
    put(out, static_cast<uint16_t>(sample), 2, true);
  std::ofstream(path, std::ios::binary) << out;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// FMA's tracks.csv in miniature: the index column, (album, title), (set, split), (set, subset),
// (track, genre_top), (track, title). Track 140's title holds a comma, quotes and a line break.
const char* const kTracksCsv =
    ",album,set,set,track,track\n"
    ",title,split,subset,genre_top,title\n"
    "track_id,,,,,\n"
    "2,AWOL - A Way Of Life,training,small,Hip-Hop,Food\n"
    "5,AWOL - A Way Of Life,training,small,Hip-Hop,This World\n"
    "10,Constant Hitmaker,training,small,Pop,Freeway\n"
    "20,\"Niris, live\",training,medium,Rock,Spiritual Level\n"
    "140,Odd Folk,test,small,Folk,\"Ballad, \"\"part 1\"\"\nand part 2\"\n";

class DataSets : public timbre::testing::FolderTest {
 protected:
  DataSets() : FolderTest("timbre_datasets_") {}

  void SetUp() override {
    FolderTest::SetUp();
    make_kaggle();
    make_marsyas();
    make_fma();
  }

  void make_kaggle() {
    const fs::path audio = kaggle_data() / "genres_original";
    fs::create_directories(audio / "blues");
    fs::create_directories(audio / "jazz");
    write_wav(audio / "blues" / "blues.00001.wav");
    write_wav(audio / "blues" / "blues.00000.wav");
    write_wav(audio / "jazz" / "jazz.00053.wav");
    write_text(audio / "jazz" / "jazz.00054.wav", "this is not a RIFF file");
    const fs::path images = kaggle_data() / "images_original" / "blues";
    fs::create_directories(images);
    write_text(images / "blues00000.png", "png");
    write_text(images / "blues00001.png", "png");
    write_text(kaggle_data() / "features_30_sec.csv", "filename,length,label\n");
    write_text(kaggle_data() / "features_3_sec.csv", "filename,length,label\n");
  }

  void make_marsyas() {
    const fs::path genres = directory_ / "marsyas" / "genres";
    fs::create_directories(genres / "classical");
    fs::create_directories(genres / "rock");
    write_au(genres / "classical" / "classical.00000.au");
    write_au(genres / "rock" / "rock.00001.au");
    write_au(genres / "rock" / "rock.00000.au");
  }

  void make_fma() {
    const fs::path audio = directory_ / "fma" / "fma_small" / "000";
    fs::create_directories(audio);
    for (const char* name : {"000002.mp3", "000005.mp3", "000140.mp3", "000099.mp3"}) {
      write_text(audio / name, "");
    }
    fs::create_directories(directory_ / "fma" / "fma_metadata");
    write_text(directory_ / "fma" / "fma_metadata" / "tracks.csv", kTracksCsv);
  }

  fs::path kaggle_data() const { return directory_ / "kaggle" / "Data"; }
};

// ---- GTZAN: finding the layout
// -------------------------------------------------------------------

TEST_F(DataSets, FindsTheKaggleLayoutFromTheFolderHoldingData) {
  const GtzanFolders folders = find_gtzan((directory_ / "kaggle").string());
  EXPECT_EQ(folders.layout, GtzanLayout::Kaggle);
  EXPECT_EQ(folders.root, kaggle_data().string());
  EXPECT_EQ(folders.audio_dir, (kaggle_data() / "genres_original").string());
  EXPECT_EQ(folders.images_dir, (kaggle_data() / "images_original").string());
  EXPECT_EQ(folders.features_30_sec_csv, (kaggle_data() / "features_30_sec.csv").string());
  EXPECT_EQ(folders.features_3_sec_csv, (kaggle_data() / "features_3_sec.csv").string());
}

TEST_F(DataSets, FindsTheKaggleLayoutFromTheDataFolderItself) {
  const GtzanFolders folders = find_gtzan(kaggle_data().string() + "/");
  EXPECT_EQ(folders.layout, GtzanLayout::Kaggle);
  EXPECT_EQ(folders.audio_dir, (kaggle_data() / "genres_original").string());
}

TEST_F(DataSets, FindsTheKaggleLayoutFromItsGenreFolders) {
  const GtzanFolders folders = find_gtzan((kaggle_data() / "genres_original").string());
  EXPECT_EQ(folders.layout, GtzanLayout::Kaggle);
  EXPECT_EQ(folders.root, kaggle_data().string());
  EXPECT_EQ(folders.images_dir, (kaggle_data() / "images_original").string());
}

TEST_F(DataSets, KaggleCopyWithoutImagesOrCsvsHasEmptyPaths) {
  fs::remove_all(kaggle_data() / "images_original");
  fs::remove(kaggle_data() / "features_3_sec.csv");
  const GtzanFolders folders = find_gtzan(kaggle_data().string());
  EXPECT_EQ(folders.images_dir, "");
  EXPECT_EQ(folders.features_3_sec_csv, "");
  EXPECT_NE(folders.features_30_sec_csv, "");
}

TEST_F(DataSets, FindsTheMarsyasLayoutFromTheFolderHoldingGenres) {
  const GtzanFolders folders = find_gtzan((directory_ / "marsyas").string());
  EXPECT_EQ(folders.layout, GtzanLayout::Marsyas);
  EXPECT_EQ(folders.audio_dir, (directory_ / "marsyas" / "genres").string());
  EXPECT_EQ(folders.images_dir, "");
  EXPECT_EQ(folders.features_30_sec_csv, "");
}

TEST_F(DataSets, FindsTheMarsyasLayoutFromTheGenresFolderItself) {
  const GtzanFolders folders = find_gtzan((directory_ / "marsyas" / "genres").string());
  EXPECT_EQ(folders.layout, GtzanLayout::Marsyas);
  EXPECT_EQ(folders.audio_dir, (directory_ / "marsyas" / "genres").string());
}

TEST_F(DataSets, MissingFolderIsAnErrorNamingIt) {
  const std::string path = (directory_ / "no_such_gtzan").string();
  EXPECT_ERROR_CONTAINS(find_gtzan(path), path + ": no such folder");
  EXPECT_ERROR_CONTAINS(load_gtzan(path), "no such folder");
}

TEST_F(DataSets, FileIsNotAGtzanFolder) {
  const std::string path = (kaggle_data() / "features_30_sec.csv").string();
  EXPECT_ERROR_CONTAINS(find_gtzan(path), path + " is not a directory");
}

TEST_F(DataSets, FolderWithNeitherLayoutIsAnErrorListingBoth) {
  const std::string path = (directory_ / "fma").string();
  try {
    find_gtzan(path);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path + ": not a GTZAN folder"), std::string::npos) << message;
    EXPECT_NE(message.find("Kaggle (Data/genres_original/<genre>/<genre>.000NN.wav"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("marsyas (genres/<genre>/<genre>.000NN.au"), std::string::npos)
        << message;
  }
}

// ---- GTZAN: listing the clips
// --------------------------------------------------------------------

TEST_F(DataSets, LoadGtzanLabelsClipsByGenreFolderSortedByPath) {
  const ClipList clips = load_gtzan((directory_ / "kaggle").string(), {.quiet = true});
  EXPECT_EQ(clips.classes, gtzan_genres());
  ASSERT_EQ(clips.size(), 3);  // jazz.00054.wav is unreadable
  const fs::path audio = kaggle_data() / "genres_original";
  EXPECT_EQ(clips.clips[0].path, (audio / "blues" / "blues.00000.wav").string());
  EXPECT_EQ(clips.clips[1].path, (audio / "blues" / "blues.00001.wav").string());
  EXPECT_EQ(clips.clips[2].song, "jazz.00053");
  EXPECT_EQ(clips.labels(), (std::vector<int64_t>{0, 0, 5}));
  EXPECT_EQ(clips.counts_per_class(), (std::vector<int64_t>{2, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
}

TEST_F(DataSets, UnreadableClipIsSkippedWithAWarningNamingIt) {
  ::testing::internal::CaptureStderr();
  const ClipList clips = load_gtzan(kaggle_data().string());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  for (const Clip& clip : clips.clips)
    EXPECT_EQ(clip.song.find("jazz.00054"), std::string::npos);
  const std::string corrupt =
      (kaggle_data() / "genres_original" / "jazz" / "jazz.00054.wav").string();
  EXPECT_NE(printed.find("warning: skipping " + corrupt + ": "), std::string::npos) << printed;
}

TEST_F(DataSets, LoadGtzanPrintsThePerGenreSummary) {
  ::testing::internal::CaptureStderr();
  load_gtzan((directory_ / "kaggle").string());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  const std::string expected = "GTZAN (kaggle layout) at " +
                               (kaggle_data() / "genres_original").string() +
                               ": blues 2, classical 0, country 0, disco 0, hiphop 0, jazz 1, "
                               "metal 0, pop 0, reggae 0, rock 0 (3 clips; 1 skipped)\n";
  EXPECT_NE(printed.find(expected), std::string::npos) << printed;
}

TEST_F(DataSets, QuietLoadPrintsNothing) {
  ::testing::internal::CaptureStderr();
  load_gtzan((directory_ / "kaggle").string(), {.quiet = true});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(DataSets, WithoutTheReadabilityCheckEveryFileIsListed) {
  const ClipList clips =
      load_gtzan((directory_ / "kaggle").string(), {.check_readable = false, .quiet = true});
  ASSERT_EQ(clips.size(), 4);
  EXPECT_EQ(clips.clips[3].song, "jazz.00054");
}

TEST_F(DataSets, UnknownGenreFolderIsSkippedWithAWarning) {
  const fs::path extra = kaggle_data() / "genres_original" / "polka";
  fs::create_directories(extra);
  write_wav(extra / "polka.00000.wav");
  ::testing::internal::CaptureStderr();
  const ClipList clips = load_gtzan((directory_ / "kaggle").string());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(clips.size(), 3);
  EXPECT_NE(printed.find("warning: " + extra.string() + ": not a GTZAN genre, skipped"),
            std::string::npos)
      << printed;
}

TEST_F(DataSets, LoadsTheMarsyasAuClips) {
  ::testing::internal::CaptureStderr();
  const ClipList clips = load_gtzan((directory_ / "marsyas").string());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(clips.size(), 3);
  EXPECT_EQ(clips.songs(),
            (std::vector<std::string>{"classical.00000", "rock.00000", "rock.00001"}));
  EXPECT_EQ(clips.labels(), (std::vector<int64_t>{1, 9, 9}));
  EXPECT_NE(printed.find("GTZAN (marsyas layout) at "), std::string::npos) << printed;
  EXPECT_NE(printed.find("(3 clips; 0 skipped)"), std::string::npos) << printed;
}

// ---- GTZAN: the Kaggle images
// --------------------------------------------------------------------

TEST_F(DataSets, ImageSongsMatchTheAudioClips) {
  const ClipList images = load_gtzan_images((directory_ / "kaggle").string(), {.quiet = true});
  EXPECT_EQ(images.classes, gtzan_genres());
  EXPECT_EQ(images.songs(), (std::vector<std::string>{"blues.00000", "blues.00001"}));
  EXPECT_EQ(images.labels(), (std::vector<int64_t>{0, 0}));
  const ClipList clips = load_gtzan((directory_ / "kaggle").string(), {.quiet = true});
  EXPECT_EQ(images.clips[1].song, clips.clips[1].song);
}

TEST_F(DataSets, ImagesOfTheMarsyasLayoutAreAnError) {
  EXPECT_ERROR_CONTAINS(load_gtzan_images((directory_ / "marsyas").string()),
                        "has no images_original folder");
}

TEST_F(DataSets, ImageFileNamesGetTheAudioSongForm) {
  EXPECT_EQ(gtzan_image_song("blues00029.png"), "blues.00029");
  EXPECT_EQ(gtzan_image_song("images_original/hiphop/hiphop00100.png"), "hiphop.00100");
  EXPECT_EQ(gtzan_image_song("cover.png"), "cover");
}

// ---- FMA
// -----------------------------------------------------------------------------------------

TEST_F(DataSets, FmaLabelsTracksByTheirTopLevelGenre) {
  const ClipList clips = load_fma((directory_ / "fma").string(), {.quiet = true});
  EXPECT_EQ(clips.classes, (std::vector<std::string>{"Folk", "Hip-Hop"}));
  EXPECT_EQ(clips.songs(), (std::vector<std::string>{"000002", "000005", "000140"}));
  EXPECT_EQ(clips.labels(), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(clips.clips[0].path,
            (directory_ / "fma" / "fma_small" / "000" / "000002.mp3").string());
}

TEST_F(DataSets, FmaWarnsAboutMissingAndUnlistedFiles) {
  ::testing::internal::CaptureStderr();
  load_fma((directory_ / "fma").string());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  // Track 10 is listed (small) but has no file; 000099.mp3 has no row.
  EXPECT_NE(printed.find("warning: 1 tracks of the small subset"), std::string::npos) << printed;
  EXPECT_NE(printed.find("have no file under"), std::string::npos) << printed;
  EXPECT_NE(printed.find(": 000010 (skipped)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("warning: 1 MP3 files have no row of the small subset"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("000099.mp3 (skipped)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("FMA small at "), std::string::npos) << printed;
  EXPECT_NE(printed.find(": Folk 1, Hip-Hop 2 (3 clips; 2 skipped)"), std::string::npos) << printed;
}

TEST_F(DataSets, FmaAcceptsTheAudioFolderItself) {
  const ClipList clips = load_fma((directory_ / "fma" / "fma_small").string(), {.quiet = true});
  EXPECT_EQ(clips.size(), 3);
}

TEST_F(DataSets, FmaMediumSubsetIncludesTheSmallTracks) {
  const fs::path medium = directory_ / "fma" / "fma_medium" / "000";
  fs::create_directories(medium);
  for (const char* name : {"000002.mp3", "000020.mp3"})
    write_text(medium / name, "");
  const ClipList clips =
      load_fma((directory_ / "fma").string(), {.subset = "medium", .quiet = true});
  EXPECT_EQ(clips.songs(), (std::vector<std::string>{"000002", "000020"}));
  EXPECT_EQ(clips.classes, (std::vector<std::string>{"Hip-Hop", "Rock"}));
}

TEST_F(DataSets, FmaReadabilityCheckSkipsUnreadableMp3) {
  const fs::path audio = directory_ / "fma" / "fma_small" / "000";
  fs::remove(audio / "000002.mp3");
  fs::copy_file(data_path("audio/drums_1s.mp3"), audio / "000002.mp3");
  ::testing::internal::CaptureStderr();
  const ClipList clips = load_fma((directory_ / "fma").string(), {.check_readable = true});
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(clips.songs(), (std::vector<std::string>{"000002"}));
  EXPECT_NE(printed.find("warning: skipping " + (audio / "000005.mp3").string()), std::string::npos)
      << printed;
}

TEST_F(DataSets, FmaWithoutMetadataIsAnError) {
  fs::remove_all(directory_ / "fma" / "fma_metadata");
  EXPECT_ERROR_CONTAINS(load_fma((directory_ / "fma").string()), "tracks.csv is missing");
}

TEST_F(DataSets, FmaFolderWithoutAudioIsAnError) {
  EXPECT_ERROR_CONTAINS(load_fma((directory_ / "kaggle").string()), ": no fma_small folder");
}

TEST_F(DataSets, FmaTracksCsvWithOneHeaderRowIsAnError) {
  write_text(directory_ / "fma" / "fma_metadata" / "tracks.csv",
             "track_id,genre_top,subset\n2,Hip-Hop,small\n3,Pop,small\n");
  EXPECT_ERROR_CONTAINS(load_fma((directory_ / "fma").string()),
                        "line 3: the third header row starts with '3', not 'track_id'");
}

TEST_F(DataSets, FmaTracksCsvWithoutTheGenreColumnIsAnError) {
  write_text(directory_ / "fma" / "fma_metadata" / "tracks.csv",
             ",set,track\n,subset,title\ntrack_id,,\n2,small,Food\n");
  EXPECT_ERROR_CONTAINS(load_fma((directory_ / "fma").string()), "no column (track, genre_top)");
}

TEST_F(DataSets, FmaUnknownSubsetIsAnError) {
  EXPECT_ERROR_CONTAINS(load_fma((directory_ / "fma").string(), {.subset = "tiny"}),
                        "unknown subset 'tiny'");
}

}  // namespace
}  // namespace timbre::data
