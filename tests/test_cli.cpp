// Unit tests of the `timbre` program (cli/), run as a separate process the way a user runs it:
// exit codes, the files it writes, and its error messages.
#include <sys/wait.h>  // WEXITSTATUS

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "layers/checkpoint.h"
#include "layers/loss.h"
#include "layers/models/models.h"
#include "tensor/cuda_runtime_info.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::random_uniform;

namespace {

namespace fs = std::filesystem;

using timbre::testing::RunResult;

// A fresh directory per test, and the built `timbre` program (TIMBRE_CLI_PATH) to run in it.
class Cli : public timbre::testing::ProgramTest {
 protected:
  Cli() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_") {}
};

}  // namespace

TEST_F(Cli, InfoExitsZero) {
  const RunResult result = run("info");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("GEMM micro-kernel"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("clairvoyant_mlp"), std::string::npos) << result.output;
}

TEST_F(Cli, InfoSaysWhichBackendsAreCompiledInAndWhyNoGpuIsUsed) {
  const RunResult result = run("info");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("backends:"), std::string::npos) << result.output;
  if (!timbre::cuda::compiled_with_cuda()) {
    EXPECT_NE(result.output.find("CUDA not compiled in"), std::string::npos) << result.output;
  } else if (timbre::cuda::device_count() == 0) {
    EXPECT_NE(result.output.find("no usable GPU ("), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("cuBLAS"), std::string::npos) << result.output;
  } else {
    EXPECT_NE(result.output.find("cuda:0:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("compute capability"), std::string::npos) << result.output;
  }
}

TEST_F(Cli, PredictOnAMissingGpuFailsWithOneSentence) {
  if (timbre::cuda::device_count() > 0) GTEST_SKIP() << "this machine has a GPU";
  write_npy(path("x.npy"), random_uniform({2, 58}, 1, {}));
  ASSERT_EQ(run("save-init --model clairvoyant_mlp --out " + path("w.safetensors")).exit_code, 0);
  const RunResult result =
      run("predict --model clairvoyant_mlp --weights " + path("w.safetensors") + " --input " +
          path("x.npy") + " --out " + path("y.npy") + " --device cuda");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("cannot run on --device cuda: "), std::string::npos)
      << result.output;
}

TEST_F(Cli, SaveInitThenPredictWritesLogitsAndGradients) {
  const Tensor x = random_uniform({4, 58}, 1, {});
  write_npy(path("x.npy"), x);
  write_npy(path("t.npy"), timbre::testing::make_int({0, 3, 9, 2}, {4}));

  RunResult result =
      run("save-init --model clairvoyant_mlp --seed 5 --out " + path("w.safetensors"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run("predict --model clairvoyant_mlp --weights " + path("w.safetensors") + " --input " +
               path("x.npy") + " --out " + path("y.npy") + " --labels " + path("t.npy") +
               " --grads " + path("g.safetensors"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("loss: "), std::string::npos) << result.output;

  // The logits equal the library's own forward pass in eval mode with the same weights.
  const auto model = models::make_model("clairvoyant_mlp");
  nn::load(*model, path("w.safetensors"));
  model->eval();
  const Tensor logits = read_npy(path("y.npy"));
  EXPECT_EQ(logits.sizes(), (Shape{4, 10}));
  EXPECT_TRUE(all_close(logits, (*model)(x).detach(), 1e-6, 1e-7));

  // One gradient per parameter, under the parameter's name and with its shape.
  const std::vector<nn::NamedTensor> gradients = nn::read_safetensors(path("g.safetensors"));
  const std::vector<nn::NamedTensor> parameters = model->named_parameters();
  ASSERT_EQ(gradients.size(), parameters.size());
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_EQ(gradients[i].first, parameters[i].first);
    EXPECT_EQ(gradients[i].second.sizes(), parameters[i].second.sizes()) << parameters[i].first;
  }
  // And their values are the library's own backward pass of the mean cross-entropy.
  nn::cross_entropy((*model)(x), read_npy(path("t.npy"))).backward();
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_TRUE(all_close(gradients[i].second, parameters[i].second.grad(), 1e-5, 1e-7))
        << parameters[i].first;
  }
}

TEST_F(Cli, PredictReadsLstmInputBatchFirst) {
  const Tensor x = random_uniform({2, 5, 33}, 2, {});  // [N, T, 33]
  write_npy(path("x.npy"), x);
  ASSERT_EQ(run("save-init --model sutd_lstm --out " + path("w.safetensors")).exit_code, 0);
  const RunResult result = run("predict --model sutd_lstm --weights " + path("w.safetensors") +
                               " --input " + path("x.npy") + " --out " + path("y.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;

  // The registry's model is sequence-first: feed it X transposed to [T, N, 33].
  const auto model = models::make_model("sutd_lstm");
  nn::load(*model, path("w.safetensors"));
  model->eval();
  const Tensor expected = (*model)(x.transpose(0, 1).contiguous()).detach();  // [2, 8]
  EXPECT_TRUE(all_close(read_npy(path("y.npy")), expected, 1e-6, 1e-7));
}

TEST_F(Cli, TruncatedWeightsFailWithTheFileName) {
  write_npy(path("x.npy"), zeros({2, 58}));
  ASSERT_EQ(run("save-init --model clairvoyant_mlp --out " + path("w.safetensors")).exit_code, 0);
  fs::resize_file(path("w.safetensors"), 1000);  // cut inside the first tensor's data
  const RunResult result =
      run("predict --model clairvoyant_mlp --weights " + path("w.safetensors") + " --input " +
          path("x.npy") + " --out " + path("y.npy"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(result.output.rfind("timbre: ", 0), 0u) << result.output;
  EXPECT_NE(result.output.find(path("w.safetensors")), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(path("y.npy")));
}

TEST_F(Cli, WrongInputShapeNamesTheFile) {
  write_npy(path("x.npy"), zeros({2, 57}));
  ASSERT_EQ(run("save-init --model clairvoyant_mlp --out " + path("w.safetensors")).exit_code, 0);
  const RunResult result =
      run("predict --model clairvoyant_mlp --weights " + path("w.safetensors") + " --input " +
          path("x.npy") + " --out " + path("y.npy"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(path("x.npy") + ": expected shape [N, 58]"), std::string::npos)
      << result.output;
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);                                 // no subcommand
  EXPECT_EQ(run("predict --model clairvoyant_mlp").exit_code, 2);  // required options missing
  EXPECT_EQ(run("info --no-such-flag").exit_code, 2);
  EXPECT_EQ(run("--help").exit_code, 0);
}
