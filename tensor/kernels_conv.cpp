// tensor/kernels_conv.cpp - checks, allocation and backend choice for convolution and pooling.
//
// Like tensor/kernels.cpp: (1) check what the kernels rely on, with errors that name the op and
// the shapes; (2) make the inputs contiguous (the kernels read flat NCHW arrays) and allocate
// the result on their device; (3) call that backend's kernel (cpu:: or cuda::).
#include "tensor/kernels_conv.h"

#include <initializer_list>

#include "tensor/cpu/conv.h"
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/kernels.h"

namespace timbre {

int64_t conv_output_length(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                           int64_t dilation) {
  // The dilated kernel spans dilation * (kernel - 1) + 1 pixels.
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t room = in + 2 * padding - span;  // how far the kernel can slide
  return room < 0 ? 0 : room / stride + 1;
}

int64_t pool_output_length(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                           bool ceil_mode) {
  const int64_t room = in + 2 * padding - kernel;
  if (room < 0) return 0;
  int64_t length = (ceil_mode ? (room + stride - 1) / stride : room / stride) + 1;
  // With ceil_mode the last window may start past the input and its left padding; drop it.
  if (ceil_mode && (length - 1) * stride >= in + padding) --length;
  return length;
}

namespace kernels {

namespace {

// Every tensor on one device; throws naming the op and both devices.
void check_one_device(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Device device = (*tensors.begin())->device();
  for (const Tensor* t : tensors) {
    TIMBRE_CHECK(t->device() == device, op, ": expected all tensors on one device, got ",
                 device.str(), " and ", t->device().str());
  }
}

void check_floating_and_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  TIMBRE_CHECK(is_floating(a.dtype()), op, ": expected float32 or float64, got ",
               dtype_name(a.dtype()));
  TIMBRE_CHECK(a.dtype() == b.dtype(), op, ": dtypes differ: ", dtype_name(a.dtype()), " ",
               shape_str(a.sizes()), " and ", dtype_name(b.dtype()), " ", shape_str(b.sizes()),
               " (convert one with .to(dtype))");
}

void check_image(const char* op, const char* what, const Tensor& t) {
  TIMBRE_CHECK(t.dim() == 4, op, ": expected ", what, " of shape [N, C, H, W], got ",
               shape_str(t.sizes()));
}

void check_conv_params(const char* op, const Conv2dParams& p) {
  TIMBRE_CHECK(p.stride.height >= 1 && p.stride.width >= 1, op, ": stride must be >= 1, got {",
               p.stride.height, ", ", p.stride.width, "}");
  TIMBRE_CHECK(p.dilation.height >= 1 && p.dilation.width >= 1, op,
               ": dilation must be >= 1, got {", p.dilation.height, ", ", p.dilation.width, "}");
  TIMBRE_CHECK(p.padding.height >= 0 && p.padding.width >= 0, op, ": padding must be >= 0, got {",
               p.padding.height, ", ", p.padding.width, "}");
}

// The output shape [N, O, OH, OW] of a convolution of an input of x_sizes with a weight of
// weight_sizes. Throws, naming both shapes, when the dilated kernel is larger than the padded
// input.
Shape conv_output_sizes(const char* op, const Shape& x_sizes, const Shape& weight_sizes,
                        const Conv2dParams& p) {
  const int64_t KH = weight_sizes[2], KW = weight_sizes[3];
  const int64_t span_h = p.dilation.height * (KH - 1) + 1;
  const int64_t span_w = p.dilation.width * (KW - 1) + 1;
  const int64_t padded_h = x_sizes[2] + 2 * p.padding.height;
  const int64_t padded_w = x_sizes[3] + 2 * p.padding.width;
  TIMBRE_CHECK(span_h <= padded_h && span_w <= padded_w, op, ": kernel ", KH, "x", KW, " (dilated ",
               span_h, "x", span_w, ") of weight ", shape_str(weight_sizes),
               " is larger than the padded input ", padded_h, "x", padded_w, " of input ",
               shape_str(x_sizes));
  return {x_sizes[0], weight_sizes[0],
          conv_output_length(x_sizes[2], KH, p.stride.height, p.padding.height, p.dilation.height),
          conv_output_length(x_sizes[3], KW, p.stride.width, p.padding.width, p.dilation.width)};
}

// Checks x and weight of a convolution and returns y's shape.
Shape check_conv(const char* op, const Shape& x_sizes, const Shape& weight_sizes,
                 const Conv2dParams& p) {
  TIMBRE_CHECK(x_sizes.size() == 4, op, ": expected input of shape [N, C, H, W], got ",
               shape_str(x_sizes));
  TIMBRE_CHECK(weight_sizes.size() == 4, op, ": expected weight of shape [O, C, KH, KW], got ",
               shape_str(weight_sizes));
  TIMBRE_CHECK(x_sizes[1] == weight_sizes[1], op, ": input ", shape_str(x_sizes), " has ",
               x_sizes[1], " channels but weight ", shape_str(weight_sizes), " expects ",
               weight_sizes[1]);
  check_conv_params(op, p);
  return conv_output_sizes(op, x_sizes, weight_sizes, p);
}

}  // namespace

// ---- Convolution ----------------------------------------------------------------------------

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dParams& params) {
  if (bias.defined()) {
    check_one_device("conv2d", {&x, &weight, &bias});
    check_floating_and_same_dtype("conv2d", x, bias);
    TIMBRE_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), "conv2d: bias ",
                 shape_str(bias.sizes()), " must have shape [", weight.size(0), "] for weight ",
                 shape_str(weight.sizes()));
  } else {
    check_one_device("conv2d", {&x, &weight});
  }
  check_floating_and_same_dtype("conv2d", x, weight);
  const Shape y_sizes = check_conv("conv2d", x.sizes(), weight.sizes(), params);
  Tensor y = empty(y_sizes, {.dtype = x.dtype(), .device = x.device()});
  if (y.device().is_cuda()) {
    cuda::conv2d_forward(contiguous(x), contiguous(weight),
                         bias.defined() ? contiguous(bias) : Tensor(), params, y);
  } else {
    cpu::conv2d_forward(contiguous(x), contiguous(weight),
                        bias.defined() ? contiguous(bias) : Tensor(), params, y);
  }
  return y;
}

Tensor conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Shape& input_sizes,
                             const Conv2dParams& params) {
  const char* op = "conv2d_backward_input";
  check_one_device(op, {&grad_y, &weight});
  check_floating_and_same_dtype(op, grad_y, weight);
  const Shape y_sizes = check_conv(op, input_sizes, weight.sizes(), params);
  TIMBRE_CHECK(grad_y.sizes() == y_sizes, op, ": gradient ", shape_str(grad_y.sizes()),
               " does not match the output shape ", shape_str(y_sizes));
  Tensor grad_x = empty(input_sizes, {.dtype = grad_y.dtype(), .device = grad_y.device()});
  if (grad_x.device().is_cuda()) {
    cuda::conv2d_backward_input(contiguous(grad_y), contiguous(weight), params, grad_x);
  } else {
    cpu::conv2d_backward_input(contiguous(grad_y), contiguous(weight), params, grad_x);
  }
  return grad_x;
}

Tensor conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Shape& weight_sizes,
                              const Conv2dParams& params) {
  const char* op = "conv2d_backward_weight";
  check_one_device(op, {&grad_y, &x});
  check_floating_and_same_dtype(op, grad_y, x);
  const Shape y_sizes = check_conv(op, x.sizes(), weight_sizes, params);
  TIMBRE_CHECK(grad_y.sizes() == y_sizes, op, ": gradient ", shape_str(grad_y.sizes()),
               " does not match the output shape ", shape_str(y_sizes));
  Tensor grad_weight = empty(weight_sizes, {.dtype = x.dtype(), .device = x.device()});
  if (grad_weight.device().is_cuda()) {
    cuda::conv2d_backward_weight(contiguous(grad_y), contiguous(x), params, grad_weight);
  } else {
    cpu::conv2d_backward_weight(contiguous(grad_y), contiguous(x), params, grad_weight);
  }
  return grad_weight;
}

// ---- Pooling --------------------------------------------------------------------------------

namespace {

// Checks a pooling input and window; returns the output shape [N, C, OH, OW].
Shape check_pool(const char* op, const Tensor& x, const Pool2dParams& p) {
  check_one_device(op, {&x});
  TIMBRE_CHECK(is_floating(x.dtype()), op, ": expected float32 or float64, got ",
               dtype_name(x.dtype()));
  check_image(op, "input", x);
  TIMBRE_CHECK(p.kernel.height >= 1 && p.kernel.width >= 1, op, ": kernel must be >= 1, got {",
               p.kernel.height, ", ", p.kernel.width, "}");
  TIMBRE_CHECK(p.stride.height >= 1 && p.stride.width >= 1, op, ": stride must be >= 1, got {",
               p.stride.height, ", ", p.stride.width, "}");
  // PyTorch's rule: more padding than half the window would give windows of padding only.
  TIMBRE_CHECK(p.padding.height >= 0 && p.padding.width >= 0 &&
                   p.padding.height <= p.kernel.height / 2 && p.padding.width <= p.kernel.width / 2,
               op, ": padding {", p.padding.height, ", ", p.padding.width,
               "} must be between 0 and half the kernel {", p.kernel.height, ", ", p.kernel.width,
               "}");
  const int64_t OH = pool_output_length(x.size(2), p.kernel.height, p.stride.height,
                                        p.padding.height, p.ceil_mode);
  const int64_t OW =
      pool_output_length(x.size(3), p.kernel.width, p.stride.width, p.padding.width, p.ceil_mode);
  TIMBRE_CHECK(OH >= 1 && OW >= 1, op, ": kernel {", p.kernel.height, ", ", p.kernel.width,
               "} is larger than the padded input ", shape_str(x.sizes()));
  return {x.size(0), x.size(1), OH, OW};
}

void check_grad_shape(const char* op, const Tensor& grad_y, const Shape& input_sizes) {
  TIMBRE_CHECK(grad_y.dim() == 4 && input_sizes.size() == 4 && grad_y.size(0) == input_sizes[0] &&
                   grad_y.size(1) == input_sizes[1],
               op, ": gradient ", shape_str(grad_y.sizes()), " does not fit input ",
               shape_str(input_sizes));
  check_one_device(op, {&grad_y});
  TIMBRE_CHECK(is_floating(grad_y.dtype()), op, ": expected float32 or float64, got ",
               dtype_name(grad_y.dtype()));
}

}  // namespace

std::pair<Tensor, Tensor> max_pool2d(const Tensor& x, const Pool2dParams& params) {
  const Shape y_sizes = check_pool("max_pool2d", x, params);
  Tensor y = empty(y_sizes, {.dtype = x.dtype(), .device = x.device()});
  Tensor indices = empty(y_sizes, {.dtype = DType::Int64, .device = x.device()});
  if (indices.device().is_cuda()) {
    cuda::max_pool2d_forward(contiguous(x), params, y, indices);
  } else {
    cpu::max_pool2d_forward(contiguous(x), params, y, indices);
  }
  return {y, indices};
}

Tensor max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Shape& input_sizes) {
  const char* op = "max_pool2d_backward";
  check_grad_shape(op, grad_y, input_sizes);
  TIMBRE_CHECK(indices.dtype() == DType::Int64 && indices.sizes() == grad_y.sizes(), op,
               ": indices must be int64 of the gradient's shape ", shape_str(grad_y.sizes()),
               ", got ", dtype_name(indices.dtype()), " ", shape_str(indices.sizes()));
  Tensor grad_x = empty(input_sizes, {.dtype = grad_y.dtype(), .device = grad_y.device()});
  if (grad_x.device().is_cuda()) {
    cuda::max_pool2d_backward(contiguous(grad_y), contiguous(indices), grad_x);
  } else {
    cpu::max_pool2d_backward(contiguous(grad_y), contiguous(indices), grad_x);
  }
  return grad_x;
}

Tensor avg_pool2d(const Tensor& x, const Pool2dParams& params, bool count_include_pad) {
  const Shape y_sizes = check_pool("avg_pool2d", x, params);
  Tensor y = empty(y_sizes, {.dtype = x.dtype(), .device = x.device()});
  if (y.device().is_cuda()) {
    cuda::avg_pool2d_forward(contiguous(x), params, count_include_pad, y);
  } else {
    cpu::avg_pool2d_forward(contiguous(x), params, count_include_pad, y);
  }
  return y;
}

Tensor avg_pool2d_backward(const Tensor& grad_y, const Shape& input_sizes,
                           const Pool2dParams& params, bool count_include_pad) {
  const char* op = "avg_pool2d_backward";
  check_grad_shape(op, grad_y, input_sizes);
  Tensor grad_x = empty(input_sizes, {.dtype = grad_y.dtype(), .device = grad_y.device()});
  TIMBRE_CHECK(check_pool(op, grad_x, params) == grad_y.sizes(), op, ": gradient ",
               shape_str(grad_y.sizes()), " does not match the pooled shape of ",
               shape_str(input_sizes));
  if (grad_x.device().is_cuda()) {
    cuda::avg_pool2d_backward(contiguous(grad_y), params, count_include_pad, grad_x);
  } else {
    cpu::avg_pool2d_backward(contiguous(grad_y), params, count_include_pad, grad_x);
  }
  return grad_x;
}

Tensor adaptive_avg_pool2d(const Tensor& x, Size2d output_size) {
  const char* op = "adaptive_avg_pool2d";
  check_one_device(op, {&x});
  TIMBRE_CHECK(is_floating(x.dtype()), op, ": expected float32 or float64, got ",
               dtype_name(x.dtype()));
  check_image(op, "input", x);
  TIMBRE_CHECK(output_size.height >= 1 && output_size.width >= 1, op,
               ": output size must be >= 1, got {", output_size.height, ", ", output_size.width,
               "}");
  TIMBRE_CHECK(x.size(2) >= 1 && x.size(3) >= 1, op, ": input ", shape_str(x.sizes()),
               " has no pixels to average");
  Tensor y = empty({x.size(0), x.size(1), output_size.height, output_size.width},
                   {.dtype = x.dtype(), .device = x.device()});
  if (y.device().is_cuda()) {
    cuda::adaptive_avg_pool2d_forward(contiguous(x), y);
  } else {
    cpu::adaptive_avg_pool2d_forward(contiguous(x), y);
  }
  return y;
}

Tensor adaptive_avg_pool2d_backward(const Tensor& grad_y, const Shape& input_sizes) {
  check_grad_shape("adaptive_avg_pool2d_backward", grad_y, input_sizes);
  Tensor grad_x = empty(input_sizes, {.dtype = grad_y.dtype(), .device = grad_y.device()});
  if (grad_x.device().is_cuda()) {
    cuda::adaptive_avg_pool2d_backward(contiguous(grad_y), grad_x);
  } else {
    cpu::adaptive_avg_pool2d_backward(contiguous(grad_y), grad_x);
  }
  return grad_x;
}

}  // namespace kernels
}  // namespace timbre
