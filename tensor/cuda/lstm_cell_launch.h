// tensor/cuda/lstm_cell_launch.h - the launches of tensor/cuda/lstm_cell.cu (C++17).
// N = batch, H = hidden size; every array contiguous; gates in PyTorch's order [i | f | g | o].
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda::launch {

// gate_preactivations [N, 4H], cell_previous [N, H]
//   -> hidden [N, H], cell [N, H], gates [N, 4H], tanh_cell [N, H]
void lstm_cell_forward(ElementType type, int device, int64_t N, int64_t H,
                       const void* gate_preactivations, const void* cell_previous, void* hidden,
                       void* cell, void* gates, void* tanh_cell);

// hidden_grad [N, H], cell_grad [N, H], gates [N, 4H], tanh_cell [N, H], cell_previous [N, H]
//   -> gate_preactivations_grad [N, 4H], cell_previous_grad [N, H]
void lstm_cell_backward(ElementType type, int device, int64_t N, int64_t H, const void* hidden_grad,
                        const void* cell_grad, const void* gates, const void* tanh_cell,
                        const void* cell_previous, void* gate_preactivations_grad,
                        void* cell_previous_grad);

}  // namespace timbre::cuda::launch
