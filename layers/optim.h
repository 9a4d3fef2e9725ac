// layers/optim.h - optimizers: SGD (momentum, Nesterov, L2 weight decay), Adam and AdamW, and
// gradient clipping. They follow PyTorch 1.13 exactly (same formulas, same operation order, same
// state names), so a training script ports line by line:
//
//   timbre::nn::Adam optimizer(model.parameters(), /*learning_rate=*/1e-3);
//   for (...) {
//     optimizer.zero_grad();
//     Tensor loss = cross_entropy(model(x), y);
//     loss.backward();
//     timbre::nn::clip_grad_norm_(model.parameters(), 1.0);
//     optimizer.step();
//   }
//
// Parameters are updated IN PLACE: the optimizer writes into their storage, so the handles held
// by the layers stay valid. The per-element update rules are in tensor/optimizer_math.h (shared
// with the future CUDA kernel); the fused loops are behind tensor/kernels_optim.h.
// Learning-rate schedules are in layers/lr_scheduler.h. See docs/layers.md, "Optimizers".
#pragma once

#include <string>
#include <vector>

#include "layers/module.h"

namespace timbre::nn {

// The base class: owns the parameter list, the learning rate and the per-parameter state, and
// turns that state into named tensors for checkpoints.
//
// State names (like the keys of PyTorch's optimizer.state_dict(), flattened with dots):
//   "step"                  int64 scalar: how many times step() was called
//   "learning_rate"         float64 scalar: the current learning rate
//   "state.<i>.step"        int64 scalar: how many updates parameter i received (a parameter
//                           without a gradient is skipped and its count does not advance)
//   "state.<i>.<buffer>"    a tensor shaped like parameter i, e.g. "state.0.exp_avg"
// Parameter i only has "state.<i>.*" entries once it has been updated at least once.
class Optimizer {
 public:
  // Requires: every parameter is defined, float32 or float64 and contiguous (as the parameters
  //           of a Module are); learning_rate >= 0.
  Optimizer(std::vector<Tensor> parameters, double learning_rate);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Updates, in place, every parameter whose gradient is defined; the others are skipped (their
  // state is not touched). Ensures: step_count() grew by one.
  void step();
  // Forgets every parameter's gradient, so the next backward() starts from zero (PyTorch's
  // zero_grad(set_to_none=True)).
  void zero_grad();

  double learning_rate() const { return learning_rate_; }
  // Requires: learning_rate >= 0. Schedulers call this between steps.
  void set_learning_rate(double learning_rate);
  const std::vector<Tensor>& parameters() const { return parameters_; }
  int64_t step_count() const { return step_count_; }

  // A snapshot (copies) of the optimizer state, with the names described above.
  std::vector<NamedTensor> state_dict() const;
  // Restores a state_dict() of an optimizer of the same kind over parameters of the same shapes.
  // Strict: throws a timbre::Error naming the first missing, unexpected, mis-shaped or mis-typed
  // entry, and then leaves the optimizer unchanged. Buffers are copied to the parameters' device.
  void load_state_dict(const std::vector<NamedTensor>& state);

 protected:
  // What the optimizer remembers about one parameter between steps.
  struct ParameterState {
    int64_t step = 0;             // updates received so far (1 during the first update)
    std::vector<Tensor> buffers;  // one per buffer_names() entry; empty until the first update
  };

  // The names of the per-parameter buffers, in the order of ParameterState::buffers.
  virtual std::vector<std::string> buffer_names() const = 0;
  // Updates `parameter` in place from `gradient` (contiguous, same shape and dtype). The buffers
  // exist (zero at the first update) and state.step already counts this update.
  virtual void update(const Tensor& parameter, const Tensor& gradient, ParameterState& state) = 0;

 private:
  std::vector<Tensor> parameters_;
  double learning_rate_;
  int64_t step_count_ = 0;
  std::vector<ParameterState> state_;  // state_[i] belongs to parameters_[i]
};

// Stochastic gradient descent, as torch.optim.SGD:
//   d = g + weight_decay * p;  buf = d (first update) else momentum * buf + (1 - dampening) * d;
//   d = d + momentum * buf (Nesterov) or d = buf;  p = p - learning_rate * d.
// With momentum 0 there is no buffer and the update is p = p - learning_rate * (g + wd * p).
class SGD : public Optimizer {
 public:
  // Requires: learning_rate, momentum, dampening, weight_decay >= 0; nesterov needs
  //           momentum > 0 and dampening == 0 (as PyTorch requires).
  SGD(std::vector<Tensor> parameters, double learning_rate, double momentum = 0.0,
      double dampening = 0.0, double weight_decay = 0.0, bool nesterov = false);

 protected:
  std::vector<std::string> buffer_names() const override;
  void update(const Tensor& parameter, const Tensor& gradient, ParameterState& state) override;

 private:
  double momentum_, dampening_, weight_decay_;
  bool nesterov_;
};

// Adam (Kingma & Ba, 2015), as torch.optim.Adam (amsgrad=False). At the t-th update:
//   g = g + weight_decay * p  (L2);  m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
//   p = p - (learning_rate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
// Buffers: "exp_avg" (m) and "exp_avg_sq" (v).
class Adam : public Optimizer {
 public:
  // Requires: learning_rate, eps, weight_decay >= 0 and 0 <= beta1, beta2 < 1.
  explicit Adam(std::vector<Tensor> parameters, double learning_rate = 1e-3, double beta1 = 0.9,
                double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.0);

 protected:
  std::vector<std::string> buffer_names() const override;
  void update(const Tensor& parameter, const Tensor& gradient, ParameterState& state) override;
  // true for AdamW: the weight decay shrinks p directly instead of entering the gradient.
  bool decoupled_weight_decay_ = false;

 private:
  double beta1_, beta2_, eps_, weight_decay_;
};

// AdamW (Loshchilov & Hutter, 2019), as torch.optim.AdamW: first p = p * (1 - learning_rate *
// weight_decay), then Adam's update without the L2 term. Decoupling matters because in Adam an
// L2 gradient is divided by sqrt(v) like any other gradient, so weights with large gradients
// would hardly be decayed; AdamW decays every weight at the same rate.
class AdamW : public Adam {
 public:
  explicit AdamW(std::vector<Tensor> parameters, double learning_rate = 1e-3, double beta1 = 0.9,
                 double beta2 = 0.999, double eps = 1e-8, double weight_decay = 1e-2);
};

// Scales the gradients of `parameters` so that their joint L2 norm is at most max_norm, as
// torch.nn.utils.clip_grad_norm_: total = sqrt(sum of every squared gradient element); when
// total > max_norm every gradient is multiplied by max_norm / (total + 1e-6). Parameters without
// a gradient are ignored. Requires max_norm >= 0. Ensures: returns total (before clipping).
// The scaled gradients are new tensors (set with set_grad), because a gradient may share its
// storage with a tensor the caller still holds (backward(gradient) stores it without a copy).
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm);

}  // namespace timbre::nn
