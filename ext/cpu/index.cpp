// index.cpp: CPU kernels for the indexing family (see Note [Index offsets]
// in ext/ops/index.cpp), masked_fill, nonzero and the tril/triu zeroing.
//
// Operand layouts are stated in ext/core/kernels.h. Offsets are in elements
// of the indexed tensor and may be negative (negative strides); kernels add
// offset * itemsize to the base pointer the iterator hands them.
#include <atomic>
#include <cstring>

#include "../core/functors/common.h"
#include "cpu.h"

namespace mt::cpu {

namespace {

// Gathers and plain assignments move bytes and need no arithmetic: they
// dispatch on the item size, not the dtype.
template <typename F>
void dispatch_bits(int64_t itemsize, F&& f) {
  switch (itemsize) {
    case 1:
      return f(TypeTag<uint8_t>{});
    case 2:
      return f(TypeTag<uint16_t>{});
    case 4:
      return f(TypeTag<uint32_t>{});
    case 8:
      return f(TypeTag<uint64_t>{});
  }
  MT_THROW(RuntimeError, "unsupported item size ", itemsize);
}

template <typename T>
inline bool nonzero_value(T v) {
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>)
    return static_cast<float>(v) != 0.0f;
  else
    return v != T(0);
}

}  // namespace

bool index_offsets(const TensorIter& it, int64_t size, int64_t stride, bool wrap,
                   int64_t* bad_index) {
  DType idt = it.dtype(1);
  MT_CHECK(idt != DType::Bool && !is_floating(idt), "index_offsets: integer index expected");
  // An index out of range stops its run and is reported to the caller, which
  // raises (kernels never throw inside the loop). The first one recorded
  // wins; serially that is the first in iteration order.
  std::atomic<bool> failed{false};
  int64_t bad = 0;
  dispatch(idt, [&](auto tag) {
    using I = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>) {
      it.for_each([&](int64_t n, char** p, const int64_t* s) {
        for (int64_t i = 0; i < n; ++i) {
          int64_t v = static_cast<int64_t>(*reinterpret_cast<const I*>(p[1] + i * s[1]));
          int64_t w = (wrap && v < 0) ? v + size : v;
          if (w < 0 || w >= size) {
            bool expected = false;
            if (failed.compare_exchange_strong(expected, true)) bad = v;
            return;
          }
          *reinterpret_cast<int64_t*>(p[0] + i * s[0]) += w * stride;
        }
      });
    }
  });
  if (failed.load()) *bad_index = bad;
  return !failed.load();
}

void index_gather(const TensorIter& it) {
  dispatch_bits(itemsize_of(it.dtype(0)), [&](auto tag) {
    using U = typename decltype(tag)::type;
    it.for_each([](int64_t n, char** p, const int64_t* s) {
      for (int64_t i = 0; i < n; ++i) {
        int64_t off = *reinterpret_cast<const int64_t*>(p[2] + i * s[2]);
        *reinterpret_cast<U*>(p[0] + i * s[0]) =
            *reinterpret_cast<const U*>(p[1] + i * s[1] + off * int64_t(sizeof(U)));
      }
    });
  });
}

void index_scatter(const TensorIter& it, KernelTable::ScatterOp op, Scalar alpha) {
  using Op = KernelTable::ScatterOp;
  if (op == Op::Assign) {
    dispatch_bits(itemsize_of(it.dtype(0)), [&](auto tag) {
      using U = typename decltype(tag)::type;
      it.serial_for_each(
          [](int64_t n, char** p, const int64_t* s) {
            for (int64_t i = 0; i < n; ++i) {
              int64_t off = *reinterpret_cast<const int64_t*>(p[2] + i * s[2]);
              *reinterpret_cast<U*>(p[0] + i * s[0] + off * int64_t(sizeof(U))) =
                  *reinterpret_cast<const U*>(p[1] + i * s[1]);
            }
          },
          0, it.numel());
    });
    return;
  }
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    const M a = alpha.to<M>();
    it.serial_for_each(
        [&](int64_t n, char** p, const int64_t* s) {
          for (int64_t i = 0; i < n; ++i) {
            int64_t off = *reinterpret_cast<const int64_t*>(p[2] + i * s[2]);
            T* d = reinterpret_cast<T*>(p[0] + i * s[0] + off * int64_t(sizeof(T)));
            M x = static_cast<M>(*reinterpret_cast<const T*>(p[1] + i * s[1]));
            M cur = static_cast<M>(*d);
            if (op == Op::Maximum || op == Op::Minimum) {
              // NaN wins either way (PyTorch's scatter_reduce amax / amin).
              bool take = op == Op::Maximum ? x > cur : x < cur;
              if constexpr (!std::is_integral_v<T>) take = take || (x != x && cur == cur);
              if (take) *d = static_cast<T>(x);
            } else if constexpr (std::is_same_v<T, bool>) {
              *d = op == Op::Add ? (cur || (a && x)) : (cur && x);
            } else {
              *d = static_cast<T>(op == Op::Add
                                      ? functors::wrapping_add(cur, functors::wrapping_mul(a, x))
                                      : functors::wrapping_mul(cur, x));
            }
          }
        },
        0, it.numel());
  });
}

void masked_fill(const TensorIter& it, Scalar value) {
  MT_CHECK(it.dtype(1) == DType::Bool, "masked_fill: mask must be bool");
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    it.for_each([v](int64_t n, char** p, const int64_t* s) {
      for (int64_t i = 0; i < n; ++i)
        if (*reinterpret_cast<const bool*>(p[1] + i * s[1]))
          *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
    });
  });
}

int64_t nonzero_count(const TensorIter& it) {
  std::atomic<int64_t> total{0};
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.for_each([&](int64_t n, char** p, const int64_t* s) {
      int64_t c = 0;
      for (int64_t i = 0; i < n; ++i)
        c += nonzero_value(*reinterpret_cast<const T*>(p[0] + i * s[0]));
      total.fetch_add(c, std::memory_order_relaxed);
    });
  });
  return total.load();
}

void nonzero(const TensorIter& it, const int64_t* sizes, int64_t ndim, int64_t* out) {
  // serial_for_each visits elements in row-major order of `sizes` (the
  // iterator only drops size-1 dims and merges neighbours), so the running
  // position is the flat index.
  int64_t pos = 0;
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.serial_for_each(
        [&](int64_t n, char** p, const int64_t* s) {
          for (int64_t i = 0; i < n; ++i, ++pos) {
            if (!nonzero_value(*reinterpret_cast<const T*>(p[0] + i * s[0]))) continue;
            int64_t rem = pos;
            for (int64_t d = ndim - 1; d >= 0; --d) {
              out[d] = rem % sizes[d];
              rem /= sizes[d];
            }
            out += ndim;
          }
        },
        0, it.numel());
  });
}

void triangle(char* data, DType dt, int64_t batch, int64_t rows, int64_t cols, int64_t k,
              bool lower) {
  int64_t isz = itemsize_of(dt);
  int64_t total = batch * rows;
  int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1));
  parallel_for(0, total, grain, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      int64_t i = r % rows;
      char* row = data + r * cols * isz;
      int64_t lo, hi;  // zero columns [lo, hi)
      if (lower) {
        lo = std::clamp<int64_t>(i + k + 1, 0, cols);
        hi = cols;
      } else {
        lo = 0;
        hi = std::clamp<int64_t>(i + k, 0, cols);
      }
      // All-zero bytes are 0 in every dtype (0.0 for the floats).
      if (hi > lo) std::memset(row + lo * isz, 0, (hi - lo) * isz);
    }
  });
}

}  // namespace mt::cpu
