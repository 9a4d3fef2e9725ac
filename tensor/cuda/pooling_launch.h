// tensor/cuda/pooling_launch.h - the launches of tensor/cuda/pooling.cu (C++17).
// Every tensor is contiguous NCHW, seen as `planes` = N * C independent [H, W] planes.
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda {

struct PoolGeometry {
  int64_t planes, height, width, out_height, out_width;
  int64_t kernel_h, kernel_w, stride_h, stride_w, padding_h, padding_w;
};

namespace launch {

// x: [planes, H, W] -> y, indices (int64): [planes, OH, OW]  (same rules as the CPU kernel)
void max_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g, void* y,
                        int64_t* indices);
// grad_y, indices: [planes, OH, OW] -> grad_x: [planes, H, W] (overwritten)
void max_pool2d_backward(ElementType type, int device, const void* grad_y, const int64_t* indices,
                         const PoolGeometry& g, void* grad_x);
// x: [planes, H, W] -> y: [planes, OH, OW]
void avg_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g,
                        bool count_include_pad, void* y);
// grad_y: [planes, OH, OW] -> grad_x: [planes, H, W] (overwritten)
void avg_pool2d_backward(ElementType type, int device, const void* grad_y, const PoolGeometry& g,
                         bool count_include_pad, void* grad_x);
// Adaptive average pooling (kernel/stride/padding of g unused).
void adaptive_avg_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g,
                                 void* y);
void adaptive_avg_pool2d_backward(ElementType type, int device, const void* grad_y,
                                  const PoolGeometry& g, void* grad_x);

}  // namespace launch
}  // namespace timbre::cuda
