// tensor/kernels.cpp - the one place that decides CPU or CUDA, after checking the arguments.
//
// Every function here: (1) checks what the kernels rely on (same device and dtype, shapes),
// (2) allocates the result on the inputs' device, (3) calls that backend's kernel: cpu::op
// (tensor/cpu/) or cuda::op (tensor/cuda/), which take the same arguments.
#include "tensor/kernels.h"

#include <algorithm>
#include <string>

#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cuda/cuda_kernels.h"

namespace timbre::kernels {

namespace {

// Returns the device shared by all tensors; throws naming the op when they differ.
Device common_device(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Device device = (*tensors.begin())->device();
  for (const Tensor* t : tensors) {
    TIMBRE_CHECK(t->device() == device, op, ": expected all tensors on one device, got ",
                 device.str(), " and ", t->device().str());
  }
  return device;
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  TIMBRE_CHECK(a.dtype() == b.dtype(), op, ": dtypes differ: ", dtype_name(a.dtype()), " ",
               shape_str(a.sizes()), " and ", dtype_name(b.dtype()), " ", shape_str(b.sizes()),
               " (convert one with .to(dtype))");
}

TensorOptions like(const Tensor& x, DType dtype) {
  return {.dtype = dtype, .device = x.device()};
}
TensorOptions like(const Tensor& x) {
  return like(x, x.dtype());
}

const char* unary_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg:
      return "neg";
    case UnaryOp::Exp:
      return "exp";
    case UnaryOp::Log:
      return "log";
    case UnaryOp::Sqrt:
      return "sqrt";
    case UnaryOp::Abs:
      return "abs";
    case UnaryOp::Sign:
      return "sign";
    case UnaryOp::Relu:
      return "relu";
    case UnaryOp::Sigmoid:
      return "sigmoid";
    case UnaryOp::Tanh:
      return "tanh";
    case UnaryOp::PowScalar:
      return "pow";
    case UnaryOp::Clamp:
      return "clamp";
    case UnaryOp::InsideMask:
      return "clamp (mask)";
    case UnaryOp::AddScalar:
      return "add (scalar)";
    case UnaryOp::MulScalar:
      return "mul (scalar)";
  }
  return "unary";
}

const char* binary_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "add";
    case BinaryOp::Sub:
      return "sub";
    case BinaryOp::Mul:
      return "mul";
    case BinaryOp::Div:
      return "div";
    case BinaryOp::Pow:
      return "pow";
    case BinaryOp::Maximum:
      return "maximum";
    case BinaryOp::Minimum:
      return "minimum";
    case BinaryOp::Equal:
      return "eq";
    case BinaryOp::NotEqual:
      return "ne";
    case BinaryOp::Greater:
      return "gt";
    case BinaryOp::GreaterEqual:
      return "ge";
    case BinaryOp::Less:
      return "lt";
    case BinaryOp::LessEqual:
      return "le";
    case BinaryOp::ReluBackward:
      return "relu_backward";
    case BinaryOp::SigmoidBackward:
      return "sigmoid_backward";
    case BinaryOp::TanhBackward:
      return "tanh_backward";
  }
  return "binary";
}

// Ops that only make sense on floating-point values (int64 division would truncate, or divide
// by zero, which is undefined behaviour on integers).
bool needs_floating(BinaryOp op) {
  return op == BinaryOp::Div || op == BinaryOp::Pow || op == BinaryOp::ReluBackward ||
         op == BinaryOp::SigmoidBackward || op == BinaryOp::TanhBackward;
}

}  // namespace

// ---- Copies and conversions -----------------------------------------------------------------

void copy(const Tensor& dst, const Tensor& src) {
  TIMBRE_CHECK(dst.sizes() == src.sizes(), "copy: destination shape ", shape_str(dst.sizes()),
               " differs from source shape ", shape_str(src.sizes()));
  if (dst.device() == src.device()) {
    if (dst.device().is_cuda()) {
      cuda::copy(dst, src);
    } else {
      cpu::copy(dst, src);
    }
    return;
  }
  // Between devices only whole blocks of bytes move. When both sides are contiguous and of one
  // dtype that is all; otherwise the block moves into a contiguous tensor of src's dtype on dst's
  // device, and that device's copy kernel converts and lays it out into dst.
  const Tensor source = contiguous(src);
  const std::size_t nbytes = static_cast<std::size_t>(src.numel()) * dtype_size(src.dtype());
  if (dst.dtype() == src.dtype() && dst.is_contiguous()) {
    memory::copy_bytes(dst.raw_data_ptr(), dst.device(), source.raw_data_ptr(), source.device(),
                       nbytes);
    return;
  }
  const Tensor staged = empty(src.sizes(), {.dtype = src.dtype(), .device = dst.device()});
  memory::copy_bytes(staged.raw_data_ptr(), staged.device(), source.raw_data_ptr(), source.device(),
                     nbytes);
  copy(dst, staged);
}

Tensor contiguous(const Tensor& x) {
  return x.is_contiguous() ? x.detach() : clone(x);
}

Tensor clone(const Tensor& x) {
  common_device("clone", {&x});
  Tensor out = empty(x.sizes(), like(x));
  if (out.device().is_cuda()) {
    cuda::copy(out, x);
  } else {
    cpu::copy(out, x);
  }
  return out;
}

Tensor to_dtype(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x.detach();
  common_device("to(dtype)", {&x});
  Tensor out = empty(x.sizes(), like(x, dtype));
  if (out.device().is_cuda()) {
    cuda::copy(out, x);
  } else {
    cpu::copy(out, x);
  }
  return out;
}

Tensor to_device(const Tensor& x, Device device) {
  if (x.device() == device) return x.detach();
  Tensor out = empty(x.sizes(), {.dtype = x.dtype(), .device = device});
  copy(out, x);
  return out;
}

void fill(const Tensor& x, double value) {
  common_device("fill", {&x});
  if (x.device().is_cuda()) {
    cuda::fill(x, value);
  } else {
    cpu::fill(x, value);
  }
}

// ---- Elementwise ----------------------------------------------------------------------------

Tensor unary(UnaryOp op, const Tensor& x, const UnaryParams& params) {
  const char* name = unary_name(op);
  common_device(name, {&x});
  TIMBRE_CHECK(is_floating(x.dtype()), name, ": expected a float32 or float64 tensor, got ",
               dtype_name(x.dtype()));
  Tensor out = empty(x.sizes(), like(x));
  if (out.device().is_cuda()) {
    cuda::unary(op, x, params, out);
  } else {
    cpu::unary(op, x, params, out);
  }
  return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  const char* name = binary_name(op);
  common_device(name, {&a, &b});
  check_same_dtype(name, a, b);
  TIMBRE_CHECK(!needs_floating(op) || is_floating(a.dtype()), name,
               ": expected float32 or float64 tensors, got ", dtype_name(a.dtype()));
  Tensor out = empty(broadcast_shapes(a.sizes(), b.sizes(), name), like(a));
  if (out.device().is_cuda()) {
    cuda::binary(op, a, b, out);
  } else {
    cpu::binary(op, a, b, out);
  }
  return out;
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  common_device("where", {&condition, &a, &b});
  check_same_dtype("where", a, b);
  const Shape sizes =
      broadcast_shapes(broadcast_shapes(condition.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor out = empty(sizes, like(a));
  if (out.device().is_cuda()) {
    cuda::where(to_dtype(condition, a.dtype()), a, b, out);
  } else {
    cpu::where(to_dtype(condition, a.dtype()), a, b, out);
  }
  return out;
}

// ---- Reductions -----------------------------------------------------------------------------

Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const char* name = op == ReduceOp::Sum    ? "sum"
                     : op == ReduceOp::Mean ? "mean"
                     : op == ReduceOp::Max  ? "max"
                                            : "min";
  common_device(name, {&x});
  TIMBRE_CHECK(op != ReduceOp::Mean || is_floating(x.dtype()), name,
               ": expected a floating-point tensor, got ", dtype_name(x.dtype()));
  std::vector<bool> reduced(x.dim(), dims.empty());
  for (int64_t dim : dims) {
    const int64_t d = normalize_dim(dim, x.dim(), name);
    TIMBRE_CHECK(!reduced[d] || dims.empty(), name, ": dimension ", dim, " listed twice");
    reduced[d] = true;
  }
  Shape kept_shape = x.sizes();  // reduced dims become 1
  Shape result_shape;            // reduced dims dropped
  int64_t reduced_count = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (reduced[d]) {
      reduced_count *= x.sizes()[d];
      kept_shape[d] = 1;
    } else {
      result_shape.push_back(x.sizes()[d]);
    }
  }
  TIMBRE_CHECK(reduced_count > 0 || op == ReduceOp::Sum, name,
               ": cannot reduce an empty "
               "dimension of shape ",
               shape_str(x.sizes()));
  Tensor out = empty(kept_shape, like(x));
  if (out.device().is_cuda()) {
    cuda::reduce(op, x, reduced, out);
  } else {
    cpu::reduce(op, x, reduced, out);
  }
  if (keepdim) return out;
  return make_view(out, result_shape, contiguous_strides(result_shape), 0);
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  common_device("argmax", {&x});
  const int64_t d = normalize_dim(dim, x.dim(), "argmax");
  Shape kept_shape = x.sizes();
  if (x.dim() > 0) {
    TIMBRE_CHECK(x.sizes()[d] > 0, "argmax: dimension ", dim, " is empty");
    kept_shape[d] = 1;
  }
  Tensor source = x.dim() == 0 ? make_view(x, {1}, {1}, x.offset()) : x;
  Tensor out = empty(x.dim() == 0 ? Shape{1} : kept_shape, like(x, DType::Int64));
  if (out.device().is_cuda()) {
    cuda::argmax(source, x.dim() == 0 ? 0 : d, out);
  } else {
    cpu::argmax(source, x.dim() == 0 ? 0 : d, out);
  }
  if (keepdim) return x.dim() == 0 ? make_view(out, {}, {}, 0) : out;
  Shape result_shape = x.sizes();
  if (x.dim() > 0) result_shape.erase(result_shape.begin() + d);
  return make_view(out, result_shape, contiguous_strides(result_shape), 0);
}

// ---- Linear algebra -------------------------------------------------------------------------

Tensor matmul(const Tensor& a, const Tensor& b) {
  common_device("matmul", {&a, &b});
  check_same_dtype("matmul", a, b);
  TIMBRE_CHECK(is_floating(a.dtype()), "matmul: expected float32 or float64, got ",
               dtype_name(a.dtype()));
  TIMBRE_CHECK(a.dim() >= 2 && b.dim() >= 2, "matmul: kernel needs matrices, got shapes ",
               shape_str(a.sizes()), " and ", shape_str(b.sizes()));
  const int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  TIMBRE_CHECK(b.size(-2) == K, "matmul: shapes ", shape_str(a.sizes()), " and ",
               shape_str(b.sizes()), " cannot be multiplied (", K, " columns vs ", b.size(-2),
               " rows)");
  Shape batch = broadcast_shapes(Shape(a.sizes().begin(), a.sizes().end() - 2),
                                 Shape(b.sizes().begin(), b.sizes().end() - 2), "matmul");
  batch.push_back(M);
  batch.push_back(N);
  Tensor out = empty(batch, like(a));
  if (out.device().is_cuda()) {
    cuda::matmul(a, b, out);
  } else {
    cpu::matmul(a, b, out);
  }
  return out;
}

// ---- Softmax --------------------------------------------------------------------------------

namespace {
Tensor softmax_impl(const Tensor& x, int64_t dim, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  common_device(name, {&x});
  TIMBRE_CHECK(is_floating(x.dtype()), name, ": expected float32 or float64, got ",
               dtype_name(x.dtype()));
  const int64_t d = normalize_dim(dim, x.dim(), name);
  Tensor source = contiguous(x);
  if (x.dim() == 0) source = make_view(source, {1}, {1}, source.offset());
  Tensor out = empty(source.sizes(), like(x));
  if (out.device().is_cuda()) {
    cuda::softmax(source, d, log, out);
  } else {
    cpu::softmax(source, d, log, out);
  }
  return x.dim() == 0 ? make_view(out, {}, {}, 0) : out;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  return softmax_impl(x, dim, false);
}
Tensor log_softmax(const Tensor& x, int64_t dim) {
  return softmax_impl(x, dim, true);
}

// ---- Fused softmax cross-entropy ------------------------------------------------------------

namespace {
void check_cross_entropy_arguments(const char* op, const Tensor& scores, const Tensor& targets,
                                   const Tensor& weight, double label_smoothing) {
  TIMBRE_CHECK(scores.dim() == 2 && is_floating(scores.dtype()), op,
               ": expected float32 or float64 [N, C], got ", dtype_name(scores.dtype()), " ",
               shape_str(scores.sizes()));
  TIMBRE_CHECK(
      targets.dtype() == DType::Int64 && targets.dim() == 1 && targets.size(0) == scores.size(0),
      op, ": targets must be int64 [", scores.size(0), "], got ", dtype_name(targets.dtype()), " ",
      shape_str(targets.sizes()));
  if (weight.defined()) {
    TIMBRE_CHECK(
        weight.dim() == 1 && weight.size(0) == scores.size(1) && weight.dtype() == scores.dtype(),
        op, ": class weights must be [", scores.size(1), "] ", dtype_name(scores.dtype()), ", got ",
        shape_str(weight.sizes()), " ", dtype_name(weight.dtype()));
    common_device(op, {&scores, &targets, &weight});
  } else {
    common_device(op, {&scores, &targets});
  }
  TIMBRE_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, op,
               ": label_smoothing must be in [0, 1], got ", label_smoothing);
}
}  // namespace

std::pair<Tensor, Tensor> cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                                const Tensor& weight, double label_smoothing) {
  check_cross_entropy_arguments("cross_entropy", logits, targets, weight, label_smoothing);
  const Tensor scores = contiguous(logits), labels = contiguous(targets);
  const Tensor weights = weight.defined() ? contiguous(weight) : Tensor();
  Tensor losses = empty({logits.size(0)}, like(logits));
  Tensor log_probs = empty(logits.sizes(), like(logits));
  if (scores.device().is_cuda()) {
    cuda::cross_entropy_forward(scores, labels, weights, label_smoothing, losses, log_probs);
  } else {
    cpu::cross_entropy_forward(scores, labels, weights, label_smoothing, losses, log_probs);
  }
  return {losses, log_probs};
}

Tensor cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                              const Tensor& targets, const Tensor& weight, double label_smoothing) {
  check_cross_entropy_arguments("cross_entropy_backward", log_probs, targets, weight,
                                label_smoothing);
  TIMBRE_CHECK(
      grad_losses.sizes() == Shape{log_probs.size(0)} && grad_losses.dtype() == log_probs.dtype(),
      "cross_entropy_backward: expected a gradient of shape [", log_probs.size(0), "], got ",
      shape_str(grad_losses.sizes()));
  const Tensor weights = weight.defined() ? contiguous(weight) : Tensor();
  Tensor grad_logits = empty(log_probs.sizes(), like(log_probs));
  const Tensor grad = contiguous(grad_losses), saved = contiguous(log_probs),
               labels = contiguous(targets);
  if (saved.device().is_cuda()) {
    cuda::cross_entropy_backward(grad, saved, labels, weights, label_smoothing, grad_logits);
  } else {
    cpu::cross_entropy_backward(grad, saved, labels, weights, label_smoothing, grad_logits);
  }
  return grad_logits;
}

// ---- Indexing -------------------------------------------------------------------------------

namespace {
void check_index_tensor(const char* op, const Tensor& index) {
  TIMBRE_CHECK(index.dtype() == DType::Int64, op, ": index must be int64, got ",
               dtype_name(index.dtype()));
}
}  // namespace

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  common_device("gather", {&x, &index});
  check_index_tensor("gather", index);
  const int64_t d = normalize_dim(dim, x.dim(), "gather");
  TIMBRE_CHECK(index.dim() == x.dim(), "gather: index ", shape_str(index.sizes()),
               " must have as many dimensions as the input ", shape_str(x.sizes()));
  for (int64_t k = 0; k < x.dim(); ++k) {
    TIMBRE_CHECK(k == d || index.sizes()[k] <= x.sizes()[k], "gather: index shape ",
                 shape_str(index.sizes()), " exceeds input shape ", shape_str(x.sizes()),
                 " in dimension ", k);
  }
  Tensor out = empty(index.sizes(), like(x));
  if (out.device().is_cuda()) {
    cuda::gather(x, d, index, out);
  } else {
    cpu::gather(x, d, index, out);
  }
  return out;
}

Tensor scatter_add(const Shape& sizes, int64_t dim, const Tensor& index, const Tensor& src) {
  common_device("scatter_add", {&index, &src});
  check_index_tensor("scatter_add", index);
  TIMBRE_CHECK(index.sizes() == src.sizes(), "scatter_add: index shape ", shape_str(index.sizes()),
               " differs from source shape ", shape_str(src.sizes()));
  const int64_t d = normalize_dim(dim, static_cast<int64_t>(sizes.size()), "scatter_add");
  Tensor out = empty(sizes, like(src));
  if (out.device().is_cuda()) {
    cuda::fill(out, 0.0);
  } else {
    cpu::fill(out, 0.0);
  }
  if (out.device().is_cuda()) {
    cuda::scatter_add(out, d, index, src);
  } else {
    cpu::scatter_add(out, d, index, src);
  }
  return out;
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  common_device("index_select", {&x, &index});
  check_index_tensor("index_select", index);
  TIMBRE_CHECK(index.dim() == 1, "index_select: index must be 1-d, got shape ",
               shape_str(index.sizes()));
  const int64_t d = normalize_dim(dim, x.dim(), "index_select");
  Shape sizes = x.sizes();
  sizes[d] = index.numel();
  Tensor out = empty(sizes, like(x));
  if (out.device().is_cuda()) {
    cuda::index_select(contiguous(x), d, contiguous(index), out);
  } else {
    cpu::index_select(contiguous(x), d, contiguous(index), out);
  }
  return out;
}

Tensor index_add(const Shape& sizes, int64_t dim, const Tensor& index, const Tensor& src) {
  common_device("index_add", {&index, &src});
  check_index_tensor("index_add", index);
  const int64_t d = normalize_dim(dim, static_cast<int64_t>(sizes.size()), "index_add");
  Tensor out = empty(sizes, like(src));
  if (out.device().is_cuda()) {
    cuda::fill(out, 0.0);
  } else {
    cpu::fill(out, 0.0);
  }
  if (out.device().is_cuda()) {
    cuda::index_add(out, d, contiguous(index), contiguous(src));
  } else {
    cpu::index_add(out, d, contiguous(index), contiguous(src));
  }
  return out;
}

// ---- Random masks ---------------------------------------------------------------------------

Tensor dropout_mask(const Shape& sizes, TensorOptions options, double p, uint64_t seed) {
  TIMBRE_CHECK(is_floating(options.dtype),
               "dropout_mask: expected a float32 or float64 dtype, got ",
               dtype_name(options.dtype));
  TIMBRE_CHECK(p >= 0.0 && p < 1.0, "dropout_mask: p must be in [0, 1), got ", p);
  Tensor out = empty(sizes, {.dtype = options.dtype, .device = options.device});
  if (out.device().is_cuda()) {
    cuda::dropout_mask(out, p, seed);
  } else {
    cpu::dropout_mask(out, p, seed);
  }
  return out;
}

}  // namespace timbre::kernels
