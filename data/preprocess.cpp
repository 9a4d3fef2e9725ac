// data/preprocess.cpp - the preprocessing cache: per-clip outputs computed in parallel once,
// preprocess.json guarding against mixing options, index.csv listing the result.
#include "data/preprocess.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audio/batch.h"
#include "audio/decode.h"
#include "audio/feature_sets.h"
#include "audio/image.h"
#include "audio/render.h"
#include "data/model_input.h"
#include "data/text_file.h"
#include "tensor/error.h"
#include "tensor/generator.h"
#include "tensor/npy.h"

namespace timbre::data {

namespace {

namespace fs = std::filesystem;

// Bumped whenever an output of some kind changes, so that an old cache is not trusted. 2: clips
// at another rate than sample_rate are resampled with soxr_hq (was libsamplerate's sinc_best).
constexpr int kCacheVersion = 2;
// Columns of a 3-s mel segment: 1 + 66150 / 512 frames (center=True), as the FMA CNN reads.
constexpr int64_t kMelSegmentFrames = 130;

struct KindName {
  FeatureKind kind;
  const char* name;
};

const std::vector<KindName>& kind_names() {
  static const std::vector<KindName> names = {{FeatureKind::Spectrogram, "spectrogram"},
                                              {FeatureKind::Mel, "mel"},
                                              {FeatureKind::Mfcc, "mfcc"},
                                              {FeatureKind::Waveform, "waveform"},
                                              {FeatureKind::Scalogram, "scalogram"},
                                              {FeatureKind::SplitMel, "splitmel"},
                                              {FeatureKind::MaskMel, "maskmel"},
                                              {FeatureKind::Lstm33, "lstm33"},
                                              {FeatureKind::Gtzan57, "gtzan57"},
                                              {FeatureKind::MelSegments, "melsegments"}};
  return names;
}

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool is_picture(FeatureKind kind) {
  return kind == FeatureKind::Spectrogram || kind == FeatureKind::Mel ||
         kind == FeatureKind::Mfcc || kind == FeatureKind::Waveform ||
         kind == FeatureKind::Scalogram;
}

audio::ImageKind image_kind_of(FeatureKind kind) {
  switch (kind) {
    case FeatureKind::Spectrogram:
      return audio::ImageKind::Spectrogram;
    case FeatureKind::Mfcc:
      return audio::ImageKind::Mfcc;
    case FeatureKind::Waveform:
      return audio::ImageKind::Waveform;
    case FeatureKind::Scalogram:
      return audio::ImageKind::Scalogram;
    default:
      return audio::ImageKind::Mel;
  }
}

std::string number_text(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  TIMBRE_CHECK(error == std::errc(), "preprocess: cannot format ", value);
  return std::string(buffer, end);
}

void check_options(const PreprocessOptions& options) {
  TIMBRE_CHECK(!options.out_dir.empty(), "preprocess: out_dir must be given");
  TIMBRE_CHECK(options.sample_rate > 0, "preprocess: sample_rate must be > 0, got ",
               options.sample_rate);
  TIMBRE_CHECK(options.width >= 1 && options.height >= 1,
               "preprocess: width and height must be >= 1, got ", options.width, "x",
               options.height);
  TIMBRE_CHECK(options.split_seconds > 0.0, "preprocess: split_seconds must be > 0, got ",
               options.split_seconds);
  TIMBRE_CHECK(options.mask_copies >= 0, "preprocess: mask_copies must be >= 0, got ",
               options.mask_copies);
  TIMBRE_CHECK(options.max_frames >= 0, "preprocess: max_frames must be >= 0, got ",
               options.max_frames);
  TIMBRE_CHECK(options.segment_seconds >= 0.0, "preprocess: segment_seconds must be >= 0, got ",
               options.segment_seconds);
}

// preprocess.json: the kind and only the options that change its outputs (the seed does not
// matter to a mel cache, so changing it there is no conflict).
std::string options_json(const PreprocessOptions& options) {
  std::string json = "{\n  \"version\": " + std::to_string(kCacheVersion) + ",\n  \"kind\": \"" +
                     feature_kind_name(options.kind) +
                     "\",\n  \"sample_rate\": " + std::to_string(options.sample_rate);
  const FeatureKind kind = options.kind;
  if (is_picture(kind) || kind == FeatureKind::SplitMel || kind == FeatureKind::MaskMel) {
    json += ",\n  \"width\": " + std::to_string(options.width) +
            ",\n  \"height\": " + std::to_string(options.height);
  }
  if (kind == FeatureKind::SplitMel)
    json += ",\n  \"split_seconds\": " + number_text(options.split_seconds);
  if (kind == FeatureKind::MaskMel) {
    json += ",\n  \"mask_copies\": " + std::to_string(options.mask_copies) +
            ",\n  \"seed\": " + std::to_string(options.seed);
  }
  if (kind == FeatureKind::Lstm33)
    json += ",\n  \"max_frames\": " + std::to_string(options.max_frames);
  if (kind == FeatureKind::Gtzan57)
    json += ",\n  \"segment_seconds\": " + number_text(options.segment_seconds);
  if (kind == FeatureKind::MelSegments)
    json += ",\n  \"segment_seconds\": 3,\n  \"frames\": " + std::to_string(kMelSegmentFrames);
  return json + "\n}\n";
}

void make_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  TIMBRE_CHECK(!error, "preprocess: cannot create the folder '", folder.string(),
               "': ", error.message());
}

// FNV-1a: a stable 64-bit hash of a string (std::hash may differ between library versions).
uint64_t stable_hash(const std::string& text) {
  uint64_t hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

// Computes (or finds) the outputs of one clip; returns their paths relative to out_dir, in
// output order. `relative_stem` is "<class>/<stem>".
class ClipProcessor {
 public:
  explicit ClipProcessor(const PreprocessOptions& options) : options_(options) {}

  std::vector<std::string> run(const Clip& clip, const std::string& relative_stem,
                               const std::string& class_name) const {
    switch (options_.kind) {
      case FeatureKind::SplitMel:
        return split_mel(clip, relative_stem);
      case FeatureKind::MaskMel:
        return mask_mel(clip, relative_stem);
      case FeatureKind::Lstm33:
        return lstm33(clip, relative_stem);
      case FeatureKind::Gtzan57:
        return gtzan57(clip, relative_stem, class_name);
      case FeatureKind::MelSegments:
        return mel_segments(clip, relative_stem);
      default:
        return picture(clip, relative_stem);
    }
  }

 private:
  std::string full(const std::string& relative) const {
    return (fs::path(options_.out_dir) / relative).string();
  }
  bool exists(const std::string& relative) const { return fs::exists(full(relative)); }
  Tensor decode(const Clip& clip) const {
    return audio::load_audio(clip.path, {.sample_rate = options_.sample_rate});
  }
  audio::RenderOptions render_options() const {
    audio::RenderOptions render;
    render.width = options_.width;
    render.height = options_.height;
    return render;
  }

  std::vector<std::string> picture(const Clip& clip, const std::string& stem) const {
    const std::string output = stem + ".png";
    if (!exists(output)) {
      audio::write_png(full(output), audio::render(decode(clip), options_.sample_rate,
                                                   image_kind_of(options_.kind), render_options()));
    }
    return {output};
  }

  // The slices are written last to first, so that slice 0 existing means all of them do; their
  // number is then found by counting the files.
  std::vector<std::string> split_mel(const Clip& clip, const std::string& stem) const {
    auto slice_name = [&](size_t k) { return stem + "." + std::to_string(k) + ".png"; };
    if (!exists(slice_name(0))) {
      const std::vector<Tensor> slices =
          audio::split_clip(decode(clip), options_.sample_rate, options_.split_seconds);
      for (size_t k = slices.size(); k-- > 0;) {
        audio::write_png(full(slice_name(k)),
                         audio::render(slices[k], options_.sample_rate, audio::ImageKind::Mel,
                                       render_options()));
      }
    }
    std::vector<std::string> outputs;
    for (size_t k = 0; exists(slice_name(k)); ++k)
      outputs.push_back(slice_name(k));
    return outputs;
  }

  // The masked copies are written before the plain picture, so that the plain one existing
  // means all of them do. Copy k uses Generator(mix(seed, hash("<class>/<stem>"), k)): the same
  // masks for the same clip whatever list or thread it comes in.
  std::vector<std::string> mask_mel(const Clip& clip, const std::string& stem) const {
    std::vector<std::string> outputs = {stem + ".png"};
    for (int k = 1; k <= options_.mask_copies; ++k)
      outputs.push_back(stem + ".mask" + std::to_string(k) + ".png");
    if (exists(outputs[0])) return outputs;
    const Tensor mel_db =
        audio::image_values(decode(clip), options_.sample_rate, audio::ImageKind::Mel);
    for (int k = 1; k <= options_.mask_copies; ++k) {
      Generator generator(
          splitmix64(splitmix64(options_.seed ^ stable_hash(stem)) + static_cast<uint64_t>(k)));
      const Tensor masked = audio::spec_augment_mask(mel_db, generator);
      audio::write_png(full(outputs[static_cast<size_t>(k)]),
                       audio::render_values(masked, audio::ImageKind::Mel, render_options()));
    }
    audio::write_png(full(outputs[0]),
                     audio::render_values(mel_db, audio::ImageKind::Mel, render_options()));
    return outputs;
  }

  std::vector<std::string> lstm33(const Clip& clip, const std::string& stem) const {
    const std::string output = stem + ".npy";
    if (!exists(output)) {
      const Tensor features = audio::lstm33(decode(clip), options_.sample_rate,
                                            audio::PadMode::Constant, options_.max_frames);
      write_npy(full(output), features.to(kFloat32));  // [frames, 33]
    }
    return {output};
  }

  // The FMA CNN's input: each consecutive 3-s slice (audio::split_clip: 66150 samples at
  // 22050 Hz, ten per 30-s clip) as data::mel_segment, [1, 128, 130] float32, in
  // "<stem>.<k>.npy". Written last to first, as split_mel, so slice 0 existing means all do.
  std::vector<std::string> mel_segments(const Clip& clip, const std::string& stem) const {
    auto segment_name = [&](size_t k) { return stem + "." + std::to_string(k) + ".npy"; };
    if (!exists(segment_name(0))) {
      const std::vector<Tensor> slices = audio::split_clip(decode(clip), options_.sample_rate, 3.0);
      for (size_t k = slices.size(); k-- > 0;) {
        write_npy(full(segment_name(k)),
                  mel_segment(slices[k], options_.sample_rate, kMelSegmentFrames));
      }
    }
    std::vector<std::string> outputs;
    for (size_t k = 0; exists(segment_name(k)); ++k)
      outputs.push_back(segment_name(k));
    return outputs;
  }

  // Each clip's CSV rows go to rows/<class>/<stem>.csv (no header); preprocess joins them into
  // features.csv. With segments, the pieces are as GTZAN's features_3_sec.csv: consecutive
  // slices one sample short of segment_seconds (66149 samples for 3 s at 22050 Hz), named
  // "<stem>.<k>.wav".
  std::vector<std::string> gtzan57(const Clip& clip, const std::string& stem,
                                   const std::string& class_name) const {
    const std::string output = "rows/" + stem + ".csv";
    if (exists(output)) return {output};
    const Tensor y = decode(clip);
    const double rate = options_.sample_rate;
    const std::string file_stem = fs::path(clip.path).stem().string();
    std::string text;
    if (options_.segment_seconds == 0.0) {
      text = audio::gtzan_csv_row(fs::path(clip.path).filename().string(), y.numel(),
                                  audio::gtzan57(y, rate).values, class_name) +
             "\n";
    } else {
      const int64_t piece = std::llround(options_.segment_seconds * rate) - 1;
      const int64_t pieces = piece > 0 ? y.numel() / piece : 0;
      TIMBRE_CHECK(pieces >= 1, "the clip (", y.numel(), " samples) is shorter than one ",
                   options_.segment_seconds, "-s segment");
      for (int64_t k = 0; k < pieces; ++k) {
        const Tensor segment = y.slice(0, k * piece, (k + 1) * piece).contiguous();
        text += audio::gtzan_csv_row(file_stem + "." + std::to_string(k) + ".wav", piece,
                                     audio::gtzan57(segment, rate).values, class_name) +
                "\n";
      }
    }
    write_text_atomically(full(output), text);
    return {output};
  }

  const PreprocessOptions& options_;
};

}  // namespace

std::string feature_kind_name(FeatureKind kind) {
  for (const KindName& entry : kind_names()) {
    if (entry.kind == kind) return entry.name;
  }
  throw Error("feature_kind_name: unknown kind " + std::to_string(static_cast<int>(kind)));
}

FeatureKind feature_kind_from_name(const std::string& name) {
  const std::string wanted = lower(name);
  for (const KindName& entry : kind_names()) {
    if (wanted == entry.name) return entry.kind;
  }
  // The SUTD notebooks' folder names.
  if (wanted == "melspect") return FeatureKind::Mel;
  if (wanted == "wavelets") return FeatureKind::Waveform;
  if (wanted == "splitmelspect") return FeatureKind::SplitMel;
  if (wanted == "melspectmask") return FeatureKind::MaskMel;
  std::string known;
  for (const KindName& entry : kind_names())
    known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw Error("unknown preprocessing kind '" + name + "' (known: " + known +
              "; also the SUTD folder names melspect, wavelets, SplitmelSpect, melspectMask)");
}

ClipList preprocess(const ClipList& clips, const PreprocessOptions& options) {
  check_options(options);
  // index.csv and the CSV rows are plain comma-separated text: names must not break a row.
  auto plain = [](const std::string& text) {
    return text.find_first_of(",\"\n\r") == std::string::npos;
  };
  for (const std::string& name : clips.classes)
    TIMBRE_CHECK(plain(name) && !name.empty(), "preprocess: class name '", name,
                 "' is empty or holds a comma, quote or line break");
  for (const Clip& clip : clips.clips) {
    TIMBRE_CHECK(clip.label >= 0 && clip.label < static_cast<int64_t>(clips.classes.size()),
                 "preprocess: clip '", clip.path, "' has label ", clip.label, " but the list has ",
                 clips.classes.size(), " classes");
    TIMBRE_CHECK(plain(fs::path(clip.path).filename().string()) && plain(clip.song),
                 "preprocess: clip '", clip.path, "' (song '", clip.song,
                 "'): file names and songs must not hold a comma, quote or line break");
  }
  make_folder(options.out_dir);
  const std::string json_path = (fs::path(options.out_dir) / "preprocess.json").string();
  const std::string json = options_json(options);
  if (fs::exists(json_path)) {
    const std::string existing = read_text(json_path);
    TIMBRE_CHECK(existing == json, "preprocess: '", options.out_dir,
                 "' holds a cache made with other options (its preprocess.json says:\n", existing,
                 "but these options need:\n", json,
                 "): choose another output folder, or delete that one");
  } else {
    write_text_atomically(json_path, json);
  }
  const std::string rows_root = options.kind == FeatureKind::Gtzan57 ? "rows/" : "";
  for (const std::string& name : clips.classes)
    make_folder(fs::path(options.out_dir) / (rows_root + name));

  // Outputs of each clip, relative to out_dir; a failed clip keeps an empty list.
  std::vector<std::vector<std::string>> outputs(clips.clips.size());
  const ClipProcessor processor(options);
  audio::ParallelOptions parallel;
  parallel.threads = options.threads;
  parallel.progress = options.progress;
  parallel.label = "preprocess " + feature_kind_name(options.kind);
  audio::for_each_in_parallel(
      clips.size(),
      [&](int64_t i) {
        const Clip& clip = clips.clips[static_cast<size_t>(i)];
        const std::string& class_name = clips.classes[static_cast<size_t>(clip.label)];
        const std::string stem = class_name + "/" + fs::path(clip.path).stem().string();
        outputs[static_cast<size_t>(i)] = processor.run(clip, stem, class_name);
      },
      [&](int64_t i) { return clips.clips[static_cast<size_t>(i)].path; }, parallel);

  ClipList result;
  result.classes = clips.classes;
  std::string index = "file,song,label\n";
  std::string features_csv = audio::gtzan_csv_header() + "\n";
  const std::string features_path = (fs::path(options.out_dir) / "features.csv").string();
  for (size_t i = 0; i < clips.clips.size(); ++i) {
    const Clip& clip = clips.clips[i];
    const std::string& class_name = clips.classes[static_cast<size_t>(clip.label)];
    for (const std::string& relative : outputs[i]) {
      if (options.kind == FeatureKind::Gtzan57) {
        // One Clip per row: Clip j of the result is row j of features.csv.
        const std::vector<std::string> rows =
            lines_of(read_text((fs::path(options.out_dir) / relative).string()));
        for (const std::string& row : rows) {
          features_csv += row + "\n";
          result.clips.push_back({features_path, clip.song, clip.label});
          index += "features.csv," + clip.song + "," + class_name + "\n";
        }
      } else {
        result.clips.push_back(
            {(fs::path(options.out_dir) / relative).string(), clip.song, clip.label});
        index += relative + "," + clip.song + "," + class_name + "\n";
      }
    }
  }
  if (options.kind == FeatureKind::Gtzan57) write_text_atomically(features_path, features_csv);
  std::string classes_text;
  for (const std::string& name : clips.classes)
    classes_text += name + "\n";
  write_text_atomically((fs::path(options.out_dir) / "classes.txt").string(), classes_text);
  write_text_atomically((fs::path(options.out_dir) / "index.csv").string(), index);
  return result;
}

ClipList load_preprocessed(const std::string& dir) {
  const std::string index_path = (fs::path(dir) / "index.csv").string();
  TIMBRE_CHECK(fs::exists(index_path), "load_preprocessed: '", index_path, "' does not exist (is '",
               dir, "' a preprocessed folder?)");
  ClipList result;
  std::map<std::string, int64_t> label_of;
  const std::string classes_path = (fs::path(dir) / "classes.txt").string();
  if (fs::exists(classes_path)) {
    for (const std::string& name : lines_of(read_text(classes_path))) {
      if (name.empty()) continue;
      label_of[name] = static_cast<int64_t>(result.classes.size());
      result.classes.push_back(name);
    }
  }
  const bool fixed_classes = !result.classes.empty();
  const std::vector<std::string> lines = lines_of(read_text(index_path));
  TIMBRE_CHECK(!lines.empty() && lines[0] == "file,song,label", "load_preprocessed: ", index_path,
               ": line 1 must be the header 'file,song,label'");
  for (size_t n = 1; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    if (line.empty()) continue;
    const size_t first = line.find(',');
    const size_t second = first == std::string::npos ? first : line.find(',', first + 1);
    TIMBRE_CHECK(second != std::string::npos && line.find(',', second + 1) == std::string::npos &&
                     first > 0 && second > first + 1 && second + 1 < line.size(),
                 "load_preprocessed: ", index_path, " line ", n + 1,
                 ": expected 'file,song,label', got '", line, "'");
    const std::string file = line.substr(0, first);
    const std::string song = line.substr(first + 1, second - first - 1);
    const std::string label = line.substr(second + 1);
    if (label_of.count(label) == 0) {
      TIMBRE_CHECK(!fixed_classes, "load_preprocessed: ", index_path, " line ", n + 1, ": label '",
                   label, "' is not one of the classes in ", classes_path);
      label_of[label] = static_cast<int64_t>(result.classes.size());
      result.classes.push_back(label);
    }
    const std::string path = (fs::path(dir) / file).string();
    TIMBRE_CHECK(fs::exists(path), "load_preprocessed: ", index_path, " line ", n + 1,
                 ": the file '", path, "' does not exist");
    result.clips.push_back({path, song, label_of[label]});
  }
  return result;
}

}  // namespace timbre::data
