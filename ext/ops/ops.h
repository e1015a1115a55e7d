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
// Dim lists: nullopt or an empty list reduces every dim (PyTorch's rule);
// dims may be negative; a repeated dim is a RuntimeError. `out`, when not
// null, receives the result (resized when its shape differs) and is
// returned; ops whose result dtype follows `dtype=` take it from `out` too.
// Result dtypes follow PyTorch: sum/nansum/prod/cumsum/cumprod of integers
// and bool give int64; mean/var/norm/softmax need floating input.
using OptDims = std::optional<Dims>;
Tensor sum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
           Tensor out = {});
Tensor nansum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
              Tensor out = {});
Tensor mean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
            Tensor out = {});
Tensor nanmean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
               Tensor out = {});
Tensor prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim,
            std::optional<DType> dtype, Tensor out = {});
// amax/amin: an empty `dim` reduces every dim.
Tensor amax(const Tensor& t, const Dims& dim, bool keepdim, Tensor out = {});
Tensor amin(const Tensor& t, const Dims& dim, bool keepdim, Tensor out = {});
Tensor max(const Tensor& t);  // over every element: a 0-d tensor
Tensor min(const Tensor& t);
// (values, int64 indices) along dim; the first maximum (or first NaN) wins.
std::pair<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim, Tensor values = {},
                              Tensor indices = {});
std::pair<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim, Tensor values = {},
                              Tensor indices = {});
std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim,
                                  Tensor min_out = {}, Tensor max_out = {});
// dim nullopt: index into the flattened tensor.
Tensor argmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim, Tensor out = {});
Tensor argmin(const Tensor& t, std::optional<int64_t> dim, bool keepdim, Tensor out = {});
Tensor all(const Tensor& t, const OptDims& dim, bool keepdim, Tensor out = {});
Tensor any(const Tensor& t, const OptDims& dim, bool keepdim, Tensor out = {});
Tensor count_nonzero(const Tensor& t, const OptDims& dim);
// Divisor max(0, N - correction).
Tensor var(const Tensor& t, const OptDims& dim, double correction, bool keepdim,
           Tensor out = {});
Tensor stddev(const Tensor& t, const OptDims& dim, double correction, bool keepdim,
              Tensor out = {});
std::pair<Tensor, Tensor> var_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim);
std::pair<Tensor, Tensor> std_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim);
// linalg.vector_norm: ord = inf, -inf, 0, 1, 2 or any other p.
Tensor vector_norm(const Tensor& t, double ord, const OptDims& dim, bool keepdim,
                   std::optional<DType> dtype, Tensor out = {});
// Integral and bool inputs compute in `default_float`.
Tensor logsumexp(const Tensor& t, const Dims& dim, bool keepdim, DType default_float,
                 Tensor out = {});
Tensor cumsum(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out = {});
Tensor cumprod(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out = {});
std::pair<Tensor, Tensor> cummax(const Tensor& t, int64_t dim, Tensor values = {},
                                 Tensor indices = {});
std::pair<Tensor, Tensor> cummin(const Tensor& t, int64_t dim, Tensor values = {},
                                 Tensor indices = {});
// The input is first converted to `dtype` when given.
Tensor softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype);
Tensor log_softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype);
// ---- end reductions ----

// ---- shape, copying and indexing ops (index.cpp, join.cpp, sort.cpp, ...) ----
// ---- end shape/index ----

// ---- matmul family (matmul.cpp) ----
// ---- end matmul ----

}  // namespace mt::ops
