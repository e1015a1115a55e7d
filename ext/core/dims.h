// dims.h: a small vector of int64 for sizes and strides.
//
// Most tensors have few dims, so up to kInline values live inside the object
// and no heap allocation happens on the per-op path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <ostream>
#include <vector>

namespace mt {

class Dims {
 public:
  static constexpr int64_t kInline = 6;

  Dims() = default;
  explicit Dims(int64_t n, int64_t value = 0) { resize(n, value); }
  Dims(std::initializer_list<int64_t> il) { assign(il.begin(), il.end()); }
  Dims(const int64_t* b, const int64_t* e) { assign(b, e); }
  Dims(const std::vector<int64_t>& v) { assign(v.data(), v.data() + v.size()); }
  Dims(const Dims& o) {
    if (o.heap_) {
      assign(o.begin(), o.end());
    } else {
      copy_inline(o);
    }
  }
  Dims& operator=(const Dims& o) {
    if (this == &o) return *this;
    if (!o.heap_ && !heap_)
      copy_inline(o);
    else
      assign(o.begin(), o.end());
    return *this;
  }
  // A move takes the heap block, or copies the inline values (a fixed-size
  // copy the compiler inlines: views move several Dims per call).
  Dims(Dims&& o) noexcept { take(o); }
  Dims& operator=(Dims&& o) noexcept {
    if (this != &o) {
      if (heap_) delete[] heap_;
      heap_ = nullptr;
      take(o);
    }
    return *this;
  }
  ~Dims() {
    if (heap_) delete[] heap_;
  }

  int64_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t* data() { return heap_ ? heap_ : inline_; }
  const int64_t* data() const { return heap_ ? heap_ : inline_; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + n_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + n_; }
  int64_t& operator[](int64_t i) { return data()[i]; }
  int64_t operator[](int64_t i) const { return data()[i]; }
  int64_t back() const { return data()[n_ - 1]; }

  void resize(int64_t n, int64_t value = 0) {
    reserve(n);
    for (int64_t i = n_; i < n; ++i) data()[i] = value;
    n_ = n;
  }
  void push_back(int64_t v) {
    reserve(n_ + 1);
    data()[n_++] = v;
  }
  void insert(int64_t pos, int64_t v) {
    reserve(n_ + 1);
    int64_t* d = data();
    std::memmove(d + pos + 1, d + pos, (n_ - pos) * sizeof(int64_t));
    d[pos] = v;
    ++n_;
  }
  void erase(int64_t pos) {
    int64_t* d = data();
    std::memmove(d + pos, d + pos + 1, (n_ - pos - 1) * sizeof(int64_t));
    --n_;
  }
  bool operator==(const Dims& o) const {
    return n_ == o.n_ && std::equal(begin(), end(), o.begin());
  }
  bool operator!=(const Dims& o) const { return !(*this == o); }
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

 private:
  void assign(const int64_t* b, const int64_t* e) {
    int64_t n = e - b;
    n_ = 0;
    reserve(n);
    std::memmove(data(), b, n * sizeof(int64_t));
    n_ = n;
  }
  void copy_inline(const Dims& o) {
    n_ = o.n_;
    std::memcpy(inline_, o.inline_, sizeof inline_);
  }
  void take(Dims& o) {
    n_ = o.n_;
    if (o.heap_) {
      heap_ = o.heap_;
      cap_ = o.cap_;
      o.heap_ = nullptr;
      o.n_ = 0;
    } else {
      std::memcpy(inline_, o.inline_, sizeof inline_);
    }
  }
  void reserve(int64_t n) {
    int64_t cap = heap_ ? cap_ : kInline;
    if (n <= cap) return;
    int64_t newcap = std::max<int64_t>(n, 2 * cap);
    int64_t* h = new int64_t[newcap];
    std::memcpy(h, data(), n_ * sizeof(int64_t));
    if (heap_) delete[] heap_;
    heap_ = h;
    cap_ = newcap;
  }

  int64_t n_ = 0;
  int64_t cap_ = 0;
  int64_t* heap_ = nullptr;
  int64_t inline_[kInline];
};

inline std::ostream& operator<<(std::ostream& os, const Dims& d) {
  os << "[";
  for (int64_t i = 0; i < d.size(); ++i) os << (i ? ", " : "") << d[i];
  return os << "]";
}

}  // namespace mt
