// autograd/ops_shape.cpp - views (reshape, permute, narrow, ...), copies (contiguous, to), and
// joining tensors (concat, stack).
//
// A view changes only sizes/strides/offset (tensor/tensor.h): no data moves. Its gradient is the
// inverse rearrangement of the output gradient: reshape back, permute back, or - for narrow and
// slice - place the gradient into a zero tensor at the slice it came from.
#include <algorithm>
#include <numeric>

#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

namespace {

// x viewed with entries start, start+step, ... (length of them) along dim. No autograd.
Tensor strided_slice_view(const Tensor& x, int64_t dim, int64_t start, int64_t length,
                          int64_t step) {
  Shape sizes = x.sizes(), strides = x.strides();
  sizes[dim] = length;
  strides[dim] *= step;
  return make_view(x, sizes, strides, x.offset() + start * x.strides()[dim]);
}

// Replaces a -1 in `sizes` by whatever makes the element count equal to numel.
Shape infer_size(const Shape& sizes, int64_t numel, const char* op, const Shape& from) {
  Shape result = sizes;
  int64_t known = 1;
  int64_t infer_at = -1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == -1) {
      TIMBRE_CHECK(infer_at < 0, op, ": only one dimension can be -1 in ", shape_str(sizes));
      infer_at = static_cast<int64_t>(d);
    } else {
      TIMBRE_CHECK(sizes[d] >= 0, op, ": invalid size ", sizes[d], " in ", shape_str(sizes));
      known *= sizes[d];
    }
  }
  if (infer_at >= 0) {
    TIMBRE_CHECK(known != 0 && numel % known == 0, op, ": cannot reshape ", shape_str(from),
                 " into ", shape_str(sizes));
    result[infer_at] = numel / known;
  }
  TIMBRE_CHECK(shape_numel(result) == numel, op, ": cannot reshape ", shape_str(from), " (", numel,
               " elements) into ", shape_str(sizes));
  return result;
}

// Records that `out` is a view (or copy) of x whose gradient is reshape(g, x's shape).
void record_reshape_like(const char* name, const Tensor& out, const Tensor& x) {
  if (any_requires_grad({x})) {
    record(name, out, {x},
           [sizes = x.sizes()](const Tensor& g) { return grads(reshape(g, sizes)); });
  }
}

}  // namespace

Tensor view(const Tensor& x, const Shape& sizes) {
  const Shape target = infer_size(sizes, x.numel(), "view", x.sizes());
  TIMBRE_CHECK(x.is_contiguous(), "view: the tensor of shape ", shape_str(x.sizes()),
               " is not contiguous (e.g. a transpose); use reshape(), which copies, or call "
               "contiguous() first");
  Tensor out = make_view(x, target, contiguous_strides(target), x.offset());
  record_reshape_like("ViewBackward", out, x);
  return out;
}

Tensor reshape(const Tensor& x, const Shape& sizes) {
  if (x.is_contiguous()) return view(x, sizes);
  const Shape target = infer_size(sizes, x.numel(), "reshape", x.sizes());
  Tensor copy = kernels::clone(x);
  Tensor out = make_view(copy, target, contiguous_strides(target), 0);
  record_reshape_like("ReshapeBackward", out, x);
  return out;
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  const int64_t start = normalize_dim(start_dim, x.dim(), "flatten");
  const int64_t end = normalize_dim(end_dim, x.dim(), "flatten");
  TIMBRE_CHECK(start <= end, "flatten: start_dim ", start_dim, " is after end_dim ", end_dim);
  Shape sizes(x.sizes().begin(), x.sizes().begin() + start);
  int64_t merged = 1;
  for (int64_t d = start; d <= end; ++d)
    merged *= x.sizes()[d];
  sizes.push_back(merged);
  sizes.insert(sizes.end(), x.sizes().begin() + end + 1, x.sizes().end());
  return reshape(x, sizes);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  TIMBRE_CHECK(static_cast<int64_t>(dims.size()) == x.dim(), "permute: got ", dims.size(),
               " dims for a tensor with ", x.dim(), " dimensions");
  Shape sizes(dims.size()), strides(dims.size());
  std::vector<int64_t> inverse(dims.size(), -1);
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = normalize_dim(dims[i], x.dim(), "permute");
    TIMBRE_CHECK(inverse[d] < 0, "permute: dimension ", dims[i], " appears twice");
    inverse[d] = static_cast<int64_t>(i);
    sizes[i] = x.sizes()[d];
    strides[i] = x.strides()[d];
  }
  Tensor out = make_view(x, sizes, strides, x.offset());
  if (any_requires_grad({x})) {
    record("PermuteBackward", out, {x},
           [inverse](const Tensor& g) { return grads(permute(g, inverse)); });
  }
  return out;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  std::vector<int64_t> dims(std::max<int64_t>(x.dim(), 0));
  std::iota(dims.begin(), dims.end(), 0);
  if (x.dim() == 0) return permute(x, dims);
  std::swap(dims[normalize_dim(dim0, x.dim(), "transpose")],
            dims[normalize_dim(dim1, x.dim(), "transpose")]);
  return permute(x, dims);
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  const int64_t d = normalize_dim(dim, x.dim(), "slice");
  TIMBRE_CHECK(x.dim() > 0, "slice: cannot slice a 0-d tensor");
  TIMBRE_CHECK(step > 0, "slice: step must be positive, got ", step);
  const int64_t size = x.sizes()[d];
  // Python semantics: negative positions count from the end; out-of-range ends are clamped.
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  const int64_t length = (end - start + step - 1) / step;
  Tensor out = strided_slice_view(x, d, start, length, step);
  if (any_requires_grad({x})) {
    record("SliceBackward", out, {x}, [sizes = x.sizes(), d, start, length, step](const Tensor& g) {
      Tensor full = zeros(sizes, {.dtype = g.dtype(), .device = g.device()});
      kernels::copy(strided_slice_view(full, d, start, length, step), g);
      return grads(full);
    });
  }
  return out;
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  const int64_t d = normalize_dim(dim, x.dim(), "narrow");
  TIMBRE_CHECK(start >= 0 && length >= 0 && start + length <= x.size(d), "narrow: entries [", start,
               ", ", start + length, ") are out of range for dimension ", dim, " of size ",
               x.size(d));
  return slice(x, d, start, start + length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  const int64_t d = normalize_dim(dim, x.dim(), "select");
  const int64_t size = x.size(d);
  TIMBRE_CHECK(index >= -size && index < size, "select: index ", index,
               " is out of range for dimension ", dim, " of size ", size);
  if (index < 0) index += size;
  return squeeze(narrow(x, d, index, 1), d);
}

Tensor squeeze(const Tensor& x) {
  Shape sizes;
  for (int64_t size : x.sizes()) {
    if (size != 1) sizes.push_back(size);
  }
  return reshape(x, sizes);
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  if (x.dim() == 0) return x;
  const int64_t d = normalize_dim(dim, x.dim(), "squeeze");
  if (x.sizes()[d] != 1) return x;
  Shape sizes = x.sizes(), strides = x.strides();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  Tensor out = make_view(x, sizes, strides, x.offset());
  record_reshape_like("SqueezeBackward", out, x);
  return out;
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape sizes = x.sizes(), strides = x.strides();
  const int64_t stride = d < x.dim() ? x.strides()[d] * x.sizes()[d] : 1;
  sizes.insert(sizes.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  Tensor out = make_view(x, sizes, strides, x.offset());
  record_reshape_like("UnsqueezeBackward", out, x);
  return out;
}

Tensor expand(const Tensor& x, const Shape& sizes) {
  TIMBRE_CHECK(static_cast<int64_t>(sizes.size()) >= x.dim(), "expand: target ", shape_str(sizes),
               " has fewer dimensions than the input ", shape_str(x.sizes()));
  const int64_t lead = static_cast<int64_t>(sizes.size()) - x.dim();
  Shape out_sizes(sizes.size()), out_strides(sizes.size(), 0);
  for (int64_t d = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
    if (d < lead) {
      TIMBRE_CHECK(sizes[d] >= 0, "expand: new leading dimension cannot be ", sizes[d]);
      out_sizes[d] = sizes[d];
      continue;
    }
    const int64_t own = x.sizes()[d - lead];
    const int64_t want = sizes[d] == -1 ? own : sizes[d];
    TIMBRE_CHECK(want == own || own == 1, "expand: cannot expand ", shape_str(x.sizes()), " to ",
                 shape_str(sizes), " (size ", own, " in dimension ", d - lead, " is not 1)");
    out_sizes[d] = want;
    out_strides[d] = want == own ? x.strides()[d - lead] : 0;
  }
  Tensor out = make_view(x, out_sizes, out_strides, x.offset());
  if (any_requires_grad({x})) {
    record("ExpandBackward", out, {x},
           [sizes = x.sizes()](const Tensor& g) { return grads(sum_to(g, sizes)); });
  }
  return out;
}

// ---- Copies -----------------------------------------------------------------------------------

Tensor clone(const Tensor& x) {
  Tensor out = kernels::clone(x);
  if (any_requires_grad({x})) {
    record("CloneBackward", out, {x}, [](const Tensor& g) { return grads(g); });
  }
  return out;
}

Tensor contiguous(const Tensor& x) {
  return x.is_contiguous() ? x : clone(x);
}

Tensor to(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor out = kernels::to_dtype(x, dtype);
  if (any_requires_grad({x}) && is_floating(dtype)) {
    record("ToDtypeBackward", out, {x},
           [from = x.dtype()](const Tensor& g) { return grads(to(g, from)); });
  }
  return out;
}

Tensor to(const Tensor& x, Device device) {
  if (x.device() == device) return x;
  Tensor out = kernels::to_device(x, device);
  if (any_requires_grad({x})) {
    record("ToDeviceBackward", out, {x},
           [from = x.device()](const Tensor& g) { return grads(to(g, from)); });
  }
  return out;
}

// ---- Joining ----------------------------------------------------------------------------------

Tensor concat(const std::vector<Tensor>& tensors, int64_t dim) {
  TIMBRE_CHECK(!tensors.empty(), "concat: expected at least one tensor");
  const Tensor& first = tensors[0];
  const int64_t d = normalize_dim(dim, first.dim(), "concat");
  TIMBRE_CHECK(first.dim() > 0,
               "concat: zero-dimensional tensors cannot be concatenated; use "
               "stack()");
  Shape sizes = first.sizes();
  sizes[d] = 0;
  std::vector<int64_t> lengths;
  for (const Tensor& t : tensors) {
    TIMBRE_CHECK(
        t.dim() == first.dim() && t.dtype() == first.dtype() && t.device() == first.device(),
        "concat: tensor ", shape_str(t.sizes()), " ", dtype_name(t.dtype()), " on ",
        t.device().str(), " does not match ", shape_str(first.sizes()), " ",
        dtype_name(first.dtype()), " on ", first.device().str());
    for (int64_t k = 0; k < first.dim(); ++k) {
      TIMBRE_CHECK(k == d || t.sizes()[k] == first.sizes()[k], "concat: shapes ",
                   shape_str(first.sizes()), " and ", shape_str(t.sizes()),
                   " differ outside dimension ", dim);
    }
    lengths.push_back(t.sizes()[d]);
    sizes[d] += t.sizes()[d];
  }
  Tensor out = empty(sizes, {.dtype = first.dtype(), .device = first.device()});
  int64_t offset = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    kernels::copy(strided_slice_view(out, d, offset, lengths[i], 1), tensors[i]);
    offset += lengths[i];
  }
  if (any_requires_grad(tensors)) {
    // Each input's gradient is its own stretch of the output gradient.
    record("ConcatBackward", out, tensors, [d, lengths](const Tensor& g) {
      std::vector<Tensor> result;
      int64_t start = 0;
      for (int64_t length : lengths) {
        result.push_back(narrow(g, d, start, length));
        start += length;
      }
      return result;
    });
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  TIMBRE_CHECK(!tensors.empty(), "stack: expected at least one tensor");
  const int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> expanded;
  for (const Tensor& t : tensors) {
    TIMBRE_CHECK(t.sizes() == tensors[0].sizes(), "stack: shapes ", shape_str(tensors[0].sizes()),
                 " and ", shape_str(t.sizes()), " differ");
    expanded.push_back(unsqueeze(t, d));
  }
  return concat(expanded, d);
}

}  // namespace timbre
