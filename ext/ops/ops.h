// ops.h: the operator library. Device-independent: each op checks its
// arguments, computes the result's shape and dtype, and calls the kernel that
// the tensor's device registered in ext/core/kernels.h. Knows nothing of
// autograd or Python.
//
// Conventions: `dim` arguments may be negative; errors are mt::Error with
// PyTorch's exception class and wording.
#pragma once

#include <optional>
#include <vector>

#include "../core/kernels.h"
#include "../core/scalar.h"
#include "../core/tensor_impl.h"

namespace mt::ops {

// ---- type promotion (promote.cpp) ----
// An operand of a binary op as type promotion sees it: a tensor (0-d or not)
// or a wrapped Python/NumPy scalar. See Note [Type promotion] in promote.cpp.
struct Operand {
  const TensorImpl* tensor = nullptr;  // null for a scalar
  Scalar scalar;
};
DType result_type(const Operand* ops, int n, DType default_float);
DType scalar_dtype(const Scalar& s, DType default_float);

// ---- creation (factory.cpp) ----
Tensor empty(const Dims& sizes, DType dtype, Device device);
Tensor full(const Dims& sizes, Scalar value, DType dtype, Device device);
Tensor arange(double start, double end, double step, DType dtype, Device device);
Tensor linspace(double start, double end, int64_t steps, DType dtype, Device device);
Tensor eye(int64_t n, int64_t m, DType dtype, Device device);
Tensor rand(const Dims& sizes, DType dtype, Device device);
Tensor randn(const Dims& sizes, DType dtype, Device device);
Tensor randint(int64_t low, int64_t high, const Dims& sizes, DType dtype, Device device);
Tensor randperm(int64_t n, DType dtype, Device device);
void check_device(Device d);

// ---- copy and conversion (copy.cpp) ----
// dst[...] = src broadcast to dst's shape, converting dtype. In place on dst.
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, Scalar value);
Tensor clone(const Tensor& t);
Tensor contiguous(const Tensor& t);
// Returns t itself when nothing changes and copy is false.
Tensor to(const Tensor& t, DType dtype, Device device, bool copy);
// The single element of a one-element tensor, as a Scalar of its category.
Scalar item(const Tensor& t);

// ---- views (shape.cpp); all share storage ----
Tensor as_strided(const Tensor& t, const Dims& sizes, const Dims& strides,
                  std::optional<int64_t> offset);
Tensor view(const Tensor& t, const Dims& sizes);  // sizes may hold one -1
Tensor reshape(const Tensor& t, const Dims& sizes);
Tensor transpose(const Tensor& t, int64_t d0, int64_t d1);
Tensor permute(const Tensor& t, const Dims& dims);
Tensor expand(const Tensor& t, const Dims& sizes);
Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& t, int64_t dim, int64_t index);
Tensor slice(const Tensor& t, int64_t dim, std::optional<int64_t> start,
             std::optional<int64_t> stop, int64_t step);  // step may be negative
Tensor unsqueeze(const Tensor& t, int64_t dim);
Tensor squeeze(const Tensor& t, std::optional<int64_t> dim);
Tensor flip(const Tensor& t, const Dims& dims);
Tensor detach(const Tensor& t);
Dims infer_size(const Dims& sizes, int64_t numel);

// ---- elementwise (unary.cpp, binary.cpp, ternary.cpp) ----
// The op enums and ElemArgs are in ext/core/elementwise.h. Every entry point
// takes `default_float`, the dtype that float scalars and integer -> float
// promotions (int / int, exp(int)) give: minitorch.get_default_dtype(),
// passed in by the caller.
//
// Where an op writes: a fresh tensor (out.t null), `out=` (resized to the
// result shape when it differs) or in place (inplace: the broadcast shape
// must equal out's shape). Both refuse a result dtype that can't be cast to
// out's dtype, an out whose elements overlap (expanded), and read-only
// storage; they bump the version counter. Inputs that partially overlap out
// are copied first, so `x[1:] += x[:-1]` reads the old values (as NumPy).
struct ElemOut {
  TensorImpl* t = nullptr;
  bool inplace = false;
};

Tensor unary(UnaryOp op, const Tensor& x, DType default_float, const ElemArgs& args = {},
             ElemOut out = {});
// A binary op; either operand may be a scalar (wrapped number).
Tensor binary(BinaryOp op, const Operand& a, const Operand& b, DType default_float,
              ElemArgs args = {}, ElemOut out = {});
Tensor ternary(TernaryOp op, const Operand& a, const Operand& b, const Operand& c,
               DType default_float, const ElemArgs& args = {}, ElemOut out = {});
// +x: x itself (RuntimeError for bool, as PyTorch).
Tensor positive(const Tensor& x);
// clamp(x, min, max): lo / hi may be null (not both), a scalar or a tensor.
Tensor clamp(const Tensor& x, const Operand* lo, const Operand* hi, DType default_float,
             ElemOut out = {});
// where(cond, x, y): cond bool (or uint8), x / y tensors or scalars.
Tensor where(const Tensor& cond, const Operand& x, const Operand& y, DType default_float,
             ElemOut out = {});
// Same shape and equal values (after promotion).
bool equal(const Tensor& a, const Tensor& b);
// isclose(a, b, ...) holds everywhere (a and b broadcast).
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);

// Shorthands for C++ callers (tensor operands, float32 as the default float).
inline Tensor add(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Add, {a.get(), {}}, {b.get(), {}}, DType::Float32);
}
inline Tensor sub(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Sub, {a.get(), {}}, {b.get(), {}}, DType::Float32);
}
inline Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Mul, {a.get(), {}}, {b.get(), {}}, DType::Float32);
}
inline Tensor div(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Div, {a.get(), {}}, {b.get(), {}}, DType::Float32);
}
inline Tensor mul(const Tensor& a, Scalar b) {
  return binary(BinaryOp::Mul, {a.get(), {}}, {nullptr, b}, DType::Float32);
}
inline Tensor neg(const Tensor& x) { return unary(UnaryOp::Neg, x, DType::Float32); }
// ---- end elementwise ----

// ---- reductions (reduce.cpp) ----
// ---- end reductions ----

// ---- shape, copying and indexing ops (index.cpp, join.cpp, sort.cpp, ...) ----
// ---- end shape/index ----

// ---- matmul family (matmul.cpp) ----
// ---- end matmul ----

}  // namespace mt::ops
