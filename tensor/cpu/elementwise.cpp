// tensor/cpu/elementwise.cpp - unary, binary and where() on the CPU, with broadcasting.
//
// Each op is a small function of scalars (the math lives in tensor/elementwise_math.h, shared
// with the CUDA kernels); this file only walks the tensors. The walk is for_each_row
// (strided_loop.h): operands are read through their strides, broadcast dimensions have stride 0.
#include <array>

#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/strided_loop.h"
#include "tensor/elementwise_math.h"

namespace timbre::cpu {

namespace {

// out = f(x) elementwise. x: any strides; out: contiguous, same shape.
template <typename T, typename F>
void unary_loop(const Tensor& x, const Tensor& out, F f) {
  const T* in = x.data_ptr<T>();
  T* result = out.data_ptr<T>();
  for_each_row<2>(out.sizes(), {out.strides(), x.strides()},
                  [&](const std::array<int64_t, 2>& offset, int64_t count,
                      const std::array<int64_t, 2>& stride) {
                    T* o = result + offset[0];
                    const T* a = in + offset[1];
                    if (stride[0] == 1 && stride[1] == 1) {
                      for (int64_t i = 0; i < count; ++i)
                        o[i] = f(a[i]);  // vectorisable
                    } else {
                      for (int64_t i = 0; i < count; ++i)
                        o[i * stride[0]] = f(a[i * stride[1]]);
                    }
                  });
}

// out = f(a, b) elementwise; a and b are read through broadcast strides.
template <typename T, typename F>
void binary_loop(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const T* left = a.data_ptr<T>();
  const T* right = b.data_ptr<T>();
  T* result = out.data_ptr<T>();
  const Shape& sizes = out.sizes();
  for_each_row<3>(sizes,
                  {out.strides(), broadcast_strides(a.sizes(), a.strides(), sizes),
                   broadcast_strides(b.sizes(), b.strides(), sizes)},
                  [&](const std::array<int64_t, 3>& offset, int64_t count,
                      const std::array<int64_t, 3>& stride) {
                    T* o = result + offset[0];
                    const T* l = left + offset[1];
                    const T* r = right + offset[2];
                    if (stride[0] == 1 && stride[1] == 1 && stride[2] == 1) {
                      for (int64_t i = 0; i < count; ++i)
                        o[i] = f(l[i], r[i]);
                    } else if (stride[0] == 1 && stride[1] == 1 && stride[2] == 0) {
                      const T scalar = r[0];  // e.g. x * 2 or adding a bias row
                      for (int64_t i = 0; i < count; ++i)
                        o[i] = f(l[i], scalar);
                    } else {
                      for (int64_t i = 0; i < count; ++i) {
                        o[i * stride[0]] = f(l[i * stride[1]], r[i * stride[2]]);
                      }
                    }
                  });
}

}  // namespace

void unary(UnaryOp op, const Tensor& x, const UnaryParams& p, const Tensor& out) {
  dispatch_floating(x.dtype(), "unary op", [&]<typename T>() {
    using math::Unary;
    switch (op) {
      case UnaryOp::Neg:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::neg(v); });
      case UnaryOp::Exp:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::exp(v); });
      case UnaryOp::Log:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::log(v); });
      case UnaryOp::Sqrt:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::sqrt(v); });
      case UnaryOp::Abs:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::abs(v); });
      case UnaryOp::Sign:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::sign(v); });
      case UnaryOp::Relu:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::relu(v); });
      case UnaryOp::Sigmoid:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::sigmoid(v); });
      case UnaryOp::Tanh:
        return unary_loop<T>(x, out, [](T v) { return Unary<T>::tanh(v); });
      case UnaryOp::PowScalar: {
        const T exponent = static_cast<T>(p.exponent);
        return unary_loop<T>(x, out, [=](T v) { return Unary<T>::pow(v, exponent); });
      }
      case UnaryOp::Clamp: {
        const T low = static_cast<T>(p.low), high = static_cast<T>(p.high);
        return unary_loop<T>(x, out, [=](T v) { return Unary<T>::clamp(v, low, high); });
      }
      case UnaryOp::InsideMask: {
        const T low = static_cast<T>(p.low), high = static_cast<T>(p.high);
        return unary_loop<T>(x, out, [=](T v) { return Unary<T>::inside(v, low, high); });
      }
      case UnaryOp::AddScalar: {
        const T scalar = static_cast<T>(p.scalar);
        return unary_loop<T>(x, out, [=](T v) { return v + scalar; });
      }
      case UnaryOp::MulScalar: {
        const T scalar = static_cast<T>(p.scalar);
        return unary_loop<T>(x, out, [=](T v) { return v * scalar; });
      }
    }
  });
}

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_all(a.dtype(), "binary op", [&]<typename T>() {
    using B = math::Binary<T>;
    switch (op) {
      case BinaryOp::Add:
        return binary_loop<T>(a, b, out, [](T l, T r) { return l + r; });
      case BinaryOp::Sub:
        return binary_loop<T>(a, b, out, [](T l, T r) { return l - r; });
      case BinaryOp::Mul:
        return binary_loop<T>(a, b, out, [](T l, T r) { return l * r; });
      case BinaryOp::Div:
        return binary_loop<T>(a, b, out, [](T l, T r) { return B::div(l, r); });
      case BinaryOp::Pow:
        return binary_loop<T>(a, b, out, [](T l, T r) { return B::pow(l, r); });
      case BinaryOp::Maximum:
        return binary_loop<T>(a, b, out, [](T l, T r) { return B::maximum(l, r); });
      case BinaryOp::Minimum:
        return binary_loop<T>(a, b, out, [](T l, T r) { return B::minimum(l, r); });
      case BinaryOp::Equal:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l == r); });
      case BinaryOp::NotEqual:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l != r); });
      case BinaryOp::Greater:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l > r); });
      case BinaryOp::GreaterEqual:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l >= r); });
      case BinaryOp::Less:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l < r); });
      case BinaryOp::LessEqual:
        return binary_loop<T>(a, b, out, [](T l, T r) { return T(l <= r); });
      case BinaryOp::ReluBackward:
        return binary_loop<T>(a, b, out, [](T g, T x) { return B::relu_backward(g, x); });
      case BinaryOp::SigmoidBackward:
        return binary_loop<T>(a, b, out, [](T g, T y) { return B::sigmoid_backward(g, y); });
      case BinaryOp::TanhBackward:
        return binary_loop<T>(a, b, out, [](T g, T y) { return B::tanh_backward(g, y); });
    }
  });
}

void where(const Tensor& condition, const Tensor& a, const Tensor& b, const Tensor& out) {
  // condition was converted to a's dtype by the dispatcher, so one type T serves all four.
  dispatch_all(a.dtype(), "where", [&]<typename T>() {
    const T* c = condition.data_ptr<T>();
    const T* l = a.data_ptr<T>();
    const T* r = b.data_ptr<T>();
    T* o = out.data_ptr<T>();
    const Shape& sizes = out.sizes();
    for_each_row<4>(
        sizes,
        {out.strides(), broadcast_strides(condition.sizes(), condition.strides(), sizes),
         broadcast_strides(a.sizes(), a.strides(), sizes),
         broadcast_strides(b.sizes(), b.strides(), sizes)},
        [&](const std::array<int64_t, 4>& offset, int64_t count,
            const std::array<int64_t, 4>& stride) {
          for (int64_t i = 0; i < count; ++i) {
            const bool take_a = c[offset[1] + i * stride[1]] != T(0);
            o[offset[0] + i * stride[0]] =
                take_a ? l[offset[2] + i * stride[2]] : r[offset[3] + i * stride[3]];
          }
        });
  });
}

void copy(const Tensor& dst, const Tensor& src) {
  dispatch_all(dst.dtype(), "copy", [&]<typename D>() {
    dispatch_all(src.dtype(), "copy", [&]<typename S>() {
      D* out = dst.data_ptr<D>();
      const S* in = src.data_ptr<S>();
      for_each_row<2>(dst.sizes(),
                      {dst.strides(), broadcast_strides(src.sizes(), src.strides(), dst.sizes())},
                      [&](const std::array<int64_t, 2>& offset, int64_t count,
                          const std::array<int64_t, 2>& stride) {
                        D* o = out + offset[0];
                        const S* a = in + offset[1];
                        if (stride[0] == 1 && stride[1] == 1) {
                          for (int64_t i = 0; i < count; ++i)
                            o[i] = static_cast<D>(a[i]);
                        } else {
                          for (int64_t i = 0; i < count; ++i) {
                            o[i * stride[0]] = static_cast<D>(a[i * stride[1]]);
                          }
                        }
                      });
    });
  });
}

void fill(const Tensor& x, double value) {
  dispatch_all(x.dtype(), "fill", [&]<typename T>() {
    T* out = x.data_ptr<T>();
    const T typed = static_cast<T>(value);
    for_each_row<1>(x.sizes(), {x.strides()},
                    [&](const std::array<int64_t, 1>& offset, int64_t count,
                        const std::array<int64_t, 1>& stride) {
                      for (int64_t i = 0; i < count; ++i)
                        out[offset[0] + i * stride[0]] = typed;
                    });
  });
}

}  // namespace timbre::cpu
