// functions_reduce2.cpp: ag:: entries and backward formulas for prod,
// nansum/nanmean, vector_norm, var_mean/std_mean, cumprod, cummax/cummin and
// aminmax (the reductions functions_reduce.cpp does not cover).
#include <cmath>

#include "formulas.h"

namespace mt::ag {

namespace {

using ops::OptDims;

ops::Operand opnd(const Tensor& t) { return {t.get(), {}}; }
ops::Operand opnd(double v) { return {nullptr, Scalar::from_double(v)}; }

Tensor pow_s(const Tensor& a, double p) {
  return ag::binary(BinaryOp::Pow, opnd(a), opnd(p), a->dtype());
}
Tensor as_float(const Tensor& mask, const Tensor& like) {
  return ops::to(mask, like->dtype(), like->device(), false);
}
bool has_zero(const Tensor& x) {
  return ops::item(ops::any(cmp(BinaryOp::Eq, x, 0.0), std::nullopt, false)).to_int() != 0;
}
// A (n, n) bool identity on x's device.
Tensor eye_mask(int64_t n, const Tensor& like) {
  return cmp(BinaryOp::Ne, ops::eye(n, n, like->dtype(), like->device()), 0.0);
}
// (..., n) -> (..., n, n): row i is x with x_i replaced by 1.
Tensor rows_without_self(const Tensor& xt) {
  int64_t n = xt->sizes().back();
  Dims big = xt->sizes();
  big.insert(big.size() - 1, n);
  Tensor xe = ag::expand(ag::unsqueeze(xt, xt->dim() - 1), big);
  return ag::where(eye_mask(n, xt), opnd(1.0), opnd(xe), xt->dtype());
}
// The reversed cumulative sum along d, written with differentiable ops.
Tensor reverse_cumsum(const Tensor& z, int64_t d) {
  Tensor tot = ag::sum(z, Dims{d}, true, std::nullopt);
  return add(sub(tot, ag::cumsum(z, d, std::nullopt)), z);
}

// ---- prod ----
// i[0]: a dim was given, d0 = {dim}; i[1] = keepdim. saved: x, result.
// No zeros: g * prod / x. Otherwise each element's gradient is the product
// of the others (one zero: only the zero gets a nonzero gradient; several
// zeros: all zero), computed as prod over rows with the element set to 1.
std::vector<Tensor> prod_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  const Dims& sizes = n.inputs[0].sizes;
  OptDims dim = dims_of(n);
  Tensor ge = expand_reduced(g[0], sizes, dim, keepdim_of(n));
  if (x->dim() == 0) return {ge};
  if (!has_zero(x)) return {div(mul(ge, expand_reduced(y, sizes, dim, keepdim_of(n))), x)};
  if (!dim) {
    Tensor flat = ag::reshape(x, Dims{-1});
    Tensor others = ag::prod(rows_without_self(flat), int64_t{-1}, false, std::nullopt);
    return {mul(ge, ag::reshape(others, sizes))};
  }
  int64_t d = wrap_dim((*dim)[0], x->dim());
  Tensor xt = ag::transpose(x, d, -1);
  Tensor others = ag::prod(rows_without_self(xt), int64_t{-1}, false, std::nullopt);
  return {mul(ge, ag::transpose(others, d, -1))};
}

// ---- nansum ----
std::vector<Tensor> nansum_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0);
  Tensor ge = expand_reduced(g[0], n.inputs[0].sizes, dims_of(n), keepdim_of(n));
  return {zero_where(ops::unary(UnaryOp::IsNan, x, x->dtype()), ge)};
}

// ---- vector_norm ----
// s[0] = ord. saved: x (in the computation dtype), the norm.
std::vector<Tensor> norm_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  double p = n.s[0].to_double();
  const Dims& sizes = n.inputs[0].sizes;
  OptDims dim = dims_of(n);
  bool kd = keepdim_of(n);
  if (p == 0) return {Tensor()};  // no gradient at all (x.grad stays None), as PyTorch
  Tensor ge = expand_reduced(g[0], sizes, dim, kd);
  if (p == 1) return {mul(un(UnaryOp::Sign, x), ge)};
  Tensor ye = expand_reduced(y, sizes, dim, kd);
  if (std::isinf(p)) {
    // The gradient is shared evenly among the elements of largest (smallest)
    // magnitude.
    Tensor maskf = as_float(cmp(BinaryOp::Eq, un(UnaryOp::Abs, x), ye), x);
    Tensor count = ag::sum(maskf, dim ? *dim : Dims{}, true, std::nullopt);
    return {mul(un(UnaryOp::Sign, x), mul(div(ge, count), maskf))};
  }
  Tensor zero_norm = cmp(BinaryOp::Eq, ye, 0.0);
  if (p == 2) return {mul(x, zero_where(zero_norm, div(ge, ye)))};
  Tensor scale = zero_where(zero_norm, div(ge, pow_s(ye, p - 1)));
  Tensor xs;
  if (p < 2) {
    xs = mul(un(UnaryOp::Sign, x), pow_s(un(UnaryOp::Abs, x), p - 1));
    xs = zero_where(cmp(BinaryOp::Eq, x, 0.0), xs);
  } else {
    xs = mul(x, pow_s(un(UnaryOp::Abs, x), p - 2));
  }
  return {mul(xs, scale)};
}

// ---- var_mean / std_mean: outputs (var or std, mean) ----
// s[0] = correction, i[2] = std. saved: x, and std's result.
std::vector<Tensor> var_mean_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0);
  OptDims dim = dims_of(n);
  const Dims& sizes = n.inputs[0].sizes;
  bool kd = keepdim_of(n);
  double correction = n.s[0].to_double();
  double N = static_cast<double>(reduced_count(sizes, dim));
  Tensor m = ag::mean(x, dim ? *dim : Dims{}, true, std::nullopt);
  Tensor gv = expand_reduced(g[0], sizes, dim, kd);
  if (n.i[2]) gv = div(gv, mul(expand_reduced(n.saved_at(1), sizes, dim, kd), 2.0));
  Tensor r = mul(mul(gv, sub(x, m)), 2.0 / std::max(0.0, N - correction));
  return {add(r, mul(expand_reduced(g[1], sizes, dim, kd), 1.0 / N))};
}

// ---- cumprod ----
// i[0] = dim. saved: x, result. No zeros: reverse_cumsum(g y) / x. With
// zeros, d y_k / d x_i is the cumulative product with x_i set to 1, k >= i.
std::vector<Tensor> cumprod_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  if (x->dim() == 0) return {g[0]};
  int64_t d = n.i[0];
  if (!has_zero(x)) return {div(reverse_cumsum(mul(g[0], y), d), x)};
  Tensor xt = ag::transpose(x, d, -1), gt = ag::transpose(g[0], d, -1);
  int64_t len = xt->sizes().back();
  Tensor c = ag::cumprod(rows_without_self(xt), -1, std::nullopt);  // [..., i, k]
  Tensor upper =
      ops::triu(ops::full(Dims{len, len}, Scalar::from_int(1), DType::Bool, x->device()), 0);
  Tensor terms = keep_where(upper, mul(c, ag::unsqueeze(gt, gt->dim() - 1)));
  Tensor r = ag::sum(terms, Dims{-1}, false, std::nullopt);
  return {ag::transpose(r, d, -1)};
}

// ---- cummax / cummin values: the gradient goes to the index that won. ----
std::vector<Tensor> cum_extremum_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  const InputMeta& in = n.inputs[0];
  if (in.sizes.empty()) return {g[0]};
  Tensor z = ops::full(in.sizes, Scalar::from_int(0), g[0]->dtype(), in.device);
  ops::scatter_(z, n.i[0], idx, ops::contiguous(g[0]), ops::ScatterOp::Add);
  return {z};
}

// ---- aminmax: outputs (min, max); each shares its gradient evenly among the
// elements equal to it. i[0]: a dim was given (d0 = {dim}), i[1] = keepdim.
std::vector<Tensor> aminmax_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0);
  const Dims& sizes = n.inputs[0].sizes;
  OptDims dim = dims_of(n);
  bool kd = keepdim_of(n);
  Tensor r;
  for (size_t k = 0; k < 2; ++k) {
    Tensor ye = expand_reduced(n.saved_at(1 + k), sizes, dim, kd);
    Tensor maskf = as_float(cmp(BinaryOp::Eq, x, ye), x);
    Tensor count = ag::sum(maskf, dim ? *dim : Dims{}, true, std::nullopt);
    Tensor part = mul(div(expand_reduced(g[k], sizes, dim, kd), count), maskf);
    r = r ? add(r, part) : part;
  }
  return {r};
}

}  // namespace

Tensor prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype,
            Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::prod(t, dim, keepdim, dtype, out);
  no_out(out, "prod", record);
  if (!record) return ops::prod(t, dim, keepdim, dtype, out);
  Tensor r = ops::prod(t, dim, keepdim, dtype, out);
  if (!is_floating(r->dtype())) return r;
  Ptr<FnNode> n = make_node(dim ? "ProdBackward1" : "ProdBackward0", prod_backward, {t.get()});
  set_dims(*n, dim ? OptDims(Dims{*dim}) : OptDims());
  n->i[1] = keepdim;
  save(*n, r->dtype() == t->dtype() ? t : ops::to(t, r->dtype(), t->device(), false));
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

Tensor nansum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
              Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::nansum(t, dim, keepdim, dtype, out);
  no_out(out, "nansum", record);
  if (!record) return ops::nansum(t, dim, keepdim, dtype, out);
  Tensor r = ops::nansum(t, dim, keepdim, dtype, out);
  if (!is_floating(r->dtype())) return r;
  Ptr<FnNode> n = make_node("NansumBackward0", nansum_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  save(*n, t);
  set_history(r, *n);
  return r;
}

// nanmean = nansum / (count of non-NaN), as PyTorch composes it (DivBackward0).
Tensor nanmean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
               Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::nanmean(t, dim, keepdim, dtype, out);
  no_out(out, "nanmean", record);
  if (!record || !is_floating(t->dtype())) return ops::nanmean(t, dim, keepdim, dtype, out);
  Tensor s = ag::nansum(t, dim, keepdim, dtype);
  Tensor notnan =
      ops::unary(UnaryOp::LogicalNot, ops::unary(UnaryOp::IsNan, t, t->dtype()), t->dtype());
  Tensor count = ops::sum(notnan, dim, keepdim, s->dtype());
  return div(s, count);
}

Tensor vector_norm(const Tensor& t, double ord, const OptDims& dim, bool keepdim,
                   std::optional<DType> dtype, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::vector_norm(t, ord, dim, keepdim, dtype, out);
  no_out(out, "linalg_vector_norm", record);
  if (!record) return ops::vector_norm(t, ord, dim, keepdim, dtype, out);
  Tensor r = ops::vector_norm(t, ord, dim, keepdim, dtype, out);
  Ptr<FnNode> n = make_node("LinalgVectorNormBackward0", norm_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  n->s[0] = Scalar::from_double(ord);
  save(*n, r->dtype() == t->dtype() ? t : ops::to(t, r->dtype(), t->device(), false));
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

namespace {
std::pair<Tensor, Tensor> record_var_mean(const char* name, bool is_std, const Tensor& t,
                                          const OptDims& dim, double correction, bool keepdim,
                                          std::pair<Tensor, Tensor> r) {
  Ptr<FnNode> n = make_node(name, var_mean_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  n->i[2] = is_std;
  n->s[0] = Scalar::from_double(correction);
  save(*n, t);
  set_history(r.first, *n);
  if (is_std) save(*n, r.first, true);
  set_history(r.second, *n);
  return r;
}
}  // namespace

std::pair<Tensor, Tensor> var_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim) {
  if (!should_record(t.get())) return ops::var_mean(t, dim, correction, keepdim);
  return record_var_mean("VarMeanBackward0", false, t, dim, correction, keepdim,
                         ops::var_mean(t, dim, correction, keepdim));
}

std::pair<Tensor, Tensor> std_mean(const Tensor& t, const OptDims& dim, double correction,
                                   bool keepdim) {
  if (!should_record(t.get())) return ops::std_mean(t, dim, correction, keepdim);
  return record_var_mean("StdMeanBackward0", true, t, dim, correction, keepdim,
                         ops::std_mean(t, dim, correction, keepdim));
}

Tensor cumprod(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::cumprod(t, dim, dtype, out);
  no_out(out, "cumprod", record);
  if (!record) return ops::cumprod(t, dim, dtype, out);
  Tensor r = ops::cumprod(t, dim, dtype, out);
  if (!is_floating(r->dtype())) return r;
  Ptr<FnNode> n = make_node("CumprodBackward0", cumprod_backward, {t.get()});
  n->i[0] = t->dim() == 0 ? 0 : wrap_dim(dim, t->dim());
  save(*n, r->dtype() == t->dtype() ? t : ops::to(t, r->dtype(), t->device(), false));
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

namespace {
template <typename Run>
std::pair<Tensor, Tensor> record_cum_extremum(const char* name, const char* op, const Tensor& t,
                                              int64_t dim, const Tensor& values, Run&& run) {
  bool record = should_record(t.get());
  if (!record && !values) return run();
  no_out(values, op, record);
  if (!record) return run();
  std::pair<Tensor, Tensor> r = run();
  if (!is_floating(r.first->dtype())) return r;
  Ptr<FnNode> n = make_node(name, cum_extremum_backward, {t.get()});
  n->i[0] = t->dim() == 0 ? 0 : wrap_dim(dim, t->dim());
  save(*n, r.second);
  set_history(r.first, *n);
  return r;
}
}  // namespace

std::pair<Tensor, Tensor> cummax(const Tensor& t, int64_t dim, Tensor values, Tensor indices) {
  return record_cum_extremum("CummaxBackward0", "cummax", t, dim, values,
                             [&] { return ops::cummax(t, dim, values, indices); });
}

std::pair<Tensor, Tensor> cummin(const Tensor& t, int64_t dim, Tensor values, Tensor indices) {
  return record_cum_extremum("CumminBackward0", "cummin", t, dim, values,
                             [&] { return ops::cummin(t, dim, values, indices); });
}

std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim,
                                  Tensor min_out, Tensor max_out) {
  bool record = should_record(t.get());
  if (!record && !min_out) return ops::aminmax(t, dim, keepdim, min_out, max_out);
  no_out(min_out, "aminmax", record);
  if (!record) return ops::aminmax(t, dim, keepdim, min_out, max_out);
  std::pair<Tensor, Tensor> r = ops::aminmax(t, dim, keepdim);
  if (!is_floating(r.first->dtype())) return r;
  Ptr<FnNode> n = make_node("AminmaxBackward0", aminmax_backward, {t.get()});
  set_dims(*n, dim ? OptDims(Dims{*dim}) : OptDims());
  n->i[1] = keepdim;
  save(*n, t);
  set_history(r.first, *n);
  save(*n, r.first, true);
  set_history(r.second, *n);
  save(*n, r.second, true);
  return r;
}

}  // namespace mt::ag
