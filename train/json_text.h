// train/json_text.h - the JSON of a run's result files (history.json, metrics.json): numbers
// written so that they read back exactly, and a small reader for the files timbre wrote itself.
//
// layers/json.h only knows what a safetensors header holds (no fractional numbers); a history
// is mostly fractional numbers, so this reader takes the whole of JSON: objects, arrays,
// strings, numbers, true, false and null.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace timbre::train {

// The shortest decimal text that reads back as exactly `value` ("0.1", "1e-05", "3"); NaN and
// infinities, which JSON cannot hold, become null.
std::string json_number(double value);

struct JsonNode {
  enum class Kind { Null, Boolean, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;                                   // Kind::Boolean
  double number = 0.0;                                    // Kind::Number
  std::string string;                                     // Kind::String
  std::vector<JsonNode> items;                            // Kind::Array
  std::vector<std::pair<std::string, JsonNode>> members;  // Kind::Object, in file order

  // The member called `key` of an object, or nullptr when there is none (or this is no object).
  const JsonNode* find(const std::string& key) const;
};

// Parses `text`, which must hold exactly one JSON value (plus whitespace).
// Throws timbre::Error "<source>: <what> at byte <n>" on anything malformed.
JsonNode parse_json_text(const std::string& text, const std::string& source);

}  // namespace timbre::train
