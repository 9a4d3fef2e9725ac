// train/json_text.cpp - JSON numbers and a recursive-descent JSON reader (see json_text.h).
#include "train/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tensor/error.h"

namespace timbre::train {

namespace {

// Result files are a few levels deep; anything deeper is not a file timbre wrote.
constexpr int kMaxDepth = 16;

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  JsonNode parse_document() {
    JsonNode node = parse_value(0);
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the JSON value");
    return node;
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

  char peek() {
    if (position_ >= text_.size()) fail("unexpected end of the JSON text");
    return text_[position_];
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "', found '" + text_[position_] + "'");
    ++position_;
  }

  // Consumes `word` (true, false, null) or fails.
  void expect_word(const std::string& word) {
    if (text_.compare(position_, word.size(), word) != 0) fail("expected '" + word + "'");
    position_ += word.size();
  }

  JsonNode parse_value(int depth) {
    if (depth > kMaxDepth) fail("JSON nested too deeply");
    skip_whitespace();
    JsonNode node;
    const char c = peek();
    if (c == '{') {
      node.kind = JsonNode::Kind::Object;
      parse_object(node, depth);
    } else if (c == '[') {
      node.kind = JsonNode::Kind::Array;
      parse_array(node, depth);
    } else if (c == '"') {
      node.kind = JsonNode::Kind::String;
      node.string = parse_string();
    } else if (c == 't' || c == 'f') {
      node.kind = JsonNode::Kind::Boolean;
      node.boolean = c == 't';
      expect_word(node.boolean ? "true" : "false");
    } else if (c == 'n') {
      expect_word("null");
    } else {
      node.kind = JsonNode::Kind::Number;
      node.number = parse_number();
    }
    return node;
  }

  void parse_object(JsonNode& node, int depth) {
    expect('{');
    skip_whitespace();
    if (peek() == '}') {
      ++position_;
      return;
    }
    while (true) {
      skip_whitespace();
      std::string key = parse_string();
      skip_whitespace();
      expect(':');
      node.members.emplace_back(std::move(key), parse_value(depth + 1));
      skip_whitespace();
      if (peek() == '}') {
        ++position_;
        return;
      }
      expect(',');
    }
  }

  void parse_array(JsonNode& node, int depth) {
    expect('[');
    skip_whitespace();
    if (peek() == ']') {
      ++position_;
      return;
    }
    while (true) {
      node.items.push_back(parse_value(depth + 1));
      skip_whitespace();
      if (peek() == ']') {
        ++position_;
        return;
      }
      expect(',');
    }
  }

  // A string literal. \uXXXX escapes below 0x80 are decoded; timbre writes no others, so any
  // other \u escape is rejected rather than decoded wrongly.
  std::string parse_string() {
    expect('"');
    std::string result;
    while (true) {
      const char c = peek();
      ++position_;
      if (c == '"') return result;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character inside a string");
      if (c != '\\') {
        result += c;
        continue;
      }
      const char escaped = peek();
      ++position_;
      switch (escaped) {
        case '"':
          result += '"';
          break;
        case '\\':
          result += '\\';
          break;
        case '/':
          result += '/';
          break;
        case 'b':
          result += '\b';
          break;
        case 'f':
          result += '\f';
          break;
        case 'n':
          result += '\n';
          break;
        case 'r':
          result += '\r';
          break;
        case 't':
          result += '\t';
          break;
        case 'u': {
          if (position_ + 4 > text_.size()) fail("unexpected end of a \\u escape");
          const unsigned long code = std::strtoul(text_.substr(position_, 4).c_str(), nullptr, 16);
          if (code >= 0x80) fail("\\u escapes beyond ASCII are not supported");
          result += static_cast<char>(code);
          position_ += 4;
          break;
        }
        default:
          fail(std::string("unknown escape '\\") + escaped + "'");
      }
    }
  }

  double parse_number() {
    const size_t start = position_;
    while (position_ < text_.size() &&
           std::string("+-0123456789.eE").find(text_[position_]) != std::string::npos) {
      ++position_;
    }
    if (position_ == start) fail(std::string("unexpected character '") + text_[start] + "'");
    double value = 0.0;
    const char* begin = text_.data() + start;
    const char* end = text_.data() + position_;
    const std::from_chars_result parsed = std::from_chars(begin, end, value);
    if (parsed.ec != std::errc() || parsed.ptr != end) {
      position_ = start;
      fail("malformed number '" + std::string(begin, end) + "'");
    }
    return value;
  }

  const std::string& text_;
  const std::string& source_;
  size_t position_ = 0;
};

}  // namespace

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  // std::to_chars without a precision gives the shortest text that round-trips exactly.
  const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, written.ptr);
}

const JsonNode* JsonNode::find(const std::string& key) const {
  for (const auto& [name, node] : members) {
    if (name == key) return &node;
  }
  return nullptr;
}

JsonNode parse_json_text(const std::string& text, const std::string& source) {
  return Parser(text, source).parse_document();
}

}  // namespace timbre::train
