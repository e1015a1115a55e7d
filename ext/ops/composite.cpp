// composite.cpp: ops written in terms of other ops and existing kernels,
// with no kernel-table slot of their own: cross / linalg.cross (products
// and differences of the operands' components) and scatter_reduce (the
// index_scatter kernel, Note [Index offsets] in index.cpp).
//
// Shape rules, dtype rules, the order of the checks and the messages are
// PyTorch's. out= wants the result dtype exactly ("Expected out tensor to
// have dtype float, but got double instead") and is resized when its shape
// differs, with PyTorch's deprecation warning when it had elements (mt::warn,
// Note [Warnings] in ext/core/warning.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "../core/warning.h"
#include "ops.h"
#include "out_plan.h"

namespace mt::ops {

namespace {

// Whether two tensors can reach a common byte (Note [Negative strides]).
bool overlaps(const Tensor& a, const Tensor& b) {
  if (a->storage().get() != b->storage().get() || a->numel() == 0 || b->numel() == 0) return false;
  int64_t alo, ahi, blo, bhi;
  reachable_range(a->sizes(), a->strides(), &alo, &ahi);
  reachable_range(b->sizes(), b->strides(), &blo, &bhi);
  const char* a0 = a->data() + alo * a->itemsize();
  const char* a1 = a->data() + (ahi + 1) * a->itemsize();
  const char* b0 = b->data() + blo * b->itemsize();
  const char* b1 = b->data() + (bhi + 1) * b->itemsize();
  return a0 < b1 && b0 < a1;
}

bool same_view(const Tensor& a, const Tensor& b) {
  return a->storage().get() == b->storage().get() && a->data() == b->data() &&
         a->sizes() == b->sizes() && a->strides() == b->strides();
}

[[noreturn]] void overlap_error() {
  MT_THROW(RuntimeError,
           "unsupported operation: some elements of the input tensor and the written-to tensor "
           "refer to a single memory location. Please clone() the tensor before performing the "
           "operation.");
}

Tensor cross_impl(const Tensor& a, const Tensor& b, int64_t dim, const Tensor& out) {
  MT_CHECK(a->dim() == b->dim(), "linalg.cross: inputs must have the same number of dimensions.");
  MT_CHECK_KIND(IndexError, a->dim() > 0, "Dimension specified as ", dim,
                " but tensor has no dimensions");
  const int64_t d = wrap_dim(dim, a->dim());
  MT_CHECK(a->sizes()[d] == 3 && b->sizes()[d] == 3, "linalg.cross: inputs dimension ", dim,
           " must have length 3. Got ", a->sizes()[d], " and ", b->sizes()[d]);
  const Dims shape = broadcast_shapes(a->sizes(), b->sizes());
  MT_CHECK(a->dtype() == b->dtype(), "expected scalar type ", info(a->dtype()).torch_name,
           " but found ", info(b->dtype()).torch_name);
  const DType dt = a->dtype();
  MT_CHECK(a->device() == b->device(),
           "Expected all tensors to be on the same device, but found at least two devices, ",
           a->device().str(), " and ", b->device().str(), "!");
  if (out) check_out_dtype(out, dt);
  MT_CHECK_KIND(NotImplementedError, dt != DType::Bool, "\"cross\" not implemented for 'Bool'");

  // result[i] = a[j] * b[k] - a[k] * b[j] for (i, j, k) cyclic; each
  // component is written into its slice of the result by the binary ops
  // (which broadcast the batch dims). A fresh result, so out= may alias
  // the operands.
  Tensor r = empty(shape, dt, a->device());
  if (r->numel() != 0) {
    for (int64_t i = 0; i < 3; ++i) {
      const int64_t j = (i + 1) % 3, k = (i + 2) % 3;
      Tensor p =
          binary(BinaryOp::Mul, {select(a, d, j).get(), {}}, {select(b, d, k).get(), {}}, dt);
      Tensor q =
          binary(BinaryOp::Mul, {select(a, d, k).get(), {}}, {select(b, d, j).get(), {}}, dt);
      Tensor ri = select(r, d, i);
      binary(BinaryOp::Sub, {p.get(), {}}, {q.get(), {}}, dt, {}, ElemOut{ri.get(), false});
    }
  }
  if (!out) return r;
  plan_out(out, shape, dt, a->device());
  copy_(out, r);
  return out;
}

}  // namespace

Tensor linalg_cross(const Tensor& a, const Tensor& b, int64_t dim, const Tensor& out) {
  return cross_impl(a, b, dim, out);
}

Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim, const Tensor& out) {
  if (dim) return cross_impl(a, b, *dim, out);
  // PyTorch's deprecated default: the first dim of size 3 of `input`.
  warn(
      "Using torch.cross without specifying the dim arg is deprecated.\n"
      "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
      "The default value of dim will change to agree with that of linalg.cross in a future "
      "release.");
  int64_t d = -1;
  for (int64_t i = 0; i < a->dim() && d < 0; ++i)
    if (a->sizes()[i] == 3) d = i;
  MT_CHECK(d >= 0, "no dimension of size 3 in input");
  return cross_impl(a, b, d, out);
}

namespace {

enum class Reduce { Sum, Prod, Mean, Amax, Amin };

Reduce reduce_of(const std::string& s) {
  if (s == "sum") return Reduce::Sum;
  if (s == "prod") return Reduce::Prod;
  if (s == "mean") return Reduce::Mean;
  if (s == "amax" || s == "max") return Reduce::Amax;  // PyTorch takes both spellings
  if (s == "amin" || s == "min") return Reduce::Amin;
  MT_THROW(RuntimeError, "reduce argument must be either sum, prod, mean, amax or amin, got ", s);
}

// The value a reduction starts from where include_self=False.
Scalar identity(Reduce r, DType dt) {
  switch (r) {
    case Reduce::Sum:
    case Reduce::Mean:
      return Scalar::from_int(0);
    case Reduce::Prod:
      return Scalar::from_int(1);
    case Reduce::Amax:
    case Reduce::Amin:
      break;
  }
  const bool lowest = r == Reduce::Amax;
  if (dt == DType::Bool) return Scalar::from_bool(!lowest);
  if (is_floating(dt))
    return Scalar::from_double(lowest ? -std::numeric_limits<double>::infinity()
                                      : std::numeric_limits<double>::infinity());
  Scalar s = Scalar::from_int(0);
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
      s = Scalar::from_int(static_cast<int64_t>(lowest ? std::numeric_limits<T>::lowest()
                                                       : std::numeric_limits<T>::max()));
  });
  return s;
}

}  // namespace

Tensor scatter_reduce(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                      const std::string& reduce, bool include_self, ElemOut out) {
  MT_CHECK(index->dtype() == DType::Int64 || index->dtype() == DType::Int32,
           "scatter(): Expected dtype int32/int64 for index");
  MT_CHECK(self->dtype() == src->dtype(),
           "scatter(): Expected self.dtype to be equal to src.dtype");
  // 0-d tensors count as vectors of one, as in the rest of the scatter family.
  const int64_t nd = std::max<int64_t>(self->dim(), 1);
  const int64_t d = wrap_dim(dim, nd);
  MT_CHECK(std::max<int64_t>(index->dim(), 1) == nd,
           "Index tensor must have the same number of dimensions as self tensor");
  MT_CHECK(std::max<int64_t>(src->dim(), 1) == nd,
           "Index tensor must have the same number of dimensions as src tensor");
  if (index->numel() != 0) {
    auto size = [](const Tensor& t, int64_t i) { return t->dim() == 0 ? 1 : t->sizes()[i]; };
    for (int64_t i = 0; i < nd; ++i)
      MT_CHECK((i == d || size(index, i) <= size(self, i)) && size(index, i) <= size(src, i),
               "Expected index ", index->sizes(), " to be no larger than self ", self->sizes(),
               " apart from dimension ", d, " and to be no larger size than src ", src->sizes());
  }
  const Reduce r = reduce_of(reduce);
  MT_CHECK_KIND(NotImplementedError, !(r == Reduce::Mean && self->dtype() == DType::Bool),
                "\"scatter_gather_tensor_reduce_mean\" not implemented for 'Bool'");

  // The tensor reduced into: self (in place), out= (self copied in), or a copy.
  Tensor res;
  if (out.t) {
    Tensor o(out.t);
    if (!out.inplace) {
      check_out_dtype(o, self->dtype());
      if (overlaps(o, self) && !same_view(o, self)) overlap_error();
    }
    if (overlaps(o, index) || overlaps(o, src)) overlap_error();
    if (!out.inplace) {
      plan_out(o, self->sizes(), self->dtype(), self->device());
      if (!same_view(o, self)) copy_(o, self);
    }
    res = o;
  } else {
    res = clone(self);
  }
  if (index->numel() == 0) return res;
  const Tensor idx =
      index->dtype() == DType::Int64 ? index : to(index, DType::Int64, index->device(), false);

  if (!include_self) scatter_value_(res, d, idx, identity(r, self->dtype()), ScatterOp::Assign);
  switch (r) {
    case Reduce::Sum:
    case Reduce::Mean:
      scatter_(res, d, idx, src, ScatterOp::Add);
      break;
    case Reduce::Prod:
      scatter_(res, d, idx, src, ScatterOp::Multiply);
      break;
    case Reduce::Amax:
      scatter_(res, d, idx, src, ScatterOp::Maximum);
      break;
    case Reduce::Amin:
      scatter_(res, d, idx, src, ScatterOp::Minimum);
      break;
  }
  if (r == Reduce::Mean) {
    // count: how many values each position averages (1 where none landed,
    // so those keep their value); integers divide with floor, as PyTorch.
    Tensor count = full(self->sizes(), Scalar::from_int(1), self->dtype(), self->device());
    if (!include_self) scatter_value_(count, d, idx, Scalar::from_int(0), ScatterOp::Assign);
    scatter_value_(count, d, idx, Scalar::from_int(1), ScatterOp::Add);
    const BinaryOp div = is_floating(self->dtype()) ? BinaryOp::Div : BinaryOp::DivFloor;
    binary(div, {res.get(), {}}, {count.get(), {}}, self->dtype(), {}, ElemOut{res.get(), true});
  }
  return res;
}

}  // namespace mt::ops
