// examples/xor_mlp - the smallest complete training program: a two-layer perceptron learns XOR
// with raw tensors, autograd and a hand-written gradient-descent loop.
//
//   x: [4, 2] the four corners of the unit square    y: [4, 1] their XOR (0 or 1)
//   hidden = tanh(x W1 + b1)      W1: [2, 8], b1: [8]
//   logit  = hidden W2 + b2       W2: [8, 1], b2: [1]
//   loss   = mean((sigmoid(logit) - y)^2)
//
// Run: build/examples/xor_mlp [--steps N] [--lr RATE] [--seed S]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "timbre.h"

using namespace timbre;

int main(int argc, char** argv) {
  int steps = 2000;
  double learning_rate = 0.5;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("usage: xor_mlp [--steps N (2000)] [--lr RATE (0.5)] [--seed S (1)]\n");
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "xor_mlp: %s needs a value (see --help)\n", flag.c_str());
      return 2;
    }
    const char* value = argv[++i];
    if (flag == "--steps") {
      steps = std::atoi(value);
    } else if (flag == "--lr") {
      learning_rate = std::atof(value);
    } else if (flag == "--seed") {
      seed = std::strtoull(value, nullptr, 10);
    } else {
      std::fprintf(stderr, "xor_mlp: unknown flag %s (see --help)\n", flag.c_str());
      return 2;
    }
  }
  manual_seed(seed);

  const Tensor x = from_vector(std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
  const Tensor y = from_vector(std::vector<float>{0, 1, 1, 0}, {4, 1});

  // Parameters: small random weights, zero biases. requires_grad makes backward() fill .grad.
  Tensor w1 = uniform({2, 8}, -1.0, 1.0, {.requires_grad = true});
  Tensor b1 = zeros({8}, {.requires_grad = true});
  Tensor w2 = uniform({8, 1}, -1.0, 1.0, {.requires_grad = true});
  Tensor b2 = zeros({1}, {.requires_grad = true});
  std::vector<Tensor*> parameters = {&w1, &b1, &w2, &b2};

  Tensor prediction;
  for (int step = 0; step <= steps; ++step) {
    // Forward: every op records itself in the graph.
    const Tensor hidden = tanh(matmul(x, w1) + b1);
    prediction = sigmoid(matmul(hidden, w2) + b2);
    const Tensor loss = mean(pow(prediction - y, 2.0));

    // Backward: d loss / d parameter for every parameter, into .grad.
    for (Tensor* p : parameters)
      p->zero_grad();
    loss.backward();

    // Gradient descent: p <- p - lr * grad. Done without recording (these are not model ops),
    // and the result becomes a fresh leaf that requires grad again.
    {
      NoGradGuard no_grad;
      for (Tensor* p : parameters) {
        *p = (*p - p->grad() * learning_rate).detach().set_requires_grad(true);
      }
    }
    if (step % (steps / 10 > 0 ? steps / 10 : 1) == 0) {
      std::printf("step %5d  loss %.6f\n", step, loss.item());
    }
  }

  std::printf("\ninput  target  prediction\n");
  int correct = 0;
  for (int i = 0; i < 4; ++i) {
    const double p = prediction.at({i, 0});
    correct += (p > 0.5) == (y.at({i, 0}) > 0.5);
    std::printf("%.0f %.0f   %.0f       %.4f\n", x.at({i, 0}), x.at({i, 1}), y.at({i, 0}), p);
  }
  std::printf("accuracy %d/4\n", correct);
  return correct == 4 ? 0 : 1;
}
