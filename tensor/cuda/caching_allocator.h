// tensor/cuda/caching_allocator.h - the GPU memory allocator: keeps freed blocks for reuse.
//
// Why: cudaMalloc and cudaFree are slow (they can take a millisecond and cudaFree waits for the
// whole GPU to finish), and a training loop frees and allocates the same sizes every iteration.
// So a freed block goes to a free list instead of back to CUDA, and the next request of a
// similar size takes it from there. Requests are rounded up to size classes (below) so that
// "similar" sizes really share blocks.
//
// The class is plain C++ around two functions that get and return raw memory, so it is tested
// on the CPU (tests/test_caching_allocator.cpp) with fake raw functions; tensor/cuda/memory.cu
// gives each GPU one instance around cudaMalloc / cudaFree.
//
// Reuse is safe without waiting for the GPU because every kernel and copy of a device runs on its
// one stream (tensor/cuda/cuda_check.h): a kernel that uses a reused block is queued after every
// kernel that used it before.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "tensor/error.h"

namespace timbre::cuda {

// Byte counts of one allocator (one GPU).
struct MemoryStats {
  std::size_t bytes_in_use = 0;       // held by live tensors (rounded sizes)
  std::size_t peak_bytes_in_use = 0;  // the most ever in use (since reset_peak)
  std::size_t bytes_cached = 0;       // obtained from CUDA, free, kept for reuse
  std::size_t raw_allocations = 0;    // calls to the raw allocator (cudaMalloc) that succeeded
  std::size_t cache_hits = 0;         // requests served from the cache
};

// Thrown when memory runs out even after the cache was given back. The allocator stays
// consistent: the program can free tensors (or lower its batch size) and try again.
class OutOfMemory : public Error {
 public:
  using Error::Error;
};

// "1.5 MiB", "512 B", ...
std::string format_bytes(std::size_t bytes);

class CachingAllocator {
 public:
  // raw_allocate(n) returns n bytes or nullptr when out of memory (other failures throw);
  // raw_free(p) returns them. `name` (e.g. "cuda:0") appears in error messages. At most
  // max_cached_bytes are kept cached: a freed block that would exceed it goes straight back to
  // raw_free (0: nothing is cached).
  using RawAllocate = std::function<void*(std::size_t)>;
  using RawFree = std::function<void(void*)>;
  CachingAllocator(RawAllocate raw_allocate, RawFree raw_free, std::string name,
                   std::size_t max_cached_bytes = std::numeric_limits<std::size_t>::max());
  ~CachingAllocator();  // gives every cached block back (live blocks are the caller's problem)
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Size classes: requests below 1 MiB round up to a multiple of 512 B, larger ones to a
  // multiple of 2 MiB. A cached block is reused for a request of its class or smaller, as long
  // as less than half of it would go unused.
  static std::size_t round_size(std::size_t nbytes);

  // A block of at least nbytes (nbytes may be 0). Ensures: the block is not handed out again
  // until deallocate. Throws OutOfMemory naming the request, the bytes in use and cached.
  void* allocate(std::size_t nbytes);
  // Returns a block from allocate() to the cache (or to raw_free when the cache is full).
  // Throws for a pointer it did not hand out.
  void deallocate(void* pointer);
  // Gives every cached (free) block back to the raw allocator.
  void empty_cache();

  MemoryStats stats() const;
  void reset_peak();

 private:
  void release_cached_blocks();  // empty_cache without taking the lock

  RawAllocate raw_allocate_;
  RawFree raw_free_;
  std::string name_;
  std::size_t max_cached_bytes_;
  mutable std::mutex mutex_;
  std::multimap<std::size_t, void*> free_blocks_;       // rounded size -> cached block
  std::unordered_map<void*, std::size_t> live_blocks_;  // handed-out block -> rounded size
  MemoryStats stats_;
};

}  // namespace timbre::cuda
