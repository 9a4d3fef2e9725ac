#include "autograd/node.h"

#include "autograd/record.h"

namespace timbre {

std::vector<Tensor> Node::apply(const Tensor& grad_output) {
  TIMBRE_CHECK(!released_, "backward through ", name_,
               " a second time: its saved tensors were "
               "freed by the first backward(). Pass retain_graph=true to the first call if you "
               "need to call backward twice.");
  return backward_function_(grad_output);
}

Node::~Node() {
  // Destroying a node drops its edges, which may destroy the previous node, which drops its
  // edges... For a graph thousands of ops deep (an unrolled LSTM) that recursion would overflow
  // the call stack. Instead, take over the edges of every node we are the last owner of, so each
  // node dies with no edges left and the chain is freed by this loop.
  std::vector<std::shared_ptr<Node>> pending;
  auto take_edges = [&pending](Node& node) {
    for (Edge& edge : node.next_edges_) {
      if (edge.node) pending.push_back(std::move(edge.node));
    }
  };
  take_edges(*this);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    if (node.use_count() == 1) take_edges(*node);
  }  // `node` is released here, with no edges left
}

void Node::release() {
  backward_function_ = nullptr;  // drops the captured saved tensors
  released_ = true;
}

namespace {
thread_local bool grad_enabled = true;
}  // namespace

bool is_grad_enabled() {
  return grad_enabled;
}
void set_grad_enabled(bool enabled) {
  grad_enabled = enabled;
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!is_grad_enabled()) return false;
  for (const Tensor& input : inputs) {
    if (input.defined() && input.requires_grad()) return true;
  }
  return false;
}

bool any_requires_grad(std::initializer_list<Tensor> inputs) {
  return any_requires_grad(std::vector<Tensor>(inputs));
}

void record(const char* name, const Tensor& output, const std::vector<Tensor>& inputs,
            BackwardFunction backward_function) {
  std::vector<Edge> edges(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& input = inputs[i];
    if (!input.defined() || !input.requires_grad()) continue;
    if (input.grad_fn()) {
      edges[i].node = input.grad_fn();
    } else {
      edges[i].leaf = input.impl_ptr();
    }
  }
  output.impl().grad_fn =
      std::make_shared<Node>(name, std::move(backward_function), std::move(edges));
  output.impl().requires_grad = true;
}

}  // namespace timbre
