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

struct NamedType {
  ResampleType type;
  const char* name;
};
constexpr NamedType kResampleTypes[] = {
    {ResampleType::SoxrVhq, "soxr_vhq"},       {ResampleType::SoxrHq, "soxr_hq"},
    {ResampleType::SoxrMq, "soxr_mq"},         {ResampleType::SoxrLq, "soxr_lq"},
    {ResampleType::SoxrQq, "soxr_qq"},         {ResampleType::SincBest, "sinc_best"},
    {ResampleType::SincMedium, "sinc_medium"}, {ResampleType::SincFastest, "sinc_fastest"},
    {ResampleType::Linear, "linear"},          {ResampleType::ZeroOrderHold, "zero_order_hold"},
};

bool uses_soxr(ResampleType type) {
  return type == ResampleType::SoxrVhq || type == ResampleType::SoxrHq ||
         type == ResampleType::SoxrMq || type == ResampleType::SoxrLq ||
         type == ResampleType::SoxrQq;
}

unsigned long soxr_recipe(ResampleType type) {
  switch (type) {
    case ResampleType::SoxrVhq:
      return SOXR_VHQ;
    case ResampleType::SoxrHq:
      return SOXR_HQ;
    case ResampleType::SoxrMq:
      return SOXR_MQ;
    case ResampleType::SoxrLq:
      return SOXR_LQ;
    default:
      return SOXR_QQ;
  }
}

int libsamplerate_converter(ResampleType type) {
  switch (type) {
    case ResampleType::SincBest:
      return SRC_SINC_BEST_QUALITY;
    case ResampleType::SincMedium:
      return SRC_SINC_MEDIUM_QUALITY;
    case ResampleType::SincFastest:
      return SRC_SINC_FASTEST;
    case ResampleType::Linear:
      return SRC_LINEAR;
    default:
      return SRC_ZERO_ORDER_HOLD;
  }
}

// One row through libsoxr, as python-soxr's resample() (cysoxr_divide_proc in python-soxr 0.3,
// the Cython versions librosa 0.10 was installed with) does it: input in chunks of
// int(48000 * native / target) samples into an output of ceil(n * target / native), then one
// flush of the filter's tail into what is left of it. In T (float32 or float64 samples in and
// out). Returns what libsoxr produced (possibly a few samples short).
// in: [count] -> [<= ceil(count * target / native)]
template <typename T>
std::vector<T> resample_row_with_soxr(const T* in, int64_t count, int native_rate, int target_rate,
                                      ResampleType type) {
  const double native = native_rate, target = target_rate;
  const auto capacity =
      static_cast<size_t>(std::ceil(static_cast<double>(count) * target / native));
  // At least one sample per chunk: python-soxr's formula gives 0 above 48000-fold upsampling.
  const size_t chunk = std::max<size_t>(1, static_cast<size_t>(48000.0 * native / target));
  const soxr_datatype_t datatype = sizeof(T) == 4 ? SOXR_FLOAT32_I : SOXR_FLOAT64_I;
  const soxr_io_spec_t io_spec = soxr_io_spec(datatype, datatype);
  const soxr_quality_spec_t quality = soxr_quality_spec(soxr_recipe(type), 0);
  std::vector<T> out(capacity);  // before the resampler exists: nothing to free if this throws
  soxr_error_t error = nullptr;
  const std::unique_ptr<struct soxr, decltype(&soxr_delete)> resampler(
      soxr_create(native, target, 1, &error, &io_spec, &quality, nullptr), &soxr_delete);
  TIMBRE_CHECK(error == nullptr, "resample: libsoxr cannot convert ", native_rate, " to ",
               target_rate, " Hz: ", error);
  size_t produced = 0, done = 0, position = 0;
  const auto total = static_cast<size_t>(count);
  while (error == nullptr && position < total) {
    const size_t take = std::min(chunk, total - position);
    error = soxr_process(resampler.get(), in + position, take, nullptr, out.data() + produced,
                         capacity - produced, &done);
    produced += done;
    position += take;
  }
  if (error == nullptr && produced < capacity) {  // the flush: no input, the filter's tail out
    error = soxr_process(resampler.get(), nullptr, 0, nullptr, out.data() + produced,
                         capacity - produced, &done);
    produced += done;
  }
  TIMBRE_CHECK(error == nullptr, "resample: libsoxr failed: ", error);
  out.resize(produced);
  return out;
}

// One row through libsamplerate (src_simple, float32 only): what it produced, up to
// ceil(count * target / native) samples.
// in: [count] -> [<= ceil(count * target / native)]
std::vector<float> resample_row_with_libsamplerate(const std::vector<float>& in, int native_rate,
                                                   int target_rate, ResampleType type) {
  const double ratio = static_cast<double>(target_rate) / static_cast<double>(native_rate);
  const auto wanted = static_cast<int64_t>(std::ceil(static_cast<double>(in.size()) * ratio));
  // libsamplerate may produce a few samples fewer or more than the ideal count; give it room.
  std::vector<float> out(static_cast<size_t>(wanted + 16));
  if (in.empty()) return {};
  SRC_DATA data{};
  data.data_in = in.data();
  data.input_frames = static_cast<long>(in.size());
  data.data_out = out.data();
  data.output_frames = static_cast<long>(out.size());
  data.src_ratio = ratio;
  data.end_of_input = 1;
  const int status = src_simple(&data, libsamplerate_converter(type), 1);
  TIMBRE_CHECK(status == 0, "resample: libsamplerate cannot convert ", native_rate, " to ",
               target_rate, " Hz: ", src_strerror(status));
  out.resize(static_cast<size_t>(std::min<int64_t>(data.output_frames_gen, wanted)));
  return out;
}

}  // namespace

std::string resample_type_name(ResampleType type) {
  for (const NamedType& named : kResampleTypes) {
    if (named.type == type) return named.name;
  }
  throw Error("resample_type_name: unknown resample type");
}

std::vector<std::string> resample_type_names() {
  std::vector<std::string> names;
  for (const NamedType& named : kResampleTypes)
    names.emplace_back(named.name);
  return names;
}

ResampleType parse_resample_type(const std::string& name) {
  std::string names;
  for (const NamedType& named : kResampleTypes) {
    if (named.name == name) return named.type;
    names += names.empty() ? named.name : std::string(", ") + named.name;
  }
  throw Error(::timbre::detail::concat("unknown resample type '", name, "' (one of: ", names, ")"));
}

Tensor resample(const Tensor& y, int native_rate, int target_rate, ResampleType type) {
  TIMBRE_CHECK(y.dim() == 1 || y.dim() == 2,
               "resample: y must be [samples] or "
               "[channels, samples], got ",
               y.dim(), " dimensions");
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
  dispatch_floating(y.dtype(), "resample", [&]<typename T>() {
    for (int64_t c = 0; c < channels; ++c) {
      std::vector<T> row(static_cast<size_t>(samples));  // this channel, contiguous
      const T* in = y.data_ptr<T>() + c * row_stride;
      for (int64_t i = 0; i < samples; ++i)
        row[i] = in[i * step];
      T* out = result.data_ptr<T>() + c * length;
      if (uses_soxr(type)) {
        const std::vector<T> resampled =
            resample_row_with_soxr(row.data(), samples, native_rate, target_rate, type);
        std::copy_n(resampled.begin(), std::min<int64_t>(std::ssize(resampled), length), out);
      } else {
        const std::vector<float> resampled = resample_row_with_libsamplerate(
            std::vector<float>(row.begin(), row.end()), native_rate, target_rate, type);
        std::copy_n(resampled.begin(), std::min<int64_t>(std::ssize(resampled), length), out);
      }
    }
  });
  return result;
}

}  // namespace timbre::audio
