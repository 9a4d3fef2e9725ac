// tensor/factories.h - making new tensors: constants, ranges, random values, from C++ vectors.
//
// Every factory takes TensorOptions (dtype, device, requires_grad), defaulting to a float32 CPU
// tensor without gradient:  auto w = timbre::randn({784, 10}, {.requires_grad = true});
// Random factories draw on the CPU from a Generator (the default one unless given), then move
// the values to the requested device, so a seed gives the same numbers on every device.
#pragma once

#include <vector>

#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace timbre {

Tensor zeros(const Shape& sizes, TensorOptions options = {});
Tensor ones(const Shape& sizes, TensorOptions options = {});
Tensor full(const Shape& sizes, double value, TensorOptions options = {});
// A 0-d tensor holding `value`.
Tensor scalar_tensor(double value, TensorOptions options = {});
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
Tensor full_like(const Tensor& x, double value);

// start, start + step, ... up to (not including) end, like torch.arange. step must not be 0.
Tensor arange(double start, double end, double step = 1.0, TensorOptions options = {});
Tensor arange(double end, TensorOptions options = {});
// `steps` values from start to end inclusive.
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});

// Uniform in [0, 1), uniform in [low, high), standard normal, and integers in [low, high).
Tensor rand(const Shape& sizes, TensorOptions options = {}, Generator* generator = nullptr);
Tensor uniform(const Shape& sizes, double low, double high, TensorOptions options = {},
               Generator* generator = nullptr);
Tensor randn(const Shape& sizes, TensorOptions options = {}, Generator* generator = nullptr);
Tensor randint(int64_t low, int64_t high, const Shape& sizes,
               TensorOptions options = {.dtype = DType::Int64}, Generator* generator = nullptr);

// A tensor of `sizes` holding `values` in row-major order (converted to options.dtype).
// Requires values.size() == product of sizes; with sizes omitted the tensor is 1-d.
Tensor from_vector(const std::vector<float>& values, const Shape& sizes,
                   TensorOptions options = {});
Tensor from_vector(const std::vector<double>& values, const Shape& sizes,
                   TensorOptions options = {.dtype = DType::Float64});
Tensor from_vector(const std::vector<int64_t>& values, const Shape& sizes,
                   TensorOptions options = {.dtype = DType::Int64});
Tensor tensor(std::initializer_list<double> values, TensorOptions options = {});

}  // namespace timbre
