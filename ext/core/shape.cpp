// shape.cpp: see shape.h.
#include "shape.h"

#include <limits>

namespace mt {

int64_t checked_numel(const Dims& sizes) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t s : sizes) {
    MT_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", sizes);
    if (__builtin_mul_overflow(n, s, &n)) overflow = true;
  }
  MT_CHECK(!overflow, "numel: integer multiplication overflow for size ", sizes);
  return n;
}

Dims contiguous_strides(const Dims& sizes) {
  Dims st(sizes.size());
  int64_t acc = 1;
  bool overflow = false;
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    st[i] = acc;
    // The outermost size never enters a stride, so only inner products count.
    if (i > 0 && __builtin_mul_overflow(acc, sizes[i] > 1 ? sizes[i] : 1, &acc)) overflow = true;
  }
  MT_CHECK(!overflow, "Storage size calculation overflowed with sizes=", sizes);
  return st;
}

bool is_contiguous(const Dims& sizes, const Dims& strides) {
  int64_t expected = 1;
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    if (sizes[i] == 0) return true;
    if (sizes[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

void reachable_range(const Dims& sizes, const Dims& strides, int64_t* lo, int64_t* hi) {
  *lo = 0;
  *hi = 0;
  for (int64_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) {
      *lo = *hi = 0;
      return;
    }
  }
  bool overflow = false;
  for (int64_t i = 0; i < sizes.size(); ++i) {
    int64_t span;
    overflow |= __builtin_mul_overflow(sizes[i] - 1, strides[i], &span);
    if (span < 0)
      overflow |= __builtin_add_overflow(*lo, span, lo);
    else
      overflow |= __builtin_add_overflow(*hi, span, hi);
  }
  MT_CHECK(!overflow, "Storage size calculation overflowed with sizes=", sizes,
           " and strides=", strides);
}

int64_t wrap_dim(int64_t dim, int64_t ndim) {
  int64_t n = ndim > 0 ? ndim : 1;  // a 0-d tensor accepts dim 0 and -1
  MT_CHECK_KIND(IndexError, dim >= -n && dim < n,
                "Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

int64_t wrap_dim_strict(int64_t dim, int64_t ndim) {
  MT_CHECK_KIND(IndexError, ndim > 0, "Dimension specified as ", dim,
                " but tensor has no dimensions");
  return wrap_dim(dim, ndim);
}

Dims broadcast_shapes(const Dims& a, const Dims& b) {
  int64_t n = std::max(a.size(), b.size());
  Dims out(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = a.size() - n + i, ib = b.size() - n + i;
    int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
    MT_CHECK(sa == sb || sa == 1 || sb == 1, "The size of tensor a (", sa,
             ") must match the size of tensor b (", sb, ") at non-singleton dimension ", i);
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

}  // namespace mt
