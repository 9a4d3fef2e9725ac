// layers/optim.cpp - the optimizer bookkeeping (which parameters to update, their state, the
// state's names). The arithmetic itself is one fused kernel call per parameter
// (tensor/kernels_optim.h).
#include "layers/optim.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "tensor/kernels.h"
#include "tensor/kernels_optim.h"

namespace timbre::nn {

namespace {

// Splits "state.<i>.<rest>" into i and rest; false when `name` does not have that form.
bool parse_state_name(const std::string& name, int64_t& index, std::string& rest) {
  const std::string prefix = "state.";
  if (name.rfind(prefix, 0) != 0) return false;
  const size_t dot = name.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size() || dot + 1 == name.size()) return false;
  index = 0;
  for (size_t c = prefix.size(); c < dot; ++c) {
    if (name[c] < '0' || name[c] > '9' || index > (int64_t{1} << 40)) return false;
    index = index * 10 + (name[c] - '0');
  }
  rest = name.substr(dot + 1);
  return true;
}

// The integer held by a 0-d int64 tensor called `name`, with a clear error otherwise.
int64_t read_count(const Tensor& tensor, const std::string& name) {
  TIMBRE_CHECK(tensor.defined() && tensor.dim() == 0 && tensor.dtype() == DType::Int64,
               "Optimizer::load_state_dict: \"", name, "\" must be a 0-d int64 tensor");
  const double value = tensor.item();
  TIMBRE_CHECK(value >= 0, "Optimizer::load_state_dict: \"", name, "\" is negative");
  return static_cast<int64_t>(value);
}

}  // namespace

// ---- Optimizer ----------------------------------------------------------------------------------

Optimizer::Optimizer(std::vector<Tensor> parameters, double learning_rate)
    : parameters_(std::move(parameters)), learning_rate_(learning_rate) {
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& p = parameters_[i];
    TIMBRE_CHECK(p.defined(), "Optimizer: parameter ", i, " is undefined");
    TIMBRE_CHECK(is_floating(p.dtype()), "Optimizer: parameter ", i, " is ", dtype_name(p.dtype()),
                 "; only float32 and float64 tensors can be optimized");
    TIMBRE_CHECK(p.is_contiguous(), "Optimizer: parameter ", i, " must be contiguous");
  }
  set_learning_rate(learning_rate);
  state_.resize(parameters_.size());
}

void Optimizer::set_learning_rate(double learning_rate) {
  TIMBRE_CHECK(learning_rate >= 0.0, "Optimizer: learning rate must be >= 0, got ", learning_rate);
  learning_rate_ = learning_rate;
}

void Optimizer::step() {
  const std::vector<std::string> names = buffer_names();
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& parameter = parameters_[i];
    const Tensor gradient = parameter.grad();
    if (!gradient.defined()) continue;  // not used by this loss: PyTorch skips it too
    ParameterState& state = state_[i];
    if (state.buffers.size() != names.size()) {
      // First update: the buffers start at zero (PyTorch creates them lazily the same way).
      state.buffers.clear();
      for (size_t b = 0; b < names.size(); ++b)
        state.buffers.push_back(zeros_like(parameter));
    }
    state.step += 1;
    update(parameter, kernels::contiguous(gradient), state);
  }
  step_count_ += 1;
}

void Optimizer::zero_grad() {
  for (const Tensor& parameter : parameters_)
    parameter.zero_grad();
}

std::vector<NamedTensor> Optimizer::state_dict() const {
  std::vector<NamedTensor> out;
  out.emplace_back("step", scalar_tensor(static_cast<double>(step_count_), {.dtype = kInt64}));
  out.emplace_back("learning_rate", scalar_tensor(learning_rate_, {.dtype = kFloat64}));
  const std::vector<std::string> names = buffer_names();
  for (size_t i = 0; i < state_.size(); ++i) {
    const ParameterState& state = state_[i];
    if (state.step == 0) continue;  // never updated: no state, as in PyTorch
    const std::string prefix = "state." + std::to_string(i) + ".";
    out.emplace_back(prefix + "step",
                     scalar_tensor(static_cast<double>(state.step), {.dtype = kInt64}));
    for (size_t b = 0; b < names.size(); ++b) {
      out.emplace_back(prefix + names[b], kernels::clone(state.buffers[b]));
    }
  }
  return out;
}

void Optimizer::load_state_dict(const std::vector<NamedTensor>& state) {
  // Check everything first and build the new state aside, so that a bad dict changes nothing.
  const std::vector<std::string> names = buffer_names();
  std::vector<ParameterState> new_state(parameters_.size());
  std::vector<std::map<std::string, Tensor>> found(parameters_.size());
  std::string accepted = "step";
  for (const std::string& buffer_name : names)
    accepted += ", " + buffer_name;
  int64_t new_step_count = -1;
  double new_learning_rate = -1.0;
  for (const auto& [name, tensor] : state) {
    if (name == "step") {
      new_step_count = read_count(tensor, name);
      continue;
    }
    if (name == "learning_rate") {
      TIMBRE_CHECK(tensor.defined() && tensor.numel() == 1,
                   "Optimizer::load_state_dict: \"learning_rate\" must hold one value");
      new_learning_rate = tensor.item();
      TIMBRE_CHECK(new_learning_rate >= 0.0, "Optimizer::load_state_dict: negative learning_rate");
      continue;
    }
    int64_t index = 0;
    std::string entry;
    const bool known =
        parse_state_name(name, index, entry) && index < static_cast<int64_t>(parameters_.size()) &&
        (entry == "step" || std::find(names.begin(), names.end(), entry) != names.end());
    TIMBRE_CHECK(known, "Optimizer::load_state_dict: unexpected entry \"", name, "\" (this ",
                 "optimizer has ", parameters_.size(),
                 " parameters and keeps per parameter: ", accepted, ")");
    TIMBRE_CHECK(found[index].count(entry) == 0, "Optimizer::load_state_dict: duplicate entry \"",
                 name, "\"");
    found[index][entry] = tensor;
  }
  TIMBRE_CHECK(new_step_count >= 0, "Optimizer::load_state_dict: missing entry \"step\"");
  TIMBRE_CHECK(new_learning_rate >= 0.0,
               "Optimizer::load_state_dict: missing entry \"learning_rate\"");

  for (size_t i = 0; i < parameters_.size(); ++i) {
    if (found[i].empty()) continue;  // this parameter was never updated
    const std::string prefix = "state." + std::to_string(i) + ".";
    TIMBRE_CHECK(found[i].count("step") == 1, "Optimizer::load_state_dict: missing entry \"",
                 prefix, "step\"");
    new_state[i].step = read_count(found[i]["step"], prefix + "step");
    const Tensor& parameter = parameters_[i];
    for (const std::string& buffer_name : names) {
      const std::string full_name = prefix + buffer_name;
      TIMBRE_CHECK(found[i].count(buffer_name) == 1, "Optimizer::load_state_dict: missing entry \"",
                   full_name, "\"");
      const Tensor& buffer = found[i][buffer_name];
      TIMBRE_CHECK(buffer.defined() && buffer.sizes() == parameter.sizes(),
                   "Optimizer::load_state_dict: \"", full_name, "\" has shape ",
                   buffer.defined() ? shape_str(buffer.sizes()) : "(undefined)", " but parameter ",
                   i, " has shape ", shape_str(parameter.sizes()));
      TIMBRE_CHECK(buffer.dtype() == parameter.dtype(), "Optimizer::load_state_dict: \"", full_name,
                   "\" is ", dtype_name(buffer.dtype()), " but parameter ", i, " is ",
                   dtype_name(parameter.dtype()));
      // A private contiguous copy on the parameter's device: the caller's tensor stays untouched.
      new_state[i].buffers.push_back(
          kernels::clone(kernels::to_device(buffer, parameter.device())));
    }
  }
  state_ = std::move(new_state);
  step_count_ = new_step_count;
  learning_rate_ = new_learning_rate;
}

// ---- SGD ----------------------------------------------------------------------------------------

SGD::SGD(std::vector<Tensor> parameters, double learning_rate, double momentum, double dampening,
         double weight_decay, bool nesterov)
    : Optimizer(std::move(parameters), learning_rate),
      momentum_(momentum),
      dampening_(dampening),
      weight_decay_(weight_decay),
      nesterov_(nesterov) {
  TIMBRE_CHECK(momentum >= 0.0, "SGD: momentum must be >= 0, got ", momentum);
  TIMBRE_CHECK(dampening >= 0.0, "SGD: dampening must be >= 0, got ", dampening);
  TIMBRE_CHECK(weight_decay >= 0.0, "SGD: weight_decay must be >= 0, got ", weight_decay);
  TIMBRE_CHECK(!nesterov || (momentum > 0.0 && dampening == 0.0),
               "SGD: Nesterov momentum requires momentum > 0 and dampening = 0");
}

std::vector<std::string> SGD::buffer_names() const {
  // Plain SGD keeps no buffer (PyTorch stores momentum_buffer = None).
  if (momentum_ == 0.0) return {};
  return {"momentum_buffer"};
}

void SGD::update(const Tensor& parameter, const Tensor& gradient, ParameterState& state) {
  const Tensor momentum_buffer = state.buffers.empty() ? Tensor() : state.buffers[0];
  kernels::sgd_update(parameter, gradient, momentum_buffer,
                      {.learning_rate = learning_rate(),
                       .momentum = momentum_,
                       .dampening = dampening_,
                       .weight_decay = weight_decay_,
                       .nesterov = nesterov_,
                       .first_step = state.step == 1});
}

// ---- Adam and AdamW -----------------------------------------------------------------------------

Adam::Adam(std::vector<Tensor> parameters, double learning_rate, double beta1, double beta2,
           double eps, double weight_decay)
    : Optimizer(std::move(parameters), learning_rate),
      beta1_(beta1),
      beta2_(beta2),
      eps_(eps),
      weight_decay_(weight_decay) {
  TIMBRE_CHECK(beta1 >= 0.0 && beta1 < 1.0, "Adam: beta1 must be in [0, 1), got ", beta1);
  TIMBRE_CHECK(beta2 >= 0.0 && beta2 < 1.0, "Adam: beta2 must be in [0, 1), got ", beta2);
  TIMBRE_CHECK(eps >= 0.0, "Adam: eps must be >= 0, got ", eps);
  TIMBRE_CHECK(weight_decay >= 0.0, "Adam: weight_decay must be >= 0, got ", weight_decay);
}

std::vector<std::string> Adam::buffer_names() const {
  return {"exp_avg", "exp_avg_sq"};
}

void Adam::update(const Tensor& parameter, const Tensor& gradient, ParameterState& state) {
  kernels::adam_update(parameter, gradient, state.buffers[0], state.buffers[1],
                       {.learning_rate = learning_rate(),
                        .beta1 = beta1_,
                        .beta2 = beta2_,
                        .eps = eps_,
                        .weight_decay = weight_decay_,
                        .decoupled_weight_decay = decoupled_weight_decay_,
                        .step = state.step});
}

AdamW::AdamW(std::vector<Tensor> parameters, double learning_rate, double beta1, double beta2,
             double eps, double weight_decay)
    : Adam(std::move(parameters), learning_rate, beta1, beta2, eps, weight_decay) {
  decoupled_weight_decay_ = true;
}

// ---- Gradient clipping --------------------------------------------------------------------------

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm) {
  TIMBRE_CHECK(max_norm >= 0.0, "clip_grad_norm_: max_norm must be >= 0, got ", max_norm);
  // total^2 = sum over every gradient of the sum of its squared elements (in double).
  double total_squared = 0.0;
  for (const Tensor& parameter : parameters) {
    const Tensor gradient = parameter.grad();
    if (gradient.defined()) total_squared += kernels::sum_of_squares(gradient);
  }
  const double total = std::sqrt(total_squared);
  // The 1e-6 keeps the factor finite when total is 0, exactly as PyTorch.
  const double factor = max_norm / (total + 1e-6);
  if (factor < 1.0) {
    for (const Tensor& parameter : parameters) {
      const Tensor gradient = parameter.grad();
      if (!gradient.defined()) continue;
      parameter.set_grad(kernels::unary(UnaryOp::MulScalar, gradient, {.scalar = factor}));
    }
  }
  return total;
}

}  // namespace timbre::nn
