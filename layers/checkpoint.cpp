// layers/checkpoint.cpp - the safetensors format (layout in checkpoint.h), in four parts:
//   1. a small JSON reader, exactly big enough for the header (objects, arrays, strings,
//      integers), which rejects everything else with a message;
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

#include "tensor/kernels.h"

namespace timbre::nn {

// The data section holds each value's bytes exactly as they lie in memory; the format says
// little-endian, so this code is only correct on little-endian machines (x86, ARM as used).
static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian values; this reader/writer copies memory as is");

namespace {

// A header longer than this is surely corrupt (the safetensors library uses the same limit).
constexpr uint64_t kMaxHeaderLength = 100'000'000;
// Nesting deeper than this cannot occur in a valid header: reject it instead of recursing on.
constexpr int kMaxJsonDepth = 8;

// ================================================================================================
// 1. JSON
// ================================================================================================

struct JsonValue {
  enum class Kind { Object, Array, String, Integer };
  Kind kind = Kind::Integer;
  std::string string;                                      // Kind::String
  int64_t integer = 0;                                     // Kind::Integer
  std::vector<JsonValue> items;                            // Kind::Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Kind::Object, in file order
};

const char* kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::Object:
      return "an object";
    case JsonValue::Kind::Array:
      return "an array";
    case JsonValue::Kind::String:
      return "a string";
    case JsonValue::Kind::Integer:
      return "an integer";
  }
  return "a value";
}

// A recursive-descent parser over the header text. Every error names the file and the byte
// position in the header.
class JsonParser {
 public:
  JsonParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  // Parses one value followed only by whitespace (the header's space padding).
  JsonValue parse_document() {
    JsonValue value = parse_value(0);
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the JSON object");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ": corrupt safetensors header: " + what + " at byte " +
                std::to_string(position_) + " of the header");
  }

  void skip_whitespace() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }

  // The next character without consuming it; fails at the end of the text.
  char peek() {
    if (position_ >= text_.size()) fail("unexpected end of the JSON text");
    return text_[position_];
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "', found '" + text_[position_] + "'");
    ++position_;
  }

  JsonValue parse_value(int depth) {
    if (depth > kMaxJsonDepth) fail("JSON nested too deeply");
    skip_whitespace();
    const char c = peek();
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    JsonValue value;
    if (c == '"') {
      value.kind = JsonValue::Kind::String;
      value.string = parse_string();
      return value;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      value.kind = JsonValue::Kind::Integer;
      value.integer = parse_integer();
      return value;
    }
    fail(std::string("unexpected character '") + c + "' (expected an object, array, string " +
         "or integer)");
  }

  JsonValue parse_object(int depth) {
    JsonValue value;
    value.kind = JsonValue::Kind::Object;
    std::set<std::string> seen;
    expect('{');
    skip_whitespace();
    if (peek() == '}') {
      ++position_;
      return value;
    }
    while (true) {
      skip_whitespace();
      std::string key = parse_string();
      if (!seen.insert(key).second) fail("duplicate key \"" + key + "\"");
      skip_whitespace();
      expect(':');
      JsonValue member = parse_value(depth + 1);
      value.members.emplace_back(std::move(key), std::move(member));
      skip_whitespace();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      return value;
    }
  }

  JsonValue parse_array(int depth) {
    JsonValue value;
    value.kind = JsonValue::Kind::Array;
    expect('[');
    skip_whitespace();
    if (peek() == ']') {
      ++position_;
      return value;
    }
    while (true) {
      value.items.push_back(parse_value(depth + 1));
      skip_whitespace();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect(']');
      return value;
    }
  }

  // An optional minus sign and decimal digits, no leading zeros, fitting in int64.
  int64_t parse_integer() {
    const bool negative = peek() == '-';
    if (negative) ++position_;
    if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
    if (peek() == '0' && position_ + 1 < text_.size() && text_[position_ + 1] >= '0' &&
        text_[position_ + 1] <= '9') {
      fail("integers must not have leading zeros");
    }
    uint64_t magnitude = 0;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      const uint64_t digit = static_cast<uint64_t>(text_[position_] - '0');
      if (magnitude > (uint64_t{1} << 63) / 10) fail("integer too large");
      magnitude = magnitude * 10 + digit;
      ++position_;
    }
    if (position_ < text_.size() &&
        (text_[position_] == '.' || text_[position_] == 'e' || text_[position_] == 'E')) {
      fail("only integers are expected in a safetensors header");
    }
    const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
    if (magnitude > limit) fail("integer too large");
    if (negative)
      return magnitude == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                              : -static_cast<int64_t>(magnitude);
    return static_cast<int64_t>(magnitude);
  }

  // Four hexadecimal digits of a \u escape.
  uint32_t parse_hex4() {
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = peek();
      ++position_;
      code *= 16;
      if (c >= '0' && c <= '9') {
        code += static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code += static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code += static_cast<uint32_t>(c - 'A' + 10);
      } else {
        fail("bad \\u escape (expected 4 hexadecimal digits)");
      }
    }
    return code;
  }

  static void append_utf8(std::string& out, uint32_t code_point) {
    if (code_point < 0x80) {
      out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
      out += static_cast<char>(0xC0 | (code_point >> 6));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
      out += static_cast<char>(0xE0 | (code_point >> 12));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code_point >> 18));
      out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
  }

  // A quoted string with JSON escapes; \uXXXX (and surrogate pairs) become UTF-8.
  std::string parse_string() {
    expect('"');
    std::string out;
    while (true) {
      const char c = peek();
      ++position_;
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char escaped = peek();
      ++position_;
      switch (escaped) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t code_point = parse_hex4();
          if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            // A high surrogate must be followed by \u and a low surrogate: together they encode
            // one code point above U+FFFF.
            if (text_.compare(position_, 2, "\\u") != 0) {
              fail("unpaired UTF-16 surrogate in a \\u escape");
            }
            position_ += 2;
            const uint32_t low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("unpaired UTF-16 surrogate in a \\u escape");
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
          } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            fail("unpaired UTF-16 surrogate in a \\u escape");
          }
          append_utf8(out, code_point);
          break;
        }
        default:
          fail(std::string("unknown escape '\\") + escaped + "'");
      }
    }
  }

  const std::string& text_;
  const std::string& path_;
  size_t position_ = 0;
};

// A JSON string literal for `text`: quotes, backslashes and control characters escaped; other
// bytes (UTF-8 included) copied as they are.
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

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

// The value of `key` in a JSON object, or null when absent.
const JsonValue* find_member(const JsonValue& object, const std::string& key) {
  for (const auto& [name, value] : object.members) {
    if (name == key) return &value;
  }
  return nullptr;
}

// The member `key` of a tensor's entry, which must exist and be of `kind`.
const JsonValue& require_member(const JsonValue& entry, const std::string& key,
                                JsonValue::Kind kind, const std::string& tensor,
                                const std::string& path) {
  const JsonValue* value = find_member(entry, key);
  TIMBRE_CHECK(value != nullptr, path, ": tensor \"", tensor, "\" has no \"", key,
               "\" in the header");
  TIMBRE_CHECK(value->kind == kind, path, ": \"", key, "\" of tensor \"", tensor, "\" must be ",
               kind_name(kind), ", not ", kind_name(value->kind));
  return *value;
}

// Parses the header JSON and checks it against the data section's size: known dtypes,
// non-negative shapes, byte ranges that match the shapes and tile [0, data_size) exactly.
Header parse_header(const std::string& text, uint64_t data_size, const std::string& path) {
  const JsonValue root = JsonParser(text, path).parse_document();
  TIMBRE_CHECK(root.kind == JsonValue::Kind::Object, path,
               ": corrupt safetensors header: expected a JSON object, found ",
               kind_name(root.kind));
  Header header;
  for (const auto& [name, value] : root.members) {
    if (name == "__metadata__") {
      TIMBRE_CHECK(value.kind == JsonValue::Kind::Object, path, ": \"__metadata__\" must be an ",
                   "object of strings");
      for (const auto& [key, entry] : value.members) {
        TIMBRE_CHECK(entry.kind == JsonValue::Kind::String, path, ": metadata \"", key,
                     "\" must be a string, not ", kind_name(entry.kind));
        header.metadata[key] = entry.string;
      }
      continue;
    }
    TIMBRE_CHECK(value.kind == JsonValue::Kind::Object, path, ": header entry of tensor \"", name,
                 "\" must be an object, not ", kind_name(value.kind));
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
      TIMBRE_CHECK(size.kind == JsonValue::Kind::Integer && size.integer >= 0, path, ": tensor \"",
                   name, "\" has a shape entry that is not a non-negative integer");
      tensor.shape.push_back(size.integer);
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
    TIMBRE_CHECK(offsets.items.size() == 2 && offsets.items[0].kind == JsonValue::Kind::Integer &&
                     offsets.items[1].kind == JsonValue::Kind::Integer &&
                     offsets.items[0].integer >= 0 && offsets.items[1].integer >= 0,
                 path, ": tensor \"", name, "\" must have data_offsets [begin, end] of two ",
                 "non-negative integers");
    tensor.begin = static_cast<uint64_t>(offsets.items[0].integer);
    tensor.end = static_cast<uint64_t>(offsets.items[1].integer);
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
