// tensor/storage.h - a block of memory on one device, shared by every tensor that views it.
//
// A Tensor never owns memory directly: it holds a shared_ptr<Storage> plus sizes, strides and an
// offset that say which elements of the storage it sees. reshape/permute/narrow/expand make new
// Tensors that share the same Storage, so they cost no copy; the memory is freed when the last
// view is gone.
#pragma once

#include <cstddef>
#include <memory>

#include "tensor/device.h"

namespace timbre {

class Storage {
 public:
  // Allocates `nbytes` on `device` (64-byte aligned on the CPU). Contents are uninitialised.
  Storage(std::size_t nbytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  Device device_;
};

namespace cuda {
struct MemoryStats;  // tensor/cuda/caching_allocator.h
}  // namespace cuda

// Raw memory operations, one implementation per backend (memory.cpp picks which one).
namespace memory {
// CPU blocks of 1 MiB and more are 2 MiB aligned (huge pages) and, once freed, kept for reuse up
// to a limit: 256 MiB, or TIMBRE_CPU_CACHE_MIB (0 turns the cache off; nothing is cached under
// AddressSanitizer). See tensor/memory.cpp.
void* allocate(std::size_t nbytes, Device device);
// Requires: pointer came from allocate(nbytes, device), with the same nbytes and device.
void deallocate(void* pointer, std::size_t nbytes, Device device);
// The large-CPU-block cache's byte counts (bytes in use and cached, hits, raw allocations);
// include tensor/cuda/caching_allocator.h to use them.
cuda::MemoryStats cpu_large_block_stats();
// Gives every cached large CPU block back to the system.
void empty_cpu_cache();
// The most bytes of freed large CPU blocks kept for reuse (0: the cache is off).
std::size_t cpu_cache_limit_bytes();
// Copies nbytes between any two devices (CPU<->CPU, CPU<->CUDA, CUDA<->CUDA).
void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t nbytes);
}  // namespace memory

}  // namespace timbre
