// autograd/ops_elementwise.cpp - elementwise ops, each forward followed by its gradient.
//
// Broadcasting: if a has shape [3, 1] and b [4], then a + b is [3, 4]; each entry of a was used
// 4 times, so its gradient is the sum of 4 entries of the output gradient. sum_to() does exactly
// that, which is why every binary backward ends with sum_to(..., input shape).
#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

namespace {

Tensor scalar_like(double value, const Tensor& like) {
  return scalar_tensor(value, {.dtype = like.dtype(), .device = like.device()});
}

Tensor unary_op(UnaryOp op, const Tensor& x, const UnaryParams& params = {}) {
  return kernels::unary(op, x, params);
}

}  // namespace

// ---- a + b, a - b, a * b, a / b ---------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::binary(BinaryOp::Add, a, b);
  if (any_requires_grad({a, b})) {
    // d(a+b)/da = 1, d(a+b)/db = 1.
    record("AddBackward", out, {a, b}, [a_shape = a.sizes(), b_shape = b.sizes()](const Tensor& g) {
      return grads(sum_to(g, a_shape), sum_to(g, b_shape));
    });
  }
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::binary(BinaryOp::Sub, a, b);
  if (any_requires_grad({a, b})) {
    record("SubBackward", out, {a, b}, [a_shape = a.sizes(), b_shape = b.sizes()](const Tensor& g) {
      return grads(sum_to(g, a_shape), sum_to(neg(g), b_shape));
    });
  }
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::binary(BinaryOp::Mul, a, b);
  if (any_requires_grad({a, b})) {
    // d(ab)/da = b, d(ab)/db = a.
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record("MulBackward", out, {a, b},
           [a = a.detach(), b = b.detach(), need_a, need_b](const Tensor& g) {
             return grads(need_a ? sum_to(mul(g, b), a.sizes()) : Tensor(),
                          need_b ? sum_to(mul(g, a), b.sizes()) : Tensor());
           });
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::binary(BinaryOp::Div, a, b);
  if (any_requires_grad({a, b})) {
    // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b.
    const bool need_b = b.requires_grad();
    record("DivBackward", out, {a, b},
           [a_shape = a.sizes(), b = b.detach(), out = out.detach(), need_b](const Tensor& g) {
             const Tensor g_over_b = div(g, b);
             return grads(sum_to(g_over_b, a_shape),
                          need_b ? sum_to(neg(mul(g_over_b, out)), b.sizes()) : Tensor());
           });
  }
  return out;
}

Tensor neg(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Neg, x);
  if (any_requires_grad({x})) {
    record("NegBackward", out, {x}, [](const Tensor& g) { return grads(neg(g)); });
  }
  return out;
}

// ---- Powers, exponentials, roots --------------------------------------------------------------

Tensor pow(const Tensor& x, double exponent) {
  Tensor out = unary_op(UnaryOp::PowScalar, x, {.exponent = exponent});
  if (any_requires_grad({x})) {
    // d(x^p)/dx = p * x^(p-1).
    record("PowBackward", out, {x}, [x = x.detach(), exponent](const Tensor& g) {
      if (exponent == 0.0) return grads(zeros_like(x));
      return grads(
          mul(g, unary_op(UnaryOp::MulScalar, pow(x, exponent - 1.0), {.scalar = exponent})));
    });
  }
  return out;
}

Tensor pow(const Tensor& x, const Tensor& exponent) {
  Tensor out = kernels::binary(BinaryOp::Pow, x, exponent);
  if (any_requires_grad({x, exponent})) {
    // d(x^y)/dx = y * x^(y-1);  d(x^y)/dy = x^y * log(x).
    const bool need_exponent = exponent.requires_grad();
    record("PowBackward", out, {x, exponent},
           [x = x.detach(), y = exponent.detach(), out = out.detach(),
            need_exponent](const Tensor& g) {
             const Tensor dx = mul(g, mul(y, pow(x, sub(y, scalar_like(1.0, y)))));
             return grads(sum_to(dx, x.sizes()),
                          need_exponent ? sum_to(mul(g, mul(out, log(x))), y.sizes()) : Tensor());
           });
  }
  return out;
}

Tensor exp(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Exp, x);
  if (any_requires_grad({x})) {
    // d(e^x)/dx = e^x: reuse the output.
    record("ExpBackward", out, {x},
           [out = out.detach()](const Tensor& g) { return grads(mul(g, out)); });
  }
  return out;
}

Tensor log(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Log, x);
  if (any_requires_grad({x})) {
    record("LogBackward", out, {x}, [x = x.detach()](const Tensor& g) { return grads(div(g, x)); });
  }
  return out;
}

Tensor sqrt(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Sqrt, x);
  if (any_requires_grad({x})) {
    // d(sqrt x)/dx = 1 / (2 sqrt x).
    record("SqrtBackward", out, {x}, [out = out.detach()](const Tensor& g) {
      return grads(div(g, unary_op(UnaryOp::MulScalar, out, {.scalar = 2.0})));
    });
  }
  return out;
}

// ---- Functions with kinks ---------------------------------------------------------------------

Tensor abs(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Abs, x);
  if (any_requires_grad({x})) {
    record("AbsBackward", out, {x},
           [x = x.detach()](const Tensor& g) { return grads(mul(g, unary_op(UnaryOp::Sign, x))); });
  }
  return out;
}

Tensor clamp(const Tensor& x, double low, double high) {
  TIMBRE_CHECK(!(low > high), "clamp: low ", low, " is above high ", high);
  const UnaryParams range{.low = low, .high = high};
  Tensor out = unary_op(UnaryOp::Clamp, x, range);
  if (any_requires_grad({x})) {
    record("ClampBackward", out, {x}, [x = x.detach(), range](const Tensor& g) {
      return grads(mul(g, unary_op(UnaryOp::InsideMask, x, range)));
    });
  }
  return out;
}

Tensor clamp_min(const Tensor& x, double low) {
  return clamp(x, low, std::numeric_limits<double>::infinity());
}
Tensor clamp_max(const Tensor& x, double high) {
  return clamp(x, -std::numeric_limits<double>::infinity(), high);
}

Tensor relu(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Relu, x);
  if (any_requires_grad({x})) {
    record("ReluBackward", out, {x}, [x = x.detach()](const Tensor& g) {
      return grads(kernels::binary(BinaryOp::ReluBackward, g, x));
    });
  }
  return out;
}

Tensor sigmoid(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Sigmoid, x);
  if (any_requires_grad({x})) {
    // d sigmoid/dx = s (1 - s), with s the output.
    record("SigmoidBackward", out, {x}, [out = out.detach()](const Tensor& g) {
      return grads(kernels::binary(BinaryOp::SigmoidBackward, g, out));
    });
  }
  return out;
}

Tensor tanh(const Tensor& x) {
  Tensor out = unary_op(UnaryOp::Tanh, x);
  if (any_requires_grad({x})) {
    // d tanh/dx = 1 - tanh^2.
    record("TanhBackward", out, {x}, [out = out.detach()](const Tensor& g) {
      return grads(kernels::binary(BinaryOp::TanhBackward, g, out));
    });
  }
  return out;
}

namespace {
// maximum/minimum: the gradient goes to the winning side; ties split it in half (as PyTorch).
Tensor extremum(BinaryOp op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor out = kernels::binary(op, a, b);
  if (any_requires_grad({a, b})) {
    record(name, out, {a, b}, [a = a.detach(), b = b.detach(), op](const Tensor& g) {
      const BinaryOp wins = op == BinaryOp::Maximum ? BinaryOp::Greater : BinaryOp::Less;
      const Tensor tie_half =
          unary_op(UnaryOp::MulScalar, kernels::binary(BinaryOp::Equal, a, b), {.scalar = 0.5});
      const Tensor a_share = add(kernels::binary(wins, a, b), tie_half);
      const Tensor b_share = add(kernels::binary(wins, b, a), tie_half);
      return grads(sum_to(mul(g, a_share), a.sizes()), sum_to(mul(g, b_share), b.sizes()));
    });
  }
  return out;
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::Maximum, "MaximumBackward", a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::Minimum, "MinimumBackward", a, b);
}

// ---- Comparisons and selection ----------------------------------------------------------------

Tensor eq(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::Equal, a, b);
}
Tensor ne(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::NotEqual, a, b);
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::Greater, a, b);
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::GreaterEqual, a, b);
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::Less, a, b);
}
Tensor le(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::LessEqual, a, b);
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  Tensor out = kernels::where(condition, a, b);
  if (any_requires_grad({a, b})) {
    // Each output entry came from a or from b: route the gradient back the same way.
    record("WhereBackward", out, {condition, a, b},
           [condition = condition.detach(), a_shape = a.sizes(),
            b_shape = b.sizes()](const Tensor& g) {
             const Tensor zero = scalar_like(0.0, g);
             return grads(Tensor(), sum_to(kernels::where(condition, g, zero), a_shape),
                          sum_to(kernels::where(condition, zero, g), b_shape));
           });
  }
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  TIMBRE_CHECK(broadcast_shapes(mask.sizes(), x.sizes(), "masked_fill") == x.sizes(),
               "masked_fill: mask of shape ", shape_str(mask.sizes()),
               " does not broadcast to the input's ", shape_str(x.sizes()));
  return where(mask, scalar_like(value, x), x);
}

// ---- Operators --------------------------------------------------------------------------------

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator-(const Tensor& x) {
  return neg(x);
}
Tensor operator+(const Tensor& a, double b) {
  return add(a, scalar_like(b, a));
}
Tensor operator-(const Tensor& a, double b) {
  return sub(a, scalar_like(b, a));
}
Tensor operator*(const Tensor& a, double b) {
  return mul(a, scalar_like(b, a));
}
Tensor operator/(const Tensor& a, double b) {
  return div(a, scalar_like(b, a));
}
Tensor operator+(double a, const Tensor& b) {
  return add(scalar_like(a, b), b);
}
Tensor operator-(double a, const Tensor& b) {
  return sub(scalar_like(a, b), b);
}
Tensor operator*(double a, const Tensor& b) {
  return mul(scalar_like(a, b), b);
}
Tensor operator/(double a, const Tensor& b) {
  return div(scalar_like(a, b), b);
}

}  // namespace timbre
