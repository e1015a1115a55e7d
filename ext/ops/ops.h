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
// base ** linspace(start, end, steps), computed in float64 and rounded once.
Tensor logspace(double start, double end, int64_t steps, double base, DType dtype, Device device);
// memory_format= of empty and the *_like functions (PyTorch's names).
enum class MemoryFormat : uint8_t { Preserve, Contiguous, ChannelsLast, ChannelsLast3d };
// "contiguous_format", "preserve_format", "channels_last", "channels_last_3d"
// -> a MemoryFormat value; RuntimeError for another name.
int64_t parse_memory_format(const char* name);
// The strides an `empty(sizes, memory_format=fmt)` has (Preserve is an error).
Dims format_strides(const Dims& sizes, MemoryFormat fmt);
// PyTorch's preserve_format: the strides a *_like result takes. A dense,
// non-overlapping input with positive strides (a permutation of a contiguous
// layout: t.t(), t.permute(...)) gives its own strides, anything else
// (slices, expanded or flipped views) the contiguous ones.
Dims preserved_strides(const TensorImpl& t);
// A new tensor with the given strides (dense: they must be a permutation of
// contiguous ones).
Tensor empty_strided_dense(const Dims& sizes, const Dims& strides, DType dtype, Device device);
// The uninitialised result of a *_like function: like's sizes, the strides
// `fmt` gives them (Preserve: preserved_strides(like)).
Tensor empty_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt);
// out= of a factory: the dtype the result takes (dtype= when given, which must
// then be out's, else out's), and out resized to `sizes` (its strides kept when
// the shape already matches, as in PyTorch).
// rand/randn/randint with empty_like's layout (values fill memory in order).
Tensor rand_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt);
Tensor randn_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt);
Tensor randint_like(const TensorImpl& like, int64_t low, int64_t high, DType dtype, Device device,
                    MemoryFormat fmt);
DType factory_out_dtype(const TensorImpl& out, const std::optional<DType>& dtype);
void resize_out(const Tensor& out, const Dims& sizes);

// ---- copy and conversion (copy.cpp) ----
// dst[...] = src broadcast to dst's shape, converting dtype. In place on dst.
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, Scalar value);
// RuntimeError "value cannot be converted to type int8_t without overflow"
// when v does not survive c10's checked conversion to dt (Scalar::
// overflows_checked): masked_fill, index_fill and clamp's scalar bounds.
void check_scalar_converts(const Scalar& v, DType dt);
// The C type PyTorch names in that message ("int8_t", "int", "c10::Half").
const char* overflow_type_name(DType dt);
Tensor clone(const Tensor& t);
Tensor contiguous(const Tensor& t);
// Tensor.clone(memory_format=...) and Tensor.contiguous(memory_format=...):
// see Note [Preserve format] in copy.cpp.
Tensor clone(const Tensor& t, MemoryFormat fmt);
Tensor contiguous(const Tensor& t, MemoryFormat fmt);
// Tensor.is_contiguous(memory_format=...): preserve_format checks as
// contiguous_format (as PyTorch); size-1 dims may have any stride.
bool is_contiguous_as(const TensorImpl& t, MemoryFormat fmt);
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
// A new tensor viewing exactly t's data (same storage, sizes, strides,
// offset, and so the same version counter). Unlike detach, autograd will
// treat it as a differentiable view: x[...], x[()] and t() of a 1-d tensor.
Tensor alias(const Tensor& t);
// Reinterprets t's bytes as another dtype of the same item size (view(dtype)).
Tensor view_dtype(const Tensor& t, DType dtype);

// In-place metadata changes (shape.cpp): each checks its arguments, then
// re-points self at the new geometry; on any error self is unchanged. They
// never write data, so the version counter stays. Storage shared with a live
// NumPy export is never reallocated (Note [Storage export]).
void squeeze_(const Tensor& self, std::optional<int64_t> dim);
void squeeze_dims_(const Tensor& self, const Dims& dims);
void unsqueeze_(const Tensor& self, int64_t dim);
void transpose_(const Tensor& self, int64_t d0, int64_t d1);
void t_(const Tensor& self);  // <= 2 dims
void as_strided_(const Tensor& self, const Dims& sizes, const Dims& strides,
                 std::optional<int64_t> offset);
void resize_(const Tensor& self, const Dims& sizes);
// set_(): an empty storage on self's device; set_(source): source's storage
// and view; set_(source, offset, size, stride): source's storage with that view.
void set_(const Tensor& self);
void set_(const Tensor& self, const Tensor& source);
void set_(const Tensor& self, const Tensor& source, int64_t offset, const Dims& sizes,
          const Dims& strides);
// t.data = source: source's storage, view and dtype.
void set_data(const Tensor& self, const Tensor& source);
Dims infer_size(const Dims& sizes, int64_t numel);
// minitorch.broadcast_shapes: the shape all `shapes` broadcast to, with
// PyTorch's messages (negative sizes, "Mismatch is between arg ...").
Dims broadcast_shapes(const std::vector<Dims>& shapes);

// ---- elementwise (unary.cpp, binary.cpp, ternary.cpp) ----
// The op enums and ElemArgs are in ext/core/elementwise_ops.h. Every entry point
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
Tensor prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype,
            Tensor out = {});
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
Tensor var(const Tensor& t, const OptDims& dim, double correction, bool keepdim, Tensor out = {});
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
// More views (shape.cpp); all share storage.
Tensor squeeze_dims(const Tensor& t, const Dims& dims);  // drops the listed dims of size 1
Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim);
Tensor unflatten(const Tensor& t, int64_t dim, const Dims& sizes);
Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination);
Tensor diagonal(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2);
std::vector<Tensor> unbind(const Tensor& t, int64_t dim);
std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim);
std::vector<Tensor> split_with_sizes(const Tensor& t, const Dims& sizes, int64_t dim);
std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim);
std::vector<Tensor> tensor_split(const Tensor& t, int64_t sections, int64_t dim);
std::vector<Tensor> tensor_split_indices(const Tensor& t, const Dims& indices, int64_t dim);
Dims broadcast_shapes_all(const std::vector<Dims>& shapes);
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts);

// Copying ops (join.cpp): each returns a new tensor.
Tensor cat(const std::vector<Tensor>& ts, int64_t dim);
Tensor stack(const std::vector<Tensor>& ts, int64_t dim);
Tensor roll(const Tensor& t, const Dims& shifts, const Dims& dims);
Tensor rot90(const Tensor& t, int64_t k, const Dims& dims);
Tensor repeat(const Tensor& t, const Dims& repeats);
Tensor tile(const Tensor& t, const Dims& reps);
Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim);
Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim);
Tensor repeat_interleave_index(const Tensor& repeats);  // repeat_interleave(repeats)
Tensor tril(const Tensor& t, int64_t diagonal);
Tensor triu(const Tensor& t, int64_t diagonal);
void tril_(const Tensor& t, int64_t diagonal);
void triu_(const Tensor& t, int64_t diagonal);
Tensor diag(const Tensor& t, int64_t diagonal);
Tensor diag_embed(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2);
// Host round trips for the few ops whose result shape depends on values.
std::vector<int64_t> to_host_int64(const Tensor& t);
Tensor from_host_int64(const std::vector<int64_t>& v, Device device);

// Indexing (index.cpp). See Note [Index offsets] there.
using ScatterOp = KernelTable::ScatterOp;
// Advanced indexing as aten::index: indices[i] indexes dim i of self (a null
// Tensor leaves that dim whole); a bool (or uint8) tensor of k dims indexes k
// dims at once, as its nonzero() positions. Result shape: PyTorch's rules.
Tensor index(const Tensor& self, const std::vector<Tensor>& indices);

// Index plans (index_plan.cpp): x[index] / x[index] = v with the Python
// index already converted to plain C++ by the glue, one IndexItem per item.
struct IndexItem {
  enum class Kind : int8_t { None, Ellipsis, Int, Slice, Bool, Tensor };
  Kind kind = Kind::None;
  int64_t value = 0;                   // Int
  std::optional<int64_t> start, stop;  // Slice (nullopt: None)
  int64_t step = 1;                    // Slice
  bool flag = false;                   // Bool (a Python or 0-d bool)
  Tensor tensor;                       // Tensor: integer/bool/uint8 index, dim >= 1
};
// A tensor given as an index item: IndexError for floating dtypes; an empty
// float tensor (x[[]]) becomes an empty int64 index; a 0-d bool/uint8 tensor
// is a Bool item and a 0-d integer tensor an Int item.
IndexItem index_item_from_tensor(const Tensor& t);
// The basic-indexing view (always a new tensor, an alias for x[...]) plus,
// when advanced items were present, one index tensor per view dim (null =
// whole dim) for index / index_put_. Expands the ellipsis, checks bounds
// (IndexError, with PyTorch's messages), turns bools into a size-1 dim
// indexed by [0] or [].
struct BasicIndex {
  Tensor view;
  std::vector<Tensor> adv;
  bool has_adv = false;
};
BasicIndex basic_index(const Tensor& self, const IndexItem* items, int64_t n);
void index_put_(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values,
                bool accumulate);
Tensor gather(const Tensor& self, int64_t dim, const Tensor& index);
void scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
              ScatterOp op);
void scatter_value_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value,
                    ScatterOp op);
Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index);
void index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                Scalar alpha);
void index_copy_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source);
void index_fill_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value);
void masked_fill_(const Tensor& self, const Tensor& mask, Scalar value);
Tensor masked_fill(const Tensor& self, const Tensor& mask, Scalar value);
Tensor masked_select(const Tensor& self, const Tensor& mask);
void masked_scatter_(const Tensor& self, const Tensor& mask, const Tensor& source);
// Out of place: self broadcast with mask, then masked_scatter_.
Tensor masked_scatter(const Tensor& self, const Tensor& mask, const Tensor& source);
Tensor take(const Tensor& self, const Tensor& index);
Tensor nonzero(const Tensor& self);  // [count, ndim] int64
Tensor one_hot(const Tensor& self, int64_t num_classes);

// Sorting and searching (sort.cpp).
struct ValuesIndices {
  Tensor values, indices;
};
ValuesIndices sort(const Tensor& self, int64_t dim, bool descending);
ValuesIndices topk(const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted);
ValuesIndices kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim);
struct UniqueResult {
  Tensor values, inverse, counts;
};
UniqueResult unique(const Tensor& self, std::optional<int64_t> dim);
// sorter may be null.
Tensor searchsorted(const Tensor& seq, const Tensor& values, bool out_int32, bool right,
                    const Tensor& sorter);
Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool out_int32, bool right);
// ---- end shape/index ----

// ---- matmul family (matmul.cpp) ----
// `out` may be null (a new result); otherwise the result is written there,
// resizing it when its shape differs (PyTorch's out= rule).
// The building block: c = beta*c + alpha*a@b, a (..., m, k), b (..., k, n),
// c (..., m, n), all with the same batch sizes (a and b may be expanded views).
void gemm_into(const Tensor& c, const Tensor& a, const Tensor& b, Scalar alpha, Scalar beta);
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
Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha,
             const Tensor& out = {});
Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha,
               const Tensor& out = {});
// In place on self (returned); self must already have the result's shape.
Tensor addmm_(const Tensor& self, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha);
Tensor addmv_(const Tensor& self, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha);
Tensor baddbmm_(const Tensor& self, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha);
// dims_a[i] of a is contracted with dims_b[i] of b; the int form contracts the
// last `dims` dims of a with the first `dims` of b.
Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b,
                 const Tensor& out = {});
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims, const Tensor& out = {});
// einsum.cpp: NumPy/PyTorch equation syntax ("ij,jk->ik", "...", implicit output).
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);
// ---- end matmul ----

// ---- composite ops (composite.cpp): built on the ops above, no kernel of their own ----
// linalg.cross: a x b along dim (size 3 in both), batch dims broadcast; one dtype.
Tensor linalg_cross(const Tensor& a, const Tensor& b, int64_t dim, const Tensor& out = {});
// torch.cross: without dim, the first dim of size 3 of `a` and a deprecation warning.
Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim, const Tensor& out = {});
// scatter_reduce(self, dim, index, src, reduce in sum/prod/mean/amax/amin,
// include_self): into a copy of self, into out.t (out=), or into self
// (out.inplace, out.t == self).
Tensor scatter_reduce(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                      const std::string& reduce, bool include_self, ElemOut out = {});
// The C++ type name PyTorch prints for a dtype ("float", "long int", "c10::Half").
// ---- end composite ----

// ---- fused optimizer steps (optim.cpp, Note [Fused optimizer steps]) ----
// One SGD / Adam(W) / RMSprop / Adagrad / Adamax / NAdam / RAdam step over a
// parameter group, in place. bufs (SGD, used
// only with momentum) and the Adam state lists hold one tensor per parameter,
// of its shape, dtype and device; max_exp_avg_sqs only with amsgrad. steps:
// 0-d float32 CPU tensors, each bumped by one. AdamStep's per-tensor fields
// (step_size, bc2_sqrt, decay) are worked out here from the step counts, and
// so are those of the other rules. mu_products (NAdam): 0-d float32 CPU
// tensors, each multiplied by this step's momentum factor.
void fused_sgd_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                const std::vector<Tensor>& bufs, const SgdStep& s);
void fused_adam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                 const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                 const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<Tensor>& steps,
                 const AdamStep& opts);
void fused_rmsprop_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& square_avgs, const std::vector<Tensor>& grad_avgs,
                    const std::vector<Tensor>& momentum_buffers, const std::vector<Tensor>& steps,
                    const RmspropStep& s);
void fused_adagrad_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& state_sums, const std::vector<Tensor>& steps,
                    const AdagradStep& opts);
void fused_adamax_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                   const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_infs,
                   const std::vector<Tensor>& steps, const AdamaxStep& opts);
void fused_nadam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& mu_products, const std::vector<Tensor>& steps,
                  const NadamStep& opts);
void fused_radam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& steps, const RadamStep& opts);

}  // namespace mt::ops
