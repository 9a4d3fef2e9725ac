// tensor/philox.h - Philox4x32-10, the counter-based random number generator of Salmon, Moraes,
// Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), as in Random123 and
// cuRAND. Written once for both backends (TIMBRE_HOST_DEVICE).
//
// A counter-based generator is a keyed bijection: random(key, counter) -> 4 x 32 random bits, with
// no state carried from one draw to the next. So element i of a dropout mask can be drawn by
// whichever thread handles element i, in any order, on the CPU or the GPU, and the mask is the same
// bit for bit - unlike a sequential generator such as the Mersenne Twister, which must be stepped
// through every earlier draw.
//
// One Philox round multiplies two of the four counter words by constants, keeps both halves of
// each 64-bit product and mixes them with the other two words and the key; ten rounds, with the
// key bumped by the Weyl constants between rounds, pass the BigCrush statistical tests.
#pragma once

#include <cstdint>

#include "tensor/elementwise_math.h"  // TIMBRE_HOST_DEVICE

namespace timbre {

struct Philox4x32 {
  uint32_t word[4];
};

// The 4 x 32 random bits for `counter` under `key` (Random123's philox4x32 with 10 rounds).
TIMBRE_HOST_DEVICE inline Philox4x32 philox4x32(Philox4x32 counter, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;  // golden ratio, sqrt(3) - 1
  uint32_t* c = counter.word;
  for (int round = 0; round < 10; ++round) {
    const uint64_t product0 = static_cast<uint64_t>(kMultiplier0) * c[0];
    const uint64_t product1 = static_cast<uint64_t>(kMultiplier1) * c[2];
    const uint32_t high0 = static_cast<uint32_t>(product0 >> 32),
                   low0 = static_cast<uint32_t>(product0);
    const uint32_t high1 = static_cast<uint32_t>(product1 >> 32),
                   low1 = static_cast<uint32_t>(product1);
    const uint32_t next[4] = {high1 ^ c[1] ^ key0, low1, high0 ^ c[3] ^ key1, low0};
    for (int i = 0; i < 4; ++i)
      c[i] = next[i];
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  return counter;
}

// The uniform draw in [0, 1) for element `index` of the stream `seed`: element i uses word i % 4
// of the block with counter {i / 4 (low and high 32 bits), 0, 0}; its top 24 bits, times 2^-24,
// are exactly representable in float and double alike, so both dtypes see the same number.
TIMBRE_HOST_DEVICE inline double philox_uniform(uint64_t seed, uint64_t index) {
  const uint64_t block = index / 4;
  const Philox4x32 counter = {
      {static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0u, 0u}};
  const Philox4x32 bits =
      philox4x32(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  return static_cast<double>(bits.word[index % 4] >> 8) * (1.0 / 16777216.0);
}

// Inverted dropout: keep an element (scaled by 1 / (1 - p)) when its draw is >= p, else zero it.
// The scale keeps the expected value of the output equal to the input's.
TIMBRE_HOST_DEVICE inline double dropout_mask_value(uint64_t seed, uint64_t index, double p) {
  return philox_uniform(seed, index) >= p ? 1.0 / (1.0 - p) : 0.0;
}

}  // namespace timbre
