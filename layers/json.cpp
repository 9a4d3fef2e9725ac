// layers/json.cpp - the JSON reader and writer behind safetensors headers (see json.h).
#include "layers/json.h"

#include <cstdio>
#include <limits>
#include <set>

#include "tensor/error.h"

namespace timbre::nn {

namespace {

// Nesting deeper than this cannot occur in a valid header: reject it instead of recursing on.
constexpr int kMaxJsonDepth = 8;

// A recursive-descent parser over the header text. Every error names the file and the byte
// position in the header.
class JsonParser {
 public:
  JsonParser(const std::string& text, const std::string& error_prefix)
      : text_(text), error_prefix_(error_prefix) {}

  // Parses one value followed only by whitespace (the header's space padding).
  JsonValue parse_document() {
    JsonValue value = parse_value(0);
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the JSON object");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(error_prefix_ + ": " + what + " at byte " + std::to_string(position_) +
                " of the header");
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
  const std::string& error_prefix_;
  size_t position_ = 0;
};

}  // namespace

JsonValue parse_json(const std::string& text, const std::string& error_prefix) {
  return JsonParser(text, error_prefix).parse_document();
}

const char* json_kind_name(JsonValue::Kind kind) {
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

}  // namespace timbre::nn
