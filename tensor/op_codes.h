// tensor/op_codes.h - the names of the elementwise and reduction ops and their parameters.
//
// Kept apart from tensor/kernels.h (which needs C++20's Tensor) so that the CUDA kernels, compiled
// by nvcc as C++17, can switch on the same enums: one list of ops for both backends.
#pragma once

#include <limits>

namespace timbre {

// Elementwise functions of one tensor. Those marked (p) use UnaryParams.
enum class UnaryOp {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Sign,
  Relu,
  Sigmoid,
  Tanh,
  PowScalar,   // x^p.exponent (p)
  Clamp,       // min(max(x, p.low), p.high) (p)
  InsideMask,  // 1 where p.low <= x <= p.high, else 0 (p): the gradient mask of clamp
  AddScalar,   // x + p.scalar (p)
  MulScalar,   // x * p.scalar (p)
};
struct UnaryParams {
  double exponent = 1.0;
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  double scalar = 0.0;
};

// Elementwise functions of two broadcast tensors.
enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Maximum,
  Minimum,
  Equal,
  NotEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,  // 1 where true, 0 where false
  // Fused gradient formulas (a = incoming gradient, b = saved value):
  ReluBackward,     // a * (b > 0),       b = relu's input
  SigmoidBackward,  // a * b * (1 - b),   b = sigmoid's output
  TanhBackward,     // a * (1 - b * b),   b = tanh's output
};

enum class ReduceOp { Sum, Mean, Max, Min };

}  // namespace timbre
