// layers/module.h - the base class of every layer and model, shaped like PyTorch's nn.Module so
// that course material maps one to one.
//
// A Module owns named parameters (tensors with requires_grad, e.g. "weight", "bias"), named
// buffers (state that is saved but not trained, e.g. BatchNorm's "running_mean") and named child
// modules. named_parameters() walks them recursively and joins names with dots, giving exactly
// PyTorch's state_dict keys: "conv1.weight", "lstm.weight_ih_l0", "fc3.bias".
//
//   class TinyNet : public Module {
//    public:
//     TinyNet() : Module("TinyNet") {
//       fc1 = register_module("fc1", std::make_shared<Linear>(4, 8));
//       fc2 = register_module("fc2", std::make_shared<Linear>(8, 2));
//     }
//     Tensor forward(const Tensor& x) override { return (*fc2)(relu((*fc1)(x))); }
//     std::shared_ptr<Linear> fc1, fc2;
//   };
//
// Parameters are updated IN PLACE (optimizers write into their storage, to(device) swaps their
// storage), so the handles held by a layer, by named_parameters() and by an optimizer always
// refer to the same tensor.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "timbre.h"

namespace timbre::nn {

using NamedTensor = std::pair<std::string, Tensor>;

class Module {
 public:
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The computation of a one-input, one-output module. Modules with other signatures (LSTM,
  // two-branch models) define their own forward and leave this one throwing.
  virtual Tensor forward(const Tensor& input);
  // Calls forward(); while a summary is being recorded it also records this call (see summary).
  Tensor operator()(const Tensor& input);

  // "Linear", "Conv2d", ...; and the arguments shown in brackets when printing/summarising,
  // e.g. "in_features=4, out_features=8, bias=true".
  const std::string& type_name() const { return type_name_; }
  virtual std::string extra_repr() const { return ""; }

  // Recursive, in registration order; names joined with dots (PyTorch state_dict keys).
  std::vector<NamedTensor> named_parameters() const;
  std::vector<Tensor> parameters() const;
  std::vector<NamedTensor> named_buffers() const;
  // Parameters then buffers: what a checkpoint stores.
  std::vector<NamedTensor> state_dict() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }
  int64_t parameter_count(bool trainable_only = false) const;

  // Training mode (the default) vs evaluation mode; changes Dropout and BatchNorm. Recursive.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Clears every parameter's gradient.
  void zero_grad();

  // Moves/converts every parameter and buffer in place (the handles stay valid).
  void to(Device device);
  void to(DType dtype);
  // Where the module's parameters (and buffers) live: the device of the first one, the CPU for a
  // module without any.
  Device device() const;

 protected:
  // Registers a parameter (marks it requires_grad) / a buffer / a child; returns what it got.
  Tensor register_parameter(const std::string& name, Tensor tensor);
  Tensor register_buffer(const std::string& name, Tensor tensor);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    register_child(name, module);
    return module;
  }

 private:
  void register_child(const std::string& name, std::shared_ptr<Module> module);
  void collect(const std::string& prefix, bool parameters, std::vector<NamedTensor>& out) const;

  std::string type_name_;
  bool training_ = true;
  std::vector<NamedTensor> parameters_;
  std::vector<NamedTensor> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

// Replaces the data of `target` by `value`'s (same shape required, dtype/device may change),
// keeping target's identity: every handle to target sees the new values. For optimizers and
// Module::to; never use it on a tensor inside a recorded graph.
void assign_data(const Tensor& target, const Tensor& value);

// A table like torchinfo's: one row per module called during a forward pass on zeros of
// `input_shape` (batch dimension included), with its output shape and own parameter count,
// then the total and trainable parameter counts. The model runs in eval mode under no-grad.
std::string summary(Module& model, const Shape& input_shape);

}  // namespace timbre::nn
