// audio/target_clones.h - compile a function for several instruction sets and let the program
// pick, when it starts, the widest the CPU runs (GCC's target_clones): no -march=native, so the
// binary still runs on any x86-64, yet the hot loops use 256-bit vectors where the CPU has them.
//
//   TIMBRE_AVX2_CLONES      AVX2 (8 floats / 4 doubles per instruction) and baseline x86-64
//                           (SSE2: 4 floats / 2 doubles)
//   TIMBRE_AVX_AVX2_CLONES  the same plus AVX (some virtual machines offer AVX without AVX2)
//   TIMBRE_AVX512_AVX2_CLONES  AVX2 and baseline plus AVX-512F (16 floats / 8 doubles per
//                           instruction). AVX-512F has fused multiply-add, so only in files that
//                           audio/CMakeLists.txt compiles with -ffp-contract=off (or in code
//                           with no a*b + c to fuse).
//   TIMBRE_AVX512_FMA_CLONES  AVX-512F, FMA (with AVX: 8 floats / 4 doubles) and baseline: for
//                           code that calls std::fma, one instruction in the first two and a
//                           library call (same values) in the last.
//
// Put it on a non-template function (GCC clones those only) that calls always-inlined code, so
// that the inlined code is compiled for each instruction set. AVX2 and AVX do not enable FMA;
// AVX-512F does, and audio/CMakeLists.txt turns contraction off in the files that use it; so
// every version does the same operations in the same order and gives the same results. Other
// compilers get one version.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TIMBRE_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#define TIMBRE_AVX_AVX2_CLONES __attribute__((target_clones("avx2", "avx", "default")))
#define TIMBRE_AVX512_AVX2_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define TIMBRE_AVX512_FMA_CLONES __attribute__((target_clones("avx512f", "fma", "default")))
#else
#define TIMBRE_AVX2_CLONES
#define TIMBRE_AVX_AVX2_CLONES
#define TIMBRE_AVX512_AVX2_CLONES
#define TIMBRE_AVX512_FMA_CLONES
#endif
