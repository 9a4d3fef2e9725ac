// data/synth.cpp - write_synthetic_gtzan: the synthetic clips written in GTZAN's Kaggle layout,
// with mel images and feature CSVs, cached (synthesize_clip itself is in synth_clip.cpp).
#include "data/synth.h"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/batch.h"
#include "audio/decode.h"
#include "audio/encode.h"
#include "audio/feature_sets.h"
#include "audio/image.h"
#include "audio/render.h"
#include "data/dataset.h"
#include "data/text_file.h"
#include "tensor/error.h"

namespace timbre::data {

namespace {

namespace fs = std::filesystem;

// Bumped whenever synthesize_clip changes its output, so that an old cache is not mistaken for
// the current generator's data set.
constexpr int kGeneratorVersion = 1;
constexpr int64_t kPieceSamples = 66149;  // GTZAN's 3-s pieces (features_3_sec.csv's length)
constexpr int64_t kMaxPieces = 10;

// The shortest text that reads back as the same double ("30", "2.5").
std::string number_text(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  TIMBRE_CHECK(error == std::errc(), "synthetic GTZAN: cannot format ", value);
  return std::string(buffer, end);
}

// synth.json: the options that decide the data set's contents. (threads, progress and which
// extra files to write do not change any file, so they are not recorded.)
std::string options_json(const SynthOptions& options) {
  return "{\n  \"generator\": \"timbre synthetic GTZAN\",\n  \"version\": " +
         std::to_string(kGeneratorVersion) + ",\n  \"seed\": " + std::to_string(options.seed) +
         ",\n  \"clips_per_class\": " + std::to_string(options.clips_per_class) +
         ",\n  \"seconds\": " + number_text(options.seconds) +
         ",\n  \"sample_rate\": " + std::to_string(options.sample_rate) + "\n}\n";
}

// The files of one clip.
struct ClipFiles {
  int64_t genre = 0;
  int64_t index = 0;
  std::string stem;  // "blues.00003"
  std::string wav;   // <out>/genres_original/blues/blues.00003.wav
  std::string png;   // <out>/images_original/blues/blues00003.png
};

std::vector<ClipFiles> clip_files(const std::string& out_dir, const SynthOptions& options) {
  std::vector<ClipFiles> files;
  const std::vector<std::string>& genres = gtzan_genres();
  for (int64_t genre = 0; genre < static_cast<int64_t>(genres.size()); ++genre) {
    const std::string& name = genres[static_cast<size_t>(genre)];
    for (int64_t index = 0; index < options.clips_per_class; ++index) {
      char number[24];
      std::snprintf(number, sizeof(number), "%05lld", static_cast<long long>(index));
      ClipFiles clip;
      clip.genre = genre;
      clip.index = index;
      clip.stem = name + "." + number;
      clip.wav = (fs::path(out_dir) / "genres_original" / name / (clip.stem + ".wav")).string();
      clip.png = (fs::path(out_dir) / "images_original" / name / (name + number + ".png")).string();
      files.push_back(std::move(clip));
    }
  }
  return files;
}

void make_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  TIMBRE_CHECK(!error, "synthetic GTZAN: cannot create the folder '", folder.string(),
               "': ", error.message());
}

// Reads <out>/synth.json when there is one and checks it records these options.
// Returns true when it exists (and matches).
bool check_existing_options(const std::string& json_path, const std::string& expected) {
  if (!fs::exists(json_path)) return false;
  const std::string existing = read_text(json_path);
  TIMBRE_CHECK(existing == expected, "synthetic GTZAN: '", json_path,
               "' records a data set made with other options:\n", existing,
               "choose another output folder, or delete that one to make it again with:\n",
               expected);
  return true;
}

}  // namespace

SynthSummary write_synthetic_gtzan(const std::string& out_dir, const SynthOptions& options) {
  TIMBRE_CHECK(options.clips_per_class >= 1 && options.clips_per_class <= 100000,
               "synthetic GTZAN: clips_per_class must be in [1, 100000], got ",
               options.clips_per_class);
  TIMBRE_CHECK(options.seconds > 0.0 && options.seconds <= 3600.0,
               "synthetic GTZAN: seconds must be in (0, 3600], got ", options.seconds);
  TIMBRE_CHECK(options.sample_rate >= 8000 && options.sample_rate <= 192000,
               "synthetic GTZAN: sample_rate must be in [8000, 192000], got ", options.sample_rate);
  make_folder(out_dir);
  const std::string json_path = (fs::path(out_dir) / "synth.json").string();
  const std::string json = options_json(options);
  const bool had_json = check_existing_options(json_path, json);

  const std::vector<ClipFiles> clips = clip_files(out_dir, options);
  const std::string csv30 = (fs::path(out_dir) / "features_30_sec.csv").string();
  const std::string csv3 = (fs::path(out_dir) / "features_3_sec.csv").string();
  const bool need_csv30 = options.features_30_sec && !fs::exists(csv30);
  const bool need_csv3 = options.features_3_sec && !fs::exists(csv3);
  const bool need_rows = need_csv30 || need_csv3;

  // The clips with work to do: a missing file, or (when a CSV is missing) all of them, since a
  // CSV needs every clip's row.
  std::vector<int64_t> work;
  for (size_t i = 0; i < clips.size(); ++i) {
    const bool missing = !fs::exists(clips[i].wav) || (options.images && !fs::exists(clips[i].png));
    if (missing || need_rows) work.push_back(static_cast<int64_t>(i));
  }

  SynthSummary summary;
  summary.clips = static_cast<int64_t>(clips.size());
  summary.root = out_dir;
  if (work.empty() && had_json) {
    summary.cached = true;
    std::printf("synthetic GTZAN in %s is up to date (%lld clips; nothing to do)\n",
                out_dir.c_str(), static_cast<long long>(summary.clips));
    return summary;
  }
  // The options first: an interrupted run then leaves a folder the next run recognises and
  // completes.
  if (!had_json) write_text_atomically(json_path, json);
  for (const std::string& genre : gtzan_genres()) {
    make_folder(fs::path(out_dir) / "genres_original" / genre);
    if (options.images) make_folder(fs::path(out_dir) / "images_original" / genre);
  }

  std::atomic<int64_t> written{0};
  std::vector<std::string> rows30(clips.size());
  std::vector<std::vector<std::string>> rows3(clips.size());
  const double rate = options.sample_rate;
  auto make_clip = [&](int64_t position) {
    const ClipFiles& clip = clips[static_cast<size_t>(work[static_cast<size_t>(position)])];
    const size_t slot = static_cast<size_t>(work[static_cast<size_t>(position)]);
    if (!fs::exists(clip.wav)) {
      audio::write_wav(clip.wav, synthesize_clip(clip.genre, clip.index, options),
                       options.sample_rate);
      ++written;
    }
    const bool need_png = options.images && !fs::exists(clip.png);
    if (!need_png && !need_rows) return;
    // Images and features come from the file as written (16-bit), so they are the same whether
    // the clip was made now or by an earlier run.
    const Tensor y = audio::load_audio(clip.wav, {.sample_rate = options.sample_rate});
    if (need_png) {
      audio::write_png(clip.png, audio::render(y, rate, audio::ImageKind::Mel));
      ++written;
    }
    const std::string& genre = gtzan_genres()[static_cast<size_t>(clip.genre)];
    if (need_csv30) {
      rows30[slot] = audio::gtzan_csv_row(clip.stem + ".wav", y.numel(),
                                          audio::gtzan57(y, rate).values, genre);
    }
    if (need_csv3) {
      const int64_t pieces = std::min(kMaxPieces, y.numel() / kPieceSamples);
      for (int64_t k = 0; k < pieces; ++k) {
        const Tensor piece = y.slice(0, k * kPieceSamples, (k + 1) * kPieceSamples).contiguous();
        rows3[slot].push_back(audio::gtzan_csv_row(clip.stem + "." + std::to_string(k) + ".wav",
                                                   kPieceSamples,
                                                   audio::gtzan57(piece, rate).values, genre));
      }
    }
  };
  audio::ParallelOptions parallel;
  parallel.threads = options.threads;
  parallel.progress = options.progress;
  parallel.label = "synth";
  const audio::ParallelSummary result = audio::for_each_in_parallel(
      static_cast<int64_t>(work.size()), make_clip,
      [&](int64_t position) {
        return clips[static_cast<size_t>(work[static_cast<size_t>(position)])].wav;
      },
      parallel);
  summary.failed = static_cast<int64_t>(result.failed.size());

  // A CSV is written only when every clip has its row: one written now is trusted by every later
  // run, so it must be complete.
  if (summary.failed == 0) {
    if (need_csv30) {
      std::string text = audio::gtzan_csv_header() + "\n";
      for (const std::string& row : rows30)
        text += row + "\n";
      write_text_atomically(csv30, text);
      ++written;
    }
    if (need_csv3) {
      std::string text = audio::gtzan_csv_header() + "\n";
      for (const std::vector<std::string>& rows : rows3) {
        for (const std::string& row : rows)
          text += row + "\n";
      }
      write_text_atomically(csv3, text);
      ++written;
    }
  }
  summary.written = written.load();
  std::printf("synthetic GTZAN in %s: %lld clips, %lld files written, %lld failed\n",
              out_dir.c_str(), static_cast<long long>(summary.clips),
              static_cast<long long>(summary.written), static_cast<long long>(summary.failed));
  return summary;
}

}  // namespace timbre::data
