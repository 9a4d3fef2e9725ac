// tensor/cuda/im2col_launch.h - the launches of tensor/cuda/im2col.cu (C++17): the column
// matrix of one image and its adjoint, for convolution as a matrix product (see
// tensor/cpu/conv.cpp for the derivation; the layout here is the same).
#pragma once

#include <cstdint>

#include "tensor/cuda/conv_geometry.h"
#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda::launch {

// image: [C, H, W] contiguous -> columns: [C * KH * KW, OH * OW],
// columns[(c * KH + kh) * KW + kw][oh * OW + ow] = image[c][oh*sh - ph + kh*dh][ow*sw - pw + kw*dw]
// (0 where that falls in the padding).
void im2col(ElementType type, int device, const void* image, const ConvGeometry& g, void* columns);

// The adjoint: image[c][h][w] = sum of every columns entry that im2col copied from (c, h, w).
// Overwrites image (no accumulation across calls).
void col2im(ElementType type, int device, const void* columns, const ConvGeometry& g, void* image);

// y: [N, O, P] contiguous; y[n][o][p] += bias[o].
void add_bias(ElementType type, int device, void* y, const void* bias, int64_t N, int64_t O,
              int64_t P);

}  // namespace timbre::cuda::launch
