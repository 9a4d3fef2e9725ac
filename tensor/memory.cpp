// tensor/memory.cpp - allocation and copies: the CPU does them here, the GPU in cuda/.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <sys/mman.h>

#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"
#include "tensor/storage.h"

namespace timbre {

namespace memory {

namespace {

// ---- Large CPU blocks: huge pages and a bounded cache ------------------------------------------
//
// Spectrograms, im2col buffers and activations are megabytes each, and a feature extractor or a
// training loop frees and allocates the same sizes again and again. Through plain malloc, such
// a block comes fresh from the kernel each time (glibc maps large blocks and unmaps them on
// free), and the first write to each 4 KiB page faults and zeroes it: a third of the time of an
// STFT went there. So blocks of 1 MiB and more go through a caching allocator (the class the GPU
// uses, tensor/cuda/caching_allocator.h) that keeps up to kDefaultCpuCacheMiB of freed blocks for
// reuse, and they are 2 MiB aligned and advised for transparent huge pages, which also spares
// the TLB misses of writing a [bins, frames] array column by column.
constexpr std::size_t kLargeBlockBytes = 1 << 20;
constexpr std::size_t kHugePageBytes = 2 << 20;
constexpr std::size_t kDefaultCpuCacheMiB = 256;

// The cache limit: TIMBRE_CPU_CACHE_MIB if set (0 turns caching off), else the default. Under
// AddressSanitizer nothing is cached, so that a use after free is still caught.
std::size_t read_cpu_cache_limit() {
#if defined(__SANITIZE_ADDRESS__)
  return 0;
#else
  const char* text = std::getenv("TIMBRE_CPU_CACHE_MIB");
  std::size_t mib = kDefaultCpuCacheMiB;
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    TIMBRE_CHECK(end != nullptr && *end == '\0',
                 "TIMBRE_CPU_CACHE_MIB must be a number of MiB, got '", text, "'");
    mib = static_cast<std::size_t>(value);
  }
  return mib << 20;
#endif
}

// size: a multiple of 2 MiB (CachingAllocator rounds large requests so).
void* allocate_huge_pages(std::size_t size) {
  void* pointer = std::aligned_alloc(kHugePageBytes, size);
  // Only advice: without transparent huge pages (or on other kernels) the block simply uses
  // 4 KiB pages.
  if (pointer != nullptr) madvise(pointer, size, MADV_HUGEPAGE);
  return pointer;
}

// Made on first use and never destroyed, so that tensors freed during static destruction still
// find it (the cached blocks go back to the system with the process).
cuda::CachingAllocator& large_cpu_blocks() {
  static cuda::CachingAllocator* allocator = new cuda::CachingAllocator(
      allocate_huge_pages, [](void* pointer) { std::free(pointer); }, "cpu",
      cpu_cache_limit_bytes());
  return *allocator;
}

}  // namespace

void* allocate(std::size_t nbytes, Device device) {
  if (device.is_cuda()) return cuda::allocate(nbytes, device.index);
  if (nbytes >= kLargeBlockBytes) return large_cpu_blocks().allocate(nbytes);
  // 64-byte alignment suits AVX-512 loads; aligned_alloc needs a size that is a multiple of it.
  const std::size_t rounded = (std::max<std::size_t>(nbytes, 1) + 63) / 64 * 64;
  void* pointer = std::aligned_alloc(64, rounded);
  TIMBRE_CHECK(pointer != nullptr, "out of CPU memory: could not allocate ", nbytes, " bytes");
  return pointer;
}

void deallocate(void* pointer, std::size_t nbytes, Device device) {
  if (device.is_cuda()) {
    cuda::deallocate(pointer, device.index);
  } else if (nbytes >= kLargeBlockBytes) {
    large_cpu_blocks().deallocate(pointer);
  } else {
    std::free(pointer);
  }
}

cuda::MemoryStats cpu_large_block_stats() {
  return large_cpu_blocks().stats();
}

void empty_cpu_cache() {
  large_cpu_blocks().empty_cache();
}

std::size_t cpu_cache_limit_bytes() {
  static const std::size_t limit = read_cpu_cache_limit();
  return limit;
}

void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t nbytes) {
  if (nbytes == 0) return;
  if (destination_device.is_cpu() && source_device.is_cpu()) {
    std::memcpy(destination, source, nbytes);
  } else if (destination_device.is_cuda() && source_device.is_cpu()) {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::HostToDevice);
  } else if (destination_device.is_cpu() && source_device.is_cuda()) {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::DeviceToHost);
  } else {
    cuda::copy_bytes(destination, source, nbytes, cuda::CopyKind::DeviceToDevice);
  }
}

}  // namespace memory

Storage::Storage(std::size_t nbytes, Device device)
    : data_(memory::allocate(nbytes, device)), nbytes_(nbytes), device_(device) {}

Storage::~Storage() {
  memory::deallocate(data_, nbytes_, device_);
}

Device Device::parse(const std::string& text) {
  if (text == "cpu") return Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos && text.size() < 9) {
    return Device::cuda(std::stoi(text.substr(5)));
  }
  throw Error("unknown device '" + text + "': expected cpu, cuda or cuda:N");
}

}  // namespace timbre
