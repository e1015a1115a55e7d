// sort.cpp: sort, topk, kthvalue, unique, searchsorted, bucketize.
//
// The kernels work on contiguous [rows, len] buffers: each op moves the
// sorted dim last (a transposed view), copies into such a buffer, runs the
// kernel, and moves the dim back, returning contiguous results as PyTorch
// does. NaN sorts above every number.
#include "ops.h"

namespace mt::ops {

namespace {

const KernelTable& table(const Tensor& t) { return kernel_table(t->device().type); }

// t with `dim` swapped to the end, as a fresh contiguous tensor.
Tensor dim_last_copy(const Tensor& t, int64_t dim) { return clone(transpose(t, dim, -1)); }
Tensor dim_back(const Tensor& t, int64_t dim) { return contiguous(transpose(t, dim, -1)); }

int64_t rows_of(const Dims& sizes) {
  int64_t r = 1;
  for (int64_t i = 0; i + 1 < sizes.size(); ++i) r *= sizes[i];
  return r;
}

}  // namespace

ValuesIndices sort(const Tensor& self, int64_t dim, bool descending) {
  dim = wrap_dim(dim, self->dim());
  if (self->dim() == 0)
    return {clone(self), full(Dims{}, Scalar::from_int(0), DType::Int64, self->device())};
  Tensor vals = dim_last_copy(self, dim);
  Tensor idx = empty(vals->sizes(), DType::Int64, self->device());
  int64_t len = vals->sizes().back();
  if (vals->numel() > 0)
    need(table(self).sort, "sort", self->device())(
        vals->data(), reinterpret_cast<int64_t*>(idx->data()), self->dtype(),
        rows_of(vals->sizes()), len, descending);
  return {dim_back(vals, dim), dim_back(idx, dim)};
}

ValuesIndices topk(const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted) {
  (void)sorted;  // results always come sorted (allowed: PyTorch leaves the order unspecified)
  MT_CHECK(self->dtype() != DType::Bool, "topk does not support bool dtypes");
  dim = wrap_dim(dim, self->dim());
  int64_t len = self->dim() == 0 ? 1 : self->sizes()[dim];
  MT_CHECK(k >= 0 && k <= len, "selected index k out of range");
  // A 0-d input gives 0-d results for k = 0 as for k = 1 (PyTorch's shape;
  // it returns the element both times).
  if (self->dim() == 0)
    return {clone(self), full(Dims{}, Scalar::from_int(0), DType::Int64, self->device())};
  Tensor src = dim_last_copy(self, dim);
  Dims shape = src->sizes();
  shape[shape.size() - 1] = k;
  Tensor vals = empty(shape, self->dtype(), self->device());
  Tensor idx = empty(shape, DType::Int64, self->device());
  if (vals->numel() > 0)
    need(table(self).topk, "topk", self->device())(src->data(), self->dtype(), rows_of(shape), len,
                                                   k, largest, vals->data(),
                                                   reinterpret_cast<int64_t*>(idx->data()));
  return {dim_back(vals, dim), dim_back(idx, dim)};
}

ValuesIndices kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim) {
  MT_CHECK_KIND(NotImplementedError, self->dtype() != DType::Bool,
                "\"kthvalue\" not implemented for 'Bool'");
  dim = wrap_dim(dim, self->dim());
  int64_t len = self->dim() == 0 ? 1 : self->sizes()[dim];
  MT_CHECK_KIND(IndexError, len > 0, "kthvalue(): Expected reduction dim ", dim,
                " to have non-zero size.");
  MT_CHECK(k >= 1 && k <= len, "kthvalue(): selected number k out of range for dimension ", dim);
  ValuesIndices t = topk(self, k, dim, false, true);
  if (self->dim() == 0) return t;
  Tensor v = clone(select(t.values, dim, k - 1)), i = clone(select(t.indices, dim, k - 1));
  if (keepdim) {
    v = unsqueeze(v, dim);
    i = unsqueeze(i, dim);
  }
  return {v, i};
}

UniqueResult unique(const Tensor& self, std::optional<int64_t> dim) {
  Device dev = self->device();
  const KernelTable& kt = table(self);
  // Rows of `data` ([n, row_len], contiguous) sorted, grouped into runs of
  // equal rows; perm maps sorted position -> original row.
  Tensor data, perm;
  int64_t n, row_len;
  Dims moved_shape;  // dim path: self with dim moved first
  if (!dim) {
    n = self->numel();
    row_len = 1;
    data = clone(reshape(self, Dims{n}));
    perm = empty(Dims{n}, DType::Int64, dev);
    if (n > 0)
      need(kt.sort, "unique", dev)(data->data(), reinterpret_cast<int64_t*>(perm->data()),
                                   self->dtype(), 1, n, false);
  } else {
    int64_t d = wrap_dim_strict(*dim, self->dim());
    for (int64_t i = 0; i < self->dim(); ++i)
      MT_CHECK(i == d || self->sizes()[i] != 0,
               "There are 0 sized dimensions, and they aren't selected, so unique cannot be "
               "applied");
    Tensor moved = contiguous(movedim(self, Dims{d}, Dims{0}));
    moved_shape = moved->sizes();
    n = moved_shape[0];
    row_len = n > 0 ? moved->numel() / n : 0;
    Tensor rows = reshape(moved, Dims{n, row_len});
    perm = empty(Dims{n}, DType::Int64, dev);
    if (n > 0)
      need(kt.lexsort_rows, "unique", dev)(rows->data(), self->dtype(), n, row_len,
                                           reinterpret_cast<int64_t*>(perm->data()));
    data = contiguous(index_select(rows, 0, perm));
  }
  Tensor group = empty(Dims{n}, DType::Int64, dev);
  Tensor first = empty(Dims{n + 1}, DType::Int64, dev);
  int64_t u = 0;
  if (n > 0)
    u = need(kt.unique_runs, "unique", dev)(data->data(), self->dtype(), n, row_len,
                                            reinterpret_cast<int64_t*>(group->data()),
                                            reinterpret_cast<int64_t*>(first->data()));
  else
    fill_(first, Scalar::from_int(0));
  UniqueResult r;
  Tensor starts = narrow(first, 0, 0, u);
  r.values = index_select(data, 0, starts);
  std::vector<int64_t> f = to_host_int64(narrow(first, 0, 0, u + 1)), counts(u);
  for (int64_t g = 0; g < u; ++g) counts[g] = f[g + 1] - f[g];
  r.counts = from_host_int64(counts, dev);
  // inverse[perm[i]] = group[i]
  Tensor inverse = empty(Dims{n}, DType::Int64, dev);
  if (n > 0) index_put_(inverse, {perm}, group, false);
  if (!dim) {
    r.inverse = reshape(inverse, self->sizes());
  } else {
    Dims vshape = moved_shape;
    vshape[0] = u;
    r.values = contiguous(movedim(reshape(r.values, vshape), Dims{0}, Dims{*dim}));
    r.inverse = inverse;
  }
  return r;
}

Tensor searchsorted(const Tensor& seq, const Tensor& values, bool out_int32, bool right,
                    const Tensor& sorter) {
  MT_CHECK(seq->dim() >= 1,
           "torch.searchsorted(): boundaries tensor should be 1 dimension or the "
           "first N-1 dimensions of boundaries tensor and input value tensor must match, but we "
           "got boundaries tensor ",
           seq->sizes(), " and input value tensor ", values->sizes());
  MT_CHECK(seq->device() == values->device(),
           "Expected all tensors to be on the same device, but "
           "found at least two devices, ",
           seq->device().str(), " and ", values->device().str(), "!");
  bool shared = seq->dim() == 1;
  if (!shared) {
    bool ok = values->dim() == seq->dim();
    for (int64_t i = 0; ok && i + 1 < seq->dim(); ++i) ok = seq->sizes()[i] == values->sizes()[i];
    MT_CHECK(ok,
             "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
             "dimensions of boundaries tensor and input value tensor must match, but we got "
             "boundaries tensor ",
             seq->sizes(), " and input value tensor ", values->sizes());
  }
  if (sorter) {
    MT_CHECK(sorter->dtype() == DType::Int64,
             "torch.searchsorted(): sorter must be a tensor of "
             "long dtype but got dtype ",
             info(sorter->dtype()).torch_name);
    MT_CHECK(sorter->sizes() == seq->sizes(),
             "torch.searchsorted(): boundary and sorter must "
             "have the same size, but got boundary tensor ",
             seq->sizes(), " and got sorter tensor ", sorter->sizes());
  }
  DType dt = promote_types(seq->dtype(), values->dtype());
  Tensor s = contiguous(to(seq, dt, seq->device(), false));
  Tensor v = contiguous(to(values, dt, seq->device(), false));
  Tensor so = sorter ? contiguous(sorter) : Tensor();
  if (so) {
    // An out-of-range sorter entry would read outside the sequence.
    std::vector<int64_t> h = to_host_int64(so);
    int64_t len = seq->sizes().back();
    for (int64_t x : h)
      MT_CHECK(x >= 0 && x < len, "torch.searchsorted(): sorter index ", x,
               " is out of range for a boundaries tensor of size ", len, " along its last dim");
  }
  DType out_dt = out_int32 ? DType::Int32 : DType::Int64;
  Tensor out = empty(values->sizes(), out_dt, seq->device());
  if (out->numel() == 0) return out;
  int64_t len = seq->sizes().back();
  int64_t seq_rows = shared ? 1 : rows_of(seq->sizes());
  int64_t rows = shared ? 1 : rows_of(values->sizes());
  int64_t m = shared ? values->numel() : values->sizes().back();
  need(table(seq).searchsorted, "searchsorted", seq->device())(
      s->data(), so ? reinterpret_cast<const int64_t*>(so->data()) : nullptr, seq_rows, len,
      v->data(), rows, m, dt, out->data(), out_dt, right);
  return out;
}

Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool out_int32, bool right) {
  MT_CHECK(boundaries->dim() == 1, "boundaries tensor must be 1 dimension, but got dim(",
           boundaries->dim(), ")");
  return searchsorted(boundaries, input, out_int32, right, Tensor());
}

}  // namespace mt::ops
