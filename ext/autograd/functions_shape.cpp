// functions_shape.cpp: ag:: entries and backward formulas of the copy,
// conversion, view, join and indexing ops.
#include <numeric>

#include "formulas.h"

namespace mt::ag {

namespace {

Tensor zeros_of(const InputMeta& m) {
  return ops::full(m.sizes, Scalar::from_int(0), m.dtype, m.device);
}

// A gradient for a view op's input: zeros with g written where the view was.
// Not differentiable again (a later change can use index_put-like ops).
template <typename F>
Tensor scatter_into_zeros(const InputMeta& m, const Tensor& g, F&& view_of) {
  Tensor z = zeros_of(m);
  ops::copy_(view_of(z), g);
  return z;
}

std::vector<Tensor> pass_backward(FnNode&, std::vector<Tensor>& g) { return {g[0]}; }

std::vector<Tensor> reshape_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::reshape(g[0], n.inputs[0].sizes)};
}

std::vector<Tensor> transpose_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::transpose(g[0], n.i[0], n.i[1])};
}

std::vector<Tensor> permute_backward(FnNode& n, std::vector<Tensor>& g) {
  Dims inv(n.d0.size());
  for (int64_t k = 0; k < n.d0.size(); ++k) inv[n.d0[k]] = k;
  return {ag::permute(g[0], inv)};
}

std::vector<Tensor> expand_backward(FnNode& n, std::vector<Tensor>& g) {
  return {sum_to(g[0], n.inputs[0].sizes)};
}

std::vector<Tensor> narrow_backward(FnNode& n, std::vector<Tensor>& g) {
  return {scatter_into_zeros(
      n.inputs[0], g[0], [&](const Tensor& z) { return ops::narrow(z, n.i[0], n.i[1], n.i[2]); })};
}

std::vector<Tensor> select_backward(FnNode& n, std::vector<Tensor>& g) {
  return {scatter_into_zeros(n.inputs[0], g[0],
                             [&](const Tensor& z) { return ops::select(z, n.i[0], n.i[1]); })};
}

std::vector<Tensor> unsqueeze_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::squeeze_dims(g[0], Dims{n.i[0]})};
}

std::vector<Tensor> basic_index_backward(FnNode& n, std::vector<Tensor>& g) {
  // An alias (only whole dims and new unit dims): the same elements.
  if (n.name_[0] == 'A') return {ag::reshape(g[0], n.inputs[0].sizes)};
  // zeros with g written into the view, recorded (CopySlices) under create_graph.
  Tensor z = zeros_of(n.inputs[0]);
  ag::setitem_(z, n.items,
               ops::basic_index(z, n.items.data(), static_cast<int64_t>(n.items.size())), g[0]);
  return {z};
}

// cat: each input's slice of g along the dim (i[0]); d0 = the input sizes along it.
std::vector<Tensor> cat_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(n.next.size());
  int64_t start = 0;
  for (size_t k = 0; k < n.next.size(); ++k) {
    int64_t len = n.d0[k];
    if (n.needs(k) && n.inputs[k].sizes.size() > 0) r[k] = ag::narrow(g[0], n.i[0], start, len);
    start += len;
  }
  return r;
}

std::vector<Tensor> stack_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(n.next.size());
  for (size_t k = 0; k < n.next.size(); ++k)
    if (n.needs(k)) r[k] = ag::select(g[0], n.i[0], static_cast<int64_t>(k));
  return r;
}

std::vector<Tensor> copy_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = zeros_like(g[0]);
  if (n.needs(1)) r[1] = g[0];
  return r;
}

std::vector<Tensor> fill_backward(FnNode& n, std::vector<Tensor>& g) {
  return {n.needs(0) ? zeros_like(g[0]) : Tensor()};
}

std::vector<Tensor> index_select_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  Tensor z = zeros_of(n.inputs[0]);
  ops::index_add_(z, n.i[0], idx, ops::contiguous(g[0]), Scalar::from_int(1));
  return {z};
}

std::vector<Tensor> gather_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor idx = n.saved_at(0);
  Tensor z = zeros_of(n.inputs[0]);
  ops::scatter_(z, n.i[0], idx, g[0], ops::ScatterOp::Add);
  return {z};
}

std::vector<Tensor> masked_fill_backward(FnNode& n, std::vector<Tensor>& g) {
  return {zero_where(n.saved_at(0), g[0])};
}

// A view op: record only when the input wants grad.
template <typename Run, typename Fill>
Tensor record_view(const char* name, Formula f, const Tensor& t, Run&& run, Fill&& fill) {
  if (!should_record(t.get())) return run();
  Ptr<FnNode> n = make_node(name, f, {t.get()});
  fill(*n);
  Tensor r = run();
  if (r.get() == t.get()) return r;  // returned itself: nothing to record
  set_history(r, *n);
  mark_view(r, t.get());
  return r;
}
auto no_fill = [](FnNode&) {};

}  // namespace

// ---- copies and conversions ----

void copy_(const Tensor& dst, const Tensor& src) {
  bool record = should_record(dst.get(), src.get());
  if (!record) return ops::copy_(dst, src);
  check_inplace(dst.get());
  Ptr<FnNode> n =
      make_node("torch::autograd::CopyBackwards", copy_backward, {dst.get(), src.get()});
  ops::copy_(dst, src);
  if (is_floating(dst->dtype())) set_history(dst, *n);
}

void fill_(const Tensor& dst, Scalar value) {
  bool record = should_record(dst.get());
  if (!record) return ops::fill_(dst, value);
  check_inplace(dst.get());
  Ptr<FnNode> n = make_node("FillBackward0", fill_backward, {dst.get()});
  ops::fill_(dst, value);
  set_history(dst, *n);
}

Tensor clone(const Tensor& t) {
  return record_view("CloneBackward0", pass_backward, t, [&] { return ops::clone(t); }, no_fill);
}

Tensor contiguous(const Tensor& t) {
  return record_view(
      "CloneBackward0", pass_backward, t, [&] { return ops::contiguous(t); }, no_fill);
}

Tensor clone(const Tensor& t, ops::MemoryFormat fmt) {
  return record_view(
      "CloneBackward0", pass_backward, t, [&] { return ops::clone(t, fmt); }, no_fill);
}

Tensor contiguous(const Tensor& t, ops::MemoryFormat fmt) {
  return record_view(
      "CloneBackward0", pass_backward, t, [&] { return ops::contiguous(t, fmt); }, no_fill);
}

Tensor to(const Tensor& t, DType dtype, Device device, bool copy) {
  return record_view(
      "ToCopyBackward0", pass_backward, t, [&] { return ops::to(t, dtype, device, copy); },
      no_fill);
}

// ---- views ----

Tensor view(const Tensor& t, const Dims& sizes) {
  return record_view(
      "ViewBackward0", reshape_backward, t, [&] { return ops::view(t, sizes); }, no_fill);
}

Tensor reshape(const Tensor& t, const Dims& sizes) {
  // A reshape that copies is a clone plus a view in PyTorch; one node here.
  return record_view(
      "ViewBackward0", reshape_backward, t, [&] { return ops::reshape(t, sizes); }, no_fill);
}

Tensor transpose(const Tensor& t, int64_t d0, int64_t d1) {
  return record_view(
      "TransposeBackward0", transpose_backward, t, [&] { return ops::transpose(t, d0, d1); },
      [&](FnNode& n) {
        n.i[0] = d0;
        n.i[1] = d1;
      });
}

Tensor t(const Tensor& x) {
  if (x->dim() < 2) return ag::alias(x);
  return record_view(
      "TBackward0", transpose_backward, x, [&] { return ops::transpose(x, 0, 1); },
      [&](FnNode& n) {
        n.i[0] = 0;
        n.i[1] = 1;
      });
}

Tensor permute(const Tensor& t, const Dims& dims) {
  return record_view(
      "PermuteBackward0", permute_backward, t, [&] { return ops::permute(t, dims); },
      [&](FnNode& n) {
        n.d0 = dims;
        for (auto& d : n.d0) d = wrap_dim(d, t->dim());
      });
}

Tensor expand(const Tensor& t, const Dims& sizes) {
  return record_view(
      "ExpandBackward0", expand_backward, t, [&] { return ops::expand(t, sizes); }, no_fill);
}

Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  return record_view(
      "SliceBackward0", narrow_backward, t, [&] { return ops::narrow(t, dim, start, length); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, t->dim());
        n.i[1] = start < 0 ? start + t->size(dim) : start;
        n.i[2] = length;
      });
}

Tensor select(const Tensor& t, int64_t dim, int64_t index) {
  return record_view(
      "SelectBackward0", select_backward, t, [&] { return ops::select(t, dim, index); },
      [&](FnNode& n) {
        n.i[0] = wrap_dim(dim, t->dim());
        n.i[1] = index < 0 ? index + t->size(dim) : index;
      });
}

Tensor unsqueeze(const Tensor& t, int64_t dim) {
  return record_view(
      "UnsqueezeBackward0", unsqueeze_backward, t, [&] { return ops::unsqueeze(t, dim); },
      [&](FnNode& n) { n.i[0] = wrap_dim(dim, t->dim() + 1); });
}

Tensor squeeze(const Tensor& t, std::optional<int64_t> dim) {
  return record_view(
      dim ? "SqueezeBackward1" : "SqueezeBackward0", reshape_backward, t,
      [&] { return ops::squeeze(t, dim); }, no_fill);
}

Tensor squeeze_dims(const Tensor& t, const Dims& dims) {
  return record_view(
      "SqueezeBackward2", reshape_backward, t, [&] { return ops::squeeze_dims(t, dims); }, no_fill);
}

Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  return record_view(
      "ViewBackward0", reshape_backward, t, [&] { return ops::flatten(t, start_dim, end_dim); },
      no_fill);
}

Tensor unflatten(const Tensor& t, int64_t dim, const Dims& sizes) {
  return record_view(
      "ViewBackward0", reshape_backward, t, [&] { return ops::unflatten(t, dim, sizes); }, no_fill);
}

Tensor alias(const Tensor& t) {
  return record_view("AliasBackward0", pass_backward, t, [&] { return ops::alias(t); }, no_fill);
}

ops::BasicIndex basic_index(const Tensor& self, const ops::IndexItem* items, int64_t n) {
  ops::BasicIndex r = ops::basic_index(self, items, n);
  if (!should_record(self.get())) return r;
  // Index items with tensors (advanced indexing) are applied later by
  // ops::index on r.view; the view part has no tensors.
  Ptr<FnNode> node = make_node("SliceBackward0", basic_index_backward, {self.get()});
  int ints = 0, slices = 0;
  for (int64_t k = 0; k < n; ++k) {
    ops::IndexItem it = items[k];
    if (it.kind == ops::IndexItem::Kind::Tensor) {
      // Whole dims (a k-d bool/uint8 mask covers k), applied later by ops::index.
      DType dt = it.tensor->dtype();
      int64_t dims = dt == DType::Bool || dt == DType::UInt8 ? it.tensor->dim() : 1;
      ops::IndexItem whole;
      whole.kind = ops::IndexItem::Kind::Slice;
      for (int64_t j = 0; j < dims; ++j) node->items.push_back(whole);
      continue;
    }
    ints += it.kind == ops::IndexItem::Kind::Int;
    slices += it.kind == ops::IndexItem::Kind::Slice;
    node->items.push_back(std::move(it));
  }
  if (ints && !slices) node->name_ = "SelectBackward0";
  if (!ints && !slices) node->name_ = "AliasBackward0";
  if (r.view.get() != self.get()) {
    set_history(r.view, *node);
    mark_view(r.view, self.get());
  }
  return r;
}

// ---- joins ----

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  bool record = false;
  for (auto& t : ts) record = record || wants_grad(t.get());
  if (!record || !grad_enabled()) return ops::cat(ts, dim);
  Tensor r = ops::cat(ts, dim);
  Ptr<FnNode> n = make<FnNode>("CatBackward0", cat_backward);
  n->i[0] = wrap_dim(dim, r->dim());
  for (auto& t : ts) {
    n->next.push_back(wants_grad(t.get()) ? gradient_edge(t.get()) : Edge{});
    n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
    n->d0.push_back(
        t->dim() == 0 || (t->dim() == 1 && t->size(0) == 0 && r->dim() > 1) ? 0 : t->size(n->i[0]));
  }
  set_history(r, *n);
  return r;
}

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  bool record = false;
  for (auto& t : ts) record = record || wants_grad(t.get());
  if (!record || !grad_enabled()) return ops::stack(ts, dim);
  Tensor r = ops::stack(ts, dim);
  Ptr<FnNode> n = make<FnNode>("StackBackward0", stack_backward);
  n->i[0] = wrap_dim(dim, r->dim());
  for (auto& t : ts) {
    n->next.push_back(wants_grad(t.get()) ? gradient_edge(t.get()) : Edge{});
    n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
  }
  set_history(r, *n);
  return r;
}

// ---- indexing ----

Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index) {
  if (!should_record(self.get())) return ops::index_select(self, dim, index);
  Ptr<FnNode> n = make_node("IndexSelectBackward0", index_select_backward, {self.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
  save(*n, index);
  Tensor r = ops::index_select(self, dim, index);
  set_history(r, *n);
  return r;
}

Tensor gather(const Tensor& self, int64_t dim, const Tensor& index) {
  if (!should_record(self.get())) return ops::gather(self, dim, index);
  Ptr<FnNode> n = make_node("GatherBackward0", gather_backward, {self.get()});
  n->i[0] = wrap_dim(dim, std::max<int64_t>(self->dim(), 1));
  save(*n, index);
  Tensor r = ops::gather(self, dim, index);
  set_history(r, *n);
  return r;
}

Tensor masked_fill(const Tensor& self, const Tensor& mask, Scalar value) {
  if (!should_record(self.get())) return ops::masked_fill(self, mask, value);
  Ptr<FnNode> n = make_node("MaskedFillBackward0", masked_fill_backward, {self.get()});
  save(*n, mask);
  Tensor r = ops::masked_fill(self, mask, value);
  set_history(r, *n);
  return r;
}

}  // namespace mt::ag
