// The Module system and the simple layers: names, modes, shapes, summaries.
#include "layers/nn.h"
#include "test_helpers.h"

using namespace timbre;
using namespace timbre::nn;

namespace {

// A two-level model like the ones in the reports: named children, nested names.
class TinyNet : public Module {
 public:
  TinyNet() : Module("TinyNet") {
    fc1 = register_module("fc1", std::make_shared<Linear>(4, 8));
    head = register_module("head", std::make_shared<Sequential>());
    head->add(std::make_shared<ReLU>()).add(std::make_shared<Linear>(8, 3));
  }
  Tensor forward(const Tensor& x) override { return (*head)((*fc1)(x)); }
  std::shared_ptr<Linear> fc1;
  std::shared_ptr<Sequential> head;
};

std::vector<std::string> names_of(const std::vector<NamedTensor>& named) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : named)
    names.push_back(name);
  return names;
}

}  // namespace

TEST(Module, ParameterNamesAreDottedPathsLikePyTorch) {
  TinyNet net;
  EXPECT_EQ(names_of(net.named_parameters()),
            (std::vector<std::string>{"fc1.weight", "fc1.bias", "head.1.weight", "head.1.bias"}));
}

TEST(Module, ParametersRequireGrad) {
  TinyNet net;
  for (const Tensor& p : net.parameters())
    EXPECT_TRUE(p.requires_grad());
}

TEST(Module, ParameterCountSumsEveryTensor) {
  TinyNet net;
  EXPECT_EQ(net.parameter_count(), 4 * 8 + 8 + 8 * 3 + 3);
}

TEST(Module, TrainAndEvalReachEveryChild) {
  TinyNet net;
  EXPECT_TRUE(net.head->is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.head->children()[0].second->is_training());
  net.train();
  EXPECT_TRUE(net.fc1->is_training());
}

TEST(Module, ZeroGradClearsEveryParameter) {
  TinyNet net;
  sum(net(ones({2, 4}))).backward();
  EXPECT_TRUE(net.fc1->weight.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters())
    EXPECT_FALSE(p.grad().defined());
}

TEST(Module, ToDtypeConvertsInPlaceKeepingHandles) {
  TinyNet net;
  Tensor weight = net.fc1->weight;
  const auto before = weight.to_vector<double>();
  net.to(kFloat64);
  EXPECT_EQ(weight.dtype(), kFloat64);
  EXPECT_EQ(net.named_parameters()[0].second.dtype(), kFloat64);
  EXPECT_EQ(weight.to_vector<double>(), before);
  EXPECT_EQ(net(ones({1, 4}, {.dtype = kFloat64})).dtype(), kFloat64);
}

TEST(Module, AssignDataChecksTheShape) {
  Tensor t = zeros({2, 3});
  EXPECT_ERROR_CONTAINS(assign_data(t, zeros({3, 2})), "does not match the target's [2, 3]");
}

TEST(Module, SingleTensorForwardOfAMultiInputModuleIsAnError) {
  Module plain("Plain");
  EXPECT_ERROR_CONTAINS(plain(zeros({1})), "Plain: this module does not take a single tensor");
}

TEST(Summary, ListsLayersOutputShapesAndTotals) {
  TinyNet net;
  const std::string table = summary(net, {2, 4});
  EXPECT_NE(table.find("Linear (fc1)"), std::string::npos) << table;
  EXPECT_NE(table.find("[2, 8]"), std::string::npos) << table;
  EXPECT_NE(table.find("Linear (head.1)"), std::string::npos) << table;
  EXPECT_NE(table.find("[2, 3]"), std::string::npos) << table;
  EXPECT_NE(table.find("Total params: 67"), std::string::npos) << table;
  EXPECT_NE(table.find("Trainable params: 67"), std::string::npos) << table;
}

TEST(Summary, FormatsLargeCountsWithThousandsSeparators) {
  Linear big(1000, 1000);
  EXPECT_NE(summary(big, {1, 1000}).find("1,001,000"), std::string::npos);
}

TEST(Summary, RestoresTrainingMode) {
  TinyNet net;
  summary(net, {1, 4});
  EXPECT_TRUE(net.is_training());
}

TEST(Linear, ComputesXWTransposePlusBias) {
  Linear layer(2, 3);
  assign_data(layer.weight, from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2}));
  assign_data(layer.bias, from_vector(std::vector<float>{10, 20, 30}, {3}));
  Tensor y = layer(from_vector(std::vector<float>{1, 1}, {1, 2}));
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{13, 27, 41}));
}

TEST(Linear, InitialisesWithinPyTorchsBound) {
  Linear layer(16, 4);
  for (double w : layer.weight.to_vector<double>())
    EXPECT_LE(std::fabs(w), 0.25);
  for (double b : layer.bias.to_vector<double>())
    EXPECT_LE(std::fabs(b), 0.25);
}

TEST(Linear, WithoutBiasHasOnlyAWeight) {
  Linear layer(3, 2, false);
  EXPECT_EQ(names_of(layer.named_parameters()), (std::vector<std::string>{"weight"}));
}

TEST(Linear, AppliesToTheLastDimension) {
  Linear layer(3, 2);
  EXPECT_EQ(layer(zeros({4, 5, 3})).sizes(), (Shape{4, 5, 2}));
}

TEST(Linear, RejectsTheWrongInputSize) {
  Linear layer(3, 2);
  EXPECT_ERROR_CONTAINS(layer(zeros({4, 5})), "Linear(3, 2): expected input [..., 3], got [4, 5]");
}

TEST(Activations, ComputeTheirFunctions) {
  Tensor x = tensor({-2.0, 0.5});
  EXPECT_EQ(ReLU()(x).to_vector<double>(), (std::vector<double>{0, 0.5}));
  EXPECT_TRUE(timbre::testing::all_close(LeakyReLU(0.1)(x), tensor({-0.2, 0.5}), 1e-6, 0));
  EXPECT_TRUE(timbre::testing::all_close(Tanh()(x), tanh(x), 0, 0));
  EXPECT_TRUE(timbre::testing::all_close(Sigmoid()(x), sigmoid(x), 0, 0));
  EXPECT_TRUE(timbre::testing::all_close(Softmax(0)(x), softmax(x, 0), 0, 0));
  EXPECT_TRUE(timbre::testing::all_close(LogSoftmax(0)(x), log_softmax(x, 0), 0, 0));
}

TEST(Flatten, KeepsTheBatchDimension) {
  EXPECT_EQ(Flatten()(zeros({2, 3, 4, 5})).sizes(), (Shape{2, 60}));
}

TEST(Sequential, NamesChildrenByPosition) {
  Sequential seq{std::make_shared<Linear>(2, 2), std::make_shared<ReLU>(),
                 std::make_shared<Linear>(2, 1)};
  EXPECT_EQ(names_of(seq.named_parameters()),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(seq(zeros({5, 2})).sizes(), (Shape{5, 1}));
}

TEST(Dropout, IsTheIdentityInEvalMode) {
  Dropout drop(0.5);
  drop.eval();
  Tensor x = randn({100});
  EXPECT_TRUE(drop(x).is_same(x));
}

TEST(Dropout, ZeroesAboutPAndScalesTheRest) {
  Generator generator(1);
  Dropout drop(0.25, &generator);
  const auto y = drop(ones({20000})).to_vector<double>();
  int zeros_seen = 0;
  for (double v : y) {
    if (v == 0.0) {
      ++zeros_seen;
    } else {
      EXPECT_FLOAT_EQ(v, 1.0 / 0.75);
    }
  }
  EXPECT_NEAR(zeros_seen / 20000.0, 0.25, 0.015);
}

TEST(Dropout, SameSeedSameMask) {
  Generator g1(3), g2(3);
  EXPECT_EQ(dropout(ones({50}), 0.5, true, &g1).to_vector<double>(),
            dropout(ones({50}), 0.5, true, &g2).to_vector<double>());
}

TEST(Dropout, GradientUsesTheSameMask) {
  Generator generator(4);
  Tensor x = ones({100}, {.requires_grad = true});
  Tensor y = dropout(x, 0.5, true, &generator);
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), y.to_vector<double>());
}

TEST(Dropout, RejectsPOutsideZeroOne) {
  EXPECT_ERROR_CONTAINS(Dropout(1.0), "p must be in [0, 1)");
}
