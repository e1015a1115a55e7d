// shape.cpp: view ops. Each returns a tensor sharing the input's storage
// (and so its version counter); none copies (reshape and flatten copy only
// when no view can describe the result, as PyTorch). Negative strides are
// allowed, so flip and negative-step slices are views too.
#include <algorithm>

#include "ops.h"

namespace mt::ops {

Tensor as_strided(const Tensor& t, const Dims& sizes, const Dims& strides,
                  std::optional<int64_t> offset) {
  int64_t off = offset.value_or(t->offset());
  MT_CHECK(off >= 0, "as_strided: Negative storage offset ", off);
  check_view_fits(sizes, strides, off, t->dtype(), t->storage()->nbytes());
  return t->view(sizes, strides, off);
}

Dims infer_size(const Dims& sizes, int64_t numel) {
  Dims out = sizes;
  int64_t known = 1, infer = -1;
  for (int64_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      MT_CHECK(infer < 0, "only one dimension can be inferred");
      infer = i;
    } else {
      MT_CHECK(out[i] >= 0, "invalid shape dimension ", out[i]);
      MT_CHECK(!__builtin_mul_overflow(known, out[i], &known), "shape '", sizes,
               "' is invalid for input of size ", numel);
    }
  }
  // known is the product of the given sizes (checked for overflow above), so
  // the shape holds numel elements exactly when known (times the inferred
  // size) is numel.
  if (infer >= 0) {
    MT_CHECK(known != 0 && numel % known == 0, "shape '", sizes, "' is invalid for input of size ",
             numel);
    out[infer] = numel / known;
  } else {
    MT_CHECK(known == numel, "shape '", sizes, "' is invalid for input of size ", numel);
  }
  return out;
}

namespace {
// Strides for viewing (sizes, strides) as `shape` without copying, if
// possible (PyTorch's computeStride): chunks of dims that are contiguous with
// each other may be split or merged freely.
std::optional<Dims> view_strides(const Dims& old_sizes, const Dims& old_strides,
                                 const Dims& shape) {
  Dims out(shape.size());
  if (old_sizes.empty()) {
    for (int64_t i = 0; i < out.size(); ++i) out[i] = 1;
    return out;
  }
  int64_t numel = numel_of(old_sizes);
  if (numel == 0) return contiguous_strides(shape);
  int64_t view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = old_sizes.size() - 1; d >= 0; --d) {
    tensor_numel *= old_sizes[d];
    if (d == 0 ||
        (old_sizes[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}
}  // namespace

Tensor view(const Tensor& t, const Dims& sizes) {
  Dims shape = infer_size(sizes, t->numel());
  auto st = view_strides(t->sizes(), t->strides(), shape);
  MT_CHECK(st.has_value(),
           "view size is not compatible with input tensor's size and stride (at least one "
           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  return t->view(shape, *st, t->offset());
}

Tensor reshape(const Tensor& t, const Dims& sizes) {
  Dims shape = infer_size(sizes, t->numel());
  if (auto st = view_strides(t->sizes(), t->strides(), shape))
    return t->view(shape, *st, t->offset());
  Tensor c = clone(t);
  return c->view(shape, contiguous_strides(shape), 0);
}

Tensor transpose(const Tensor& t, int64_t d0, int64_t d1) {
  int64_t nd = t->dim();
  d0 = wrap_dim(d0, nd);
  d1 = wrap_dim(d1, nd);
  if (nd == 0) return t->view(t->sizes(), t->strides(), t->offset());
  Dims sz = t->sizes(), st = t->strides();
  std::swap(sz[d0], sz[d1]);
  std::swap(st[d0], st[d1]);
  return t->view(sz, st, t->offset());
}

Tensor permute(const Tensor& t, const Dims& dims) {
  int64_t nd = t->dim();
  MT_CHECK(dims.size() == nd,
           "permute(sparse_coo): number of dimensions in the tensor input does "
           "not match the length of the desired ordering of dimensions i.e. input.dim() = ",
           nd, " is not equal to len(dims) = ", dims.size());
  Dims sz(nd), st(nd);
  std::vector<bool> seen(nd, false);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = wrap_dim(dims[i], nd);
    MT_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sz[i] = t->sizes()[d];
    st[i] = t->strides()[d];
  }
  return t->view(sz, st, t->offset());
}

Tensor expand(const Tensor& t, const Dims& sizes) {
  int64_t nd = sizes.size(), td = t->dim();
  MT_CHECK(nd >= td, "expand(", t->sizes(), ", size=", sizes, "): the number of sizes provided (",
           nd, ") must be greater or equal to the number of dimensions in the tensor (", td, ")");
  Dims sz(nd), st(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t ti = i - (nd - td);
    int64_t want = sizes[i];
    if (ti < 0) {
      MT_CHECK(want >= 0, "The expanded size of the tensor (", want,
               ") isn't allowed in a leading, non-existing dimension ", i);
      sz[i] = want;
      st[i] = 0;
      continue;
    }
    int64_t have = t->sizes()[ti];
    if (want == -1) want = have;
    MT_CHECK(want >= 0, "The expanded size of the tensor (", want,
             ") isn't allowed: sizes must "
             "be non-negative (or -1 to keep the existing size)");
    MT_CHECK(have == want || have == 1, "The expanded size of the tensor (", want,
             ") must match the existing size (", have, ") at non-singleton dimension ", i,
             ".  Target sizes: ", sizes, ".  Tensor sizes: ", t->sizes());
    sz[i] = want;
    st[i] = have == want ? t->strides()[ti] : 0;
  }
  return t->view(sz, st, t->offset());
}

Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  MT_CHECK(t->dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim];
  if (start < 0) start += size;
  MT_CHECK_KIND(IndexError, start >= 0 && start <= size,
                "start out of range (expected to be in "
                "range of [",
                -size, ", ", size, "], but got ", start, ")");
  // `length <= size - start`, not `start + length <= size`: the sum can overflow.
  MT_CHECK(length >= 0 && length <= size - start, "start (", start, ") + length (", length,
           ") exceeds dimension size (", size, ").");
  Dims sz = t->sizes();
  sz[dim] = length;
  return t->view(sz, t->strides(), t->offset() + start * t->strides()[dim]);
}

Tensor select(const Tensor& t, int64_t dim, int64_t index) {
  MT_CHECK_KIND(IndexError, t->dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim];
  MT_CHECK_KIND(IndexError, index >= -size && index < size, "index ", index,
                " is out of bounds for dimension ", dim, " with size ", size);
  if (index < 0) index += size;
  Dims sz = t->sizes(), st = t->strides();
  int64_t off = t->offset() + index * st[dim];
  sz.erase(dim);
  st.erase(dim);
  return t->view(sz, st, off);
}

Tensor slice(const Tensor& t, int64_t dim, std::optional<int64_t> start,
             std::optional<int64_t> stop, int64_t step) {
  MT_CHECK_KIND(ValueError, step != 0, "slice step cannot be zero");
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim];
  // Python slice semantics (PySlice_AdjustIndices)
  int64_t b, e;
  if (step > 0) {
    b = start ? (*start < 0 ? std::max<int64_t>(*start + size, 0) : std::min(*start, size)) : 0;
    e = stop ? (*stop < 0 ? std::max<int64_t>(*stop + size, 0) : std::min(*stop, size)) : size;
  } else {
    b = start ? (*start < 0 ? std::max<int64_t>(*start + size, -1) : std::min(*start, size - 1))
              : size - 1;
    e = stop ? (*stop < 0 ? std::max<int64_t>(*stop + size, -1) : std::min(*stop, size - 1)) : -1;
  }
  // Unsigned step magnitude: -step overflows for step == INT64_MIN, and
  // `e - b + step - 1` overflows for huge steps.
  uint64_t astep = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  int64_t len = 0;
  if (step > 0 && e > b) len = static_cast<int64_t>((static_cast<uint64_t>(e - b) - 1) / astep + 1);
  if (step < 0 && b > e) len = static_cast<int64_t>((static_cast<uint64_t>(b - e) - 1) / astep + 1);
  Dims sz = t->sizes(), st = t->strides();
  sz[dim] = len;
  int64_t off = t->offset() + (len > 0 ? b * st[dim] : 0);
  // With two or more elements the new stride spans at most the old extent,
  // so it fits; with one or none it is never used (keep the old one on
  // overflow rather than wrap).
  int64_t nst;
  if (!__builtin_mul_overflow(st[dim], step, &nst)) st[dim] = nst;
  return t->view(sz, st, off);
}

Tensor unsqueeze(const Tensor& t, int64_t dim) {
  dim = wrap_dim(dim, t->dim() + 1);
  Dims sz = t->sizes(), st = t->strides();
  int64_t s = dim < t->dim() ? sz[dim] * st[dim] : 1;
  sz.insert(dim, 1);
  st.insert(dim, s);
  return t->view(sz, st, t->offset());
}

Tensor squeeze(const Tensor& t, std::optional<int64_t> dim) {
  Dims sz, st;
  std::optional<int64_t> only;
  if (dim) only = wrap_dim(*dim, t->dim());
  for (int64_t i = 0; i < t->dim(); ++i) {
    bool drop = t->sizes()[i] == 1 && (!only || *only == i);
    if (!drop) {
      sz.push_back(t->sizes()[i]);
      st.push_back(t->strides()[i]);
    }
  }
  return t->view(sz, st, t->offset());
}

Tensor flip(const Tensor& t, const Dims& dims) {
  Dims sz = t->sizes(), st = t->strides();
  int64_t off = t->offset();
  // A 0-d tensor takes dim 0 / -1 (once) and is its own flip.
  std::vector<bool> seen(std::max<int64_t>(t->dim(), 1), false);
  for (int64_t d : dims) {
    d = wrap_dim(d, t->dim());
    MT_CHECK(!seen[d], "dim ", d, " appears multiple times in the list of dims");
    seen[d] = true;
    if (t->dim() == 0) continue;
    if (sz[d] > 0) off += (sz[d] - 1) * st[d];
    st[d] = -st[d];
  }
  return t->view(sz, st, off);
}

Tensor detach(const Tensor& t) { return t->view(t->sizes(), t->strides(), t->offset()); }

Dims broadcast_shapes(const std::vector<Dims>& shapes) {
  Dims result;
  for (const Dims& shape : shapes) {
    for (int64_t s : shape)
      MT_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", shape);
    int64_t n = std::max(result.size(), shape.size());
    Dims merged(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t ia = result.size() - n + i, ib = shape.size() - n + i;
      int64_t x = ia >= 0 ? result[ia] : 1, y = ib >= 0 ? shape[ib] : 1;
      MT_CHECK(x == y || x == 1 || y == 1,
               "Shape mismatch: objects cannot be broadcast to a single shape. Mismatch is "
               "between arg ",
               i, " with shape ", x, " and ", y);
      merged[i] = x == 1 ? y : x;
    }
    result = std::move(merged);
  }
  return result;
}

Tensor alias(const Tensor& t) { return t->view(t->sizes(), t->strides(), t->offset()); }

// Another item size (PyTorch's rules): the last dim must be contiguous and
// is split (smaller items) or merged (larger items, which needs the last
// size, the offset and the other strides divisible by the ratio).
Tensor view_dtype(const Tensor& t, DType d) {
  const int64_t from = t->itemsize(), to = itemsize_of(d);
  if (from == to) return make<TensorImpl>(t->storage(), t->sizes(), t->strides(), t->offset(), d);
  const char* a = info(t->dtype()).torch_name;
  const char* b = info(d).torch_name;
  MT_CHECK(t->dim() > 0, "self.dim() cannot be 0 to view ", a, " as ", b,
           " (different element sizes)");
  const int64_t last = t->dim() - 1;
  MT_CHECK(t->strides()[last] == 1, "self.stride(-1) must be 1 to view ", a, " as ", b,
           " (different element sizes), but got ", t->strides()[last]);
  Dims sz = t->sizes(), st = t->strides();
  int64_t off = t->offset();
  if (from > to) {
    const int64_t r = from / to;
    for (int64_t i = 0; i < last; ++i) st[i] *= r;
    sz[last] *= r;
    off *= r;
  } else {
    const int64_t r = to / from;
    MT_CHECK(sz[last] % r == 0, "self.size(-1) must be divisible by ", r, " to view ", a, " as ", b,
             " (different element sizes), but got ", sz[last]);
    MT_CHECK(off % r == 0, "self.storage_offset() must be divisible by ", r, " to view ", a, " as ",
             b, " (different element sizes), but got ", off);
    for (int64_t i = 0; i < last; ++i) {
      MT_CHECK(st[i] % r == 0, "self.stride(", i, ") must be divisible by ", r, " to view ", a,
               " as ", b, " (different element sizes), but got ", st[i]);
      st[i] /= r;
    }
    sz[last] /= r;
    off /= r;
  }
  return make<TensorImpl>(t->storage(), sz, st, off, d);
}

// ---- in-place metadata changes ----
// Each computes the view with the out-of-place op (which checks the
// arguments) and re-points self at it; TensorImpl::set checks the view fits.

namespace {
void set_geometry(const Tensor& self, const Tensor& v) {
  self->set(v->storage(), v->sizes(), v->strides(), v->offset());
}
}  // namespace

void squeeze_(const Tensor& self, std::optional<int64_t> dim) {
  set_geometry(self, squeeze(self, dim));
}
void squeeze_dims_(const Tensor& self, const Dims& dims) {
  set_geometry(self, squeeze_dims(self, dims));
}
void unsqueeze_(const Tensor& self, int64_t dim) { set_geometry(self, unsqueeze(self, dim)); }
void transpose_(const Tensor& self, int64_t d0, int64_t d1) {
  set_geometry(self, transpose(self, d0, d1));
}
void t_(const Tensor& self) {
  MT_CHECK(self->dim() <= 2, "t_() expects a tensor with <= 2 dimensions, but self is ",
           self->dim(), "D");
  if (self->dim() == 2) set_geometry(self, transpose(self, 0, 1));
}
void as_strided_(const Tensor& self, const Dims& sizes, const Dims& strides,
                 std::optional<int64_t> offset) {
  set_geometry(self, as_strided(self, sizes, strides, offset));
}
void resize_(const Tensor& self, const Dims& sizes) {
  self->resize(sizes);  // Note [Storage export]: refuses to move exported storage
}
void set_(const Tensor& self) {
  self->set(Storage::allocate(0, self->device()), Dims{0}, Dims{1}, 0);
}
void set_(const Tensor& self, const Tensor& source) {
  MT_CHECK(source->dtype() == self->dtype(), "Could not set tensor of type ",
           info(source->dtype()).torch_name, " to a tensor of type ",
           info(self->dtype()).torch_name);
  set_geometry(self, source);
}
void set_(const Tensor& self, const Tensor& source, int64_t offset, const Dims& sizes,
          const Dims& strides) {
  MT_CHECK(source->dtype() == self->dtype(), "Could not set tensor of type ",
           info(source->dtype()).torch_name, " to a tensor of type ",
           info(self->dtype()).torch_name);
  self->set(source->storage(), sizes, strides, offset);
}
void set_data(const Tensor& self, const Tensor& source) {
  MT_CHECK(!self->requires_grad() || is_floating(source->dtype()),
           "data set to a tensor that requires gradients must be floating point or complex "
           "dtype");
  // The old storage is only dereferenced, never freed under an exported
  // array (Note [Storage export]).
  self->set(source->storage(), source->sizes(), source->strides(), source->offset(),
            source->dtype());
}

Tensor squeeze_dims(const Tensor& t, const Dims& dims) {
  std::vector<bool> seen(std::max<int64_t>(t->dim(), 1), false), drop(t->dim(), false);
  for (int64_t d : dims) {
    d = wrap_dim(d, t->dim());
    MT_CHECK(!seen[d], "dim ", d, " appears multiple times in the list of dims");
    seen[d] = true;
    if (t->dim() > 0 && t->sizes()[d] == 1) drop[d] = true;
  }
  Dims sz, st;
  for (int64_t i = 0; i < t->dim(); ++i) {
    if (drop[i]) continue;
    sz.push_back(t->sizes()[i]);
    st.push_back(t->strides()[i]);
  }
  return t->view(sz, st, t->offset());
}

Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  int64_t s = wrap_dim(start_dim, t->dim()), e = wrap_dim(end_dim, t->dim());
  if (t->dim() == 0) return reshape(t, Dims{1});
  MT_CHECK(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (s == e) return t;  // PyTorch returns the input itself
  Dims shape;
  for (int64_t i = 0; i < s; ++i) shape.push_back(t->sizes()[i]);
  int64_t n = 1;
  for (int64_t i = s; i <= e; ++i) n *= t->sizes()[i];
  shape.push_back(n);
  for (int64_t i = e + 1; i < t->dim(); ++i) shape.push_back(t->sizes()[i]);
  return reshape(t, shape);
}

Tensor unflatten(const Tensor& t, int64_t dim, const Dims& sizes) {
  dim = wrap_dim(dim, t->dim());
  MT_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  int64_t size = t->sizes()[dim];
  Dims inferred;
  try {
    inferred = infer_size(sizes, size);
  } catch (const Error&) {
    MT_THROW(RuntimeError, "unflatten: Provided sizes ", sizes,
             " don't multiply up to the size of dim ", dim, " (", size, ") in the input tensor");
  }
  Dims shape;
  for (int64_t i = 0; i < dim; ++i) shape.push_back(t->sizes()[i]);
  for (int64_t s : inferred) shape.push_back(s);
  for (int64_t i = dim + 1; i < t->dim(); ++i) shape.push_back(t->sizes()[i]);
  return view(t, shape);
}

Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination) {
  int64_t nd = t->dim();
  MT_CHECK(source.size() == destination.size(),
           "movedim: Invalid source or destination dims: source (", source,
           " dims) should contain the same number of dims as destination (", destination, " dims)");
  Dims order(nd, -1);
  std::vector<bool> used_src(std::max<int64_t>(nd, 1), false);
  std::vector<bool> used_dst(std::max<int64_t>(nd, 1), false);
  for (int64_t i = 0; i < source.size(); ++i) {
    int64_t s = wrap_dim(source[i], nd), d = wrap_dim(destination[i], nd);
    MT_CHECK(!used_src[s], "movedim: repeated dim in `source` (", source, ")");
    MT_CHECK(!used_dst[d], "movedim: repeated dim in `destination` (", destination, ")");
    used_src[s] = used_dst[d] = true;
    if (nd > 0) order[d] = s;
  }
  if (nd == 0) return detach(t);
  // The dims not moved keep their relative order in the free slots.
  int64_t next = 0;
  for (int64_t d = 0; d < nd; ++d) {
    if (order[d] >= 0) continue;
    while (used_src[next]) ++next;
    order[d] = next++;
  }
  return permute(t, order);
}

Tensor diagonal(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  int64_t nd = t->dim();
  int64_t d1 = wrap_dim(dim1, nd), d2 = wrap_dim(dim2, nd);
  MT_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  int64_t s1 = t->sizes()[d1], s2 = t->sizes()[d2];
  int64_t n = offset >= 0 ? std::min(s1, s2 - offset) : std::min(s1 + offset, s2);
  n = std::max<int64_t>(n, 0);
  int64_t off = t->offset();
  if (n > 0) off += offset >= 0 ? offset * t->strides()[d2] : -offset * t->strides()[d1];
  Dims sz, st;
  for (int64_t i = 0; i < nd; ++i) {
    if (i == d1 || i == d2) continue;
    sz.push_back(t->sizes()[i]);
    st.push_back(t->strides()[i]);
  }
  sz.push_back(n);
  st.push_back(t->strides()[d1] + t->strides()[d2]);
  return t->view(sz, st, off);
}

std::vector<Tensor> unbind(const Tensor& t, int64_t dim) {
  MT_CHECK_KIND(IndexError, t->dim() > 0, "Dimension specified as ", dim,
                " but tensor has no dimensions");
  dim = wrap_dim(dim, t->dim());
  std::vector<Tensor> out;
  for (int64_t i = 0; i < t->sizes()[dim]; ++i) out.push_back(select(t, dim, i));
  return out;
}

std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim) {
  MT_CHECK(t->dim() > 0, "split expects at least a 1-dimensional tensor");
  dim = wrap_dim(dim, t->dim());
  MT_CHECK(split_size >= 0,
           "split expects split_size be non-negative, but got split_size=", split_size);
  int64_t size = t->sizes()[dim];
  MT_CHECK(split_size > 0 || size == 0,
           "split_size can only be 0 if dimension size is 0, but got dimension size of ", size);
  int64_t n = split_size == 0 ? 1 : std::max<int64_t>((size + split_size - 1) / split_size, 1);
  std::vector<Tensor> out;
  for (int64_t i = 0; i < n; ++i) {
    int64_t start = i * split_size;
    out.push_back(narrow(t, dim, start, std::min(split_size, size - start)));
  }
  return out;
}

std::vector<Tensor> split_with_sizes(const Tensor& t, const Dims& sizes, int64_t dim) {
  MT_CHECK(t->dim() > 0, "split expects at least a 1-dimensional tensor");
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim], total = 0;
  for (int64_t s : sizes) {
    MT_CHECK(s >= 0,
             "split_with_sizes expects split_sizes have only non-negative entries, but got "
             "split_sizes=",
             sizes);
    total += s;
  }
  MT_CHECK(total == size, "split_with_sizes expects split_sizes to sum exactly to ", size,
           " (input tensor's size at dimension ", dim, "), but got split_sizes=", sizes);
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    out.push_back(narrow(t, dim, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim) {
  MT_CHECK(t->dim() > 0, "chunk expects at least a 1-dimensional tensor");
  MT_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim];
  int64_t split_size = (size + chunks - 1) / chunks;
  if (split_size == 0 && size == 0) return split_with_sizes(t, Dims(chunks, 0), dim);
  return split(t, split_size, dim);
}

std::vector<Tensor> tensor_split(const Tensor& t, int64_t sections, int64_t dim) {
  MT_CHECK(t->dim() > 0,
           "tensor_split expected at least a 1-dimensional tensor, but got a tensor "
           "with 0 dims");
  MT_CHECK(sections > 0, "number of sections must be larger than 0, got ", sections);
  dim = wrap_dim(dim, t->dim());
  int64_t size = t->sizes()[dim];
  int64_t base = size / sections, extra = size % sections, start = 0;
  std::vector<Tensor> out;
  for (int64_t i = 0; i < sections; ++i) {
    int64_t len = base + (i < extra ? 1 : 0);
    out.push_back(narrow(t, dim, start, len));
    start += len;
  }
  return out;
}

std::vector<Tensor> tensor_split_indices(const Tensor& t, const Dims& indices, int64_t dim) {
  MT_CHECK(t->dim() > 0,
           "tensor_split expected at least a 1-dimensional tensor, but got a tensor "
           "with 0 dims");
  dim = wrap_dim(dim, t->dim());
  std::vector<Tensor> out;
  int64_t start = 0;
  // Split points are slice bounds: negative ones count from the end and
  // everything is clamped, so out-of-order points give empty pieces.
  for (int64_t idx : indices) {
    out.push_back(slice(t, dim, start, idx, 1));
    start = idx;
  }
  out.push_back(slice(t, dim, start, std::nullopt, 1));
  return out;
}

Dims broadcast_shapes_all(const std::vector<Dims>& shapes) {
  Dims out;
  for (const Dims& s : shapes) {
    int64_t n = std::max(out.size(), s.size());
    Dims r(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t ia = out.size() - n + i, ib = s.size() - n + i;
      int64_t a = ia >= 0 ? out[ia] : 1, b = ib >= 0 ? s[ib] : 1;
      MT_CHECK(a == b || a == 1 || b == 1,
               "Shape mismatch: objects cannot be broadcast to a single shape: the size ", a,
               " and the size ", b, " differ at dimension ", i, " (shapes so far ", out, " and ", s,
               ")");
      r[i] = a == 1 ? b : a;
    }
    out = r;
  }
  return out;
}

std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts) {
  std::vector<Dims> shapes;
  for (const Tensor& t : ts) shapes.push_back(t->sizes());
  Dims shape = broadcast_shapes_all(shapes);
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(expand(t, shape));
  return out;
}

}  // namespace mt::ops
