// autograd/engine.cpp - the backward pass.
//
// 1. Topological sort: order the nodes reachable from the output so that every node comes after
//    all nodes that use its result (depth-first search, iterative so that a 1000-step LSTM does
//    not overflow the call stack).
// 2. Walk that order backwards from the output. Each node receives the sum of the gradients
//    flowing into its output (a tensor used twice gets two contributions: the multivariate chain
//    rule adds them), applies its backward formula, and passes one gradient to each input: to the
//    producing node's pending sum, or into a leaf's .grad.
#include "autograd/engine.h"

#include <unordered_map>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "tensor/factories.h"

namespace timbre {

namespace {

// Nodes reachable from `root`, each after every node that consumes its output: reversed
// post-order of a depth-first search.
std::vector<Node*> topological_order(Node* root) {
  std::vector<Node*> post_order;
  std::unordered_set<Node*> visited{root};
  // Stack of (node, index of the next edge to explore).
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->next_edges().size()) {
      Node* child = node->next_edges()[next++].node.get();
      if (child && visited.insert(child).second) stack.push_back({child, 0});
    } else {
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

void accumulate_into_leaf(TensorImpl& leaf, const Tensor& gradient) {
  TIMBRE_CHECK(gradient.sizes() == leaf.sizes, "internal error: gradient of shape ",
               shape_str(gradient.sizes()), " for a leaf of shape ", shape_str(leaf.sizes));
  if (leaf.grad) {
    leaf.grad = add(Tensor(leaf.grad), gradient).impl_ptr();
  } else {
    // A fresh handle: the leaf's grad must not be the very tensor another node holds.
    leaf.grad = gradient.detach().impl_ptr();
  }
}

}  // namespace

void backward(const Tensor& output, const Tensor& gradient, bool retain_graph) {
  TIMBRE_CHECK(output.requires_grad(),
               "backward: the tensor does not require grad and has no "
               "grad_fn (no input of its computation had requires_grad=true)");
  Tensor seed = gradient;
  if (!seed.defined()) {
    TIMBRE_CHECK(output.numel() == 1,
                 "backward: gradient can be implied only for a one-element "
                 "output; this output has shape ",
                 shape_str(output.sizes()), ", so pass a gradient of that shape");
    seed = ones_like(output);
  }
  TIMBRE_CHECK(seed.sizes() == output.sizes() && seed.dtype() == output.dtype(),
               "backward: gradient of shape ", shape_str(seed.sizes()), " (",
               dtype_name(seed.dtype()), ") does not match the output's ",
               shape_str(output.sizes()), " (", dtype_name(output.dtype()), ")");

  NoGradGuard no_grad;
  if (output.is_leaf()) {
    accumulate_into_leaf(output.impl(), seed);
    return;
  }

  std::unordered_map<Node*, Tensor> pending;  // summed gradient of each node's output
  pending[output.grad_fn().get()] = seed;
  for (Node* node : topological_order(output.grad_fn().get())) {
    auto found = pending.find(node);
    if (found == pending.end()) continue;  // no gradient reached this node
    const Tensor grad_output = found->second;
    pending.erase(found);
    std::vector<Tensor> input_grads = node->apply(grad_output);
    TIMBRE_CHECK(input_grads.size() == node->next_edges().size(), "internal error: ", node->name(),
                 " returned ", input_grads.size(), " gradients for ", node->next_edges().size(),
                 " inputs");
    for (size_t i = 0; i < input_grads.size(); ++i) {
      const Edge& edge = node->next_edges()[i];
      const Tensor& g = input_grads[i];
      if (!edge.needs_grad() || !g.defined()) continue;
      if (edge.leaf) {
        accumulate_into_leaf(*edge.leaf, g);
      } else {
        Tensor& sum = pending[edge.node.get()];
        sum = sum.defined() ? add(sum, g) : g;
      }
    }
    if (!retain_graph) node->release();
  }
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  timbre::backward(*this, gradient, retain_graph);
}

}  // namespace timbre
