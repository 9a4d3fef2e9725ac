// data/fma.cpp - reading FMA's tracks.csv and matching its rows with the MP3 files on disk.
#include "data/fma.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "data/csv_reader.h"
#include "tensor/error.h"

namespace timbre::data {

namespace {

namespace fs = std::filesystem;

// FMA's subsets nest: small is part of medium, medium of large. The rank orders them.
const std::vector<std::string>& subset_names() {
  static const std::vector<std::string> names = {"small", "medium", "large"};
  return names;
}

int64_t subset_rank(const std::string& name) {
  const std::vector<std::string>& names = subset_names();
  const auto found = std::find(names.begin(), names.end(), name);
  return found == names.end() ? -1 : static_cast<int64_t>(found - names.begin());
}

// The whole of `text` as a non-negative integer, or -1 when it is not one.
int64_t parse_track_id(const std::string& text) {
  int64_t value = -1;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value < 0) return -1;
  return value;
}

// FMA writes track 2 as "000002": six digits, zero-padded.
std::string track_name(int64_t id) {
  std::string digits = std::to_string(id);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return digits;
}

void warn(const FmaOptions& options, const std::string& message) {
  if (!options.quiet) std::fprintf(stderr, "warning: %s\n", message.c_str());
}

// "N <what>: a, b, c, d, e, ..." naming at most the first five.
void warn_list(const FmaOptions& options, const std::vector<std::string>& names,
               const std::string& what) {
  if (names.empty()) return;
  std::string message = std::to_string(names.size()) + " " + what + ": ";
  for (size_t i = 0; i < names.size() && i < 5; ++i)
    message += (i > 0 ? ", " : "") + names[i];
  if (names.size() > 5) message += ", ...";
  warn(options, message + " (skipped)");
}

struct FmaFolders {
  fs::path audio_dir;   // fma_<subset>
  fs::path tracks_csv;  // fma_metadata/tracks.csv
};

FmaFolders find_fma(const std::string& path, const std::string& subset) {
  const std::string expected = "; expected the folder holding fma_" + subset + "/ (fma_" + subset +
                               "/NNN/NNNNNN.mp3) and fma_metadata/tracks.csv, or the fma_" +
                               subset + " folder itself with fma_metadata beside it";
  std::error_code error;
  TIMBRE_CHECK(fs::exists(path, error), path, ": no such folder", expected);
  TIMBRE_CHECK(fs::is_directory(path, error), path, " is not a directory", expected);
  fs::path folder = fs::path(path).lexically_normal();
  if (!folder.has_filename() && folder.has_parent_path()) folder = folder.parent_path();

  const std::string audio_name = "fma_" + subset;
  FmaFolders folders;
  if (fs::is_directory(folder / audio_name, error)) {
    folders.audio_dir = folder / audio_name;
    folders.tracks_csv = folder / "fma_metadata" / "tracks.csv";
  } else if (folder.filename() == audio_name) {
    folders.audio_dir = folder;
    folders.tracks_csv = (folder / ".." / "fma_metadata" / "tracks.csv").lexically_normal();
  } else {
    TIMBRE_CHECK(false, path, ": no ", audio_name, " folder", expected);
  }
  TIMBRE_CHECK(fs::is_regular_file(folders.tracks_csv, error), path, ": the metadata file ",
               folders.tracks_csv.string(), " is missing", expected,
               " (fma_metadata.zip from https://github.com/mdeff/fma)");
  return folders;
}

// One labelled track of tracks.csv.
struct Track {
  std::string genre;  // (track, genre_top); "" when the track has none
  bool in_subset = false;
};

// The tracks of tracks.csv by id, read past its three header rows.
std::map<int64_t, Track> read_tracks(const std::string& csv_path, int64_t wanted_rank) {
  CsvReader reader(csv_path);
  CsvRecord top, below, index;
  const std::string layout =
      " (FMA's tracks.csv has three header rows: top-level names such as 'track' and 'set', "
      "the names below them such as 'genre_top' and 'subset', then 'track_id')";
  TIMBRE_CHECK(reader.next(top) && reader.next(below) && reader.next(index), csv_path,
               ": the file ends within its header rows", layout);
  TIMBRE_CHECK(index.fields.front() == "track_id", csv_path, ": line ", index.line,
               ": the third header row starts with '", index.fields.front(), "', not 'track_id'",
               layout);
  TIMBRE_CHECK(top.fields.size() == below.fields.size(), csv_path,
               ": the first two header rows have ", top.fields.size(), " and ", below.fields.size(),
               " fields", layout);

  auto column_of = [&](const std::string& group, const std::string& name) {
    for (size_t column = 0; column < top.fields.size(); ++column) {
      if (top.fields[column] == group && below.fields[column] == name) return column;
    }
    TIMBRE_CHECK(false, csv_path, ": no column (", group, ", ", name, ") in the header rows",
                 layout);
    return size_t{0};
  };
  const size_t genre_column = column_of("track", "genre_top");
  const size_t subset_column = column_of("set", "subset");
  const size_t needed = std::max(genre_column, subset_column) + 1;

  std::map<int64_t, Track> tracks;
  CsvRecord row;
  while (reader.next(row)) {
    TIMBRE_CHECK(row.fields.size() >= needed, csv_path, ": line ", row.line, ": ",
                 row.fields.size(), " fields, but the header has ", top.fields.size());
    const int64_t id = parse_track_id(row.fields.front());
    TIMBRE_CHECK(id >= 0, csv_path, ": line ", row.line, ", column 1 (track_id): '",
                 row.fields.front(), "' is not a track number");
    const int64_t rank = subset_rank(row.fields[subset_column]);
    tracks[id] = {row.fields[genre_column], rank >= 0 && rank <= wanted_rank};
  }
  return tracks;
}

// The MP3 files under `audio_dir` (recursively), by track id; files whose name is not a number
// go to `unnamed`. Hidden files (macOS's "._000002.mp3") are left out.
std::map<int64_t, std::string> list_mp3_files(const fs::path& audio_dir,
                                              std::vector<std::string>& unnamed) {
  std::map<int64_t, std::string> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(audio_dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.front() == '.' || entry.path().extension() != ".mp3") {
      continue;
    }
    const int64_t id = parse_track_id(entry.path().stem().string());
    if (id < 0) {
      unnamed.push_back(entry.path().string());
    } else {
      files[id] = entry.path().string();
    }
  }
  std::sort(unnamed.begin(), unnamed.end());
  return files;
}

}  // namespace

ClipList load_fma(const std::string& path, const FmaOptions& options) {
  const int64_t wanted_rank = subset_rank(options.subset);
  TIMBRE_CHECK(wanted_rank >= 0, "load_fma: unknown subset '", options.subset,
               "' (expected small, medium or large)");
  const FmaFolders folders = find_fma(path, options.subset);
  const std::map<int64_t, Track> tracks = read_tracks(folders.tracks_csv.string(), wanted_rank);
  std::vector<std::string> unlisted;  // MP3 files without a row of the subset
  const std::map<int64_t, std::string> files = list_mp3_files(folders.audio_dir, unlisted);

  std::vector<std::string> missing, without_genre;
  std::vector<Clip> kept;  // label filled in once the classes are known
  std::vector<std::string> kept_genres;
  for (const auto& [id, track] : tracks) {
    if (!track.in_subset) continue;
    const auto file = files.find(id);
    if (file == files.end()) {
      missing.push_back(track_name(id));
    } else if (track.genre.empty()) {
      without_genre.push_back(file->second);
    } else {
      kept.push_back({file->second, track_name(id), 0});
      kept_genres.push_back(track.genre);
    }
  }
  for (const auto& [id, file] : files) {
    const auto track = tracks.find(id);
    if (track == tracks.end() || !track->second.in_subset) unlisted.push_back(file);
  }
  warn_list(options, missing,
            "tracks of the " + options.subset + " subset in " + folders.tracks_csv.string() +
                " have no file under " + folders.audio_dir.string());
  warn_list(options, unlisted,
            "MP3 files have no row of the " + options.subset + " subset in " +
                folders.tracks_csv.string());
  warn_list(options, without_genre, "tracks have no top-level genre (track, genre_top)");

  // Readability: open each header, as load_gtzan does (optional: 8000 MP3 files).
  std::vector<Clip> readable;
  std::vector<std::string> readable_genres;
  int64_t unreadable = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (options.check_readable) {
      try {
        audio::native_sample_rate(kept[i].path);
      } catch (const Error& failure) {
        warn(options, "skipping " + kept[i].path + ": " + failure.what());
        ++unreadable;
        continue;
      }
    }
    readable.push_back(kept[i]);
    readable_genres.push_back(kept_genres[i]);
  }

  ClipList list;
  const std::set<std::string> distinct(readable_genres.begin(), readable_genres.end());
  list.classes.assign(distinct.begin(), distinct.end());
  for (size_t i = 0; i < readable.size(); ++i) {
    const auto position = std::find(list.classes.begin(), list.classes.end(), readable_genres[i]);
    readable[i].label = static_cast<int64_t>(position - list.classes.begin());
    list.clips.push_back(readable[i]);
  }
  std::sort(list.clips.begin(), list.clips.end(),
            [](const Clip& a, const Clip& b) { return a.path < b.path; });

  if (!options.quiet) {
    const int64_t skipped =
        static_cast<int64_t>(missing.size() + unlisted.size() + without_genre.size()) + unreadable;
    std::string summary = list.summary();
    summary.insert(summary.size() - 1, "; " + std::to_string(skipped) + " skipped");
    std::fprintf(stderr, "FMA %s at %s: %s\n", options.subset.c_str(),
                 folders.audio_dir.string().c_str(), summary.c_str());
  }
  return list;
}

}  // namespace timbre::data
