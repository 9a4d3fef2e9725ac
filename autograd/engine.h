// autograd/engine.h - reverse-mode automatic differentiation over the recorded graph.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace timbre {

// Computes d(output)/d(leaf) for every leaf with requires_grad reachable from `output`, and ADDS
// it to leaf.grad() (gradients accumulate across calls until zero_grad()).
//
// Requires: output.requires_grad(); `gradient` (the vector that multiplies the Jacobian) has
//           output's shape, or is undefined when output has exactly one element (then 1).
// Ensures:  every reachable leaf's grad() has the leaf's shape and dtype. Unless retain_graph,
//           the graph's saved tensors are freed, and a second backward() through it throws.
// Backward runs with grad mode off: it records nothing.
void backward(const Tensor& output, const Tensor& gradient = Tensor(), bool retain_graph = false);

}  // namespace timbre
