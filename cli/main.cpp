// cli/main.cpp - the `timbre` program: parses the command line with CLI11 and runs one
// subcommand (each lives in its own *_command.cpp file).
//
// Exit status: 0 on success, 1 when the work itself failed (a missing or corrupt file, a wrong
// shape: a timbre::Error, printed as "timbre: <message>"), 2 for a usage error (an unknown flag,
// a missing required option), printed by CLI11 with a hint to use --help.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "tensor/error.h"

int main(int argc, char** argv) {
  CLI::App app{"timbre - an educational deep-learning framework for music genre classification"};
  app.require_subcommand(1);
  timbre::cli::add_info_command(app);
  timbre::cli::add_summary_command(app);
  timbre::cli::add_predict_command(app);
  timbre::cli::add_save_init_command(app);
  timbre::cli::add_features_command(app);
  timbre::cli::add_render_command(app);
  timbre::cli::add_synth_command(app);
  timbre::cli::add_classify_command(app);
  timbre::cli::add_preprocess_command(app);

  try {
    // Parsing also runs the chosen subcommand's callback.
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is reported as a "successful" ParseError with exit code 0; app.exit prints it.
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& error) {
    // timbre::Error and anything else from the library (e.g. std::bad_alloc).
    std::fprintf(stderr, "timbre: %s\n", error.what());
    return 1;
  }
  return 0;
}
