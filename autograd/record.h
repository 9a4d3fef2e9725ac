// autograd/record.h - how an op attaches its Node to the tensor it produced.
//
// The pattern every differentiable op follows (micrograd-style: backward beside forward):
//
//   Tensor exp(const Tensor& x) {
//     Tensor y = kernels::unary(UnaryOp::Exp, x);                  // forward
//     if (any_requires_grad({x})) {
//       record("ExpBackward", y, {x}, [y = y.detach()](const Tensor& g) {
//         return grads(g * y);                                       // d exp(x)/dx = exp(x)
//       });
//     }
//     return y;
//   }
//
// Saved tensors are captured by the lambda. An op that saves its own output must capture
// y.detach(): the output holds the node, so capturing the output itself would make a cycle of
// shared_ptrs that is never freed.
#pragma once

#include <initializer_list>
#include <string>

#include "autograd/grad_mode.h"
#include "autograd/node.h"

namespace timbre {

// True when grad mode is on and at least one input requires a gradient.
bool any_requires_grad(std::initializer_list<Tensor> inputs);
bool any_requires_grad(const std::vector<Tensor>& inputs);

// Makes `output` the result of a new Node with this backward function and these inputs (one edge
// per input, in order), and marks it requires_grad. Call only when any_requires_grad(inputs).
void record(const char* name, const Tensor& output, const std::vector<Tensor>& inputs,
            BackwardFunction backward_function);

// Builds the vector a backward function returns.
template <typename... T>
std::vector<Tensor> grads(T&&... gradients) {
  return {std::forward<T>(gradients)...};
}

}  // namespace timbre
