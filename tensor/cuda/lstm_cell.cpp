// tensor/cuda/lstm_cell.cpp - host half of the fused LSTM-cell kernels.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/lstm_cell_launch.h"

namespace timbre::cuda {

void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell) {
  launch::lstm_cell_forward(
      element_type(cell_previous.dtype()), cell_previous.device().index, cell_previous.size(0),
      cell_previous.size(1), gate_preactivations.raw_data_ptr(), cell_previous.raw_data_ptr(),
      hidden.raw_data_ptr(), cell.raw_data_ptr(), gates.raw_data_ptr(), tanh_cell.raw_data_ptr());
}

void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad) {
  launch::lstm_cell_backward(
      element_type(cell_previous.dtype()), cell_previous.device().index, cell_previous.size(0),
      cell_previous.size(1), hidden_grad.raw_data_ptr(), cell_grad.raw_data_ptr(),
      gates.raw_data_ptr(), tanh_cell.raw_data_ptr(), cell_previous.raw_data_ptr(),
      gate_preactivations_grad.raw_data_ptr(), cell_previous_grad.raw_data_ptr());
}

}  // namespace timbre::cuda
