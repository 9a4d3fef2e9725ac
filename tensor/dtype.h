// tensor/dtype.h - the element types a tensor can hold, and how kernels are instantiated for them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/error.h"

namespace timbre {

// float32 is the training type; float64 is for gradient checks and reference computations;
// int64 holds class labels and indices.
enum class DType { Float32, Float64, Int64 };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;

constexpr std::size_t dtype_size(DType dtype) {
  return dtype == DType::Float32 ? 4 : 8;
}

constexpr const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int64:
      return "int64";
  }
  return "unknown";
}

constexpr bool is_floating(DType dtype) {
  return dtype != DType::Int64;
}

// The DType of a C++ type: dtype_of<float>() == DType::Float32.
template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::Float64;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::Int64;
}

// Runs body.template operator()<T>() with T the C++ type of `dtype`. Kernels are written once as
// templates and instantiated here, e.g.
//   dispatch_floating(x.dtype(), "exp", [&]<typename T>() { exp_kernel<T>(x, y); });
// The op name goes into the error message when the dtype is not supported.
template <typename Body>
decltype(auto) dispatch_floating(DType dtype, const char* op, Body&& body) {
  switch (dtype) {
    case DType::Float32:
      return body.template operator()<float>();
    case DType::Float64:
      return body.template operator()<double>();
    default:
      break;
  }
  throw Error(detail::concat(op, ": expected a floating-point tensor (float32 or float64), got ",
                             dtype_name(dtype)));
}

template <typename Body>
decltype(auto) dispatch_all(DType dtype, const char* /*op*/, Body&& body) {
  switch (dtype) {
    case DType::Float32:
      return body.template operator()<float>();
    case DType::Float64:
      return body.template operator()<double>();
    case DType::Int64:
      return body.template operator()<int64_t>();
  }
  throw Error("invalid dtype");
}

}  // namespace timbre
