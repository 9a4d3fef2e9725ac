// data/gtzan.cpp - detecting the GTZAN layouts and listing their clips and images.
#include "data/gtzan.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "tensor/error.h"

namespace timbre::data {

namespace {

namespace fs = std::filesystem;

const char* const kLayouts =
    "expected a GTZAN copy in one of two layouts: Kaggle (Data/genres_original/<genre>/"
    "<genre>.000NN.wav, with Data/images_original/ and Data/features_30_sec.csv; give the Data "
    "folder or the folder holding it) or marsyas (genres/<genre>/<genre>.000NN.au; give the "
    "genres folder or the folder holding it)";

bool is_folder(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

bool ends_with_ignoring_case(const std::string& text, const std::string& ending) {
  if (text.size() < ending.size()) return false;
  return std::equal(ending.rbegin(), ending.rend(), text.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

int64_t genre_index(const std::string& name) {
  const std::vector<std::string>& genres = gtzan_genres();
  const auto found = std::find(genres.begin(), genres.end(), name);
  return found == genres.end() ? -1 : static_cast<int64_t>(found - genres.begin());
}

// Whether `folder` has a GTZAN genre folder holding a file whose name ends with `extension`.
bool holds_genre_files(const fs::path& folder, const std::string& extension) {
  std::error_code error;
  for (const fs::directory_entry& genre : fs::directory_iterator(folder, error)) {
    if (!genre.is_directory(error) || genre_index(genre.path().filename().string()) < 0) continue;
    for (const fs::directory_entry& file : fs::directory_iterator(genre.path(), error)) {
      if (ends_with_ignoring_case(file.path().filename().string(), extension)) return true;
    }
  }
  return false;
}

// `path` without a trailing '/', so that parent_path() is the folder above it.
fs::path without_trailing_separator(const std::string& path) {
  fs::path result = fs::path(path).lexically_normal();
  if (!result.has_filename() && result.has_parent_path()) result = result.parent_path();
  return result;
}

std::string existing_or_empty(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error) ? path.string() : std::string();
}

GtzanFolders kaggle_folders(const fs::path& data_folder, const fs::path& audio_dir) {
  GtzanFolders folders;
  folders.layout = GtzanLayout::Kaggle;
  folders.root = data_folder.string();
  folders.audio_dir = audio_dir.string();
  if (is_folder(data_folder / "images_original")) {
    folders.images_dir = (data_folder / "images_original").string();
  }
  folders.features_30_sec_csv = existing_or_empty(data_folder / "features_30_sec.csv");
  folders.features_3_sec_csv = existing_or_empty(data_folder / "features_3_sec.csv");
  return folders;
}

GtzanFolders marsyas_folders(const fs::path& root, const fs::path& audio_dir) {
  GtzanFolders folders;
  folders.layout = GtzanLayout::Marsyas;
  folders.root = root.string();
  folders.audio_dir = audio_dir.string();
  return folders;
}

void warn(const GtzanOptions& options, const std::string& message) {
  if (!options.quiet) std::fprintf(stderr, "warning: %s\n", message.c_str());
}

// The files ending with `extension` in the genre folders of `audio_dir`, labelled by genre and
// sorted by path. Hidden files (".DS_Store", macOS's "._blues.00000.wav") are left out.
ClipList list_genre_files(const std::string& audio_dir, const std::string& extension,
                          const GtzanOptions& options) {
  ClipList list;
  list.classes = gtzan_genres();
  std::vector<fs::path> genre_folders;
  for (const fs::directory_entry& entry : fs::directory_iterator(audio_dir)) {
    if (entry.is_directory()) genre_folders.push_back(entry.path());
  }
  std::sort(genre_folders.begin(), genre_folders.end());
  for (const fs::path& folder : genre_folders) {
    const int64_t label = genre_index(folder.filename().string());
    if (label < 0) {
      warn(options, folder.string() + ": not a GTZAN genre, skipped");
      continue;
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name.front() == '.') continue;
      if (!ends_with_ignoring_case(name, extension)) continue;
      list.clips.push_back({entry.path().string(), song_of(name), label});
    }
  }
  std::sort(list.clips.begin(), list.clips.end(),
            [](const Clip& a, const Clip& b) { return a.path < b.path; });
  return list;
}

// summary() "blues 100, ..., rock 100 (999 clips)" with "; 1 skipped" before the ')'.
std::string summary_with_skipped(const ClipList& list, int64_t skipped) {
  std::string text = list.summary();
  text.insert(text.size() - 1, "; " + std::to_string(skipped) + " skipped");
  return text;
}

}  // namespace

std::string layout_name(GtzanLayout layout) {
  return layout == GtzanLayout::Kaggle ? "kaggle" : "marsyas";
}

GtzanFolders find_gtzan(const std::string& path) {
  std::error_code error;
  TIMBRE_CHECK(fs::exists(path, error), path, ": no such folder; ", kLayouts);
  TIMBRE_CHECK(is_folder(path), path, " is not a directory; ", kLayouts);
  const fs::path folder = without_trailing_separator(path);

  if (is_folder(folder / "genres_original")) {
    return kaggle_folders(folder, folder / "genres_original");
  }
  if (is_folder(folder / "Data" / "genres_original")) {
    return kaggle_folders(folder / "Data", folder / "Data" / "genres_original");
  }
  if (is_folder(folder / "genres")) return marsyas_folders(folder, folder / "genres");
  // The folder of genre folders itself: the layout is told by the files' extension.
  const bool named = folder.filename() != "." && folder.filename() != "..";
  const fs::path parent =
      named && folder.has_parent_path() ? folder.parent_path() : (folder / "..").lexically_normal();
  if (holds_genre_files(folder, ".wav")) return kaggle_folders(parent, folder);
  if (holds_genre_files(folder, ".au")) return marsyas_folders(parent, folder);
  TIMBRE_CHECK(false, path,
               ": not a GTZAN folder (no genres_original, Data/genres_original or genres folder, "
               "and no genre folders of .wav or .au files); ",
               kLayouts);
  return {};
}

ClipList load_gtzan(const std::string& path, const GtzanOptions& options) {
  const GtzanFolders folders = find_gtzan(path);
  const std::string extension = folders.layout == GtzanLayout::Kaggle ? ".wav" : ".au";
  ClipList listed = list_genre_files(folders.audio_dir, extension, options);

  // Opening each header finds the files that would fail in the middle of training (the Kaggle
  // copy's jazz.00054.wav); it reads a few bytes per file, not the samples.
  ClipList readable;
  readable.classes = listed.classes;
  int64_t skipped = 0;
  for (Clip& clip : listed.clips) {
    if (options.check_readable) {
      try {
        audio::native_sample_rate(clip.path);
      } catch (const Error& failure) {
        warn(options, "skipping " + clip.path + ": " + failure.what());
        ++skipped;
        continue;
      }
    }
    readable.clips.push_back(std::move(clip));
  }
  if (!options.quiet) {
    std::fprintf(stderr, "GTZAN (%s layout) at %s: %s\n", layout_name(folders.layout).c_str(),
                 folders.audio_dir.c_str(), summary_with_skipped(readable, skipped).c_str());
  }
  return readable;
}

ClipList load_gtzan_images(const std::string& path, const GtzanOptions& options) {
  const GtzanFolders folders = find_gtzan(path);
  TIMBRE_CHECK(!folders.images_dir.empty(), path,
               ": this GTZAN copy has no images_original folder (the Kaggle layout's "
               "Data/images_original/<genre>/<genre>000NN.png; the ",
               layout_name(folders.layout), " layout found at ", folders.root,
               (folders.layout == GtzanLayout::Marsyas ? " never has one)" : " lacks it)"));
  ClipList images = list_genre_files(folders.images_dir, ".png", options);
  for (Clip& image : images.clips)
    image.song = gtzan_image_song(image.path);
  if (!options.quiet) {
    std::fprintf(stderr, "GTZAN images at %s: %s\n", folders.images_dir.c_str(),
                 images.summary().c_str());
  }
  return images;
}

std::string gtzan_image_song(const std::string& filename) {
  const std::string song = song_of(filename);  // "blues00029"
  const size_t first_digit = song.find_first_of("0123456789");
  if (first_digit == std::string::npos || first_digit == 0) return song;
  const std::string genre = song.substr(0, first_digit);
  const std::string number = song.substr(first_digit);
  const bool letters =
      std::all_of(genre.begin(), genre.end(), [](unsigned char c) { return std::isalpha(c); });
  const bool digits =
      std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
  return letters && digits ? genre + "." + number : song;
}

}  // namespace timbre::data
