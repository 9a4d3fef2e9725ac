// tensor/tensor.cpp - Tensor metadata, element access, printing and autograd state.
#include "tensor/tensor.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>

#include "autograd/node.h"  // only for the grad_fn name when printing (header-only use)
#include "tensor/kernels.h"

namespace timbre {

TensorImpl& Tensor::impl() const {
  TIMBRE_CHECK(impl_ != nullptr,
               "this tensor is undefined (default-constructed or a missing "
               "gradient); it has no shape or data");
  return *impl_;
}

int64_t Tensor::size(int64_t dim) const {
  return sizes()[normalize_dim(dim, this->dim(), "size")];
}

int64_t Tensor::stride(int64_t dim) const {
  return strides()[normalize_dim(dim, this->dim(), "stride")];
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (sizes()[d] == 1) continue;  // the stride of a size-1 dimension never matters
    if (strides()[d] != expected) return false;
    expected *= sizes()[d];
  }
  return true;
}

void* Tensor::raw_data_ptr() const {
  return static_cast<char*>(impl().storage->data()) + impl().offset * dtype_size(dtype());
}

namespace {

// Element offset of a multi-index, with bounds checks.
int64_t element_offset(const Tensor& tensor, const std::vector<int64_t>& index, const char* op) {
  TIMBRE_CHECK(static_cast<int64_t>(index.size()) == tensor.dim(), op, ": index has ", index.size(),
               " entries but the tensor has ", tensor.dim(), " dimensions (shape ",
               shape_str(tensor.sizes()), ")");
  int64_t offset = tensor.offset();
  for (size_t d = 0; d < index.size(); ++d) {
    TIMBRE_CHECK(index[d] >= 0 && index[d] < tensor.sizes()[d], op, ": index ", index[d],
                 " is out of range for dimension ", d, " of size ", tensor.sizes()[d]);
    offset += index[d] * tensor.strides()[d];
  }
  return offset;
}

// Reads one element at `offset` (in elements) of the storage, from any device, as double.
double read_element(const Tensor& tensor, int64_t offset) {
  const std::size_t width = dtype_size(tensor.dtype());
  alignas(8) unsigned char bytes[8];
  memory::copy_bytes(bytes, Device::cpu(),
                     static_cast<const char*>(tensor.storage()->data()) + offset * width,
                     tensor.device(), width);
  return dispatch_all(tensor.dtype(), "read", [&]<typename T>() {
    T value;
    std::memcpy(&value, bytes, sizeof(T));
    return static_cast<double>(value);
  });
}

}  // namespace

double Tensor::item() const {
  TIMBRE_CHECK(numel() == 1, "item: only a one-element tensor has an item; this one has shape ",
               shape_str(sizes()));
  // The single element sits at `offset` whatever the strides are.
  return read_element(*this, offset());
}

double Tensor::at(std::initializer_list<int64_t> index) const {
  return at(std::vector<int64_t>(index));
}

double Tensor::at(const std::vector<int64_t>& index) const {
  return read_element(*this, element_offset(*this, index, "at"));
}

void Tensor::set_at(const std::vector<int64_t>& index, double value) const {
  const int64_t offset = element_offset(*this, index, "set_at");
  dispatch_all(dtype(), "set_at", [&]<typename T>() {
    const T typed = static_cast<T>(value);
    memory::copy_bytes(static_cast<T*>(storage()->data()) + offset, device(), &typed, Device::cpu(),
                       sizeof(T));
  });
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  // Make a contiguous copy on the CPU, then convert element by element.
  Tensor host =
      kernels::contiguous(device().is_cpu() ? *this : kernels::to_device(*this, Device::cpu()));
  std::vector<T> values(static_cast<size_t>(host.numel()));
  dispatch_all(host.dtype(), "to_vector", [&]<typename S>() {
    const S* data = host.data_ptr<S>();
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<T>(data[i]);
  });
  return values;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<int64_t> Tensor::to_vector<int64_t>() const;

// ---- Printing --------------------------------------------------------------------------------

namespace {

constexpr int64_t kSummaryThreshold = 1000;  // more elements than this: print the edges only
constexpr int64_t kEdgeItems = 3;

std::string format_value(double value, DType dtype) {
  char text[64];
  if (dtype == DType::Int64) {
    std::snprintf(text, sizeof(text), "%lld", static_cast<long long>(value));
  } else if (std::isnan(value) || std::isinf(value)) {
    std::snprintf(text, sizeof(text), "%s",
                  std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf"));
  } else if (value != 0 && (std::fabs(value) >= 1e5 || std::fabs(value) < 1e-4)) {
    std::snprintf(text, sizeof(text), "%.4e", value);
  } else {
    std::snprintf(text, sizeof(text), "%.4f", value);
  }
  return text;
}

void print_recursive(std::string& out, const Tensor& host, std::vector<int64_t>& index,
                     int64_t depth, bool summarize) {
  const int64_t size = host.sizes()[depth];
  const bool last_dim = depth == host.dim() - 1;
  out += "[";
  for (int64_t i = 0; i < size; ++i) {
    if (summarize && size > 2 * kEdgeItems && i == kEdgeItems) {
      out += last_dim ? "..., " : "...,\n" + std::string(7 + depth + 1, ' ');
      i = size - kEdgeItems;
    }
    index[depth] = i;
    if (last_dim) {
      out += format_value(host.at(index), host.dtype());
    } else {
      print_recursive(out, host, index, depth + 1, summarize);
    }
    if (i + 1 < size) {
      out += last_dim ? ", "
                      : ",\n" + std::string(host.dim() - depth - 1 > 1 ? 1 : 0, '\n') +
                            std::string(7 + depth + 1, ' ');
    }
  }
  out += "]";
}

}  // namespace

std::string Tensor::to_string() const {
  if (!defined()) return "tensor(undefined)";
  std::string out = "tensor(";
  if (dim() == 0) {
    out += format_value(item(), dtype());
  } else if (numel() == 0) {
    out += "[]";
  } else {
    std::vector<int64_t> index(dim(), 0);
    print_recursive(out, *this, index, 0, numel() > kSummaryThreshold);
  }
  out += ", shape=" + shape_str(sizes()) + ", dtype=" + dtype_name(dtype()) +
         ", device=" + device().str();
  if (grad_fn()) {
    out += ", grad_fn=<" + grad_fn()->name() + ">";
  } else if (requires_grad()) {
    out += ", requires_grad=true";
  }
  return out + ")";
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
  return out << tensor.to_string();
}

// ---- Autograd state --------------------------------------------------------------------------

Tensor& Tensor::set_requires_grad(bool requires_grad) {
  TIMBRE_CHECK(is_leaf() || requires_grad,
               "set_requires_grad(false) on a non-leaf tensor: use "
               "detach() to cut a tensor from the graph");
  TIMBRE_CHECK(!requires_grad || is_floating(dtype()),
               "set_requires_grad: only floating-point tensors can require gradients, this one "
               "is ",
               dtype_name(dtype()));
  impl().requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  return Tensor(impl().grad);
}

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined()) {
    TIMBRE_CHECK(grad.sizes() == sizes() && grad.dtype() == dtype(), "set_grad: gradient of shape ",
                 shape_str(grad.sizes()), " and dtype ", dtype_name(grad.dtype()),
                 " does not match the tensor's ", shape_str(sizes()), " ", dtype_name(dtype()));
  }
  impl().grad = grad.impl_ptr();
}

void Tensor::zero_grad() const {
  impl().grad = nullptr;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = this->impl().storage;
  impl->sizes = sizes();
  impl->strides = strides();
  impl->offset = offset();
  impl->dtype = dtype();
  return Tensor(impl);
}

// ---- Construction ----------------------------------------------------------------------------

Tensor empty(const Shape& sizes, TensorOptions options) {
  for (int64_t size : sizes) {
    TIMBRE_CHECK(size >= 0, "empty: negative size in shape ", shape_str(sizes));
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(
      static_cast<std::size_t>(shape_numel(sizes)) * dtype_size(options.dtype), options.device);
  impl->sizes = sizes;
  impl->strides = contiguous_strides(sizes);
  impl->dtype = options.dtype;
  Tensor tensor(impl);
  if (options.requires_grad) tensor.set_requires_grad(true);
  return tensor;
}

Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->sizes = sizes;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(impl);
}

}  // namespace timbre
