// tensor_impl.cpp: see tensor_impl.h.
#include "tensor_impl.h"

#include <algorithm>

#include "backend.h"
#include "kernels.h"

namespace mt {

namespace {
void* size_ctx(int64_t nbytes) { return reinterpret_cast<void*>(static_cast<intptr_t>(nbytes)); }
}  // namespace

Ptr<Storage> Storage::allocate(int64_t nbytes, Device device) {
  device = resolve_device(device);  // "cuda" -> "cuda:<current>"
  const Allocator& a = allocator(device.type);
  void* p = a.alloc(nbytes, device.index, nullptr);
  // The allocator gets its byte count back at free (Allocator::free).
  return Ptr<Storage>(new Storage(p, nbytes, device, a.free, size_ctx(nbytes)));
}

void Storage::resize(int64_t nbytes) {
  if (nbytes <= nbytes_) return;
  MT_CHECK(exports() == 0,
           "Trying to resize storage that is shared with a live NumPy array, buffer or DLPack "
           "view; delete those views first (or .clone() the tensor)");
  MT_CHECK(resizable_, "Trying to resize storage that is not resizable");
  const Allocator& a = allocator(device_.type);
  void* p = a.alloc(nbytes, device_.index, nullptr);
  if (nbytes_ > 0) copy_bytes(device_, p, data_, nbytes_);
  if (release_) release_(ctx_, data_);
  data_ = p;
  nbytes_ = nbytes;
  release_ = a.free;
  ctx_ = size_ctx(nbytes);
}

namespace {
AutogradMeta* plain_autograd_meta(TensorImpl*) { return new AutogradMeta(); }
}  // namespace
AutogradMeta* (*new_autograd_meta)(TensorImpl* owner) = plain_autograd_meta;

Tensor TensorImpl::empty(const Dims& sizes, DType dtype, Device device) {
  int64_t n = checked_numel(sizes);
  int64_t nbytes;
  MT_CHECK(!__builtin_mul_overflow(n, itemsize_of(dtype), &nbytes),
           "Trying to create tensor with too many elements: ", sizes);
  return make<TensorImpl>(Storage::allocate(nbytes, device), sizes, contiguous_strides(sizes), 0,
                          dtype);
}

Tensor TensorImpl::empty_like_layout(const TensorImpl& like, DType dtype) {
  const Dims& sz = like.sizes();
  const Dims& st = like.strides();
  if (like.is_contiguous()) return empty(sz, dtype, like.device());
  // Dims ordered by stride (size-1 dims last); dense iff strides are the
  // running products of sizes in that order.
  const int64_t nd = sz.size();
  int64_t order[64];
  if (nd > 64) return empty(sz, dtype, like.device());
  int64_t n = 0;
  for (int64_t d = 0; d < nd; ++d)
    if (sz[d] > 1) order[n++] = d;
  std::sort(order, order + n, [&](int64_t a, int64_t b) { return st[a] < st[b]; });
  int64_t need = 1;
  for (int64_t i = 0; i < n; ++i) {
    if (st[order[i]] != need) return empty(sz, dtype, like.device());
    need *= sz[order[i]];
  }
  Dims strides(nd);
  for (int64_t d = 0; d < nd; ++d) strides[d] = sz[d] > 1 ? st[d] : 1;
  Tensor flat = empty(Dims{numel_of(sz)}, dtype, like.device());
  return make<TensorImpl>(flat->storage(), sz, strides, 0, dtype);
}

void check_view_fits(const Dims& sizes, const Dims& strides, int64_t offset, DType dtype,
                     int64_t nbytes) {
  MT_CHECK(sizes.size() == strides.size(), "mismatch in length of strides and shape");
  for (int64_t s : sizes) MT_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s);
  (void)checked_numel(sizes);
  // Even an empty view must keep size * stride and the offset in range:
  // the view ops (narrow, select, flip, unsqueeze) multiply them. See
  // Note [Negative strides].
  int64_t span = 0;
  bool overflow = false;
  for (int64_t i = 0; i < sizes.size(); ++i) {
    int64_t s;
    overflow |= strides[i] == INT64_MIN || __builtin_mul_overflow(sizes[i], strides[i], &s) ||
                __builtin_add_overflow(span, s < 0 ? -s : s, &span);
  }
  overflow |= __builtin_add_overflow(span, offset < 0 ? -offset : offset, &span);
  MT_CHECK(!overflow, "Storage size calculation overflowed with sizes=", sizes,
           " and strides=", strides, " and storage offset ", offset);
  if (numel_of(sizes) == 0) return;
  int64_t lo, hi;
  reachable_range(sizes, strides, &lo, &hi);
  int64_t isz = itemsize_of(dtype);
  // span bounds every term, and span * 8 cannot overflow unless span > 2**60.
  int64_t need;
  MT_CHECK(!__builtin_mul_overflow(offset + hi + 1, isz, &need),
           "Storage size calculation overflowed with sizes=", sizes, " and strides=", strides);
  MT_CHECK(offset + lo >= 0 && need <= nbytes, "setStorage: sizes ", sizes, ", strides ", strides,
           ", storage offset ", offset, ", and itemsize ", isz, " requiring a storage size of ",
           need, " are out of bounds for storage of size ", nbytes);
}

void TensorImpl::set(Ptr<Storage> storage, Dims sizes, Dims strides, int64_t offset) {
  set(std::move(storage), std::move(sizes), std::move(strides), offset, dtype_);
}

void TensorImpl::set(Ptr<Storage> storage, Dims sizes, Dims strides, int64_t offset, DType dtype) {
  check_view_fits(sizes, strides, offset, dtype, storage->nbytes());
  dtype_ = dtype;
  storage_ = std::move(storage);
  sizes_ = std::move(sizes);
  strides_ = std::move(strides);
  offset_ = offset;
  refresh();
}

void TensorImpl::resize(const Dims& sizes) {
  int64_t n = checked_numel(sizes);
  Dims strides = contiguous_strides(sizes);
  int64_t need;
  // Checked: a wrapped byte count would skip the grow and leave a view far
  // larger than its storage.
  MT_CHECK(!__builtin_add_overflow(offset_, n, &need) &&
               !__builtin_mul_overflow(need, itemsize(), &need),
           "Storage size calculation overflowed with sizes=", sizes);
  if (n > 0 && need > storage_->nbytes()) storage_->resize(need);  // may throw; nothing changed
  sizes_ = sizes;
  strides_ = std::move(strides);
  refresh();
}

}  // namespace mt
