// autograd/gradcheck.h - checking a backward formula against finite differences.
//
// For a function f of some float64 tensors, gradcheck compares, for every input element x_k and
// every output element y_i, the analytic derivative dy_i/dx_k that backward() computes with the
// central difference
//     (f(x + eps e_k) - f(x - eps e_k))_i / (2 eps),
// whose error shrinks like eps^2. They agree when |analytic - numeric| <= atol + rtol |numeric|.
//
//   auto result = timbre::gradcheck([](const std::vector<Tensor>& in) {
//     return timbre::tanh(timbre::matmul(in[0], in[1]));
//   }, {a, b});
//   EXPECT_TRUE(result.passed) << result.message;
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace timbre {

struct GradcheckResult {
  bool passed = true;
  // The worst element: which input and element, the output element, both derivatives.
  int64_t input = -1;
  std::vector<int64_t> input_index;
  int64_t output_element = -1;  // flat index into the output
  double analytic = 0.0;
  double numeric = 0.0;
  double error = 0.0;   // |analytic - numeric| - (atol + rtol * |numeric|), worst over all
  std::string message;  // a readable summary (what failed, or that all passed)
  explicit operator bool() const { return passed; }
};

using GradcheckFunction = std::function<Tensor(const std::vector<Tensor>&)>;

// Requires: every input that requires grad is a float64 leaf (other inputs, e.g. int64 labels,
//           are passed through untouched); f is deterministic and differentiable at the inputs
//           (keep inputs away from kinks such as relu at 0).
// Ensures:  the inputs hold their original values afterwards; their .grad is left cleared.
GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs,
                          double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);

}  // namespace timbre
