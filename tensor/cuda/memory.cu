// tensor/cuda/memory.cu - GPU memory for tensors: allocation, copies and device queries.
//
// Every CUDA call is checked; a failure throws timbre::Error naming the call and CUDA's own
// description of the status. (A caching allocator replaces the plain cudaMalloc here with the
// CUDA backend's issue; the interface stays the same.)
#include <cuda_runtime.h>

#include <string>

#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::cuda {

namespace {
void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) {
    throw Error(std::string(call) + " failed: " + cudaGetErrorString(status));
  }
}
}  // namespace

bool compiled_with_cuda() {
  return true;
}

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later calls are not poisoned
    return 0;
  }
  return count;
}

std::string unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return std::string("cudaGetDeviceCount: ") + cudaGetErrorString(status);
  }
  return count == 0 ? "no CUDA device found" : "";
}

void* allocate(std::size_t nbytes, int device_index) {
  check(cudaSetDevice(device_index), "cudaSetDevice");
  void* pointer = nullptr;
  const cudaError_t status = cudaMalloc(&pointer, nbytes == 0 ? 1 : nbytes);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw Error("out of GPU memory on cuda:" + std::to_string(device_index) +
                ": could not allocate " + std::to_string(nbytes) + " bytes");
  }
  check(status, "cudaMalloc");
  return pointer;
}

void deallocate(void* pointer, int device_index) {
  // Destructors must not throw: a failure here is ignored (the context may already be gone).
  if (cudaSetDevice(device_index) == cudaSuccess) cudaFree(pointer);
}

void copy_bytes(void* destination, const void* source, std::size_t nbytes, CopyKind kind) {
  const cudaMemcpyKind cuda_kind = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                                   : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                                    : cudaMemcpyDeviceToDevice;
  check(cudaMemcpy(destination, source, nbytes, cuda_kind), "cudaMemcpy");
}

}  // namespace timbre::cuda
