// audio/median_network.cpp - see median_network.h.
//
// Only the function that uses AVX-512 is compiled for it (a GCC target attribute), and it is
// called only after asking the CPU, so the library still runs on any x86-64.
#include "audio/median_network.h"

#include <array>
#include <limits>
#include <utility>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define TIMBRE_HAVE_MEDIAN_NETWORK 1
// GCC 12 warns inside its own _mm512_min_ps/_mm512_max_ps, which pass an _mm512_undefined_ps()
// as the (unused) merge source of the unmasked instruction: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
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

}  // namespace

#if TIMBRE_HAVE_MEDIAN_NETWORK

bool median_network_available() {
  static const bool available = __builtin_cpu_supports("avx512f");
  return available;
}

__attribute__((target("avx512f"))) void median_network_16(const float* first, int64_t step,
                                                          int64_t window, int64_t count,
                                                          float* output) {
  if (window == kHpssWindow) {
    for (int64_t i = 0; i < count; i += 16) {
      __m512 v[kInputs];
      for (int k = 0; k < kHpssWindow; ++k)
        v[k] = _mm512_loadu_ps(first + i + k * step);
#pragma GCC unroll 191
      for (int s = 0; s < kMedianOf31.count; ++s) {
        const PrunedStep& p = kMedianOf31.steps[s];
        const __m512 low = _mm512_min_ps(v[p.low_wire], v[p.high_wire]);
        if (p.keep_max) v[p.high_wire] = _mm512_max_ps(v[p.low_wire], v[p.high_wire]);
        if (p.keep_min) v[p.low_wire] = low;
      }
      _mm512_storeu_ps(output + i, v[kHpssWindow / 2]);
    }
    return;
  }
  const __m512 infinity = _mm512_set1_ps(std::numeric_limits<float>::infinity());
  for (int64_t i = 0; i < count; i += 16) {
    __m512 v[kInputs];
    for (int k = 0; k < kInputs; ++k) {
      v[k] = k < window ? _mm512_loadu_ps(first + i + k * step) : infinity;
    }
#pragma GCC unroll 191
    for (int s = 0; s < kSteps; ++s) {
      const __m512 low = _mm512_min_ps(v[kNetwork[s].first], v[kNetwork[s].second]);
      v[kNetwork[s].second] = _mm512_max_ps(v[kNetwork[s].first], v[kNetwork[s].second]);
      v[kNetwork[s].first] = low;
    }
    _mm512_storeu_ps(output + i, v[window / 2]);
  }
}

#else

bool median_network_available() {
  return false;
}
void median_network_16(const float*, int64_t, int64_t, int64_t, float*) {}

#endif

}  // namespace timbre::audio
