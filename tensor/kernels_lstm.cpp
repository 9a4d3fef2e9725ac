// tensor/kernels_lstm.cpp - argument checks and CPU/CUDA dispatch of the fused LSTM-cell kernels.
#include "tensor/kernels_lstm.h"

#include <string>
#include <utility>
#include <vector>

#include "tensor/cpu/lstm_cell.h"
#include "tensor/cuda/cuda_kernels.h"

namespace timbre::kernels {

namespace {

// One argument of a kernel: its name (for the error message), the tensor and the shape it must
// have.
struct Argument {
  const char* name;
  const Tensor& tensor;
  Shape expected_shape;
};

// Checks everything the CPU kernels rely on: defined, shape, one dtype (floating), one device,
// contiguous. Throws a timbre::Error naming the kernel and the argument.
void check_arguments(const char* kernel, const std::vector<Argument>& arguments) {
  const Tensor& first = arguments.front().tensor;
  for (const Argument& argument : arguments) {
    const Tensor& t = argument.tensor;
    TIMBRE_CHECK(t.defined(), kernel, ": ", argument.name, " is undefined");
    TIMBRE_CHECK(t.sizes() == argument.expected_shape, kernel, ": expected ", argument.name,
                 " of shape ", shape_str(argument.expected_shape), ", got ", shape_str(t.sizes()));
    TIMBRE_CHECK(t.dtype() == first.dtype(), kernel, ": ", argument.name, " is ",
                 dtype_name(t.dtype()), " but ", arguments.front().name, " is ",
                 dtype_name(first.dtype()));
    TIMBRE_CHECK(t.device() == first.device(), kernel, ": expected all tensors on one device, got ",
                 first.device().str(), " and ", t.device().str());
    TIMBRE_CHECK(t.is_contiguous(), kernel, ": ", argument.name, " must be contiguous");
  }
  TIMBRE_CHECK(is_floating(first.dtype()), kernel, ": expected float32 or float64 tensors, got ",
               dtype_name(first.dtype()));
}

}  // namespace

void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell) {
  TIMBRE_CHECK(cell_previous.defined() && cell_previous.dim() == 2,
               "lstm_cell_forward: expected cell_previous of shape [N, H], got ",
               cell_previous.defined() ? shape_str(cell_previous.sizes()) : "undefined");
  const int64_t N = cell_previous.size(0), H = cell_previous.size(1);
  check_arguments("lstm_cell_forward", {{"cell_previous", cell_previous, {N, H}},
                                        {"gate_preactivations", gate_preactivations, {N, 4 * H}},
                                        {"hidden", hidden, {N, H}},
                                        {"cell", cell, {N, H}},
                                        {"gates", gates, {N, 4 * H}},
                                        {"tanh_cell", tanh_cell, {N, H}}});
  if (tanh_cell.device().is_cuda()) {
    cuda::lstm_cell_forward(gate_preactivations, cell_previous, hidden, cell, gates, tanh_cell);
  } else {
    cpu::lstm_cell_forward(gate_preactivations, cell_previous, hidden, cell, gates, tanh_cell);
  }
}

void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad) {
  TIMBRE_CHECK(cell_previous.defined() && cell_previous.dim() == 2,
               "lstm_cell_backward: expected cell_previous of shape [N, H], got ",
               cell_previous.defined() ? shape_str(cell_previous.sizes()) : "undefined");
  const int64_t N = cell_previous.size(0), H = cell_previous.size(1);
  check_arguments("lstm_cell_backward",
                  {{"cell_previous", cell_previous, {N, H}},
                   {"hidden_grad", hidden_grad, {N, H}},
                   {"cell_grad", cell_grad, {N, H}},
                   {"gates", gates, {N, 4 * H}},
                   {"tanh_cell", tanh_cell, {N, H}},
                   {"gate_preactivations_grad", gate_preactivations_grad, {N, 4 * H}},
                   {"cell_previous_grad", cell_previous_grad, {N, H}}});
  if (cell_previous_grad.device().is_cuda()) {
    cuda::lstm_cell_backward(hidden_grad, cell_grad, gates, tanh_cell, cell_previous,
                             gate_preactivations_grad, cell_previous_grad);
  } else {
    cpu::lstm_cell_backward(hidden_grad, cell_grad, gates, tanh_cell, cell_previous,
                            gate_preactivations_grad, cell_previous_grad);
  }
}

}  // namespace timbre::kernels
