// tests/test_json.cpp - the JSON reader and writers of layers/json.h, shared by the safetensors
// header (tests/test_checkpoint.cpp checks its header-specific errors) and a run's result files:
// every kind of value reads back, integers stay exact, numbers written by json_number read back
// as the same double, and malformed text is an error naming the source and the byte.
#include <cmath>
#include <string>

#include "layers/json.h"
#include "test_helpers.h"

namespace timbre::nn {
namespace {

TEST(Json, ReadsNumbersWithFractionsAndExponents) {
  const JsonValue array = parse_json("[0.5, -2.5e-3, 1E2, 7e+1]", "test");
  ASSERT_EQ(array.items.size(), 4u);
  EXPECT_EQ(array.items[0].number, 0.5);
  EXPECT_EQ(array.items[1].number, -2.5e-3);
  EXPECT_EQ(array.items[2].number, 100.0);
  EXPECT_EQ(array.items[3].number, 70.0);
  for (const JsonValue& item : array.items) {
    EXPECT_EQ(item.kind, JsonValue::Kind::Number);
    EXPECT_FALSE(item.integer.has_value());  // written with a fraction or an exponent
  }
}

TEST(Json, IntegersKeepTheirExactValue) {
  // 2^53 + 1 has no double of its own: only the integer field holds it exactly.
  const JsonValue array = parse_json("[9007199254740993, -9223372036854775808, 0]", "test");
  EXPECT_EQ(array.items[0].integer, int64_t{9007199254740993});
  EXPECT_EQ(array.items[1].integer, INT64_MIN);
  EXPECT_EQ(array.items[2].integer, 0);
  EXPECT_EQ(array.items[2].number, 0.0);
}

TEST(Json, ReadsTrueFalseAndNull) {
  const JsonValue array = parse_json(" [true, false, null] ", "test");
  ASSERT_EQ(array.items.size(), 3u);
  EXPECT_EQ(array.items[0].kind, JsonValue::Kind::Boolean);
  EXPECT_TRUE(array.items[0].boolean);
  EXPECT_EQ(array.items[1].kind, JsonValue::Kind::Boolean);
  EXPECT_FALSE(array.items[1].boolean);
  EXPECT_EQ(array.items[2].kind, JsonValue::Kind::Null);
}

TEST(Json, ObjectsKeepFileOrderAndFindTheirMembers) {
  const JsonValue object = parse_json(R"({"b": {"c": "x"}, "a": [1]})", "test");
  ASSERT_EQ(object.members.size(), 2u);
  EXPECT_EQ(object.members[0].first, "b");
  EXPECT_EQ(object.find("b")->find("c")->string, "x");
  EXPECT_EQ(object.find("a")->items.size(), 1u);
  EXPECT_EQ(object.find("missing"), nullptr);
  EXPECT_EQ(object.find("a")->find("anything"), nullptr);  // an array has no members
}

TEST(Json, DecodesStringEscapesToUtf8) {
  EXPECT_EQ(parse_json(R"("a\"b\\c\/\n\t")", "test").string, "a\"b\\c/\n\t");
  EXPECT_EQ(parse_json(R"("\u00e9")", "test").string, "\xc3\xa9");  // é
  EXPECT_EQ(parse_json(R"("\ud83c\udfb5")", "test").string,
            "\xf0\x9f\x8e\xb5");  // a surrogate pair
}

TEST(Json, NumbersWrittenByJsonNumberReadBackExactly) {
  for (double value : {0.1, 1.0 / 3.0, 1e-300, 123456789.125, -2.5, 3.0}) {
    EXPECT_EQ(parse_json(json_number(value), "number").number, value) << value;
  }
  EXPECT_EQ(json_number(3.0), "3");
  EXPECT_EQ(json_number(NAN), "null");
  EXPECT_EQ(json_number(INFINITY), "null");
}

TEST(Json, JsonStringEscapesQuotesBackslashesAndControlCharacters) {
  const std::string text = "say \"hi\"\\\n\x01 \xc3\xa9";
  EXPECT_EQ(json_string(text), R"("say \"hi\"\\\u000a\u0001 )"
                               "\xc3\xa9\"");
  EXPECT_EQ(parse_json(json_string(text), "test").string, text);
}

TEST(Json, MalformedNumbersAreErrorsNamingTheSourceAndByte) {
  EXPECT_ERROR_CONTAINS(parse_json("[01]", "run/history.json"),
                        "run/history.json: numbers must not have leading zeros at byte 1");
  EXPECT_ERROR_CONTAINS(parse_json("1.", "test"), "expected a digit after '.'");
  EXPECT_ERROR_CONTAINS(parse_json("1e", "test"), "expected a digit in the exponent");
  EXPECT_ERROR_CONTAINS(parse_json("-", "test"), "expected a digit in a number");
  EXPECT_ERROR_CONTAINS(parse_json("+1", "test"), "unexpected character '+'");
  EXPECT_ERROR_CONTAINS(parse_json("99999999999999999999", "test"), "integer too large");
  EXPECT_ERROR_CONTAINS(parse_json("1e999", "test"), "out of the range of a double");
}

TEST(Json, MalformedTextIsAnErrorNamingTheSource) {
  EXPECT_ERROR_CONTAINS(parse_json("{\"a\": 1,", "run/history.json"),
                        "run/history.json: unexpected end of the JSON text");
  EXPECT_ERROR_CONTAINS(parse_json("[1] [2]", "test"), "unexpected text after the JSON value");
  EXPECT_ERROR_CONTAINS(parse_json("{\"a\": 1, \"a\": 2}", "test"), "duplicate key \"a\"");
  EXPECT_ERROR_CONTAINS(parse_json("[tru]", "test"), "unexpected character 't'");
  EXPECT_ERROR_CONTAINS(parse_json("[nul]", "test"), "unexpected character 'n'");
  EXPECT_ERROR_CONTAINS(parse_json("\"a\nb\"", "test"), "control character inside a string");
  EXPECT_ERROR_CONTAINS(parse_json(std::string(20, '[') + std::string(20, ']'), "test"),
                        "nested too deeply");
}

TEST(Json, KindNamesReadInAMessage) {
  EXPECT_STREQ(json_kind_name(JsonValue::Kind::Number), "a number");
  EXPECT_STREQ(json_kind_name(JsonValue::Kind::Object), "an object");
  EXPECT_STREQ(json_kind_name(JsonValue::Kind::Null), "null");
}

}  // namespace
}  // namespace timbre::nn
