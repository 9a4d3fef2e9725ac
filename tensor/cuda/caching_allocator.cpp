// tensor/cuda/caching_allocator.cpp - see caching_allocator.h.
#include "tensor/cuda/caching_allocator.h"

#include <algorithm>
#include <cstdio>

namespace timbre::cuda {

std::string format_bytes(std::size_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

CachingAllocator::CachingAllocator(RawAllocate raw_allocate, RawFree raw_free, std::string name,
                                   std::size_t max_cached_bytes)
    : raw_allocate_(std::move(raw_allocate)),
      raw_free_(std::move(raw_free)),
      name_(std::move(name)),
      max_cached_bytes_(max_cached_bytes) {}

CachingAllocator::~CachingAllocator() {
  release_cached_blocks();
}

std::size_t CachingAllocator::round_size(std::size_t nbytes) {
  constexpr std::size_t kSmallUnit = 512, kLargeUnit = 2 << 20, kLargeFrom = 1 << 20;
  const std::size_t unit = nbytes < kLargeFrom ? kSmallUnit : kLargeUnit;
  return std::max<std::size_t>((nbytes + unit - 1) / unit, 1) * unit;
}

void* CachingAllocator::allocate(std::size_t nbytes) {
  const std::size_t size = round_size(nbytes);
  std::lock_guard<std::mutex> lock(mutex_);
  void* block = nullptr;
  std::size_t block_size = size;
  // The smallest cached block that fits, unless it would waste half of itself.
  auto cached = free_blocks_.lower_bound(size);
  if (cached != free_blocks_.end() && cached->first < 2 * size) {
    block = cached->second;
    block_size = cached->first;
    free_blocks_.erase(cached);
    stats_.bytes_cached -= block_size;
    ++stats_.cache_hits;
  } else {
    block = raw_allocate_(size);
    if (block == nullptr && !free_blocks_.empty()) {
      // Cached blocks of other sizes may be what is missing: give them back and try once more.
      release_cached_blocks();
      block = raw_allocate_(size);
    }
    if (block == nullptr) {
      throw OutOfMemory("out of memory on " + name_ + ": could not allocate " +
                        format_bytes(nbytes) + " (" + std::to_string(nbytes) + " bytes) with " +
                        format_bytes(stats_.bytes_in_use) + " in use by tensors and " +
                        format_bytes(stats_.bytes_cached) +
                        " cached; free some tensors (e.g. the current batch) or use a smaller "
                        "batch size, then try again");
    }
    ++stats_.raw_allocations;
  }
  live_blocks_.emplace(block, block_size);
  stats_.bytes_in_use += block_size;
  stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  return block;
}

void CachingAllocator::deallocate(void* pointer) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto live = live_blocks_.find(pointer);
  TIMBRE_CHECK(live != live_blocks_.end(), "GPU allocator on ", name_,
               ": freeing a block it did not hand out");
  const std::size_t size = live->second;
  live_blocks_.erase(live);
  stats_.bytes_in_use -= size;
  if (size > max_cached_bytes_ - stats_.bytes_cached) {  // the cache is full
    raw_free_(pointer);
    return;
  }
  free_blocks_.emplace(size, pointer);
  stats_.bytes_cached += size;
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_cached_blocks();
}

void CachingAllocator::release_cached_blocks() {
  for (const auto& [size, block] : free_blocks_)
    raw_free_(block);
  free_blocks_.clear();
  stats_.bytes_cached = 0;
}

MemoryStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace timbre::cuda
