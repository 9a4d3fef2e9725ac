// tensor/cuda/stream.cu - error checking and the one stream per GPU (see cuda_check.h).
#include <mutex>
#include <string>
#include <vector>

#include "tensor/cuda/cuda_check.h"
#include "tensor/error.h"

namespace timbre::cuda {

void check_cuda(cudaError_t status, const char* op, const char* call) {
  if (status == cudaSuccess) return;
  // Most errors are "sticky" only until read; reading it here keeps later calls clean after a
  // recoverable failure such as running out of memory.
  cudaGetLastError();
  throw Error(std::string(op) + ": " + call + " failed: " + cudaGetErrorName(status) + " (" +
              cudaGetErrorString(status) + ")");
}

cudaStream_t stream_for(int device) {
  static std::mutex mutex;
  static std::vector<cudaStream_t> streams;  // index = device; never destroyed (process lifetime)
  TIMBRE_CUDA_CHECK("stream", cudaSetDevice(device));
  std::lock_guard<std::mutex> lock(mutex);
  if (static_cast<int>(streams.size()) <= device) streams.resize(device + 1, nullptr);
  if (streams[device] == nullptr) {
    // A blocking stream (the default flag) also waits for work on the legacy default stream, so
    // plain cudaMemcpy calls elsewhere stay ordered with the kernels.
    TIMBRE_CUDA_CHECK("stream", cudaStreamCreate(&streams[device]));
  }
  return streams[device];
}

void synchronize(int device) {
  TIMBRE_CUDA_CHECK("synchronize", cudaStreamSynchronize(stream_for(device)));
}

}  // namespace timbre::cuda
