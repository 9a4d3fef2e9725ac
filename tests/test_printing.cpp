// Printing shows values, shape, dtype, device and autograd state.
#include <sstream>

#include "test_helpers.h"

using namespace timbre;

namespace {
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST(Printing, ShowsValuesShapeDtypeAndDevice) {
  const std::string text = from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}).to_string();
  EXPECT_TRUE(contains(text, "[[1.0000, 2.0000]")) << text;
  EXPECT_TRUE(contains(text, "[3.0000, 4.0000]]")) << text;
  EXPECT_TRUE(contains(text, "shape=[2, 2]")) << text;
  EXPECT_TRUE(contains(text, "dtype=float32")) << text;
  EXPECT_TRUE(contains(text, "device=cpu")) << text;
}

TEST(Printing, ShowsIntegersWithoutDecimals) {
  EXPECT_TRUE(contains(arange(3, {.dtype = kInt64}).to_string(), "[0, 1, 2]"));
}

TEST(Printing, ShowsScalars) {
  EXPECT_TRUE(contains(scalar_tensor(2.5).to_string(), "tensor(2.5000, shape=[]"));
}

TEST(Printing, SummarisesLargeTensors) {
  const std::string text = arange(5000).to_string();
  EXPECT_TRUE(contains(text, "0.0000, 1.0000, 2.0000, ..., 4997.0000")) << text;
  EXPECT_LT(text.size(), 200u);
}

TEST(Printing, ShowsGradFnAndRequiresGrad) {
  Tensor x = ones({2}, {.requires_grad = true});
  EXPECT_TRUE(contains(x.to_string(), "requires_grad=true"));
  EXPECT_TRUE(contains((x * x).to_string(), "grad_fn=<MulBackward>"));
}

TEST(Printing, StreamsLikeToString) {
  std::ostringstream out;
  Tensor t = zeros({1});
  out << t;
  EXPECT_EQ(out.str(), t.to_string());
}

TEST(Printing, ShowsNonFiniteValues) {
  const std::string text = tensor({1.0 / 0.0, -1.0 / 0.0}).to_string();
  EXPECT_TRUE(contains(text, "inf, -inf")) << text;
}
