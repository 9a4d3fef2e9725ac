// tensor/cpu/conv.cpp - 2-d convolution as im2col + GEMM, forward and both backward passes.
//
// A convolution is a matrix product in disguise. For one image, lay out every input patch the
// kernel sees as one COLUMN of a matrix (im2col, "image to columns"):
//
//   columns: [K, P]   K = C * KH * KW (one row per kernel tap), P = OH * OW (one column per
//                     output pixel)
//   columns[(c * KH + kh) * KW + kw][oh * OW + ow] = x[c][oh * sh - ph + kh * dh]
//                                                       [ow * sw - pw + kw * dw]   (0 in padding)
//
// Seen as a matrix [O, K], the weight [O, C, KH, KW] then gives the output with one GEMM:
//
//   forward:       y[O, P]        = weight[O, K] * columns[K, P]          (+ bias[o] on row o)
//   grad weight:   dweight[O, K] += dy[O, P] * columns^T[P, K]            (summed over images)
//   grad input:    dcolumns[K, P] = weight^T[K, O] * dy[O, P],  then col2im
//
// col2im is the adjoint of im2col: every entry of dcolumns is ADDED back to the input pixel it
// was copied from (a pixel under several kernel positions receives several contributions).
//
// Memory: the column matrix is KH * KW times larger than the image (75 x for a 5x5 kernel on 3
// channels: 36 MB for one 288x432 image). So we never build it whole: the output rows are cut
// into BANDS, and each band's columns ([K, rows * OW], about 192 KiB) are built, multiplied and
// dropped while they are still in the L2 cache. The bands of all images are independent pieces
// of work, which is also how the work is split between threads.
#include "tensor/cpu/conv.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "tensor/cpu/gemm.h"

namespace timbre::cpu {
namespace {

// The sizes of one convolution, read once from the tensors.
struct ConvShape {
  int64_t batch, in_channels, in_height, in_width;
  int64_t out_channels, kernel_height, kernel_width;
  int64_t out_height, out_width;
  Conv2dParams params;

  int64_t column_rows() const { return in_channels * kernel_height * kernel_width; }  // K
  int64_t input_pixels() const { return in_height * in_width; }
  int64_t output_pixels() const { return out_height * out_width; }  // P
};

ConvShape conv_shape(const Tensor& x, const Shape& weight_sizes, const Shape& y_sizes,
                     const Conv2dParams& params) {
  return {.batch = x.size(0),
          .in_channels = x.size(1),
          .in_height = x.size(2),
          .in_width = x.size(3),
          .out_channels = weight_sizes[0],
          .kernel_height = weight_sizes[2],
          .kernel_width = weight_sizes[3],
          .out_height = y_sizes[2],
          .out_width = y_sizes[3],
          .params = params};
}

// Output rows per band: as many as keep the band's column matrix near kColumnBandBytes, so
// that it and the GEMM's packed copy of it stay in the L2 cache (1 MiB here). At least one row.
constexpr int64_t kColumnBandBytes = 192 * 1024;

template <typename T>
int64_t rows_per_band(const ConvShape& s) {
  const int64_t row_bytes = s.column_rows() * s.out_width * static_cast<int64_t>(sizeof(T));
  return std::clamp<int64_t>(kColumnBandBytes / std::max<int64_t>(row_bytes, 1), 1,
                             std::max<int64_t>(s.out_height, 1));
}

// The output columns [begin, end) whose input column ow * stride + offset lies inside [0, W).
// Outside that range a kernel tap reads padding. Computed once per tap instead of testing every
// pixel, so that the copy loops below have no branch inside.
struct ValidRange {
  int64_t begin, end;
};

ValidRange valid_output_range(int64_t offset, int64_t stride, int64_t in_length,
                              int64_t out_length) {
  // First ow with ow * stride + offset >= 0, i.e. ow >= ceil(-offset / stride).
  const int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  // Last ow with ow * stride + offset <= in_length - 1.
  const int64_t last_input = in_length - 1 - offset;
  const int64_t end = last_input < 0 ? 0 : last_input / stride + 1;
  const int64_t clamped_end = std::min(end, out_length);
  return {std::min(begin, clamped_end), clamped_end};
}

// im2col for output rows [row_begin, row_end) of one image.
//   image:   [C, H, W]
//   columns: [K, B] with K = C * KH * KW, B = (row_end - row_begin) * OW
//   columns[(c * KH + kh) * KW + kw][(oh - row_begin) * OW + ow]
//       = image[c][oh * sh - ph + kh * dh][ow * sw - pw + kw * dw], or 0 outside the image.
template <typename T>
void im2col(const ConvShape& s, const T* image, int64_t row_begin, int64_t row_end, T* columns) {
  const Conv2dParams& p = s.params;
  const int64_t band_pixels = (row_end - row_begin) * s.out_width;
  for (int64_t c = 0; c < s.in_channels; ++c) {
    for (int64_t kh = 0; kh < s.kernel_height; ++kh) {
      for (int64_t kw = 0; kw < s.kernel_width; ++kw) {
        T* column_row = columns + ((c * s.kernel_height + kh) * s.kernel_width + kw) * band_pixels;
        const int64_t offset_w =
            kw * p.dilation.width - p.padding.width;  // iw = ow * sw + offset_w
        const ValidRange valid =
            valid_output_range(offset_w, p.stride.width, s.in_width, s.out_width);
        for (int64_t oh = row_begin; oh < row_end; ++oh) {
          T* out = column_row + (oh - row_begin) * s.out_width;
          const int64_t ih = oh * p.stride.height - p.padding.height + kh * p.dilation.height;
          if (ih < 0 || ih >= s.in_height) {  // the whole row reads padding
            std::fill(out, out + s.out_width, T(0));
            continue;
          }
          const T* in_row = image + (c * s.in_height + ih) * s.in_width;
          std::fill(out, out + valid.begin, T(0));
          if (p.stride.width == 1) {  // a plain contiguous copy: the common case, vectorised
            for (int64_t ow = valid.begin; ow < valid.end; ++ow)
              out[ow] = in_row[ow + offset_w];
          } else {
            const int64_t sw = p.stride.width;
            for (int64_t ow = valid.begin; ow < valid.end; ++ow) {
              out[ow] = in_row[ow * sw + offset_w];
            }
          }
          std::fill(out + valid.end, out + s.out_width, T(0));
        }
      }
    }
  }
}

// col2im, the adjoint of im2col: adds every entry of the band's columns to the pixel of the
// image that im2col copied it from (entries that came from padding are dropped).
//   columns: [K, B] as in im2col;  image: [C, H, W], accumulated into.
template <typename T>
void col2im(const ConvShape& s, const T* columns, int64_t row_begin, int64_t row_end, T* image) {
  const Conv2dParams& p = s.params;
  const int64_t band_pixels = (row_end - row_begin) * s.out_width;
  for (int64_t c = 0; c < s.in_channels; ++c) {
    for (int64_t kh = 0; kh < s.kernel_height; ++kh) {
      for (int64_t kw = 0; kw < s.kernel_width; ++kw) {
        const T* column_row =
            columns + ((c * s.kernel_height + kh) * s.kernel_width + kw) * band_pixels;
        const int64_t offset_w = kw * p.dilation.width - p.padding.width;
        const ValidRange valid =
            valid_output_range(offset_w, p.stride.width, s.in_width, s.out_width);
        for (int64_t oh = row_begin; oh < row_end; ++oh) {
          const int64_t ih = oh * p.stride.height - p.padding.height + kh * p.dilation.height;
          if (ih < 0 || ih >= s.in_height) continue;
          const T* in = column_row + (oh - row_begin) * s.out_width;
          T* image_row = image + (c * s.in_height + ih) * s.in_width;
          const int64_t sw = p.stride.width;
          for (int64_t ow = valid.begin; ow < valid.end; ++ow) {
            image_row[ow * sw + offset_w] += in[ow];
          }
        }
      }
    }
  }
}

// One band of work: output rows [row_begin, row_end) of image `image_index`.
struct Band {
  int64_t image_index, row_begin, row_end;
};

Band band_of(const ConvShape& s, int64_t rows, int64_t item) {
  const int64_t bands_per_image = (s.out_height + rows - 1) / rows;
  const int64_t row_begin = (item % bands_per_image) * rows;
  return {item / bands_per_image, row_begin, std::min(s.out_height, row_begin + rows)};
}

int64_t band_count(const ConvShape& s, int64_t rows) {
  return s.batch * ((s.out_height + rows - 1) / rows);
}

// ---- Forward ----------------------------------------------------------------------------------

// x: [N, C, H, W], weight: [O, K], bias: [O] or null -> y: [N, O, OH, OW]
// Threads: with at least one band per thread, each thread takes whole bands (its own column
// buffer; the GEMM inside then runs on that one thread). Otherwise the bands run one after the
// other and the GEMM itself uses all threads.
template <typename T>
void conv2d_forward_typed(const ConvShape& s, const T* x, const T* weight, const T* bias, T* y) {
  const int64_t K = s.column_rows(), P = s.output_pixels();
  const int64_t rows = rows_per_band<T>(s);
  const int64_t items = band_count(s, rows);

  auto run_band = [&](int64_t item, T* columns) {
    const Band band = band_of(s, rows, item);
    const int64_t band_pixels = (band.row_end - band.row_begin) * s.out_width;
    im2col(s, x + band.image_index * s.in_channels * s.input_pixels(), band.row_begin, band.row_end,
           columns);
    // The band's slice of y: O rows of band_pixels, P apart.
    T* y_band = y + band.image_index * s.out_channels * P + band.row_begin * s.out_width;
    // y_band[O, B] = weight[O, K] * columns[K, B]
    gemm(s.out_channels, band_pixels, K, T(1), weight, K, 1, columns, band_pixels, 1, T(0), y_band,
         P);
    if (bias != nullptr) {
      for (int64_t o = 0; o < s.out_channels; ++o) {
        T* y_row = y_band + o * P;
        for (int64_t i = 0; i < band_pixels; ++i)
          y_row[i] += bias[o];
      }
    }
  };

  const size_t buffer_size = static_cast<size_t>(K * rows * s.out_width);
  if (items >= omp_get_max_threads() && items > 1) {
#pragma omp parallel
    {
      std::vector<T> columns(buffer_size);
#pragma omp for schedule(static)
      for (int64_t item = 0; item < items; ++item)
        run_band(item, columns.data());
    }
  } else {
    std::vector<T> columns(buffer_size);
    for (int64_t item = 0; item < items; ++item)
      run_band(item, columns.data());
  }
}

// ---- Backward: input ----------------------------------------------------------------------------

// grad_y: [N, O, OH, OW], weight: [O, K] -> grad_x: [N, C, H, W] (zeroed first)
// Threads: col2im of neighbouring bands adds into overlapping input rows, so one image belongs
// to one thread (whole images are split between threads when there are enough of them).
template <typename T>
void conv2d_backward_input_typed(const ConvShape& s, const T* grad_y, const T* weight, T* grad_x) {
  const int64_t K = s.column_rows(), P = s.output_pixels();
  const int64_t rows = rows_per_band<T>(s);
  const int64_t bands_per_image = (s.out_height + rows - 1) / rows;
  std::fill(grad_x, grad_x + s.batch * s.in_channels * s.input_pixels(), T(0));

  auto run_image = [&](int64_t n, T* columns) {
    for (int64_t band_index = 0; band_index < bands_per_image; ++band_index) {
      const Band band = band_of(s, rows, n * bands_per_image + band_index);
      const int64_t band_pixels = (band.row_end - band.row_begin) * s.out_width;
      const T* grad_y_band = grad_y + n * s.out_channels * P + band.row_begin * s.out_width;
      // dcolumns[K, B] = weight^T[K, O] * grad_y_band[O, B]; weight^T is weight read with its
      // strides swapped (element (k, o) at weight[o * K + k]), no copy.
      gemm(K, band_pixels, s.out_channels, T(1), weight, 1, K, grad_y_band, P, 1, T(0), columns,
           band_pixels);
      col2im(s, columns, band.row_begin, band.row_end,
             grad_x + n * s.in_channels * s.input_pixels());
    }
  };

  const size_t buffer_size = static_cast<size_t>(K * rows * s.out_width);
  if (s.batch >= omp_get_max_threads() && s.batch > 1) {
#pragma omp parallel
    {
      std::vector<T> columns(buffer_size);
#pragma omp for schedule(static)
      for (int64_t n = 0; n < s.batch; ++n)
        run_image(n, columns.data());
    }
  } else {
    std::vector<T> columns(buffer_size);
    for (int64_t n = 0; n < s.batch; ++n)
      run_image(n, columns.data());
  }
}

// ---- Backward: weight ---------------------------------------------------------------------------

// grad_y: [N, O, OH, OW], x: [N, C, H, W] -> grad_weight: [O, K] (overwritten)
// Every band adds its product into the same [O, K] matrix. So that threads never write to the
// same memory, each thread sums its bands into its own copy, and the copies are added at the end
// in thread order (the result is the same on every run with the same number of threads).
template <typename T>
void conv2d_backward_weight_typed(const ConvShape& s, const T* grad_y, const T* x, T* grad_weight) {
  const int64_t K = s.column_rows(), P = s.output_pixels();
  const int64_t rows = rows_per_band<T>(s);
  const int64_t items = band_count(s, rows);
  const int64_t weight_count = s.out_channels * K;

  // Adds one band's dweight[O, K] += grad_y_band[O, B] * columns^T[B, K] into `sum`.
  auto run_band = [&](int64_t item, T* columns, T* sum) {
    const Band band = band_of(s, rows, item);
    const int64_t band_pixels = (band.row_end - band.row_begin) * s.out_width;
    im2col(s, x + band.image_index * s.in_channels * s.input_pixels(), band.row_begin, band.row_end,
           columns);
    const T* grad_y_band =
        grad_y + band.image_index * s.out_channels * P + band.row_begin * s.out_width;
    // columns^T: element (b, k) at columns[k * B + b], i.e. row stride 1, column stride B.
    gemm(s.out_channels, K, band_pixels, T(1), grad_y_band, P, 1, columns, 1, band_pixels, T(1),
         sum, K);
  };

  const size_t buffer_size = static_cast<size_t>(K * rows * s.out_width);
  std::fill(grad_weight, grad_weight + weight_count, T(0));
  const int threads = omp_get_max_threads();
  if (items >= threads && items > 1) {
    std::vector<T> partial_sums(static_cast<size_t>(threads * weight_count), T(0));
#pragma omp parallel num_threads(threads)
    {
      std::vector<T> columns(buffer_size);
      T* sum = partial_sums.data() + omp_get_thread_num() * weight_count;
#pragma omp for schedule(static)
      for (int64_t item = 0; item < items; ++item)
        run_band(item, columns.data(), sum);
    }
    for (int t = 0; t < threads; ++t) {
      const T* sum = partial_sums.data() + t * weight_count;
      for (int64_t i = 0; i < weight_count; ++i)
        grad_weight[i] += sum[i];
    }
  } else {
    std::vector<T> columns(buffer_size);
    for (int64_t item = 0; item < items; ++item)
      run_band(item, columns.data(), grad_weight);
  }
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Conv2dParams& params, const Tensor& y) {
  const ConvShape s = conv_shape(x, weight.sizes(), y.sizes(), params);
  dispatch_floating(x.dtype(), "conv2d", [&]<typename T>() {
    conv2d_forward_typed<T>(s, x.data_ptr<T>(), weight.data_ptr<T>(),
                            bias.defined() ? bias.data_ptr<T>() : nullptr, y.data_ptr<T>());
  });
}

void conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Conv2dParams& params,
                           const Tensor& grad_x) {
  const ConvShape s = conv_shape(grad_x, weight.sizes(), grad_y.sizes(), params);
  dispatch_floating(grad_y.dtype(), "conv2d_backward_input", [&]<typename T>() {
    conv2d_backward_input_typed<T>(s, grad_y.data_ptr<T>(), weight.data_ptr<T>(),
                                   grad_x.data_ptr<T>());
  });
}

void conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                            const Tensor& grad_weight) {
  const ConvShape s = conv_shape(x, grad_weight.sizes(), grad_y.sizes(), params);
  dispatch_floating(grad_y.dtype(), "conv2d_backward_weight", [&]<typename T>() {
    conv2d_backward_weight_typed<T>(s, grad_y.data_ptr<T>(), x.data_ptr<T>(),
                                    grad_weight.data_ptr<T>());
  });
}

}  // namespace timbre::cpu
