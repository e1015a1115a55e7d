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

// Everything else passes through to ops:: for now: see the file comment. Qualified lookup (ag::add)
// finds a function declared in ag itself before it follows this directive,
// so defining ag::add later overrides the pass-through with no other change.
using namespace ::mt::ops;

}  // namespace mt::ag
