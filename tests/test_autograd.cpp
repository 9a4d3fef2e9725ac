// The autograd engine: recording, accumulation, graph freeing, no-grad mode, detach.
#include "autograd/record.h"
#include "test_helpers.h"

using namespace timbre;

TEST(Autograd, LeafGradientOfASimpleExpression) {
  // y = x^2 + 3x at x = 2: dy/dx = 2x + 3 = 7.
  Tensor x = scalar_tensor(2.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = x * x + 3.0 * x;
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 7.0);
}

TEST(Autograd, ResultsOfOpsOnGradTensorsRequireGrad) {
  Tensor x = ones({2}, {.requires_grad = true});
  Tensor y = exp(x);
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(y.is_leaf());
  EXPECT_EQ(y.grad_fn()->name(), "ExpBackward");
}

TEST(Autograd, OpsOnConstantsRecordNothing) {
  Tensor y = exp(ones({2}));
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.grad_fn(), nullptr);
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = scalar_tensor(3.0, {.dtype = kFloat64, .requires_grad = true});
  (x * 2.0).backward();
  (x * 5.0).backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 7.0);
}

TEST(Autograd, ZeroGradClearsTheGradient) {
  Tensor x = scalar_tensor(3.0, {.requires_grad = true});
  (x * 2.0).backward();
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  (x * 4.0).backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 4.0);
}

TEST(Autograd, TensorUsedTwiceGetsBothContributions) {
  // y = x * x uses x twice: dy/dx = 2x (the chain rule adds the two paths).
  Tensor x = tensor({1.5, -2.0}, {.dtype = kFloat64, .requires_grad = true});
  sum(x * x).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{3.0, -4.0}));
}

TEST(Autograd, DiamondGraphIsProcessedOnce) {
  // a = 2x; b = a + a; c = a * b = 2 a^2 = 8 x^2: dc/dx = 16 x.
  Tensor x = scalar_tensor(1.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor a = x * 2.0;
  Tensor b = a + a;
  (a * b).backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 16.0);
}

TEST(Autograd, GradientHasTheLeafShapeAfterBroadcasting) {
  Tensor bias = zeros({3}, {.requires_grad = true});
  Tensor x = ones({4, 3});
  sum(x + bias).backward();
  EXPECT_EQ(bias.grad().sizes(), (Shape{3}));
  EXPECT_EQ(bias.grad().to_vector<double>(), (std::vector<double>{4, 4, 4}));
}

TEST(Autograd, BackwardOfNonScalarNeedsAGradient) {
  Tensor x = ones({3}, {.requires_grad = true});
  EXPECT_ERROR_CONTAINS((x * 2.0).backward(), "only for a one-element output");
}

TEST(Autograd, BackwardWithExplicitGradient) {
  Tensor x = ones({3}, {.requires_grad = true});
  (x * 2.0).backward(from_vector(std::vector<float>{1, 10, 100}, {3}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2, 20, 200}));
}

TEST(Autograd, GradientOfWrongShapeIsRejected) {
  Tensor x = ones({3}, {.requires_grad = true});
  EXPECT_ERROR_CONTAINS((x * 2.0).backward(ones({2})), "does not match the output's [3]");
}

TEST(Autograd, BackwardOnATensorWithoutGradIsAnError) {
  EXPECT_ERROR_CONTAINS(sum(ones({2})).backward(), "does not require grad");
}

TEST(Autograd, SecondBackwardThroughAFreedGraphIsAnError) {
  Tensor x = ones({2}, {.requires_grad = true});
  Tensor loss = sum(exp(x));
  loss.backward();
  EXPECT_ERROR_CONTAINS(loss.backward(), "a second time");
}

TEST(Autograd, RetainGraphAllowsASecondBackward) {
  Tensor x = scalar_tensor(1.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor loss = exp(x);
  loss.backward(Tensor(), /*retain_graph=*/true);
  loss.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 2.0 * std::exp(1.0));
}

TEST(Autograd, NoGradGuardStopsRecording) {
  Tensor x = ones({2}, {.requires_grad = true});
  {
    NoGradGuard no_grad;
    EXPECT_FALSE(is_grad_enabled());
    Tensor y = x * 2.0;
    EXPECT_FALSE(y.requires_grad());
  }
  EXPECT_TRUE(is_grad_enabled());
  EXPECT_TRUE((x * 2.0).requires_grad());
}

TEST(Autograd, NoGradGuardsNest) {
  NoGradGuard outer;
  { NoGradGuard inner; }
  EXPECT_FALSE(is_grad_enabled());
}

TEST(Autograd, DetachCutsTheGraph) {
  Tensor x = scalar_tensor(2.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = x * x;
  Tensor z = y.detach() * x;  // dz/dx = y (y treated as a constant) = 4
  z.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 4.0);
}

TEST(Autograd, BackwardOnALeafAccumulatesItsOwnGradient) {
  Tensor x = ones({2}, {.requires_grad = true});
  x.backward(full({2}, 3.0));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{3, 3}));
}

TEST(Autograd, OnlyReachableLeavesGetGradients) {
  Tensor a = ones({1}, {.requires_grad = true});
  Tensor b = ones({1}, {.requires_grad = true});
  sum(a * 2.0).backward();
  EXPECT_TRUE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
}

TEST(Autograd, LongChainsDoNotOverflowTheStack) {
  Tensor x = scalar_tensor(1.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = x;
  for (int i = 0; i < 20000; ++i)
    y = y + 0.0;
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 1.0);
}

TEST(Autograd, GraphMemoryIsFreedWithTheOutput) {
  std::weak_ptr<Node> node;
  {
    Tensor x = ones({2}, {.requires_grad = true});
    Tensor y = sigmoid(x);  // saves its own output: must not form a reference cycle
    node = y.grad_fn();
    EXPECT_FALSE(node.expired());
  }
  EXPECT_TRUE(node.expired());
}

TEST(Autograd, SetRequiresGradFalseOnNonLeafIsAnError) {
  Tensor x = ones({2}, {.requires_grad = true});
  Tensor y = x * 2.0;
  EXPECT_ERROR_CONTAINS(y.set_requires_grad(false), "use detach()");
}

TEST(Autograd, CustomNodeBackwardIsCalledWithTheOutputGradient) {
  Tensor x = ones({2}, {.requires_grad = true});
  Tensor y = x.detach() * 1.0;
  Shape seen;
  record("Custom", y, {x}, [&seen](const Tensor& g) {
    seen = g.sizes();
    return grads(g * 5.0);
  });
  sum(y).backward();
  EXPECT_EQ(seen, (Shape{2}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{5, 5}));
}
