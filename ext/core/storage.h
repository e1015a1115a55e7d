// storage.h: a ref-counted byte buffer on a device.
//
// Note [Storage export]
// A Storage either owns its bytes (they came from the device allocator) or
// borrows them from an external owner (a NumPy array, a DLPack producer),
// which it releases through `release` when the last reference goes. Arrays,
// buffer-protocol views and DLPack capsules made *from* a tensor hold a
// reference to the Storage (never to the tensor) and count themselves in
// `exports`. While exports > 0 nothing may reallocate or free the bytes:
// resize_ that needs more room and set_ keep working on other storages but
// never touch these bytes, so an exported view can never dangle. Once every
// export has died the storage may be resized again.
//
// Note [Version counter]
// The version counter lives here, so every view of the same bytes (they all
// share this Storage) sees every in-place write. Autograd compares it to the
// value saved with a tensor to detect in-place modification.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "device.h"
#include "error.h"
#include "intrusive.h"

namespace mt {

using ReleaseFn = void (*)(void* ctx, void* data);

class Storage : public RefCounted {
 public:
  // Owning storage of nbytes from the device allocator.
  static Ptr<Storage> allocate(int64_t nbytes, Device device);
  // Borrowed storage: `release(ctx, data)` runs when the storage dies.
  static Ptr<Storage> borrow(void* data, int64_t nbytes, Device device, ReleaseFn release,
                             void* ctx) {
    auto s = Ptr<Storage>(new Storage(data, nbytes, device, release, ctx));
    s->resizable_ = false;
    return s;
  }
  ~Storage() override {
    if (release_) release_(ctx_, data_);
  }

  void* data() const { return data_; }
  int64_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  // Owned storages can grow; borrowed ones and ones with live exports cannot.
  // Throws RuntimeError (PyTorch's message) and leaves the storage unchanged.
  void resize(int64_t nbytes);

  bool read_only() const { return read_only_; }
  void set_read_only(bool v) { read_only_ = v; }
  bool resizable() const { return resizable_; }

  int64_t exports() const { return exports_.load(std::memory_order_acquire); }
  void add_export() { exports_.fetch_add(1, std::memory_order_acq_rel); }
  void remove_export() { exports_.fetch_sub(1, std::memory_order_acq_rel); }

  int64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  Storage(void* data, int64_t nbytes, Device device, ReleaseFn release, void* ctx)
      : data_(data), nbytes_(nbytes), device_(device), release_(release), ctx_(ctx) {}

  void* data_;
  int64_t nbytes_;
  Device device_;
  ReleaseFn release_;
  void* ctx_;
  bool resizable_ = true;
  bool read_only_ = false;
  std::atomic<int64_t> exports_{0};
  std::atomic<int64_t> version_{0};
};

// Per-device allocator, registered by each backend (see kernels.h).
// alloc gets the device index (Device::index, -1 for "current") and the
// stream the bytes are first used on, or null for the device's default
// stream; the CPU allocator ignores both. Failure throws mt::Error.
struct Allocator {
  void* (*alloc)(int64_t nbytes, int device_index, void* stream) = nullptr;
  // Called as free(ctx, ptr) where ctx is the byte count given to alloc,
  // cast to void* (a caching allocator needs the size back).
  ReleaseFn free = nullptr;
};

}  // namespace mt
