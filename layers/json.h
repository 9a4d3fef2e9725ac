// layers/json.h - a small JSON reader and writer, so that no external JSON library is needed.
// It reads the whole of JSON (objects, arrays, strings with escapes, numbers with fractions and
// exponents, true, false, null): the safetensors header (layers/checkpoint.h) and a run's result
// files (train/: history.json, metrics.json, the classes in a checkpoint's metadata) both use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace timbre::nn {

struct JsonValue {
  enum class Kind { Null, Boolean, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;  // Kind::Boolean
  double number = 0.0;   // Kind::Number: the nearest double to the text
  // Kind::Number written as an integer (no fraction, no exponent): its exact value. Sizes and
  // byte offsets need it, since a double is exact only up to 2^53.
  std::optional<int64_t> integer;
  std::string string;                                      // Kind::String
  std::vector<JsonValue> items;                            // Kind::Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Kind::Object, in file order

  // The member called `key` of an object, or nullptr when there is none (or this is no object).
  const JsonValue* find(const std::string& key) const;
};

// Parses `text`, which must hold exactly one JSON value (plus whitespace).
// Requires: nothing; `source` names the text in error messages (a path, "classify output").
// Ensures:  objects have no duplicate keys; integers fit int64; nesting is at most 16 deep (deeper
//           is no file timbre reads, and the limit bounds the recursion). Anything malformed
//           throws timbre::Error "<source>: <what> at byte <n>".
JsonValue parse_json(const std::string& text, const std::string& source);

// "null", "a boolean", "a number", "a string", "an array", "an object": for error messages.
const char* json_kind_name(JsonValue::Kind kind);

// A JSON string literal for `text`: quotes, backslashes and control characters escaped; other
// bytes (UTF-8 included) copied as they are.
std::string json_string(const std::string& text);

// The shortest decimal text that reads back as exactly `value` ("0.1", "1e-05", "3"); NaN and
// infinities, which JSON cannot hold, become null.
std::string json_number(double value);

}  // namespace timbre::nn
