// tests/test_helpers.h - small helpers shared by the test programs.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>  // WEXITSTATUS
#include <unistd.h>    // getpid

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "audio/stft.h"
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
    return ::testing::AssertionFailure()
           << "shape " << shape_str(actual.sizes()) << " vs " << shape_str(expected.sizes());
  }
  const std::vector<double> a = actual.to_vector<double>();
  const std::vector<double> e = expected.to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(std::fabs(a[i] - e[i]) <= atol + rtol * std::fabs(e[i]))) {
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs expected "
                                           << e[i] << " (rtol " << rtol << ", atol " << atol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

// Runs `statement` and checks it throws timbre::Error whose message contains `fragment`.
#define EXPECT_ERROR_CONTAINS(statement, fragment)                                 \
  do {                                                                             \
    try {                                                                          \
      statement;                                                                   \
      ADD_FAILURE() << "expected timbre::Error containing \"" << fragment << "\""; \
    } catch (const ::timbre::Error& error) {                                       \
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)       \
          << "message was: " << error.what();                                      \
    }                                                                              \
  } while (false)

// Default tolerance of expect_tensor and expect_same; callers needing another pass it explicitly.
inline constexpr double kDefaultTolerance = 1e-6;

// A tensor of the given sizes holding `values` (row-major), of dtype `dtype`.
inline Tensor make(const std::vector<double>& values, const Shape& sizes, DType dtype = kFloat32) {
  return from_vector(values, sizes, {.dtype = dtype});
}

// An int64 tensor of the given sizes holding `values` (row-major): indices, labels, targets.
inline Tensor make_int(const std::vector<int64_t>& values, const Shape& sizes) {
  return from_vector(values, sizes, {.dtype = kInt64});
}

// Uniform values in [low, high) from a generator seeded with `seed`.
inline Tensor random_uniform(const Shape& sizes, uint64_t seed, const TensorOptions& options,
                             double low = -1.0, double high = 1.0) {
  Generator generator(seed);
  return uniform(sizes, low, high, options, &generator);
}

// Checks the shape of `actual` and each value (row-major) to within `tolerance`.
inline void expect_tensor(const Tensor& actual, const Shape& sizes,
                          const std::vector<double>& expected,
                          double tolerance = kDefaultTolerance) {
  ASSERT_EQ(actual.sizes(), sizes) << actual.to_string();
  const std::vector<double> values = actual.to_vector<double>();
  ASSERT_EQ(values.size(), expected.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(values[i], expected[i], tolerance) << "at flat index " << i;
  }
}

// Checks that two tensors have the same shape and the same values to within `tolerance`.
inline void expect_same(const Tensor& actual, const Tensor& expected,
                        double tolerance = kDefaultTolerance) {
  expect_tensor(actual, expected.sizes(), expected.to_vector<double>(), tolerance);
}

// Checks that every value of `t` is finite (no inf or NaN).
inline void expect_all_finite(const Tensor& t) {
  for (double v : t.to_vector<double>())
    EXPECT_TRUE(std::isfinite(v)) << t.to_string();
}

// Runs gradcheck(f, inputs...) and checks that it passed, printing its message if not.
#define EXPECT_GRADCHECK(f, ...)                   \
  do {                                             \
    const auto result = gradcheck(f, __VA_ARGS__); \
    EXPECT_TRUE(result.passed) << result.message;  \
  } while (false)

// rtol and atol of a parity check.
struct Tolerance {
  double rtol, atol;
};

// `f64` for the dtype suffix "f64", `f32` for any other.
inline Tolerance tolerance_for_suffix(const std::string& suffix, Tolerance f64, Tolerance f32) {
  return suffix == "f64" ? f64 : f32;
}

// The PyTorch reference array tests/data/torch/<case_name>/<array>.npy.
inline Tensor load_torch(const std::string& case_name, const std::string& array) {
  return read_npy(data_path("torch/" + case_name + "/" + array + ".npy"));
}

// One librosa golden folder: clip x pad mode x dtype.
struct LibrosaCase {
  std::string clip;
  audio::PadMode pad_mode;
  DType dtype;

  std::string folder() const {
    return "librosa/" + clip + "/" +
           (pad_mode == audio::PadMode::Constant ? "constant" : "reflect") + "_" +
           (dtype == kFloat32 ? "float32" : "float64");
  }
  Tensor golden(const std::string& name) const {
    return read_npy(data_path(folder() + "/" + name + ".npy"));
  }
};

// Test-name suffix of a LibrosaCase: <clip>_<pad>_<dtype>.
inline std::string librosa_case_name(const ::testing::TestParamInfo<LibrosaCase>& info) {
  return info.param.clip +
         (info.param.pad_mode == audio::PadMode::Constant ? "_constant" : "_reflect") +
         (info.param.dtype == kFloat32 ? "_float32" : "_float64");
}

// The 12 cases tones/drums/mix x constant/reflect x two dtypes (`first` listed first of each pair).
inline std::vector<LibrosaCase> librosa_cases(DType first) {
  const DType second = first == kFloat32 ? kFloat64 : kFloat32;
  std::vector<LibrosaCase> cases;
  for (const char* clip : {"tones", "drums", "mix"}) {
    for (audio::PadMode pad : {audio::PadMode::Constant, audio::PadMode::Reflect}) {
      cases.push_back({clip, pad, first});
      cases.push_back({clip, pad, second});
    }
  }
  return cases;
}

// Exit code and combined stdout+stderr of a command run by the shell.
struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs `command` with stdout and stderr redirected to `log`, then reads `log` back.
inline RunResult run_capturing(const std::string& command, const std::string& log) {
  const std::string full = command + " > " + log + " 2>&1";
  const int status = std::system(full.c_str());
  std::ifstream in(log);
  return {WEXITSTATUS(status),
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())};
}

// A fixture with a fresh, empty folder per test, removed afterwards. The folder's name holds a
// prefix, the process id and the test's name, so that tests running at the same time in several
// processes (ctest -j) never share one. A derived fixture passes the prefix:
//   class DataCsv : public timbre::testing::FolderTest {
//    protected:
//     DataCsv() : FolderTest("timbre_csv_") {}
//   };
// and a derived SetUp calls FolderTest::SetUp() first.
class FolderTest : public ::testing::Test {
 protected:
  explicit FolderTest(std::string directory_prefix)
      : directory_prefix_(std::move(directory_prefix)) {}

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = std::filesystem::temp_directory_path() /
                 (directory_prefix_ + std::to_string(getpid()) + "_" + info->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // The path of `name` inside the test's folder.
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  std::filesystem::path directory_;

 private:
  std::string directory_prefix_;
};

// A fixture for tests of a command-line program: a fresh folder per test (see FolderTest) and
// run() to execute the program with arguments, capturing its output in that folder. A derived
// fixture passes the program:
//   class Cli : public timbre::testing::ProgramTest {
//    protected:
//     Cli() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_") {}
//   };
class ProgramTest : public FolderTest {
 protected:
  ProgramTest(std::string program, std::string directory_prefix)
      : FolderTest(std::move(directory_prefix)), program_(std::move(program)) {}

  // Runs `<program> <arguments>`.
  RunResult run(const std::string& arguments) const {
    return run_capturing(program_ + " " + arguments, path("output.txt"));
  }

 private:
  std::string program_;
};

}  // namespace timbre::testing
