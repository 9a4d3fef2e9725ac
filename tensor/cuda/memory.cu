// tensor/cuda/memory.cu - GPU memory for tensors: the caching allocator of each GPU, copies
// through pinned staging buffers, and device queries.
//
// Every CUDA call is checked; a failure throws timbre::Error naming the call and CUDA's own
// description of the status.
#include <cuda_runtime.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::cuda {

namespace {

// ---- One caching allocator per GPU -------------------------------------------------------------

// cudaMalloc, or nullptr when the GPU is out of memory (the allocator then frees its cache and
// retries, or throws OutOfMemory); any other failure throws.
void* raw_cuda_malloc(std::size_t nbytes, int device) {
  TIMBRE_CUDA_CHECK("allocate", cudaSetDevice(device));
  void* pointer = nullptr;
  const cudaError_t status = cudaMalloc(&pointer, nbytes);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear the error so the program can go on
    return nullptr;
  }
  TIMBRE_CUDA_CHECK("allocate", status);
  return pointer;
}

// The allocator of `device`, made on first use. They live until the process ends (never
// destroyed: at exit the CUDA context may already be gone, and the driver frees everything).
CachingAllocator& allocator_for(int device) {
  static std::mutex mutex;
  static std::vector<CachingAllocator*> allocators;
  std::lock_guard<std::mutex> lock(mutex);
  if (static_cast<int>(allocators.size()) <= device) allocators.resize(device + 1, nullptr);
  if (allocators[device] == nullptr) {
    allocators[device] = new CachingAllocator(
        [device](std::size_t nbytes) { return raw_cuda_malloc(nbytes, device); },
        [device](void* pointer) {
          if (cudaSetDevice(device) == cudaSuccess) cudaFree(pointer);
        },
        "cuda:" + std::to_string(device));
  }
  return *allocators[device];
}

// ---- Pinned staging buffers for host <-> device copies ---------------------------------------
//
// The GPU's copy engine can only read and write page-locked ("pinned") host memory; a copy from
// ordinary (pageable) memory is first staged by the driver through a pinned buffer of its own.
// Doing that staging here, with two reused buffers, lets the CPU fill one buffer while the GPU
// empties the other, and avoids pinning and unpinning memory on every copy.
constexpr std::size_t kStagingBytes = 4 << 20;

struct StagingBuffers {
  std::mutex mutex;  // one copy at a time uses the buffers
  void* buffer[2] = {nullptr, nullptr};
  cudaEvent_t done[2] = {nullptr, nullptr};  // recorded after the copy that reads buffer[i]
};

// The staging buffers of `device`, made on first use (and, like the allocators, never freed).
StagingBuffers& staging_buffers_for(int device) {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<StagingBuffers>> staging;
  std::lock_guard<std::mutex> lock(mutex);
  if (static_cast<int>(staging.size()) <= device) staging.resize(device + 1);
  if (staging[device] == nullptr) {
    auto buffers = std::make_unique<StagingBuffers>();
    TIMBRE_CUDA_CHECK("copy", cudaSetDevice(device));
    for (int i = 0; i < 2; ++i) {
      TIMBRE_CUDA_CHECK("copy", cudaMallocHost(&buffers->buffer[i], kStagingBytes));
      TIMBRE_CUDA_CHECK("copy",
                        cudaEventCreateWithFlags(&buffers->done[i], cudaEventDisableTiming));
    }
    staging[device] = std::move(buffers);
  }
  return *staging[device];
}

// The GPU that owns `pointer` (unified addressing: every device pointer knows its device).
int device_of(const void* pointer) {
  cudaPointerAttributes attributes;
  TIMBRE_CUDA_CHECK("copy", cudaPointerGetAttributes(&attributes, pointer));
  return attributes.device;
}

// Host -> GPU in chunks, alternating between the two pinned buffers: while the GPU copies chunk
// k out of one buffer, the CPU fills the other with chunk k + 1.
void copy_host_to_device(void* destination, const void* source, std::size_t nbytes) {
  const int device = device_of(destination);
  cudaStream_t stream = stream_for(device);
  StagingBuffers& staging = staging_buffers_for(device);
  std::lock_guard<std::mutex> lock(staging.mutex);
  const char* from = static_cast<const char*>(source);
  char* to = static_cast<char*>(destination);
  for (std::size_t done = 0, chunk = 0; done < nbytes; done += kStagingBytes, ++chunk) {
    const int i = static_cast<int>(chunk % 2);
    const std::size_t size = nbytes - done < kStagingBytes ? nbytes - done : kStagingBytes;
    // Wait until the GPU has finished reading this buffer's previous contents.
    TIMBRE_CUDA_CHECK("copy to GPU", cudaEventSynchronize(staging.done[i]));
    std::memcpy(staging.buffer[i], from + done, size);
    TIMBRE_CUDA_CHECK("copy to GPU", cudaMemcpyAsync(to + done, staging.buffer[i], size,
                                                     cudaMemcpyHostToDevice, stream));
    TIMBRE_CUDA_CHECK("copy to GPU", cudaEventRecord(staging.done[i], stream));
  }
}

// GPU -> host in chunks through one pinned buffer. Each copy is queued on the stream after every
// kernel issued so far, so it reads their results; the host then waits for it.
void copy_device_to_host(void* destination, const void* source, std::size_t nbytes) {
  const int device = device_of(source);
  cudaStream_t stream = stream_for(device);
  StagingBuffers& staging = staging_buffers_for(device);
  std::lock_guard<std::mutex> lock(staging.mutex);
  const char* from = static_cast<const char*>(source);
  char* to = static_cast<char*>(destination);
  for (std::size_t done = 0; done < nbytes; done += kStagingBytes) {
    const std::size_t size = nbytes - done < kStagingBytes ? nbytes - done : kStagingBytes;
    TIMBRE_CUDA_CHECK("copy from GPU", cudaMemcpyAsync(staging.buffer[0], from + done, size,
                                                       cudaMemcpyDeviceToHost, stream));
    TIMBRE_CUDA_CHECK("copy from GPU", cudaStreamSynchronize(stream));
    std::memcpy(to + done, staging.buffer[0], size);
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

DeviceProperties device_properties(int device) {
  cudaDeviceProp properties;
  TIMBRE_CUDA_CHECK("device_properties", cudaGetDeviceProperties(&properties, device));
  DeviceProperties result;
  result.name = properties.name;
  result.compute_major = properties.major;
  result.compute_minor = properties.minor;
  TIMBRE_CUDA_CHECK("device_properties", cudaSetDevice(device));
  TIMBRE_CUDA_CHECK("device_properties", cudaMemGetInfo(&result.free_memory, &result.total_memory));
  return result;
}

std::string runtime_version() {
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);  // 0 when no driver is installed
  auto text = [](int version) {
    return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
  };
  return "CUDA runtime " + text(runtime) +
         (driver > 0 ? " (driver " + text(driver) + ")" : " (no CUDA driver)");
}

MemoryStats memory_stats(int device) {
  return allocator_for(device).stats();
}

void empty_cache(int device) {
  allocator_for(device).empty_cache();
}

void reset_peak_memory(int device) {
  allocator_for(device).reset_peak();
}

void* allocate(std::size_t nbytes, int device_index) {
  return allocator_for(device_index).allocate(nbytes);
}

void deallocate(void* pointer, int device_index) {
  // Called from destructors: must not throw.
  try {
    allocator_for(device_index).deallocate(pointer);
  } catch (...) {
  }
}

void copy_bytes(void* destination, const void* source, std::size_t nbytes, CopyKind kind) {
  if (nbytes == 0) return;
  switch (kind) {
    case CopyKind::HostToDevice:
      return copy_host_to_device(destination, source, nbytes);
    case CopyKind::DeviceToHost:
      return copy_device_to_host(destination, source, nbytes);
    case CopyKind::DeviceToDevice:
      TIMBRE_CUDA_CHECK("copy between GPU tensors",
                        cudaMemcpyAsync(destination, source, nbytes, cudaMemcpyDeviceToDevice,
                                        stream_for(device_of(destination))));
      return;
  }
}

}  // namespace timbre::cuda
