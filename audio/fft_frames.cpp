// audio/fft_frames.cpp - rfft and irfft of 8 frames at once, one frame per vector lane. The
// algorithm is that of audio/fft.cpp (packing into n/2 complex points, bit-reversed load, radix-2
// stages two at a time, untangling), run on vectors; audio/fft_frames.h says why.
#include "audio/fft_frames.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "audio/fft.h"
#include "audio/fft_butterflies.h"
#include "tensor/error.h"

namespace timbre::audio {

using namespace detail;  // the plans and butterflies of audio/fft_butterflies.h

namespace {

// 8 doubles, one per frame, added and multiplied lane by lane (a GCC vector type: + - * work on
// it as on a double, and a double operand is broadcast to every lane).
typedef double Lanes __attribute__((vector_size(kFrameLanes * sizeof(double))));
constexpr size_t kLanesBytes = sizeof(Lanes);  // 64

// Scratch memory for `count` Lanes, aligned to 64 bytes and kept for the thread's next call.
// (Not std::vector<Lanes>: GCC gives Lanes the alignment of the widest registers of the
// baseline target, 16 bytes, while the AVX-512 code needs 64.)
class LaneScratch {
 public:
  Lanes* get(int64_t count) {
    if (count > capacity_) {
      memory_.reset(static_cast<Lanes*>(std::aligned_alloc(kLanesBytes, count * kLanesBytes)));
      TIMBRE_CHECK(memory_ != nullptr, "fft_frames: out of memory for ", count, " x 64 bytes");
      capacity_ = count;
    }
    return memory_.get();
  }

 private:
  struct Free {
    void operator()(Lanes* pointer) const { std::free(pointer); }
  };
  std::unique_ptr<Lanes, Free> memory_;
  int64_t capacity_ = 0;
};

// GCC compiles each kernel for AVX-512 (one register per Lanes), AVX2 and AVX (two registers) and
// baseline x86-64 (four), and picks one when the program starts. The operations and their order
// are the same in every version (audio/CMakeLists.txt turns off fused multiply-add), so are
// the results.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TIMBRE_FRAME_CLONES __attribute__((target_clones("avx512f", "avx2", "avx", "default")))
#else
#define TIMBRE_FRAME_CLONES
#endif

// rows[i][j] <-> rows[j][i]: 8 vectors of 8 doubles transposed in three rounds of shuffles, each
// interleaving pairs of vectors at a coarser grain (single elements, pairs, then halves).
inline __attribute__((always_inline)) void transpose_8x8(Lanes* rows) {
  typedef int64_t Index __attribute__((vector_size(kFrameLanes * sizeof(int64_t))));
  // Element e of __builtin_shuffle(a, b, mask) is a[mask[e]] for mask[e] < 8, else b[mask[e] - 8].
  const Index even_elements = {0, 8, 2, 10, 4, 12, 6, 14},
              odd_elements = {1, 9, 3, 11, 5, 13, 7, 15};
  const Index even_pairs = {0, 1, 8, 9, 4, 5, 12, 13}, odd_pairs = {2, 3, 10, 11, 6, 7, 14, 15};
  const Index low_halves = {0, 1, 2, 3, 8, 9, 10, 11}, high_halves = {4, 5, 6, 7, 12, 13, 14, 15};
  Lanes t[8], u[8];
  for (int i = 0; i < 8; i += 2) {  // t[i] = [r_i[0] r_{i+1}[0] r_i[2] r_{i+1}[2] ...]
    t[i] = __builtin_shuffle(rows[i], rows[i + 1], even_elements);
    t[i + 1] = __builtin_shuffle(rows[i], rows[i + 1], odd_elements);
  }
  for (int i = 0; i < 8; i += 4) {  // u[i] = [r_i[0] .. r_{i+3}[0]  r_i[4] .. r_{i+3}[4]]
    u[i] = __builtin_shuffle(t[i], t[i + 2], even_pairs);
    u[i + 1] = __builtin_shuffle(t[i + 1], t[i + 3], even_pairs);
    u[i + 2] = __builtin_shuffle(t[i], t[i + 2], odd_pairs);
    u[i + 3] = __builtin_shuffle(t[i + 1], t[i + 3], odd_pairs);
  }
  for (int i = 0; i < 4; ++i) {  // rows[i] = [r_0[i] .. r_7[i]]
    rows[i] = __builtin_shuffle(u[i], u[i + 4], low_halves);
    rows[i + 4] = __builtin_shuffle(u[i], u[i + 4], high_halves);
  }
}

// The radix-2 stages of audio/fft.cpp's radix2_stages on lanes: from blocks of first_half points
// (the stages before are done) up to n, two stages per pass while two remain.
// (real, imag): [n] in place, bit-reversed input -> natural-order DFT (imag_sign -1: inverse DFT,
// unscaled).
inline __attribute__((always_inline)) void lane_stages(Lanes* real, Lanes* imag,
                                                       const Radix2Plan& plan, double imag_sign,
                                                       int64_t first_half) {
  const int64_t n = plan.n;
  const double* twiddle_real = plan.twiddle_real<double>();
  const double* twiddle_imag = plan.twiddle_imag<double>();
  int64_t half = first_half;
  if (half == 1) {
    for (int64_t start = 0; start < n; start += 4) {
      first_two_stages(real + start, imag + start, real + start, imag + start, imag_sign);
    }
    half = 4;
  }
  for (; 4 * half <= n; half *= 4)
    butterfly_stage_pair(real, imag, n, half, twiddle_real, twiddle_imag, imag_sign);
  for (; half < n; half *= 2) {
    butterfly_stage(real, imag, n, half, twiddle_real + half, twiddle_imag + half, imag_sign);
  }
}

// See rfft_frames. out_real, out_imag: [n/2 + 1] Lanes.
TIMBRE_FRAME_CLONES void rfft_frames_kernel(const double* signal, int64_t hop, int64_t count,
                                            const double* window, int64_t n, Lanes* out_real,
                                            Lanes* out_imag) {
  const int64_t half = n / 2;
  const Radix2Plan& plan = *cached_plan<Radix2Plan>(half);
  const int32_t* reversed = plan.reversed.data();
  thread_local LaneScratch real_scratch, imag_scratch;
  Lanes* z_real = real_scratch.get(half);  // [half], the packed spectra
  Lanes* z_imag = imag_scratch.get(half);

  // frame[f]: where lane f reads its samples; lanes past count repeat frame 0.
  const double* frame[kFrameLanes];
  for (int64_t f = 0; f < kFrameLanes; ++f)
    frame[f] = signal + (f < count ? f : 0) * hop;

  // Pack z[j] = x[2j] + i x[2j+1] (x = windowed frame), each point straight into its bit-reversed
  // slot. Samples are read 8 at a time from each of the 8 frames (8 contiguous loads) and
  // transposed, so each vector holds one sample position of all 8 frames.
  for (int64_t start = 0; start < n; start += kFrameLanes) {
    Lanes samples[kFrameLanes];  // [frame][8 samples] -> [sample][8 frames]
    for (int64_t f = 0; f < kFrameLanes; ++f)
      std::memcpy(&samples[f], frame[f] + start, kLanesBytes);
    transpose_8x8(samples);
    for (int64_t q = 0; q < kFrameLanes; q += 2) {
      const int64_t slot = reversed[(start + q) / 2];
      z_real[slot] = samples[q] * window[start + q];
      z_imag[slot] = samples[q + 1] * window[start + q + 1];
    }
  }
  lane_stages(z_real, z_imag, plan, 1.0, /*first_half=*/1);

  // Untangle the packed spectra into the n/2 + 1 bins (bins 0 and n/2 from Z[0], as rfft does).
  const RealPlan& real_plan = *cached_plan<RealPlan>(n);
  out_real[0] = z_real[0] + z_imag[0];
  out_imag[0] = Lanes{};
  out_real[half] = z_real[0] - z_imag[0];
  out_imag[half] = Lanes{};
  rfft_split(z_real, z_imag, real_plan.twiddle_real<double>(), real_plan.twiddle_imag<double>(),
             half, out_real, out_imag);
}

// See irfft_frames. in_real, in_imag: [n/2 + 1] Lanes -> output: [n] Lanes.
TIMBRE_FRAME_CLONES void irfft_frames_kernel(const Lanes* in_real, const Lanes* in_imag, int64_t n,
                                             Lanes* output) {
  const int64_t half = n / 2;
  const Radix2Plan& plan = *cached_plan<Radix2Plan>(half);
  const RealPlan& real_plan = *cached_plan<RealPlan>(n);
  thread_local LaneScratch real_scratch, imag_scratch;
  Lanes* z_real = real_scratch.get(half);  // [half], the packed spectra
  Lanes* z_imag = imag_scratch.get(half);
  irfft_merge(in_real, in_imag, real_plan.twiddle_real<double>(), real_plan.twiddle_imag<double>(),
              half, plan.reversed.data(), z_real, z_imag);
  lane_stages(z_real, z_imag, plan, -1.0, /*first_half=*/1);
  // z[j] = x[2j] + i x[2j+1], times the inverse's 1/half (exact: a power of two).
  const double scale = 1.0 / static_cast<double>(half);
  for (int64_t j = 0; j < half; ++j) {
    output[2 * j] = z_real[j] * scale;
    output[2 * j + 1] = z_imag[j] * scale;
  }
}

void check_aligned(const void* pointer, const char* op, const char* name) {
  TIMBRE_CHECK(reinterpret_cast<uintptr_t>(pointer) % kLanesBytes == 0, op, ": ", name,
               " must be aligned to ", kLanesBytes, " bytes");
}

}  // namespace

bool frame_fft_supports(int64_t n) {
  return n >= 8 && is_power_of_two(n);
}

void rfft_frames(const double* signal, int64_t hop, int64_t count, const double* window, int64_t n,
                 double* out_real, double* out_imag) {
  TIMBRE_CHECK(frame_fft_supports(n), "rfft_frames: n must be a power of two >= 8, got ", n);
  TIMBRE_CHECK(count >= 1 && count <= kFrameLanes, "rfft_frames: count must be in [1, ",
               kFrameLanes, "], got ", count);
  TIMBRE_CHECK(hop >= 0, "rfft_frames: hop must be >= 0, got ", hop);
  check_aligned(out_real, "rfft_frames", "out_real");
  check_aligned(out_imag, "rfft_frames", "out_imag");
  rfft_frames_kernel(signal, hop, count, window, n, reinterpret_cast<Lanes*>(out_real),
                     reinterpret_cast<Lanes*>(out_imag));
}

void irfft_frames(const double* in_real, const double* in_imag, int64_t n, double* output) {
  TIMBRE_CHECK(frame_fft_supports(n), "irfft_frames: n must be a power of two >= 8, got ", n);
  check_aligned(in_real, "irfft_frames", "in_real");
  check_aligned(in_imag, "irfft_frames", "in_imag");
  check_aligned(output, "irfft_frames", "output");
  irfft_frames_kernel(reinterpret_cast<const Lanes*>(in_real),
                      reinterpret_cast<const Lanes*>(in_imag), n, reinterpret_cast<Lanes*>(output));
}

}  // namespace timbre::audio
