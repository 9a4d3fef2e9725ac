// cli/summary_command.cpp - `timbre summary`: the layer table of a model (nn::summary).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "layers/models/models.h"
#include "layers/models/uconn_hybrid.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct SummaryOptions {
  std::string model;
  std::string input_shape;  // "1,3,288,432"; empty for the model's default
};

// "1,3,288,432" -> [1, 3, 288, 432]. Requires positive integers separated by commas.
Shape parse_shape(const std::string& text) {
  Shape shape;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    size_t used = 0;
    int64_t size = 0;
    try {
      size = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TIMBRE_CHECK(used == part.size() && !part.empty() && size > 0, "--input-shape: '", text,
                 "' is not a list of positive integers like 1,3,288,432");
    shape.push_back(size);
    start = comma + 1;
  }
  return shape;
}

void run_summary(const SummaryOptions& options) {
  const models::ModelInfo info = models::model_info(options.model);
  const Shape input_shape =
      options.input_shape.empty() ? info.input_shape : parse_shape(options.input_shape);
  std::shared_ptr<nn::Module> model = models::make_model(options.model);
  std::printf("%s: %s\n", info.name.c_str(), info.description.c_str());

  // The one two-input model cannot be run on a single zero tensor: summarise its parts.
  if (auto hybrid = std::dynamic_pointer_cast<models::UconnHybrid>(model)) {
    const Shape features_shape = {input_shape.at(0), info.second_input_shape.at(1)};
    std::printf("%s", models::uconn_hybrid_summary(*hybrid, input_shape, features_shape).c_str());
    return;
  }
  std::printf("%s", nn::summary(*model, input_shape).c_str());
}

}  // namespace

void add_summary_command(CLI::App& app) {
  auto options = std::make_shared<SummaryOptions>();
  CLI::App* command = app.add_subcommand("summary", "Print a model's layers and parameters");
  command->add_option("--model", options->model, "Model name (see `timbre info`)")->required();
  command->add_option("--input-shape", options->input_shape,
                      "Input shape with the batch dimension, e.g. 1,3,288,432 "
                      "(default: the model's own; for uconn_hybrid the image shape)");
  command->callback([options] { run_summary(*options); });
}

}  // namespace timbre::cli
