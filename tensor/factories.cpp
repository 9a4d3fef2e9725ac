#include "tensor/factories.h"

#include <cmath>

#include "tensor/kernels.h"

namespace timbre {

namespace {

// Fills a new CPU tensor with value(i) for i = 0..n-1, then moves it to options.device.
template <typename ValueAt>
Tensor generate(const Shape& sizes, TensorOptions options, ValueAt&& value_at) {
  Tensor host = empty(sizes, {.dtype = options.dtype});
  dispatch_all(options.dtype, "factory", [&]<typename T>() {
    T* data = host.data_ptr<T>();
    // The count read once: a store through data could, for all the compiler knows, change the
    // sizes numel() multiplies, so numel() in the loop condition would run for every element.
    const int64_t count = host.numel();
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<T>(value_at(i));
  });
  Tensor result = options.device.is_cpu() ? host : kernels::to_device(host, options.device);
  if (options.requires_grad) result.set_requires_grad(true);
  return result;
}

}  // namespace

Tensor full(const Shape& sizes, double value, TensorOptions options) {
  return generate(sizes, options, [&](int64_t) { return value; });
}
Tensor zeros(const Shape& sizes, TensorOptions options) {
  return full(sizes, 0.0, options);
}
Tensor ones(const Shape& sizes, TensorOptions options) {
  return full(sizes, 1.0, options);
}
Tensor scalar_tensor(double value, TensorOptions options) {
  return full({}, value, options);
}

Tensor zeros_like(const Tensor& x) {
  return full_like(x, 0.0);
}
Tensor ones_like(const Tensor& x) {
  return full_like(x, 1.0);
}
Tensor full_like(const Tensor& x, double value) {
  return full(x.sizes(), value, {.dtype = x.dtype(), .device = x.device()});
}

Tensor arange(double start, double end, double step, TensorOptions options) {
  TIMBRE_CHECK(step != 0 && std::isfinite(start) && std::isfinite(end) && std::isfinite(step),
               "arange: start, end and step must be finite and step non-zero (got ", start, ", ",
               end, ", ", step, ")");
  const double count = std::ceil((end - start) / step);
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  return generate({n}, options, [&](int64_t i) { return start + static_cast<double>(i) * step; });
}
Tensor arange(double end, TensorOptions options) {
  return arange(0.0, end, 1.0, options);
}

Tensor linspace(double start, double end, int64_t steps, TensorOptions options) {
  TIMBRE_CHECK(steps >= 0, "linspace: steps must be >= 0, got ", steps);
  const double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  return generate({steps}, options, [&](int64_t i) {
    return i == steps - 1 ? end : start + static_cast<double>(i) * step;
  });
}

Tensor rand(const Shape& sizes, TensorOptions options, Generator* generator) {
  return uniform(sizes, 0.0, 1.0, options, generator);
}

Tensor uniform(const Shape& sizes, double low, double high, TensorOptions options,
               Generator* generator) {
  TIMBRE_CHECK(low <= high, "uniform: low ", low, " is above high ", high);
  Generator& g = generator ? *generator : default_generator();
  return generate(sizes, options, [&](int64_t) { return low + (high - low) * g.uniform(); });
}

Tensor randn(const Shape& sizes, TensorOptions options, Generator* generator) {
  Generator& g = generator ? *generator : default_generator();
  return generate(sizes, options, [&](int64_t) { return g.normal(); });
}

Tensor randint(int64_t low, int64_t high, const Shape& sizes, TensorOptions options,
               Generator* generator) {
  TIMBRE_CHECK(low < high, "randint: low ", low, " must be below high ", high);
  Generator& g = generator ? *generator : default_generator();
  const uint64_t range = static_cast<uint64_t>(high - low);
  return generate(sizes, options, [&](int64_t) {
    return static_cast<double>(low + static_cast<int64_t>(g.below(range)));
  });
}

namespace {
template <typename T>
Tensor from_values(const std::vector<T>& values, const Shape& sizes, TensorOptions options) {
  TIMBRE_CHECK(static_cast<int64_t>(values.size()) == shape_numel(sizes),
               "from_vector: ", values.size(), " values do not fill shape ", shape_str(sizes));
  return generate(sizes, options, [&](int64_t i) { return values[static_cast<size_t>(i)]; });
}
}  // namespace

Tensor from_vector(const std::vector<float>& values, const Shape& sizes, TensorOptions options) {
  return from_values(values, sizes, options);
}
Tensor from_vector(const std::vector<double>& values, const Shape& sizes, TensorOptions options) {
  return from_values(values, sizes, options);
}
Tensor from_vector(const std::vector<int64_t>& values, const Shape& sizes, TensorOptions options) {
  return from_values(values, sizes, options);
}
Tensor tensor(std::initializer_list<double> values, TensorOptions options) {
  return from_values(std::vector<double>(values), {static_cast<int64_t>(values.size())}, options);
}

}  // namespace timbre
