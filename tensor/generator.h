// tensor/generator.h - seeded random numbers, identical on every platform.
//
// std::normal_distribution and friends are implementation-defined (libstdc++ and libc++ give
// different numbers for one seed), so timbre turns the raw 64-bit output of std::mt19937_64
// (which the C++ standard pins down exactly) into uniform and normal values itself.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace timbre {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}
  void manual_seed(uint64_t seed) {
    engine_.seed(seed);
    has_spare_normal_ = false;
  }
  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1): the top 53 bits of one draw, scaled by 2^-53.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Standard normal by the Box-Muller transform: two uniforms give two independent normals.
  double normal();
  // Uniform integer in [0, n), without modulo bias (rejection sampling).
  uint64_t below(uint64_t n);

 private:
  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// The generator factories use when none is given. manual_seed() makes a program reproducible.
Generator& default_generator();
void manual_seed(uint64_t seed);

// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection of 64-bit values whose outputs
// look unrelated for neighbouring inputs (each input bit flips about half of the output bits).
// Seeding generators with splitmix64 of (seed, epoch, index) instead of seed + index gives
// well-mixed, independent streams, so each example, clip or copy has its own random numbers,
// whatever the order or thread it is made in.
// Ensures: the same value for the same input on every platform.
inline uint64_t splitmix64(uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;  // 2^64 / golden ratio
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

// One seed from a base seed and two indices (such as epoch and example, or genre and clip):
// splitmix64 after each part, so that no two (first, second) pairs share a seed by accident
// the way seed + first + second would.
inline uint64_t mix_seed(uint64_t seed, uint64_t first, uint64_t second) {
  return splitmix64(splitmix64(splitmix64(seed) ^ first) ^ second);
}

// Shuffles `items` in place by Fisher-Yates (Knuth's Algorithm P): for i = n-1 down to 1, swap
// items[i] with items[j], j = generator.below(i + 1). Every permutation is equally likely, and the
// same generator state gives the same order on every platform.
template <typename T>
void shuffle(std::vector<T>& items, Generator& generator) {
  for (size_t i = items.size(); i-- > 1;) {
    std::swap(items[i], items[static_cast<size_t>(generator.below(i + 1))]);
  }
}

}  // namespace timbre
