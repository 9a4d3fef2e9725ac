// tensor/cuda_runtime_info.h - what the CUDA backend can tell about itself, whether or not it was
// compiled in. Implemented by cuda/memory.cu when timbre is built with CUDA, and by
// cuda/cuda_unavailable.cpp otherwise; nothing else in timbre needs to know which.
#pragma once

#include <cstddef>
#include <string>

namespace timbre::cuda {

// True when timbre was compiled with the CUDA backend.
bool compiled_with_cuda();

// Number of usable GPUs; 0 when none (or when CUDA is not compiled in).
int device_count();

// Why device_count() is 0, e.g. "CUDA driver version is insufficient" or
// "timbre was built without CUDA"; empty when GPUs are present.
std::string unavailable_reason();

// Memory primitives used by tensor/memory.cpp for tensors on a GPU.
void* allocate(std::size_t nbytes, int device_index);
void deallocate(void* pointer, int device_index);
enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
void copy_bytes(void* destination, const void* source, std::size_t nbytes, CopyKind kind);

}  // namespace timbre::cuda
