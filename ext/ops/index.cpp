// index.cpp: indexing ops: advanced indexing (index / index_put_), gather,
// scatter, index_select/add/copy/fill, masked_*, take, nonzero, one_hot.
//
// Note [Index offsets]
// Every op here reads or writes "the element of a base view that an index
// points at". Rather than a kernel per op, each op builds
//   - a restrided view of the indexed tensor with the result's shape, whose
//     stride is 0 along the indexed dims (so the iterator walks the other
//     dims normally and stays on the indexed dims' first element), and
//   - an int64 tensor of element offsets, one per result element, computed
//     by the index_offsets kernel as sum_k index_k * stride_k (checking each
//     index against its dim's size on the way), viewed with the result's
//     shape (stride 0 along the dims that are not indexed).
// Then one kernel moves data: index_gather (out = base[off]) or
// index_scatter (base[off] (op)= src). Offsets are in elements and may be
// negative (negative strides). Scatters run serially, so with duplicate
// indices the last write wins and accumulation is deterministic.
#include "ops.h"

namespace mt::ops {

namespace {

const KernelTable& table(const Tensor& t) { return kernel_table(t->device().type); }

bool is_index_dtype(DType d) { return d != DType::Bool && !is_floating(d); }

// acc += checked(index broadcast to acc's shape) * stride.
void add_offsets(const Tensor& acc, const Tensor& index, int64_t size, int64_t stride, int64_t dim,
                 bool wrap, ErrorKind kind) {
  if (acc->numel() == 0) return;
  TensorIter it = TensorIter::build({acc.get()}, {index.get()});
  int64_t bad = 0;
  if (!need(table(acc).index_offsets, "index", acc->device())(it, size, stride, wrap, &bad))
    detail::fail(kind, "index ", bad, " is out of bounds for dimension ", dim, " with size ", size);
}

Tensor zeros_int64(const Dims& shape, Device d) {
  return full(shape, Scalar::from_int(0), DType::Int64, d);
}

void gather_into(const Tensor& out, const Tensor& src_r, const Tensor& off_r) {
  if (out->numel() == 0) return;
  TensorIter it = TensorIter::build({out.get()}, {src_r.get(), off_r.get()});
  need(table(out).index_gather, "index", out->device())(it);
}

void scatter_into(const Tensor& dst_r, const Tensor& src, const Tensor& off_r, ScatterOp op,
                  Scalar alpha) {
  if (dst_r->numel() == 0) return;
  TensorIter it = TensorIter::build({dst_r.get()}, {src.get(), off_r.get()});
  need(table(dst_r).index_scatter, "index_put_", dst_r->device())(it, op, alpha);
}

// A source that shares memory with the destination is copied first, so a
// scatter never reads what it has already overwritten.
Tensor unalias(const Tensor& src, const Tensor& dst) {
  return src->storage() == dst->storage() ? clone(src) : src;
}

Tensor on_device(const Tensor& t, Device d) { return to(t, t->dtype(), d, false); }

// ---- advanced indexing plan ----

struct IndexPlan {
  Dims out_sizes;
  Tensor base_r;  // self restrided to out_sizes
  Tensor off_r;   // element offsets, viewed with out_sizes
};

IndexPlan plan_index(const Tensor& self, const std::vector<Tensor>& indices) {
  // Expand masks into one integer index per dim they cover.
  Dims dims;
  std::vector<Tensor> idx;
  int64_t d = 0;
  for (const Tensor& ix : indices) {
    if (!ix) {
      ++d;
      continue;
    }
    DType dt = ix->dtype();
    if (dt == DType::Bool || dt == DType::UInt8) {
      int64_t k = ix->dim();
      MT_CHECK_KIND(IndexError, d + k <= self->dim(), "too many indices for tensor of dimension ",
                    self->dim());
      for (int64_t j = 0; j < k; ++j)
        MT_CHECK_KIND(IndexError, ix->sizes()[j] == self->sizes()[d + j], "The shape of the mask ",
                      ix->sizes(), " at index ", j,
                      " does not match the shape of the indexed tensor ", self->sizes(),
                      " at index ", d + j);
      Tensor mask = dt == DType::Bool ? ix : to(ix, DType::Bool, ix->device(), false);
      Tensor nz = nonzero(on_device(mask, self->device()));
      for (int64_t j = 0; j < k; ++j) {
        dims.push_back(d + j);
        idx.push_back(select(nz, 1, j));
      }
      d += k;
    } else {
      MT_CHECK_KIND(IndexError, is_index_dtype(dt),
                    "tensors used as indices must be long, int, byte or bool tensors");
      MT_CHECK_KIND(IndexError, d < self->dim(), "too many indices for tensor of dimension ",
                    self->dim());
      dims.push_back(d++);
      idx.push_back(on_device(ix, self->device()));
    }
  }
  MT_CHECK(!dims.empty(), "index: expected at least one index tensor");

  // The index tensors broadcast together.
  Dims b;
  for (const Tensor& t : idx) {
    int64_t n = std::max(b.size(), t->dim());
    Dims r(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t ia = b.size() - n + i, ib = t->dim() - n + i;
      int64_t x = ia >= 0 ? b[ia] : 1, y = ib >= 0 ? t->sizes()[ib] : 1;
      if (x != y && x != 1 && y != 1) {
        std::ostringstream shapes;
        for (size_t k = 0; k < idx.size(); ++k) shapes << (k ? ", " : "") << idx[k]->sizes();
        MT_THROW(IndexError,
                 "shape mismatch: indexing tensors could not be broadcast together "
                 "with shapes ",
                 shapes.str());
      }
      r[i] = x == 1 ? y : x;
    }
    b = r;
  }
  Tensor acc = zeros_int64(b, self->device());
  for (size_t k = 0; k < idx.size(); ++k)
    add_offsets(acc, idx[k], self->sizes()[dims[k]], self->strides()[dims[k]], dims[k], true,
                ErrorKind::IndexError);

  // Adjacent advanced indices put the broadcast dims where they stand;
  // separated ones put them first (NumPy's and PyTorch's rule).
  bool adjacent = dims.back() - dims[0] + 1 == dims.size();
  int64_t pos = adjacent ? dims[0] : 0;
  Dims rest_sizes, rest_strides;
  std::vector<bool> indexed(self->dim(), false);
  for (int64_t x : dims) indexed[x] = true;
  IndexPlan p;
  Dims base_strides, off_strides;
  Dims acc_strides = contiguous_strides(b);
  auto push_rest = [&](int64_t i) {
    p.out_sizes.push_back(self->sizes()[i]);
    base_strides.push_back(self->strides()[i]);
    off_strides.push_back(0);
  };
  int64_t i = 0;
  for (; i < self->dim() && (adjacent ? i < pos : false); ++i) push_rest(i);
  for (int64_t j = 0; j < b.size(); ++j) {
    p.out_sizes.push_back(b[j]);
    base_strides.push_back(0);
    off_strides.push_back(acc_strides[j]);
  }
  for (; i < self->dim(); ++i)
    if (!indexed[i]) push_rest(i);
  p.base_r = self->view(p.out_sizes, base_strides, self->offset());
  p.off_r = acc->view(p.out_sizes, off_strides, 0);
  return p;
}

// True when `shape` can be broadcast to `target` (one-directional).
bool broadcastable_to(const Dims& shape, const Dims& target) {
  if (shape.size() > target.size()) return false;
  int64_t lead = target.size() - shape.size();
  for (int64_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1 && shape[i] != target[lead + i]) return false;
  return true;
}

// Views of self and index with the same rank (0-d ones become 1-d): the
// scatter/gather family treats a 0-d tensor as a vector of one.
Tensor at_least_1d(const Tensor& t) {
  return t->dim() == 0 ? t->view(Dims{1}, Dims{1}, t->offset()) : t;
}

void check_index_vector(const Tensor& index, const char* op) {
  MT_CHECK(index->dtype() == DType::Int64 || index->dtype() == DType::Int32, op,
           "(): Expected dtype int32 or int64 for index");
  MT_CHECK_KIND(IndexError, index->dim() <= 1, op, "(): Index is supposed to be a vector");
}

// Base view for the index_* family: `self` seen with `shape` (self's sizes
// with dim replaced by the number of indices), stride 0 along dim.
Tensor restride_dim(const Tensor& self, const Dims& shape, int64_t dim) {
  Dims st = self->strides();
  st[dim] = 0;
  return self->view(shape, st, self->offset());
}

// Offsets for a vector index along dim, viewed with `shape`.
Tensor vector_offsets(const Tensor& self, const Tensor& index, const Dims& shape, int64_t dim,
                      bool wrap) {
  int64_t n = index->numel();
  Tensor acc = zeros_int64(Dims{n}, self->device());
  add_offsets(acc, reshape(on_device(index, self->device()), Dims{n}), self->sizes()[dim],
              self->strides()[dim], dim, wrap, ErrorKind::IndexError);
  Dims st(shape.size(), 0);
  st[dim] = 1;
  return acc->view(shape, st, 0);
}

// Checks shared by gather and scatter (same rank; index no larger than self
// apart from dim, nor than src anywhere).
void check_gather_shapes(const char* op, const Tensor& self, int64_t dim, const Tensor& index,
                         const Tensor* src) {
  MT_CHECK(index->dim() == self->dim(), "Index tensor must have the same number of dimensions as ",
           src ? "self" : "input", " tensor");
  for (int64_t d = 0; d < self->dim(); ++d) {
    if (d != dim)
      MT_CHECK(index->sizes()[d] <= self->sizes()[d], "Size does not match at dimension ", d,
               " expected index ", index->sizes(), " to be no larger than self ", self->sizes(),
               " apart from dimension ", dim);
    if (src)
      MT_CHECK(index->sizes()[d] <= (*src)->sizes()[d], "Size does not match at dimension ", d,
               " expected index ", index->sizes(), " to be no larger than src ", (*src)->sizes());
  }
  (void)op;
}

}  // namespace

Tensor nonzero(const Tensor& self) {
  int64_t nd = self->dim();
  int64_t count = 0;
  TensorIter it = TensorIter::build({self.get()}, {});
  if (self->numel() > 0) count = need(table(self).nonzero_count, "nonzero", self->device())(it);
  Tensor out = empty(Dims{count, nd}, DType::Int64, self->device());
  if (count > 0 && nd > 0)
    need(table(self).nonzero, "nonzero", self->device())(it, self->sizes().data(), nd,
                                                         reinterpret_cast<int64_t*>(out->data()));
  return out;
}

Tensor index(const Tensor& self, const std::vector<Tensor>& indices) {
  IndexPlan p = plan_index(self, indices);
  Tensor out = empty(p.out_sizes, self->dtype(), self->device());
  gather_into(out, p.base_r, p.off_r);
  return out;
}

void index_put_(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values,
                bool accumulate) {
  MT_CHECK(values->dtype() == self->dtype(),
           "Index put requires the source and destination dtypes "
           "match, got ",
           info(self->dtype()).torch_name, " for the destination and ",
           info(values->dtype()).torch_name, " for the source.");
  IndexPlan p = plan_index(self, indices);
  MT_CHECK(broadcastable_to(values->sizes(), p.out_sizes), "shape mismatch: value tensor of shape ",
           values->sizes(), " cannot be broadcast to indexing result of shape ", p.out_sizes);
  Tensor v = unalias(on_device(values, self->device()), self);
  self->prepare_write();
  scatter_into(p.base_r, v, p.off_r, accumulate ? ScatterOp::Add : ScatterOp::Assign,
               Scalar::from_int(1));
}

Tensor gather(const Tensor& self_in, int64_t dim, const Tensor& index_in) {
  // PyTorch's order: the dim, then an empty index gives an empty result
  // without further checks, then the index dtype (int32 or int64).
  dim = wrap_dim(dim, self_in->dim());
  if (index_in->numel() == 0) return empty(index_in->sizes(), self_in->dtype(), self_in->device());
  MT_CHECK(index_in->dtype() == DType::Int64 || index_in->dtype() == DType::Int32,
           "gather(): Expected dtype int32/int64 for index");
  Tensor self = at_least_1d(self_in), index = at_least_1d(index_in);
  check_gather_shapes("gather", self, dim, index, nullptr);
  Tensor out = empty(index->sizes(), self->dtype(), self->device());
  Tensor acc = zeros_int64(index->sizes(), self->device());
  add_offsets(acc, on_device(index, self->device()), self->sizes()[dim], self->strides()[dim], dim,
              false, ErrorKind::RuntimeError);
  gather_into(out, restride_dim(self, index->sizes(), dim), acc);
  return index_in->dim() == 0 ? out->view(Dims{}, Dims{}, 0) : out;
}

void scatter_(const Tensor& self_in, int64_t dim, const Tensor& index_in, const Tensor& src_in,
              ScatterOp op) {
  // PyTorch's order, as gather's; an empty index writes nothing.
  dim = wrap_dim(dim, self_in->dim());
  MT_CHECK(src_in->dtype() == self_in->dtype(),
           "scatter(): Expected self.dtype to be equal to src.dtype");
  if (index_in->numel() == 0) return;
  MT_CHECK(index_in->dtype() == DType::Int64 || index_in->dtype() == DType::Int32,
           "scatter(): Expected dtype int32/int64 for index");
  Tensor self = at_least_1d(self_in), index = at_least_1d(index_in), src = at_least_1d(src_in);
  MT_CHECK(src->dim() == self->dim(),
           "Index tensor must have the same number of dimensions as "
           "src tensor");
  check_gather_shapes("scatter", self, dim, index, &src);
  Tensor acc = zeros_int64(index->sizes(), self->device());
  add_offsets(acc, on_device(index, self->device()), self->sizes()[dim], self->strides()[dim], dim,
              false, ErrorKind::RuntimeError);
  Tensor s = unalias(src, self);
  Tensor src_r = s->view(index->sizes(), s->strides(), s->offset());
  self->prepare_write();
  scatter_into(restride_dim(self, index->sizes(), dim), src_r, acc, op, Scalar::from_int(1));
}

void scatter_value_(const Tensor& self, int64_t dim, const Tensor& index, Scalar value,
                    ScatterOp op) {
  Tensor v = full(Dims{}, value, self->dtype(), self->device());
  Tensor ix = at_least_1d(index);
  // The scalar seen as a tensor of index's shape (all strides 0).
  Tensor src = v->view(ix->sizes(), Dims(ix->dim(), 0), 0);
  scatter_(self, dim, index, src, op);
}

Tensor index_select(const Tensor& self_in, int64_t dim, const Tensor& index) {
  check_index_vector(index, "index_select");
  dim = wrap_dim(dim, self_in->dim());
  MT_CHECK(self_in->dim() > 0 || index->numel() == 1,
           "index_select(): Index to scalar can have only 1 value, got ", index->numel(),
           " value(s)");
  Tensor self = at_least_1d(self_in);
  MT_CHECK(self->dim() == 1 || index->numel() == 0 || self->sizes()[dim] > 0,
           "index_select(): self indexing axis dim should be positive");
  Dims shape = self->sizes();
  shape[dim] = index->numel();
  Tensor out = empty(shape, self->dtype(), self->device());
  Tensor off = vector_offsets(self, index, shape, dim, false);
  gather_into(out, restride_dim(self, shape, dim), off);
  return self_in->dim() == 0 ? out->view(Dims{}, Dims{}, 0) : out;
}

namespace {
// Shared checks and plumbing of index_add_ / index_copy_.
void index_scatter_op(const char* op, const Tensor& self_in, int64_t dim, const Tensor& index,
                      const Tensor& source_in, ScatterOp sop, Scalar alpha) {
  check_index_vector(index, op);
  MT_CHECK(source_in->dtype() == self_in->dtype(), op, "(): self (",
           info(self_in->dtype()).torch_name, ") and source (", info(source_in->dtype()).torch_name,
           ") must have the same scalar type");
  // index_copy_ raises IndexError with PyTorch's words for a wrong number
  // of indices or dims; index_add_ RuntimeError.
  const bool copy = sop == ScatterOp::Assign;
  MT_CHECK_KIND(IndexError, !copy || source_in->dim() > 0 || index->numel() == 1, op,
                "(): When source is scalar, index should have one element (got ", index->numel(),
                ")");
  // index_add_ reads source.size(dim) of a 0-d source unless one index
  // goes with it, and wants a 0-d source only for a 0-d self (PyTorch's).
  MT_CHECK_KIND(IndexError, copy || source_in->dim() > 0 || index->numel() == 1,
                "Dimension specified as 0 but tensor has no dimensions");
  MT_CHECK(copy || source_in->dim() > 0 || self_in->dim() == 0,
           "source tensor shape must match self tensor shape, excluding the specified "
           "dimension. Got self.shape = ",
           self_in->sizes(), " source.shape = ", source_in->sizes());
  Tensor self = at_least_1d(self_in), source = at_least_1d(source_in);
  dim = wrap_dim(dim, self->dim());
  MT_CHECK_KIND(IndexError, !copy || source->dim() == self->dim(), op,
                "(): When source and destination are not scalars, their dimensionality must "
                "match. Source dimensionality (",
                source->dim(), "), destination dimensionality (", self->dim(), ")");
  MT_CHECK(source->dim() == self->dim(), op, "(): source (", source->sizes(), ") and self (",
           self->sizes(), ") must have the same number of dimensions");
  MT_CHECK_KIND(IndexError, !copy || source->sizes()[dim] == index->numel(), op,
                "(): Number of indices (", index->numel(),
                ") should be equal to source.size(dim) (", source->sizes()[dim], ")");
  MT_CHECK(source->sizes()[dim] == index->numel(), op, "(): Number of indices (", index->numel(),
           ") should be equal to source.size(dim) (", source->sizes()[dim], ")");
  for (int64_t d = 0; d < self->dim(); ++d)
    MT_CHECK(d == dim || source->sizes()[d] == self->sizes()[d], op, "(): self (", self->sizes(),
             ") and source (", source->sizes(), ") must have the same slice shapes");
  Tensor off = vector_offsets(self, index, source->sizes(), dim, false);
  Tensor src = unalias(on_device(source, self->device()), self);
  self->prepare_write();
  scatter_into(restride_dim(self, source->sizes(), dim), src, off, sop, alpha);
}
}  // namespace

void index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                Scalar alpha) {
  index_scatter_op("index_add_", self, dim, index, source, ScatterOp::Add, alpha);
}

void index_copy_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source) {
  index_scatter_op("index_copy_", self, dim, index, source, ScatterOp::Assign, Scalar::from_int(1));
}

void index_fill_(const Tensor& self_in, int64_t dim, const Tensor& index, Scalar value) {
  MT_CHECK_KIND(IndexError, index->dtype() == DType::Int64,
                "index_fill_(): Expected dtype int64 for index.");
  check_index_vector(index, "index_fill_");
  Tensor self = at_least_1d(self_in);
  dim = wrap_dim(dim, self->dim());
  Dims shape = self->sizes();
  shape[dim] = index->numel();
  Tensor off = vector_offsets(self, index, shape, dim, true);
  check_scalar_converts(value, self->dtype());
  Tensor v = full(Dims{}, value, self->dtype(), self->device());
  self->prepare_write();
  scatter_into(restride_dim(self, shape, dim), v->view(shape, Dims(shape.size(), 0), 0), off,
               ScatterOp::Assign, Scalar::from_int(1));
}

void masked_fill_(const Tensor& self, const Tensor& mask, Scalar value) {
  MT_CHECK(mask->dtype() == DType::Bool,
           "masked_fill_ only supports boolean masks, but got mask "
           "with dtype ",
           info(mask->dtype()).name);
  MT_CHECK(broadcastable_to(mask->sizes(), self->sizes()), "masked_fill_: the mask of shape ",
           mask->sizes(), " cannot be broadcast to the shape of self ", self->sizes());
  check_scalar_converts(value, self->dtype());
  Tensor m = unalias(on_device(mask, self->device()), self);
  self->prepare_write();
  if (self->numel() == 0) return;
  TensorIter it = TensorIter::build({self.get()}, {m.get()});
  need(table(self).masked_fill, "masked_fill_", self->device())(it, value);
}

Tensor masked_fill(const Tensor& self, const Tensor& mask, Scalar value) {
  MT_CHECK(mask->dtype() == DType::Bool,
           "masked_fill only supports boolean masks, but got mask "
           "with dtype ",
           info(mask->dtype()).name);
  Tensor out = clone(expand(self, broadcast_shapes(self->sizes(), mask->sizes())));
  masked_fill_(out, mask, value);
  return out;
}

Tensor masked_select(const Tensor& self, const Tensor& mask) {
  MT_CHECK(mask->dtype() == DType::Bool, "masked_select: expected BoolTensor for mask");
  Dims shape = broadcast_shapes(self->sizes(), mask->sizes());
  if (shape.empty()) shape = Dims{1};  // a 0-d mask selects from a vector of one
  return index(expand(self, shape), {expand(mask, shape)});
}

void masked_scatter_(const Tensor& self, const Tensor& mask, const Tensor& source) {
  MT_CHECK(mask->dtype() == DType::Bool,
           "masked_scatter_ only supports boolean masks, but got "
           "mask with dtype ",
           info(mask->dtype()).name);
  MT_CHECK(source->dtype() == self->dtype(),
           "masked_scatter_: expected self and source to have "
           "same dtypes but got ",
           info(self->dtype()).torch_name, " and ", info(source->dtype()).torch_name);
  MT_CHECK(broadcastable_to(mask->sizes(), self->sizes()), "masked_scatter_: the mask of shape ",
           mask->sizes(), " cannot be broadcast to the shape of self ", self->sizes());
  Tensor s1 = at_least_1d(self);
  Tensor m = expand(mask, s1->sizes());
  Tensor nz = nonzero(on_device(m, self->device()));
  int64_t n = nz->sizes()[0];
  MT_CHECK(source->numel() >= n, "masked_scatter_: expected source to have at least ", n,
           " elements (the number of True values in mask), but got ", source->numel());
  Tensor values = narrow(reshape(source, Dims{-1}), 0, 0, n);
  std::vector<Tensor> cols;
  for (int64_t j = 0; j < s1->dim(); ++j) cols.push_back(select(nz, 1, j));
  if (n == 0) {
    self->prepare_write();
    return;
  }
  index_put_(s1, cols, values, false);
}

Tensor masked_scatter(const Tensor& self, const Tensor& mask, const Tensor& source) {
  Tensor dst = clone(expand(self, broadcast_shapes(self->sizes(), mask->sizes())));
  masked_scatter_(dst, mask, source);
  return dst;
}

Tensor take(const Tensor& self, const Tensor& index) {
  MT_CHECK(index->dtype() == DType::Int64, "take(): Expected a long tensor for index, but got ",
           info(index->dtype()).torch_name);
  if (index->numel() > 0)
    MT_CHECK_KIND(IndexError, self->numel() > 0, "take(): tried to take from an empty tensor");
  Tensor flat = reshape(self, Dims{-1});
  if (index->numel() == 0) return empty(index->sizes(), self->dtype(), self->device());
  return ops::index(flat, {index});
}

Tensor one_hot(const Tensor& self, int64_t num_classes) {
  MT_CHECK(self->dtype() == DType::Int64,
           "one_hot is only applicable to index tensor of type LongTensor.");
  if (self->numel() == 0) {
    MT_CHECK(num_classes > 0, "Can not infer total number of classes from empty tensor.");
  } else {
    std::vector<int64_t> v = to_host_int64(self);
    int64_t lo = v[0], hi = v[0];
    for (int64_t x : v) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    MT_CHECK(lo >= 0, "Class values must be non-negative.");
    if (num_classes == -1)
      num_classes = hi + 1;
    else
      MT_CHECK(hi < num_classes, "Class values must be smaller than num_classes.");
  }
  MT_CHECK(num_classes >= 0, "num_classes should be positive, got ", num_classes);
  Dims shape = self->sizes();
  shape.push_back(num_classes);
  Tensor out = zeros_int64(shape, self->device());
  if (out->numel() > 0)
    scatter_value_(out, -1, unsqueeze(self, -1), Scalar::from_int(1), ScatterOp::Assign);
  return out;
}

}  // namespace mt::ops
