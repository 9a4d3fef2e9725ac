// Unit tests of the reports' models (layers/models): parameter names and counts equal to the
// PyTorch modules', the summary tables, forward output shapes, and the registry's errors.
#include <memory>
#include <string>
#include <vector>

#include "layers/models/clairvoyant_mlp.h"
#include "layers/models/models.h"
#include "layers/models/sutd_cnn.h"
#include "layers/models/sutd_lstm.h"
#include "layers/models/uconn_hybrid.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::random_uniform;

namespace {

// (name, number of elements) of every parameter, in registration order.
std::vector<std::pair<std::string, int64_t>> parameter_sizes(const nn::Module& model) {
  std::vector<std::pair<std::string, int64_t>> sizes;
  for (const auto& [name, tensor] : model.named_parameters())
    sizes.emplace_back(name, tensor.numel());
  return sizes;
}

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

}  // namespace

TEST(Models, RegistryListsEveryModel) {
  const std::vector<std::string> expected = {"sutd_cnn",        "sutd_cnn_wide", "sutd_lstm",
                                             "clairvoyant_mlp", "uconn_hybrid",  "fma_cnn"};
  EXPECT_EQ(models::model_names(), expected);
  for (const std::string& name : expected) {
    const models::ModelInfo info = models::model_info(name);
    EXPECT_EQ(info.name, name);
    EXPECT_FALSE(info.description.empty()) << name;
    EXPECT_FALSE(info.input_shape.empty()) << name;
  }
}

TEST(Models, UnknownNameIsAClearError) {
  EXPECT_ERROR_CONTAINS(models::make_model("resnet50"), "unknown model 'resnet50'");
  EXPECT_ERROR_CONTAINS(models::make_model("resnet50"), "sutd_cnn, sutd_cnn_wide, sutd_lstm");
  EXPECT_ERROR_CONTAINS(models::model_info(""), "unknown model ''");
}

TEST(Models, SutdCnnParametersAndSummary) {
  const auto model = models::make_model("sutd_cnn");
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"conv1.weight", 450},    {"conv1.bias", 6}, {"conv2.weight", 864}, {"conv2.bias", 16},
      {"fc1.weight", 14246400}, {"fc1.bias", 120}, {"fc2.weight", 10080}, {"fc2.bias", 84},
      {"fc3.weight", 840},      {"fc3.bias", 10}};
  EXPECT_EQ(parameter_sizes(*model), expected);
  EXPECT_EQ(model->parameter_count(), 14258870);

  // One forward pass on the report's image size (the only full-size CNN pass in this file).
  const std::string table = nn::summary(*model, {1, 3, 288, 432});
  for (const char* count : {"456", "880", "14,246,520", "10,164", "850", "14,258,870"}) {
    EXPECT_TRUE(contains(table, count)) << count << " not in\n" << table;
  }
  EXPECT_TRUE(contains(table, "[1, 10]")) << table;
}

TEST(Models, SutdCnnWideHeadCount) {
  const auto model = models::make_model("sutd_cnn_wide");
  EXPECT_EQ(model->parameter_count(), 121683430);
  const auto& sutd = dynamic_cast<const models::SutdCnn&>(*model);
  EXPECT_EQ(sutd.fc1->out_features, 1024);
  EXPECT_EQ(sutd.fc2->out_features, 108);
}

TEST(Models, SutdCnnDropoutKeepsNamesAndRejectsBadP) {
  const models::SutdCnn with_dropout(120, 84, 0.4);
  EXPECT_EQ(parameter_sizes(with_dropout), parameter_sizes(models::SutdCnn(120, 84, 0.0)));
  EXPECT_ERROR_CONTAINS(models::SutdCnn(120, 84, 1.0), "dropout must be in [0, 1)");
}

TEST(Models, SutdLstmParametersAndShapes) {
  const auto model = models::make_model("sutd_lstm");
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"lstm.weight_ih_l0", 512 * 33},  {"lstm.weight_hh_l0", 512 * 128},
      {"lstm.bias_ih_l0", 512},         {"lstm.bias_hh_l0", 512},
      {"lstm.weight_ih_l1", 512 * 128}, {"lstm.weight_hh_l1", 512 * 128},
      {"lstm.bias_ih_l1", 512},         {"lstm.bias_hh_l1", 512},
      {"linear.weight", 8 * 128},       {"linear.bias", 8}};
  EXPECT_EQ(parameter_sizes(*model), expected);
  EXPECT_EQ(model->parameter_count(), 216584);
  const std::string table = nn::summary(*model, models::model_info("sutd_lstm").input_shape);
  EXPECT_TRUE(contains(table, "216,584")) << table;

  // Sequence-first [T=5, N=2, 33] -> [2, 8].
  const Tensor x = random_uniform({5, 2, 33}, 1, {});
  EXPECT_EQ((*model)(x).sizes(), (Shape{2, 8}));
}

TEST(Models, SutdLstmBatchFirstGivesTheSameLogits) {
  manual_seed(11);
  models::SutdLstm sequence_first(false);
  manual_seed(11);  // the same draws, so the same weights
  models::SutdLstm batch_first(true);
  const Tensor x = random_uniform({4, 3, 33}, 2, {});  // [T, N, 33]
  const Tensor expected = sequence_first(x);
  const Tensor actual = batch_first(x.transpose(0, 1).contiguous());  // [N, T, 33]
  EXPECT_TRUE(all_close(actual, expected, 1e-5, 1e-6));
  EXPECT_ERROR_CONTAINS(batch_first(zeros({3, 33})), "[N, T, 33]");
}

TEST(Models, ClairvoyantMlpParametersAndShapes) {
  const auto model = models::make_model("clairvoyant_mlp");
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"fc1.weight", 58 * 512},  {"fc1.bias", 512}, {"fc2.weight", 512 * 256}, {"fc2.bias", 256},
      {"fc3.weight", 256 * 128}, {"fc3.bias", 128}, {"fc4.weight", 128 * 64},  {"fc4.bias", 64},
      {"fc5.weight", 64 * 10},   {"fc5.bias", 10}};
  EXPECT_EQ(parameter_sizes(*model), expected);
  EXPECT_EQ(model->parameter_count(), 203338);
  EXPECT_TRUE(contains(nn::summary(*model, {1, 58}), "203,338"));

  // In eval mode dropout is off, so the same input gives the same logits.
  model->eval();
  const Tensor x = random_uniform({3, 58}, 3, {});
  const Tensor first = (*model)(x);
  EXPECT_EQ(first.sizes(), (Shape{3, 10}));
  EXPECT_TRUE(all_close((*model)(x), first, 0.0, 0.0));
}

TEST(Models, UconnHybridTwoInputs) {
  const auto model = models::make_model("uconn_hybrid");
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"cnn.0.weight", 32 * 3 * 9},
      {"cnn.0.bias", 32},
      {"cnn.3.weight", 64 * 32 * 9},
      {"cnn.3.bias", 64},
      {"cnn.6.weight", 128 * 64 * 9},
      {"cnn.6.bias", 128},
      {"mlp.0.weight", 256 * 57},
      {"mlp.0.bias", 256},
      {"mlp.2.weight", 128 * 256},
      {"mlp.2.bias", 128},
      {"mlp.4.weight", 64 * 128},
      {"mlp.4.bias", 64},
      {"head.0.weight", 128 * (32768 + 64)},
      {"head.0.bias", 128},
      {"head.3.weight", 10 * 128},
      {"head.3.bias", 10}};
  EXPECT_EQ(parameter_sizes(*model), expected);
  EXPECT_EQ(model->parameter_count(), 4353162);

  auto& hybrid = dynamic_cast<models::UconnHybrid&>(*model);
  const Tensor image = random_uniform({2, 3, 128, 128}, 4, {});
  const Tensor features = random_uniform({2, 57}, 5, {});
  EXPECT_EQ(hybrid.forward(image, features).sizes(), (Shape{2, 10}));
  EXPECT_ERROR_CONTAINS((*model)(image), "two inputs");
  EXPECT_ERROR_CONTAINS(hybrid.forward(image, zeros({3, 57})), "features [N, 57]");

  // nn::summary cannot run it; the hybrid summary records each part and the whole total.
  EXPECT_ERROR_CONTAINS(nn::summary(*model, {1, 3, 128, 128}), "two inputs");
  const std::string table = models::uconn_hybrid_summary(hybrid, {1, 3, 128, 128}, {1, 57});
  for (const char* count : {"93,248", "56,000", "4,203,914", "4,353,162"}) {
    EXPECT_TRUE(contains(table, count)) << count << " not in\n" << table;
  }
  EXPECT_TRUE(contains(models::parameter_table(*model), "Total params: 4,353,162"));
}

TEST(Models, FmaCnnParametersAndShapes) {
  const auto model = models::make_model("fma_cnn");
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"conv1.weight", 16 * 9},      {"conv1.bias", 16},
      {"conv2.weight", 32 * 16 * 9}, {"conv2.bias", 32},
      {"conv3.weight", 64 * 32 * 9}, {"conv3.bias", 64},
      {"fc1.weight", 128 * 16384},   {"fc1.bias", 128},
      {"fc2.weight", 8 * 128},       {"fc2.bias", 8}};
  EXPECT_EQ(parameter_sizes(*model), expected);
  EXPECT_EQ(model->parameter_count(), 2121608);
  const Tensor x = random_uniform({2, 1, 128, 130}, 6, {});
  EXPECT_EQ((*model)(x).sizes(), (Shape{2, 8}));
}
