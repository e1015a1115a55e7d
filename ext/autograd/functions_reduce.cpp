// functions_reduce.cpp: the reductions' ag:: entries and backward formulas.
#include <cmath>

#include "formulas.h"

namespace mt::ag {

namespace {

using ops::OptDims;

std::vector<Tensor> sum_backward(FnNode& n, std::vector<Tensor>& g) {
  return {expand_reduced(g[0], n.inputs[0].sizes, dims_of(n), keepdim_of(n))};
}

std::vector<Tensor> mean_backward(FnNode& n, std::vector<Tensor>& g) {
  double count = static_cast<double>(reduced_count(n.inputs[0].sizes, dims_of(n)));
  return {mul(expand_reduced(g[0], n.inputs[0].sizes, dims_of(n), keepdim_of(n)), 1.0 / count)};
}

// softmax: y (g - sum(g y)); log_softmax: g - exp(y) sum(g). i[0] = dim.
std::vector<Tensor> softmax_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor y = n.saved_at(0);
  Dims d{n.i[0]};
  Tensor s = ag::sum(mul(g[0], y), d, true, std::nullopt);
  return {mul(y, sub(g[0], s))};
}
std::vector<Tensor> log_softmax_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor y = n.saved_at(0);
  Dims d{n.i[0]};
  Tensor s = ag::sum(g[0], d, true, std::nullopt);
  return {sub(g[0], mul(un(UnaryOp::Exp, y), s))};
}

// logsumexp: g exp(x - y), y expanded back.
std::vector<Tensor> logsumexp_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  const Dims& sizes = n.inputs[0].sizes;
  OptDims dim = dims_of(n);
  Tensor ye = expand_reduced(y, sizes, dim, keepdim_of(n));
  Tensor ge = expand_reduced(g[0], sizes, dim, keepdim_of(n));
  return {mul(ge, un(UnaryOp::Exp, sub(x, ye)))};
}

// amax/amin/max()/min(): the gradient is shared evenly among the elements
// equal to the result.
std::vector<Tensor> extremum_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  const Dims& sizes = n.inputs[0].sizes;
  OptDims dim = dims_of(n);
  Tensor ye = expand_reduced(y, sizes, dim, keepdim_of(n));
  Tensor mask = cmp(BinaryOp::Eq, x, ye);
  Tensor maskf = ops::to(mask, x->dtype(), x->device(), false);
  Tensor count = ag::sum(maskf, dim ? *dim : Dims{}, true, std::nullopt);
  Tensor share =
      div(expand_reduced(g[0], sizes, dim, keepdim_of(n)), dim ? count : ag::view(count, Dims{}));
  return {mul(share, maskf)};
}

// var: g 2 (x - mean) / (N - correction); std: var's / (2 std).
std::vector<Tensor> var_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor x = n.saved_at(0);
  OptDims dim = dims_of(n);
  const Dims& sizes = n.inputs[0].sizes;
  double correction = n.s[0].to_double();
  double N = static_cast<double>(reduced_count(sizes, dim));
  Tensor m = ag::mean(x, dim ? *dim : Dims{}, true, std::nullopt);
  Tensor gi = expand_reduced(g[0], sizes, dim, keepdim_of(n));
  if (n.i[2]) {  // std: divide by 2 std
    Tensor sd = expand_reduced(n.saved_at(1), sizes, dim, keepdim_of(n));
    gi = div(gi, mul(sd, 2.0));
  }
  return {mul(mul(gi, sub(x, m)), 2.0 / std::max(0.0, N - correction))};
}

std::vector<Tensor> cumsum_backward(FnNode& n, std::vector<Tensor>& g) {
  // The reversed cumulative sum of g along dim.
  int64_t d = n.i[0];
  Tensor gf = ops::flip(g[0], Dims{d});
  Tensor c = ag::cumsum(gf, d, std::nullopt);
  return {ops::flip(c, Dims{d})};
}

// max/min along a dim: the gradient goes to the index that won.
// i[0] = dim, i[1] = keepdim; saved[0] = the indices.
std::vector<Tensor> index_extremum_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  Tensor gi = g[0];
  const InputMeta& in = n.inputs[0];
  if (in.sizes.empty()) return {gi};
  if (!n.i[1]) {
    idx = ops::unsqueeze(idx, n.i[0]);
    gi = ag::unsqueeze(gi, n.i[0]);
  }
  Tensor z = ops::full(in.sizes, Scalar::from_int(0), in.dtype, in.device);
  ops::scatter_(z, n.i[0], idx, ops::contiguous(gi), ops::ScatterOp::Assign);
  return {z};
}

std::pair<Tensor, Tensor> record_index_extremum(const char* name, const Tensor& t, int64_t dim,
                                                bool keepdim, std::pair<Tensor, Tensor> r) {
  Ptr<FnNode> n = make_node(name, index_extremum_backward, {t.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(t->dim(), 1));
  n->i[1] = keepdim;
  save(*n, r.second);
  set_history(r.first, *n);
  return r;
}

}  // namespace

std::pair<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim, Tensor values,
                              Tensor indices) {
  bool record = should_record(t.get());
  if (!record && !values) return ops::max(t, dim, keepdim, values, indices);
  no_out(values, "max", record);
  if (!record) return ops::max(t, dim, keepdim, values, indices);
  return record_index_extremum("MaxBackward0", t, dim, keepdim, ops::max(t, dim, keepdim));
}

std::pair<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim, Tensor values,
                              Tensor indices) {
  bool record = should_record(t.get());
  if (!record && !values) return ops::min(t, dim, keepdim, values, indices);
  no_out(values, "min", record);
  if (!record) return ops::min(t, dim, keepdim, values, indices);
  return record_index_extremum("MinBackward0", t, dim, keepdim, ops::min(t, dim, keepdim));
}

Tensor sum(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
           Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::sum(t, dim, keepdim, dtype, out);
  no_out(out, "sum", record);
  if (!record) return ops::sum(t, dim, keepdim, dtype, out);
  Ptr<FnNode> n = make_node("SumBackward1", sum_backward, {t.get()});
  if (!dim || dim->empty()) n->name_ = "SumBackward0";
  set_dims(*n, dim);
  n->i[1] = keepdim;
  Tensor r = ops::sum(t, dim, keepdim, dtype, out);
  if (is_floating(r->dtype())) set_history(r, *n);
  return r;
}

Tensor mean(const Tensor& t, const OptDims& dim, bool keepdim, std::optional<DType> dtype,
            Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::mean(t, dim, keepdim, dtype, out);
  no_out(out, "mean", record);
  if (!record) return ops::mean(t, dim, keepdim, dtype, out);
  Ptr<FnNode> n = make_node("MeanBackward1", mean_backward, {t.get()});
  if (!dim || dim->empty()) n->name_ = "MeanBackward0";
  set_dims(*n, dim);
  n->i[1] = keepdim;
  Tensor r = ops::mean(t, dim, keepdim, dtype, out);
  set_history(r, *n);
  return r;
}

Tensor softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype) {
  if (!should_record(t.get())) return ops::softmax(t, dim, dtype);
  Ptr<FnNode> n = make_node("SoftmaxBackward0", softmax_backward, {t.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(t->dim(), 1));
  Tensor r = ops::softmax(t, dim, dtype);
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

Tensor log_softmax(const Tensor& t, int64_t dim, std::optional<DType> dtype) {
  if (!should_record(t.get())) return ops::log_softmax(t, dim, dtype);
  Ptr<FnNode> n = make_node("LogSoftmaxBackward0", log_softmax_backward, {t.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(t->dim(), 1));
  Tensor r = ops::log_softmax(t, dim, dtype);
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

Tensor logsumexp(const Tensor& t, const Dims& dim, bool keepdim, DType default_float, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::logsumexp(t, dim, keepdim, default_float, out);
  no_out(out, "logsumexp", record);
  if (!record) return ops::logsumexp(t, dim, keepdim, default_float, out);
  Ptr<FnNode> n = make_node("LogsumexpBackward0", logsumexp_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  save(*n, t);
  Tensor r = ops::logsumexp(t, dim, keepdim, default_float, out);
  set_history(r, *n);
  save(*n, r, true);
  return r;
}

namespace {
Tensor record_extremum(const char* name, const Tensor& t, const OptDims& dim, bool keepdim,
                       Tensor r) {
  Ptr<FnNode> n = make_node(name, extremum_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  save(*n, t);
  set_history(r, *n);
  save(*n, r, true);
  return r;
}
}  // namespace

Tensor amax(const Tensor& t, const Dims& dim, bool keepdim, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::amax(t, dim, keepdim, out);
  no_out(out, "amax", record);
  if (!record) return ops::amax(t, dim, keepdim, out);
  return record_extremum("AmaxBackward0", t, dim, keepdim, ops::amax(t, dim, keepdim, out));
}

Tensor amin(const Tensor& t, const Dims& dim, bool keepdim, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::amin(t, dim, keepdim, out);
  no_out(out, "amin", record);
  if (!record) return ops::amin(t, dim, keepdim, out);
  return record_extremum("AminBackward0", t, dim, keepdim, ops::amin(t, dim, keepdim, out));
}

Tensor max(const Tensor& t) {
  if (!should_record(t.get())) return ops::max(t);
  return record_extremum("MaxBackward1", t, std::nullopt, false, ops::max(t));
}

Tensor min(const Tensor& t) {
  if (!should_record(t.get())) return ops::min(t);
  return record_extremum("MinBackward1", t, std::nullopt, false, ops::min(t));
}

namespace {
Tensor record_var(const char* name, bool is_std, const Tensor& t, const OptDims& dim,
                  double correction, bool keepdim, Tensor r) {
  Ptr<FnNode> n = make_node(name, var_backward, {t.get()});
  set_dims(*n, dim);
  n->i[1] = keepdim;
  n->i[2] = is_std;
  n->s[0] = Scalar::from_double(correction);
  save(*n, t);
  set_history(r, *n);
  if (is_std) save(*n, r, true);
  return r;
}
}  // namespace

Tensor var(const Tensor& t, const OptDims& dim, double correction, bool keepdim, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::var(t, dim, correction, keepdim, out);
  no_out(out, "var", record);
  if (!record) return ops::var(t, dim, correction, keepdim, out);
  return record_var("VarBackward0", false, t, dim, correction, keepdim,
                    ops::var(t, dim, correction, keepdim, out));
}

Tensor stddev(const Tensor& t, const OptDims& dim, double correction, bool keepdim, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::stddev(t, dim, correction, keepdim, out);
  no_out(out, "std", record);
  if (!record) return ops::stddev(t, dim, correction, keepdim, out);
  return record_var("StdBackward0", true, t, dim, correction, keepdim,
                    ops::stddev(t, dim, correction, keepdim, out));
}

Tensor cumsum(const Tensor& t, int64_t dim, std::optional<DType> dtype, Tensor out) {
  bool record = should_record(t.get());
  if (!record && !out) return ops::cumsum(t, dim, dtype, out);
  no_out(out, "cumsum", record);
  if (!record) return ops::cumsum(t, dim, dtype, out);
  Ptr<FnNode> n = make_node("CumsumBackward0", cumsum_backward, {t.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(t->dim(), 1));
  Tensor r = ops::cumsum(t, dim, dtype, out);
  if (t->dim() == 0) n->i[0] = 0;
  if (is_floating(r->dtype())) set_history(r, *n);
  return r;
}

}  // namespace mt::ag
