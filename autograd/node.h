// autograd/node.h - one recorded operation of the autograd graph.
//
// When an op runs on inputs that require gradients, it creates a Node that remembers
//   * how to turn the gradient of its output into gradients of its inputs (backward_function),
//     together with whatever the formula needs from the forward pass (the "saved tensors",
//     captured by the function), and
//   * where each input came from (next_edges): the Node that produced it, or the leaf tensor
//     whose .grad should receive it.
// backward() (engine.cpp) walks these edges from the loss back to the leaves.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace timbre {

// Where the gradient for one input goes. Exactly one of node/leaf is set when the input needs a
// gradient; neither when it does not (a constant, or an int64 label tensor).
struct Edge {
  std::shared_ptr<Node> node;        // the input was computed by this node
  std::shared_ptr<TensorImpl> leaf;  // the input is a leaf with requires_grad
  bool needs_grad() const { return node != nullptr || leaf != nullptr; }
};

// grad_output has the shape of the node's output; the result holds one gradient per input, in
// the order the inputs were recorded, each with its input's shape (undefined where not needed).
using BackwardFunction = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

class Node {
 public:
  Node(std::string name, BackwardFunction backward_function, std::vector<Edge> next_edges)
      : name_(std::move(name)),
        backward_function_(std::move(backward_function)),
        next_edges_(std::move(next_edges)) {}
  // Frees the chain of nodes behind this one without recursion (see node.cpp).
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // "MulBackward", "MatmulBackward", ...: what printing a tensor shows as its grad_fn.
  const std::string& name() const { return name_; }
  const std::vector<Edge>& next_edges() const { return next_edges_; }
  bool needs_input_grad(size_t input) const { return next_edges_[input].needs_grad(); }

  // Runs the backward formula. Throws if the saved tensors were already freed.
  std::vector<Tensor> apply(const Tensor& grad_output);

  // Frees the saved tensors (backward() does this unless retain_graph is set).
  void release();
  bool released() const { return released_; }

 private:
  std::string name_;
  BackwardFunction backward_function_;
  std::vector<Edge> next_edges_;
  bool released_ = false;
};

}  // namespace timbre
