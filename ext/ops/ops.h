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

// ---- elementwise (unary.cpp, binary.cpp) ----
// ---- end elementwise ----

// ---- reductions (reduce.cpp) ----
// ---- end reductions ----

// ---- shape, copying and indexing ops (index.cpp, join.cpp, sort.cpp, ...) ----
// ---- end shape/index ----

// ---- matmul family (matmul.cpp) ----
// `out` may be null (a new result); otherwise the result is written there,
// resizing it when its shape differs (PyTorch's out= rule).
// The building block: c = beta*c + alpha*a@b, a (..., m, k), b (..., k, n),
// c (..., m, n), all with the same batch sizes (a and b may be expanded views).
void gemm_into(const Tensor& c, const Tensor& a, const Tensor& b, Scalar alpha, Scalar beta);
// `out` resized to `sizes` (checked writable and on `device`), or a new tensor.
Tensor result_for(const Tensor& out, const Dims& sizes, DType dtype, Device device);
Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor mm(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor bmm(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor mv(const Tensor& mat, const Tensor& vec, const Tensor& out = {});
Tensor dot(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor vdot(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor inner(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor outer(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha,
             const Tensor& out = {});
Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, Scalar beta,
             Scalar alpha, const Tensor& out = {});
Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, Scalar beta,
               Scalar alpha, const Tensor& out = {});
// In place on self (returned); self must already have the result's shape.
Tensor addmm_(const Tensor& self, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha);
Tensor addmv_(const Tensor& self, const Tensor& mat, const Tensor& vec, Scalar beta,
              Scalar alpha);
Tensor baddbmm_(const Tensor& self, const Tensor& b1, const Tensor& b2, Scalar beta,
                Scalar alpha);
// dims_a[i] of a is contracted with dims_b[i] of b; the int form contracts the
// last `dims` dims of a with the first `dims` of b.
Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b,
                 const Tensor& out = {});
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims, const Tensor& out = {});
// einsum.cpp: NumPy/PyTorch equation syntax ("ij,jk->ik", "...", implicit output).
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);
// ---- end matmul ----

}  // namespace mt::ops
