// tensor_impl.h: a view of a Storage: sizes, strides, offset, dtype.
//
// Invariants:
// - strides are in elements, may be negative or zero (Note [Negative strides]);
// - every element the view reaches lies inside storage->nbytes() (checked by
//   whoever builds a view from outside data: as_strided, from_numpy, set_);
// - views share the Storage and so its version counter (Note [Version counter]);
// - `pyobj` is a non-owning pointer to the live Python object wrapping this
//   impl, or null (Note [Identity]); only ext/python reads or writes it.
#pragma once

#include <memory>

#include "dims.h"
#include "dtype.h"
#include "shape.h"
#include "storage.h"

namespace mt {

class TensorImpl;
using Tensor = Ptr<TensorImpl>;

// Autograd's per-tensor state. ext/autograd extends it (ag::Meta) and
// installs the factory below; core only stores it.
struct AutogradMeta {
  virtual ~AutogradMeta() = default;
  bool requires_grad = false;
  Tensor grad;
};
// Makes the AutogradMeta of `owner` (set by ext/autograd at load time).
extern AutogradMeta* (*new_autograd_meta)(TensorImpl* owner);

class TensorImpl : public RefCounted {
 public:
  TensorImpl(Ptr<Storage> storage, Dims sizes, Dims strides, int64_t offset, DType dtype)
      : storage_(std::move(storage)),
        sizes_(std::move(sizes)),
        strides_(std::move(strides)),
        offset_(offset),
        dtype_(dtype) {
    refresh();
  }

  // A fresh contiguous tensor from the device allocator (contents undefined).
  static Tensor empty(const Dims& sizes, DType dtype, Device device);
  // A fresh tensor of like's sizes with like's memory layout when like is a
  // dense permutation of a contiguous layout (t.t(), t.permute(...)), else
  // contiguous: PyTorch's preserve_format. Elementwise results use it so a
  // permuted input and its result iterate in the same, contiguous order.
  static Tensor empty_like_layout(const TensorImpl& like, DType dtype);
  // A view sharing this tensor's storage.
  Tensor view(Dims sizes, Dims strides, int64_t offset) const {
    return make<TensorImpl>(storage_, std::move(sizes), std::move(strides), offset, dtype_);
  }

  const Ptr<Storage>& storage() const { return storage_; }
  const Dims& sizes() const { return sizes_; }
  const Dims& strides() const { return strides_; }
  int64_t dim() const { return sizes_.size(); }
  // A 0-d tensor accepts dim 0 and -1 (as wrap_dim does) and reads as one
  // element of size 1 and stride 1 there; it has no sizes_ entry to read.
  int64_t size(int64_t d) const {
    int64_t i = wrap_dim(d, dim());
    return sizes_.empty() ? 1 : sizes_[i];
  }
  int64_t stride(int64_t d) const {
    int64_t i = wrap_dim(d, dim());
    return strides_.empty() ? 1 : strides_[i];
  }
  int64_t offset() const { return offset_; }
  int64_t numel() const { return numel_; }
  DType dtype() const { return dtype_; }
  int64_t itemsize() const { return itemsize_of(dtype_); }
  Device device() const { return storage_->device(); }
  bool is_contiguous() const { return contiguous_; }
  char* data() const { return static_cast<char*>(storage_->data()) + offset_ * itemsize(); }

  // Re-points this tensor (set_, resize_). Checks that the new view fits the
  // storage; on failure nothing changes.
  void set(Ptr<Storage> storage, Dims sizes, Dims strides, int64_t offset);
  // The same, also changing the dtype (`t.data = other`: PyTorch swaps the
  // tensor's data, dtype and shape together).
  void set(Ptr<Storage> storage, Dims sizes, Dims strides, int64_t offset, DType dtype);
  // resize_: keeps the data pointer when the storage is big enough, grows it
  // otherwise (RuntimeError if it is borrowed or exported; nothing changes).
  void resize(const Dims& sizes);

  // In-place writes call this first: refuses read-only storage, bumps the version.
  void prepare_write() const {
    MT_CHECK(!storage_->read_only(),
             "cannot write to this tensor: it shares memory with a read-only NumPy array or "
             "buffer. Use .clone() to get a writable copy.");
    storage_->bump_version();
  }
  int64_t version() const { return storage_->version(); }

  AutogradMeta* autograd() const { return autograd_.get(); }
  AutogradMeta& autograd_or_create() {
    if (!autograd_) autograd_.reset(new_autograd_meta(this));
    return *autograd_;
  }
  void set_autograd(std::unique_ptr<AutogradMeta> m) { autograd_ = std::move(m); }
  bool requires_grad() const { return autograd_ && autograd_->requires_grad; }

  void* pyobj = nullptr;  // Note [Identity]; owned by ext/python

 private:
  void refresh() {
    // Checked: a view op handed absurd sizes (expand(2**62, 2**62), a
    // negative size) must raise here rather than carry a wrapped numel.
    numel_ = checked_numel(sizes_);
    contiguous_ = mt::is_contiguous(sizes_, strides_);
  }

  Ptr<Storage> storage_;
  Dims sizes_;
  Dims strides_;
  int64_t offset_;
  DType dtype_;
  int64_t numel_ = 0;
  bool contiguous_ = true;
  std::unique_ptr<AutogradMeta> autograd_;
};

// Checks that a view with these sizes/strides/offset lies inside `nbytes`
// bytes of storage (RuntimeError otherwise). See Note [Negative strides].
void check_view_fits(const Dims& sizes, const Dims& strides, int64_t offset, DType dtype,
                     int64_t nbytes);

}  // namespace mt
