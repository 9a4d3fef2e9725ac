// tensor/cpu/cpu_kernels.h - the CPU implementations behind tensor/kernels.h. Each family lives in
// its own file (copy.cpp, elementwise.cpp, reduce.cpp, matmul.cpp, softmax.cpp, index.cpp).
// Arguments have already been checked by kernels.cpp (same device, dtype, compatible shapes).
#pragma once

#include "tensor/kernels.h"

namespace timbre::cpu {

void copy(const Tensor& dst, const Tensor& src);
void fill(const Tensor& x, double value);
void unary(UnaryOp op, const Tensor& x, const UnaryParams& params, const Tensor& out);
void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void where(const Tensor& condition, const Tensor& a, const Tensor& b, const Tensor& out);
void reduce(ReduceOp op, const Tensor& x, const std::vector<bool>& reduced, const Tensor& out);
void argmax(const Tensor& x, int64_t dim, const Tensor& out);
void matmul(const Tensor& a, const Tensor& b, const Tensor& out);
void softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out);
// cross_entropy.cpp (see kernels::cross_entropy_forward / _backward)
void cross_entropy_forward(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                           double label_smoothing, const Tensor& losses, const Tensor& log_probs);
void cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                            const Tensor& targets, const Tensor& weight, double label_smoothing,
                            const Tensor& grad_logits);
void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
void dropout_mask(const Tensor& out, double p, uint64_t seed);  // random.cpp

}  // namespace timbre::cpu
