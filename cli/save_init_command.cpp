// cli/save_init_command.cpp - `timbre save-init`: write a freshly initialised model as
// safetensors (a starting point for training, a fixture for tests, and the weights to load
// into PyTorch when comparing the two frameworks' outputs).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "layers/checkpoint.h"
#include "layers/models/models.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct SaveInitOptions {
  std::string model;
  std::string out;
  uint64_t seed = 0;
};

void run_save_init(const SaveInitOptions& options) {
  // Every initialiser draws from the default generator, so the seed fixes every weight.
  manual_seed(options.seed);
  std::shared_ptr<nn::Module> model = models::make_model(options.model);
  nn::save(*model, options.out, {{"model", options.model}, {"seed", std::to_string(options.seed)}});
  std::printf("wrote %s: %s, %s parameters\n", options.out.c_str(), options.model.c_str(),
              models::with_thousands(model->parameter_count()).c_str());
}

}  // namespace

void add_save_init_command(CLI::App& app) {
  auto options = std::make_shared<SaveInitOptions>();
  CLI::App* command =
      app.add_subcommand("save-init", "Write a freshly initialised model as safetensors");
  command->add_option("--model", options->model, "Model name (see `timbre info`)")->required();
  command->add_option("--out", options->out, "Output .safetensors file")->required();
  command->add_option("--seed", options->seed, "Seed of the initialisation")->default_val(0);
  command->callback([options] { run_save_init(*options); });
}

}  // namespace timbre::cli
