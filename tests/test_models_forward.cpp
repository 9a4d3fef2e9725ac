// tests/test_models_forward.cpp - models::forward_batch_first (layers/models/models.h): the one
// call with which the training labs and `timbre classify` run every model on batches in the data
// loaders' layout (batch dimension first), whatever layout the model's own forward takes.
#include <memory>
#include <vector>

#include "layers/models/models.h"
#include "layers/models/sutd_lstm.h"
#include "layers/models/uconn_hybrid.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::random_uniform;

namespace {

TEST(ForwardBatchFirst, TransposesTheSequenceForASequenceFirstLstm) {
  manual_seed(3);
  models::SutdLstm model(/*batch_first=*/false);
  const Tensor batch = random_uniform({2, 5, 33}, 1, {});                     // [N=2, T=5, 33]
  const Tensor expected = model.forward(batch.transpose(0, 1).contiguous());  // [T, N, 33]
  const Tensor actual = models::forward_batch_first(model, {batch});
  EXPECT_EQ(actual.sizes(), (Shape{2, 8}));
  EXPECT_TRUE(all_close(actual, expected, 0.0, 0.0));
}

TEST(ForwardBatchFirst, PassesTheInputUnchangedToABatchFirstLstm) {
  manual_seed(3);
  models::SutdLstm model(/*batch_first=*/true);
  const Tensor batch = random_uniform({2, 5, 33}, 1, {});  // [N, T, 33]
  const Tensor expected = model.forward(batch);
  EXPECT_TRUE(all_close(models::forward_batch_first(model, {batch}), expected, 0.0, 0.0));
}

TEST(ForwardBatchFirst, GivesTheSameLogitsForBothLstmLayouts) {
  manual_seed(7);
  models::SutdLstm sequence_first(false);
  manual_seed(7);  // the same draws, so the same weights
  models::SutdLstm batch_first(true);
  const Tensor batch = random_uniform({3, 4, 33}, 2, {});
  EXPECT_TRUE(all_close(models::forward_batch_first(sequence_first, {batch}),
                        models::forward_batch_first(batch_first, {batch}), 1e-5, 1e-6));
}

TEST(ForwardBatchFirst, RunsAOneInputModelAsItsOwnForward) {
  const auto model = models::make_model("clairvoyant_mlp");
  model->eval();  // no dropout, so two calls agree
  const Tensor rows = random_uniform({4, 58}, 3, {});
  const Tensor actual = models::forward_batch_first(*model, {rows});
  EXPECT_EQ(actual.sizes(), (Shape{4, 10}));
  EXPECT_TRUE(all_close(actual, model->forward(rows), 0.0, 0.0));
}

TEST(ForwardBatchFirst, CallsTheHybridWithImageAndFeatures) {
  const auto model = models::make_model("uconn_hybrid");
  model->eval();
  auto& hybrid = dynamic_cast<models::UconnHybrid&>(*model);
  const Tensor image = random_uniform({2, 3, 128, 128}, 4, {});
  const Tensor features = random_uniform({2, 57}, 5, {});
  const Tensor actual = models::forward_batch_first(*model, {image, features});
  EXPECT_EQ(actual.sizes(), (Shape{2, 10}));
  EXPECT_TRUE(all_close(actual, hybrid.forward(image, features), 0.0, 0.0));
}

TEST(ForwardBatchFirst, RejectsOneInputForTheHybrid) {
  const auto model = models::make_model("uconn_hybrid");
  const Tensor image = random_uniform({1, 3, 128, 128}, 4, {});
  EXPECT_ERROR_CONTAINS(models::forward_batch_first(*model, {image}), "two inputs");
}

TEST(ForwardBatchFirst, RejectsTwoInputsForAOneInputModel) {
  const auto model = models::make_model("sutd_lstm");
  const Tensor batch = random_uniform({1, 4, 33}, 6, {});
  EXPECT_ERROR_CONTAINS(models::forward_batch_first(*model, {batch, batch}),
                        "takes one input, got 2");
}

TEST(ForwardBatchFirst, RejectsNoInputs) {
  const auto model = models::make_model("clairvoyant_mlp");
  EXPECT_ERROR_CONTAINS(models::forward_batch_first(*model, {}), "takes one input, got 0");
}

}  // namespace
