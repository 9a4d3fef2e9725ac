// audio/median_network.cpp - see median_network.h.
//
// Only the functions that use AVX-512 and AVX2 are compiled for them (GCC target attributes), and
// they are called only after asking the CPU, so the library still runs on any x86-64.
#include "audio/median_network.h"

#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "tensor/error.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TIMBRE_HAVE_MEDIAN_NETWORK 1
#else
#define TIMBRE_HAVE_MEDIAN_NETWORK 0
#endif

namespace timbre::audio {

namespace {

constexpr int kInputs = 32;
constexpr int kSteps = 191;  // Batcher's odd-even merge sort of 32 inputs

// The compare-exchange steps of Batcher's odd-even merge sort for 32 inputs (Knuth, TAOCP 5.3.4):
// merge sorted runs of length p = 1, 2, 4, ...; within a merge, compare elements k apart for
// k = p, p/2, ..., 1, but only pairs inside the same block of 2p.
constexpr std::array<std::pair<int, int>, kSteps> batcher_network() {
  std::array<std::pair<int, int>, kSteps> steps{};
  int count = 0;
  for (int p = 1; p < kInputs; p *= 2) {
    for (int k = p; k >= 1; k /= 2) {
      for (int j = k % p; j + k < kInputs; j += 2 * k) {
        for (int i = 0; i < k && i + j + k < kInputs; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) steps[count++] = {i + j, i + j + k};
        }
      }
    }
  }
  return steps;
}
constexpr std::array<std::pair<int, int>, kSteps> kNetwork = batcher_network();

// The full sort is more than a median needs. For HPSS's window of 31 the network is pruned at
// compile time: wire 31 holds +infinity and stays there (every step puts the larger value on the
// higher wire), so its steps do nothing; and walking the steps backwards from wire 15 (the
// median) keeps only the steps whose result can reach it, and of those only the min or the max
// that is used - 274 vector instructions instead of 382.
struct PrunedStep {
  int low_wire, high_wire;
  bool keep_min, keep_max;  // which of the step's two results are used later
};
struct PrunedNetwork {
  std::array<PrunedStep, kSteps> steps{};
  int count = 0;
};

constexpr PrunedNetwork pruned_network(int window) {
  std::array<bool, kInputs> live{};
  live[window / 2] = true;
  std::array<PrunedStep, kSteps> reversed{};
  int count = 0;
  for (int s = kSteps - 1; s >= 0; --s) {
    const auto [a, b] = kNetwork[s];
    if (b >= window || !(live[a] || live[b])) continue;
    reversed[count++] = {a, b, live[a], live[b]};
    live[a] = live[b] = true;
  }
  PrunedNetwork network;
  network.count = count;
  for (int s = 0; s < count; ++s)
    network.steps[s] = reversed[count - 1 - s];
  return network;
}
constexpr int kHpssWindow = 31;
constexpr PrunedNetwork kMedianOf31 = pruned_network(kHpssWindow);

// The medians of `Lanes` windows at a time, lane i of each vector belonging to window i. A GCC
// vector of floats: `a < b ? a : b` compiles to one min instruction (vminps), `a > b ? a : b` to
// one max (no NaN among the values, so either form picks the same value).
template <int Lanes>
inline __attribute__((always_inline)) void network_medians(const float* first, int64_t step,
                                                           int64_t window, int64_t count,
                                                           float* output) {
  typedef float Vector __attribute__((vector_size(Lanes * sizeof(float))));
  if (window == kHpssWindow) {
    for (int64_t i = 0; i < count; i += Lanes) {
      Vector v[kInputs];
      for (int k = 0; k < kHpssWindow; ++k)
        std::memcpy(&v[k], first + i + k * step, sizeof(Vector));
#pragma GCC unroll 191
      for (int s = 0; s < kMedianOf31.count; ++s) {
        const PrunedStep& p = kMedianOf31.steps[s];
        const Vector a = v[p.low_wire], b = v[p.high_wire];
        if (p.keep_max) v[p.high_wire] = a > b ? a : b;
        if (p.keep_min) v[p.low_wire] = a < b ? a : b;
      }
      std::memcpy(output + i, &v[kHpssWindow / 2], sizeof(Vector));
    }
    return;
  }
  const float infinity = std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < count; i += Lanes) {
    Vector v[kInputs];
    for (int k = 0; k < kInputs; ++k) {
      if (k < window) {
        std::memcpy(&v[k], first + i + k * step, sizeof(Vector));
      } else {
        v[k] = Vector{} + infinity;
      }
    }
#pragma GCC unroll 191
    for (int s = 0; s < kSteps; ++s) {
      const Vector a = v[kNetwork[s].first], b = v[kNetwork[s].second];
      v[kNetwork[s].first] = a < b ? a : b;
      v[kNetwork[s].second] = a > b ? a : b;
    }
    std::memcpy(output + i, &v[window / 2], sizeof(Vector));
  }
}

#if TIMBRE_HAVE_MEDIAN_NETWORK

// 16 windows per vector with AVX-512 (32 registers: the 31 wires fit), 8 with AVX2 (16
// registers: some wires wait in L1, still well ahead of the sliding window).
__attribute__((target("avx512f"))) void median_network_avx512(const float* first, int64_t step,
                                                              int64_t window, int64_t count,
                                                              float* output) {
  network_medians<16>(first, step, window, count, output);
}
__attribute__((target("avx2"))) void median_network_avx2(const float* first, int64_t step,
                                                         int64_t window, int64_t count,
                                                         float* output) {
  network_medians<8>(first, step, window, count, output);
}

}  // namespace

int64_t median_network_lanes() {
  static const int64_t lanes = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 16;
    if (__builtin_cpu_supports("avx2")) return 8;
    return 0;
  }();
  return lanes;
}

void median_network(const float* first, int64_t step, int64_t window, int64_t count,
                    float* output) {
  TIMBRE_CHECK(median_network_lanes() > 0, "median_network: this CPU has neither AVX-512 nor AVX2");
  TIMBRE_CHECK(window >= 1 && window <= kInputs, "median_network: window must be in [1, ", kInputs,
               "], got ", window);
  TIMBRE_CHECK(count % median_network_lanes() == 0, "median_network: count ", count,
               " is not a multiple of ", median_network_lanes());
  if (median_network_lanes() == 16) {
    median_network_avx512(first, step, window, count, output);
  } else {
    median_network_avx2(first, step, window, count, output);
  }
}

#else

}  // namespace

int64_t median_network_lanes() {
  return 0;
}
void median_network(const float*, int64_t, int64_t, int64_t, float*) {
  TIMBRE_CHECK(false, "median_network: not compiled for this CPU");
}

#endif

}  // namespace timbre::audio
