// functions_shape2.cpp: ag:: entries and backward formulas of the reordering,
// repeating, triangle/diagonal, splitting and in-place metadata ops.
#include "formulas.h"

namespace mt::ag {

namespace {

Tensor zeros_of(const InputMeta& m) {
  return ops::full(m.sizes, Scalar::from_int(0), m.dtype, m.device);
}

// zeros of the input's shape with g written into view_of(zeros).
template <typename F>
Tensor into_zeros(const InputMeta& m, const Tensor& g, F&& view_of) {
  Tensor z = zeros_of(m);
  ops::copy_(view_of(z), g);
  return z;
}

Dims negated(const Dims& d) {
  Dims r = d;
  for (auto& v : r) v = -v;
  return r;
}

std::vector<Tensor> flip_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::flip(g[0], n.d0)};
}
std::vector<Tensor> roll_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::roll(g[0], negated(n.d0), n.d1)};
}
std::vector<Tensor> rot90_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::rot90(g[0], -n.i[0], n.d0)};
}

// repeat: d0 = the repeats (at least as many as the input's dims).
std::vector<Tensor> repeat_backward(FnNode& n, std::vector<Tensor>& g) {
  const Dims& in = n.inputs[0].sizes;
  const Dims& rep = n.d0;
  int64_t lead = rep.size() - in.size();
  Dims split, red;
  for (int64_t d = 0; d < rep.size(); ++d) {
    int64_t s = d < lead ? 1 : in[d - lead];
    red.push_back(split.size());
    split.push_back(rep[d]);
    split.push_back(s);
  }
  Tensor r = ag::reshape(g[0], split);
  r = ag::sum(r, red, /*keepdim=*/false, std::nullopt);
  return {ag::reshape(r, in)};
}

std::vector<Tensor> tril_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::tril(g[0], n.i[0])};
}
std::vector<Tensor> triu_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::triu(g[0], n.i[0])};
}

// diagonal / diag of a matrix: i[0..2] = offset, dim1, dim2.
// g (..., L) is put at rows/cols of zeros laid out (others..., dim1, dim2),
// then permuted back: index_put_ keeps it differentiable.
std::vector<Tensor> diagonal_backward(FnNode& n, std::vector<Tensor>& g) {
  const InputMeta& m = n.inputs[0];
  int64_t nd = m.sizes.size(), off = n.i[0], d1 = n.i[1], d2 = n.i[2];
  Dims order, sizes;
  for (int64_t d = 0; d < nd; ++d)
    if (d != d1 && d != d2) order.push_back(d);
  order.push_back(d1);
  order.push_back(d2);
  for (int64_t d : order) sizes.push_back(m.sizes[d]);
  Tensor z = ops::full(sizes, Scalar::from_int(0), m.dtype, m.device);
  int64_t len = g[0]->size(-1);
  std::vector<int64_t> rows(len), cols(len);
  for (int64_t k = 0; k < len; ++k) {
    rows[k] = k + std::max<int64_t>(-off, 0);
    cols[k] = k + std::max<int64_t>(off, 0);
  }
  std::vector<Tensor> idx(nd - 2);
  idx.push_back(ops::from_host_int64(rows, m.device));
  idx.push_back(ops::from_host_int64(cols, m.device));
  ag::index_put_(z, idx, g[0], false);
  Dims inv(nd);
  for (int64_t k = 0; k < nd; ++k) inv[order[k]] = k;
  return {ag::permute(z, inv)};
}
std::vector<Tensor> diag_embed_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::diagonal(g[0], n.i[0], n.i[1], n.i[2])};
}

std::vector<Tensor> permute_backward(FnNode& n, std::vector<Tensor>& g) {
  Dims inv(n.d0.size());
  for (int64_t k = 0; k < n.d0.size(); ++k) inv[n.d0[k]] = k;
  return {ag::permute(g[0], inv)};
}

// Multi-output nodes: one gradient per output (zeros where none came).
std::vector<Tensor> unbind_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::stack(g, n.i[0])};
}
std::vector<Tensor> split_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::cat(g, n.i[0])};
}

// narrow: i[0..2] = dim, start, length.
std::vector<Tensor> slice_backward(FnNode& n, std::vector<Tensor>& g) {
  return {into_zeros(n.inputs[0], g[0],
                     [&](const Tensor& z) { return ops::narrow(z, n.i[0], n.i[1], n.i[2]); })};
}

// A view's geometry, and the storage offset of each of its elements (row-major).
struct Geometry {
  Dims sizes, strides;
  int64_t offset;
};
std::vector<int64_t> offsets_of(const Geometry& g) {
  std::vector<int64_t> r;
  int64_t total = numel_of(g.sizes);
  r.reserve(total);
  Dims idx(g.sizes.size(), 0);
  for (int64_t k = 0; k < total; ++k) {
    int64_t off = g.offset;
    for (int64_t d = 0; d < idx.size(); ++d) off += idx[d] * g.strides[d];
    r.push_back(off);
    for (int64_t d = idx.size() - 1; d >= 0; --d) {
      if (++idx[d] < g.sizes[d]) break;
      idx[d] = 0;
    }
  }
  return r;
}

// as_strided: saved 0 = the output's storage offsets, 1 = the input's (int64,
// flat), i[0] = the storage extent they index.
std::vector<Tensor> as_strided_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor out_off = n.saved_at(0), in_off = n.saved_at(1);
  Tensor buf = ops::full(Dims{n.i[0]}, Scalar::from_int(0), g[0]->dtype(), g[0]->device());
  ag::index_put_(buf, {out_off}, ag::reshape(g[0], Dims{-1}), /*accumulate=*/true);
  return {ag::reshape(ag::index(buf, {in_off}), n.inputs[0].sizes)};
}

// repeat_interleave with an int: i[0] = dim (-1: flattened), i[1] = repeats.
std::vector<Tensor> repeat_interleave_backward(FnNode& n, std::vector<Tensor>& g) {
  const Dims& in = n.inputs[0].sizes;
  Tensor r;
  if (n.i[0] < 0) {
    r = ag::reshape(g[0], Dims{numel_of(in), n.i[1]});
    r = ag::sum(r, Dims{1}, false, std::nullopt);
  } else {
    Dims s = g[0]->sizes();
    Dims split;
    for (int64_t d = 0; d < s.size(); ++d) {
      if (d == n.i[0]) {
        split.push_back(in[d]);
        split.push_back(n.i[1]);
      } else {
        split.push_back(s[d]);
      }
    }
    r = ag::sum(ag::reshape(g[0], split), Dims{n.i[0] + 1}, false, std::nullopt);
  }
  return {ag::reshape(r, in)};
}

// repeat_interleave with a tensor: an index_select by the expanded index
// (saved 0); i[0] = dim (-1: flattened).
std::vector<Tensor> repeat_interleave_t_backward(FnNode& n, std::vector<Tensor>& g) {
  const InputMeta& m = n.inputs[0];
  Dims flat_sizes{numel_of(m.sizes)};
  Tensor z =
      n.i[0] < 0 ? ops::full(flat_sizes, Scalar::from_int(0), m.dtype, m.device) : zeros_of(m);
  ag::index_add_(z, n.i[0] < 0 ? 0 : n.i[0], n.saved_at(0), g[0], Scalar::from_int(1));
  return {ag::reshape(z, m.sizes)};
}

std::vector<Tensor> reshape_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::reshape(g[0], n.inputs[0].sizes)};
}
std::vector<Tensor> unsqueeze_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::squeeze_dims(g[0], Dims{n.i[0]})};
}
std::vector<Tensor> transpose_backward(FnNode& n, std::vector<Tensor>& g) {
  return {ag::transpose(g[0], n.i[0], n.i[1])};
}

// One node for a single-output op on t.
template <typename Run, typename Fill>
Tensor record1(const char* name, Formula f, const Tensor& t, Run&& run, Fill&& fill) {
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

// One node for all outputs of a splitting op; i[0] = dim.
std::vector<Tensor> record_multi(const char* name, Formula f, const Tensor& t, int64_t dim,
                                 std::vector<Tensor> outs) {
  Ptr<FnNode> n = make_node(name, f, {t.get()});
  n->i[0] = wrap_dim(dim, t->dim());
  for (auto& o : outs) {
    set_history(o, *n);
    mark_view(o, t.get(), name);
  }
  return outs;
}

// An in-place metadata change on self: a node like the out-of-place op's.
template <typename Run, typename Fill>
void record_meta_(const char* name, Formula f, const Tensor& self, Run&& run, Fill&& fill) {
  if (!should_record(self.get())) return run();
  check_inplace_leaf(self.get());
  Ptr<FnNode> n = make_node(name, f, {self.get()});
  fill(*n);
  run();
  set_history(self, *n, /*writes_data=*/false);
}

}  // namespace

// ---- reordering and repeating ----

Tensor flip(const Tensor& t, const Dims& dims) {
  return record1(
      "FlipBackward0", flip_backward, t, [&] { return ops::flip(t, dims); },
      [&](FnNode& n) { n.d0 = dims; });
}

Tensor roll(const Tensor& t, const Dims& shifts, const Dims& dims) {
  return record1(
      "RollBackward0", roll_backward, t, [&] { return ops::roll(t, shifts, dims); },
      [&](FnNode& n) {
        n.d0 = shifts;
        n.d1 = dims;
      });
}

Tensor rot90(const Tensor& t, int64_t k, const Dims& dims) {
  return record1(
      "Rot90Backward0", rot90_backward, t, [&] { return ops::rot90(t, k, dims); },
      [&](FnNode& n) {
        n.i[0] = k;
        n.d0 = dims;
      });
}

Tensor repeat(const Tensor& t, const Dims& repeats) {
  return record1(
      "RepeatBackward0", repeat_backward, t, [&] { return ops::repeat(t, repeats); },
      [&](FnNode& n) { n.d0 = repeats; });
}

Tensor tile(const Tensor& t, const Dims& reps) {
  return record1(
      "RepeatBackward0", repeat_backward, t, [&] { return ops::tile(t, reps); },
      [&](FnNode& n) {
        // tile pads the repeats with leading ones up to the input's dims.
        for (int64_t k = reps.size(); k < t->dim(); ++k) n.d0.push_back(1);
        for (int64_t v : reps) n.d0.push_back(v);
      });
}

Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim) {
  return record1(
      "ViewBackward0", repeat_interleave_backward, t,
      [&] { return ops::repeat_interleave(t, repeats, dim); },
      [&](FnNode& n) {
        n.i[0] = dim ? wrap_dim(*dim, std::max<int64_t>(t->dim(), 1)) : -1;
        n.i[1] = repeats;
        if (dim && t->dim() == 0) n.i[0] = -1;
      });
}

Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim) {
  if (!should_record(t.get())) return ops::repeat_interleave(t, repeats, dim);
  Tensor r = ops::repeat_interleave(t, repeats, dim);
  Ptr<FnNode> n = make_node("IndexSelectBackward0", repeat_interleave_t_backward, {t.get()});
  n->i[0] = dim && t->dim() > 0 ? wrap_dim(*dim, t->dim()) : -1;
  int64_t len = n->i[0] < 0 ? t->numel() : t->size(n->i[0]);
  std::vector<int64_t> reps = ops::to_host_int64(repeats);
  if (reps.size() == 1) reps.assign(len, reps[0]);
  std::vector<int64_t> idx;
  for (int64_t k = 0; k < static_cast<int64_t>(reps.size()); ++k)
    for (int64_t j = 0; j < reps[k]; ++j) idx.push_back(k);
  save(*n, ops::from_host_int64(idx, t->device()));
  set_history(r, *n);
  return r;
}

Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination) {
  Tensor r = ops::movedim(t, source, destination);  // checks the arguments
  if (!should_record(t.get())) return r;
  if (t->dim() == 0) return ag::alias(t);
  // The permutation movedim applied, read back from the result's strides is
  // ambiguous for size-1 dims, so it is recomputed here.
  int64_t nd = t->dim();
  Dims order(nd, -1);
  std::vector<bool> used(nd, false);
  for (int64_t i = 0; i < source.size(); ++i) {
    int64_t s = wrap_dim(source[i], nd), d = wrap_dim(destination[i], nd);
    order[d] = s;
    used[s] = true;
  }
  int64_t next = 0;
  for (int64_t d = 0; d < nd; ++d) {
    if (order[d] >= 0) continue;
    while (used[next]) ++next;
    order[d] = next++;
  }
  return record1(
      "PermuteBackward0", permute_backward, t, [&] { return ops::permute(t, order); },
      [&](FnNode& n) { n.d0 = order; });
}

// ---- triangles and diagonals ----

Tensor tril(const Tensor& t, int64_t diagonal) {
  return record1(
      "TrilBackward0", tril_backward, t, [&] { return ops::tril(t, diagonal); },
      [&](FnNode& n) { n.i[0] = diagonal; });
}

Tensor triu(const Tensor& t, int64_t diagonal) {
  return record1(
      "TriuBackward0", triu_backward, t, [&] { return ops::triu(t, diagonal); },
      [&](FnNode& n) { n.i[0] = diagonal; });
}

void tril_(const Tensor& t, int64_t diagonal) {
  record_meta_(
      "TrilBackward0", tril_backward, t, [&] { ops::tril_(t, diagonal); },
      [&](FnNode& n) { n.i[0] = diagonal; });
}

void triu_(const Tensor& t, int64_t diagonal) {
  record_meta_(
      "TriuBackward0", triu_backward, t, [&] { ops::triu_(t, diagonal); },
      [&](FnNode& n) { n.i[0] = diagonal; });
}

Tensor diag(const Tensor& t, int64_t diagonal) {
  bool vec = t->dim() == 1;
  return record1(
      vec ? "DiagEmbedBackward0" : "DiagonalBackward0_copy",
      vec ? diag_embed_backward : diagonal_backward, t, [&] { return ops::diag(t, diagonal); },
      [&](FnNode& n) {
        n.i[0] = diagonal;
        n.i[1] = 0;
        n.i[2] = 1;
      });
}

Tensor diag_embed(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  return record1(
      "DiagEmbedBackward0", diag_embed_backward, t,
      [&] { return ops::diag_embed(t, offset, dim1, dim2); },
      [&](FnNode& n) {
        n.i[0] = offset;
        n.i[1] = wrap_dim(dim1, t->dim() + 1);
        n.i[2] = wrap_dim(dim2, t->dim() + 1);
      });
}

Tensor diagonal(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  return record1(
      "DiagonalBackward0", diagonal_backward, t,
      [&] { return ops::diagonal(t, offset, dim1, dim2); },
      [&](FnNode& n) {
        n.i[0] = offset;
        n.i[1] = wrap_dim(dim1, t->dim());
        n.i[2] = wrap_dim(dim2, t->dim());
      });
}

// ---- splitting ----

std::vector<Tensor> unbind(const Tensor& t, int64_t dim) {
  if (!should_record(t.get())) return ops::unbind(t, dim);
  return record_multi("UnbindBackward0", unbind_backward, t, dim, ops::unbind(t, dim));
}

std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim) {
  if (!should_record(t.get())) return ops::split(t, split_size, dim);
  return record_multi("SplitBackward0", split_backward, t, dim, ops::split(t, split_size, dim));
}

std::vector<Tensor> split_with_sizes(const Tensor& t, const Dims& sizes, int64_t dim) {
  if (!should_record(t.get())) return ops::split_with_sizes(t, sizes, dim);
  return record_multi("SplitWithSizesBackward0", split_backward, t, dim,
                      ops::split_with_sizes(t, sizes, dim));
}

std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim) {
  if (!should_record(t.get())) return ops::chunk(t, chunks, dim);
  return record_multi("SplitBackward0", split_backward, t, dim, ops::chunk(t, chunks, dim));
}

namespace {
// tensor_split: each piece its own SliceBackward0 (PyTorch's narrow per piece).
std::vector<Tensor> record_slices(const Tensor& t, int64_t dim, std::vector<Tensor> outs) {
  int64_t d = wrap_dim(dim, t->dim());
  int64_t start = 0;
  for (auto& o : outs) {
    Ptr<FnNode> n = make_node("SliceBackward0", slice_backward, {t.get()});
    n->i[0] = d;
    n->i[1] = start;
    n->i[2] = o->size(d);
    start += o->size(d);
    set_history(o, *n);
  }
  return outs;
}
}  // namespace

std::vector<Tensor> tensor_split(const Tensor& t, int64_t sections, int64_t dim) {
  if (!should_record(t.get())) return ops::tensor_split(t, sections, dim);
  return record_slices(t, dim, ops::tensor_split(t, sections, dim));
}

std::vector<Tensor> tensor_split_indices(const Tensor& t, const Dims& indices, int64_t dim) {
  if (!should_record(t.get())) return ops::tensor_split_indices(t, indices, dim);
  return record_slices(t, dim, ops::tensor_split_indices(t, indices, dim));
}

std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts) {
  bool record = false;
  for (auto& t : ts) record = record || wants_grad(t.get());
  if (!record || !grad_enabled()) return ops::broadcast_tensors(ts);
  std::vector<Tensor> r = ops::broadcast_tensors(ts);  // checks the shapes
  for (size_t k = 0; k < ts.size(); ++k)
    r[k] = ts[k]->sizes() == r[k]->sizes() ? ts[k] : ag::expand(ts[k], r[k]->sizes());
  return r;
}

// ---- as_strided ----

Ptr<FnNode> as_strided_node(const Tensor& t, const Dims& sizes, const Dims& strides,
                            int64_t offset) {
  Ptr<FnNode> n = make_node("AsStridedBackward0", as_strided_backward, {t.get()});
  std::vector<int64_t> out = offsets_of({sizes, strides, offset});
  std::vector<int64_t> in = offsets_of({t->sizes(), t->strides(), t->offset()});
  int64_t base = t->offset(), hi = t->offset();
  for (int64_t v : out) base = std::min(base, v), hi = std::max(hi, v);
  for (int64_t v : in) base = std::min(base, v), hi = std::max(hi, v);
  for (auto& v : out) v -= base;
  for (auto& v : in) v -= base;
  n->i[0] = hi - base + 1;
  save(*n, ops::from_host_int64(out, t->device()));
  save(*n, ops::from_host_int64(in, t->device()));
  return n;
}

std::vector<int64_t> storage_offsets(const Dims& sizes, const Dims& strides, int64_t offset) {
  return offsets_of({sizes, strides, offset});
}

Tensor as_strided(const Tensor& t, const Dims& sizes, const Dims& strides,
                  std::optional<int64_t> offset) {
  Tensor r = ops::as_strided(t, sizes, strides, offset);
  if (!should_record(t.get())) return r;
  Ptr<FnNode> n = as_strided_node(t, r->sizes(), r->strides(), r->offset());
  set_history(r, *n);
  mark_view(r, t.get());
  return r;
}

// ---- in-place metadata changes ----

void squeeze_(const Tensor& self, std::optional<int64_t> dim) {
  record_meta_(
      dim ? "SqueezeBackward4" : "SqueezeBackward3", reshape_backward, self,
      [&] { ops::squeeze_(self, dim); }, no_fill);
}

void squeeze_dims_(const Tensor& self, const Dims& dims) {
  record_meta_(
      "SqueezeBackward5", reshape_backward, self, [&] { ops::squeeze_dims_(self, dims); }, no_fill);
}

void unsqueeze_(const Tensor& self, int64_t dim) {
  record_meta_(
      "UnsqueezeBackward1", unsqueeze_backward, self, [&] { ops::unsqueeze_(self, dim); },
      [&](FnNode& n) { n.i[0] = wrap_dim(dim, self->dim() + 1); });
}

void transpose_(const Tensor& self, int64_t d0, int64_t d1) {
  record_meta_(
      "TransposeBackward1", transpose_backward, self, [&] { ops::transpose_(self, d0, d1); },
      [&](FnNode& n) {
        n.i[0] = d0;
        n.i[1] = d1;
      });
}

void t_(const Tensor& self) {
  if (self->dim() < 2) {
    if (should_record(self.get())) check_inplace(self.get());
    return ops::t_(self);
  }
  record_meta_(
      "TBackward1", transpose_backward, self, [&] { ops::t_(self); },
      [&](FnNode& n) {
        n.i[0] = 0;
        n.i[1] = 1;
      });
}

}  // namespace mt::ag
