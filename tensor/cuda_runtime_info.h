// tensor/cuda_runtime_info.h - what the CUDA backend can tell about itself, whether or not it was
// compiled in. Implemented by cuda/memory.cu when timbre is built with CUDA, and by
// cuda/cuda_unavailable.cpp otherwise; nothing else in timbre needs to know which.
#pragma once

#include <cstddef>
#include <string>

#include "tensor/cuda/caching_allocator.h"  // MemoryStats, OutOfMemory

namespace timbre::cuda {

// True when timbre was compiled with the CUDA backend.
bool compiled_with_cuda();

// Number of usable GPUs; 0 when none (or when CUDA is not compiled in).
int device_count();

// Why device_count() is 0, e.g. "CUDA driver version is insufficient" or
// "timbre was built without CUDA"; empty when GPUs are present.
std::string unavailable_reason();

// ---- Devices and libraries (for `timbre info`) ------------------------------------------------
struct DeviceProperties {
  std::string name;                          // e.g. "NVIDIA H100 80GB HBM3"
  int compute_major = 0, compute_minor = 0;  // compute capability, e.g. 9.0
  std::size_t total_memory = 0;              // bytes
  std::size_t free_memory = 0;               // bytes free on the device now (all processes)
};
// Requires 0 <= device < device_count().
DeviceProperties device_properties(int device);
// "CUDA runtime 13.0 (driver 13.0)", "cuBLAS 13.0.0"; "" when built without CUDA.
std::string runtime_version();
std::string cublas_version();

// ---- The caching allocator of each GPU (tensor/cuda/caching_allocator.h) ---------------------
// Byte counts of `device`'s allocator (all zero before its first allocation).
MemoryStats memory_stats(int device);
// Gives `device`'s cached free blocks back to CUDA (e.g. before another program needs memory).
void empty_cache(int device);
// Restarts peak_bytes_in_use from the bytes in use now.
void reset_peak_memory(int device);

// Memory primitives used by tensor/memory.cpp for tensors on a GPU.
void* allocate(std::size_t nbytes, int device_index);
void deallocate(void* pointer, int device_index);
enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
void copy_bytes(void* destination, const void* source, std::size_t nbytes, CopyKind kind);

}  // namespace timbre::cuda
