// audio/median_network.cpp - see median_network.h.
//
// Only the functions that use AVX-512 and AVX2 are compiled for them (GCC target attributes), and
// they are called only after asking the CPU, so the library still runs on any x86-64.
#include "audio/median_network.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "tensor/error.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TIMBRE_HAVE_MEDIAN_NETWORK 1
#else
#define TIMBRE_HAVE_MEDIAN_NETWORK 0
#endif

namespace timbre::audio {

namespace {

constexpr int kInputs = 32;  // the widest network
constexpr int kSteps = 191;  // Batcher's odd-even merge sort of 32 inputs

// One compare-exchange step (low_wire < high_wire): afterwards low_wire holds the smaller value
// and high_wire the larger. A pruned network computes only the results used later.
struct NetworkStep {
  int low_wire, high_wire;
  bool keep_min, keep_max;
};
struct Network {
  std::array<NetworkStep, kSteps> steps{};
  int count = 0;
};

// Batcher's odd-even merge sort of `wires` inputs (a power of two, at most 32), pruned:
//   * only wires 0 .. inputs - 1 hold values; the others hold +infinity, which every step keeps
//     on the higher wire, so steps that touch them change nothing and are left out;
//   * wires 0 .. sorted_below - 1 hold values already in order (sorted_below a power of two), so
//     the steps of the merges of runs shorter than sorted_below that lie inside them are left out;
//   * walking the steps backwards from the wanted wires live_first .. live_last, only the steps
//     whose result reaches one of them are kept, and of those only the min or max that is used.
// The sort merges sorted runs of length p = 1, 2, 4, ...; a merge compares wires k apart for
// k = p, p/2, ..., 1, but only pairs inside the same block of 2p (Knuth, TAOCP 5.3.4).
constexpr Network pruned_network(int wires, int inputs, int live_first, int live_last,
                                 int sorted_below) {
  struct PhasedStep {
    int low_wire, high_wire, run;
  };
  std::array<PhasedStep, kSteps> sort{};
  int sort_count = 0;
  for (int p = 1; p < wires; p *= 2) {
    for (int k = p; k >= 1; k /= 2) {
      for (int j = k % p; j + k < wires; j += 2 * k) {
        for (int i = 0; i < k && i + j + k < wires; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p))
            sort[sort_count++] = {i + j, i + j + k, p};
        }
      }
    }
  }
  std::array<bool, kInputs> live{};
  for (int wire = live_first; wire <= live_last; ++wire)
    live[wire] = true;
  std::array<NetworkStep, kSteps> reversed{};
  int count = 0;
  for (int s = sort_count - 1; s >= 0; --s) {
    const auto [a, b, run] = sort[s];
    const bool inside_sorted = b < sorted_below && 2 * run <= sorted_below;
    if (b >= inputs || inside_sorted || !(live[a] || live[b])) continue;
    reversed[count++] = {a, b, live[a], live[b]};
    live[a] = live[b] = true;
  }
  Network network;
  network.count = count;
  for (int s = 0; s < count; ++s)
    network.steps[s] = reversed[count - 1 - s];
  return network;
}

// Any window of at most 32 values: the whole sort, unpruned (the window, and so which wires hold
// +infinity and which wire is the median, is known only at run time).
constexpr Network kFullSort = pruned_network(kInputs, kInputs, 0, kInputs - 1, 0);

// HPSS's window: 31 values, median = rank 15.
constexpr int kWindow = 31;
constexpr int kRank = kWindow / 2;
// One window alone: the ranks that reach wire 15.
constexpr Network kMedianOf31 = pruned_network(kInputs, kWindow, kRank, kRank, 0);
// A group of kGroup consecutive windows shares kWindow - kGroup + 1 = 24 values, whose ranks
// kRank - kGroup + 1 .. kRank (8 .. 15) are the only ones the group's medians can take.
constexpr int kGroup = 8;
constexpr Network kGroupShared =
    pruned_network(kInputs, kWindow - kGroup + 1, kRank - kGroup + 1, kRank, 0);
// Splitting a group of 2h windows into two halves of h: wires 0 .. 2h-1 hold the group's kept
// ranks (in order), wires 2h .. 3h-1 the h values the half adds to what it shares; keep wires
// h .. 2h-1, the half's ranks kRank - h + 1 .. kRank (median_network.h's comment; a rank r of the
// half's shared values is wire r - (kRank - 2h + 1) here).
template <int Half>
constexpr Network kSplitMerge = pruned_network(4 * Half, 3 * Half, Half, 2 * Half - 1, 2 * Half);

// A vector of Lanes floats (GCC's vector extension). Named through a class because GCC drops the
// vector attribute when it deduces a template argument from such a type.
template <int Lanes>
struct FloatVector {
  typedef float Type __attribute__((vector_size(Lanes * sizeof(float))));
};

// Applies a network to vectors of floats. A GCC vector: `a < b ? a : b` compiles to one min
// instruction (vminps), `a > b ? a : b` to one max (no NaN among the values, so either form picks
// the same value). Unrolled, so every wire index is a constant and the wires live in registers.
template <const Network& network, int Lanes>
inline __attribute__((always_inline)) void apply(typename FloatVector<Lanes>::Type* wires) {
  using Vector = typename FloatVector<Lanes>::Type;
#pragma GCC unroll 191
  for (int s = 0; s < network.count; ++s) {
    const NetworkStep& step = network.steps[s];
    const Vector a = wires[step.low_wire], b = wires[step.high_wire];
    if (step.keep_max) wires[step.high_wire] = a > b ? a : b;
    if (step.keep_min) wires[step.low_wire] = a < b ? a : b;
  }
}

// The medians of windows First .. First + Size - 1 of a group, given `ranks` [Size], their shared
// values' ranks kRank - Size + 1 .. kRank. rows: the group's kWindow + kGroup - 1 input rows,
// window w covers rows w .. w + kWindow - 1 -> medians[First .. First + Size - 1].
template <int Lanes, int Size, int First>
inline __attribute__((always_inline)) void split_group(
    const typename FloatVector<Lanes>::Type* rows, const typename FloatVector<Lanes>::Type* ranks,
    typename FloatVector<Lanes>::Type* medians) {
  using Vector = typename FloatVector<Lanes>::Type;
  if constexpr (Size == 1) {
    medians[First] = ranks[0];
  } else {
    constexpr int kHalf = Size / 2;
    // The first half also shares rows First + kHalf - 1 .. First + Size - 2 (the rows before the
    // group's shared ones), the second half rows First + kWindow .. + kHalf - 1 (those after).
    Vector first_half[4 * kHalf], second_half[4 * kHalf];
    for (int i = 0; i < 2 * kHalf; ++i)
      first_half[i] = second_half[i] = ranks[i];
    for (int i = 0; i < kHalf; ++i) {
      first_half[2 * kHalf + i] = rows[First + kHalf - 1 + i];
      second_half[2 * kHalf + i] = rows[First + kWindow + i];
    }
    apply<kSplitMerge<kHalf>, Lanes>(first_half);
    apply<kSplitMerge<kHalf>, Lanes>(second_half);
    split_group<Lanes, kHalf, First>(rows, first_half + kHalf, medians);
    split_group<Lanes, kHalf, First + kHalf>(rows, second_half + kHalf, medians);
  }
}

// Loads Lanes floats (any alignment); stores the first `valid` lanes of a vector.
template <int Lanes>
inline __attribute__((always_inline)) void load_lanes(const float* source,
                                                      typename FloatVector<Lanes>::Type& vector) {
  std::memcpy(&vector, source, sizeof(vector));
}
template <int Lanes>
inline __attribute__((always_inline)) void store_lanes(
    const typename FloatVector<Lanes>::Type& vector, size_t valid, float* destination) {
  if (valid == Lanes) {  // a constant size: one vector store, not a call to memcpy
    std::memcpy(destination, &vector, sizeof(vector));
  } else {
    std::memcpy(destination, &vector, valid * sizeof(float));
  }
}

// median_network_columns for vectors of Lanes floats.
template <int Lanes>
inline __attribute__((always_inline)) void medians_down_columns(const float* input, int64_t stride,
                                                                int64_t window, int64_t outputs,
                                                                int64_t columns, float* output,
                                                                int64_t output_stride) {
  using Vector = typename FloatVector<Lanes>::Type;
  const Vector infinity = Vector{} + std::numeric_limits<float>::infinity();
  // One strip of Lanes columns at a time, walking down it: a group's rows are mostly the previous
  // group's, still in L1.
  for (int64_t column = 0; column < columns; column += Lanes) {
    const size_t valid = static_cast<size_t>(std::min<int64_t>(Lanes, columns - column));
    const float* strip = input + column;
    float* strip_output = output + column;
    int64_t i = 0;
    if (window == kWindow) {
      for (; i + kGroup <= outputs; i += kGroup) {
        Vector rows[kWindow + kGroup - 1];  // [38]: the rows of windows i .. i + 7
        for (int k = 0; k < kWindow + kGroup - 1; ++k)
          load_lanes<Lanes>(strip + (i + k) * stride, rows[k]);
        Vector shared[kInputs];  // rows i + 7 .. i + 30, which all 8 windows hold
        for (int k = 0; k < kWindow - kGroup + 1; ++k)
          shared[k] = rows[kGroup - 1 + k];
        apply<kGroupShared, Lanes>(shared);
        Vector medians[kGroup];
        split_group<Lanes, kGroup, 0>(rows, shared + kRank - kGroup + 1, medians);
        for (int g = 0; g < kGroup; ++g)
          store_lanes<Lanes>(medians[g], valid, strip_output + (i + g) * output_stride);
      }
      for (; i < outputs; ++i) {  // the last outputs % 8, one window each
        Vector wires[kInputs];
        for (int k = 0; k < kWindow; ++k)
          load_lanes<Lanes>(strip + (i + k) * stride, wires[k]);
        apply<kMedianOf31, Lanes>(wires);
        store_lanes<Lanes>(wires[kRank], valid, strip_output + i * output_stride);
      }
      continue;
    }
    for (; i < outputs; ++i) {
      Vector wires[kInputs];
      for (int k = 0; k < kInputs; ++k) {
        if (k < window) {
          load_lanes<Lanes>(strip + (i + k) * stride, wires[k]);
        } else {
          wires[k] = infinity;
        }
      }
      apply<kFullSort, Lanes>(wires);
      store_lanes<Lanes>(wires[window / 2], valid, strip_output + i * output_stride);
    }
  }
}

#if TIMBRE_HAVE_MEDIAN_NETWORK

// 16 columns per vector with AVX-512 (32 registers: a group's 24 shared wires fit), 8 with AVX2
// (16 registers: some wires wait in L1).
__attribute__((target("avx512f"))) void median_network_avx512(const float* input, int64_t stride,
                                                              int64_t window, int64_t outputs,
                                                              int64_t columns, float* output,
                                                              int64_t output_stride) {
  medians_down_columns<16>(input, stride, window, outputs, columns, output, output_stride);
}
__attribute__((target("avx2"))) void median_network_avx2(const float* input, int64_t stride,
                                                         int64_t window, int64_t outputs,
                                                         int64_t columns, float* output,
                                                         int64_t output_stride) {
  medians_down_columns<8>(input, stride, window, outputs, columns, output, output_stride);
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

void median_network_columns(const float* input, int64_t stride, int64_t window, int64_t outputs,
                            int64_t columns, float* output, int64_t output_stride) {
  TIMBRE_CHECK(median_network_lanes() > 0,
               "median_network_columns: this CPU has neither AVX-512 nor AVX2");
  TIMBRE_CHECK(window >= 1 && window <= kInputs, "median_network_columns: window must be in [1, ",
               kInputs, "], got ", window);
  TIMBRE_CHECK(outputs >= 0 && columns >= 0 && stride >= columns && output_stride >= columns,
               "median_network_columns: need outputs, columns >= 0 and strides >= columns");
  if (median_network_lanes() == 16) {
    median_network_avx512(input, stride, window, outputs, columns, output, output_stride);
  } else {
    median_network_avx2(input, stride, window, outputs, columns, output, output_stride);
  }
}

#else

}  // namespace

int64_t median_network_lanes() {
  return 0;
}
void median_network_columns(const float*, int64_t, int64_t, int64_t, int64_t, float*, int64_t) {
  TIMBRE_CHECK(false, "median_network_columns: not compiled for this CPU");
}

#endif

}  // namespace timbre::audio
