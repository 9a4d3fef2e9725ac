// cli/features_command.cpp - `timbre features`: one librosa feature of an audio file, written as
// .npy in librosa's layout (features x frames), or the GTZAN CSV row, or the tempo.
//
//   timbre features clip.wav --kind mfcc --n-mfcc 13 --out mfcc.npy      [13, frames]
//   timbre features clip.wav --kind lstm33 --pad-mode reflect --out x.npy [128, 33]
//   timbre features blues.00000.wav --kind gtzan57                        CSV header + row
//   timbre features clip.wav --kind tempo                                 e.g. "123.046875"
//   timbre features gtzan/ --kind mfcc --out mfcc/ --threads 8     mfcc/<relative path>.npy each
//   timbre features gtzan/ --kind gtzan57 --out features.csv        header + one row per file
//
// The file is decoded as librosa.load(path, sr=--sr, mono=True, dtype=--dtype), so the numbers
// are librosa 0.10.1's for the same parameters (docs/audio.md says how closely).
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audio/batch.h"
#include "audio/beat.h"
#include "audio/chroma.h"
#include "audio/cwt.h"
#include "audio/db.h"
#include "audio/decode.h"
#include "audio/feature_sets.h"
#include "audio/hpss.h"
#include "audio/mel.h"
#include "audio/onset.h"
#include "audio/spectral.h"
#include "audio/stft.h"
#include "cli/commands.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct FeaturesOptions {
  std::string input;
  std::string kind;
  std::string out;
  int sample_rate = 22050;
  int64_t n_fft = 2048;
  int64_t hop = 512;
  int64_t n_mels = 128;
  int64_t n_mfcc = 20;
  int64_t max_frames = 128;
  double fmax = 0.0;  // 0: sample_rate / 2
  std::string pad_mode = "constant";
  std::string dtype = "float32";
  std::string res_type = "soxr_hq";  // librosa.load's res_type, used when --sr differs
  std::string label;                 // gtzan57 only; empty: the file name up to its first '.'
  int threads = 0;                   // folder input: worker threads; 0: one per core
  bool progress = false;  // folder input: draw the progress bar even when stderr is no terminal
};

// Kinds written as a .npy array, in the order --help lists them.
const std::vector<std::string> kArrayKinds = {"stft_mag",
                                              "stft_db",
                                              "mel",
                                              "mel_db",
                                              "mfcc",
                                              "chroma",
                                              "spectral_centroid",
                                              "spectral_bandwidth",
                                              "spectral_rolloff",
                                              "spectral_contrast",
                                              "zero_crossing_rate",
                                              "rms",
                                              "onset_env",
                                              "harmonic",
                                              "percussive",
                                              "cwt",
                                              "lstm33"};

// Kinds that print (or with --out write) text instead.
const std::vector<std::string> kTextKinds = {"gtzan57", "tempo"};

audio::StftOptions stft_options(const FeaturesOptions& options) {
  return {.n_fft = options.n_fft,
          .hop_length = options.hop,
          .center = true,
          .pad_mode =
              options.pad_mode == "reflect" ? audio::PadMode::Reflect : audio::PadMode::Constant};
}

audio::MelOptions mel_options(const FeaturesOptions& options) {
  return {.n_mels = options.n_mels, .fmax = options.fmax};
}

// The array of an array kind, in librosa's layout and dtype.
// y: [samples] -> [rows, frames] for most kinds; [frames] for onset_env; [samples] for
// harmonic/percussive; [128, samples] for cwt; [frames, 33] for lstm33.
Tensor compute_array(const Tensor& y, const FeaturesOptions& options) {
  const double sr = options.sample_rate;
  const audio::StftOptions stft = stft_options(options);
  const std::string& kind = options.kind;
  if (kind == "stft_mag") return audio::spectrogram(y, stft, 1.0);
  if (kind == "stft_db") {
    return audio::amplitude_to_db(audio::spectrogram(y, stft, 1.0), audio::RefMax{});
  }
  if (kind == "mel") return audio::melspectrogram(y, sr, stft, mel_options(options));
  if (kind == "mel_db") {
    return audio::power_to_db(audio::melspectrogram(y, sr, stft, mel_options(options)),
                              audio::RefMax{});
  }
  if (kind == "mfcc") return audio::mfcc(y, sr, options.n_mfcc, stft, mel_options(options));
  if (kind == "chroma") return audio::chroma_stft(y, sr, stft);
  if (kind == "spectral_centroid") return audio::spectral_centroid(y, sr, stft);
  if (kind == "spectral_bandwidth") return audio::spectral_bandwidth(y, sr, stft);
  if (kind == "spectral_rolloff") return audio::spectral_rolloff(y, sr, stft);
  if (kind == "spectral_contrast") return audio::spectral_contrast(y, sr, stft);
  if (kind == "zero_crossing_rate") return audio::zero_crossing_rate(y, options.n_fft, options.hop);
  if (kind == "rms")
    return audio::rms(y, options.n_fft, options.hop, true, stft.pad_mode, y.dtype());
  if (kind == "onset_env") {
    // The envelope beat_track computes (aggregate=np.median), as the goldens' onset_env; not
    // onset_strength's own default (mean over bands).
    return audio::onset_strength(
        y, sr,
        {.stft = stft, .n_mels = options.n_mels, .aggregate = audio::OnsetAggregate::Median});
  }
  if (kind == "harmonic") return audio::hpss_waveforms(y, stft).first;
  if (kind == "percussive") return audio::hpss_waveforms(y, stft).second;
  if (kind == "cwt") {
    // pywt.cwt(y, scales=1..128, 'morl', sampling_period=1/sr, method='fft'): the direct
    // convolution would take minutes on a whole clip. The result is [128, samples] float64.
    std::vector<double> scales;
    for (int scale = 1; scale <= 128; ++scale)
      scales.push_back(scale);
    return audio::cwt_morlet(y, scales, 1.0 / sr, audio::CwtMethod::Fft).coefficients;
  }
  if (kind == "lstm33") return audio::lstm33(y, sr, stft.pad_mode, options.max_frames);
  throw Error("features: unknown kind '" + kind + "'");  // unreachable: CLI11 checks the kind
}

// The GTZAN label of a file: "blues" for ".../blues.00000.wav" (GTZAN's <genre>.000NN naming).
std::string label_from_file_name(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  return name.substr(0, name.find('.'));
}

// The shortest text that reads back as the same double (123.046875, not 123.046875000000).
std::string shortest_text(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  TIMBRE_CHECK(error == std::errc(), "features: could not format ", value);
  return std::string(buffer, end);
}

// Prints `text`, or writes it to options.out when given.
void emit_text(const std::string& text, const FeaturesOptions& options) {
  if (options.out.empty()) {
    std::printf("%s", text.c_str());
    return;
  }
  std::ofstream file(options.out);
  file << text;
  file.close();
  TIMBRE_CHECK(file.good(), "features: could not write ", options.out);
  std::printf("wrote %s\n", options.out.c_str());
}

// How a file is decoded: librosa.load(path, sr=--sr, mono=True, dtype=--dtype,
// res_type=--res-type).
audio::LoadOptions load_options(const FeaturesOptions& options) {
  audio::LoadOptions load;
  load.sample_rate = options.sample_rate;
  load.dtype = options.dtype == "float64" ? DType::Float64 : DType::Float32;
  load.resample_type = audio::parse_resample_type(options.res_type);
  return load;
}

// `timbre features FOLDER`: every audio file under FOLDER (recursively, sorted), on --threads
// threads with a progress bar (audio/batch.h). Array kinds write OUT/<relative path>.npy per
// file; gtzan57 and tempo write one CSV (header, then one row per file in sorted file order).
// Requires: options.input is a directory; options.out is set for array kinds.
// Ensures:  every good file is written even when others fail; then, if any failed, throws
//           timbre::Error counting them (each was already named in a warning), so the exit
//           status is not 0.
void run_features_folder(const FeaturesOptions& options) {
  audio::BatchOptions batch;
  batch.threads = options.threads;
  batch.force_progress = options.progress;
  const audio::LoadOptions load = load_options(options);
  audio::BatchSummary summary;
  if (options.kind != "gtzan57" && options.kind != "tempo") {
    summary = audio::extract_folder(
        options.input, options.out,
        [&](const std::string& in, const std::string& out) {
          write_npy(out, compute_array(audio::load_audio(in, load), options));
        },
        batch);
    std::printf("wrote %zu files under %s\n", summary.files.size() - summary.failed.size(),
                options.out.c_str());
  } else {
    // The workers finish in any order: collect each file's row under its name, then write the
    // rows in the sorted order of summary.files, so the CSV is the same for any --threads.
    std::mutex mutex;
    std::map<std::string, std::string> rows;
    auto row_of = [&](const std::string& in) {
      const Tensor y = audio::load_audio(in, load);
      const std::string filename = std::filesystem::path(in).filename().string();
      if (options.kind == "tempo") {
        audio::BeatOptions beat;
        beat.onset.stft = stft_options(options);
        beat.onset.n_mels = options.n_mels;
        return filename + "," +
               shortest_text(audio::beat_track(y, options.sample_rate, beat).tempo);
      }
      const audio::Gtzan57 features =
          audio::gtzan57(y, options.sample_rate, stft_options(options).pad_mode);
      const std::string label = options.label.empty() ? label_from_file_name(in) : options.label;
      return audio::gtzan_csv_row(filename, y.numel(), features.values, label);
    };
    summary = audio::extract_folder(
        options.input, "",
        [&](const std::string& in, const std::string&) {
          std::string row = row_of(in);
          std::lock_guard<std::mutex> lock(mutex);
          rows[in] = std::move(row);
        },
        batch);
    std::string text =
        (options.kind == "tempo" ? std::string("filename,tempo") : audio::gtzan_csv_header()) +
        "\n";
    for (const std::string& file : summary.files) {
      if (rows.count(file) != 0) text += rows[file] + "\n";
    }
    emit_text(text, options);
  }
  TIMBRE_CHECK(!summary.files.empty(), "features: no audio files (",
               "wav, au, flac, ogg, mp3) under '", options.input, "'");
  TIMBRE_CHECK(summary.failed.empty(), "features: ", summary.failed.size(), " of ",
               summary.files.size(), " files failed (see the warnings above; the others were ",
               "written)");
}

void run_features(const FeaturesOptions& options, const CLI::App& command) {
  // lstm33, gtzan57 fix librosa's defaults (the reports' features): reject options that would
  // silently be ignored.
  if (options.kind == "lstm33" || options.kind == "gtzan57") {
    for (const char* fixed : {"--n-fft", "--hop", "--n-mels", "--n-mfcc", "--fmax"}) {
      TIMBRE_CHECK(command.count(fixed) == 0, "features: ", fixed, " does not apply to --kind ",
                   options.kind, ", which uses librosa's defaults (n_fft 2048, hop 512, 128 mels)");
    }
  }
  const bool text_kind = options.kind == "gtzan57" || options.kind == "tempo";
  TIMBRE_CHECK(text_kind || !options.out.empty(), "features: --kind ", options.kind,
               " needs --out FILE.npy");
  if (std::filesystem::is_directory(options.input)) {
    run_features_folder(options);
    return;
  }

  const Tensor y = audio::load_audio(options.input, load_options(options));  // [samples]

  if (options.kind == "tempo") {
    audio::BeatOptions beat;
    beat.onset.stft = stft_options(options);
    beat.onset.n_mels = options.n_mels;
    const double bpm = audio::beat_track(y, options.sample_rate, beat).tempo;
    emit_text(shortest_text(bpm) + "\n", options);
    return;
  }
  if (options.kind == "gtzan57") {
    const audio::Gtzan57 features =
        audio::gtzan57(y, options.sample_rate, stft_options(options).pad_mode);
    const std::string label =
        options.label.empty() ? label_from_file_name(options.input) : options.label;
    const std::string filename = std::filesystem::path(options.input).filename().string();
    emit_text(audio::gtzan_csv_header() + "\n" +
                  audio::gtzan_csv_row(filename, y.numel(), features.values, label) + "\n",
              options);
    return;
  }
  const Tensor features = compute_array(y, options);
  write_npy(options.out, features);
  std::printf("wrote %s: %s %s\n", options.out.c_str(), shape_str(features.sizes()).c_str(),
              dtype_name(features.dtype()));
}

}  // namespace

void add_features_command(CLI::App& app) {
  auto options = std::make_shared<FeaturesOptions>();
  CLI::App* command = app.add_subcommand(
      "features", "A librosa 0.10.1 feature of an audio file as .npy, the GTZAN CSV row, or tempo");
  command->footer(
      "Arrays use librosa's layout (features x frames; lstm33: frames x 33) and dtypes: the\n"
      "spectral features and cwt are float64 even with --dtype float32. --kind gtzan57 prints\n"
      "the GTZAN CSV header and row (or writes them with --out); --kind tempo prints the tempo\n"
      "in BPM. lstm33 and gtzan57 use librosa's defaults (only --sr, --pad-mode, --dtype apply).\n"
      "cwt is pywt.cwt(y, scales 1..128, 'morl') over the whole clip: [128, samples] float64,\n"
      "1 KiB per sample (cut the clip first).\n"
      "With a FOLDER as input, every .wav/.au/.flac/.ogg/.mp3 under it is processed on --threads\n"
      "threads: arrays go to OUT/<relative path>.npy (OUT is a folder), gtzan57 and tempo give\n"
      "one CSV with a row per file in sorted order. A file that fails is named in a warning and\n"
      "skipped; the exit status is then 1.");
  std::vector<std::string> kinds = kArrayKinds;
  kinds.insert(kinds.end(), kTextKinds.begin(), kTextKinds.end());
  command
      ->add_option("input", options->input,
                   "Audio file (WAV, AU, FLAC, OGG, MP3), or a folder: every such file in it")
      ->required();
  command->add_option("--kind", options->kind, "Feature to compute")
      ->required()
      ->check(CLI::IsMember(kinds));
  command->add_option("--out", options->out, "Output .npy (gtzan57, tempo: text file)");
  command->add_option("--sr", options->sample_rate, "Sample rate to decode at (Hz)")
      ->default_val(22050)
      ->check(CLI::PositiveNumber);
  command->add_option("--n-fft", options->n_fft, "FFT size")
      ->default_val(2048)
      ->check(CLI::PositiveNumber);
  command->add_option("--hop", options->hop, "Hop length (samples)")
      ->default_val(512)
      ->check(CLI::PositiveNumber);
  command->add_option("--n-mels", options->n_mels, "Mel bands (mel, mel_db, mfcc, onset_env)")
      ->default_val(128)
      ->check(CLI::PositiveNumber);
  command->add_option("--n-mfcc", options->n_mfcc, "MFCCs to keep (mfcc)")
      ->default_val(20)
      ->check(CLI::PositiveNumber);
  command->add_option("--fmax", options->fmax, "Highest mel frequency in Hz; 0 means sr/2")
      ->default_val(0.0)
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--pad-mode", options->pad_mode,
                   "Padding of centred frames: constant (librosa >= 0.10) or reflect (<= 0.9)")
      ->default_val("constant")
      ->check(CLI::IsMember({"constant", "reflect"}));
  command->add_option("--dtype", options->dtype, "Precision of the decoded signal and the work")
      ->default_val("float32")
      ->check(CLI::IsMember({"float32", "float64"}));
  command
      ->add_option("--res-type", options->res_type,
                   "Resampler when the file's rate is not --sr (librosa's res_type)")
      ->default_val("soxr_hq")
      ->check(CLI::IsMember(audio::resample_type_names()));
  command
      ->add_option("--max-frames", options->max_frames,
                   "lstm33: keep the first N frames (the report: 128); 0 keeps all")
      ->default_val(128)
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--threads", options->threads,
                   "Folder input: files decoded at once (0: one per core)")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--progress", options->progress,
                    "Folder input: draw the progress bar even when stderr is not a terminal");
  command->add_option("--label", options->label,
                      "gtzan57: the CSV label (default: the file name up to its first '.')");
  command->callback([options, command] { run_features(*options, *command); });
}

}  // namespace timbre::cli
