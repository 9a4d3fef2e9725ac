// The GPU's caching allocator (tensor/cuda/caching_allocator.h), tested on the CPU: the raw
// allocator is a fake that hands out host memory and can be told to run out.
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>

#include "tensor/cuda/caching_allocator.h"
#include "tensor/factories.h"
#include "tensor/storage.h"
#include "tensor/tensor.h"
#include "test_helpers.h"

using timbre::Tensor;
using timbre::cuda::CachingAllocator;
using timbre::cuda::OutOfMemory;

namespace {

// A raw allocator over malloc with a byte limit, counting calls.
struct FakeDevice {
  std::size_t limit = 1 << 30;
  std::size_t allocated = 0;
  int raw_allocations = 0;
  int raw_frees = 0;
  std::map<void*, std::size_t> blocks;

  CachingAllocator make_allocator(
      std::size_t max_cached_bytes = std::numeric_limits<std::size_t>::max()) {
    return CachingAllocator(
        [this](std::size_t nbytes) -> void* {
          if (allocated + nbytes > limit) return nullptr;
          void* block = std::malloc(nbytes);
          allocated += nbytes;
          ++raw_allocations;
          blocks[block] = nbytes;
          return block;
        },
        [this](void* block) {
          allocated -= blocks.at(block);
          blocks.erase(block);
          ++raw_frees;
          std::free(block);
        },
        "fake:0", max_cached_bytes);
  }
};

}  // namespace

TEST(CachingAllocator, RoundsSmallRequestsTo512Bytes) {
  EXPECT_EQ(CachingAllocator::round_size(0), 512u);
  EXPECT_EQ(CachingAllocator::round_size(1), 512u);
  EXPECT_EQ(CachingAllocator::round_size(512), 512u);
  EXPECT_EQ(CachingAllocator::round_size(513), 1024u);
}

TEST(CachingAllocator, RoundsLargeRequestsTo2MiB) {
  EXPECT_EQ(CachingAllocator::round_size(1 << 20), 2u << 20);
  EXPECT_EQ(CachingAllocator::round_size((2 << 20) + 1), 4u << 20);
}

TEST(CachingAllocator, ReusesAFreedBlockOfTheSameSize) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  void* first = allocator.allocate(1000);
  allocator.deallocate(first);
  void* second = allocator.allocate(900);  // same 1024-byte class
  EXPECT_EQ(second, first);
  EXPECT_EQ(device.raw_allocations, 1);
  EXPECT_EQ(allocator.stats().cache_hits, 1u);
  allocator.deallocate(second);
}

TEST(CachingAllocator, DoesNotHandOutABlockTwice) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  void* a = allocator.allocate(100);
  void* b = allocator.allocate(100);
  EXPECT_NE(a, b);
  allocator.deallocate(a);
  allocator.deallocate(b);
}

TEST(CachingAllocator, DoesNotReuseABlockMoreThanTwiceTheRequest) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  void* big = allocator.allocate(8 << 20);
  allocator.deallocate(big);
  void* small = allocator.allocate(1000);
  EXPECT_NE(small, big);
  EXPECT_EQ(device.raw_allocations, 2);
  allocator.deallocate(small);
}

TEST(CachingAllocator, CountsBytesInUseCachedAndPeak) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  void* a = allocator.allocate(512);
  void* b = allocator.allocate(1024);
  EXPECT_EQ(allocator.stats().bytes_in_use, 1536u);
  allocator.deallocate(a);
  EXPECT_EQ(allocator.stats().bytes_in_use, 1024u);
  EXPECT_EQ(allocator.stats().bytes_cached, 512u);
  EXPECT_EQ(allocator.stats().peak_bytes_in_use, 1536u);
  allocator.reset_peak();
  EXPECT_EQ(allocator.stats().peak_bytes_in_use, 1024u);
  allocator.deallocate(b);
}

TEST(CachingAllocator, EmptyCacheReturnsFreeBlocksToTheDevice) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  void* a = allocator.allocate(4096);
  void* kept = allocator.allocate(512);
  allocator.deallocate(a);
  allocator.empty_cache();
  EXPECT_EQ(device.raw_frees, 1);
  EXPECT_EQ(allocator.stats().bytes_cached, 0u);
  EXPECT_EQ(allocator.stats().bytes_in_use, 512u);  // live blocks are untouched
  allocator.deallocate(kept);
}

TEST(CachingAllocator, FreesTheCacheAndRetriesBeforeRunningOut) {
  FakeDevice device;
  device.limit = 5 << 20;
  CachingAllocator allocator = device.make_allocator();
  allocator.deallocate(allocator.allocate(2 << 20));  // 2 MiB of the 5 stay cached
  void* b = allocator.allocate(4 << 20);  // fits only once the cached block is given back
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(device.raw_frees, 1);
  EXPECT_EQ(device.raw_allocations, 2);
  EXPECT_EQ(allocator.stats().bytes_cached, 0u);
  allocator.deallocate(b);
}

TEST(CachingAllocator, OutOfMemorySaysWhatWasAskedAndWhatIsInUse) {
  FakeDevice device;
  device.limit = 1 << 20;
  CachingAllocator allocator = device.make_allocator();
  void* a = allocator.allocate(1000);
  try {
    allocator.allocate(5 << 20);
    ADD_FAILURE() << "expected OutOfMemory";
  } catch (const OutOfMemory& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("fake:0"), std::string::npos) << message;
    EXPECT_NE(message.find("5.0 MiB"), std::string::npos) << message;
    EXPECT_NE(message.find("1.0 KiB in use"), std::string::npos) << message;
    EXPECT_NE(message.find("smaller batch"), std::string::npos) << message;
  }
  allocator.deallocate(a);
}

TEST(CachingAllocator, KeepsWorkingAfterRunningOut) {
  FakeDevice device;
  device.limit = 1 << 20;
  CachingAllocator allocator = device.make_allocator();
  EXPECT_THROW(allocator.allocate(5 << 20), OutOfMemory);
  void* a = allocator.allocate(1000);
  EXPECT_NE(a, nullptr);
  EXPECT_EQ(allocator.stats().bytes_in_use, 1024u);
  allocator.deallocate(a);
}

TEST(CachingAllocator, RefusesToFreeAPointerItDidNotHandOut) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator();
  int local = 0;
  EXPECT_ERROR_CONTAINS(allocator.deallocate(&local), "did not hand out");
}

TEST(CachingAllocator, DestructorReturnsTheCache) {
  FakeDevice device;
  {
    CachingAllocator allocator = device.make_allocator();
    allocator.deallocate(allocator.allocate(100));
  }
  EXPECT_EQ(device.raw_frees, 1);
  EXPECT_TRUE(device.blocks.empty());
}

TEST(CachingAllocator, KeepsNoMoreThanItsLimitCached) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator(/*max_cached_bytes=*/4 << 20);
  void* a = allocator.allocate(3 << 20);  // both round to 4 MiB
  void* b = allocator.allocate(3 << 20);
  allocator.deallocate(a);  // fills the cache
  allocator.deallocate(b);  // would exceed it: goes straight back
  EXPECT_EQ(allocator.stats().bytes_cached, 4u << 20);
  EXPECT_EQ(device.raw_frees, 1);
  EXPECT_EQ(allocator.allocate(3 << 20), a);  // the cached one is still reused
  EXPECT_EQ(allocator.stats().bytes_cached, 0u);
  allocator.deallocate(a);
}

TEST(CachingAllocator, ALimitOfZeroCachesNothing) {
  FakeDevice device;
  CachingAllocator allocator = device.make_allocator(/*max_cached_bytes=*/0);
  allocator.deallocate(allocator.allocate(1000));
  EXPECT_EQ(device.raw_frees, 1);
  EXPECT_EQ(allocator.stats().bytes_cached, 0u);
  EXPECT_EQ(allocator.stats().bytes_in_use, 0u);
}

TEST(CpuLargeBlocks, AreAlignedTo2MiBAndReusedAfterFree) {
  timbre::memory::empty_cpu_cache();
  const std::size_t hits_before = timbre::memory::cpu_large_block_stats().cache_hits;
  const void* first = nullptr;
  {
    const Tensor a = timbre::empty({1 << 20}, {.dtype = timbre::DType::Float32});  // 4 MiB
    first = a.raw_data_ptr();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % (2 << 20), 0u);
  }
  const Tensor b = timbre::empty({1 << 20}, {.dtype = timbre::DType::Float32});
  if (timbre::memory::cpu_cache_limit_bytes() == 0) {
    GTEST_SKIP() << "the CPU block cache is off (TIMBRE_CPU_CACHE_MIB=0 or AddressSanitizer)";
  }
  EXPECT_EQ(b.raw_data_ptr(), first);
  EXPECT_EQ(timbre::memory::cpu_large_block_stats().cache_hits, hits_before + 1);
}

TEST(CpuLargeBlocks, EmptyCpuCacheReturnsTheFreeBlocks) {
  { const Tensor a = timbre::empty({1 << 20}, {.dtype = timbre::DType::Float32}); }
  timbre::memory::empty_cpu_cache();
  EXPECT_EQ(timbre::memory::cpu_large_block_stats().bytes_cached, 0u);
}

TEST(FormatBytes, UsesBinaryUnits) {
  EXPECT_EQ(timbre::cuda::format_bytes(512), "512 B");
  EXPECT_EQ(timbre::cuda::format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(timbre::cuda::format_bytes(3u << 20), "3.0 MiB");
}
