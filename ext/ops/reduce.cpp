// reduce.cpp: reductions, scans and softmax, for every device.
//
// Each op checks its arguments with PyTorch's exception classes and wording,
// settles the result dtype (PyTorch's rules: integer sums in int64, mean and
// friends floating only, `dtype=` converts the input first), allocates or
// resizes the result, builds a ReducePlan (Note [Reduction plan] in
// ext/core/reduce_plan.h) and calls the device's reduce/scan/softmax kernel.
// A kernel supports only a few (input, output) dtype pairs per kind (listed in
// reduce_plan.h); anything else is converted here first, so kernels stay
// small.
#include <cmath>

#include "../core/reduce_plan.h"
#include "ops.h"
#include "out_plan.h"

namespace mt::ops {
namespace {

const char* tname(DType d) { return info(d).torch_name; }

// 1 for every reduced dim. nullopt or an empty list: every dim.
Dims reduce_mask(const TensorImpl& t, const OptDims& dim) {
  const int64_t nd = t.dim();
  if (!dim || dim->empty()) return Dims(nd, 1);
  // A 0-d tensor accepts dim 0 / -1 (once) and has nothing to reduce.
  Dims mask(std::max<int64_t>(nd, 1), 0);
  for (int64_t d : *dim) {
    int64_t w = wrap_dim(d, nd);
    MT_CHECK(!mask[w], "dim ", w, " appears multiple times in the list of dims");
    mask[w] = 1;
  }
  if (nd == 0) return Dims{};
  return mask;
}

Dims one_dim_mask(const TensorImpl& t, int64_t dim) {
  int64_t w = wrap_dim(dim, t.dim());
  Dims mask(t.dim(), 0);
  if (t.dim()) mask[w] = 1;
  return mask;
}

Dims reduced_shape(const Dims& sizes, const Dims& mask, bool keepdim) {
  Dims out;
  for (int64_t d = 0; d < sizes.size(); ++d) {
    if (!mask[d])
      out.push_back(sizes[d]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

// Appends a dim (innermost first) to a stride list, merging it into the
// previous one when every operand stays linear over the pair.
void push_dim(Dims& sizes, Dims* const* strides, const int64_t* s, int nops, int64_t size) {
  if (size == 1) return;
  if (!sizes.empty()) {
    int64_t last = sizes.size() - 1;
    bool merge = true;
    for (int k = 0; k < nops && merge; ++k) merge = s[k] == (*strides[k])[last] * sizes[last];
    if (merge) {
      sizes[last] *= size;
      return;
    }
  }
  sizes.push_back(size);
  for (int k = 0; k < nops; ++k) strides[k]->push_back(s[k]);
}

// Plan for a reduction of `in` over `mask` into outputs shaped
// reduced_shape(in.sizes(), mask, keepdim).
ReducePlan make_plan(const TensorImpl& in, const Dims& mask, bool keepdim, const TensorImpl* o0,
                     const TensorImpl* o1 = nullptr) {
  ReducePlan p;
  p.in = in.data();
  p.in_dtype = in.dtype();
  const TensorImpl* outs[2] = {o0, o1};
  p.nout = o1 ? 2 : 1;
  for (int k = 0; k < p.nout; ++k) {
    p.out[k] = outs[k]->data();
    p.out_dtype[k] = outs[k]->dtype();
  }
  const int64_t nd = in.dim();
  // j walks the output dims from the back: every input dim has one with
  // keepdim, only the kept ones without.
  int64_t j = nd;
  if (!keepdim)
    for (int64_t m : mask) j -= m;
  Dims* outer_strides[3] = {&p.outer_in, &p.outer_out[0], &p.outer_out[1]};
  Dims* inner_strides[1] = {&p.inner_in};
  for (int64_t d = nd - 1; d >= 0; --d) {
    const int64_t size = in.sizes()[d];
    if (mask[d]) {
      if (keepdim) --j;
      int64_t s = in.strides()[d] * in.itemsize();
      push_dim(p.inner, inner_strides, &s, 1, size);
    } else {
      --j;
      int64_t s[3] = {in.strides()[d] * in.itemsize(), 0, 0};
      for (int k = 0; k < p.nout; ++k) s[k + 1] = outs[k]->strides()[j] * outs[k]->itemsize();
      push_dim(p.outer, outer_strides, s, 1 + p.nout, size);
    }
  }
  p.outer_numel = numel_of(p.outer);
  p.inner_numel = numel_of(p.inner);
  return p;
}

// Plan for a scan/softmax along `dim`; outputs have the input's shape.
ReducePlan make_line_plan(const TensorImpl& in, int64_t dim, const TensorImpl* o0,
                          const TensorImpl* o1 = nullptr) {
  ReducePlan p;
  p.in = in.data();
  p.in_dtype = in.dtype();
  const TensorImpl* outs[2] = {o0, o1};
  p.nout = o1 ? 2 : 1;
  for (int k = 0; k < p.nout; ++k) {
    p.out[k] = outs[k]->data();
    p.out_dtype[k] = outs[k]->dtype();
  }
  const int64_t nd = in.dim();
  if (nd == 0) {
    p.inner = Dims{1};
    p.inner_in = Dims{0};
    for (int k = 0; k < p.nout; ++k) p.inner_out[k] = Dims{0};
  } else {
    p.inner = Dims{in.sizes()[dim]};
    p.inner_in = Dims{in.strides()[dim] * in.itemsize()};
    for (int k = 0; k < p.nout; ++k)
      p.inner_out[k] = Dims{outs[k]->strides()[dim] * outs[k]->itemsize()};
  }
  Dims* outer_strides[3] = {&p.outer_in, &p.outer_out[0], &p.outer_out[1]};
  for (int64_t d = nd - 1; d >= 0; --d) {
    if (d == dim) continue;
    int64_t s[3] = {in.strides()[d] * in.itemsize(), 0, 0};
    for (int k = 0; k < p.nout; ++k) s[k + 1] = outs[k]->strides()[d] * outs[k]->itemsize();
    push_dim(p.outer, outer_strides, s, 1 + p.nout, in.sizes()[d]);
  }
  p.outer_numel = numel_of(p.outer);
  p.inner_numel = numel_of(p.inner);
  return p;
}

// The dtype a result takes when dtype= and out= may both choose it.
DType chosen_dtype(DType natural, std::optional<DType> dtype, const Tensor& out) {
  if (dtype) {
    check_out_dtype(out, *dtype);
    return *dtype;
  }
  return out ? out->dtype() : natural;
}

ReduceArgs args_of(ReduceKind kind) {
  ReduceArgs a;
  a.kind = kind;
  return a;
}

void run_reduce(const char* name, const Tensor& in, const ReducePlan& p, const ReduceArgs& a) {
  need(kernel_table(in->device().type).reduce, name, in->device())(p, a);
}

// One-output reduction of `in` (already of a dtype the kernel takes) into
// a `dt` result.
Tensor reduce1(const char* name, const ReduceArgs& a, const Tensor& in, const Dims& mask,
               bool keepdim, DType dt, const Tensor& out) {
  Tensor r = plan_out(out, reduced_shape(in->sizes(), mask, keepdim), dt, in->device());
  run_reduce(name, in, make_plan(*in, mask, keepdim, r.get()), a);
  return r;
}

std::pair<Tensor, Tensor> reduce2(const char* name, const ReduceArgs& a, const Tensor& in,
                                  const Dims& mask, bool keepdim, DType dt0, DType dt1,
                                  const Tensor& out0, const Tensor& out1) {
  Dims shape = reduced_shape(in->sizes(), mask, keepdim);
  Tensor r0 = plan_out(out0, shape, dt0, in->device());
  Tensor r1 = plan_out(out1, shape, dt1, in->device());
  run_reduce(name, in, make_plan(*in, mask, keepdim, r0.get(), r1.get()), a);
  return {r0, r1};
}

// Sum-like kinds take an integral/bool input with an int64 output, or equal
// dtypes; any other pair converts the input to the result dtype first.
Tensor sum_input(const Tensor& t, DType rdt) {
  if (rdt == t->dtype() || (rdt == DType::Int64 && is_integral(t->dtype(), true))) return t;
  return to(t, rdt, t->device(), false);
}

DType int64_if_integral(DType d) { return is_integral(d, true) ? DType::Int64 : d; }

Tensor sum_like(const char* name, ReduceKind kind, const Tensor& t, const OptDims& dim,
                bool keepdim, std::optional<DType> dtype, const Tensor& out) {
  Dims mask = reduce_mask(*t, dim);
  DType rdt = chosen_dtype(int64_if_integral(t->dtype()), dtype, out);
  if (kind == ReduceKind::NanSum && !is_floating(rdt)) kind = ReduceKind::Sum;
  return reduce1(name, args_of(kind), sum_input(t, rdt), mask, keepdim, rdt, out);
}

// PyTorch's zero-size checks for reductions without an identity.
void check_nonempty(const char* name, const TensorImpl& t, const Dims& mask, bool dims_given,
                    bool index_error_when_unspecified = false) {
  if (t.numel() != 0) return;
  if (!dims_given) {
    if (index_error_when_unspecified)
      MT_THROW(IndexError, name,
               "(): Expected reduction dim to be specified for input.numel() == 0.");
    MT_THROW(RuntimeError, name,
             "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
             "reduction dim with the 'dim' argument.");
  }
  for (int64_t d = 0; d < t.dim(); ++d)
    MT_CHECK_KIND(IndexError, !mask[d] || t.sizes()[d] != 0, name, "(): Expected reduction dim ", d,
                  " to have non-zero size.");
}

Tensor amax_amin(const char* name, ReduceKind kind, const Tensor& t, const Dims& dim, bool keepdim,
                 const Tensor& out) {
  Dims mask = reduce_mask(*t, dim);
  check_nonempty(name, *t, mask, !dim.empty());
  MT_CHECK(!out || out->dtype() == t->dtype(),
           "Expected the dtype for input and out to match, but got ", tname(t->dtype()),
           " for input's dtype and ", tname(out->dtype()), " for out's dtype.");
  return reduce1(name, args_of(kind), t, mask, keepdim, t->dtype(), out);
}

std::pair<Tensor, Tensor> max_min_dim(const char* name, ReduceKind kind, const Tensor& t,
                                      int64_t dim, bool keepdim, const Tensor& values,
                                      const Tensor& indices) {
  Dims mask = one_dim_mask(*t, dim);
  check_nonempty(name, *t, mask, true);
  check_out_dtype(values, t->dtype());
  check_out_dtype(indices, DType::Int64);
  return reduce2(name, args_of(kind), t, mask, keepdim, t->dtype(), DType::Int64, values, indices);
}

Tensor arg_max_min(const char* name, ReduceKind kind, const Tensor& t, std::optional<int64_t> dim,
                   bool keepdim, const Tensor& out) {
  MT_CHECK(t->dtype() != DType::Bool, name, "(): does not support bool input");
  Dims mask = dim ? one_dim_mask(*t, *dim) : Dims(t->dim(), 1);
  check_nonempty(name, *t, mask, dim.has_value(), true);
  check_out_dtype(out, DType::Int64);
  return reduce1(name, args_of(kind), t, mask, keepdim, DType::Int64, out);
}

Tensor all_any(const char* name, ReduceKind kind, const Tensor& t, const OptDims& dim, bool keepdim,
               const Tensor& out) {
  // dim=() reduces no dim here (as NumPy), unlike sum's dim=() which is all.
  Dims mask = dim && dim->empty() ? Dims(t->dim(), 0) : reduce_mask(*t, dim);
  DType rdt = t->dtype() == DType::UInt8 ? DType::UInt8 : DType::Bool;
  MT_CHECK(!out || out->dtype() == rdt, name,
           " only supports bool tensor for result, got: ", tname(out->dtype()));
  return reduce1(name, args_of(kind), t, mask, keepdim, rdt, out);
}

// var/std input: floating, converted to out's dtype when out= asks for another.
Tensor var_input(const char* what, const Tensor& t, const Tensor& out) {
  MT_CHECK(is_floating(t->dtype()), what, " only support floating point and complex dtypes");
  if (out && out->dtype() != t->dtype()) {
    MT_CHECK(is_floating(out->dtype()), what, " only support floating point and complex dtypes");
    return to(t, out->dtype(), t->device(), false);
  }
  return t;
}

ReduceArgs var_args(double correction, bool take_sqrt) {
  ReduceArgs a = args_of(ReduceKind::Var);
  a.correction = correction;
  a.take_sqrt = take_sqrt;
  return a;
}

std::pair<Tensor, Tensor> cum_max_min(const char* name, ReduceKind kind, const Tensor& t,
                                      int64_t dim, const Tensor& values, const Tensor& indices) {
  // PyTorch returns for an empty input before it looks at dim.
  int64_t d = t->numel() == 0 ? 0 : wrap_dim(dim, t->dim());
  check_out_dtype(values, t->dtype());
  check_out_dtype(indices, DType::Int64);
  Tensor v = plan_out(values, t->sizes(), t->dtype(), t->device());
  Tensor i = plan_out(indices, t->sizes(), DType::Int64, t->device());
  need(kernel_table(t->device().type).scan, name, t->device())(
      make_line_plan(*t, d, v.get(), i.get()), args_of(kind));
  return {v, i};
}

Tensor cum_sum_prod(const char* name, ReduceKind kind, const Tensor& t, int64_t dim,
                    std::optional<DType> dtype, const Tensor& out) {
  int64_t d = wrap_dim(dim, t->dim());
  DType rdt = chosen_dtype(int64_if_integral(t->dtype()), dtype, out);
  Tensor src = sum_input(t, rdt);
  Tensor r = plan_out(out, t->sizes(), rdt, t->device());
  need(kernel_table(t->device().type).scan, name, t->device())(make_line_plan(*src, d, r.get()),
                                                               args_of(kind));
  return r;
}

Tensor softmax_impl(const char* name, ReduceKind kind, const Tensor& t, int64_t dim,
                    std::optional<DType> dtype) {
  int64_t d = wrap_dim(dim, t->dim());
  Tensor src = dtype ? to(t, *dtype, t->device(), false) : t;
  MT_CHECK_KIND(NotImplementedError, is_floating(src->dtype()), name, "(): not implemented for '",
                tname(src->dtype()), "'");
  Tensor r = TensorImpl::empty(src->sizes(), src->dtype(), src->device());
  need(kernel_table(t->device().type).softmax, name, t->device())(make_line_plan(*src, d, r.get()),
                                                                  args_of(kind));
  return r;
}

}  // namespace

Tensor sum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
           Tensor out) {
  return sum_like("sum", ReduceKind::Sum, t, dim, keepdim, dtype, out);
}

Tensor nansum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
              Tensor out) {
  return sum_like("nansum", ReduceKind::NanSum, t, dim, keepdim, dtype, out);
}

Tensor mean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
            Tensor out) {
  if (dtype) {
    MT_CHECK(is_floating(*dtype),
             "mean(): could not infer output dtype. Optional dtype must be "
             "either a floating point or complex dtype. Got: ",
             tname(*dtype));
  } else {
    MT_CHECK(is_floating(t->dtype()),
             "mean(): could not infer output dtype. Input dtype must be "
             "either a floating point or complex dtype. Got: ",
             tname(t->dtype()));
  }
  DType rdt = chosen_dtype(t->dtype(), dtype, out);
  MT_CHECK(is_floating(rdt),
           "mean(): could not infer output dtype. Optional dtype must be "
           "either a floating point or complex dtype. Got: ",
           tname(rdt));
  Dims mask = reduce_mask(*t, dim);
  Tensor src = rdt == t->dtype() ? t : to(t, rdt, t->device(), false);
  return reduce1("mean", args_of(ReduceKind::Mean), src, mask, keepdim, rdt, out);
}

Tensor nanmean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
               Tensor out) {
  MT_CHECK(is_floating(t->dtype()),
           "nanmean(): expected input to have floating point or "
           "complex dtype but got ",
           tname(t->dtype()));
  DType rdt = chosen_dtype(t->dtype(), dtype, out);
  MT_CHECK(is_floating(rdt),
           "nanmean(): expected a floating point or complex result dtype but got ", tname(rdt));
  Dims mask = reduce_mask(*t, dim);
  Tensor src = rdt == t->dtype() ? t : to(t, rdt, t->device(), false);
  return reduce1("nanmean", args_of(ReduceKind::NanMean), src, mask, keepdim, rdt, out);
}

Tensor prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype,
            Tensor out) {
  Dims mask = dim ? one_dim_mask(*t, *dim) : Dims(t->dim(), 1);
  DType rdt = chosen_dtype(int64_if_integral(t->dtype()), dtype, out);
  return reduce1("prod", args_of(ReduceKind::Prod), sum_input(t, rdt), mask, keepdim, rdt, out);
}

Tensor amax(const Tensor& t, const Dims& dim, bool keepdim, Tensor out) {
  return amax_amin("amax", ReduceKind::Max, t, dim, keepdim, out);
}
Tensor amin(const Tensor& t, const Dims& dim, bool keepdim, Tensor out) {
  return amax_amin("amin", ReduceKind::Min, t, dim, keepdim, out);
}

Tensor max(const Tensor& t) {
  Dims mask(t->dim(), 1);
  check_nonempty("max", *t, mask, false);
  return reduce1("max", args_of(ReduceKind::Max), t, mask, false, t->dtype(), {});
}
Tensor min(const Tensor& t) {
  Dims mask(t->dim(), 1);
  check_nonempty("min", *t, mask, false);
  return reduce1("min", args_of(ReduceKind::Min), t, mask, false, t->dtype(), {});
}

std::pair<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim, Tensor values,
                              Tensor indices) {
  return max_min_dim("max", ReduceKind::MaxWithIndex, t, dim, keepdim, values, indices);
}
std::pair<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim, Tensor values,
                              Tensor indices) {
  return max_min_dim("min", ReduceKind::MinWithIndex, t, dim, keepdim, values, indices);
}

std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim,
                                  Tensor min_out, Tensor max_out) {
  Dims mask = dim ? one_dim_mask(*t, *dim) : Dims(t->dim(), 1);
  if (t->numel() == 0) {
    MT_CHECK(dim.has_value(),
             "aminmax(): cannot compute aminmax over an empty dimension as the "
             "operation has no identity.");
    for (int64_t d = 0; d < t->dim(); ++d)
      MT_CHECK_KIND(IndexError, !mask[d] || t->sizes()[d] != 0, "aminmax: Expected reduction dim ",
                    d, " to have non-zero size.");
  }
  check_out_dtype(min_out, t->dtype());
  check_out_dtype(max_out, t->dtype());
  return reduce2("aminmax", args_of(ReduceKind::AMinMax), t, mask, keepdim, t->dtype(), t->dtype(),
                 min_out, max_out);
}

Tensor argmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim, Tensor out) {
  return arg_max_min("argmax", ReduceKind::ArgMax, t, dim, keepdim, out);
}
Tensor argmin(const Tensor& t, std::optional<int64_t> dim, bool keepdim, Tensor out) {
  return arg_max_min("argmin", ReduceKind::ArgMin, t, dim, keepdim, out);
}

Tensor all(const Tensor& t, const OptDims& dim, bool keepdim, Tensor out) {
  return all_any("all", ReduceKind::All, t, dim, keepdim, out);
}
Tensor any(const Tensor& t, const OptDims& dim, bool keepdim, Tensor out) {
  return all_any("any", ReduceKind::Any, t, dim, keepdim, out);
}

Tensor count_nonzero(const Tensor& t, const OptDims& dim) {
  Dims mask = reduce_mask(*t, dim);
  return reduce1("count_nonzero", args_of(ReduceKind::CountNonzero), t, mask, false, DType::Int64,
                 {});
}

Tensor var(const Tensor& t, const OptDims& dim, double correction, bool keepdim, Tensor out) {
  Tensor src = var_input("std and var", t, out);
  return reduce1("var", var_args(correction, false), src, reduce_mask(*t, dim), keepdim,
                 src->dtype(), out);
}
Tensor stddev(const Tensor& t, const OptDims& dim, double correction, bool keepdim, Tensor out) {
  Tensor src = var_input("std and var", t, out);
  return reduce1("std", var_args(correction, true), src, reduce_mask(*t, dim), keepdim,
                 src->dtype(), out);
}
std::pair<Tensor, Tensor> var_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim) {
  var_input("var_mean", t, {});
  return reduce2("var_mean", var_args(correction, false), t, reduce_mask(*t, dim), keepdim,
                 t->dtype(), t->dtype(), {}, {});
}
std::pair<Tensor, Tensor> std_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim) {
  var_input("std_mean", t, {});
  return reduce2("std_mean", var_args(correction, true), t, reduce_mask(*t, dim), keepdim,
                 t->dtype(), t->dtype(), {}, {});
}

Tensor vector_norm(const Tensor& t, double ord, const OptDims& dim, bool keepdim,
                   std::optional<DType> dtype, Tensor out) {
  MT_CHECK(is_floating(t->dtype()),
           "linalg.vector_norm: Expected a floating point or complex "
           "tensor as input. Got ",
           tname(t->dtype()));
  if (dtype) {
    MT_CHECK(is_floating(*dtype),
             "linalg.vector_norm: dtype should be floating point or "
             "complex, but got ",
             tname(*dtype));
    MT_CHECK(promote_types(t->dtype(), *dtype) == *dtype,
             "linalg.vector_norm: the dtype of the "
             "input (",
             tname(t->dtype()),
             ") should be convertible without narrowing to the "
             "specified dtype (",
             tname(*dtype), ")");
  }
  Dims mask = reduce_mask(*t, dim);
  if (t->numel() == 0 && (ord < 0 || std::isinf(ord))) {
    const bool given = dim && !dim->empty();
    MT_CHECK(given, "linalg.vector_norm cannot compute the ", ord,
             " norm on an empty tensor "
             "because the operation does not have an identity");
    for (int64_t d = 0; d < t->dim(); ++d)
      MT_CHECK(!mask[d] || t->sizes()[d] != 0, "linalg.vector_norm cannot compute the ", ord,
               " norm on the dimension ", d,
               " because this dimension is empty and the "
               "operation does not have an identity");
  }
  DType rdt = dtype ? *dtype : t->dtype();
  check_out_dtype(out, rdt);
  Tensor src = rdt == t->dtype() ? t : to(t, rdt, t->device(), false);
  // One element per result: its norm is |x| for every ord but 0, which
  // PyTorch computes as such, so float32 [1e30] has norm 1e30 where x*x
  // would overflow.
  int64_t per_out = 1;
  for (int64_t d = 0; d < t->dim(); ++d)
    if (mask[d]) per_out *= t->sizes()[d];
  if (!out && per_out == 1 && t->numel() > 0 && ord != 0)
    return reshape(unary(UnaryOp::Abs, src, rdt), reduced_shape(t->sizes(), mask, keepdim));
  ReduceArgs a = args_of(ReduceKind::Norm);
  a.p = ord;
  return reduce1("linalg.vector_norm", a, src, mask, keepdim, rdt, out);
}

Tensor logsumexp(const Tensor& t, const Dims& dim, bool keepdim, DType default_float, Tensor out) {
  Dims mask = reduce_mask(*t, dim);
  DType rdt = is_floating(t->dtype()) ? t->dtype() : default_float;
  if (out) {
    MT_CHECK(is_floating(out->dtype()),
             "logsumexp(): Expected floating point type for result "
             "tensor, but got: ",
             tname(out->dtype()));
    rdt = out->dtype();
  }
  Tensor src = rdt == t->dtype() ? t : to(t, rdt, t->device(), false);
  return reduce1("logsumexp", args_of(ReduceKind::LogSumExp), src, mask, keepdim, rdt, out);
}

Tensor cumsum(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out) {
  return cum_sum_prod("cumsum", ReduceKind::CumSum, t, dim, dtype, out);
}
Tensor cumprod(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out) {
  return cum_sum_prod("cumprod", ReduceKind::CumProd, t, dim, dtype, out);
}
std::pair<Tensor, Tensor> cummax(const Tensor& t, int64_t dim, Tensor values, Tensor indices) {
  return cum_max_min("cummax", ReduceKind::CumMax, t, dim, values, indices);
}
std::pair<Tensor, Tensor> cummin(const Tensor& t, int64_t dim, Tensor values, Tensor indices) {
  return cum_max_min("cummin", ReduceKind::CumMin, t, dim, values, indices);
}

Tensor softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype) {
  return softmax_impl("softmax", ReduceKind::Softmax, t, dim, dtype);
}
Tensor log_softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype) {
  return softmax_impl("log_softmax", ReduceKind::LogSoftmax, t, dim, dtype);
}

}  // namespace mt::ops
