// layers/checkpoint.cpp - the safetensors format (layout in checkpoint.h), in four parts:
//   1. the JSON of the header is read by layers/json.h;
//   2. the header: JSON -> a list of (name, dtype, shape, byte range), checked against the file;
//   3. reading and writing files (atomic writes through "<path>.tmp");
//   4. models and optimizers: strict name/shape/dtype matching, then copies in place.
#include "layers/checkpoint.h"

#include <unistd.h>  // fsync

#include <algorithm>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

#include "layers/json.h"
#include "tensor/kernels.h"

namespace timbre::nn {

// The data section holds each value's bytes exactly as they lie in memory; the format says
// little-endian, so this code is only correct on little-endian machines (x86, ARM as used).
static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian values; this reader/writer copies memory as is");

namespace {

// A header longer than this is surely corrupt (the safetensors library uses the same limit).
constexpr uint64_t kMaxHeaderLength = 100'000'000;
// ================================================================================================
// 2. The header
// ================================================================================================

// One tensor as the header describes it. begin/end are byte offsets into the data section.
struct TensorEntry {
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

struct Header {
  Metadata metadata;
  std::vector<TensorEntry> tensors;  // sorted by begin
};

const char* safetensors_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
    case DType::Int64:
      return "I64";
  }
  return "?";
}

DType dtype_from_safetensors(const std::string& name, const std::string& tensor,
                             const std::string& path) {
  if (name == "F32") return DType::Float32;
  if (name == "F64") return DType::Float64;
  if (name == "I64") return DType::Int64;
  throw Error(path + ": tensor \"" + tensor + "\" has dtype " + name +
              ", which timbre does not support (it reads F32, F64 and I64)");
}

// The member `key` of a tensor's entry, which must exist and be of `kind`.
const JsonValue& require_member(const JsonValue& entry, const std::string& key,
                                JsonValue::Kind kind, const std::string& tensor,
                                const std::string& path) {
  const JsonValue* value = entry.find(key);
  TIMBRE_CHECK(value != nullptr, path, ": tensor \"", tensor, "\" has no \"", key,
               "\" in the header");
  TIMBRE_CHECK(value->kind == kind, path, ": \"", key, "\" of tensor \"", tensor, "\" must be ",
               json_kind_name(kind), ", not ", json_kind_name(value->kind));
  return *value;
}

// Whether `value` is a size or byte offset: an integer >= 0 written without fraction or exponent.
bool is_non_negative_integer(const JsonValue& value) {
  return value.kind == JsonValue::Kind::Number && value.integer.has_value() && *value.integer >= 0;
}

// Parses the header JSON and checks it against the data section's size: known dtypes,
// non-negative shapes, byte ranges that match the shapes and tile [0, data_size) exactly.
Header parse_header(const std::string& text, uint64_t data_size, const std::string& path) {
  const JsonValue root = parse_json(text, path + ": corrupt safetensors header");
  TIMBRE_CHECK(root.kind == JsonValue::Kind::Object, path,
               ": corrupt safetensors header: expected a JSON object, found ",
               json_kind_name(root.kind));
  Header header;
  for (const auto& [name, value] : root.members) {
    if (name == "__metadata__") {
      TIMBRE_CHECK(value.kind == JsonValue::Kind::Object, path, ": \"__metadata__\" must be an ",
                   "object of strings");
      for (const auto& [key, entry] : value.members) {
        TIMBRE_CHECK(entry.kind == JsonValue::Kind::String, path, ": metadata \"", key,
                     "\" must be a string, not ", json_kind_name(entry.kind));
        header.metadata[key] = entry.string;
      }
      continue;
    }
    TIMBRE_CHECK(value.kind == JsonValue::Kind::Object, path, ": header entry of tensor \"", name,
                 "\" must be an object, not ", json_kind_name(value.kind));
    for (const auto& member : value.members) {
      TIMBRE_CHECK(
          member.first == "dtype" || member.first == "shape" || member.first == "data_offsets",
          path, ": tensor \"", name, "\" has an unknown header field \"", member.first, "\"");
    }
    TensorEntry tensor;
    tensor.name = name;
    tensor.dtype = dtype_from_safetensors(
        require_member(value, "dtype", JsonValue::Kind::String, name, path).string, name, path);

    for (const JsonValue& size :
         require_member(value, "shape", JsonValue::Kind::Array, name, path).items) {
      TIMBRE_CHECK(is_non_negative_integer(size), path, ": tensor \"", name,
                   "\" has a shape entry that is not a non-negative integer");
      tensor.shape.push_back(*size.integer);
    }
    // The byte count numel * dtype_size, guarded against overflow (a corrupt shape could
    // multiply past 2^64 and wrap around to a small, plausible number).
    uint64_t bytes = dtype_size(tensor.dtype);
    if (std::find(tensor.shape.begin(), tensor.shape.end(), 0) != tensor.shape.end()) bytes = 0;
    for (const int64_t size : tensor.shape) {
      if (bytes == 0) break;
      const uint64_t dimension = static_cast<uint64_t>(size);
      TIMBRE_CHECK(bytes <= std::numeric_limits<uint64_t>::max() / 2 / dimension, path,
                   ": tensor \"", name, "\" has an impossibly large shape ",
                   shape_str(tensor.shape));
      bytes *= dimension;
    }

    const JsonValue& offsets =
        require_member(value, "data_offsets", JsonValue::Kind::Array, name, path);
    TIMBRE_CHECK(offsets.items.size() == 2 && is_non_negative_integer(offsets.items[0]) &&
                     is_non_negative_integer(offsets.items[1]),
                 path, ": tensor \"", name, "\" must have data_offsets [begin, end] of two ",
                 "non-negative integers");
    tensor.begin = static_cast<uint64_t>(*offsets.items[0].integer);
    tensor.end = static_cast<uint64_t>(*offsets.items[1].integer);
    TIMBRE_CHECK(tensor.begin <= tensor.end && tensor.end <= data_size, path, ": tensor \"", name,
                 "\" has data_offsets [", tensor.begin, ", ", tensor.end,
                 "] outside the data section of ", data_size, " bytes (truncated file?)");
    TIMBRE_CHECK(tensor.end - tensor.begin == bytes, path, ": tensor \"", name, "\" of shape ",
                 shape_str(tensor.shape), " and dtype ", safetensors_dtype(tensor.dtype), " needs ",
                 bytes, " bytes but its data_offsets span ", tensor.end - tensor.begin);
    header.tensors.push_back(std::move(tensor));
  }

  // The byte ranges, in order, must follow each other exactly from 0 to data_size.
  std::stable_sort(header.tensors.begin(), header.tensors.end(),
                   [](const TensorEntry& a, const TensorEntry& b) { return a.begin < b.begin; });
  uint64_t expected_begin = 0;
  for (const TensorEntry& tensor : header.tensors) {
    TIMBRE_CHECK(tensor.begin == expected_begin, path, ": tensor \"", tensor.name,
                 "\" starts at byte ", tensor.begin, " of the data section, but the previous ",
                 "tensor ends at ", expected_begin, " (overlapping or missing data)");
    expected_begin = tensor.end;
  }
  TIMBRE_CHECK(expected_begin == data_size, path, ": the tensors cover ", expected_begin,
               " bytes but the data section has ", data_size, " (extra bytes at the end)");
  return header;
}

// ================================================================================================
// 3. Files
// ================================================================================================

// An opened safetensors file whose header has been read and checked.
struct OpenedFile {
  std::ifstream stream;  // positioned at the start of the data section
  Header header;
};

void read_header(const std::string& path, OpenedFile& file) {
  std::error_code error;
  const uint64_t file_size = std::filesystem::file_size(path, error);
  TIMBRE_CHECK(!error, path, ": cannot open file (", error.message(), ")");
  file.stream.open(path, std::ios::binary);
  TIMBRE_CHECK(file.stream.good(), path, ": cannot open file");
  TIMBRE_CHECK(file_size >= 8, path, ": not a safetensors file: ", file_size,
               " bytes, shorter than the 8-byte header length");

  unsigned char length_bytes[8] = {};
  file.stream.read(reinterpret_cast<char*>(length_bytes), 8);
  TIMBRE_CHECK(file.stream.gcount() == 8, path, ": cannot read the header length");
  uint64_t header_length = 0;  // little-endian: the last byte is the most significant
  for (int i = 7; i >= 0; --i)
    header_length = header_length * 256 + length_bytes[i];
  TIMBRE_CHECK(header_length <= file_size - 8, path, ": header length ", header_length,
               " is beyond the end of the file (", file_size, " bytes): truncated or not a ",
               "safetensors file");
  TIMBRE_CHECK(header_length <= kMaxHeaderLength, path, ": header length ", header_length,
               " is implausibly large");

  std::string text(header_length, '\0');
  file.stream.read(text.data(), static_cast<std::streamsize>(header_length));
  TIMBRE_CHECK(file.stream.gcount() == static_cast<std::streamsize>(header_length), path,
               ": cannot read the header");
  file.header = parse_header(text, file_size - 8 - header_length, path);
}

// Writes `size` bytes, throwing (after closing and removing the temporary file) on failure.
void write_or_fail(std::FILE* file, const void* data, size_t size, const std::string& temporary) {
  if (size == 0) return;
  if (std::fwrite(data, 1, size, file) != size) {
    std::fclose(file);
    std::remove(temporary.c_str());
    throw Error(temporary + ": write failed (disk full?)");
  }
}

// Reads the tensors of a file whose header read_header() checked: the ranges tile the data
// section, which lies inside the file, so each tensor is read in order, straight into its memory.
std::vector<NamedTensor> read_tensors(OpenedFile& file, const std::string& path) {
  std::vector<NamedTensor> out;
  for (const TensorEntry& entry : file.header.tensors) {
    Tensor tensor = empty(entry.shape, {.dtype = entry.dtype});
    const auto bytes = static_cast<std::streamsize>(entry.end - entry.begin);
    if (bytes > 0) file.stream.read(static_cast<char*>(tensor.raw_data_ptr()), bytes);
    TIMBRE_CHECK(bytes == 0 || file.stream.gcount() == bytes, path, ": cannot read the data of ",
                 "tensor \"", entry.name, "\" (the file changed while being read?)");
    out.emplace_back(entry.name, tensor);
  }
  return out;
}

// ================================================================================================
// 4. Models and optimizers
// ================================================================================================

// Checks that `found` has exactly the names of `targets`, with their shapes and dtypes; the
// error names the file and the first problem. `prefix` is prepended to names in messages.
void check_matches_targets(const std::vector<NamedTensor>& targets,
                           const std::map<std::string, Tensor>& found, const std::string& prefix,
                           const std::string& path) {
  std::set<std::string> expected;
  for (const auto& [name, target] : targets) {
    expected.insert(name);
    const auto it = found.find(name);
    TIMBRE_CHECK(it != found.end(), path, ": missing tensor \"", prefix, name, "\" (expected ",
                 dtype_name(target.dtype()), " ", shape_str(target.sizes()), ")");
    const Tensor& value = it->second;
    TIMBRE_CHECK(value.sizes() == target.sizes(), path, ": tensor \"", prefix, name,
                 "\" has shape ", shape_str(value.sizes()), " but the model's has shape ",
                 shape_str(target.sizes()));
    TIMBRE_CHECK(value.dtype() == target.dtype(), path, ": tensor \"", prefix, name, "\" is ",
                 dtype_name(value.dtype()), " but the model's is ", dtype_name(target.dtype()));
  }
  for (const auto& [name, value] : found) {
    TIMBRE_CHECK(expected.count(name) == 1, path, ": unexpected tensor \"", prefix, name,
                 "\" (the model has no parameter or buffer of that name)");
  }
}

// Copies each found tensor into its target, in place (after check_matches_targets passed).
void copy_into_targets(const std::vector<NamedTensor>& targets,
                       const std::map<std::string, Tensor>& found) {
  for (const auto& [name, target] : targets) {
    const Tensor& value = found.at(name);
    // Across devices, kernels::copy moves whole contiguous blocks: bring the value to the
    // target's device first when the target is not a plain CPU tensor.
    kernels::copy(target,
                  target.device().is_cpu() ? value : kernels::to_device(value, target.device()));
  }
}

std::vector<NamedTensor> with_prefix(const std::string& prefix,
                                     const std::vector<NamedTensor>& tensors) {
  std::vector<NamedTensor> out;
  for (const auto& [name, tensor] : tensors)
    out.emplace_back(prefix + name, tensor);
  return out;
}

}  // namespace

// ---- The file format ----------------------------------------------------------------------------

void write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                       const Metadata& metadata) {
  // Make every tensor a contiguous CPU array, and lay the arrays out one after the other.
  std::vector<Tensor> host;
  std::set<std::string> names;
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [key, value] : metadata) {
      if (!first) header += ",";
      header += json_string(key);
      header += ":";
      header += json_string(value);
      first = false;
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    TIMBRE_CHECK(name != "__metadata__", path, ": \"__metadata__\" cannot be a tensor name");
    TIMBRE_CHECK(names.insert(name).second, path, ": tensor name \"", name, "\" appears twice");
    TIMBRE_CHECK(tensor.defined(), path, ": tensor \"", name, "\" is undefined");
    host.push_back(kernels::contiguous(kernels::to_device(tensor, Device::cpu())));
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * dtype_size(tensor.dtype());
    std::string shape = "[";
    for (int64_t d = 0; d < tensor.dim(); ++d) {
      if (d > 0) shape += ",";
      shape += std::to_string(tensor.sizes()[d]);
    }
    shape += "]";
    if (header.size() > 1) header += ",";
    header += json_string(name);
    header += ":{\"dtype\":\"";
    header += safetensors_dtype(tensor.dtype());
    header += "\",\"shape\":";
    header += shape;
    header += ",\"data_offsets\":[";
    header += std::to_string(offset);
    header += ",";
    header += std::to_string(offset + bytes);
    header += "]}";
    offset += bytes;
  }
  header += "}";
  // Spaces up to a multiple of 8, so the data section starts 8-byte aligned (8 + N).
  header.append((8 - header.size() % 8) % 8, ' ');

  unsigned char length_bytes[8];
  uint64_t length = header.size();
  for (int i = 0; i < 8; ++i) {  // little-endian: least significant byte first
    length_bytes[i] = static_cast<unsigned char>(length & 0xff);
    length >>= 8;
  }

  // Write everything to a temporary file, force it to disk, then rename it over `path`: rename
  // replaces the old file in one step, so readers see either the old or the new checkpoint.
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  TIMBRE_CHECK(file != nullptr, temporary, ": cannot open for writing");
  write_or_fail(file, length_bytes, 8, temporary);
  write_or_fail(file, header.data(), header.size(), temporary);
  for (const Tensor& tensor : host) {
    write_or_fail(file, tensor.raw_data_ptr(),
                  static_cast<size_t>(tensor.numel()) * dtype_size(tensor.dtype()), temporary);
  }
  const bool flushed = std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!flushed || !closed) {
    std::remove(temporary.c_str());
    throw Error(temporary + ": write failed (disk full?)");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw Error(path + ": cannot rename the temporary file " + temporary + " into place");
  }
}

std::vector<NamedTensor> read_safetensors(const std::string& path) {
  OpenedFile file;
  read_header(path, file);
  return read_tensors(file, path);
}

Metadata read_safetensors_metadata(const std::string& path) {
  OpenedFile file;
  read_header(path, file);
  return file.header.metadata;
}

// ---- Models -------------------------------------------------------------------------------------

void save(const Module& model, const std::string& path, const Metadata& metadata) {
  write_safetensors(path, model.state_dict(), metadata);
}

void load(Module& model, const std::string& path) {
  std::map<std::string, Tensor> found;
  for (auto& [name, tensor] : read_safetensors(path))
    found[name] = tensor;
  const std::vector<NamedTensor> targets = model.state_dict();
  check_matches_targets(targets, found, "", path);  // everything is checked before any copy
  copy_into_targets(targets, found);
}

// ---- Resuming training --------------------------------------------------------------------------

void save_training_state(const std::string& path, const Module& model, const Optimizer& optimizer,
                         const Metadata& metadata) {
  std::vector<NamedTensor> tensors = with_prefix("model.", model.state_dict());
  for (auto& entry : with_prefix("optimizer.", optimizer.state_dict()))
    tensors.push_back(entry);
  write_safetensors(path, tensors, metadata);
}

Metadata load_training_state(const std::string& path, Module& model, Optimizer& optimizer) {
  OpenedFile file;
  read_header(path, file);
  const Metadata metadata = file.header.metadata;

  std::map<std::string, Tensor> model_tensors;
  std::vector<NamedTensor> optimizer_state;
  const std::string model_prefix = "model.", optimizer_prefix = "optimizer.";
  for (auto& [name, tensor] : read_tensors(file, path)) {
    if (name.rfind(model_prefix, 0) == 0) {
      model_tensors[name.substr(model_prefix.size())] = tensor;
    } else if (name.rfind(optimizer_prefix, 0) == 0) {
      optimizer_state.emplace_back(name.substr(optimizer_prefix.size()), tensor);
    } else {
      throw Error(path + ": unexpected tensor \"" + name + "\" (a training state holds only " +
                  "\"model.*\" and \"optimizer.*\" tensors)");
    }
  }
  // Check the model's part, then let the optimizer check and take its part (it changes nothing
  // on an error), and only then copy into the model: a bad file changes neither.
  const std::vector<NamedTensor> targets = model.state_dict();
  check_matches_targets(targets, model_tensors, model_prefix, path);
  try {
    optimizer.load_state_dict(optimizer_state);
  } catch (const Error& error) {
    throw Error(path + ": " + error.what());
  }
  copy_into_targets(targets, model_tensors);
  return metadata;
}

}  // namespace timbre::nn
