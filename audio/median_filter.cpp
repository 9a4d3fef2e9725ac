// audio/median_filter.cpp - sliding-window median filter with scipy.ndimage's 'reflect' edges.
#include "audio/median_filter.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "audio/median_network.h"
#include "audio/padding_index.h"
#include "audio/target_clones.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// Number of entries of sorted[0 .. window-1] that are < value (or <= value with `inclusive`):
// the insertion point of a binary search, computed by a branch-free count the compiler turns
// into SIMD compares. For windows of a few dozen values this beats std::lower_bound, whose
// unpredictable branches cost more than the extra comparisons.
template <typename T>
inline __attribute__((always_inline)) int64_t count_below(const T* sorted, int64_t window, T value,
                                                          bool inclusive) {
  // A 32-bit counter has the width of a float compare's mask, so each vector of compares adds
  // straight into a vector of counters (a 64-bit one needs widening first).
  int32_t count = 0;
  if (inclusive) {
    for (int64_t j = 0; j < window; ++j)
      count += sorted[j] <= value ? 1 : 0;
  } else {
    for (int64_t j = 0; j < window; ++j)
      count += sorted[j] < value ? 1 : 0;
  }
  return count;
}

// The median filter of one sequence, read from extended[0 .. length + window - 2], where
// extended[j] holds the (reflected) sample at position j - window/2. Output i is the median of
// extended[i .. i + window - 1].
//
// `sorted` holds the current window in increasing order. Each step replaces the sample that
// leaves (extended[i - 1]) by the one that enters (extended[i + window - 1]):
//   1. the leaving value's slot p = #values < leaving (any equal value will do: equal values are
//      interchangeable in a sorted list);
//   2. the entering value's place q among the others;
//   3. shift the values between p and q by one slot (one memmove) and write the new value.
// The list stays sorted, and the median is sorted[window / 2] (scipy's rank window/2: for even
// windows the upper middle value). Cost per output: O(window) simple operations (vectorised
// compares plus a short move) instead of O(window log window) for re-sorting.
// extended: [length + window - 1] -> output[i * output_stride], i = 0 .. length - 1
template <typename T>
inline __attribute__((always_inline)) void sliding_median(const T* extended, int64_t length,
                                                          int64_t window, T* output,
                                                          int64_t output_stride,
                                                          std::vector<T>& sorted_window) {
  sorted_window.assign(extended, extended + window);
  std::sort(sorted_window.begin(), sorted_window.end());
  T* sorted = sorted_window.data();
  const int64_t rank = window / 2;
  output[0] = sorted[rank];
  for (int64_t i = 1; i < length; ++i) {
    const T leaving = extended[i - 1];
    const T entering = extended[i + window - 1];
    const int64_t slot = count_below(sorted, window, leaving, /*inclusive=*/false);
    if (entering > leaving) {
      // Goes right of the freed slot: shift (slot, target) left by one, target = first >= new.
      const int64_t target = count_below(sorted, window, entering, /*inclusive=*/false);
      std::memmove(sorted + slot, sorted + slot + 1,
                   static_cast<size_t>(target - slot - 1) * sizeof(T));
      sorted[target - 1] = entering;
    } else if (entering < leaving) {
      // Goes left: shift [target, slot) right by one, target = first > new.
      const int64_t target = count_below(sorted, window, entering, /*inclusive=*/true);
      std::memmove(sorted + target + 1, sorted + target,
                   static_cast<size_t>(slot - target) * sizeof(T));
      sorted[target] = entering;
    }
    // (equal values: nothing moves)
    output[i * output_stride] = sorted[rank];
  }
}

// sliding_median for float (the dtype of every spectrogram HPSS sees) compiled for baseline x86-64
// (SSE2: 4 compares per instruction) and for AVX2 (8) (audio/target_clones.h); compares and moves
// only, so both give identical results.

TIMBRE_AVX2_CLONES void sliding_median_float(const float* extended, int64_t length, int64_t window,
                                             float* output, int64_t output_stride,
                                             std::vector<float>& sorted) {
  sliding_median(extended, length, window, output, output_stride, sorted);
}

template <typename T>
void sliding_median_any(const T* extended, int64_t length, int64_t window, T* output,
                        int64_t output_stride, std::vector<T>& sorted) {
  if constexpr (std::is_same_v<T, float>) {
    sliding_median_float(extended, length, window, output, output_stride, sorted);
  } else {
    sliding_median(extended, length, window, output, output_stride, sorted);
  }
}

// Fills extended[0 .. length + window - 2] with input[reflect(j - window/2) * stride].
template <typename T>
void extend_reflect(const T* input, int64_t length, int64_t stride, int64_t window,
                    std::vector<T>& extended) {
  const int64_t before = window / 2;
  extended.resize(static_cast<size_t>(length + window - 1));
  for (int64_t j = 0; j < length + window - 1; ++j) {
    extended[j] = input[scipy_reflect_index(j - before, length) * stride];
  }
}

// float32 filters through the median networks (median_network.h), which take the medians down
// `lanes` columns at once (16 with AVX-512, 8 with AVX2). Same results as the sliding window,
// since both select the element of rank window / 2. in: [rows, columns] contiguous -> out: [rows,
// columns]
void median_filter_2d_network(const float* in, int64_t rows, int64_t columns, int64_t window,
                              MedianAxis axis, float* out) {
  const int64_t lanes = median_network_lanes();
  const int64_t before = window / 2;
  if (axis == MedianAxis::Time) {
    // Each block of `lanes` rows is turned on its side: interleaved[j][l] is row r + l's
    // (reflected) sample j - before, so the windows of a row run down a column of interleaved, and
    // the network filters the block's rows at once. The results come back the same way.
    const int64_t extended = columns + window - 1;
#pragma omp parallel
    {
      std::vector<float> interleaved(static_cast<size_t>(extended * lanes));  // [extended, lanes]
      std::vector<float> filtered(static_cast<size_t>(columns * lanes));      // [columns, lanes]
#pragma omp for schedule(static)
      for (int64_t r = 0; r < rows; r += lanes) {
        const int64_t block = std::min(lanes, rows - r);
        for (int64_t j = 0; j < extended; ++j) {
          const float* source = in + r * columns + scipy_reflect_index(j - before, columns);
          for (int64_t l = 0; l < block; ++l)
            interleaved[j * lanes + l] = source[l * columns];
        }
        median_network_columns(interleaved.data(), lanes, window, columns, lanes, filtered.data(),
                               lanes);
        for (int64_t l = 0; l < block; ++l) {
          float* row = out + (r + l) * columns;
          for (int64_t j = 0; j < columns; ++j)
            row[j] = filtered[j * lanes + l];
        }
      }
    }
    return;
  }
  // Frequency: the rows reflected above and below, so that window k of output row i is extended
  // row i + k; each row padded to whole vectors (the padding's medians are not stored).
  // A tensor for its cached memory (no fresh pages to fault in on every call); the padding
  // columns are zeroed so that every lane computes on defined values.
  const int64_t padded = (columns + lanes - 1) / lanes * lanes;
  const Tensor extended_tensor = empty({rows + window - 1, padded}, {.dtype = DType::Float32});
  float* extended = extended_tensor.data_ptr<float>();
  for (int64_t j = 0; j < rows + window - 1; ++j) {
    float* row = extended + j * padded;
    std::memcpy(row, in + scipy_reflect_index(j - before, rows) * columns,
                static_cast<size_t>(columns) * sizeof(float));
    std::fill(row + columns, row + padded, 0.0f);
  }
  // Threads take strips of whole vectors of columns.
  const int64_t strips = padded / lanes;
#pragma omp parallel for schedule(static)
  for (int64_t s = 0; s < strips; ++s) {
    const int64_t column = s * lanes;
    median_network_columns(extended + column, padded, window, rows,
                           std::min(lanes, columns - column), out + column, columns);
  }
}

}  // namespace

template <typename T>
void median_filter_1d(const T* input, int64_t length, int64_t stride, int64_t window, T* output) {
  TIMBRE_CHECK(length >= 1 && window >= 1 && stride >= 1, "median_filter_1d: need length >= 1, ",
               "window >= 1 and stride >= 1, got ", length, ", ", window, ", ", stride);
  std::vector<T> extended, sorted;
  extend_reflect(input, length, stride, window, extended);
  sliding_median_any(extended.data(), length, window, output, stride, sorted);
}

template void median_filter_1d<float>(const float*, int64_t, int64_t, int64_t, float*);
template void median_filter_1d<double>(const double*, int64_t, int64_t, int64_t, double*);

Tensor median_filter_2d(const Tensor& x, int64_t window, MedianAxis axis) {
  TIMBRE_CHECK(x.defined() && x.dim() == 2, "median_filter_2d: expected a 2-d tensor");
  TIMBRE_CHECK(x.device().is_cpu(), "median_filter_2d: expected a CPU tensor");
  TIMBRE_CHECK(window >= 1, "median_filter_2d: window must be >= 1, got ", window);
  const Tensor input = kernels::contiguous(x);
  const int64_t rows = input.size(0), columns = input.size(1);
  return dispatch_floating(input.dtype(), "median_filter_2d", [&]<typename T>() {
    Tensor result = empty({rows, columns}, {.dtype = dtype_of<T>()});
    if (rows == 0 || columns == 0) return result;
    const T* in = input.data_ptr<T>();
    T* out = result.data_ptr<T>();
    if constexpr (std::is_same_v<T, float>) {
      if (median_network_lanes() > 0 && window <= 32) {
        median_filter_2d_network(in, rows, columns, window, axis, out);
        return result;
      }
    }
    // Time: each of the `rows` rows is a contiguous sequence of `columns` samples.
    // Frequency: each of the `columns` columns is a sequence of `rows` samples, stride `columns`.
    const bool along_rows = axis == MedianAxis::Time;
    const int64_t sequences = along_rows ? rows : columns;
    const int64_t length = along_rows ? columns : rows;
    const int64_t stride = along_rows ? 1 : columns;
    const int64_t step = along_rows ? columns : 1;  // distance between sequence starts
#pragma omp parallel
    {
      std::vector<T> extended, sorted;  // per-thread scratch
#pragma omp for schedule(static)
      for (int64_t s = 0; s < sequences; ++s) {
        extend_reflect(in + s * step, length, stride, window, extended);
        sliding_median_any(extended.data(), length, window, out + s * step, stride, sorted);
      }
    }
    return result;
  });
}

}  // namespace timbre::audio
