// tensor/cuda/elementwise.cu - copy, fill, unary, binary and where on the GPU.
//
// One thread per output element (grid-stride loop, cuda_check.h). Each thread finds its
// operands' elements through DeviceTensor::offset_of, which is just `i` for contiguous tensors
// and a walk over the strides otherwise (broadcast dimensions have stride 0). The scalar math is
// math::Unary / math::Binary of tensor/elementwise_math.h: the same functions the CPU runs.
#include <type_traits>

#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/elementwise_launch.h"
#include "tensor/elementwise_math.h"

namespace timbre::cuda {

namespace {

// ---- copy and fill -----------------------------------------------------------------------------

// dst: [sizes] (any strides), src: [sizes] (any strides) -> dst[i] = (D) src[i]
template <typename D, typename S>
__global__ void copy_kernel(DeviceTensor dst, DeviceTensor src) {
  D* out = static_cast<D*>(dst.data);
  const S* in = static_cast<const S*>(src.data);
  for (int64_t i = first_index(); i < dst.numel; i += grid_step()) {
    out[dst.offset_of(i)] = static_cast<D>(in[src.offset_of(i)]);
  }
}

// x: [sizes] (any strides) -> x[i] = value
template <typename T>
__global__ void fill_kernel(DeviceTensor x, T value) {
  T* out = static_cast<T*>(x.data);
  for (int64_t i = first_index(); i < x.numel; i += grid_step())
    out[x.offset_of(i)] = value;
}

// ---- unary -------------------------------------------------------------------------------------

// The scalars a unary op may need, already converted to T on the host.
template <typename T>
struct UnaryScalars {
  T exponent, low, high, scalar;
};

// The switch is on a value that is the same for every thread, so all threads of a warp take the
// same branch and it costs next to nothing next to the memory traffic.
template <typename T>
__device__ T apply_unary(UnaryOp op, T v, const UnaryScalars<T>& p) {
  using U = math::Unary<T>;
  switch (op) {
    case UnaryOp::Neg:
      return U::neg(v);
    case UnaryOp::Exp:
      return U::exp(v);
    case UnaryOp::Log:
      return U::log(v);
    case UnaryOp::Sqrt:
      return U::sqrt(v);
    case UnaryOp::Abs:
      return U::abs(v);
    case UnaryOp::Sign:
      return U::sign(v);
    case UnaryOp::Relu:
      return U::relu(v);
    case UnaryOp::Sigmoid:
      return U::sigmoid(v);
    case UnaryOp::Tanh:
      return U::tanh(v);
    case UnaryOp::PowScalar:
      return U::pow(v, p.exponent);
    case UnaryOp::Clamp:
      return U::clamp(v, p.low, p.high);
    case UnaryOp::InsideMask:
      return U::inside(v, p.low, p.high);
    case UnaryOp::AddScalar:
      return v + p.scalar;
    case UnaryOp::MulScalar:
      return v * p.scalar;
  }
  return v;
}

// x: [sizes] (any strides) -> out: [sizes] contiguous, out[i] = op(x[i])
template <typename T>
__global__ void unary_kernel(UnaryOp op, DeviceTensor x, UnaryScalars<T> p, T* out, int64_t n) {
  const T* in = static_cast<const T*>(x.data);
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    out[i] = apply_unary(op, in[x.offset_of(i)], p);
  }
}

// ---- binary ------------------------------------------------------------------------------------

template <typename T>
__device__ T apply_binary(BinaryOp op, T l, T r) {
  using B = math::Binary<T>;
  switch (op) {
    case BinaryOp::Add:
      return l + r;
    case BinaryOp::Sub:
      return l - r;
    case BinaryOp::Mul:
      return l * r;
    case BinaryOp::Maximum:
      return B::maximum(l, r);
    case BinaryOp::Minimum:
      return B::minimum(l, r);
    case BinaryOp::Equal:
      return T(l == r);
    case BinaryOp::NotEqual:
      return T(l != r);
    case BinaryOp::Greater:
      return T(l > r);
    case BinaryOp::GreaterEqual:
      return T(l >= r);
    case BinaryOp::Less:
      return T(l < r);
    case BinaryOp::LessEqual:
      return T(l <= r);
    default:
      break;
  }
  // Division, powers and the gradient formulas exist for floating types only (the dispatcher
  // refuses them for int64, where division could divide by zero).
  if constexpr (std::is_floating_point<T>::value) {
    switch (op) {
      case BinaryOp::Div:
        return B::div(l, r);
      case BinaryOp::Pow:
        return B::pow(l, r);
      case BinaryOp::ReluBackward:
        return B::relu_backward(l, r);
      case BinaryOp::SigmoidBackward:
        return B::sigmoid_backward(l, r);
      case BinaryOp::TanhBackward:
        return B::tanh_backward(l, r);
      default:
        break;
    }
  }
  return T(0);
}

// a, b: broadcast to [sizes] -> out: [sizes] contiguous, out[i] = op(a[i], b[i])
template <typename T>
__global__ void binary_kernel(BinaryOp op, DeviceTensor a, DeviceTensor b, T* out, int64_t n) {
  const T* left = static_cast<const T*>(a.data);
  const T* right = static_cast<const T*>(b.data);
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    out[i] = apply_binary(op, left[a.offset_of(i)], right[b.offset_of(i)]);
  }
}

// condition, a, b: broadcast to [sizes] -> out: [sizes] contiguous
template <typename T>
__global__ void where_kernel(DeviceTensor condition, DeviceTensor a, DeviceTensor b, T* out,
                             int64_t n) {
  const T* c = static_cast<const T*>(condition.data);
  const T* left = static_cast<const T*>(a.data);
  const T* right = static_cast<const T*>(b.data);
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    out[i] = c[condition.offset_of(i)] != T(0) ? left[a.offset_of(i)] : right[b.offset_of(i)];
  }
}

}  // namespace

namespace launch {

void copy(const DeviceTensor& dst, const DeviceTensor& src) {
  if (dst.numel == 0) return;
  cudaStream_t stream = stream_for(dst.device);
  dispatch_type(dst.type, "copy", [&](auto dst_zero) {
    using D = decltype(dst_zero);
    dispatch_type(src.type, "copy", [&](auto src_zero) {
      using S = decltype(src_zero);
      copy_kernel<D, S><<<blocks_for(dst.numel), kThreadsPerBlock, 0, stream>>>(dst, src);
    });
  });
  TIMBRE_CUDA_CHECK_LAUNCH("copy");
}

void fill(const DeviceTensor& x, double value) {
  if (x.numel == 0) return;
  cudaStream_t stream = stream_for(x.device);
  dispatch_type(x.type, "fill", [&](auto zero) {
    using T = decltype(zero);
    fill_kernel<T><<<blocks_for(x.numel), kThreadsPerBlock, 0, stream>>>(x, static_cast<T>(value));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("fill");
}

void unary(UnaryOp op, const DeviceTensor& x, const UnaryParams& params, const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_floating_type(x.type, "unary op", [&](auto zero) {
    using T = decltype(zero);
    const UnaryScalars<T> p{static_cast<T>(params.exponent), static_cast<T>(params.low),
                            static_cast<T>(params.high), static_cast<T>(params.scalar)};
    unary_kernel<T><<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(
        op, x, p, static_cast<T*>(out.data), out.numel);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("unary op");
}

void binary(BinaryOp op, const DeviceTensor& a, const DeviceTensor& b, const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_type(out.type, "binary op", [&](auto zero) {
    using T = decltype(zero);
    binary_kernel<T><<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(
        op, a, b, static_cast<T*>(out.data), out.numel);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("binary op");
}

void where(const DeviceTensor& condition, const DeviceTensor& a, const DeviceTensor& b,
           const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_type(out.type, "where", [&](auto zero) {
    using T = decltype(zero);
    where_kernel<T><<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(
        condition, a, b, static_cast<T*>(out.data), out.numel);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("where");
}

}  // namespace launch
}  // namespace timbre::cuda
