// Unit tests of the optimizers, gradient clipping and learning-rate schedulers on cases small
// enough to compute by hand (the expected values are written out in the comments).
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "layers/lr_scheduler.h"
#include "layers/optim.h"
#include "tensor/kernels_optim.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;

namespace {

Tensor parameter(std::initializer_list<double> values, DType dtype = kFloat64) {
  return tensor(values, {.dtype = dtype}).set_requires_grad(true);
}

void set_gradient(const Tensor& p, std::initializer_list<double> values) {
  p.set_grad(tensor(values, {.dtype = p.dtype()}));
}

bool has_entry(const std::vector<nn::NamedTensor>& state, const std::string& name) {
  for (const auto& entry : state) {
    if (entry.first == name) return true;
  }
  return false;
}

Tensor entry(const std::vector<nn::NamedTensor>& state, const std::string& name) {
  for (const auto& [entry_name, value] : state) {
    if (entry_name == name) return value;
  }
  ADD_FAILURE() << "no entry " << name;
  return Tensor();
}

}  // namespace

// ---- SGD ----------------------------------------------------------------------------------------

TEST(SGD, PlainStepIsParameterMinusLearningRateTimesGradient) {
  Tensor p = parameter({1.0, 2.0});
  const Tensor same_handle = p;  // the update is in place: every handle sees it
  nn::SGD optimizer({p}, 0.1);
  set_gradient(p, {0.5, -1.0});
  optimizer.step();
  // [1 - 0.1 * 0.5, 2 + 0.1 * 1] = [0.95, 2.1]
  EXPECT_TRUE(all_close(same_handle, tensor({0.95, 2.1}, {.dtype = kFloat64}), 1e-15, 0));
  // Without momentum there is no buffer, only the update count.
  const auto state = optimizer.state_dict();
  EXPECT_TRUE(has_entry(state, "state.0.step"));
  EXPECT_FALSE(has_entry(state, "state.0.momentum_buffer"));
}

TEST(SGD, MomentumBufferStartsAsTheGradientThenAccumulates) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, /*learning_rate=*/0.1, /*momentum=*/0.9);
  set_gradient(p, {1.0});
  optimizer.step();  // buf = 1, p = -0.1
  EXPECT_NEAR(p.item(), -0.1, 1e-15);
  optimizer.step();  // buf = 0.9 * 1 + 1 = 1.9, p = -0.1 - 0.19 = -0.29
  EXPECT_NEAR(p.item(), -0.29, 1e-15);
  EXPECT_NEAR(entry(optimizer.state_dict(), "state.0.momentum_buffer").item(), 1.9, 1e-15);
}

TEST(SGD, DampeningScalesTheNewGradientButNotTheFirst) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 1.0, /*momentum=*/0.9, /*dampening=*/0.5);
  set_gradient(p, {1.0});
  optimizer.step();  // buf = 1 (no dampening at the first step)
  optimizer.step();  // buf = 0.9 + 0.5 * 1 = 1.4
  EXPECT_NEAR(entry(optimizer.state_dict(), "state.0.momentum_buffer").item(), 1.4, 1e-15);
  EXPECT_NEAR(p.item(), -2.4, 1e-15);  // -(1 + 1.4)
}

TEST(SGD, NesterovLooksAheadAlongTheMomentum) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 0.1, /*momentum=*/0.9, 0.0, 0.0, /*nesterov=*/true);
  set_gradient(p, {1.0});
  optimizer.step();  // buf = 1, d = 1 + 0.9 * 1 = 1.9, p = -0.19
  EXPECT_NEAR(p.item(), -0.19, 1e-15);
  optimizer.step();  // buf = 1.9, d = 1 + 0.9 * 1.9 = 2.71, p = -0.19 - 0.271 = -0.461
  EXPECT_NEAR(p.item(), -0.461, 1e-15);
}

TEST(SGD, WeightDecayIsAddedToTheGradient) {
  Tensor p = parameter({2.0});
  nn::SGD optimizer({p}, 0.5, 0.0, 0.0, /*weight_decay=*/0.1);
  set_gradient(p, {1.0});
  optimizer.step();  // d = 1 + 0.1 * 2 = 1.2, p = 2 - 0.5 * 1.2 = 1.4
  EXPECT_NEAR(p.item(), 1.4, 1e-15);
}

TEST(SGD, RejectsInvalidHyperparameters) {
  Tensor p = parameter({1.0});
  EXPECT_ERROR_CONTAINS(nn::SGD({p}, -0.1), "learning rate must be >= 0");
  EXPECT_ERROR_CONTAINS(nn::SGD({p}, 0.1, 0.0, 0.0, 0.0, /*nesterov=*/true), "Nesterov");
  EXPECT_ERROR_CONTAINS(nn::SGD({tensor({1.0}, {.dtype = kInt64})}, 0.1), "int64");
}

// ---- Adam and AdamW -----------------------------------------------------------------------------

TEST(Adam, FirstStepMovesEachParameterByAboutTheLearningRate) {
  // After one step m / bc1 = g and sqrt(v / bc2) = |g|, so p -= lr * g / (|g| + eps).
  Tensor p = parameter({1.0, -3.0});
  nn::Adam optimizer({p}, /*learning_rate=*/0.1);
  set_gradient(p, {2.0, -0.5});
  optimizer.step();
  EXPECT_NEAR(p.at({0}), 1.0 - 0.1 * 2.0 / (2.0 + 1e-8), 1e-12);
  EXPECT_NEAR(p.at({1}), -3.0 + 0.1 * 0.5 / (0.5 + 1e-8), 1e-12);
  const auto state = optimizer.state_dict();
  EXPECT_NEAR(entry(state, "state.0.exp_avg").at({0}), 0.1 * 2.0, 1e-15);       // (1-b1) g
  EXPECT_NEAR(entry(state, "state.0.exp_avg_sq").at({0}), 0.001 * 4.0, 1e-15);  // (1-b2) g^2
  EXPECT_EQ(entry(state, "state.0.step").item(), 1.0);
}

TEST(Adam, SecondStepUsesBiasCorrectedMoments) {
  Tensor p = parameter({0.0});
  nn::Adam optimizer({p}, 0.01);
  set_gradient(p, {1.0});
  optimizer.step();
  set_gradient(p, {3.0});
  optimizer.step();
  // Written out: m = 0.9 * 0.1 + 0.1 * 3, v = 0.999 * 0.001 + 0.001 * 9.
  const double m = 0.9 * 0.1 + 0.1 * 3.0;
  const double v = 0.999 * 0.001 + 0.001 * 9.0;
  const double bc1 = 1 - 0.9 * 0.9, bc2 = 1 - 0.999 * 0.999;
  const double after_first = -0.01 * 1.0 / (1.0 + 1e-8);
  EXPECT_NEAR(p.item(), after_first - (0.01 / bc1) * m / (std::sqrt(v) / std::sqrt(bc2) + 1e-8),
              1e-14);
}

TEST(Adam, L2WeightDecayEntersTheGradient) {
  // g = 0 + 0.5 * 1 = 0.5, so the first step is p = 1 - 0.1 * 0.5 / (0.5 + eps) ~ 0.9.
  Tensor p = parameter({1.0});
  nn::Adam optimizer({p}, 0.1, 0.9, 0.999, 1e-8, /*weight_decay=*/0.5);
  set_gradient(p, {0.0});
  optimizer.step();
  EXPECT_NEAR(p.item(), 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-12);
}

TEST(AdamW, DecoupledWeightDecayShrinksTheParameterDirectly) {
  // p = 1 * (1 - 0.1 * 0.5) = 0.95; the gradient is 0, so Adam's own update is 0 / (0 + eps) = 0.
  Tensor p = parameter({1.0});
  nn::AdamW optimizer({p}, 0.1, 0.9, 0.999, 1e-8, /*weight_decay=*/0.5);
  set_gradient(p, {0.0});
  optimizer.step();
  EXPECT_DOUBLE_EQ(p.item(), 0.95);
}

TEST(Adam, LargeFloat32ParameterTakesTheParallelPathWithTheSameResult) {
  // 100000 elements is above the OpenMP threshold; every element must still follow the first-step
  // formula p - lr * g / (|g| + eps), here computed in double.
  const int64_t n = 100000;
  Tensor p = randn({n}).set_requires_grad(true);
  const std::vector<float> before = p.to_vector<float>();
  Tensor g = randn({n});
  p.set_grad(g);
  nn::Adam optimizer({p}, 1e-3);
  optimizer.step();
  const std::vector<float> after = p.to_vector<float>();
  const std::vector<float> gradient = g.to_vector<float>();
  for (int64_t i = 0; i < n; i += 997) {
    const double expected = before[i] - 1e-3 * gradient[i] / (std::fabs(gradient[i]) + 1e-8);
    EXPECT_NEAR(after[i], expected, 1e-6) << "element " << i;
  }
}

// ---- What every optimizer shares ----------------------------------------------------------------

TEST(Optimizer, ParametersWithoutGradientAreSkipped) {
  Tensor used = parameter({1.0});
  Tensor unused = parameter({5.0});
  nn::Adam optimizer({used, unused}, 0.1);
  set_gradient(used, {1.0});
  optimizer.step();
  EXPECT_EQ(unused.item(), 5.0);
  EXPECT_NE(used.item(), 1.0);
  const auto state = optimizer.state_dict();
  EXPECT_TRUE(has_entry(state, "state.0.exp_avg"));
  EXPECT_FALSE(has_entry(state, "state.1.exp_avg"));
  EXPECT_FALSE(has_entry(state, "state.1.step"));
  EXPECT_EQ(entry(state, "step").item(), 1.0);
}

TEST(Optimizer, ZeroGradForgetsEveryGradient) {
  Tensor a = parameter({1.0});
  Tensor b = parameter({2.0});
  nn::SGD optimizer({a, b}, 0.1);
  set_gradient(a, {1.0});
  set_gradient(b, {1.0});
  optimizer.zero_grad();
  EXPECT_FALSE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
}

TEST(Optimizer, StateDictRoundTripResumesIdentically) {
  // Run A for 3 steps, copy its parameters and state into B, then run both for 2 more steps:
  // they must agree exactly.
  Tensor a0 = parameter({1.0, -2.0, 0.5}), a1 = parameter({3.0});
  nn::AdamW first({a0, a1}, 0.05);
  auto gradients_at = [](int t) {
    return std::pair{tensor({0.1 * t, -0.3, 1.0 / (t + 1)}, {.dtype = kFloat64}),
                     tensor({std::sin(t)}, {.dtype = kFloat64})};
  };
  for (int t = 0; t < 3; ++t) {
    a0.set_grad(gradients_at(t).first);
    a1.set_grad(gradients_at(t).second);
    first.step();
  }
  first.set_learning_rate(0.02);
  Tensor b0 = a0.clone().detach().set_requires_grad(true);
  Tensor b1 = a1.clone().detach().set_requires_grad(true);
  nn::AdamW second({b0, b1}, 0.05);
  second.load_state_dict(first.state_dict());
  EXPECT_EQ(second.learning_rate(), 0.02);
  EXPECT_EQ(second.step_count(), 3);
  for (int t = 3; t < 5; ++t) {
    a0.set_grad(gradients_at(t).first);
    a1.set_grad(gradients_at(t).second);
    b0.set_grad(gradients_at(t).first);
    b1.set_grad(gradients_at(t).second);
    first.step();
    second.step();
  }
  EXPECT_TRUE(all_close(b0, a0, 0, 0));
  EXPECT_TRUE(all_close(b1, a1, 0, 0));
}

TEST(Optimizer, LoadStateDictIsStrictAndLeavesTheOptimizerUnchangedOnError) {
  Tensor p = parameter({1.0, 2.0});
  nn::SGD optimizer({p}, 0.1, 0.9);
  set_gradient(p, {1.0, 1.0});
  optimizer.step();
  const std::vector<nn::NamedTensor> good = optimizer.state_dict();

  auto without = [&](const std::string& name) {
    std::vector<nn::NamedTensor> out;
    for (const auto& e : good) {
      if (e.first != name) out.push_back(e);
    }
    return out;
  };
  auto replaced = [&](const std::string& name, const Tensor& value) {
    std::vector<nn::NamedTensor> out = without(name);
    out.emplace_back(name, value);
    return out;
  };
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(without("state.0.momentum_buffer")),
                        "missing entry \"state.0.momentum_buffer\"");
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(without("step")), "missing entry \"step\"");
  std::vector<nn::NamedTensor> extra = good;
  extra.emplace_back("state.0.exp_avg", zeros({2}, {.dtype = kFloat64}));
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(extra), "unexpected entry \"state.0.exp_avg\"");
  extra = good;
  extra.emplace_back("state.7.step", scalar_tensor(1, {.dtype = kInt64}));
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(extra), "unexpected entry \"state.7.step\"");
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(
                            replaced("state.0.momentum_buffer", zeros({3}, {.dtype = kFloat64}))),
                        "\"state.0.momentum_buffer\" has shape [3]");
  EXPECT_ERROR_CONTAINS(optimizer.load_state_dict(
                            replaced("state.0.momentum_buffer", zeros({2}, {.dtype = kFloat32}))),
                        "\"state.0.momentum_buffer\" is float32");
  // Nothing was changed by the failed loads.
  EXPECT_EQ(optimizer.learning_rate(), 0.1);
  EXPECT_NEAR(entry(optimizer.state_dict(), "state.0.momentum_buffer").at({0}), 1.0, 0);
}

// ---- Gradient clipping --------------------------------------------------------------------------

TEST(ClipGradNorm, ScalesAllGradientsByTheSameFactorWhenTheNormIsTooLarge) {
  Tensor a = parameter({0.0, 0.0});
  Tensor b = parameter({0.0});
  Tensor no_gradient = parameter({0.0});
  const Tensor callers_gradient = tensor({3.0, 4.0}, {.dtype = kFloat64});
  a.set_grad(callers_gradient);
  set_gradient(b, {12.0});
  // total = sqrt(9 + 16 + 144) = 13; factor = 6.5 / (13 + 1e-6)
  const double total = nn::clip_grad_norm_({a, b, no_gradient}, 6.5);
  EXPECT_DOUBLE_EQ(total, 13.0);
  const double factor = 6.5 / (13.0 + 1e-6);
  EXPECT_TRUE(all_close(a.grad(), tensor({3 * factor, 4 * factor}, {.dtype = kFloat64}), 1e-15, 0));
  EXPECT_NEAR(b.grad().item(), 12 * factor, 1e-14);
  EXPECT_FALSE(no_gradient.grad().defined());
  // The tensor the caller passed as a gradient is not scaled behind their back.
  EXPECT_EQ(callers_gradient.at({0}), 3.0);
}

TEST(ClipGradNorm, LeavesSmallGradientsAlone) {
  Tensor a = parameter({0.0, 0.0});
  set_gradient(a, {3.0, 4.0});
  EXPECT_DOUBLE_EQ(nn::clip_grad_norm_({a}, 10.0), 5.0);
  EXPECT_TRUE(all_close(a.grad(), tensor({3.0, 4.0}, {.dtype = kFloat64}), 0, 0));
}

// ---- The update kernels' checks -----------------------------------------------------------------

TEST(OptimizerKernels, RejectMismatchedArguments) {
  Tensor p = zeros({3});
  EXPECT_ERROR_CONTAINS(kernels::sgd_update(p, zeros({4}), Tensor(), {.learning_rate = 0.1}),
                        "gradient shape [4] differs from the parameter's [3]");
  EXPECT_ERROR_CONTAINS(
      kernels::sgd_update(p, zeros({3}, {.dtype = kFloat64}), Tensor(), {.learning_rate = 0.1}),
      "gradient dtype float64 differs");
  EXPECT_ERROR_CONTAINS(
      kernels::sgd_update(p, zeros({3}), Tensor(), {.learning_rate = 0.1, .momentum = 0.9}),
      "momentum buffer is undefined");
  EXPECT_ERROR_CONTAINS(kernels::adam_update(p, zeros({3}), zeros({3}), zeros({2}), {}),
                        "exp_avg_sq buffer shape [2]");
  Tensor matrix = zeros({2, 3});
  EXPECT_ERROR_CONTAINS(
      kernels::adam_update(matrix.t(), zeros({3, 2}), zeros({3, 2}), zeros({3, 2}), {}),
      "must be contiguous");
}

// ---- Learning-rate schedulers -------------------------------------------------------------------

TEST(StepLR, DividesTheLearningRateEveryStepSizeEpochs) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 1.0);
  nn::StepLR scheduler(optimizer, /*step_size=*/2, /*gamma=*/0.5);
  std::vector<double> rates;
  for (int epoch = 1; epoch <= 5; ++epoch) {
    scheduler.step();
    rates.push_back(optimizer.learning_rate());
  }
  EXPECT_EQ(rates, (std::vector<double>{1.0, 0.5, 0.5, 0.25, 0.25}));
}

TEST(CosineAnnealingLR, FollowsHalfACosineFromBaseToEtaMin) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 1.0);
  nn::CosineAnnealingLR scheduler(optimizer, /*T_max=*/4, /*eta_min=*/0.2);
  scheduler.step();  // 0.2 + 0.8 * (1 + cos(pi/4)) / 2
  EXPECT_NEAR(optimizer.learning_rate(), 0.2 + 0.8 * (1 + std::cos(std::numbers::pi / 4)) / 2,
              1e-15);
  scheduler.step();  // halfway: 0.2 + 0.8 / 2
  EXPECT_NEAR(optimizer.learning_rate(), 0.6, 1e-15);
  scheduler.step();
  scheduler.step();  // epoch T_max: eta_min
  EXPECT_NEAR(optimizer.learning_rate(), 0.2, 1e-15);
}

TEST(ReduceLROnPlateau, ReducesAfterMoreThanPatienceBadEpochsThenCoolsDown) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 1.0);
  nn::ReduceLROnPlateau scheduler(optimizer, nn::PlateauMode::Min, /*factor=*/0.5,
                                  /*patience=*/1, /*threshold=*/0.1, /*cooldown=*/1);
  scheduler.step(10.0);  // best = 10
  scheduler.step(9.5);   // not better than 10 * (1 - 0.1) = 9: 1 bad epoch
  EXPECT_EQ(optimizer.learning_rate(), 1.0);
  scheduler.step(9.5);  // 2 bad epochs > patience: halve, start a cooldown of 1 epoch
  EXPECT_EQ(optimizer.learning_rate(), 0.5);
  scheduler.step(9.5);  // cooldown: the bad epoch is not counted
  EXPECT_EQ(scheduler.bad_epochs(), 0);
  scheduler.step(9.5);  // 1 bad epoch
  scheduler.step(9.5);  // 2 > patience: halve again
  EXPECT_EQ(optimizer.learning_rate(), 0.25);
  scheduler.step(1.0);  // a real improvement resets the count
  EXPECT_EQ(scheduler.best(), 1.0);
  EXPECT_EQ(scheduler.bad_epochs(), 0);
}

TEST(ReduceLROnPlateau, MaxModeAndMinimumLearningRate) {
  Tensor p = parameter({0.0});
  nn::SGD optimizer({p}, 1.0);
  nn::ReduceLROnPlateau scheduler(optimizer, nn::PlateauMode::Max, /*factor=*/0.1,
                                  /*patience=*/0, /*threshold=*/0.0, /*cooldown=*/0,
                                  /*min_lr=*/0.05);
  scheduler.step(0.5);  // best accuracy 0.5
  scheduler.step(0.6);  // better
  EXPECT_EQ(optimizer.learning_rate(), 1.0);
  scheduler.step(0.6);  // not better: 1 bad epoch > patience 0: 1.0 -> 0.1
  EXPECT_NEAR(optimizer.learning_rate(), 0.1, 1e-15);
  scheduler.step(0.6);  // 0.1 -> max(0.01, 0.05) = 0.05
  EXPECT_NEAR(optimizer.learning_rate(), 0.05, 1e-15);
  scheduler.step(0.6);  // already at min_lr: unchanged
  EXPECT_NEAR(optimizer.learning_rate(), 0.05, 1e-15);
}
