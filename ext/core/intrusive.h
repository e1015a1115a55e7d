// intrusive.h: intrusive reference counting for Storage and TensorImpl.
//
// The count lives in the object, so a raw pointer can be turned back into an
// owning Ptr (the Python glue keeps raw TensorImpl pointers in its objects).
// The count is atomic: kernels may drop references on worker threads
// (Note [Threads] in DESIGN.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace mt {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;

  void incref() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  void decref() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  int64_t use_count() const { return refs_.load(std::memory_order_relaxed); }

 private:
  mutable std::atomic<int64_t> refs_{0};
};

// Owning pointer to a RefCounted object.
template <typename T>
class Ptr {
 public:
  Ptr() = default;
  Ptr(std::nullptr_t) {}
  // Takes a new reference to p (p may be a fresh object with count 0).
  explicit Ptr(T* p) : p_(p) {
    if (p_) p_->incref();
  }
  Ptr(const Ptr& o) : Ptr(o.p_) {}
  Ptr(Ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  template <typename U>
  Ptr(const Ptr<U>& o) : Ptr(static_cast<T*>(o.get())) {}
  ~Ptr() {
    if (p_) p_->decref();
  }
  Ptr& operator=(Ptr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const Ptr& o) const { return p_ == o.p_; }
  // Gives up ownership without decrementing; pair with Ptr::adopt.
  T* release() { return std::exchange(p_, nullptr); }
  // Takes over a reference previously given up by release().
  static Ptr adopt(T* p) {
    Ptr r;
    r.p_ = p;
    return r;
  }

 private:
  T* p_ = nullptr;
};

template <typename T, typename... Args>
Ptr<T> make(Args&&... args) {
  return Ptr<T>(new T(std::forward<Args>(args)...));
}

}  // namespace mt
