// autograd.h: the differentiable API the Python glue calls.
//
// Each differentiable op here calls ext/ops and, when grad mode is on and an
// input requires grad, records a graph node (Note [Autograd graph] in
// node.h). Ops without a formula yet pass straight through to ext/ops.
#pragma once

#include "../ops/ops.h"

namespace mt::ag {

// Grad mode is thread-local, as in PyTorch (no_grad in one thread does not
// affect another).
bool grad_enabled();
void set_grad_enabled(bool enabled);

// ---- differentiable ops (functions_<family>.cpp) ----
// Same signatures as their ops:: counterparts. Each calls ops:: and, when
// grad mode is on and an input requires grad, records a node (node.h).
// Elementwise (functions_elementwise.cpp).
Tensor unary(UnaryOp op, const Tensor& x, DType default_float, const ElemArgs& args = {},
             ops::ElemOut out = {});
Tensor binary(BinaryOp op, const ops::Operand& a, const ops::Operand& b, DType default_float,
              ElemArgs args = {}, ops::ElemOut out = {});
Tensor ternary(TernaryOp op, const ops::Operand& a, const ops::Operand& b, const ops::Operand& c,
               DType default_float, const ElemArgs& args = {}, ops::ElemOut out = {});
Tensor clamp(const Tensor& x, const ops::Operand* lo, const ops::Operand* hi, DType default_float,
             ops::ElemOut out = {});
Tensor where(const Tensor& cond, const ops::Operand& x, const ops::Operand& y, DType default_float,
             ops::ElemOut out = {});
// Reductions (functions_reduce.cpp).
Tensor sum(const Tensor& t, const ops::OptDims& dim, bool keepdim, std::optional<DType> dtype,
           Tensor out = {});
Tensor mean(const Tensor& t, const ops::OptDims& dim, bool keepdim, std::optional<DType> dtype,
            Tensor out = {});
Tensor softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype);
Tensor log_softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype);
Tensor logsumexp(const Tensor& t, const Dims& dim, bool keepdim, DType default_float,
                 Tensor out = {});
Tensor amax(const Tensor& t, const Dims& dim, bool keepdim, Tensor out = {});
Tensor amin(const Tensor& t, const Dims& dim, bool keepdim, Tensor out = {});
Tensor max(const Tensor& t);
Tensor min(const Tensor& t);
std::pair<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim, Tensor values = {},
                              Tensor indices = {});
std::pair<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim, Tensor values = {},
                              Tensor indices = {});
Tensor var(const Tensor& t, const ops::OptDims& dim, double correction, bool keepdim,
           Tensor out = {});
Tensor stddev(const Tensor& t, const ops::OptDims& dim, double correction, bool keepdim,
              Tensor out = {});
Tensor cumsum(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out = {});
// Shape, copy and index ops (functions_shape.cpp).
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, Scalar value);
Tensor clone(const Tensor& t);
Tensor contiguous(const Tensor& t);
Tensor clone(const Tensor& t, ops::MemoryFormat fmt);
Tensor contiguous(const Tensor& t, ops::MemoryFormat fmt);
Tensor to(const Tensor& t, DType dtype, Device device, bool copy);
Tensor view(const Tensor& t, const Dims& sizes);
Tensor reshape(const Tensor& t, const Dims& sizes);
Tensor transpose(const Tensor& t, int64_t d0, int64_t d1);
// t(): transpose(0, 1) of a 2-d tensor (TBackward0), an alias of a 0/1-d one.
Tensor t(const Tensor& t);
Tensor permute(const Tensor& t, const Dims& dims);
Tensor expand(const Tensor& t, const Dims& sizes);
Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& t, int64_t dim, int64_t index);
Tensor unsqueeze(const Tensor& t, int64_t dim);
Tensor squeeze(const Tensor& t, std::optional<int64_t> dim);
Tensor squeeze_dims(const Tensor& t, const Dims& dims);
Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim);
Tensor unflatten(const Tensor& t, int64_t dim, const Dims& sizes);
Tensor alias(const Tensor& t);
Tensor cat(const std::vector<Tensor>& ts, int64_t dim);
Tensor stack(const std::vector<Tensor>& ts, int64_t dim);
ops::BasicIndex basic_index(const Tensor& self, const ops::IndexItem* items, int64_t n);
Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& self, int64_t dim, const Tensor& index);
Tensor masked_fill(const Tensor& self, const Tensor& mask, Scalar value);
// Matmul family (functions_matmul.cpp).
Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor mm(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor bmm(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor mv(const Tensor& mat, const Tensor& vec, const Tensor& out = {});
Tensor dot(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor outer(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha,
             const Tensor& out = {});
// ---- agmore ----
// functions_reduce2.cpp
Tensor prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype,
            Tensor out = {});
Tensor nansum(const Tensor& t, const ops::OptDims& dim, bool keepdim, std::optional<DType> dtype,
              Tensor out = {});
Tensor nanmean(const Tensor& t, const ops::OptDims& dim, bool keepdim, std::optional<DType> dtype,
               Tensor out = {});
Tensor vector_norm(const Tensor& t, double ord, const ops::OptDims& dim, bool keepdim,
                   std::optional<DType> dtype, Tensor out = {});
std::pair<Tensor, Tensor> var_mean(const Tensor& t, const ops::OptDims& dim, double correction,
                                   bool keepdim);
std::pair<Tensor, Tensor> std_mean(const Tensor& t, const ops::OptDims& dim, double correction,
                                   bool keepdim);
Tensor cumprod(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out = {});
std::pair<Tensor, Tensor> cummax(const Tensor& t, int64_t dim, Tensor values = {},
                                 Tensor indices = {});
std::pair<Tensor, Tensor> cummin(const Tensor& t, int64_t dim, Tensor values = {},
                                 Tensor indices = {});
std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim,
                                  Tensor min_out = {}, Tensor max_out = {});
// functions_matmul2.cpp
Tensor vdot(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor inner(const Tensor& a, const Tensor& b, const Tensor& out = {});
Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha,
             const Tensor& out = {});
Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha,
               const Tensor& out = {});
Tensor addmm_(const Tensor& self, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha);
Tensor addmv_(const Tensor& self, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha);
Tensor baddbmm_(const Tensor& self, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha);
Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b,
                 const Tensor& out = {});
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims, const Tensor& out = {});
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);

// ---- agindex ----
// Advanced indexing, scatter/index_*/masked_*/take, sort values
// (functions_index.cpp).
Tensor index(const Tensor& self, const std::vector<Tensor>& indices);
void index_put_(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values,
                bool accumulate);
// x[items] = value, after basic_index gave r (value already converted to x's
// dtype): records CopySlices (IndexPutBackward0 for tensor-only items) on self.
void setitem_(const Tensor& self, const std::vector<ops::IndexItem>& items,
              const ops::BasicIndex& r, const Tensor& value);
void scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
              ops::ScatterOp op);
void scatter_value_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value,
                    ops::ScatterOp op);
void index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                Scalar alpha);
void index_copy_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source);
void index_fill_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value);
void masked_fill_(const Tensor& self, const Tensor& mask, Scalar value);
// masked_fill with a 0-d value tensor that may require grad (MaskedFillBackward1).
void masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value);
Tensor masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value);
void masked_scatter_(const Tensor& self, const Tensor& mask, const Tensor& source);
Tensor masked_scatter(const Tensor& self, const Tensor& mask, const Tensor& source);
Tensor masked_select(const Tensor& self, const Tensor& mask);
Tensor take(const Tensor& self, const Tensor& index);
ops::ValuesIndices sort(const Tensor& self, int64_t dim, bool descending);
ops::ValuesIndices topk(const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted);
ops::ValuesIndices kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim);
// Reordering, repeating, triangles, diagonals, splits, in-place metadata
// changes (functions_shape2.cpp).
Tensor flip(const Tensor& t, const Dims& dims);
Tensor roll(const Tensor& t, const Dims& shifts, const Dims& dims);
Tensor rot90(const Tensor& t, int64_t k, const Dims& dims);
Tensor repeat(const Tensor& t, const Dims& repeats);
Tensor tile(const Tensor& t, const Dims& reps);
Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim);
Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim);
Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination);
Tensor tril(const Tensor& t, int64_t diagonal);
Tensor triu(const Tensor& t, int64_t diagonal);
void tril_(const Tensor& t, int64_t diagonal);
void triu_(const Tensor& t, int64_t diagonal);
Tensor diag(const Tensor& t, int64_t diagonal);
Tensor diag_embed(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2);
Tensor diagonal(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2);
std::vector<Tensor> unbind(const Tensor& t, int64_t dim);
std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim);
std::vector<Tensor> split_with_sizes(const Tensor& t, const Dims& sizes, int64_t dim);
std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim);
std::vector<Tensor> tensor_split(const Tensor& t, int64_t sections, int64_t dim);
std::vector<Tensor> tensor_split_indices(const Tensor& t, const Dims& indices, int64_t dim);
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts);
Tensor as_strided(const Tensor& t, const Dims& sizes, const Dims& strides,
                  std::optional<int64_t> offset);
void squeeze_(const Tensor& self, std::optional<int64_t> dim);
void squeeze_dims_(const Tensor& self, const Dims& dims);
void unsqueeze_(const Tensor& self, int64_t dim);
void transpose_(const Tensor& self, int64_t d0, int64_t d1);
void t_(const Tensor& self);

// Fused optimizer steps (functions_optim.cpp): ops::fused_sgd_/fused_adam_/...,
// refused while they would be recorded (grad mode on and a parameter that
// requires grad), with PyTorch's in-place-on-a-leaf error.
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

// Everything else passes through to ops:: for now: see the file comment. Qualified lookup (ag::add)
// finds a function declared in ag itself before it follows this directive,
// so defining ag::add later overrides the pass-through with no other change.
using namespace ::mt::ops;

}  // namespace mt::ag
