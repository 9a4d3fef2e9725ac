// layers/json.cpp - a recursive-descent JSON reader and the JSON writing helpers (see json.h).
#include "layers/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "tensor/error.h"

namespace timbre::nn {

namespace {

// Headers and result files are a few levels deep; anything deeper is no file timbre reads, so
// it is rejected instead of recursing on.
constexpr int kMaxJsonDepth = 16;

// A recursive-descent parser: one function per kind of value. Every error names the source and
// the byte position.
class JsonParser {
 public:
  JsonParser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  // Parses one value followed only by whitespace (such as a safetensors header's space padding).
  JsonValue parse_document() {
    JsonValue value = parse_value(0);
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(source_ + ": " + what + " at byte " + std::to_string(position_));
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

  // Consumes `word` when the text continues with it.
  bool accept_word(const std::string& word) {
    if (text_.compare(position_, word.size(), word) != 0) return false;
    position_ += word.size();
    return true;
  }

  bool digit_at(size_t position) const {
    return position < text_.size() && text_[position] >= '0' && text_[position] <= '9';
  }

  // One or more decimal digits; `where` names them in the error ("after '.'").
  void skip_digits(const char* where) {
    if (!digit_at(position_)) fail(std::string("expected a digit ") + where);
    while (digit_at(position_))
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
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      parse_number(value);
    } else if (accept_word("true") || accept_word("false")) {
      value.kind = JsonValue::Kind::Boolean;
      value.boolean = c == 't';
    } else if (!accept_word("null")) {
      fail(std::string("unexpected character '") + c + "' (expected an object, array, string, " +
           "number, true, false or null)");
    }
    return value;
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

  // A number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. Its value is the
  // nearest double (std::from_chars rounds correctly); an integer also keeps its exact value.
  void parse_number(JsonValue& value) {
    const size_t start = position_;
    if (text_[position_] == '-') ++position_;
    if (digit_at(position_) && text_[position_] == '0' && digit_at(position_ + 1)) {
      fail("numbers must not have leading zeros");
    }
    skip_digits("in a number");
    bool is_integer = true;
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      skip_digits("after '.' in a number");
      is_integer = false;
    }
    if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
      ++position_;
      if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) {
        ++position_;
      }
      skip_digits("in the exponent of a number");
      is_integer = false;
    }
    const char* begin = text_.data() + start;
    const char* end = text_.data() + position_;
    value.kind = JsonValue::Kind::Number;
    if (is_integer) {
      int64_t integer = 0;
      if (std::from_chars(begin, end, integer).ec != std::errc()) {
        position_ = start;
        fail("integer too large for 64 bits");
      }
      value.integer = integer;
    }
    if (std::from_chars(begin, end, value.number).ec != std::errc()) {
      position_ = start;
      fail("number '" + std::string(begin, end) + "' is out of the range of a double");
    }
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
  const std::string& source_;
  size_t position_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

JsonValue parse_json(const std::string& text, const std::string& source) {
  return JsonParser(text, source).parse_document();
}

const char* json_kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::Null:
      return "null";
    case JsonValue::Kind::Boolean:
      return "a boolean";
    case JsonValue::Kind::Number:
      return "a number";
    case JsonValue::Kind::String:
      return "a string";
    case JsonValue::Kind::Array:
      return "an array";
    case JsonValue::Kind::Object:
      return "an object";
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

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  // std::to_chars without a precision gives the shortest text that round-trips exactly.
  const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, written.ptr);
}

}  // namespace timbre::nn
