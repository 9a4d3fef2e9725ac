// tests/test_helpers.h - small helpers shared by the test programs.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "timbre.h"

namespace timbre::testing {

// Path of a file under tests/data.
inline std::string data_path(const std::string& relative) {
  return std::string(TIMBRE_TEST_DATA_DIR) + "/" + relative;
}

// Every element satisfies |actual - expected| <= atol + rtol * |expected| (shapes must match).
inline ::testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected,
                                            double rtol, double atol) {
  if (actual.sizes() != expected.sizes()) {
    return ::testing::AssertionFailure() << "shape " << shape_str(actual.sizes()) << " vs "
                                         << shape_str(expected.sizes());
  }
  const std::vector<double> a = actual.to_vector<double>();
  const std::vector<double> e = expected.to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(std::fabs(a[i] - e[i]) <= atol + rtol * std::fabs(e[i]))) {
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs expected "
                                           << e[i] << " (rtol " << rtol << ", atol " << atol
                                           << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

// Runs `statement` and checks it throws timbre::Error whose message contains `fragment`.
#define EXPECT_ERROR_CONTAINS(statement, fragment)                                      \
  do {                                                                                  \
    try {                                                                               \
      statement;                                                                        \
      ADD_FAILURE() << "expected timbre::Error containing \"" << fragment << "\"";      \
    } catch (const ::timbre::Error& error) {                                            \
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)            \
          << "message was: " << error.what();                                           \
    }                                                                                   \
  } while (false)

}  // namespace timbre::testing
