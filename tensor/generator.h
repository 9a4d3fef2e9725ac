// tensor/generator.h - seeded random numbers, identical on every platform.
//
// std::normal_distribution and friends are implementation-defined (libstdc++ and libc++ give
// different numbers for one seed), so timbre turns the raw 64-bit output of std::mt19937_64
// (which the C++ standard pins down exactly) into uniform and normal values itself.
#pragma once

#include <cstdint>
#include <random>

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

}  // namespace timbre
