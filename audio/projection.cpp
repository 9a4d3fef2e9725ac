// audio/projection.cpp - see projection.h.
#include "audio/projection.h"

#include <algorithm>
#include <type_traits>

#include "audio/target_clones.h"
#include "tensor/error.h"

namespace timbre::audio {

namespace {

constexpr int kRowsPerPass = 12;         // output rows accumulated at once
constexpr int kFramesPerVector = 4;      // frames per accumulator (4 doubles: one AVX2 register)
constexpr int64_t kPrefetchFrames = 32;  // two 64-byte lines of float (four of double) ahead
typedef double FrameVector __attribute__((vector_size(kFramesPerVector * sizeof(double))));

// One pass: output rows first_row .. first_row + rows - 1 (rows <= kRowsPerPass) for all frames.
// weights: [n_in][kRowsPerPass], the pass's weights input by input (zeros past `rows`), so each
// input's twelve weights are neighbours. x: [n_in, frames] -> out rows: [rows, frames]
template <typename T>
inline __attribute__((always_inline)) void project_pass(const double* weights, const T* x,
                                                        int64_t n_in, int64_t frames, int rows,
                                                        T* out) {
  int64_t t = 0;
  for (; t + kFramesPerVector <= frames; t += kFramesPerVector) {
    FrameVector sums[kRowsPerPass] = {};
    for (int64_t i = 0; i < n_in; ++i) {
      const T* source = x + i * frames + t;
      // Each input row is a different cache line, and the first 4 frames of each line would
      // wait on memory: the hardware does not see this walk down the rows coming, so the line
      // kPrefetchFrames frames further along each row is requested now (while it is inside
      // the row).
      if (t + kPrefetchFrames < frames) __builtin_prefetch(source + kPrefetchFrames);
      const FrameVector value = {static_cast<double>(source[0]), static_cast<double>(source[1]),
                                 static_cast<double>(source[2]), static_cast<double>(source[3])};
      const double* weight = weights + i * kRowsPerPass;
      for (int r = 0; r < kRowsPerPass; ++r)
        sums[r] += weight[r] * value;
    }
    for (int r = 0; r < rows; ++r) {
      for (int f = 0; f < kFramesPerVector; ++f)
        out[r * frames + t + f] = static_cast<T>(sums[r][f]);
    }
  }
  for (; t < frames; ++t) {  // the last frames % 4, one at a time, the same sums
    double sums[kRowsPerPass] = {};
    for (int64_t i = 0; i < n_in; ++i) {
      const double value = static_cast<double>(x[i * frames + t]);
      for (int r = 0; r < kRowsPerPass; ++r)
        sums[r] += weights[i * kRowsPerPass + r] * value;
    }
    for (int r = 0; r < rows; ++r)
      out[r * frames + t] = static_cast<T>(sums[r]);
  }
}

// Compiled for AVX-512, AVX2 and baseline x86-64 (audio/target_clones.h).

TIMBRE_AVX512_AVX2_CLONES void project_pass_float(const double* weights, const float* x,
                                                  int64_t n_in, int64_t frames, int rows,
                                                  float* out) {
  project_pass(weights, x, n_in, frames, rows, out);
}
TIMBRE_AVX512_AVX2_CLONES void project_pass_double(const double* weights, const double* x,
                                                   int64_t n_in, int64_t frames, int rows,
                                                   double* out) {
  project_pass(weights, x, n_in, frames, rows, out);
}

}  // namespace

template <typename T>
void project_columns(const std::vector<double>& matrix, const T* x, int64_t n_out, int64_t n_in,
                     int64_t frames, T* out) {
  TIMBRE_CHECK(
      n_out >= 0 && n_in >= 0 && frames >= 0 && static_cast<int64_t>(matrix.size()) == n_out * n_in,
      "project_columns: the matrix holds ", matrix.size(), " values, not ", n_out, " x ", n_in);
  std::vector<double> weights(static_cast<size_t>(n_in * kRowsPerPass));
  for (int64_t first_row = 0; first_row < n_out; first_row += kRowsPerPass) {
    const int rows = static_cast<int>(std::min<int64_t>(kRowsPerPass, n_out - first_row));
    // [rows, n_in] -> [n_in][kRowsPerPass], zeros for the rows past the end
    std::fill(weights.begin(), weights.end(), 0.0);
    for (int r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < n_in; ++i)
        weights[i * kRowsPerPass + r] = matrix[(first_row + r) * n_in + i];
    }
    T* out_rows = out + first_row * frames;
    if constexpr (std::is_same_v<T, float>) {
      project_pass_float(weights.data(), x, n_in, frames, rows, out_rows);
    } else {
      project_pass_double(weights.data(), x, n_in, frames, rows, out_rows);
    }
  }
}

template void project_columns<float>(const std::vector<double>&, const float*, int64_t, int64_t,
                                     int64_t, float*);
template void project_columns<double>(const std::vector<double>&, const double*, int64_t, int64_t,
                                      int64_t, double*);

}  // namespace timbre::audio
