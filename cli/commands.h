// cli/commands.h - one function per subcommand of the `timbre` program; each adds its
// subcommand (options and the code to run) to the application. main.cpp calls them all.
//
// Errors: a subcommand throws timbre::Error for anything wrong with its files or values (main
// prints "timbre: <message>" and exits 1); CLI11 reports usage errors (main exits 2).
#pragma once

#include <CLI/CLI.hpp>

namespace timbre::cli {

// `timbre info`: version, compiled backends, OpenMP threads, GEMM micro-kernel, models.
void add_info_command(CLI::App& app);

// `timbre summary --model NAME [--input-shape 1,3,288,432]`: the model's layer table.
void add_summary_command(CLI::App& app);

// `timbre predict --model NAME --weights W --input X [--input2 F] --out Y [--labels T
// [--grads G]]`: logits of a trained model, optionally its loss and gradients.
void add_predict_command(CLI::App& app);

// `timbre save-init --model NAME --out W [--seed S]`: freshly initialised weights.
void add_save_init_command(CLI::App& app);

// `timbre features IN --kind KIND [--out OUT] [--sr --n-fft --hop --n-mels --n-mfcc --pad-mode
// --fmax --dtype --max-frames --label]`: one librosa feature as .npy, the GTZAN CSV row, or the
// tempo.
void add_features_command(CLI::App& app);

// `timbre render IN --kind KIND --out X.png [--cmap NAME --size WxH --sr HZ]`: the SUTD
// dataset picture of an audio file.
void add_render_command(CLI::App& app);

// `timbre classify SONG... --weights W [--model NAME --window all|middle:S --segment S --hop S
// --vote]`: the genre of whole songs by segment voting, one JSON line per song.
void add_classify_command(CLI::App& app);

// `timbre preprocess DATA --kind KIND --out DIR [--threads N --seed N ...]`: the pictures or
// features of a data set's clips, computed once into a cache folder.
void add_preprocess_command(CLI::App& app);

// `timbre synth --out DIR [--clips-per-class N --seconds S --seed N --threads N --no-images
// --no-features]`: the synthetic GTZAN in the Kaggle layout (cached).
void add_synth_command(CLI::App& app);

}  // namespace timbre::cli
