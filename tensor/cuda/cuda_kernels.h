// tensor/cuda/cuda_kernels.h - the CUDA implementations behind the dispatch points
// (tensor/kernels*.cpp): the same functions, with the same arguments, as the CPU kernels in
// tensor/cpu/ - only the namespace differs. The dispatchers have already checked the arguments
// (one CUDA device, dtypes, shapes) and allocated the outputs on that device.
//
// Each family has two halves: a host file tensor/cuda/<family>.cpp (C++20: unpacks each Tensor
// into a DeviceTensor, tensor/cuda/describe.h) and a device file tensor/cuda/<family>.cu (C++17:
// the __global__ kernels and their launches). In a build without CUDA,
// tensor/cuda/cuda_unavailable.cpp defines these functions to throw a clear error instead (no
// tensor can be on a GPU there, so they are never reached).
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/kernels.h"
#include "tensor/kernels_conv.h"
#include "tensor/optimizer_math.h"

namespace timbre::cuda {

// ---- elementwise.cpp / elementwise.cu -------------------------------------------------------
void copy(const Tensor& dst, const Tensor& src);  // both on one GPU; converts the dtype
void fill(const Tensor& x, double value);
void unary(UnaryOp op, const Tensor& x, const UnaryParams& params, const Tensor& out);
void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void where(const Tensor& condition, const Tensor& a, const Tensor& b, const Tensor& out);

// ---- random.cpp / random.cu (the Philox generator of tensor/philox.h) ---------------------
// out[i] = scale if the i-th uniform draw of Philox(seed) is >= p, else 0, with
// scale = 1 / (1 - p): the inverted-dropout mask (bitwise equal to cpu::dropout_mask).
void dropout_mask(const Tensor& out, double p, uint64_t seed);

// ---- reduce.cpp / reduce.cu -------------------------------------------------------------
void reduce(ReduceOp op, const Tensor& x, const std::vector<bool>& reduced, const Tensor& out);
void argmax(const Tensor& x, int64_t dim, const Tensor& out);
double sum_of_squares(const Tensor& x);  // x contiguous

// ---- softmax.cpp / softmax.cu --------------------------------------------------------------
void softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out);
// Fused softmax cross-entropy (see kernels::cross_entropy_forward in tensor/kernels.h).
void cross_entropy_forward(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                           double label_smoothing, const Tensor& losses, const Tensor& log_probs);
void cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                            const Tensor& targets, const Tensor& weight, double label_smoothing,
                            const Tensor& grad_logits);

// ---- index.cpp / index.cu -----------------------------------------------------------------
void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);

// ---- matmul.cpp / matmul.cu (cuBLAS) --------------------------------------------------------
void matmul(const Tensor& a, const Tensor& b, const Tensor& out);

// ---- conv.cpp (cuDNN, or im2col + cuBLAS without it) ----------------------------------------
void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Conv2dParams& params, const Tensor& y);
void conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Conv2dParams& params,
                           const Tensor& grad_x);
void conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                            const Tensor& grad_weight);

// ---- pooling.cpp / pooling.cu -----------------------------------------------------------------
void max_pool2d_forward(const Tensor& x, const Pool2dParams& params, const Tensor& y,
                        const Tensor& indices);
void max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Tensor& grad_x);
void avg_pool2d_forward(const Tensor& x, const Pool2dParams& params, bool count_include_pad,
                        const Tensor& y);
void avg_pool2d_backward(const Tensor& grad_y, const Pool2dParams& params, bool count_include_pad,
                         const Tensor& grad_x);
void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& y);
void adaptive_avg_pool2d_backward(const Tensor& grad_y, const Tensor& grad_x);

// ---- lstm_cell.cpp / lstm_cell.cu (the math of tensor/lstm_cell_math.h) ---------------------
void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell);
void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad);

// ---- optimizer_update.cpp / optimizer_update.cu (the math of tensor/optimizer_math.h) --------
void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const math::SgdHyperparameters& hyperparameters);
void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const math::AdamHyperparameters& hyperparameters);

}  // namespace timbre::cuda
