// functions_index.cpp: ag:: entries and backward formulas of advanced
// indexing (index, index_put_, __setitem__), scatter/index_*/masked_*/take,
// and the values of sort/topk/kthvalue. Index tensors never get gradients.
#include "formulas.h"

namespace mt::ag {

namespace {

Tensor zeros_of(const InputMeta& m) {
  return ops::full(m.sizes, Scalar::from_int(0), m.dtype, m.device);
}
Tensor zero0d(const Tensor& like) {
  return ops::full(Dims{}, Scalar::from_int(0), like->dtype(), like->device());
}

// Index lists with null entries (whole dims): the non-null ones are saved
// from `first` on, d0[k] says whether entry k was present.
void save_indices(FnNode& n, const std::vector<Tensor>& idx) {
  for (const Tensor& t : idx) {
    n.d0.push_back(t ? 1 : 0);
    if (t) save(n, t);
  }
}
std::vector<Tensor> saved_indices(FnNode& n, size_t first) {
  std::vector<Tensor> r;
  size_t k = first;
  for (int64_t j = 0; j < n.d0.size(); ++j) r.push_back(n.d0[j] ? n.saved_at(k++) : Tensor());
  return r;
}

// A gradient whose shape must be `m`'s: reshaped when only the shape differs
// (0-d vs 1-element), or summed back from a broadcast.
Tensor fit(const Tensor& g, const InputMeta& m) {
  if (g->sizes() == m.sizes) return g;
  if (g->numel() == numel_of(m.sizes) && !is_expandable_to(m.sizes, g->sizes()))
    return ag::reshape(g, m.sizes);
  return sum_to(g, m.sizes);
}

// A gradient for src of a scatter-like op from the values at index's shape:
// src may be larger than index; the rest gets zeros.
Tensor pad_to(const Tensor& g, const InputMeta& m) {
  if (g->sizes() == m.sizes) return g;
  if (g->numel() == numel_of(m.sizes)) return ag::reshape(g, m.sizes);
  Tensor z = zeros_of(m);
  Tensor v = z;
  for (int64_t d = 0; d < g->dim(); ++d) v = ops::narrow(v, d, 0, g->size(d));
  ops::copy_(v, g);
  return z;
}

// ---- formulas ----

std::vector<Tensor> index_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor z = zeros_of(n.inputs[0]);
  ag::index_put_(z, saved_indices(n, 0), g[0], /*accumulate=*/true);
  return {z};
}

// i[0]: accumulate.
std::vector<Tensor> index_put_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> idx = saved_indices(n, 0);
  std::vector<Tensor> r(2);
  if (n.needs(0)) {
    if (n.i[0]) {
      r[0] = g[0];
    } else {
      r[0] = ag::clone(g[0]);
      ag::index_put_(r[0], idx, zero0d(g[0]), false);
    }
  }
  if (n.needs(1)) r[1] = fit(ag::index(g[0], idx), n.inputs[1]);
  return r;
}

// The view part of x[items] = v applied to t (tensor items as whole dims).
Tensor items_view(FnNode& n, const Tensor& t, bool differentiable) {
  auto f = differentiable ? ag::basic_index : ops::basic_index;
  return f(t, n.items.data(), static_cast<int64_t>(n.items.size())).view;
}

// CopySlices / IndexPutBackward0 of __setitem__: i[0] = has advanced indices.
std::vector<Tensor> setitem_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> idx = n.i[0] ? saved_indices(n, 0) : std::vector<Tensor>{};
  std::vector<Tensor> r(2);
  if (n.needs(0)) {
    // g with the written region zeroed: g * mask keeps it differentiable.
    Tensor mask = ops::full(g[0]->sizes(), Scalar::from_int(1), g[0]->dtype(), g[0]->device());
    Tensor v = items_view(n, mask, false);
    if (n.i[0])
      ops::index_put_(v, idx, zero0d(mask), false);
    else
      ops::fill_(v, Scalar::from_int(0));
    r[0] = mul(g[0], mask);
  }
  if (n.needs(1)) {
    Tensor v = items_view(n, g[0], true);
    if (n.i[0]) v = ag::index(v, idx);
    r[1] = fit(v, n.inputs[1]);
  }
  return r;
}

// scatter_ (src): i[0] = dim, i[1] = op.
std::vector<Tensor> scatter_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  auto op = static_cast<ops::ScatterOp>(n.i[1]);
  std::vector<Tensor> r(2);
  if (n.needs(0)) {
    if (op == ops::ScatterOp::Add) {
      r[0] = g[0];
    } else {
      r[0] = ag::clone(g[0]);
      ag::scatter_value_(r[0], n.i[0], idx, Scalar::from_int(0), ops::ScatterOp::Assign);
    }
  }
  if (n.needs(1)) r[1] = pad_to(ag::gather(g[0], n.i[0], idx), n.inputs[1]);
  return r;
}

std::vector<Tensor> scatter_value_backward(FnNode& n, std::vector<Tensor>& g) {
  if (static_cast<ops::ScatterOp>(n.i[1]) == ops::ScatterOp::Add) return {g[0]};
  Tensor r = ag::clone(g[0]);
  ag::scatter_value_(r, n.i[0], n.saved_at(0), Scalar::from_int(0), ops::ScatterOp::Assign);
  return {r};
}

std::vector<Tensor> not_implemented_backward(FnNode& n, std::vector<Tensor>&) {
  MT_THROW(RuntimeError, "the derivative for '", n.name_, "' is not implemented.");
}

// index_add_: i[0] = dim, s[0] = alpha.
std::vector<Tensor> index_add_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = g[0];
  if (n.needs(1)) {
    Tensor s = ag::index_select(g[0], n.i[0], n.saved_at(0));
    double a = n.s[0].to_double();
    if (a != 1.0) s = mul(s, a);
    r[1] = fit(s, n.inputs[1]);
  }
  return r;
}

std::vector<Tensor> index_copy_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  std::vector<Tensor> r(2);
  if (n.needs(0)) {
    r[0] = ag::clone(g[0]);
    ag::index_fill_(r[0], n.i[0], idx, Scalar::from_int(0));
  }
  if (n.needs(1)) r[1] = fit(ag::index_select(g[0], n.i[0], idx), n.inputs[1]);
  return r;
}

std::vector<Tensor> index_fill_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor r = ag::clone(g[0]);
  ag::index_fill_(r, n.i[0], n.saved_at(0), Scalar::from_int(0));
  return {r};
}

std::vector<Tensor> masked_fill_backward(FnNode& n, std::vector<Tensor>& g) {
  return {zero_where(n.saved_at(0), g[0])};
}

// masked_fill with a 0-d value tensor: it gets the sum of g where the mask holds.
std::vector<Tensor> masked_fill_value_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor mask = n.saved_at(0);
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = zero_where(mask, g[0]);
  if (n.needs(1)) r[1] = ag::sum(keep_where(mask, g[0]), std::nullopt, false, std::nullopt);
  return r;
}

std::vector<Tensor> masked_scatter_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor mask = n.saved_at(0);
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = sum_to(zero_where(mask, g[0]), n.inputs[0].sizes);
  if (n.needs(1)) {
    Tensor sel = ag::masked_select(g[0], mask);
    int64_t total = numel_of(n.inputs[1].sizes);
    if (sel->numel() < total) {
      Tensor rest =
          ops::full(Dims{total - sel->numel()}, Scalar::from_int(0), sel->dtype(), sel->device());
      sel = ag::cat({sel, rest}, 0);
    }
    r[1] = ag::reshape(sel, n.inputs[1].sizes);
  }
  return r;
}

// masked_select: d1 = the broadcast shape of self and mask.
std::vector<Tensor> masked_select_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor mask = ops::expand(n.saved_at(0), n.d1);
  Tensor z = ops::full(n.d1, Scalar::from_int(0), g[0]->dtype(), g[0]->device());
  ag::masked_scatter_(z, mask, g[0]);
  return {sum_to(z, n.inputs[0].sizes)};
}

std::vector<Tensor> take_backward(FnNode& n, std::vector<Tensor>& g) {
  const InputMeta& m = n.inputs[0];
  Tensor z = ops::full(Dims{numel_of(m.sizes)}, Scalar::from_int(0), m.dtype, m.device);
  Tensor idx = ops::reshape(n.saved_at(0), Dims{-1});
  ag::index_put_(z, {idx}, ag::reshape(g[0], Dims{-1}), /*accumulate=*/true);
  return {ag::reshape(z, m.sizes)};
}

// sort/topk/kthvalue values: i[0] = dim, i[1] = 1 when the dim was dropped
// (kthvalue keepdim=False).
std::vector<Tensor> values_backward(FnNode& n, std::vector<Tensor>& g) {
  const InputMeta& m = n.inputs[0];
  if (m.sizes.size() == 0) return {ag::reshape(g[0], m.sizes)};
  Tensor idx = n.saved_at(0);
  Tensor gv = g[0];
  if (n.i[1]) {
    gv = ag::unsqueeze(gv, n.i[0]);
    idx = ops::unsqueeze(idx, n.i[0]);
  }
  Tensor z = zeros_of(m);
  ag::scatter_(z, n.i[0], idx, gv, ops::ScatterOp::Assign);
  return {z};
}

// Records a node for an in-place op on self with extra inputs; runs `run`.
template <typename Run, typename Fill>
void record_inplace(const char* name, Formula f, const Tensor& self,
                    std::initializer_list<const TensorImpl*> inputs, Run&& run, Fill&& fill) {
  check_inplace(self.get());
  Ptr<FnNode> n = make_node(name, f, inputs);
  fill(*n);
  run();
  set_history(self, *n);
}

}  // namespace

// ---- advanced indexing ----

Tensor index(const Tensor& self, const std::vector<Tensor>& indices) {
  if (!should_record(self.get())) return ops::index(self, indices);
  Ptr<FnNode> n = make_node("IndexBackward0", index_backward, {self.get()});
  save_indices(*n, indices);
  Tensor r = ops::index(self, indices);
  set_history(r, *n);
  return r;
}

void index_put_(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values,
                bool accumulate) {
  if (!should_record(self.get(), values.get()))
    return ops::index_put_(self, indices, values, accumulate);
  record_inplace(
      "IndexPutBackward0", index_put_backward, self, {self.get(), values.get()},
      [&] { ops::index_put_(self, indices, values, accumulate); },
      [&](FnNode& n) {
        n.i[0] = accumulate;
        save_indices(n, indices);
      });
}

void setitem_(const Tensor& self, const std::vector<ops::IndexItem>& items,
              const ops::BasicIndex& r, const Tensor& value) {
  auto write = [&] {
    if (r.has_adv)
      ops::index_put_(r.view, r.adv, value, false);
    else
      ops::copy_(r.view, value);
  };
  if (!should_record(self.get(), value.get())) return write();
  // PyTorch writes through a view (CopySlices) unless the basic part leaves
  // self whole (only tensors, `...` and full slices).
  const TensorImpl& v = *r.view;
  bool view_part =
      v.sizes() != self->sizes() || v.strides() != self->strides() || v.offset() != self->offset();
  const char* name = view_part   ? "torch::autograd::CopySlices"
                     : r.has_adv ? "IndexPutBackward0"
                                 : "torch::autograd::CopyBackwards";
  if (view_part && grad_enabled() && self->requires_grad() && is_leaf(self.get()))
    MT_THROW(RuntimeError,
             "a view of a leaf Variable that requires grad is being used in an in-place "
             "operation.");
  record_inplace(name, setitem_backward, self, {self.get(), value.get()}, write, [&](FnNode& n) {
    n.i[0] = r.has_adv;
    for (const auto& it : items) {
      if (it.kind != ops::IndexItem::Kind::Tensor) {
        n.items.push_back(it);
        continue;
      }
      // A tensor item covers whole dims of the view (a k-d mask covers k).
      DType dt = it.tensor->dtype();
      int64_t k = dt == DType::Bool || dt == DType::UInt8 ? it.tensor->dim() : 1;
      ops::IndexItem whole;
      whole.kind = ops::IndexItem::Kind::Slice;
      for (int64_t j = 0; j < k; ++j) n.items.push_back(whole);
    }
    if (r.has_adv) save_indices(n, r.adv);
  });
}

// ---- scatter, index_*, masked_*, take ----

void scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
              ops::ScatterOp op) {
  if (!should_record(self.get(), src.get())) return ops::scatter_(self, dim, index, src, op);
  bool add = op == ops::ScatterOp::Add;
  bool assign = op == ops::ScatterOp::Assign;
  record_inplace(
      add      ? "ScatterAddBackward0"
      : assign ? "ScatterBackward0"
               : "NotImplemented",
      add || assign ? scatter_backward : not_implemented_backward, self, {self.get(), src.get()},
      [&] { ops::scatter_(self, dim, index, src, op); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
        n.i[1] = static_cast<int64_t>(op);
        save(n, index);
      });
}

void scatter_value_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value,
                    ops::ScatterOp op) {
  if (!should_record(self.get())) return ops::scatter_value_(self, dim, index, value, op);
  bool ok = op != ops::ScatterOp::Multiply;
  record_inplace(
      ok ? "ScatterBackward1" : "NotImplemented",
      ok ? scatter_value_backward : not_implemented_backward, self, {self.get()},
      [&] { ops::scatter_value_(self, dim, index, value, op); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
        n.i[1] = static_cast<int64_t>(op);
        save(n, index);
      });
}

void index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                Scalar alpha) {
  if (!should_record(self.get(), source.get()))
    return ops::index_add_(self, dim, index, source, alpha);
  record_inplace(
      "IndexAddBackward0", index_add_backward, self, {self.get(), source.get()},
      [&] { ops::index_add_(self, dim, index, source, alpha); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
        n.s[0] = alpha;
        save(n, index);
      });
}

void index_copy_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source) {
  if (!should_record(self.get(), source.get())) return ops::index_copy_(self, dim, index, source);
  record_inplace(
      "IndexCopyBackward0", index_copy_backward, self, {self.get(), source.get()},
      [&] { ops::index_copy_(self, dim, index, source); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
        save(n, index);
      });
}

void index_fill_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value) {
  if (!should_record(self.get())) return ops::index_fill_(self, dim, index, value);
  record_inplace(
      "IndexFillBackward0", index_fill_backward, self, {self.get()},
      [&] { ops::index_fill_(self, dim, index, value); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
        save(n, index);
      });
}

void masked_fill_(const Tensor& self, const Tensor& mask, Scalar value) {
  if (!should_record(self.get())) return ops::masked_fill_(self, mask, value);
  record_inplace(
      "MaskedFillBackward0", masked_fill_backward, self, {self.get()},
      [&] { ops::masked_fill_(self, mask, value); }, [&](FnNode& n) { save(n, mask); });
}

void masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value) {
  Scalar v = ops::item(value);
  if (!should_record(self.get(), value.get())) return ops::masked_fill_(self, mask, v);
  record_inplace(
      "MaskedFillBackward1", masked_fill_value_backward, self, {self.get(), value.get()},
      [&] { ops::masked_fill_(self, mask, v); }, [&](FnNode& n) { save(n, mask); });
}

Tensor masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value) {
  Scalar v = ops::item(value);
  if (!should_record(self.get(), value.get())) return ops::masked_fill(self, mask, v);
  Ptr<FnNode> n =
      make_node("MaskedFillBackward1", masked_fill_value_backward, {self.get(), value.get()});
  save(*n, mask);
  Tensor r = ops::masked_fill(self, mask, v);
  set_history(r, *n);
  return r;
}

void masked_scatter_(const Tensor& self, const Tensor& mask, const Tensor& source) {
  if (!should_record(self.get(), source.get())) return ops::masked_scatter_(self, mask, source);
  record_inplace(
      "MaskedScatterBackward0", masked_scatter_backward, self, {self.get(), source.get()},
      [&] { ops::masked_scatter_(self, mask, source); }, [&](FnNode& n) { save(n, mask); });
}

Tensor masked_scatter(const Tensor& self, const Tensor& mask, const Tensor& source) {
  if (!should_record(self.get(), source.get())) return ops::masked_scatter(self, mask, source);
  Ptr<FnNode> n =
      make_node("MaskedScatterBackward0", masked_scatter_backward, {self.get(), source.get()});
  save(*n, mask);
  Tensor r = ops::masked_scatter(self, mask, source);
  set_history(r, *n);
  return r;
}

Tensor masked_select(const Tensor& self, const Tensor& mask) {
  if (!should_record(self.get())) return ops::masked_select(self, mask);
  Ptr<FnNode> n = make_node("MaskedSelectBackward0", masked_select_backward, {self.get()});
  Tensor r = ops::masked_select(self, mask);
  n->d1 = ops::broadcast_shapes({self->sizes(), mask->sizes()});
  save(*n, mask);
  set_history(r, *n);
  return r;
}

Tensor take(const Tensor& self, const Tensor& index) {
  if (!should_record(self.get())) return ops::take(self, index);
  Ptr<FnNode> n = make_node("TakeBackward0", take_backward, {self.get()});
  save(*n, index);
  Tensor r = ops::take(self, index);
  set_history(r, *n);
  return r;
}

// ---- sort, topk, kthvalue ----

namespace {
ops::ValuesIndices record_values(const char* name, const Tensor& self, int64_t dim, bool dropped,
                                 ops::ValuesIndices r) {
  Ptr<FnNode> n = make_node(name, values_backward, {self.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
  n->i[1] = dropped && self->dim() > 0;
  save(*n, r.indices);
  set_history(r.values, *n);
  return r;
}
}  // namespace

ops::ValuesIndices sort(const Tensor& self, int64_t dim, bool descending) {
  if (!should_record(self.get())) return ops::sort(self, dim, descending);
  return record_values("SortBackward0", self, dim, false, ops::sort(self, dim, descending));
}

ops::ValuesIndices topk(const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted) {
  if (!should_record(self.get())) return ops::topk(self, k, dim, largest, sorted);
  return record_values("TopkBackward0", self, dim, false, ops::topk(self, k, dim, largest, sorted));
}

ops::ValuesIndices kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim) {
  if (!should_record(self.get())) return ops::kthvalue(self, k, dim, keepdim);
  return record_values("KthvalueBackward0", self, dim, !keepdim,
                       ops::kthvalue(self, k, dim, keepdim));
}

}  // namespace mt::ag
