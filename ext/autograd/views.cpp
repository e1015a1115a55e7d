// views.cpp: in-place ops on differentiable views (Note [In-place on views]).
//
// Note [In-place on views]
// A view op recorded with autograd (slicing, select, transpose, view, ...)
// marks its output as a view of the root base it shares storage with
// (Meta::view_base; a view of a view points at the same root). An in-place op
// on such a view changes the base's values too, so set_history does not just
// give the view a new grad_fn: it wraps the op's node in a CopySlices node that
// becomes the base's grad_fn, with the base's previous history as edge 0 and
// the op's other inputs as the rest. Backward of CopySlices takes the base's
// gradient, runs the op's formula on the part the view covers and writes the
// result back into that part. The view itself is then an AsStridedBackward0
// of the base's new history. Every other view of the same base notices the
// write through the shared version counter: gradient_edge (and the grad_fn
// getter) sees a version newer than the one its grad_fn was made at and makes
// it again off the base (refresh_view). Saved tensors that are views keep no
// reference to their base (save() strips it), so no base -> CopySlices ->
// saved view -> base cycle forms.
//
// Views made without recording (under no_grad, or of a tensor that needs no
// gradient) are not tracked; an in-place op on one that brings in a tensor
// requiring grad changes only the view's own history (a documented difference).
#include "formulas.h"

namespace mt::ag {

namespace {

bool is_contiguous_geometry(const Dims& sizes, const Dims& strides) {
  int64_t expect = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    if (sizes[d] == 1) continue;
    if (strides[d] != expect) return false;
    expect *= sizes[d];
  }
  return true;
}

// Backward of an in-place op on a view of `base`: see the Note.
struct CopySlices : Node {
  CopySlices(Ptr<FnNode> f, const TensorImpl& base, const TensorImpl& view)
      : fn(std::move(f)),
        base_sizes(base.sizes()),
        base_strides(base.strides()),
        base_offset(base.offset()),
        view_sizes(view.sizes()),
        view_strides(view.strides()),
        view_offset(view.offset()) {}
  const char* name() const override { return "torch::autograd::CopySlices"; }
  void release_variables() override { fn->release_variables(); }

  // The flat positions, in the base's row-major order, of the view's elements
  // (for a base that is not contiguous).
  Tensor positions(const Device& dev) const {
    std::vector<int64_t> b = storage_offsets(base_sizes, base_strides, base_offset);
    std::vector<int64_t> v = storage_offsets(view_sizes, view_strides, view_offset);
    int64_t lo = base_offset, hi = base_offset;
    for (int64_t o : b) lo = std::min(lo, o), hi = std::max(hi, o);
    std::vector<int64_t> where(static_cast<size_t>(hi - lo + 1), -1);
    for (size_t k = 0; k < b.size(); ++k) where[b[k] - lo] = static_cast<int64_t>(k);
    for (int64_t& o : v) {
      int64_t p = o < lo || o > hi ? -1 : where[o - lo];
      MT_CHECK(p >= 0,
               "an in-place operation on a view that reaches outside its base is not supported "
               "by autograd; clone the view first");
      o = p;
    }
    return ops::from_host_int64(v, dev);
  }

  std::vector<Tensor> apply(std::vector<Tensor>& grads) override {
    const Tensor& g = grads[0];
    Tensor result = ag::clone(g);
    if (!result->is_contiguous()) result = ag::contiguous(result);
    std::vector<Tensor> out(next.size());
    const InputMeta& vin = fn->inputs[0];
    auto run_fn = [&](const Tensor& slice) {
      std::vector<Tensor> gi{slice};
      std::vector<Tensor> r = fn->apply(gi);
      for (size_t k = 1; k < r.size() && k < out.size(); ++k) out[k] = r[k];
      Tensor r0 = r.empty() ? Tensor() : r[0];
      if (r0 && r0->sizes() != vin.sizes) r0 = sum_to(r0, vin.sizes);
      return r0;
    };
    // A contiguous base: the view is an as_strided of the contiguous gradient.
    bool direct = is_contiguous_geometry(base_sizes, base_strides);
    int64_t rel = view_offset - base_offset;
    if (direct && checked_numel(view_sizes) > 0) {
      int64_t lo = rel, hi = rel;
      for (int64_t d = 0; d < view_sizes.size(); ++d) {
        int64_t span = (view_sizes[d] - 1) * view_strides[d];
        (span < 0 ? lo : hi) += span;
      }
      direct = lo >= 0 && hi < checked_numel(base_sizes);
    }
    if (direct) {
      Tensor slice = ag::as_strided(result, view_sizes, view_strides, rel);
      Tensor r0 = run_fn(ag::clone(slice));
      if (r0)
        ag::copy_(slice, r0);
      else
        ag::copy_(slice, zeros_like(slice));
    } else {
      Tensor pos = positions(g->device());
      Tensor flat = ag::reshape(result, Dims{-1});
      Tensor slice = ag::reshape(ag::index(flat, {pos}), view_sizes);
      Tensor r0 = run_fn(slice);
      Tensor vals =
          r0 ? ag::reshape(ag::contiguous(r0), Dims{-1})
             : ops::full(Dims{pos->numel()}, Scalar::from_int(0), g->dtype(), g->device());
      ag::index_put_(flat, {pos}, vals, /*accumulate=*/false);
      result = ag::reshape(flat, base_sizes);
    }
    out[0] = result;
    return out;
  }

  Ptr<FnNode> fn;
  Dims base_sizes, base_strides;
  int64_t base_offset;
  Dims view_sizes, view_strides;
  int64_t view_offset;
};

// Gives t (meta m) the history `n` (output 0), dropping a retain_grad entry
// on the node it had.
void replace_history(TensorImpl* t, Meta& m, NodePtr n) {
  if (m.grad_fn && m.retains_grad) {
    auto& r = m.grad_fn->retained;
    r.erase(std::remove_if(r.begin(), r.end(), [&](auto& p) { return p.second == t; }), r.end());
    m.retains_grad = false;
  }
  release_node(std::move(m.grad_fn));
  m.requires_grad = true;
  m.grad_fn = std::move(n);
  m.output_nr = 0;
}

// The view t's history as an as_strided of its base's current history.
void view_history_off_base(TensorImpl* t, Meta& m) {
  const Tensor& base = m.view_base;
  Ptr<FnNode> as = as_strided_node(base, t->sizes(), t->strides(), t->offset());
  as->outputs.push_back({t->sizes(), t->dtype(), t->device()});
  replace_history(t, m, NodePtr(as.get()));
  m.view_version = t->version();
}

}  // namespace

void mark_view(const Tensor& out, const TensorImpl* in, const char* multi) {
  if (!out || out.get() == in || !is_floating(out->dtype())) return;
  if (!out->storage() || out->storage().get() != in->storage().get()) return;
  Meta* im = meta_if(in);
  Meta& m = meta(out.get());
  m.view_base = im && im->view_base ? im->view_base : Tensor(const_cast<TensorImpl*>(in));
  m.view_version = out->version();
  m.multi_view = multi ? multi : (im ? im->multi_view : nullptr);
}

void refresh_view(TensorImpl* t, Meta& m) {
  if (!m.view_base->requires_grad()) {
    m.view_version = t->version();
    return;
  }
  view_history_off_base(t, m);
}

void set_view_history(const Tensor& view, Meta& m, FnNode& n) {
  Tensor base = m.view_base;
  Ptr<CopySlices> cs = make<CopySlices>(Ptr<FnNode>(&n), *base, *view);
  cs->next.reserve(n.next.size());
  cs->inputs.reserve(n.next.size());
  cs->next.push_back(gradient_edge(base.get()));
  cs->inputs.push_back({base->sizes(), base->dtype(), base->device()});
  for (size_t k = 1; k < n.next.size(); ++k) {
    cs->next.push_back(n.next[k]);
    cs->inputs.push_back(n.inputs[k]);
  }
  cs->outputs.push_back({base->sizes(), base->dtype(), base->device()});
  replace_history(base.get(), meta(base.get()), NodePtr(cs.get()));
  view_history_off_base(view.get(), m);
}

}  // namespace mt::ag
