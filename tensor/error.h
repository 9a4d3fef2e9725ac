// tensor/error.h - the one exception type timbre throws, and the check macro that throws it.
//
// Every user-facing failure (wrong shapes, wrong dtypes, a tensor on the wrong device, an index
// out of range, a corrupt file) becomes a timbre::Error whose message names the operation and the
// values involved, e.g. "add: shapes [2, 3] and [4] cannot be broadcast". Never a crash, never UB.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace timbre {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
// Streams every argument into one string: concat("add: ", 3, " vs ", 4) == "add: 3 vs 4".
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace timbre

// TIMBRE_CHECK(condition, message parts...): throws timbre::Error with the parts joined when the
// condition is false. The parts are only evaluated on failure.
#define TIMBRE_CHECK(condition, ...)                                \
  do {                                                              \
    if (!(condition)) {                                             \
      throw ::timbre::Error(::timbre::detail::concat(__VA_ARGS__)); \
    }                                                               \
  } while (false)
