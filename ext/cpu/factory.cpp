// factory.cpp: CPU kernels for arange, linspace and the random fills.
//
// All write a contiguous buffer `out` of n elements of dtype dt. Random
// kernels draw from Philox(seed, offset): counter offset + i/4 gives element
// i's 32 bits, so any chunking of the range gives the same numbers.
#include <cmath>

#include "../core/random.h"
#include "cpu.h"

namespace mt::cpu {

void arange(char* out, int64_t n, DType dt, double start, double step) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) {
      const double v = start + static_cast<double>(i) * step;
      // Integers wrap through int64 (uint8 arange from -2 gives 254, as
      // PyTorch), not a double -> uint8 cast, which is undefined below 0.
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        o[i] = static_cast<T>(float_to_int<int64_t>(v));
      else
        o[i] = static_cast<T>(v);
    }
  });
}

void linspace(char* out, int64_t n, DType dt, double start, double end) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    if (n == 1) {
      o[0] = static_cast<T>(start);
      return;
    }
    // Symmetric evaluation (as PyTorch does): the first half counts up from
    // start, the second half down from end, so both ends are exact.
    double step = (end - start) / static_cast<double>(n - 1);
    int64_t half = n / 2;
    for (int64_t i = 0; i < n; ++i) {
      double v = i < half ? start + step * static_cast<double>(i)
                          : end - step * static_cast<double>(n - 1 - i);
      if constexpr (std::is_integral_v<T>)
        o[i] = static_cast<T>(float_to_int<int64_t>(v));
      else
        o[i] = static_cast<T>(v);
    }
  });
}

namespace {
// Uniform double in [0, 1) from two 32-bit words (53 random bits).
inline double u01_53(uint32_t a, uint32_t b) {
  uint64_t x = (static_cast<uint64_t>(a) << 21) ^ (b >> 11);
  return static_cast<double>(x & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}
// Calls f(i, u0, u1) with two 32-bit words per element.
template <typename F>
void draw_pairs(int64_t n, uint64_t seed, uint64_t offset, F f) {
  parallel_for(0, n, kGrainSize, [&](int64_t b, int64_t e) {
    // two elements per Philox call (4 words); start at an even index
    int64_t start = b & ~int64_t{1};
    Philox gen(seed, offset + static_cast<uint64_t>(start / 2));
    uint32_t w[4];
    for (int64_t i = start; i < e; i += 2) {
      gen.next4(w);
      if (i >= b) f(i, w[0], w[1]);
      if (i + 1 < e) f(i + 1, w[2], w[3]);
    }
  });
}
}  // namespace

void uniform(char* out, int64_t n, DType dt, double lo, double hi, uint64_t seed, uint64_t offset) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    draw_pairs(n, seed, offset, [&](int64_t i, uint32_t a, uint32_t b) {
      double u = u01_53(a, b);
      T v = static_cast<T>(lo + (hi - lo) * u);
      // rounding to a narrow float type can reach hi; keep [lo, hi)
      if constexpr (!std::is_integral_v<T>) {
        if (static_cast<double>(static_cast<opmath_t<T>>(v)) >= hi && hi > lo)
          v = static_cast<T>(lo);
      }
      o[i] = v;
    });
  });
}

void normal(char* out, int64_t n, DType dt, double mean, double std, uint64_t seed,
            uint64_t offset) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    // Box-Muller on each element's own words (one of the two outputs used),
    // so element i depends only on its counter.
    draw_pairs(n, seed, offset, [&](int64_t i, uint32_t a, uint32_t b) {
      double u1 = (static_cast<double>(a) + 1.0) * (1.0 / 4294967296.0);  // (0, 1]
      double u2 = static_cast<double>(b) * (1.0 / 4294967296.0);
      double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      o[i] = static_cast<T>(mean + std * z);
    });
  });
}

void randint(char* out, int64_t n, DType dt, int64_t low, int64_t high, uint64_t seed,
             uint64_t offset) {
  uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    draw_pairs(n, seed, offset, [&](int64_t i, uint32_t a, uint32_t b) {
      uint64_t x = (static_cast<uint64_t>(a) << 32) | b;
      o[i] = static_cast<T>(static_cast<int64_t>(static_cast<uint64_t>(low) + x % range));
    });
  });
}

void randperm(char* out, int64_t n, DType dt, uint64_t seed, uint64_t offset) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(i);
    Philox gen(seed, offset);
    uint32_t w[4];
    // Fisher-Yates from the back
    for (int64_t i = n - 1; i > 0; --i) {
      gen.next4(w);
      uint64_t x = (static_cast<uint64_t>(w[0]) << 32) | w[1];
      int64_t j = static_cast<int64_t>(x % static_cast<uint64_t>(i + 1));
      T tmp = o[i];
      o[i] = o[j];
      o[j] = tmp;
    }
  });
}

}  // namespace mt::cpu
