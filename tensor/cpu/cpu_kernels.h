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
void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);

}  // namespace timbre::cpu
