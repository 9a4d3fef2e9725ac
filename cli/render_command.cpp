// cli/render_command.cpp - `timbre render`: the SUTD dataset picture of an audio file as a PNG.
//
//   timbre render blues.00000.wav --kind mel --out blues00000.png               432 x 288, magma
//   timbre render clip.wav --kind spectrogram --cmap viridis --size 256x128 --out s.png
//
// The kinds and their settings are audio/render.h's (docs/audio.md, "Images and the wavelet
// scalogram"): plot area only, no axes or colour bar.
#include <cstdio>
#include <memory>
#include <string>

#include "audio/colormap.h"
#include "audio/decode.h"
#include "audio/image.h"
#include "audio/render.h"
#include "cli/commands.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct RenderCommandOptions {
  std::string input;
  std::string kind;
  std::string out;
  std::string colormap;  // empty: the kind's default
  std::string size = "432x288";
  int sample_rate = 22050;
  std::string res_type = "soxr_hq";  // librosa.load's res_type, used when --sr differs
};

// Parses "WxH" (e.g. "432x288") into width and height.
// Ensures: true only when the whole text was read and both sizes are >= 1.
bool parse_size(const std::string& text, int* width, int* height) {
  int characters_read = 0;
  const bool parsed = std::sscanf(text.c_str(), "%dx%d%n", width, height, &characters_read) == 2 &&
                      characters_read == static_cast<int>(text.size());
  return parsed && *width >= 1 && *height >= 1;
}

// CLI11 validator of --size (a bad size is a usage error, exit 2): "" when valid.
std::string check_size(const std::string& text) {
  int width = 0, height = 0;
  if (parse_size(text, &width, &height)) return "";
  return "--size must be WIDTHxHEIGHT with positive numbers, e.g. 432x288; got '" + text + "'";
}

void run_render(const RenderCommandOptions& options) {
  // CLI11 has checked the kind, colormap and size names; turn them into values.
  const audio::ImageKind kind = audio::image_kind_from_name(options.kind);
  audio::RenderOptions render_options;
  parse_size(options.size, &render_options.width, &render_options.height);
  if (!options.colormap.empty()) {
    render_options.colormap = audio::colormap_from_name(options.colormap);
  }

  audio::LoadOptions load;
  load.sample_rate = options.sample_rate;
  load.resample_type = audio::parse_resample_type(options.res_type);
  const Tensor y = audio::load_audio(options.input, load);  // [samples] float32
  const audio::Image image = audio::render(y, options.sample_rate, kind, render_options);
  audio::write_png(options.out, image);
  std::printf("wrote %s: %s, %d x %d\n", options.out.c_str(), audio::image_kind_name(kind).c_str(),
              image.width, image.height);
}

}  // namespace

void add_render_command(CLI::App& app) {
  auto options = std::make_shared<RenderCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "render", "Draw an audio file as the SUTD datasets' pictures (PNG, plot area only)");
  command->add_option("input", options->input, "Audio file (WAV, AU, FLAC, ...)")->required();
  command
      ->add_option("--kind", options->kind,
                   "mel, spectrogram, mfcc, waveform or scalogram (also the SUTD folder names "
                   "melspect, wavelets)")
      ->required()
      ->check(CLI::IsMember(
          {"mel", "spectrogram", "mfcc", "waveform", "scalogram", "melspect", "wavelets"}));
  command->add_option("--out", options->out, "Output .png")->required();
  command->add_option("--cmap", options->colormap, "Colormap (default: the kind's own)")
      ->check(CLI::IsMember({"magma", "viridis", "coolwarm"}));
  command->add_option("--size", options->size, "Image size WIDTHxHEIGHT")
      ->default_val("432x288")
      ->check(CLI::Validator(check_size, "WIDTHxHEIGHT"));
  command->add_option("--sr", options->sample_rate, "Sample rate to decode at (Hz)")
      ->default_val(22050)
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--res-type", options->res_type,
                   "Resampler when the file's rate is not --sr (librosa's res_type)")
      ->default_val("soxr_hq")
      ->check(CLI::IsMember(audio::resample_type_names()));
  command->callback([options] { run_render(*options); });
}

}  // namespace timbre::cli
