// layers/json.h - just enough JSON for the safetensors header: objects, arrays, strings (with
// escapes) and integers. Anything else (floats, true/false/null, deep nesting) is rejected with a
// message, since a valid header never holds it. No external JSON library is needed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace timbre::nn {

struct JsonValue {
  enum class Kind { Object, Array, String, Integer };
  Kind kind = Kind::Integer;
  std::string string;                                      // Kind::String
  int64_t integer = 0;                                     // Kind::Integer
  std::vector<JsonValue> items;                            // Kind::Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Kind::Object, in file order
};

// Parses `text`, which must hold exactly one JSON value (plus whitespace). Throws timbre::Error
// "<error_prefix>: <what> at byte <n> of the header" on anything malformed.
JsonValue parse_json(const std::string& text, const std::string& error_prefix);

// "an object", "an array", "a string", "an integer": for error messages.
const char* json_kind_name(JsonValue::Kind kind);

// A JSON string literal for `text`: quotes, backslashes and control characters escaped; other
// bytes (UTF-8 included) copied as they are.
std::string json_string(const std::string& text);

}  // namespace timbre::nn
