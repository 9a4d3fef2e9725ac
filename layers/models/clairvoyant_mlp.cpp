// layers/models/clairvoyant_mlp.cpp - the Clairvoyant dense network (see clairvoyant_mlp.h).
#include "layers/models/clairvoyant_mlp.h"

#include "layers/dropout.h"

namespace timbre::models {

ClairvoyantMlp::ClairvoyantMlp(double dropout) : Module("ClairvoyantMlp"), dropout(dropout) {
  TIMBRE_CHECK(dropout >= 0.0 && dropout < 1.0, "ClairvoyantMlp: dropout must be in [0, 1), got ",
               dropout);
  fc1 = register_module("fc1", std::make_shared<nn::Linear>(58, 512));
  fc2 = register_module("fc2", std::make_shared<nn::Linear>(512, 256));
  fc3 = register_module("fc3", std::make_shared<nn::Linear>(256, 128));
  fc4 = register_module("fc4", std::make_shared<nn::Linear>(128, 64));
  fc5 = register_module("fc5", std::make_shared<nn::Linear>(64, 10));
}

Tensor ClairvoyantMlp::forward(const Tensor& x) {
  Tensor h = x;  // [N, 58]
  for (const auto& hidden_layer : {fc1, fc2, fc3, fc4}) {
    // [N, 512] -> [N, 256] -> [N, 128] -> [N, 64]; dropout is the identity in eval mode.
    h = nn::dropout(relu((*hidden_layer)(h)), dropout, is_training());
  }
  return (*fc5)(h);  // [N, 10]
}

std::string ClairvoyantMlp::extra_repr() const {
  return "dropout=" + std::to_string(dropout);
}

}  // namespace timbre::models
