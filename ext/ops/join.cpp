// join.cpp: copying shape ops: cat, stack, roll, rot90, repeat, tile,
// repeat_interleave, tril/triu, diag, diag_embed.
//
// Each allocates its result and fills it with copy_ into views of it (so the
// strided iterator does the work and dtype conversion comes for free); only
// tril/triu need a kernel of their own. Results never share the input's
// storage, as in PyTorch.
#include <cstring>

#include "ops.h"

namespace mt::ops {

std::vector<int64_t> to_host_int64(const Tensor& t) {
  Tensor h = contiguous(to(t, DType::Int64, Device{}, false));
  const int64_t* p = reinterpret_cast<const int64_t*>(h->data());
  return std::vector<int64_t>(p, p + h->numel());
}

Tensor from_host_int64(const std::vector<int64_t>& v, Device device) {
  Tensor h = empty(Dims{static_cast<int64_t>(v.size())}, DType::Int64, Device{});
  if (!v.empty()) std::memcpy(h->data(), v.data(), v.size() * sizeof(int64_t));
  return to(h, DType::Int64, device, false);
}

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  MT_CHECK(!ts.empty(), "torch.cat(): expected a non-empty list of Tensors");
  // PyTorch still accepts legacy empty 1-D tensors (shape [0]) next to
  // tensors of any rank and skips them.
  const Tensor* ref = nullptr;
  DType dt = ts[0]->dtype();
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    MT_CHECK(t->dim() > 0, "zero-dimensional tensor (at position ", i, ") cannot be concatenated");
    MT_CHECK(t->device() == ts[0]->device(),
             "Expected all tensors to be on the same device, but found at least two devices, ",
             ts[0]->device().str(), " and ", t->device().str(), "!");
    dt = promote_types(dt, t->dtype());
    bool skip = t->dim() == 1 && t->sizes()[0] == 0;
    if (!skip && !ref) ref = &t;
  }
  if (!ref) return empty(Dims{0}, dt, ts[0]->device());
  const Tensor& r = *ref;
  dim = wrap_dim(dim, r->dim());
  Dims shape = r->sizes();
  shape[dim] = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    if (t->dim() == 1 && t->sizes()[0] == 0) continue;
    MT_CHECK(t->dim() == r->dim(), "Tensors must have same number of dimensions: got ", r->dim(),
             " and ", t->dim());
    for (int64_t d = 0; d < r->dim(); ++d) {
      if (d == dim) continue;
      MT_CHECK(t->sizes()[d] == r->sizes()[d], "Sizes of tensors must match except in dimension ",
               dim, ". Expected size ", r->sizes()[d], " but got size ", t->sizes()[d],
               " for tensor number ", i, " in the list.");
    }
    shape[dim] += t->sizes()[dim];
  }
  Tensor out = empty(shape, dt, r->device());
  int64_t at = 0;
  for (const Tensor& t : ts) {
    if (t->dim() == 1 && t->sizes()[0] == 0) continue;
    int64_t n = t->sizes()[dim];
    if (n > 0) copy_(narrow(out, dim, at, n), t);
    at += n;
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  MT_CHECK(!ts.empty(), "stack expects a non-empty TensorList");
  for (size_t i = 1; i < ts.size(); ++i)
    MT_CHECK(ts[i]->sizes() == ts[0]->sizes(),
             "stack expects each tensor to be equal size, but got ", ts[0]->sizes(),
             " at entry 0 and ", ts[i]->sizes(), " at entry ", i);
  dim = wrap_dim(dim, ts[0]->dim() + 1);
  std::vector<Tensor> us;
  for (const Tensor& t : ts) us.push_back(unsqueeze(t, dim));
  return cat(us, dim);
}

namespace {
Tensor roll_one(const Tensor& t, int64_t shift, int64_t dim) {
  Tensor out = empty(t->sizes(), t->dtype(), t->device());
  int64_t n = t->sizes()[dim];
  if (out->numel() == 0) return out;
  int64_t s = ((shift % n) + n) % n;
  if (n - s > 0) copy_(narrow(out, dim, s, n - s), narrow(t, dim, 0, n - s));
  if (s > 0) copy_(narrow(out, dim, 0, s), narrow(t, dim, n - s, s));
  return out;
}
}  // namespace

Tensor roll(const Tensor& t, const Dims& shifts, const Dims& dims) {
  MT_CHECK(!shifts.empty(), "`shifts` required");
  if (dims.empty()) {
    MT_CHECK(shifts.size() == 1, "shifts and dimensions must align. shifts: ", shifts.size(),
             ", dims:", dims.size());
    Tensor flat = reshape(t, Dims{-1});
    return view(roll_one(flat, shifts[0], 0), t->sizes());
  }
  MT_CHECK(shifts.size() == dims.size(),
           "shifts and dimensions must align. shifts: ", shifts.size(), ", dims:", dims.size());
  // As PyTorch: an empty tensor is returned before its dims are looked at; a
  // 0-d tensor has no dim to roll along.
  if (t->numel() == 0) return clone(t);
  Tensor cur = t;
  for (int64_t i = 0; i < dims.size(); ++i)
    cur = roll_one(cur, shifts[i], wrap_dim_strict(dims[i], t->dim()));
  return cur;
}

Tensor rot90(const Tensor& t, int64_t k, const Dims& dims) {
  MT_CHECK(dims.size() == 2, "expected total rotation dims == 2, but got dims = ", dims.size());
  MT_CHECK(t->dim() >= 2, "expected total dims >= 2, but got total dims = ", t->dim());
  int64_t d0 = wrap_dim(dims[0], t->dim()), d1 = wrap_dim(dims[1], t->dim());
  MT_CHECK(d0 != d1, "expected rotation dims to be different, but got dim0 = ", d0,
           " and dim1 = ", d1);
  // The same composition as PyTorch (copy of a flip, then a transposed view),
  // so the result has PyTorch's strides too.
  switch (((k % 4) + 4) % 4) {
    case 1:
      return transpose(clone(flip(t, Dims{d1})), d0, d1);
    case 2:
      return clone(flip(t, Dims{d0, d1}));
    case 3:
      return transpose(clone(flip(t, Dims{d0})), d0, d1);
    default:
      return clone(t);
  }
}

Tensor repeat(const Tensor& t, const Dims& repeats) {
  int64_t nd = repeats.size();
  MT_CHECK(nd >= t->dim(),
           "Number of dimensions of repeat dims can not be smaller than number of "
           "dimensions of tensor");
  for (int64_t r : repeats)
    MT_CHECK(r >= 0, "Trying to create tensor with negative dimension ", r, ": ", repeats);
  // Pad the input's shape with leading 1s, then view the output as
  // [r0, s0, r1, s1, ...] and copy the input broadcast along the r dims.
  int64_t lead = nd - t->dim();
  Dims out_shape(nd), inter(2 * nd), src_strides(2 * nd);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t s = i < lead ? 1 : t->sizes()[i - lead];
    int64_t st = i < lead ? 0 : t->strides()[i - lead];
    out_shape[i] = s * repeats[i];
    inter[2 * i] = repeats[i];
    inter[2 * i + 1] = s;
    src_strides[2 * i] = 0;
    src_strides[2 * i + 1] = st;
  }
  Tensor out = empty(out_shape, t->dtype(), t->device());
  if (out->numel() == 0) return out;
  Tensor dst = out->view(inter, contiguous_strides(inter), 0);
  copy_(dst, t->view(inter, src_strides, t->offset()));
  return out;
}

Tensor tile(const Tensor& t, const Dims& reps) {
  Dims r = reps;
  while (r.size() < t->dim()) r.insert(0, 1);
  return repeat(t, r);
}

Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim) {
  MT_CHECK(repeats >= 0, "repeats can not be negative");
  // PyTorch's class and words for a dim given with a 0-d input.
  MT_CHECK_KIND(IndexError, !dim || t->dim() > 0,
                "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  Tensor x = dim ? t : reshape(t, Dims{-1});
  int64_t d = dim ? wrap_dim(*dim, x->dim()) : 0;
  if (x->dim() == 0) x = reshape(x, Dims{1});
  // [.., n, ..] -> [.., n, r, ..] by a stride-0 view, then merged by a copy.
  Dims sz = x->sizes(), st = x->strides();
  sz.insert(d + 1, repeats);
  st.insert(d + 1, 0);
  Dims out_shape = x->sizes();
  out_shape[d] *= repeats;
  Tensor out = empty(out_shape, x->dtype(), x->device());
  if (out->numel() > 0)
    copy_(out->view(sz, contiguous_strides(sz), 0), x->view(sz, st, x->offset()));
  return out;
}

Tensor repeat_interleave_index(const Tensor& repeats) {
  MT_CHECK(repeats->dim() == 1, "repeat_interleave only accept 1D vector as repeat");
  MT_CHECK(repeats->dtype() == DType::Int64 || repeats->dtype() == DType::Int32,
           "repeats has to be Long or Int tensor");
  std::vector<int64_t> r = to_host_int64(repeats);
  int64_t total = 0;
  for (int64_t x : r) {
    MT_CHECK(x >= 0, "repeats can not be negative");
    MT_CHECK(!__builtin_add_overflow(total, x, &total), "repeat_interleave: total size overflows");
  }
  Tensor out = empty(Dims{total}, DType::Int64, Device{});  // checks the size before filling
  int64_t* p = reinterpret_cast<int64_t*>(out->data());
  for (size_t i = 0; i < r.size(); ++i)
    for (int64_t k = 0; k < r[i]; ++k) *p++ = static_cast<int64_t>(i);
  return to(out, DType::Int64, repeats->device(), false);
}

Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim) {
  if (repeats->dim() == 0 || (repeats->dim() == 1 && repeats->numel() == 1)) {
    MT_CHECK(!is_floating(repeats->dtype()) && repeats->dtype() != DType::Bool,
             "repeats has to be Long or Int tensor");
    return repeat_interleave(t, item(repeats).to_int(), dim);
  }
  Tensor x = dim ? t : reshape(t, Dims{-1});
  int64_t d = dim ? wrap_dim(*dim, x->dim()) : 0;
  MT_CHECK(repeats->dim() == 1, "repeat_interleave only accept 1D vector as repeat");
  MT_CHECK(repeats->sizes()[0] == x->sizes()[d],
           "repeats must have the same size as input along dim, but got repeats.size(0) = ",
           repeats->sizes()[0], " and input.size(", d, ") = ", x->sizes()[d]);
  return index_select(x, d, repeat_interleave_index(repeats));
}

namespace {
Tensor triangle(const Tensor& t, int64_t k, bool lower) {
  const char* name = lower ? "tril" : "triu";
  MT_CHECK(t->dim() >= 2, name, ": input tensor must have at least 2 dimensions");
  Tensor out = clone(t);
  int64_t rows = t->sizes()[t->dim() - 2], cols = t->sizes()[t->dim() - 1];
  if (out->numel() > 0)
    need(kernel_table(t->device().type).triangle, name, t->device())(
        out->data(), t->dtype(), out->numel() / (rows * cols), rows, cols, k, lower);
  return out;
}
void triangle_(const Tensor& t, int64_t k, bool lower) {
  const char* name = lower ? "tril_" : "triu_";
  MT_CHECK(t->dim() >= 2, name, ": input tensor must have at least 2 dimensions");
  if (!t->is_contiguous()) return copy_(t, triangle(t, k, lower));  // copy_ bumps the version
  t->prepare_write();
  int64_t rows = t->sizes()[t->dim() - 2], cols = t->sizes()[t->dim() - 1];
  if (t->numel() > 0)
    need(kernel_table(t->device().type).triangle, name, t->device())(
        t->data(), t->dtype(), t->numel() / (rows * cols), rows, cols, k, lower);
}
}  // namespace

Tensor tril(const Tensor& t, int64_t diagonal) { return triangle(t, diagonal, true); }
Tensor triu(const Tensor& t, int64_t diagonal) { return triangle(t, diagonal, false); }
void tril_(const Tensor& t, int64_t diagonal) { triangle_(t, diagonal, true); }
void triu_(const Tensor& t, int64_t diagonal) { triangle_(t, diagonal, false); }

Tensor diag(const Tensor& t, int64_t k) {
  if (t->dim() == 1) {
    int64_t n = t->sizes()[0] + (k >= 0 ? k : -k);
    Tensor out = full(Dims{n, n}, Scalar::from_int(0), t->dtype(), t->device());
    copy_(diagonal(out, k, 0, 1), t);
    return out;
  }
  MT_CHECK(t->dim() == 2, "diag(): Supports 1D or 2D tensors. Got ", t->dim(), "D");
  return clone(diagonal(t, k, 0, 1));
}

Tensor diag_embed(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  // PyTorch's order: the dims first (a 0-d input has one: IndexError for
  // the default -2), so a 0-d input can only fail on them.
  int64_t nd = t->dim() + 1;
  int64_t d1 = wrap_dim(dim1, nd), d2 = wrap_dim(dim2, nd);
  MT_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  MT_CHECK(t->dim() >= 1, "diag_embed(): input must have at least 1 dimension");
  int64_t n = t->sizes()[t->dim() - 1] + (offset >= 0 ? offset : -offset);
  Dims shape(t->sizes().begin(), t->sizes().end() - 1);
  shape.insert(std::min(d1, d2), n);
  shape.insert(std::max(d1, d2), n);
  Tensor out = full(shape, Scalar::from_int(0), t->dtype(), t->device());
  copy_(diagonal(out, offset, d1, d2), t);
  return out;
}

}  // namespace mt::ops
