// table_reduce.cpp: the reduction family's op table (Note [Op tables]):
// sum, mean, max, var, norm, cumsum, softmax, ...
//
// Signatures are PyTorch's (without its Dimname overloads). Impls read the
// parsed arguments by their position in the matched overload's (function)
// signature; `a.overload` says which one matched. Ops returning
// (values, indices) return Result::of_pair, which the glue turns into
// minitorch.return_types.<row name>. out= is planned in ext/ops
// (Note [Out planning]).
#include <cmath>
#include <cstring>

#include "../ops/out_plan.h"
#include "op_tables.h"

namespace mt::optable {

namespace {

Tensor tensor_at(const OpArgs& a, int i) { return Tensor(const_cast<TensorImpl*>(a.v[i].tensor)); }
Tensor out_of(const OpArgs& a) { return Tensor(a.out.t); }
ops::OptDims dims_at(const OpArgs& a, int i) {
  return a.has(i) ? ops::OptDims(a.list) : std::nullopt;
}
std::optional<DType> dtype_at(const OpArgs& a, int i) {
  return a.has(i) ? std::optional<DType>(a.v[i].dtype) : std::nullopt;
}
std::optional<int64_t> int_at(const OpArgs& a, int i) {
  return a.has(i) ? std::optional<int64_t>(a.v[i].i) : std::nullopt;
}
// out=(values, indices), or two null tensors.
std::pair<Tensor, Tensor> outs_at(const OpArgs& a, int i) {
  if (!a.has(i)) return {};
  return {Tensor(const_cast<TensorImpl*>(a.v[i].tensor)),
          Tensor(const_cast<TensorImpl*>(a.v[i].tensor2))};
}

// ---- sum, nansum, mean, nanmean ----
// sum / mean: (input, *, dtype) and (input, dim, keepdim=False, *, dtype, out);
// nansum / nanmean: the second form with dim=None.
using SumLike = Tensor (*)(const Tensor&, const ops::OptDims&, bool, std::optional<DType>, Tensor);
constexpr SumLike kSumLike[] = {ag::sum, ag::nansum, ag::mean, ag::nanmean};

Result sum_like(const OpDef& def, OpArgs& a) {
  SumLike f = kSumLike[def.code];
  const bool has_dtype_form = def.code == 0 || def.code == 2;  // sum, mean
  if (has_dtype_form && a.overload == 0)
    return {f(tensor_at(a, 0), std::nullopt, false, dtype_at(a, 1), {})};
  return {f(tensor_at(a, 0), dims_at(a, 1), a.v[2].b, dtype_at(a, 3), out_of(a))};
}

// prod: (input, *, dtype) and (input, int dim, keepdim=False, *, dtype, out)
Result prod(const OpDef&, OpArgs& a) {
  if (a.overload == 0) return {ag::prod(tensor_at(a, 0), std::nullopt, false, dtype_at(a, 1), {})};
  return {ag::prod(tensor_at(a, 0), a.v[1].i, a.v[2].b, dtype_at(a, 3), out_of(a))};
}

// ---- amax / amin (input, dim=[], keepdim=False, *, out) ----
Result amax_amin(const OpDef& def, OpArgs& a) {
  Dims dims = a.has(1) ? a.list : Dims{};
  return {def.code ? ag::amin(tensor_at(a, 0), dims, a.v[2].b, out_of(a))
                   : ag::amax(tensor_at(a, 0), dims, a.v[2].b, out_of(a))};
}

// ---- max / min ----
// (input, *, out): over every element; (input, other, *, out): the
// elementwise maximum / minimum; (input, dim, keepdim=False, *, out=(values,
// indices)): along dim.
Result max_min(const OpDef& def, OpArgs& a) {
  const bool is_min = def.code;
  Tensor t = tensor_at(a, 0);
  switch (a.overload) {
    case 0: {
      Tensor r = is_min ? ag::min(t) : ag::max(t);
      if (!a.out.t) return {r};
      ops::check_out_dtype(a.out.t, t->dtype());
      return {ops::copy_out(out_of(a), r)};
    }
    case 1:
      return {ag::binary(is_min ? BinaryOp::Minimum : BinaryOp::Maximum, {t.get(), {}},
                         a.v[1].operand(), a.default_float, {}, a.out)};
    default: {
      auto outs = outs_at(a, 3);
      return Result::of_pair(is_min ? ag::min(t, a.v[1].i, a.v[2].b, outs.first, outs.second)
                                    : ag::max(t, a.v[1].i, a.v[2].b, outs.first, outs.second));
    }
  }
}

// aminmax(input, *, dim=None, keepdim=False, out=(min, max))
Result aminmax(const OpDef&, OpArgs& a) {
  auto outs = outs_at(a, 3);
  return Result::of_pair(
      ag::aminmax(tensor_at(a, 0), int_at(a, 1), a.v[2].b, outs.first, outs.second));
}

// argmax / argmin (input, dim=None, keepdim=False, *, out)
Result argmax_argmin(const OpDef& def, OpArgs& a) {
  return {def.code ? ag::argmin(tensor_at(a, 0), int_at(a, 1), a.v[2].b, out_of(a))
                   : ag::argmax(tensor_at(a, 0), int_at(a, 1), a.v[2].b, out_of(a))};
}

// all / any (input, dim=None, keepdim=False, *, out)
Result all_any(const OpDef& def, OpArgs& a) {
  return {def.code ? ag::any(tensor_at(a, 0), dims_at(a, 1), a.v[2].b, out_of(a))
                   : ag::all(tensor_at(a, 0), dims_at(a, 1), a.v[2].b, out_of(a))};
}

Result count_nonzero(const OpDef&, OpArgs& a) {
  return {ag::count_nonzero(tensor_at(a, 0), dims_at(a, 1))};
}

// ---- var / std / var_mean / std_mean ----
// Overloads, in PyTorch's order: (input, dim, unbiased=True, keepdim=False,
// *, out); (input, dim=None, *, correction=None, keepdim=False, out);
// (input, unbiased=True). Divisor max(0, N - correction).
struct VarArgs {
  ops::OptDims dim;
  double correction = 1;
  bool keepdim = false;
};

VarArgs var_args(const OpArgs& a) {
  VarArgs v;
  switch (a.overload) {
    case 0:
      v.dim = dims_at(a, 1);
      v.correction = a.v[2].b ? 1 : 0;
      v.keepdim = a.v[3].b;
      break;
    case 1:
      v.dim = dims_at(a, 1);
      if (a.has(2)) v.correction = a.v[2].scalar().to_double();
      v.keepdim = a.v[3].b;
      break;
    default:
      v.correction = a.v[1].b ? 1 : 0;
  }
  return v;
}

Result var_std(const OpDef& def, OpArgs& a) {
  VarArgs v = var_args(a);
  Tensor t = tensor_at(a, 0);
  return {def.code ? ag::stddev(t, v.dim, v.correction, v.keepdim, out_of(a))
                   : ag::var(t, v.dim, v.correction, v.keepdim, out_of(a))};
}

Result var_std_mean(const OpDef& def, OpArgs& a) {
  VarArgs v = var_args(a);
  Tensor t = tensor_at(a, 0);
  auto r = def.code ? ag::std_mean(t, v.dim, v.correction, v.keepdim)
                    : ag::var_mean(t, v.dim, v.correction, v.keepdim);
  Result res;
  res.kind = Result::Kind::TensorTuple;
  res.tensors = {std::move(r.first), std::move(r.second)};
  return res;
}

// ---- norms ----

// norm(input, p=None, dim=None, keepdim=False, out=None, dtype=None): p a
// number (a vector norm) or 'fro' (the 2-norm, over all dims or at most two).
Result norm(const OpDef&, OpArgs& a) {
  ops::OptDims dim = dims_at(a, 2);
  double ord = 2;
  if (a.overload == 1) {
    const char* p = a.v[1].str;
    if (std::strcmp(p, "nuc") == 0)
      MT_THROW(NotImplementedError, "norm(): the nuclear norm ('nuc') is not implemented");
    MT_CHECK(std::strcmp(p, "fro") == 0, "linalg.matrix_norm: Order ", p, " not supported.");
    MT_CHECK(!dim || dim->size() <= 2, "linalg.matrix_norm: dim must be a 2-tuple. Got ", *dim);
  } else if (a.has(1)) {
    ord = a.v[1].scalar().to_double();
  }
  return {ag::vector_norm(tensor_at(a, 0), ord, dim, a.v[3].b, dtype_at(a, 5), out_of(a))};
}

// linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None)
Result vector_norm(const OpDef&, OpArgs& a) {
  return {ag::vector_norm(tensor_at(a, 0), a.v[1].scalar().to_double(), dims_at(a, 2), a.v[3].b,
                          dtype_at(a, 4), out_of(a))};
}

// logsumexp(input, dim, keepdim=False, *, out)
Result logsumexp(const OpDef&, OpArgs& a) {
  return {ag::logsumexp(tensor_at(a, 0), a.list, a.v[2].b, a.default_float, out_of(a))};
}

// ---- scans ----

// cumsum / cumprod (input, dim, *, dtype=None, out=None)
Result cumsum_cumprod(const OpDef& def, OpArgs& a) {
  return {def.code ? ag::cumprod(tensor_at(a, 0), a.v[1].i, dtype_at(a, 2), out_of(a))
                   : ag::cumsum(tensor_at(a, 0), a.v[1].i, dtype_at(a, 2), out_of(a))};
}

// cummax / cummin (input, dim, *, out=(values, indices))
Result cummax_cummin(const OpDef& def, OpArgs& a) {
  auto outs = outs_at(a, 2);
  Tensor t = tensor_at(a, 0);
  return Result::of_pair(def.code ? ag::cummin(t, a.v[1].i, outs.first, outs.second)
                                  : ag::cummax(t, a.v[1].i, outs.first, outs.second));
}

// softmax / log_softmax (input, dim, dtype=None)
Result softmax(const OpDef& def, OpArgs& a) {
  return {def.code ? ag::log_softmax(tensor_at(a, 0), a.v[1].i, dtype_at(a, 2))
                   : ag::softmax(tensor_at(a, 0), a.v[1].i, dtype_at(a, 2))};
}

constexpr uint8_t kFM = kFunction | kMethod;

#define MT_SUM_FORMS(name)                                                                \
  name "(Tensor input, *, ScalarType? dtype=None)\n" name                                 \
       "(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, " \
       "Tensor? out=None)"
#define MT_NANSUM_FORM(name)                                                              \
  name "(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, " \
       "Tensor? out=None)"
#define MT_VAR_FORMS(name, out)                                                              \
  name "(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False" out ")\n" name   \
       "(Tensor input, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False" out \
       ")\n" name "(Tensor input, bool unbiased=True)"

}  // namespace

const OpDef kReduceOps[] = {
    {"sum", MT_SUM_FORMS("sum"), kFM, 0, "", "", 0, sum_like, nullptr},
    {"nansum", MT_NANSUM_FORM("nansum"), kFM, 0, "", "", 1, sum_like, nullptr},
    {"mean", MT_SUM_FORMS("mean"), kFM, 0, "", "", 2, sum_like, nullptr},
    {"nanmean", MT_NANSUM_FORM("nanmean"), kFM, 0, "", "", 3, sum_like, nullptr},
    {"prod",
     "prod(Tensor input, *, ScalarType? dtype=None)\n"
     "prod(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)",
     kFM, 0, "", "", 0, prod, nullptr},
    {"amax", "amax(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor? out=None)", kFM, 0,
     "", "", 0, amax_amin, nullptr},
    {"amin", "amin(Tensor input, int[1] dim=[], bool keepdim=False, *, Tensor? out=None)", kFM, 0,
     "", "", 1, amax_amin, nullptr},
    {"max",
     "max(Tensor input, *, Tensor? out=None)\n"
     "max(Tensor input, Tensor other, *, Tensor? out=None)\n"
     "max(Tensor input, int dim, bool keepdim=False, *, TensorTuple? out=None)",
     kFM, 0, "", "", 0, max_min, nullptr},
    {"min",
     "min(Tensor input, *, Tensor? out=None)\n"
     "min(Tensor input, Tensor other, *, Tensor? out=None)\n"
     "min(Tensor input, int dim, bool keepdim=False, *, TensorTuple? out=None)",
     kFM, 0, "", "", 1, max_min, nullptr},
    {"aminmax",
     "aminmax(Tensor input, *, int? dim=None, bool keepdim=False, TensorTuple? out=None)", kFM, 0,
     "", "", 0, aminmax, nullptr},
    {"argmax", "argmax(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)", kFM,
     0, "", "", 0, argmax_argmin, nullptr},
    {"argmin", "argmin(Tensor input, int? dim=None, bool keepdim=False, *, Tensor? out=None)", kFM,
     0, "", "", 1, argmax_argmin, nullptr},
    {"all", "all(Tensor input, int[1]? dim=None, bool keepdim=False, *, Tensor? out=None)", kFM, 0,
     "", "", 0, all_any, nullptr},
    {"any", "any(Tensor input, int[1]? dim=None, bool keepdim=False, *, Tensor? out=None)", kFM, 0,
     "", "", 1, all_any, nullptr},
    {"count_nonzero", "count_nonzero(Tensor input, int[1]? dim=None)", kFM, 0, "", "", 0,
     count_nonzero, nullptr},
    {"var", MT_VAR_FORMS("var", ", *, Tensor? out=None"), kFM, 0, "", "", 0, var_std, nullptr},
    {"std", MT_VAR_FORMS("std", ", *, Tensor? out=None"), kFM, 0, "", "", 1, var_std, nullptr},
    {"var_mean", MT_VAR_FORMS("var_mean", ""), kFunction, 0, "", "", 0, var_std_mean, nullptr},
    {"std_mean", MT_VAR_FORMS("std_mean", ""), kFunction, 0, "", "", 1, var_std_mean, nullptr},
    {"norm",
     "norm(Tensor input, Scalar? p=None, int[1]? dim=None, bool keepdim=False, Tensor? out=None, "
     "ScalarType? dtype=None)\n"
     "norm(Tensor input, str p, int[1]? dim=None, bool keepdim=False, Tensor? out=None, "
     "ScalarType? dtype=None)",
     kFM, 0, "", "", 0, norm, nullptr},
    {"_linalg_vector_norm",
     "_linalg_vector_norm(Tensor x, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, "
     "ScalarType? dtype=None, Tensor? out=None)",
     kFunction, 0, "", "", 0, vector_norm, nullptr},
    {"logsumexp", "logsumexp(Tensor input, int[1] dim, bool keepdim=False, *, Tensor? out=None)",
     kFM, 0, "", "", 0, logsumexp, nullptr},
    {"cumsum", "cumsum(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)", kFM, 0,
     "", "", 0, cumsum_cumprod, nullptr},
    {"cumprod", "cumprod(Tensor input, int dim, *, ScalarType? dtype=None, Tensor? out=None)", kFM,
     0, "", "", 1, cumsum_cumprod, nullptr},
    {"cummax", "cummax(Tensor input, int dim, *, TensorTuple? out=None)", kFM, 0, "", "", 0,
     cummax_cummin, nullptr},
    {"cummin", "cummin(Tensor input, int dim, *, TensorTuple? out=None)", kFM, 0, "", "", 1,
     cummax_cummin, nullptr},
    {"softmax", "softmax(Tensor input, int dim, ScalarType? dtype=None)", kFM, 0, "", "", 0,
     softmax, nullptr},
    {"log_softmax", "log_softmax(Tensor input, int dim, ScalarType? dtype=None)", kFM, 0, "", "", 1,
     softmax, nullptr},
};
static_assert(sizeof(kReduceOps) / sizeof(kReduceOps[0]) == kNumReduceOps,
              "kNumReduceOps in op_tables.h must match the rows");

#undef MT_SUM_FORMS
#undef MT_NANSUM_FORM
#undef MT_VAR_FORMS

}  // namespace mt::optable
