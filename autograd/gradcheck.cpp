// autograd/gradcheck.cpp - the analytic Jacobian (one backward per output element) against the
// numeric Jacobian (two forwards per input element).
#include "autograd/gradcheck.h"

#include <cmath>
#include <cstdio>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace timbre {

namespace {

// The multi-index of flat element `flat` in row-major order.
std::vector<int64_t> unravel(int64_t flat, const Shape& sizes) {
  std::vector<int64_t> index(sizes.size());
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    index[d] = flat % sizes[d];
    flat /= sizes[d];
  }
  return index;
}

std::string index_str(const std::vector<int64_t>& index) {
  return shape_str(index);
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs, double eps,
                          double atol, double rtol) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    TIMBRE_CHECK(inputs[i].dtype() == DType::Float64, "gradcheck: input ", i, " is ",
                 dtype_name(inputs[i].dtype()), "; finite differences need float64 inputs");
    TIMBRE_CHECK(inputs[i].is_leaf(), "gradcheck: input ", i, " must be a leaf tensor");
  }

  // Numeric Jacobian columns: d f / d x_k by central differences.
  Tensor output;
  {
    NoGradGuard no_grad;
    output = f(inputs).contiguous();
  }
  TIMBRE_CHECK(output.dtype() == DType::Float64, "gradcheck: f must return float64, got ",
               dtype_name(output.dtype()));
  const int64_t output_count = output.numel();
  // numeric[i][k][j] = d output_j / d input_i[k]
  std::vector<std::vector<std::vector<double>>> numeric(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    NoGradGuard no_grad;
    const Tensor& x = inputs[i];
    numeric[i].resize(x.numel());
    for (int64_t k = 0; k < x.numel(); ++k) {
      const std::vector<int64_t> index = unravel(k, x.sizes());
      const double original = x.at(index);
      x.set_at(index, original + eps);
      const std::vector<double> plus = f(inputs).to_vector<double>();
      x.set_at(index, original - eps);
      const std::vector<double> minus = f(inputs).to_vector<double>();
      x.set_at(index, original);
      numeric[i][k].resize(output_count);
      for (int64_t j = 0; j < output_count; ++j) {
        numeric[i][k][j] = (plus[j] - minus[j]) / (2.0 * eps);
      }
    }
  }

  // Analytic Jacobian rows: backward with the one-hot gradient e_j gives d output_j / d inputs.
  GradcheckResult result;
  result.error = -INFINITY;
  for (int64_t j = 0; j < output_count; ++j) {
    for (const Tensor& x : inputs) {
      if (x.requires_grad()) x.zero_grad();
    }
    const Tensor y = f(inputs);
    if (!y.requires_grad()) {
      result.passed = false;
      result.message = "gradcheck: the output does not require grad (no input reaches it)";
      return result;
    }
    Tensor one_hot = zeros(y.sizes(), {.dtype = DType::Float64, .device = y.device()});
    one_hot.set_at(unravel(j, y.sizes()), 1.0);
    backward(y, one_hot);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& x = inputs[i];
      if (!x.requires_grad()) continue;
      const Tensor grad = x.grad();
      std::vector<double> analytic =
          grad.defined() ? grad.to_vector<double>() : std::vector<double>(x.numel(), 0.0);
      for (int64_t k = 0; k < x.numel(); ++k) {
        const double expected = numeric[i][k][j];
        const double error =
            std::fabs(analytic[k] - expected) - (atol + rtol * std::fabs(expected));
        const bool bad = !(error <= 0.0);  // also catches NaN
        if (error > result.error || (bad && result.passed)) {
          result.error = error;
          result.input = static_cast<int64_t>(i);
          result.input_index = unravel(k, x.sizes());
          result.output_element = j;
          result.analytic = analytic[k];
          result.numeric = expected;
        }
        if (bad) result.passed = false;
      }
    }
  }
  for (const Tensor& x : inputs) {
    if (x.requires_grad()) x.zero_grad();
  }

  char summary[512];
  std::snprintf(summary, sizeof(summary),
                "gradcheck %s: worst element is input %lld at %s, output element %lld: analytic "
                "%.10g, numeric %.10g (atol %g, rtol %g, eps %g)",
                result.passed ? "passed" : "FAILED", static_cast<long long>(result.input),
                index_str(result.input_index).c_str(),
                static_cast<long long>(result.output_element), result.analytic, result.numeric,
                atol, rtol, eps);
  result.message = summary;
  return result;
}

}  // namespace timbre
