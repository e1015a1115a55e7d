// pool.cpp: the CPU pooling kernels (NnKernelTable::pool_forward,
// pool_backward; geometry in core/kernels_nn.h, Note [Fused pooling] in
// ext/ops/pool.cpp).
//
// Each dim's windows are reduced once to runs of valid input positions
// (first, step, count) and a divisor factor, so the inner loops have no
// bounds test. Work is split by plane with parallel_for; a plane is read and
// written by one task only, in a fixed order, so results are bitwise the same
// for every thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"

namespace mt {
namespace {

// The valid input positions of one window along one dim.
struct Run {
  int64_t first = 0, step = 1, count = 0;
  int64_t factor = 1;  // this dim's share of the average's divisor
};

std::vector<Run> runs_of(const PoolGeom& g, int j) {
  const int64_t in = g.size[j], out = g.out[j];
  std::vector<Run> r(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) {
    Run& w = r[static_cast<size_t>(o)];
    if (g.adaptive) {
      const int64_t s = out == 0 ? 0 : (o * in) / out;
      const int64_t e = out == 0 ? 0 : ((o + 1) * in + out - 1) / out;
      w.first = s;
      w.count = std::max<int64_t>(e - s, 0);
      w.factor = w.count;
      continue;
    }
    const int64_t k = g.kernel[j], d = g.dilation[j], start = o * g.stride[j] - g.padding[j];
    const int64_t t0 = start < 0 ? (-start + d - 1) / d : 0;
    const int64_t last = in - 1 - start;  // t * d <= last
    const int64_t t1 = last < 0 ? 0 : std::min(k, last / d + 1);
    w.first = start + t0 * d;
    w.step = d;
    w.count = std::max<int64_t>(t1 - t0, 0);
    // Average pooling (dilation 1): PyTorch's count, the window clipped to
    // input + padding, or to the input alone.
    w.factor = g.count_include_pad ? std::min(start + k, in + g.padding[j]) - start : w.count;
  }
  return r;
}

struct Plan {
  std::vector<Run> r[3];
  int64_t in_plane, out_plane, grain;
};

Plan plan_of(const PoolGeom& g) {
  Plan p;
  int64_t taps = 1;
  for (int j = 0; j < 3; ++j) {
    p.r[j] = runs_of(g, j);
    int64_t widest = 1;
    for (const Run& w : p.r[j]) widest = std::max(widest, w.count);
    taps *= widest;
  }
  p.in_plane = g.size[0] * g.size[1] * g.size[2];
  p.out_plane = g.out[0] * g.out[1] * g.out[2];
  p.grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, p.out_plane * taps));
  return p;
}

// Calls f(out_index, rz, ry, rx) for every output position of a plane.
template <typename F>
void for_outputs(const PoolGeom& g, const Plan& p, F&& f) {
  int64_t o = 0;
  for (int64_t oz = 0; oz < g.out[0]; ++oz)
    for (int64_t oy = 0; oy < g.out[1]; ++oy)
      for (int64_t ox = 0; ox < g.out[2]; ++ox, ++o)
        f(o, p.r[0][static_cast<size_t>(oz)], p.r[1][static_cast<size_t>(oy)],
          p.r[2][static_cast<size_t>(ox)]);
}

// Calls f(input_index) for every tap of a window, row-major.
template <typename F>
inline void for_taps(const PoolGeom& g, const Run& rz, const Run& ry, const Run& rx, F&& f) {
  for (int64_t a = 0; a < rz.count; ++a) {
    const int64_t iz = rz.first + a * rz.step;
    for (int64_t b = 0; b < ry.count; ++b) {
      const int64_t row = (iz * g.size[1] + ry.first + b * ry.step) * g.size[2] + rx.first;
      for (int64_t c = 0; c < rx.count; ++c) f(row + c * rx.step);
    }
  }
}

// The mean's divisor, in the order PyTorch divides: the product for plain
// windows, dim by dim for adaptive ones.
template <typename A>
inline A mean_of(const PoolGeom& g, A sum, const Run& rz, const Run& ry, const Run& rx) {
  if constexpr (!std::is_floating_point_v<A>) {
    // No integer division that traps: min / -1 (negated instead, wrapping
    // under -fwrapv) and an empty window (only from bad arguments: 0).
    if (g.divisor == -1) return static_cast<A>(A{0} - sum);
    if (g.divisor == 0 && rz.factor * ry.factor * rx.factor == 0) return 0;
  }
  if (g.divisor != 0) return sum / static_cast<A>(g.divisor);
  if (g.adaptive)
    return sum / static_cast<A>(rz.factor) / static_cast<A>(ry.factor) / static_cast<A>(rx.factor);
  return sum / static_cast<A>(rz.factor * ry.factor * rx.factor);
}

template <typename T>
void forward_t(const PoolGeom& g, const T* x, T* y, int64_t* idx) {
  using A = opmath_t<T>;
  const Plan p = plan_of(g);
  parallel_for(0, g.planes, p.grain, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      const T* src = x + q * p.in_plane;
      T* dst = y + q * p.out_plane;
      int64_t* di = idx ? idx + q * p.out_plane : nullptr;
      for_outputs(g, p, [&](int64_t o, const Run& rz, const Run& ry, const Run& rx) {
        if (g.max) {
          // PyTorch's rule: start from -inf at the window's first tap; a tap
          // that is greater, or NaN, takes over. Written without a branch (on
          // random data one mispredicts about half the time: measured 13x
          // slower than the mean): the index is selected with a mask and the
          // value reloaded from it.
          const bool any = rz.count > 0 && ry.count > 0 && rx.count > 0;
          int64_t at = any ? (rz.first * g.size[1] + ry.first) * g.size[2] + rx.first : -1;
          A best = any ? static_cast<A>(src[at])
                       : (std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                               : std::numeric_limits<A>::lowest());
          for_taps(g, rz, ry, rx, [&](int64_t i) {
            const A v = static_cast<A>(src[i]);
            bool take = v > best;
            if constexpr (std::is_floating_point_v<A>) take = take | (v != v);
            at += (i - at) & -static_cast<int64_t>(take);
            best = static_cast<A>(src[at]);
          });
          dst[o] = static_cast<T>(best);
          if (di) di[o] = at;
        } else {
          A sum = 0;  // integer dtypes (int64 only, from ext/ops): a truncating division
          for_taps(g, rz, ry, rx, [&](int64_t i) { sum += static_cast<A>(src[i]); });
          dst[o] = static_cast<T>(mean_of<A>(g, sum, rz, ry, rx));
        }
      });
    }
  });
}

template <typename T>
void backward_t(const PoolGeom& g, const T* gy, const int64_t* idx, T* gx) {
  using A = opmath_t<T>;
  const Plan p = plan_of(g);
  parallel_for(0, g.planes, p.grain, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      const T* src = gy + q * p.out_plane;
      T* dst = gx + q * p.in_plane;
      std::memset(dst, 0, p.in_plane * sizeof(T));  // all-zero bits are 0 in every float type
      auto add = [&](int64_t i, A v) { dst[i] = static_cast<T>(static_cast<A>(dst[i]) + v); };
      if (g.max) {
        const int64_t* si = idx + q * p.out_plane;
        for (int64_t o = 0; o < p.out_plane; ++o)
          if (si[o] >= 0 && si[o] < p.in_plane) add(si[o], static_cast<A>(src[o]));
        continue;
      }
      for_outputs(g, p, [&](int64_t o, const Run& rz, const Run& ry, const Run& rx) {
        const A v = mean_of<A>(g, static_cast<A>(src[o]), rz, ry, rx);
        for_taps(g, rz, ry, rx, [&](int64_t i) { add(i, v); });
      });
    }
  });
}

void pool_forward(const PoolGeom& g, DType dt, const void* x, void* y, int64_t* idx) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, bool>)
      forward_t<T>(g, static_cast<const T*>(x), static_cast<T*>(y), idx);
  });
}

void pool_backward(const PoolGeom& g, DType dt, const void* gy, const int64_t* idx, void* gx) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    // ext/ops/pool.cpp calls it for floating dtypes only.
    if constexpr (std::is_floating_point_v<opmath_t<T>>)
      backward_t<T>(g, static_cast<const T*>(gy), idx, static_cast<T*>(gx));
  });
}

}  // namespace

void register_cpu_pool_kernels(NnKernelTable& t) {
  t.pool_forward = pool_forward;
  t.pool_backward = pool_backward;
}

}  // namespace mt
