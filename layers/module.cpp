// layers/module.cpp - parameter registry, train/eval, device moves and the summary table.
#include "layers/module.h"

#include <cstdio>
#include <functional>

#include "tensor/kernels.h"

namespace timbre::nn {

namespace {

// While summary() runs, every Module::operator() call is appended here.
struct SummaryRow {
  int depth;
  const Module* module;
  Shape output_shape;
};
struct SummaryRecorder {
  std::vector<SummaryRow> rows;
  int depth = 0;
};
thread_local SummaryRecorder* active_recorder = nullptr;

std::string with_thousands(int64_t value) {
  std::string digits = std::to_string(value);
  std::string result;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) result += ',';
    result += digits[i];
  }
  return result;
}

}  // namespace

Tensor Module::forward(const Tensor&) {
  throw Error(type_name_ + ": this module does not take a single tensor; call its own forward()");
}

Tensor Module::operator()(const Tensor& input) {
  if (active_recorder == nullptr) return forward(input);
  // Record the row before running the children so that the table lists parents first.
  const size_t row = active_recorder->rows.size();
  active_recorder->rows.push_back({active_recorder->depth, this, {}});
  ++active_recorder->depth;
  Tensor output = forward(input);
  --active_recorder->depth;
  active_recorder->rows[row].output_shape = output.sizes();
  return output;
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  TIMBRE_CHECK(tensor.defined(), type_name_, ": parameter '", name, "' is undefined");
  for (const auto& [existing, _] : parameters_) {
    TIMBRE_CHECK(existing != name, type_name_, ": parameter '", name, "' registered twice");
  }
  tensor.set_requires_grad(true);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
  TIMBRE_CHECK(tensor.defined(), type_name_, ": buffer '", name, "' is undefined");
  buffers_.emplace_back(name, tensor);
  return tensor;
}

void Module::register_child(const std::string& name, std::shared_ptr<Module> module) {
  TIMBRE_CHECK(module != nullptr, type_name_, ": submodule '", name, "' is null");
  for (const auto& [existing, _] : children_) {
    TIMBRE_CHECK(existing != name, type_name_, ": submodule '", name, "' registered twice");
  }
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool parameters,
                     std::vector<NamedTensor>& out) const {
  for (const auto& [name, tensor] : parameters ? parameters_ : buffers_) {
    out.emplace_back(prefix + name, tensor);
  }
  for (const auto& [name, child] : children_)
    child->collect(prefix + name + ".", parameters, out);
}

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out;
  collect("", true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters())
    out.push_back(tensor);
  return out;
}

std::vector<NamedTensor> Module::named_buffers() const {
  std::vector<NamedTensor> out;
  collect("", false, out);
  return out;
}

std::vector<NamedTensor> Module::state_dict() const {
  std::vector<NamedTensor> out = named_parameters();
  for (auto& entry : named_buffers())
    out.push_back(entry);
  return out;
}

int64_t Module::parameter_count(bool trainable_only) const {
  int64_t count = 0;
  for (const auto& [name, tensor] : named_parameters()) {
    if (!trainable_only || tensor.requires_grad()) count += tensor.numel();
  }
  return count;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_)
    child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, tensor] : named_parameters())
    tensor.zero_grad();
}

void Module::to(Device device) {
  for (auto& [name, tensor] : state_dict()) {
    if (tensor.device() != device) assign_data(tensor, kernels::to_device(tensor, device));
  }
}

Device Module::device() const {
  const std::vector<NamedTensor> state = state_dict();
  return state.empty() ? Device::cpu() : state.front().second.device();
}

void Module::to(DType dtype) {
  for (auto& [name, tensor] : state_dict()) {
    if (is_floating(tensor.dtype()) && tensor.dtype() != dtype) {
      assign_data(tensor, kernels::to_dtype(tensor, dtype));
    }
  }
}

void assign_data(const Tensor& target, const Tensor& value) {
  TIMBRE_CHECK(target.sizes() == value.sizes(), "assign_data: shape ", shape_str(value.sizes()),
               " does not match the target's ", shape_str(target.sizes()));
  TensorImpl& impl = target.impl();
  impl.storage = value.storage();
  impl.strides = value.strides();
  impl.offset = value.offset();
  if (impl.dtype != value.dtype()) impl.grad = nullptr;  // a gradient of the old dtype is stale
  impl.dtype = value.dtype();
}

std::string summary(Module& model, const Shape& input_shape) {
  // Run the model once on zeros, recording each module call, in eval mode and without a graph.
  const bool was_training = model.is_training();
  model.eval();
  DType dtype = DType::Float32;
  Device device = Device::cpu();
  const auto parameters = model.named_parameters();
  if (!parameters.empty()) {
    dtype = parameters.front().second.dtype();
    device = parameters.front().second.device();
  }
  SummaryRecorder recorder;
  active_recorder = &recorder;
  try {
    NoGradGuard no_grad;
    model(zeros(input_shape, {.dtype = dtype, .device = device}));
  } catch (...) {
    active_recorder = nullptr;
    model.train(was_training);
    throw;
  }
  active_recorder = nullptr;
  model.train(was_training);

  // Name each recorded module by its path in the model ("features.conv1").
  std::vector<std::pair<const Module*, std::string>> paths{{&model, ""}};
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& m,
                                                                    const std::string& prefix) {
    for (const auto& [name, child] : m.children()) {
      paths.emplace_back(child.get(), prefix + name);
      walk(*child, prefix + name + ".");
    }
  };
  walk(model, "");
  auto path_of = [&](const Module* m) {
    for (const auto& [module, path] : paths) {
      if (module == m) return path;
    }
    return std::string();
  };
  auto own_parameters = [](const Module* m) {
    int64_t count = m->parameter_count();
    for (const auto& [name, child] : m->children())
      count -= child->parameter_count();
    return count;
  };

  const std::string rule(88, '=');
  const std::string thin(88, '-');
  char line[256];
  std::string out = rule + "\n";
  std::snprintf(line, sizeof(line), "%-44s %-28s %14s\n", "Layer (type)", "Output Shape",
                "Param #");
  out += line + thin + "\n";
  for (const SummaryRow& row : recorder.rows) {
    std::string label = std::string(2 * row.depth, ' ') + row.module->type_name();
    const std::string path = path_of(row.module);
    if (!path.empty()) label += " (" + path + ")";
    std::snprintf(line, sizeof(line), "%-44s %-28s %14s\n", label.c_str(),
                  shape_str(row.output_shape).c_str(),
                  with_thousands(own_parameters(row.module)).c_str());
    out += line;
  }
  out += rule + "\n";
  out += "Total params: " + with_thousands(model.parameter_count()) + "\n";
  out += "Trainable params: " + with_thousands(model.parameter_count(true)) + "\n";
  out += "Non-trainable params: " +
         with_thousands(model.parameter_count() - model.parameter_count(true)) + "\n";
  out += "Input shape: " + shape_str(input_shape) + "\n" + rule + "\n";
  return out;
}

}  // namespace timbre::nn
