// tensor/cuda/gemm.cpp - cuBLAS behind tensor/cuda/gemm.h: one handle per GPU, bound to that
// GPU's stream, and every call checked.
#include "tensor/cuda/gemm.h"

#include <cublas_v2.h>

#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::cuda {

namespace {

// Throws naming the op, the cuBLAS call and cuBLAS's description of the status.
void check_cublas(cublasStatus_t status, const char* op, const char* call) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw Error(std::string(op) + ": " + call + " failed: " + cublasGetStatusName(status) + " (" +
              cublasGetStatusString(status) + ")");
}
#define TIMBRE_CUBLAS_CHECK(op, call) check_cublas((call), (op), #call)

// The cuBLAS handle of `device`, created on first use and bound to its stream.
cublasHandle_t handle_for(int device) {
  static std::mutex mutex;
  static std::vector<cublasHandle_t> handles;  // index = device; kept for the process lifetime
  cudaStream_t stream = stream_for(device);    // also makes `device` current
  std::lock_guard<std::mutex> lock(mutex);
  if (static_cast<int>(handles.size()) <= device) handles.resize(device + 1, nullptr);
  if (handles[device] == nullptr) {
    TIMBRE_CUBLAS_CHECK("matmul", cublasCreate(&handles[device]));
    TIMBRE_CUBLAS_CHECK("matmul", cublasSetStream(handles[device], stream));
    // Full-precision fp32: tensor-core TF32 would round inputs to 10 mantissa bits.
    TIMBRE_CUBLAS_CHECK("matmul", cublasSetMathMode(handles[device], CUBLAS_PEDANTIC_MATH));
  }
  return handles[device];
}

// How cuBLAS reads one operand: the operation to apply and the leading dimension.
struct Layout {
  cublasOperation_t operation;
  int64_t leading_dimension;
};

// The column-major reading of a row-major-indexed rows x columns operand (see gemm.h): a
// row-major matrix (column stride 1) reads as its transpose, so it needs no operation in the
// swapped product; a column-major one (row stride 1) needs CUBLAS_OP_T.
Layout layout_of(const MatrixOperand& x, int64_t rows, int64_t columns) {
  if (x.column_stride == 1 && (rows == 1 || x.row_stride >= columns)) {
    return {CUBLAS_OP_N, rows == 1 ? (columns > 0 ? columns : 1) : x.row_stride};
  }
  return {CUBLAS_OP_T, columns == 1 ? (rows > 0 ? rows : 1) : x.column_stride};
}

int to_int(int64_t value, const char* what) {
  TIMBRE_CHECK(value <= std::numeric_limits<int>::max(), "matmul: ", what, " ", value,
               " exceeds cuBLAS's 32-bit sizes");
  return static_cast<int>(value);
}

}  // namespace

bool cublas_can_read(const MatrixOperand& x, int64_t rows, int64_t columns) {
  const bool row_major = x.column_stride == 1 && (rows == 1 || x.row_stride >= columns);
  const bool column_major = x.row_stride == 1 && (columns == 1 || x.column_stride >= rows);
  return row_major || column_major;
}

void gemm(ElementType type, int device, int64_t batch, int64_t M, int64_t N, int64_t K,
          const MatrixOperand& a, const MatrixOperand& b, void* c, double alpha, double beta) {
  if (batch == 0 || M == 0 || N == 0) return;
  cublasHandle_t handle = handle_for(device);
  const Layout la = layout_of(a, M, K), lb = layout_of(b, K, N);
  const int m = to_int(N, "N"), n = to_int(M, "M"), k = to_int(K, "K");
  const int lda = to_int(la.leading_dimension, "a leading dimension");
  const int ldb = to_int(lb.leading_dimension, "a leading dimension");
  const int count = to_int(batch, "batch");
  if (type == ElementType::Float32) {
    const float alpha32 = static_cast<float>(alpha), beta32 = static_cast<float>(beta);
    TIMBRE_CUBLAS_CHECK(
        "matmul", cublasSgemmStridedBatched(handle, lb.operation, la.operation, m, n, k, &alpha32,
                                            static_cast<const float*>(b.data), ldb, b.batch_stride,
                                            static_cast<const float*>(a.data), lda, a.batch_stride,
                                            &beta32, static_cast<float*>(c), m, M * N, count));
  } else {
    TIMBRE_CHECK(type == ElementType::Float64, "matmul: expected float32 or float64");
    TIMBRE_CUBLAS_CHECK(
        "matmul", cublasDgemmStridedBatched(handle, lb.operation, la.operation, m, n, k, &alpha,
                                            static_cast<const double*>(b.data), ldb, b.batch_stride,
                                            static_cast<const double*>(a.data), lda, a.batch_stride,
                                            &beta, static_cast<double*>(c), m, M * N, count));
  }
}

const char* cublas_version_string() {
  // cublasGetProperty needs no GPU and no handle: it reads the linked library's version.
  static const std::string text = [] {
    int major = 0, minor = 0, patch = 0;
    cublasGetProperty(MAJOR_VERSION, &major);
    cublasGetProperty(MINOR_VERSION, &minor);
    cublasGetProperty(PATCH_LEVEL, &patch);
    return "cuBLAS " + std::to_string(major) + "." + std::to_string(minor) + "." +
           std::to_string(patch);
  }();
  return text.c_str();
}

std::string cublas_version() {
  return cublas_version_string();
}

}  // namespace timbre::cuda
