// tensor/cuda/conv_geometry.h - the sizes of one 2-d convolution or pooling, as plain numbers a
// kernel can take (C++17; filled in by the host halves from the tensors and Conv2dParams).
#pragma once

#include <cstdint>

#include "tensor/elementwise_math.h"  // TIMBRE_HOST_DEVICE

namespace timbre::cuda {

struct ConvGeometry {
  int64_t batch, channels, height, width;             // x: [N, C, H, W]
  int64_t out_channels, kernel_height, kernel_width;  // weight: [O, C, KH, KW]
  int64_t out_height, out_width;                      // y: [N, O, OH, OW]
  int64_t stride_h, stride_w, padding_h, padding_w, dilation_h, dilation_w;

  TIMBRE_HOST_DEVICE int64_t column_rows() const {
    return channels * kernel_height * kernel_width;
  }                                                                                    // K
  TIMBRE_HOST_DEVICE int64_t output_pixels() const { return out_height * out_width; }  // P
};

}  // namespace timbre::cuda
