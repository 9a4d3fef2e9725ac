// audio/fft_frames.cpp - rfft and irfft of 8 frames at once, one frame per vector lane. The
// algorithm is that of audio/fft.cpp (packing into n/2 complex points, bit-reversed load, radix-2
// stages two at a time, untangling), run on vectors; audio/fft_frames.h says why.
#include "audio/fft_frames.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include "audio/fft.h"
#include "audio/fft_butterflies.h"
#include "tensor/error.h"

namespace timbre::audio {

using namespace detail;  // the plans and butterflies of audio/fft_butterflies.h

namespace {

// The 8 frames' values at one point of the transform, held the way the target's registers hold
// them: one vector of 8 doubles with AVX-512, two of 4 with AVX2, four of 2 on baseline x86-64.
// Lane f (frame f) is element f % Width of part f / Width. Memory layout: 8 doubles in frame
// order, whatever the width, so [bins][8] arrays are arrays of FrameVector.
//
// Why not one GCC vector of 8 doubles for every target: where the registers are narrower, GCC
// builds such a vector from a scalar (a twiddle factor) by storing it 8 times to the stack and
// loading it back, which stalls on every butterfly; 4x slower on an AVX2 machine than the
// vectors the registers hold (measured).
template <int Width>
struct FrameVector {
  typedef double Native __attribute__((vector_size(Width * sizeof(double))));
  static constexpr int kParts = kFrameLanes / Width;
  Native part[kParts];
};

// Lane by lane arithmetic, and a double operand applies to every lane, as written in the
// butterflies of audio/fft_butterflies.h. Always inlined, so each runs in the instruction set
// of the kernel that uses it.
#define TIMBRE_LANE_OPERATOR \
  template <int Width>       \
  inline __attribute__((always_inline))
TIMBRE_LANE_OPERATOR FrameVector<Width> operator+(FrameVector<Width> a, FrameVector<Width> b) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = a.part[p] + b.part[p];
  return a;
}
TIMBRE_LANE_OPERATOR FrameVector<Width> operator-(FrameVector<Width> a, FrameVector<Width> b) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = a.part[p] - b.part[p];
  return a;
}
TIMBRE_LANE_OPERATOR FrameVector<Width> operator*(FrameVector<Width> a, FrameVector<Width> b) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = a.part[p] * b.part[p];
  return a;
}
TIMBRE_LANE_OPERATOR FrameVector<Width> operator-(FrameVector<Width> a) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = -a.part[p];
  return a;
}
TIMBRE_LANE_OPERATOR FrameVector<Width> operator*(double s, FrameVector<Width> a) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = s * a.part[p];
  return a;
}
TIMBRE_LANE_OPERATOR FrameVector<Width> operator*(FrameVector<Width> a, double s) {
  for (int p = 0; p < FrameVector<Width>::kParts; ++p)
    a.part[p] = a.part[p] * s;
  return a;
}
#undef TIMBRE_LANE_OPERATOR

// Scratch memory for `count` points of 64 bytes, aligned to 64 bytes and kept for the thread's
// next call.
class LaneScratch {
 public:
  void* get(int64_t count) {
    if (count > capacity_) {
      memory_.reset(std::aligned_alloc(kPointBytes, count * kPointBytes));
      TIMBRE_CHECK(memory_ != nullptr, "fft_frames: out of memory for ", count, " x 64 bytes");
      capacity_ = count;
    }
    return memory_.get();
  }
  static constexpr size_t kPointBytes = kFrameLanes * sizeof(double);  // 64

 private:
  struct Free {
    void operator()(void* pointer) const { std::free(pointer); }
  };
  std::unique_ptr<void, Free> memory_;
  int64_t capacity_ = 0;
};

// Width samples read from `source` as a vector of doubles: double samples with one unaligned
// vector load, float samples with one half-width load widened exactly to double. The types'
// `aligned` attribute says the source has only an element's alignment.
template <typename Native, typename Sample>
inline __attribute__((always_inline)) Native load_samples(const Sample* source) {
  if constexpr (std::is_same_v<Sample, double>) {
    typedef Native Unaligned __attribute__((aligned(alignof(double))));
    static_assert(alignof(Unaligned) == alignof(double));
    return *reinterpret_cast<const Unaligned*>(source);
  } else {
    typedef float Narrow __attribute__((vector_size(sizeof(Native) / 2), aligned(alignof(float))));
    static_assert(alignof(Narrow) == alignof(float));
    return __builtin_convertvector(*reinterpret_cast<const Narrow*>(source), Native);
  }
}

// One round of transpose_block: rows i and i + Grain (i with bit Grain clear) swap their
// off-diagonal blocks of Grain x Grain elements. Element c of __builtin_shuffle(a, b, mask) is
// a[mask[c]] for mask[c] < Width, else b[mask[c] - Width], so the masks are
//   low  (new row i):         c & Grain ? b[c - Grain] : a[c]
//   high (new row i + Grain): c & Grain ? b[c]         : a[c + Grain]
// C...: the columns 0 .. Width-1.
template <int Width, int Grain, typename Native, int... C>
inline __attribute__((always_inline)) void transpose_round(Native* rows,
                                                           std::integer_sequence<int, C...>) {
  typedef int64_t Index __attribute__((vector_size(Width * sizeof(int64_t))));
  const Index low = {((C & Grain) ? Width + C - Grain : C)...};
  const Index high = {((C & Grain) ? Width + C : C + Grain)...};
  for (int i = 0; i < Width; ++i) {
    if (i & Grain) continue;
    const Native a = rows[i], b = rows[i + Grain];
    rows[i] = __builtin_shuffle(a, b, low);
    rows[i + Grain] = __builtin_shuffle(a, b, high);
  }
}

// rows[i][j] <-> rows[j][i] for a Width x Width block: one round per bit of the index, each
// swapping that bit of the row index with the same bit of the column index.
template <int Width, int Grain = 1, typename Native>
inline __attribute__((always_inline)) void transpose_block(Native* rows) {
  if constexpr (Grain < Width) {
    transpose_round<Width, Grain>(rows, std::make_integer_sequence<int, Width>{});
    transpose_block<Width, 2 * Grain>(rows);
  }
}

// The mask that interleaves two vectors a, b of Width elements from element `from` on:
// (a[from], b[from], a[from + 1], b[from + 1], ...), Width elements (see transpose_round).
template <int Width, typename Index, int... C>
constexpr Index interleave_mask(int from, std::integer_sequence<int, C...>) {
  return Index{((C % 2 == 0) ? from + C / 2 : Width + from + C / 2)...};
}

// Where the input of the stages is put in bit-reversed order, the order the iterative algorithm
// needs. Scatter: the packing step stores each point j at slot reversed[j]. Gather: it stores
// the points in natural order, and the first pass of the stages reads them in bit-reversed order.
// With AVX-512 a point is one 64-byte register, and the scattered stores over the transform's
// arrays (64 KiB each for 2048 samples) missed L1 one after the other; gathered loads overlap
// better (rfft + irfft of 8 frames, AVX-512: 2048 samples ~22.7 -> ~21.5 us, 4096 samples 80 ->
// 58 us; but 256 to 1024 samples 2 to 8 % slower). With narrower registers a point is 2 or 4
// loads from scattered lines, and gathering measured 3 to 8 % slower up to 2048 samples, so those
// kernels scatter. (Choosing by size at run time cost more than it saved: the packing loop no
// longer knew whether its two arrays were the same.)
template <int Width>
constexpr bool kGathersBitReversed = Width == 8;

// The radix-2 stages of audio/fft.cpp's radix2_stages on lanes, two stages per pass while two
// remain.
// (in_real, in_imag): [n], in natural order, read bit-reversed (Gather), or already in
// bit-reversed order (not Gather; then they may be the output arrays themselves) -> (real, imag):
// [n] the DFT in natural order (imag_sign -1: inverse DFT, unscaled).
//
// The whole array (1024 points of 128 bytes for n_fft 2048) does not fit in L1, so each stage
// over all of it streams it from L2. The first stages only combine points within blocks of
// kL1Block points (8 KiB), so they run block by block while the block stays in L1: stages 1, 2
// (first_two_stages, reading the block's points from the input), then the pairs (4, 8) and
// (16, 32). Each point goes through the same operations in the same order as stage by stage
// over the whole array, only the blocks are visited in another order.
template <bool Gather, typename Lanes>
inline __attribute__((always_inline)) void lane_stages(const Lanes* in_real, const Lanes* in_imag,
                                                       Lanes* real, Lanes* imag,
                                                       const Radix2Plan& plan, double imag_sign) {
  const int64_t n = plan.n;  // >= 4 (frame_fft_supports: n_fft >= 8)
  const int32_t* reversed = plan.reversed.data();
  const double* twiddle_real = plan.twiddle_real<double>();
  const double* twiddle_imag = plan.twiddle_imag<double>();
  constexpr int64_t kL1Block = 64;
  const int64_t block_size = std::min(n, kL1Block);
  for (int64_t block = 0; block < n; block += block_size) {
    Lanes* block_real = real + block;
    Lanes* block_imag = imag + block;
    for (int64_t start = 0; start < block_size; start += 4) {
      Lanes four_real[4], four_imag[4];  // points block+start .. +3 of the bit-reversed input
      for (int q = 0; q < 4; ++q) {
        const int64_t slot = block + start + q;
        four_real[q] = in_real[Gather ? reversed[slot] : slot];
        four_imag[q] = in_imag[Gather ? reversed[slot] : slot];
      }
      first_two_stages(four_real, four_imag, block_real + start, block_imag + start, imag_sign);
    }
    for (int64_t block_half = 4; 4 * block_half <= block_size; block_half *= 4) {
      butterfly_stage_pair(block_real, block_imag, block_size, block_half, twiddle_real,
                           twiddle_imag, imag_sign);
    }
  }
  // Where the block loop stopped: the pairs above end at half = 4^k with 4^k <= block_size.
  int64_t half = 4;
  while (4 * half <= block_size)
    half *= 4;
  for (; 4 * half <= n; half *= 4)
    butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
  for (; half < n; half *= 2) {
    butterfly_stage(real, imag, n, half, twiddle_real + half, twiddle_imag + half, imag_sign);
  }
}

// See rfft_frames. out_real, out_imag: [n/2 + 1][8], read as [n/2 + 1] points.
template <int Width, typename Sample>
inline __attribute__((always_inline)) void rfft_frames_body(const Sample* signal, int64_t hop,
                                                            int64_t count, const double* window,
                                                            int64_t n, double* out_real_doubles,
                                                            double* out_imag_doubles) {
  using Lanes = FrameVector<Width>;
  using Native = typename Lanes::Native;
  Lanes* out_real = reinterpret_cast<Lanes*>(out_real_doubles);
  Lanes* out_imag = reinterpret_cast<Lanes*>(out_imag_doubles);
  const int64_t half = n / 2;
  const Radix2Plan& plan = *cached_plan<Radix2Plan>(half);
  const int32_t* reversed = plan.reversed.data();
  thread_local LaneScratch packed_real_scratch, packed_imag_scratch, real_scratch, imag_scratch;
  Lanes* z_real = static_cast<Lanes*>(real_scratch.get(half));  // [half], the packed spectra
  Lanes* z_imag = static_cast<Lanes*>(imag_scratch.get(half));
  // [half], z[j] in natural order (gather), or z itself in bit-reversed order (scatter).
  constexpr bool gather = kGathersBitReversed<Width>;
  Lanes* packed_real = gather ? static_cast<Lanes*>(packed_real_scratch.get(half)) : z_real;
  Lanes* packed_imag = gather ? static_cast<Lanes*>(packed_imag_scratch.get(half)) : z_imag;

  // frame[f]: where lane f reads its samples; lanes past count repeat frame 0.
  const Sample* frame[kFrameLanes];
  for (int64_t f = 0; f < kFrameLanes; ++f)
    frame[f] = signal + (f < count ? f : 0) * hop;

  // Pack z[j] = x[2j] + i x[2j+1] (x = windowed frame), in natural order or straight into its
  // bit-reversed slot (kGathersBitReversed). 8 samples of each of the 8 frames are read as Width x
  // Width blocks (Width contiguous samples of Width frames) and transposed, so each vector holds
  // one sample position of Width frames: part p of samples[q] is position start + q of frames
  // p*Width .. p*Width + Width-1. The loops have constant trip counts and are unrolled completely,
  // so rows[] and samples[] live in registers: loaded with one unaligned vector load per row, never
  // through the stack (GCC left the row loop rolled and copied each row in two halves through
  // memory, and the full-width reload of those halves stalled: a quarter of the kernel's time,
  // measured).
  for (int64_t start = 0; start < n; start += kFrameLanes) {
    Lanes samples[kFrameLanes];  // [sample][8 frames]
#pragma GCC unroll 8
    for (int p = 0; p < Lanes::kParts; ++p) {
#pragma GCC unroll 8
      for (int s = 0; s < Lanes::kParts; ++s) {
        Native rows[Width];  // [frame p*Width + i][samples start + s*Width ..]
#pragma GCC unroll 8
        for (int i = 0; i < Width; ++i)
          rows[i] = load_samples<Native>(frame[p * Width + i] + start + s * Width);
        transpose_block<Width>(rows);
#pragma GCC unroll 8
        for (int j = 0; j < Width; ++j)
          samples[s * Width + j].part[p] = rows[j];
      }
    }
    for (int64_t q = 0; q < kFrameLanes; q += 2) {
      const int64_t j = (start + q) / 2;
      const int64_t slot = gather ? j : reversed[j];
      packed_real[slot] = samples[q] * window[start + q];
      packed_imag[slot] = samples[q + 1] * window[start + q + 1];
    }
  }
  lane_stages<gather>(packed_real, packed_imag, z_real, z_imag, plan, 1.0);

  // Untangle the packed spectra into the n/2 + 1 bins (bins 0 and n/2 from Z[0], as rfft does).
  const RealPlan& real_plan = *cached_plan<RealPlan>(n);
  out_real[0] = z_real[0] + z_imag[0];
  out_imag[0] = Lanes{};
  out_real[half] = z_real[0] - z_imag[0];
  out_imag[half] = Lanes{};
  rfft_split_pairs(z_real, z_imag, real_plan.twiddle_real<double>(),
                   real_plan.twiddle_imag<double>(), half, out_real, out_imag);
}

// See irfft_frames. in_real, in_imag: [n/2 + 1][8] -> output: [8][n]
template <int Width>
inline __attribute__((always_inline)) void irfft_frames_body(const double* in_real_doubles,
                                                             const double* in_imag_doubles,
                                                             int64_t n, double* output) {
  using Lanes = FrameVector<Width>;
  const Lanes* in_real = reinterpret_cast<const Lanes*>(in_real_doubles);
  const Lanes* in_imag = reinterpret_cast<const Lanes*>(in_imag_doubles);
  using Native = typename Lanes::Native;
  const int64_t half = n / 2;
  const Radix2Plan& plan = *cached_plan<Radix2Plan>(half);
  const RealPlan& real_plan = *cached_plan<RealPlan>(n);
  const int32_t* reversed = plan.reversed.data();
  thread_local LaneScratch packed_real_scratch, packed_imag_scratch, real_scratch, imag_scratch;
  Lanes* z_real = static_cast<Lanes*>(real_scratch.get(half));  // [half], z = inverse DFT of Z
  Lanes* z_imag = static_cast<Lanes*>(imag_scratch.get(half));
  // [half], Z[k] in natural order (gather), or z itself in bit-reversed order (scatter).
  constexpr bool gather = kGathersBitReversed<Width>;
  Lanes* packed_real = gather ? static_cast<Lanes*>(packed_real_scratch.get(half)) : z_real;
  Lanes* packed_imag = gather ? static_cast<Lanes*>(packed_imag_scratch.get(half)) : z_imag;
  irfft_merge(in_real, in_imag, real_plan.twiddle_real<double>(), real_plan.twiddle_imag<double>(),
              half, gather ? nullptr : reversed, packed_real, packed_imag);
  lane_stages<gather>(packed_real, packed_imag, z_real, z_imag, plan, -1.0);
  // z[j] = x[2j] + i x[2j+1], times the inverse's 1/half (exact: a power of two), written frame
  // by frame: output[f][2j] = z_real[j][f] * scale, output[f][2j + 1] = z_imag[j][f] * scale.
  const double scale = 1.0 / static_cast<double>(half);
  if (half < Width) {  // (n = 8 with AVX-512) too short for whole vectors: lane by lane
    for (int64_t j = 0; j < half; ++j) {
      const Lanes real = z_real[j] * scale, imag = z_imag[j] * scale;
      for (int64_t f = 0; f < kFrameLanes; ++f) {
        output[f * n + 2 * j] = real.part[f / Width][f % Width];
        output[f * n + 2 * j + 1] = imag.part[f / Width][f % Width];
      }
    }
    return;
  }
  // Width points j .. j + Width-1 of Width frames at a time: the Width x Width blocks of real and
  // imaginary parts are transposed (row i: frame p*Width + i), then each frame's real and
  // imaginary parts interleaved into its 2*Width consecutive samples.
  typedef int64_t Index __attribute__((vector_size(Width * sizeof(int64_t))));
  const Index low = interleave_mask<Width, Index>(0, std::make_integer_sequence<int, Width>{});
  const Index high =
      interleave_mask<Width, Index>(Width / 2, std::make_integer_sequence<int, Width>{});
  for (int64_t j = 0; j < half; j += Width) {
    for (int p = 0; p < Lanes::kParts; ++p) {
      Native real[Width], imag[Width];  // [point j + q][frames p*Width ..]
      for (int q = 0; q < Width; ++q) {
        real[q] = z_real[j + q].part[p] * scale;
        imag[q] = z_imag[j + q].part[p] * scale;
      }
      transpose_block<Width>(real);  // [frame p*Width + i][points j ..]
      transpose_block<Width>(imag);
      for (int i = 0; i < Width; ++i) {
        double* samples = output + (p * Width + i) * n + 2 * j;
        const Native first = __builtin_shuffle(real[i], imag[i], low);
        const Native second = __builtin_shuffle(real[i], imag[i], high);
        std::memcpy(samples, &first, sizeof(Native));
        std::memcpy(samples + Width, &second, sizeof(Native));
      }
    }
  }
}

// The kernels for each instruction set (frame_kernel() picks the widest this CPU runs). The
// operations and their order are the same in every version (audio/CMakeLists.txt turns off fused
// multiply-add), so are the results. Everything they call is always inlined, so it is compiled
// for the kernel's instruction set.
template <typename Sample>
using RfftKernel = void (*)(const Sample*, int64_t, int64_t, const double*, int64_t, double*,
                            double*);
using IrfftKernel = void (*)(const double*, const double*, int64_t, double*);

template <typename Sample>
void rfft_frames_baseline(const Sample* signal, int64_t hop, int64_t count, const double* window,
                          int64_t n, double* out_real, double* out_imag) {
  rfft_frames_body<2>(signal, hop, count, window, n, out_real, out_imag);
}
void irfft_frames_baseline(const double* in_real, const double* in_imag, int64_t n,
                           double* output) {
  irfft_frames_body<2>(in_real, in_imag, n, output);
}

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TIMBRE_HAVE_FRAME_TARGETS 1
template <typename Sample>
__attribute__((target("avx512f"))) void rfft_frames_avx512(const Sample* signal, int64_t hop,
                                                           int64_t count, const double* window,
                                                           int64_t n, double* out_real,
                                                           double* out_imag) {
  rfft_frames_body<8>(signal, hop, count, window, n, out_real, out_imag);
}
template <typename Sample>
__attribute__((target("avx2"))) void rfft_frames_avx2(const Sample* signal, int64_t hop,
                                                      int64_t count, const double* window,
                                                      int64_t n, double* out_real,
                                                      double* out_imag) {
  rfft_frames_body<4>(signal, hop, count, window, n, out_real, out_imag);
}
__attribute__((target("avx512f"))) void irfft_frames_avx512(const double* in_real,
                                                            const double* in_imag, int64_t n,
                                                            double* output) {
  irfft_frames_body<8>(in_real, in_imag, n, output);
}
__attribute__((target("avx2"))) void irfft_frames_avx2(const double* in_real, const double* in_imag,
                                                       int64_t n, double* output) {
  irfft_frames_body<4>(in_real, in_imag, n, output);
}
#endif

// The kernels of one instruction set: the one place that maps a FrameKernel to code.
template <typename Sample>
struct KernelPair {
  RfftKernel<Sample> rfft;
  IrfftKernel irfft;
};
template <typename Sample>
KernelPair<Sample> kernels_of(FrameKernel kernel) {
#ifdef TIMBRE_HAVE_FRAME_TARGETS
  if (kernel == FrameKernel::Avx512) return {rfft_frames_avx512<Sample>, irfft_frames_avx512};
  if (kernel == FrameKernel::Avx2) return {rfft_frames_avx2<Sample>, irfft_frames_avx2};
#endif
  (void)kernel;
  return {rfft_frames_baseline<Sample>, irfft_frames_baseline};
}

void check_aligned(const void* pointer, const char* op, const char* name) {
  TIMBRE_CHECK(reinterpret_cast<uintptr_t>(pointer) % LaneScratch::kPointBytes == 0, op, ": ", name,
               " must be aligned to ", LaneScratch::kPointBytes, " bytes");
}

}  // namespace

bool frame_fft_supports(int64_t n) {
  return n >= 8 && is_power_of_two(n);
}

bool frame_kernel_runs_here(FrameKernel kernel) {
#ifdef TIMBRE_HAVE_FRAME_TARGETS
  __builtin_cpu_init();
  if (kernel == FrameKernel::Avx512) return __builtin_cpu_supports("avx512f");
  if (kernel == FrameKernel::Avx2) return __builtin_cpu_supports("avx2");
  return true;
#else
  return kernel == FrameKernel::Baseline;
#endif
}

FrameKernel frame_kernel() {
  static const FrameKernel widest = [] {
    for (FrameKernel kernel : {FrameKernel::Avx512, FrameKernel::Avx2}) {
      if (frame_kernel_runs_here(kernel)) return kernel;
    }
    return FrameKernel::Baseline;
  }();
  return widest;
}

const char* frame_kernel_name(FrameKernel kernel) {
  switch (kernel) {
    case FrameKernel::Avx512:
      return "avx512";
    case FrameKernel::Avx2:
      return "avx2";
    case FrameKernel::Baseline:
      return "baseline";
  }
  return "unknown";
}

namespace {

// Both public rfft_frames: the checks, then the chosen kernel.
template <typename Sample>
void rfft_frames_checked(const Sample* signal, int64_t hop, int64_t count, const double* window,
                         int64_t n, double* out_real, double* out_imag,
                         std::optional<FrameKernel> kernel) {
  TIMBRE_CHECK(frame_fft_supports(n), "rfft_frames: n must be a power of two >= 8, got ", n);
  TIMBRE_CHECK(count >= 1 && count <= kFrameLanes, "rfft_frames: count must be in [1, ",
               kFrameLanes, "], got ", count);
  TIMBRE_CHECK(hop >= 0, "rfft_frames: hop must be >= 0, got ", hop);
  check_aligned(out_real, "rfft_frames", "out_real");
  check_aligned(out_imag, "rfft_frames", "out_imag");
  // frame_kernel() runs here by construction; a kernel chosen by the caller is checked.
  TIMBRE_CHECK(!kernel || frame_kernel_runs_here(*kernel), "rfft_frames: this CPU cannot run the ",
               frame_kernel_name(kernel.value_or(FrameKernel::Baseline)), " kernel");
  const FrameKernel chosen = kernel.value_or(frame_kernel());
  kernels_of<Sample>(chosen).rfft(signal, hop, count, window, n, out_real, out_imag);
}

}  // namespace

void rfft_frames(const double* signal, int64_t hop, int64_t count, const double* window, int64_t n,
                 double* out_real, double* out_imag, std::optional<FrameKernel> kernel) {
  rfft_frames_checked(signal, hop, count, window, n, out_real, out_imag, kernel);
}

void rfft_frames(const float* signal, int64_t hop, int64_t count, const double* window, int64_t n,
                 double* out_real, double* out_imag, std::optional<FrameKernel> kernel) {
  rfft_frames_checked(signal, hop, count, window, n, out_real, out_imag, kernel);
}

void irfft_frames(const double* in_real, const double* in_imag, int64_t n, double* output,
                  std::optional<FrameKernel> kernel) {
  TIMBRE_CHECK(frame_fft_supports(n), "irfft_frames: n must be a power of two >= 8, got ", n);
  check_aligned(in_real, "irfft_frames", "in_real");
  check_aligned(in_imag, "irfft_frames", "in_imag");
  check_aligned(output, "irfft_frames", "output");
  // frame_kernel() runs here by construction; a kernel chosen by the caller is checked.
  TIMBRE_CHECK(!kernel || frame_kernel_runs_here(*kernel), "irfft_frames: this CPU cannot run the ",
               frame_kernel_name(kernel.value_or(FrameKernel::Baseline)), " kernel");
  const FrameKernel chosen = kernel.value_or(frame_kernel());
  kernels_of<double>(chosen).irfft(in_real, in_imag, n, output);
}

}  // namespace timbre::audio
