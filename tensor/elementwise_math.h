// tensor/elementwise_math.h - the scalar math of every elementwise op, written once for both
// backends: these are __host__ __device__ functions when compiled by nvcc, plain inline functions
// otherwise, so the CPU tests check the same arithmetic the GPU runs.
#pragma once

#include <cmath>

#ifdef __CUDACC__
#define TIMBRE_HOST_DEVICE __host__ __device__
#else
#define TIMBRE_HOST_DEVICE
#endif

namespace timbre::math {

template <typename T>
struct Unary {
  TIMBRE_HOST_DEVICE static T neg(T x) { return -x; }
  TIMBRE_HOST_DEVICE static T exp(T x) { return std::exp(x); }
  TIMBRE_HOST_DEVICE static T log(T x) { return std::log(x); }
  TIMBRE_HOST_DEVICE static T sqrt(T x) { return std::sqrt(x); }
  TIMBRE_HOST_DEVICE static T abs(T x) { return std::fabs(x); }
  // sign(0) = 0, and sign(NaN) = NaN as in PyTorch.
  TIMBRE_HOST_DEVICE static T sign(T x) { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x); }
  // relu(NaN) = NaN (the comparison is false, so x passes through).
  TIMBRE_HOST_DEVICE static T relu(T x) { return x < T(0) ? T(0) : x; }
  // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: neither form overflows.
  TIMBRE_HOST_DEVICE static T sigmoid(T x) {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
  TIMBRE_HOST_DEVICE static T tanh(T x) { return std::tanh(x); }
  TIMBRE_HOST_DEVICE static T pow(T x, T exponent) {
    if (exponent == T(2)) return x * x;  // exact, and the most common case
    return std::pow(x, exponent);
  }
  TIMBRE_HOST_DEVICE static T clamp(T x, T low, T high) {
    return x < low ? low : (x > high ? high : x);
  }
  // 1 where low <= x <= high: where clamp passes its gradient through (as PyTorch does).
  TIMBRE_HOST_DEVICE static T inside(T x, T low, T high) { return T(x >= low && x <= high); }
};

template <typename T>
struct Binary {
  TIMBRE_HOST_DEVICE static T div(T a, T b) { return a / b; }
  TIMBRE_HOST_DEVICE static T pow(T a, T b) { return Unary<T>::pow(a, b); }
  // NaN in either argument gives NaN, as torch.maximum does.
  TIMBRE_HOST_DEVICE static T maximum(T a, T b) { return (a != a || a > b) ? a : b; }
  TIMBRE_HOST_DEVICE static T minimum(T a, T b) { return (a != a || a < b) ? a : b; }
  // Gradient formulas of activations, fused into one pass over memory.
  TIMBRE_HOST_DEVICE static T relu_backward(T grad, T input) { return input > T(0) ? grad : T(0); }
  TIMBRE_HOST_DEVICE static T sigmoid_backward(T grad, T output) {
    return grad * output * (T(1) - output);
  }
  TIMBRE_HOST_DEVICE static T tanh_backward(T grad, T output) {
    return grad * (T(1) - output * output);
  }
};

}  // namespace timbre::math
