// layers/sequential.h - modules applied one after another; children are named "0", "1", ...
// as in PyTorch's nn.Sequential, so parameter names match ("0.weight", "2.bias").
#pragma once

#include <initializer_list>

#include "layers/module.h"

namespace timbre::nn {

class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  Sequential(std::initializer_list<std::shared_ptr<Module>> modules);
  // Appends a module (named by its position) and returns *this for chaining.
  Sequential& add(std::shared_ptr<Module> module);
  Tensor forward(const Tensor& x) override;
  size_t size() const { return children().size(); }
};

}  // namespace timbre::nn
