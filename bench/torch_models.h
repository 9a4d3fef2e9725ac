// bench/torch_models.h - the reports' models written with torch::nn, for the benchmarks that
// compare timbre with libtorch (bench_models.cpp, bench_epochs.cpp). Each one has the same
// layers, shapes and default initialisation ranges as its timbre model in layers/models/:
//
//   TorchSutdCnn          x [N, 3, 288, 432] -> logits [N, 10]   (sutd_cnn.h, head 120/84)
//   TorchSutdLstm         x [T, N, 33], or [N, T, 33] when batch_first -> logits [N, 8]
//   TorchClairvoyantMlp   x [N, 58] -> logits [N, 10]
//   TorchUconnHybrid      image [N, 3, 128, 128], features [N, 57] -> logits [N, 10]
//   TorchFmaCnn           x [N, 1, 128, 130] -> logits [N, 8]
//
// Include it only when TIMBRE_BENCH_WITH_TORCH is defined (libtorch was found).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <tuple>

namespace bench {

namespace F = torch::nn::functional;

// SUTD fc1's input: 16 channels x 70 x 106 after the two poolings of a 288 x 432 picture.
constexpr int64_t kSutdFc1In = 16 * 70 * 106;  // 118,720

// layers/models/sutd_cnn.h with the base head (120, 84), no dropout.
struct TorchSutdCnnImpl : torch::nn::Module {
  TorchSutdCnnImpl()
      : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 6, 5)))),
        conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 3)))),
        fc1(register_module("fc1", torch::nn::Linear(kSutdFc1In, 120))),
        fc2(register_module("fc2", torch::nn::Linear(120, 84))),
        fc3(register_module("fc3", torch::nn::Linear(84, 10))) {}

  // x: [N, 3, 288, 432] -> logits [N, 10]
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = F::max_pool2d(torch::relu(conv1(x)), F::MaxPool2dFuncOptions(2));
    h = F::max_pool2d(torch::relu(conv2(h)), F::MaxPool2dFuncOptions(2));
    h = h.flatten(1);
    h = torch::relu(fc1(h));
    h = torch::relu(fc2(h));
    return fc3(h);
  }

  torch::nn::Conv2d conv1, conv2;
  torch::nn::Linear fc1, fc2, fc3;
};
TORCH_MODULE(TorchSutdCnn);

// layers/models/sutd_lstm.h: LSTM(33, 128, 2), the last time step, Linear(128, 8).
// Sequence-first by default (the report's layout); batch_first as the gtzan_lstm lab runs it.
struct TorchSutdLstmImpl : torch::nn::Module {
  explicit TorchSutdLstmImpl(bool batch_first = false)
      : batch_first(batch_first),
        lstm(register_module(
            "lstm", torch::nn::LSTM(
                        torch::nn::LSTMOptions(33, 128).num_layers(2).batch_first(batch_first)))),
        linear(register_module("linear", torch::nn::Linear(128, 8))) {}

  // x: [T, N, 33] ([N, T, 33] when batch_first) -> logits [N, 8]
  torch::Tensor forward(const torch::Tensor& x) {
    const torch::Tensor output = std::get<0>(lstm->forward(x));  // [T, N, 128] or [N, T, 128]
    const int64_t time_dimension = batch_first ? 1 : 0;
    return linear(output.select(time_dimension, output.size(time_dimension) - 1));  // [N, 8]
  }

  bool batch_first;
  torch::nn::LSTM lstm;
  torch::nn::Linear linear;
};
TORCH_MODULE(TorchSutdLstm);

// layers/models/clairvoyant_mlp.h: 58-512-256-128-64-10, ReLU + Dropout(0.2) on hidden layers.
struct TorchClairvoyantMlpImpl : torch::nn::Module {
  TorchClairvoyantMlpImpl()
      : fc1(register_module("fc1", torch::nn::Linear(58, 512))),
        fc2(register_module("fc2", torch::nn::Linear(512, 256))),
        fc3(register_module("fc3", torch::nn::Linear(256, 128))),
        fc4(register_module("fc4", torch::nn::Linear(128, 64))),
        fc5(register_module("fc5", torch::nn::Linear(64, 10))) {}

  // x: [N, 58] -> logits [N, 10]
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = x;
    for (torch::nn::Linear* hidden_layer : {&fc1, &fc2, &fc3, &fc4}) {
      h = F::dropout(torch::relu((*hidden_layer)(h)),
                     F::DropoutFuncOptions().p(0.2).training(is_training()));
    }
    return fc5(h);
  }

  torch::nn::Linear fc1, fc2, fc3, fc4, fc5;
};
TORCH_MODULE(TorchClairvoyantMlp);

// layers/models/uconn_hybrid.h: a CNN on the picture and an MLP on the 57 CSV features,
// concatenated into one head. Written with the same sub-modules as the timbre model (three
// conv blocks; three linear layers; two linear layers) rather than nn::Sequential, which libtorch
// can only call with one input type per module.
struct TorchUconnHybridImpl : torch::nn::Module {
  TorchUconnHybridImpl()
      : conv1(register_module("conv1", conv3x3(3, 32))),
        conv2(register_module("conv2", conv3x3(32, 64))),
        conv3(register_module("conv3", conv3x3(64, 128))),
        mlp1(register_module("mlp1", torch::nn::Linear(57, 256))),
        mlp2(register_module("mlp2", torch::nn::Linear(256, 128))),
        mlp3(register_module("mlp3", torch::nn::Linear(128, 64))),
        head1(register_module("head1", torch::nn::Linear(128 * 16 * 16 + 64, 128))),
        head2(register_module("head2", torch::nn::Linear(128, 10))) {}

  // image: [N, 3, 128, 128], features: [N, 57] -> logits [N, 10]
  torch::Tensor forward(const torch::Tensor& image, const torch::Tensor& features) {
    torch::Tensor picture = image;
    for (torch::nn::Conv2d* conv : {&conv1, &conv2, &conv3}) {
      picture = F::max_pool2d(torch::relu((*conv)(picture)), F::MaxPool2dFuncOptions(2));
    }
    picture = picture.flatten(1);  // [N, 128 * 16 * 16 = 32768]
    torch::Tensor tabular = torch::relu(mlp1(features));
    tabular = torch::relu(mlp2(tabular));
    tabular = F::dropout(torch::relu(mlp3(tabular)),
                         F::DropoutFuncOptions().p(0.3).training(is_training()));  // [N, 64]
    torch::Tensor joined = torch::cat({picture, tabular}, 1);                      // [N, 32832]
    joined = F::dropout(torch::relu(head1(joined)),
                        F::DropoutFuncOptions().p(0.5).training(is_training()));
    return head2(joined);
  }

  // 3x3 convolution keeping the size (padding 1).
  static torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1));
  }

  torch::nn::Conv2d conv1, conv2, conv3;
  torch::nn::Linear mlp1, mlp2, mlp3, head1, head2;
};
TORCH_MODULE(TorchUconnHybrid);

// layers/models/fma_cnn.h: three 3x3 conv blocks (1 -> 16 -> 32 -> 64), Linear(16384, 128),
// Linear(128, 8).
struct TorchFmaCnnImpl : torch::nn::Module {
  TorchFmaCnnImpl()
      : conv1(register_module("conv1", conv3x3(1, 16))),
        conv2(register_module("conv2", conv3x3(16, 32))),
        conv3(register_module("conv3", conv3x3(32, 64))),
        fc1(register_module("fc1", torch::nn::Linear(64 * 16 * 16, 128))),
        fc2(register_module("fc2", torch::nn::Linear(128, 8))) {}

  // x: [N, 1, 128, 130] -> logits [N, 8]
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = x;
    for (torch::nn::Conv2d* conv : {&conv1, &conv2, &conv3}) {
      h = F::max_pool2d(torch::relu((*conv)(h)), F::MaxPool2dFuncOptions(2));
    }
    h = torch::relu(fc1(h.flatten(1)));  // [N, 16384] -> [N, 128]
    return fc2(h);
  }

  static torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1));
  }

  torch::nn::Conv2d conv1, conv2, conv3;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(TorchFmaCnn);

}  // namespace bench
