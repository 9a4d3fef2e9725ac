// tensor/cpu/gemm.cpp - timbre's matrix multiply: C = alpha * A * B + beta * C.
//
// This is the GotoBLAS / BLIS algorithm. A naive triple loop runs at ~1-2 GFLOP/s because it
// waits on memory; this file reaches most of the CPU's peak by making every value it loads from
// memory take part in many multiply-adds. It does that in three layers:
//
//   1. Cache blocking. C is computed in blocks so that the pieces of A and B in use fit in the
//      caches (numbers for the AVX-512 float kernel on a Zen 4 core: L1d 32 KiB, L2 1 MiB,
//      L3 32 MiB shared):
//
//        for jc in [0, N) step NC:          NC = 2048
//          for pc in [0, K) step KC:        KC = 512
//            pack B block Bp = B[pc:+KC, jc:+NC]         512 x 2048 x 4 B = 4 MiB   -> L3
//            for ic in [0, M) step MC:      MC = 168
//              pack A block Ap = A[ic:+MC, pc:+KC]       168 x 512 x 4 B = 336 KiB -> L2
//              for jr in [0, NC) step NR:   B micro-panel Bp[:, jr:+NR]   512 x 32 = 64 KiB
//                for ir in [0, MC) step MR: A micro-panel Ap[ir:+MR, :]   14 x 512 = 28 KiB
//                  micro-kernel: C[ic+ir:+MR, jc+jr:+NR] += A micro-panel * B micro-panel
//
//      Both micro-panels come from L2 (the B one is reused for all MC / MR tiles of the jr
//      loop); the kernel needs only 46 floats per 28 FMAs from them, far below what L2 delivers.
//
//   2. Packing. Before use, each block is copied into a contiguous buffer in exactly the order
//      the micro-kernel reads it (A as [MR x KC] column-panels, B as [KC x NR] row-panels).
//      The copy reads A and B through their strides, so a transposed operand costs nothing
//      extra, and the micro-kernel then only ever reads memory sequentially.
//
//   3. The micro-kernel (gemm_kernel_*.cpp) keeps an MR x NR tile of C in SIMD registers and
//      updates it with one rank-1 product per k.
//
// Threads: C is cut into one rectangle per thread (along micro-panel boundaries) and each
// thread runs the loops above on its rectangle with its own packing buffers, so threads never
// wait for each other. Each element of C sees the K blocks in the same order and the tiles are
// the same for any split, so the result does not depend on the number of threads.
#include "tensor/cpu/gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "tensor/cpu/gemm_kernels.h"

namespace timbre::cpu {
namespace {

// ---- Kernels and their blocking parameters ------------------------------------------------

// A micro-kernel; see gemm_kernels.h for the exact contract.
template <typename T>
using MicroKernel = void (*)(int64_t kc, const T* ap, const T* bp, int64_t ldb, T* c, int64_t ldc,
                             int64_t m, int64_t n, T alpha, T beta);

// A micro-kernel plus the block sizes that suit it.
//   mr, nr: register tile of the kernel.
//   mc:     rows of A per packed A block (multiple of mr); MC x KC x sizeof(T) should fill about
//           a quarter to half of L2, so that the A block stays there while B micro-panels stream.
//   kc:     depth of a block; large enough that loading/storing the C tile (once per KC) is
//           cheap, small enough that an A micro-panel (MR x KC) fits in L1.
//   nc:     columns of B per packed B block (multiple of nr); the B block KC x NC lives in L3.
template <typename T>
struct Kernel {
  const char* name;
  MicroKernel<T> fn;
  int64_t mr, nr, mc, kc, nc;
};

// Portable micro-kernel: plain C++ loops that the compiler vectorises for whatever the build
// targets (SSE2 on x86-64, NEON on ARM). The MR x NR accumulator array is small enough to live
// in registers.
constexpr int64_t kPortableMR = 4;
constexpr int64_t kPortableNR = 16;

template <typename T>
void micro_kernel_portable(int64_t kc, const T* ap, const T* bp, int64_t ldb, T* c, int64_t ldc,
                           int64_t m, int64_t n, T alpha, T beta) {
  T acc[kPortableMR][kPortableNR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const T* a_k = ap + k * kPortableMR;  // A(0..MR-1, k)
    const T* b_k = bp + k * ldb;          // B(k, 0..NR-1)
    for (int64_t r = 0; r < kPortableMR; ++r) {
      for (int64_t j = 0; j < kPortableNR; ++j)
        acc[r][j] += a_k[r] * b_k[j];
    }
  }
  for (int64_t r = 0; r < m; ++r) {
    T* c_r = c + r * ldc;
    for (int64_t j = 0; j < n; ++j) {
      c_r[j] = (beta != T(0)) ? alpha * acc[r][j] + beta * c_r[j] : alpha * acc[r][j];
    }
  }
}

// Asks the CPU (once) which kernel to use. TIMBRE_GEMM_KERNEL=avx2|portable in the environment
// forces a slower kernel, which the tests use to check every kernel on one machine.
template <typename T>
Kernel<T> choose_kernel() {
  const char* forced = std::getenv("TIMBRE_GEMM_KERNEL");
  const auto allowed = [forced](const char* name) {
    if (forced == nullptr || *forced == '\0') return true;
    // A forced kernel name allows that kernel and everything slower than it.
    const auto rank = [](const char* s) {
      if (std::strcmp(s, "avx512") == 0) return 2;
      if (std::strcmp(s, "avx2") == 0) return 1;
      return 0;
    };
    return rank(name) <= rank(forced);
  };
  constexpr bool kIsFloat = sizeof(T) == 4;
#if TIMBRE_GEMM_X86_KERNELS
  __builtin_cpu_init();
  if (allowed("avx512") && __builtin_cpu_supports("avx512f")) {
    // Sizes for a Zen 4 core (L1d 32 KiB, L2 1 MiB, L3 32 MiB shared), checked by measurement
    // (docs/performance.md):
    //   KC = 512: an A micro-panel is 14 x 512 x 4 B = 28 KiB, so it stays in L1 while the
    //             kernel sweeps it against B micro-panels; C tiles are loaded/stored once per
    //             512 rank-1 updates, which is negligible. 384..1024 measured within noise.
    //   MC = 168 = 12 x MR: the A block, 168 x 512 x 4 B = 336 KiB, stays in L2 with room to
    //             spare for the B micro-panel streaming through (32 x 512 x 4 B = 64 KiB).
    //   NC = 2048: the B block, 512 x 2048 x 4 B = 4 MiB per thread, sits in L3. (Each B value
    //             is then used by MC = 168 rows of A, so even from DRAM it would keep up.)
    // For double the tile holds 16 columns (2 x 8 lanes); KC is halved to keep the same bytes.
    if (kIsFloat)
      return {
          "avx512", detail::micro_kernel_avx512, detail::kAvx512MR, detail::kAvx512NRf32, 168, 512,
          2048};
    return {
        "avx512", detail::micro_kernel_avx512, detail::kAvx512MR, detail::kAvx512NRf64, 168, 256,
        1024};
  }
  if (allowed("avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    // 6 x 16 tile; A micro-panel 6 x 256 x 4 B = 6 KiB in L1, A block 144 x 256 x 4 B =
    // 144 KiB fits the smaller L2 (256 KiB - 1 MiB) of older CPUs.
    if (kIsFloat)
      return {"avx2", detail::micro_kernel_avx2, detail::kAvx2MR, detail::kAvx2NRf32, 144, 256,
              2048};
    return {"avx2", detail::micro_kernel_avx2, detail::kAvx2MR, detail::kAvx2NRf64, 144, 128, 2048};
  }
#endif
  (void)allowed;
  // Modest blocks that suit any cache hierarchy.
  return {"portable", micro_kernel_portable<T>, kPortableMR, kPortableNR, 128, 256, 2048};
}

template <typename T>
const Kernel<T>& kernel() {
  static const Kernel<T> k = choose_kernel<T>();  // thread-safe one-time initialisation
  return k;
}

// ---- Small helpers ------------------------------------------------------------------------

int64_t round_up(int64_t x, int64_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

// A heap buffer aligned to a 64-byte cache line, so that packed panels start on a line and the
// micro-kernel's vector loads never straddle two lines. It only grows.
template <typename T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  ~AlignedBuffer() { release(); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Returns storage for at least `count` elements (old contents are not kept).
  T* reserve(int64_t count) {
    if (count > capacity_) {
      release();
      data_ = static_cast<T*>(
          ::operator new (static_cast<std::size_t>(count) * sizeof(T), std::align_val_t{64}));
      capacity_ = count;
    }
    return data_;
  }

 private:
  void release() {
    if (data_ != nullptr) ::operator delete (data_, std::align_val_t{64});
    data_ = nullptr;
    capacity_ = 0;
  }
  T* data_ = nullptr;
  int64_t capacity_ = 0;
};

// The packing buffers of the calling thread. They are kept between calls (OpenMP reuses its
// threads) because allocating a few MiB per call costs page faults that show up on small
// products, e.g. an LSTM step. At most about 7 MiB per thread and element type.
template <typename T>
struct PackBuffers {
  AlignedBuffer<T> a, b;
};

template <typename T>
PackBuffers<T>& thread_pack_buffers() {
  thread_local PackBuffers<T> buffers;
  return buffers;
}

// C[M, N] = beta * C, with beta == 0 writing zeros (never 0 * NaN). Used when K == 0 or alpha
// == 0, where BLAS says A and B are not read.
template <typename T>
void scale_c(int64_t M, int64_t N, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    T* c_i = c + i * ldc;
    for (int64_t j = 0; j < N; ++j)
      c_i[j] = (beta == T(0)) ? T(0) : beta * c_i[j];
  }
}

// Straightforward dot-product GEMM for tiny problems, where packing and threads cost more than
// they save. Each C element is one dot product over k in order.
template <typename T>
void gemm_small(int64_t M, int64_t N, int64_t K, T alpha, const T* a, int64_t ars, int64_t acs,
                const T* b, int64_t brs, int64_t bcs, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      T sum = 0;
      for (int64_t k = 0; k < K; ++k)
        sum += a[i * ars + k * acs] * b[k * brs + j * bcs];
      T& cij = c[i * ldc + j];
      cij = (beta == T(0)) ? alpha * sum : alpha * sum + beta * cij;
    }
  }
}

// ---- Packing ------------------------------------------------------------------------------

// Packs an m x kc piece of A into one A micro-panel of mr rows (rows m..mr-1 are zero-filled):
//   a:   points at A(i0, k0); A(i0 + r, k0 + k) = a[r * ars + k * acs]
//   dst: [kc, mr], dst[k * mr + r] = A(i0 + r, k0 + k)
// dst is written in order. For a row-major A (acs == 1) that means reading the mr rows side by
// side; each cache line read from a row then serves 16 consecutive k from L1. (Reading one row
// at a time instead would scatter the writes over the whole panel, which measured slower.)
template <typename T>
void pack_a_panel(const T* a, int64_t ars, int64_t acs, int64_t m, int64_t kc, int64_t mr, T* dst) {
  for (int64_t k = 0; k < kc; ++k) {
    const T* a_k = a + k * acs;  // A(i0, k0 + k)
    T* d = dst + k * mr;
    for (int64_t r = 0; r < m; ++r)
      d[r] = a_k[r * ars];
    for (int64_t r = m; r < mr; ++r)
      d[r] = T(0);
  }
}

// Packs a kc x n piece of B into one B micro-panel of nr columns (columns n..nr-1 zero-filled):
//   b:   points at B(k0, j0); B(k0 + k, j0 + j) = b[k * brs + j * bcs]
//   dst: [kc, nr], dst[k * nr + j] = B(k0 + k, j0 + j)
// dst is written in order; for a row-major B (bcs == 1) each k is a contiguous copy, which the
// compiler vectorises. For a transposed B the nr columns are read side by side (see above).
template <typename T>
void pack_b_panel(const T* b, int64_t brs, int64_t bcs, int64_t kc, int64_t n, int64_t nr, T* dst) {
  for (int64_t k = 0; k < kc; ++k) {
    const T* b_k = b + k * brs;  // B(k0 + k, j0)
    T* d = dst + k * nr;
    if (bcs == 1) {
      for (int64_t j = 0; j < n; ++j)
        d[j] = b_k[j];
    } else {
      for (int64_t j = 0; j < n; ++j)
        d[j] = b_k[j * bcs];
    }
    for (int64_t j = n; j < nr; ++j)
      d[j] = T(0);
  }
}

// ---- The blocked, packed GEMM on one thread ------------------------------------------------

// Computes C[M, N] = alpha * A[M, K] * B[K, N] + beta * C on the calling thread with the
// five-loop algorithm described at the top of this file.
// Requires: M, N, K >= 1, alpha != 0, C does not overlap A or B.
// Ensures:  the tiles of C are those of the whole matrix as long as this call starts at a row
//           that is a multiple of MR and a column that is a multiple of NR (the thread split
//           below guarantees it), so every element is computed the same way for any split.
template <typename T>
void gemm_serial(const Kernel<T>& ker, int64_t kc_max, int64_t M, int64_t N, int64_t K, T alpha,
                 const T* a, int64_t ars, int64_t acs, const T* b, int64_t brs, int64_t bcs, T beta,
                 T* c, int64_t ldc) {
  const int64_t mr = ker.mr, nr = ker.nr;
  // Blocks never larger than the problem (rounded up to whole micro-panels).
  const int64_t mc_max = std::min(ker.mc, round_up(M, mr));
  const int64_t nc_max = std::min(ker.nc, round_up(N, nr));
  PackBuffers<T>& buffers = thread_pack_buffers<T>();
  T* const a_pack = buffers.a.reserve(mc_max * kc_max);  // packed A block: [mc / mr][kc][mr]
  T* const b_pack = buffers.b.reserve(kc_max * nc_max);  // packed B block: [nc / nr][kc][nr]

  // When A is a single micro-panel of rows (M <= MR, e.g. a batch of 10 in an LSTM step),
  // every value of B is used by exactly one tile, so packing B would only copy it. Then the
  // full-width micro-panels of a row-major B are read in place, with row stride ldb = brs;
  // only a narrower last panel is packed, because the kernel needs its zero padding.
  const bool b_in_place = (bcs == 1 && M <= mr);
  const auto reads_b_in_place = [&](int64_t j) { return b_in_place && j + nr <= N; };

  for (int64_t jc = 0; jc < N; jc += nc_max) {
    const int64_t nc = std::min(nc_max, N - jc);
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      // C = alpha * A[:, block] * B[block, :] + beta_block * C: the user's beta scales C once,
      // on the first K block; later blocks accumulate onto it.
      const T beta_block = (pc == 0) ? beta : T(1);

      for (int64_t jr = 0; jr < nc; jr += nr) {  // B block -> nc / nr micro-panels
        const int64_t j = jc + jr;
        if (reads_b_in_place(j)) continue;
        pack_b_panel(b + pc * brs + j * bcs, brs, bcs, kc, std::min(nr, N - j), nr,
                     b_pack + jr * kc);
      }

      for (int64_t ic = 0; ic < M; ic += mc_max) {
        const int64_t mc = std::min(mc_max, M - ic);
        for (int64_t ir = 0; ir < mc; ir += mr) {  // A block -> mc / mr micro-panels
          const int64_t i = ic + ir;
          pack_a_panel(a + i * ars + pc * acs, ars, acs, std::min(mr, M - i), kc, mr,
                       a_pack + ir * kc);
        }
        // Every tile of C[ic : ic+mc, jc : jc+nc]. The B micro-panel (kc x nr) is reused for
        // all mc / mr tiles of a column of tiles. (Swapping the two loops, with a B block sized
        // for L2 and an A block for L3 as BLIS does, measured ~10% slower here.)
        for (int64_t jr = 0; jr < nc; jr += nr) {
          for (int64_t ir = 0; ir < mc; ir += mr) {
            const int64_t i = ic + ir, j = jc + jr;
            const bool in_place = reads_b_in_place(j);
            const T* bp = in_place ? b + pc * brs + j : b_pack + jr * kc;
            ker.fn(kc, a_pack + ir * kc, bp, in_place ? brs : nr, c + i * ldc + j, ldc,
                   std::min(mr, M - i), std::min(nr, N - j), alpha, beta_block);
          }
        }
      }
    }
  }
}

// ---- Splitting the work between threads ---------------------------------------------------

// Problems with fewer multiply-adds than this (about 25 us of work for one core) run on the
// calling thread only. Waking a second thread costs a few microseconds on an idle machine, and
// on a busy one (another program on the other core) it can cost a whole scheduler time slice,
// milliseconds, which is a disaster for the many small products of an LSTM step.
constexpr double kMinParallelMacs = 1.0e6;
// Problems with fewer multiply-adds than this skip packing entirely (see gemm_small). Measured:
// the packed path already wins from about 8 x 8 x 8 up (0.13 us vs 0.31 us), because its
// buffers are reused between calls; below that, e.g. 1 x 1 x 1, the plain loops win.
constexpr double kMaxSmallMacs = 4.0 * 4.0 * 4.0;

// How `threads` threads split C: a grid of rows x cols parts, each a whole number of micro-panels.
struct ThreadGrid {
  int64_t rows, cols;
};

// Picks the grid whose busiest thread has the fewest tiles (m_panels x n_panels tiles in all).
// On ties it prefers more column parts: threads that split the columns share only A, which is
// usually the smaller operand in a network (a batch of activations).
ThreadGrid choose_grid(int64_t threads, int64_t m_panels, int64_t n_panels) {
  ThreadGrid best{threads, 1};
  int64_t best_tiles = -1;
  for (int64_t cols = 1; cols <= threads; ++cols) {
    if (threads % cols != 0) continue;
    const int64_t rows = threads / cols;
    const int64_t tiles = ((m_panels + rows - 1) / rows) * ((n_panels + cols - 1) / cols);
    if (best_tiles < 0 || tiles <= best_tiles) {
      best = {rows, cols};
      best_tiles = tiles;
    }
  }
  return best;
}

int max_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// Runs the GEMM on up to max_threads() threads. C is cut into a grid of rectangles, one per
// thread, along micro-panel boundaries, and each thread runs gemm_serial on its rectangle with
// its own packing buffers. The threads never wait for each other, which matters on a busy
// machine: a thread that has been descheduled delays only its own part, not every barrier.
// Requires: M, N, K >= 1, alpha != 0, C does not overlap A or B.
// Ensures:  the same result for any number of threads (each element is computed by exactly
//           the same sequence of operations, see gemm_serial).
template <typename T>
void gemm_blocked(const Kernel<T>& ker, int64_t M, int64_t N, int64_t K, T alpha, const T* a,
                  int64_t ars, int64_t acs, const T* b, int64_t brs, int64_t bcs, T beta, T* c,
                  int64_t ldc) {
  const int64_t m_panels = (M + ker.mr - 1) / ker.mr;
  const int64_t n_panels = (N + ker.nr - 1) / ker.nr;
  const double macs = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  // More threads than tiles would leave some with nothing to do.
  const int64_t threads =
      (macs < kMinParallelMacs) ? 1 : std::min<int64_t>(max_threads(), m_panels * n_panels);
  const int64_t kc = std::min(ker.kc, K);  // the same K blocks for every thread
  if (threads <= 1) {
    gemm_serial(ker, kc, M, N, K, alpha, a, ars, acs, b, brs, bcs, beta, c, ldc);
    return;
  }

#pragma omp parallel num_threads(static_cast <int>(threads))
  {
#ifdef _OPENMP
    const int64_t team = omp_get_num_threads();  // may be fewer than asked for
    const int64_t t = omp_get_thread_num();
#else
    const int64_t team = 1, t = 0;
#endif
    const ThreadGrid grid = choose_grid(team, m_panels, n_panels);
    const int64_t ti = t / grid.cols, tj = t % grid.cols;
    // This thread's micro-panels: rows [p0, p1) and columns [q0, q1), converted to elements.
    const int64_t p0 = ti * m_panels / grid.rows, p1 = (ti + 1) * m_panels / grid.rows;
    const int64_t q0 = tj * n_panels / grid.cols, q1 = (tj + 1) * n_panels / grid.cols;
    const int64_t i0 = p0 * ker.mr, i1 = std::min(M, p1 * ker.mr);
    const int64_t j0 = q0 * ker.nr, j1 = std::min(N, q1 * ker.nr);
    if (i0 < i1 && j0 < j1) {
      gemm_serial(ker, kc, i1 - i0, j1 - j0, K, alpha, a + i0 * ars, ars, acs, b + j0 * bcs, brs,
                  bcs, beta, c + i0 * ldc + j0, ldc);
    }
  }
}

// The public entry point for both element types.
template <typename T>
void gemm_impl(int64_t M, int64_t N, int64_t K, T alpha, const T* a, int64_t ars, int64_t acs,
               const T* b, int64_t brs, int64_t bcs, T beta, T* c, int64_t ldc) {
  if (M <= 0 || N <= 0) return;   // empty C: nothing to do
  if (K <= 0 || alpha == T(0)) {  // A * B contributes nothing; BLAS does not read A or B then
    scale_c(M, N, beta, c, ldc);
    return;
  }
  const double macs = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  if (macs < kMaxSmallMacs) {
    gemm_small(M, N, K, alpha, a, ars, acs, b, brs, bcs, beta, c, ldc);
    return;
  }
  gemm_blocked(kernel<T>(), M, N, K, alpha, a, ars, acs, b, brs, bcs, beta, c, ldc);
}

}  // namespace

void gemm(int64_t M, int64_t N, int64_t K, float alpha, const float* a, int64_t a_row_stride,
          int64_t a_col_stride, const float* b, int64_t b_row_stride, int64_t b_col_stride,
          float beta, float* c, int64_t c_row_stride) {
  gemm_impl(M, N, K, alpha, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, beta, c,
            c_row_stride);
}

void gemm(int64_t M, int64_t N, int64_t K, double alpha, const double* a, int64_t a_row_stride,
          int64_t a_col_stride, const double* b, int64_t b_row_stride, int64_t b_col_stride,
          double beta, double* c, int64_t c_row_stride) {
  gemm_impl(M, N, K, alpha, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, beta, c,
            c_row_stride);
}

const char* gemm_kernel_name() {
  return kernel<float>().name;
}

}  // namespace timbre::cpu
