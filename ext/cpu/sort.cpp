// sort.cpp: CPU kernels for sort, topk, unique and searchsorted.
//
// All work on contiguous row-major buffers laid out by ext/ops/sort.cpp
// (shapes in ext/core/kernels.h). Order: NaN compares above every number
// and equal to itself, as PyTorch sorts; 16-bit floats compare as float.
// Rows are independent, so they are split across threads.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"

namespace mt::cpu {

namespace {

// Strict "a sorts before b" in ascending order, NaN last.
template <typename K>
inline bool less_nan_last(K a, K b) {
  if constexpr (std::is_floating_point_v<K>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

template <typename F>
void for_rows(int64_t rows, int64_t len, F&& f) {
  int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(len, 1));
  parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(r);
  });
}

}  // namespace

void sort(char* values, int64_t* indices, DType dt, int64_t rows, int64_t len, bool descending) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = opmath_t<T>;
    for_rows(rows, len, [&](int64_t r) {
      T* v = reinterpret_cast<T*>(values) + r * len;
      int64_t* ix = indices + r * len;
      std::vector<std::pair<K, int64_t>> tmp(len);
      for (int64_t i = 0; i < len; ++i) tmp[i] = {static_cast<K>(v[i]), i};
      if (descending)
        std::stable_sort(tmp.begin(), tmp.end(), [](const auto& a, const auto& b) {
          return less_nan_last(b.first, a.first);
        });
      else
        std::stable_sort(tmp.begin(), tmp.end(), [](const auto& a, const auto& b) {
          return less_nan_last(a.first, b.first);
        });
      for (int64_t i = 0; i < len; ++i) {
        v[i] = static_cast<T>(tmp[i].first);
        ix[i] = tmp[i].second;
      }
    });
  });
}

void topk(const char* src, DType dt, int64_t rows, int64_t len, int64_t k, bool largest,
          char* values, int64_t* indices) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = opmath_t<T>;
    for_rows(rows, len, [&](int64_t r) {
      const T* s = reinterpret_cast<const T*>(src) + r * len;
      T* ov = reinterpret_cast<T*>(values) + r * k;
      int64_t* oi = indices + r * k;
      std::vector<std::pair<K, int64_t>> tmp(len);
      for (int64_t i = 0; i < len; ++i) tmp[i] = {static_cast<K>(s[i]), i};
      // Ties break by position so the result does not depend on the algorithm.
      auto before = [largest](const auto& a, const auto& b) {
        bool lt = largest ? less_nan_last(b.first, a.first) : less_nan_last(a.first, b.first);
        if (lt) return true;
        bool gt = largest ? less_nan_last(a.first, b.first) : less_nan_last(b.first, a.first);
        return !gt && a.second < b.second;
      };
      std::partial_sort(tmp.begin(), tmp.begin() + k, tmp.end(), before);
      for (int64_t i = 0; i < k; ++i) {
        ov[i] = static_cast<T>(tmp[i].first);
        oi[i] = tmp[i].second;
      }
    });
  });
}

void lexsort_rows(const char* data, DType dt, int64_t n, int64_t row_len, int64_t* perm) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = opmath_t<T>;
    const T* d = reinterpret_cast<const T*>(data);
    for (int64_t i = 0; i < n; ++i) perm[i] = i;
    std::stable_sort(perm, perm + n, [&](int64_t a, int64_t b) {
      const T* ra = d + a * row_len;
      const T* rb = d + b * row_len;
      for (int64_t j = 0; j < row_len; ++j) {
        K x = static_cast<K>(ra[j]), y = static_cast<K>(rb[j]);
        if (less_nan_last(x, y)) return true;
        if (less_nan_last(y, x)) return false;
      }
      return false;
    });
  });
}

int64_t unique_runs(const char* data, DType dt, int64_t n, int64_t row_len, int64_t* group,
                    int64_t* first) {
  int64_t count = 0;
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = opmath_t<T>;
    const T* d = reinterpret_cast<const T*>(data);
    for (int64_t i = 0; i < n; ++i) {
      // Equal by ==, so each NaN is a value of its own (as PyTorch's unique).
      bool same = i > 0;
      for (int64_t j = 0; j < row_len && same; ++j)
        same = static_cast<K>(d[i * row_len + j]) == static_cast<K>(d[(i - 1) * row_len + j]);
      if (!same) first[count++] = i;
      group[i] = count - 1;
    }
  });
  first[count] = n;
  return count;
}

void searchsorted(const char* seq, const int64_t* sorter, int64_t seq_rows, int64_t len,
                  const char* vals, int64_t rows, int64_t m, DType dt, char* out, DType out_dt,
                  bool right) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = opmath_t<T>;
    for_rows(rows, m * 20, [&](int64_t r) {
      int64_t sr = seq_rows == 1 ? 0 : r;
      const T* s = reinterpret_cast<const T*>(seq) + sr * len;
      const int64_t* so = sorter ? sorter + sr * len : nullptr;
      const T* v = reinterpret_cast<const T*>(vals) + r * m;
      for (int64_t j = 0; j < m; ++j) {
        K x = static_cast<K>(v[j]);
        int64_t lo = 0, hi = len;
        // Written with negated comparisons so a NaN value lands past the end,
        // as in PyTorch.
        while (lo < hi) {
          int64_t mid = lo + (hi - lo) / 2;
          K y = static_cast<K>(s[so ? so[mid] : mid]);
          bool go_right = right ? !(y > x) : !(y >= x);
          if (go_right)
            lo = mid + 1;
          else
            hi = mid;
        }
        if (out_dt == DType::Int32)
          reinterpret_cast<int32_t*>(out)[r * m + j] = static_cast<int32_t>(lo);
        else
          reinterpret_cast<int64_t*>(out)[r * m + j] = lo;
      }
    });
  });
}

}  // namespace mt::cpu
