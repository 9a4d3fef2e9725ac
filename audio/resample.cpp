// audio/resample.cpp - librosa.resample through libsoxr or libsamplerate, one row at a time.
#include "audio/resample.h"

#include <samplerate.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::audio {

namespace {

// Each type: librosa's name, the library that runs it, and that library's code for it (a libsoxr
// quality recipe or a libsamplerate converter).
struct TypeInfo {
  ResampleType type;
  const char* name;
  bool soxr;
  unsigned long code;
};
constexpr TypeInfo kResampleTypes[] = {
    {ResampleType::SoxrVhq, "soxr_vhq", true, SOXR_VHQ},
    {ResampleType::SoxrHq, "soxr_hq", true, SOXR_HQ},
    {ResampleType::SoxrMq, "soxr_mq", true, SOXR_MQ},
    {ResampleType::SoxrLq, "soxr_lq", true, SOXR_LQ},
    {ResampleType::SoxrQq, "soxr_qq", true, SOXR_QQ},
    {ResampleType::SincBest, "sinc_best", false, SRC_SINC_BEST_QUALITY},
    {ResampleType::SincMedium, "sinc_medium", false, SRC_SINC_MEDIUM_QUALITY},
    {ResampleType::SincFastest, "sinc_fastest", false, SRC_SINC_FASTEST},
    {ResampleType::Linear, "linear", false, SRC_LINEAR},
    {ResampleType::ZeroOrderHold, "zero_order_hold", false, SRC_ZERO_ORDER_HOLD},
};

const TypeInfo& info_of(ResampleType type) {
  for (const TypeInfo& info : kResampleTypes) {
    if (info.type == type) return info;
  }
  throw Error("resample: unknown resample type");
}

// One row through libsoxr, as python-soxr's resample() (cysoxr_divide_proc in python-soxr 0.3,
// the Cython versions librosa 0.10 was installed with) does it: input in chunks of
// int(48000 * native / target) samples into an output of ceil(n * target / native), then one
// flush of the filter's tail into what is left of it. In T (float32 or float64 samples in and
// out). Writes the first min(produced, length) samples to out (libsoxr may give a few fewer).
// in: [count] -> out: [length]
template <typename T>
void resample_row_with_soxr(const T* in, int64_t count, int native_rate, int target_rate,
                            unsigned long recipe, T* out, int64_t length) {
  const double native = native_rate, target = target_rate;
  const auto capacity =
      static_cast<size_t>(std::ceil(static_cast<double>(count) * target / native));
  // At least one sample per chunk: python-soxr's formula gives 0 above 48000-fold upsampling.
  const size_t chunk = std::max<size_t>(1, static_cast<size_t>(48000.0 * native / target));
  const soxr_datatype_t datatype = sizeof(T) == 4 ? SOXR_FLOAT32_I : SOXR_FLOAT64_I;
  const soxr_io_spec_t io_spec = soxr_io_spec(datatype, datatype);
  const soxr_quality_spec_t quality = soxr_quality_spec(recipe, 0);
  std::vector<T> buffer(capacity);  // before the resampler exists: nothing to free if this throws
  soxr_error_t error = nullptr;
  const std::unique_ptr<struct soxr, decltype(&soxr_delete)> resampler(
      soxr_create(native, target, 1, &error, &io_spec, &quality, nullptr), &soxr_delete);
  TIMBRE_CHECK(error == nullptr, "resample: libsoxr cannot convert ", native_rate, " to ",
               target_rate, " Hz: ", error);
  size_t produced = 0, done = 0, position = 0;
  const auto total = static_cast<size_t>(count);
  while (error == nullptr && position < total) {
    const size_t take = std::min(chunk, total - position);
    error = soxr_process(resampler.get(), in + position, take, nullptr, buffer.data() + produced,
                         capacity - produced, &done);
    produced += done;
    position += take;
  }
  if (error == nullptr && produced < capacity) {  // the flush: no input, the filter's tail out
    error = soxr_process(resampler.get(), nullptr, 0, nullptr, buffer.data() + produced,
                         capacity - produced, &done);
    produced += done;
  }
  TIMBRE_CHECK(error == nullptr, "resample: libsoxr failed: ", error);
  std::copy_n(buffer.begin(), std::min<int64_t>(static_cast<int64_t>(produced), length), out);
}

// One row through libsamplerate (src_simple, which works in float32 only, so T = double passes
// through float32). Writes the first min(produced, length) samples to out.
// in: [count] -> out: [length]
template <typename T>
void resample_row_with_libsamplerate(const T* in, int64_t count, int native_rate, int target_rate,
                                     int converter, T* out, int64_t length) {
  if (count == 0) return;
  const std::vector<float> input(in, in + count);
  // libsamplerate may produce a few samples fewer or more than the ideal count; give it room.
  std::vector<float> output(static_cast<size_t>(length + 16));
  SRC_DATA data{};
  data.data_in = input.data();
  data.input_frames = static_cast<long>(count);
  data.data_out = output.data();
  data.output_frames = static_cast<long>(output.size());
  data.src_ratio = static_cast<double>(target_rate) / static_cast<double>(native_rate);
  data.end_of_input = 1;
  const int status = src_simple(&data, converter, 1);
  TIMBRE_CHECK(status == 0, "resample: libsamplerate cannot convert ", native_rate, " to ",
               target_rate, " Hz: ", src_strerror(status));
  std::copy_n(output.begin(), std::min<int64_t>(data.output_frames_gen, length), out);
}

}  // namespace

std::string resample_type_name(ResampleType type) {
  return info_of(type).name;
}

std::vector<std::string> resample_type_names() {
  std::vector<std::string> names;
  for (const TypeInfo& info : kResampleTypes)
    names.emplace_back(info.name);
  return names;
}

ResampleType parse_resample_type(const std::string& name) {
  std::string names;
  for (const TypeInfo& info : kResampleTypes) {
    if (info.name == name) return info.type;
    names += names.empty() ? info.name : std::string(", ") + info.name;
  }
  throw Error(::timbre::detail::concat("unknown resample type '", name, "' (one of: ", names, ")"));
}

Tensor resample(const Tensor& y, int native_rate, int target_rate, ResampleType type) {
  TIMBRE_CHECK(y.dim() == 1 || y.dim() == 2,
               "resample: y must be [samples] or [channels, samples], got ", y.dim(),
               " dimensions");
  TIMBRE_CHECK(y.dtype() == DType::Float32 || y.dtype() == DType::Float64,
               "resample: y must be float32 or float64, got ", dtype_name(y.dtype()));
  TIMBRE_CHECK(y.device().is_cpu(), "resample: the signal must be on the CPU");
  TIMBRE_CHECK(native_rate >= 1 && target_rate >= 1, "resample: rates must be >= 1 Hz, got ",
               native_rate, " and ", target_rate);
  if (native_rate == target_rate) return y;
  const bool rows_given = y.dim() == 2;
  const int64_t channels = rows_given ? y.size(0) : 1, samples = y.size(y.dim() - 1);
  const int64_t row_stride = rows_given ? y.stride(0) : 0, step = y.stride(y.dim() - 1);
  const double ratio = static_cast<double>(target_rate) / static_cast<double>(native_rate);
  const auto length = static_cast<int64_t>(std::ceil(static_cast<double>(samples) * ratio));
  // fix_length pads a short result with zeros.
  Tensor result = zeros(rows_given ? Shape{channels, length} : Shape{length}, {.dtype = y.dtype()});
  const TypeInfo& info = info_of(type);
  dispatch_floating(y.dtype(), "resample", [&]<typename T>() {
    std::vector<T> gathered;  // a strided row, made contiguous
    for (int64_t c = 0; c < channels; ++c) {
      const T* row = y.data_ptr<T>() + c * row_stride;
      if (step != 1) {
        gathered.resize(static_cast<size_t>(samples));
        for (int64_t i = 0; i < samples; ++i)
          gathered[i] = row[i * step];
        row = gathered.data();
      }
      T* out = result.data_ptr<T>() + c * length;
      if (info.soxr) {
        resample_row_with_soxr(row, samples, native_rate, target_rate, info.code, out, length);
      } else {
        resample_row_with_libsamplerate(row, samples, native_rate, target_rate,
                                        static_cast<int>(info.code), out, length);
      }
    }
  });
  return result;
}

}  // namespace timbre::audio
