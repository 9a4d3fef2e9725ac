// tensor/tensor.h - the Tensor: an n-dimensional view of typed memory, plus what autograd needs.
//
// A Tensor is a cheap handle (a shared_ptr) to a TensorImpl. Copying a Tensor copies the handle,
// so `Tensor b = a;` is the same tensor, exactly as in PyTorch. The TensorImpl says how to read
// the shared Storage:
//
//   element (i0, i1, ..., ik)  lives at  storage[offset + i0*strides[0] + ... + ik*strides[k]]
//
// (strides are counted in elements, not bytes). A view such as transpose() only changes sizes,
// strides and offset; the storage is shared. See docs/architecture.md.
//
// The methods split in two groups:
//   * metadata, element access and printing - defined in tensor/tensor.cpp;
//   * math and views (reshape, sum, ...) - declared here for convenience but defined in
//     autograd/tensor_methods.cpp, because each of them records itself in the autograd graph.
//     They need the timbre::autograd library (or the umbrella target timbre::timbre).
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace timbre {

class Node;  // autograd/node.h: one recorded operation of the autograd graph
class Tensor;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape sizes;
  Shape strides;       // in elements
  int64_t offset = 0;  // in elements, from the start of storage
  DType dtype = DType::Float32;

  // Autograd state (see docs/autograd.md).
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // accumulated gradient of a leaf; null until backward()
  std::shared_ptr<Node> grad_fn;     // the operation that produced this tensor; null for leaves
};

// Options for factories: timbre::zeros({2, 3}, {.dtype = kFloat64, .requires_grad = true}).
struct TensorOptions {
  DType dtype = DType::Float32;
  Device device = Device::cpu();
  bool requires_grad = false;
};

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor (no storage); defined() is false
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- Metadata -------------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& sizes() const { return impl().sizes; }
  const Shape& shape() const { return impl().sizes; }
  int64_t size(int64_t dim) const;  // dim may be negative
  const Shape& strides() const { return impl().strides; }
  int64_t stride(int64_t dim) const;
  int64_t offset() const { return impl().offset; }
  int64_t dim() const { return static_cast<int64_t>(impl().sizes.size()); }
  int64_t numel() const { return shape_numel(impl().sizes); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  bool is_contiguous() const;  // row-major with no gaps, so data can be read as a flat array
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }
  TensorImpl& impl() const;
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  // Pointer to the first element (storage + offset). Requires T to match dtype().
  template <typename T>
  T* data_ptr() const {
    TIMBRE_CHECK(dtype_of<T>() == dtype(), "data_ptr: tensor holds ", dtype_name(dtype()), ", not ",
                 dtype_name(dtype_of<T>()));
    return static_cast<T*>(impl().storage->data()) + impl().offset;
  }
  void* raw_data_ptr() const;  // storage + offset, untyped

  // ---- Element access (for tests and small programs; works on any device) ---------------------
  // The single value of a one-element tensor, converted to double.
  double item() const;
  // The element at `index` (one entry per dimension), converted to double. Throws when the index
  // has the wrong length or is out of range.
  double at(std::initializer_list<int64_t> index) const;
  double at(const std::vector<int64_t>& index) const;
  // Writes `value` (converted to the tensor's dtype) at `index`. Used by gradcheck to perturb
  // inputs; it bypasses autograd, so never use it on a tensor that is part of a graph.
  void set_at(const std::vector<int64_t>& index, double value) const;
  // All elements in row-major order, converted to T.
  template <typename T>
  std::vector<T> to_vector() const;

  // "tensor([[1.0000, 2.0000]], shape=[1, 2], dtype=float32, device=cpu)"; large tensors show
  // their first and last three entries of each dimension.
  std::string to_string() const;

  // ---- Autograd state (tensor/tensor.cpp) -----------------------------------------------------
  bool requires_grad() const { return impl().requires_grad; }
  // Marks a leaf tensor as a parameter whose gradient backward() should accumulate.
  Tensor& set_requires_grad(bool requires_grad);
  // The gradient accumulated by backward(); undefined before the first backward().
  Tensor grad() const;
  void set_grad(const Tensor& grad) const;
  // Forgets the accumulated gradient (the next backward() starts from zero).
  void zero_grad() const;
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  // A new tensor sharing this one's storage but cut from the graph: no grad_fn, no requires_grad.
  Tensor detach() const;

  // ---- Math and views, recorded by autograd (autograd/tensor_methods.cpp) ---------------------
  Tensor reshape(const Shape& sizes) const;  // a view when possible, else a copy; -1 infers
  Tensor view(const Shape& sizes) const;     // like reshape, but throws instead of copying
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;  // transpose of a 2-d tensor
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;  // narrow to one entry and drop the dim
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor expand(const Shape& sizes) const;  // -1 keeps a size; broadcast dims get stride 0
  Tensor contiguous() const;                // itself when already contiguous, else a copy
  Tensor clone() const;                     // always a copy
  Tensor to(DType dtype) const;
  Tensor to(Device device) const;
  Tensor sum() const;
  Tensor sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
  Tensor max() const;
  Tensor max(int64_t dim, bool keepdim = false) const;
  // Reverse-mode autodiff from this tensor (autograd/engine.cpp). Without `gradient`, the
  // tensor must hold one element. See timbre::backward.
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

// ---- Construction without autograd (used by kernels and by the autograd ops themselves) -------

// A new contiguous tensor with uninitialised contents.
Tensor empty(const Shape& sizes, TensorOptions options = {});
// A tensor that views `base`'s storage with other sizes/strides/offset. No copy, no autograd.
Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset);

}  // namespace timbre
