// reduce_minmax.cpp: CPU max/min reductions: amax/amin (values), argmax/argmin
// (int64 indices), max/min with a dim (values and indices) and aminmax.
//
// Operands (Note [Reduction plan]): values have the input's dtype; indices
// are int64 positions along the reduced dims in row-major order. Comparisons
// run in the opmath type (float for float16/bfloat16). As in PyTorch, NaN
// wins: a value reduction with a NaN gives NaN and an index reduction gives
// the first NaN's index; among equal values the first index wins.
#include "cpu.h"
#include "reduce_engine.h"
#include "reduce_simd.h"

namespace mt::cpu::red {
namespace {

// `a` replaced by `x` for a max (kMax) or min fold that propagates NaN.
template <bool kMax, class V>
inline V pick(V a, V x) {
  if constexpr (std::is_floating_point_v<V>) {
    return (kMax ? x > a : x < a) || std::isnan(x) ? x : a;
  } else {
    return (kMax ? x > a : x < a) ? x : a;
  }
}

template <class V, bool kMax>
constexpr V worst() {
  if constexpr (std::is_same_v<V, bool>)
    return !kMax;
  else if constexpr (std::is_floating_point_v<V>)
    return kMax ? -std::numeric_limits<V>::infinity() : std::numeric_limits<V>::infinity();
  else
    return kMax ? std::numeric_limits<V>::lowest() : std::numeric_limits<V>::max();
}

// amax / amin / max() / min(): values only.
template <class T, bool kMax>
struct MaxOp {
  using in_t = T;
  using acc_t = opmath_t<T>;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  static acc_t f(acc_t a, T x) { return pick<kMax>(a, static_cast<acc_t>(x)); }
  acc_t identity() const { return worst<acc_t, kMax>(); }
  acc_t step(acc_t a, T x) const { return f(a, x); }
  static void step_row(acc_t* __restrict acc, const T* __restrict x, int64_t w)
    requires std::is_same_v<T, float>
  {
    simd::extreme_row<kMax>(acc, x, w);
  }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (s == static_cast<int64_t>(sizeof(T))) {
        // SIMD max that skips NaN and flags it; with a NaN the answer is NaN.
        bool nan;
        T m = simd::extreme<kMax>(reinterpret_cast<const T*>(p), n, &nan);
        return nan ? std::numeric_limits<T>::quiet_NaN() : m;
      }
    }
    return multi_acc<8, T>(p, n, s, identity(), f,
                           [](acc_t a, acc_t b) { return pick<kMax>(a, b); });
  }
  acc_t combine(acc_t a, acc_t b) const { return pick<kMax>(a, b); }
  void store(char* const* out, acc_t a, int64_t) const { put<T>(out[0], a); }
};

template <class V>
struct ValIdx {
  V v;
  int64_t i = -1;  // -1: nothing folded yet
};

// argmax / argmin (kValues false) and max/min with a dim (kValues true).
template <class T, bool kMax, bool kValues>
struct ArgOp {
  using in_t = T;
  using V = opmath_t<T>;
  using acc_t = ValIdx<V>;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  // Blocks of the one-pass contiguous scan: small enough to stay in L1.
  static constexpr int64_t kScan = 2048;
  acc_t identity() const { return acc_t{worst<V, kMax>(), -1}; }
  // (kVertical) folds x, at inner position i, into a: the first NaN, else the
  // first index of the extreme value.
  acc_t step_at(acc_t a, T x, int64_t i) const {
    V v = static_cast<V>(x);
    if (a.i < 0) return {v, i};
    if (is_nan(a.v)) return a;
    if (is_nan(v) || (kMax ? v > a.v : v < a.v)) return {v, i};
    return a;
  }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t idx0) const {
    if (n <= 0) return identity();
    if constexpr (std::is_same_v<V, T> && !std::is_same_v<T, bool>) {
      if (n >= 64 && s == static_cast<int64_t>(sizeof(T))) {
        // One pass over memory in blocks of kScan (in L1): each block's
        // extreme value (NaN if any, see MaxOp), vectorised; only a block
        // that beats the best so far is searched again for its first index.
        const T* x = reinterpret_cast<const T*>(p);
        acc_t best = identity();
        for (int64_t b = 0; b < n; b += kScan) {
          const int64_t len = std::min(kScan, n - b);
          V m = MaxOp<T, kMax>{}.leaf(p + b * s, len, s, 0);
          if (best.i < 0 || is_nan(m) || (kMax ? m > best.v : m < best.v)) {
            best = {m, idx0 + b + simd::find_first(x + b, len, m)};
            if (is_nan(m)) break;
          }
        }
        return best;
      }
    }
    V best = load<T>(p);
    int64_t bi = idx0;
    if (is_nan(best)) return {best, bi};
    for (int64_t i = 1; i < n; ++i) {
      V v = load<T>(p + i * s);
      if (is_nan(v)) return {v, idx0 + i};
      if (kMax ? v > best : v < best) {
        best = v;
        bi = idx0 + i;
      }
    }
    return {best, bi};
  }
  acc_t combine(acc_t a, acc_t b) const {
    if (a.i < 0) return b;
    if (b.i < 0) return a;
    if (is_nan(a.v)) return a;
    if (is_nan(b.v)) return b;
    return (kMax ? b.v > a.v : b.v < a.v) ? b : a;
  }
  void store(char* const* out, acc_t a, int64_t) const {
    if constexpr (kValues) {
      put<T>(out[0], a.v);
      put<int64_t>(out[1], a.i);
    } else {
      put<int64_t>(out[0], a.i);
    }
  }
};

template <class V>
struct MinMax {
  V mn, mx;
};

template <class T>
struct AMinMaxOp {
  using in_t = T;
  using V = opmath_t<T>;
  using acc_t = MinMax<V>;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  acc_t identity() const { return {worst<V, false>(), worst<V, true>()}; }
  acc_t step(acc_t a, T x) const {
    V v = static_cast<V>(x);
    return {pick<false>(a.mn, v), pick<true>(a.mx, v)};
  }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    acc_t a = identity();
    for (int64_t i = 0; i < n; ++i) a = step(a, *reinterpret_cast<const T*>(p + i * s));
    return a;
  }
  acc_t combine(acc_t a, acc_t b) const {
    return {pick<false>(a.mn, b.mn), pick<true>(a.mx, b.mx)};
  }
  void store(char* const* out, acc_t a, int64_t) const {
    put<T>(out[0], a.mn);
    put<T>(out[1], a.mx);
  }
};

}  // namespace

void reduce_minmax(const ReducePlan& p, const ReduceArgs& a) {
  for (int k = 0; k < p.nout; ++k) {
    bool is_index =
        (k == 1 && (a.kind == ReduceKind::MaxWithIndex || a.kind == ReduceKind::MinWithIndex)) ||
        a.kind == ReduceKind::ArgMax || a.kind == ReduceKind::ArgMin;
    MT_CHECK(p.out_dtype[k] == (is_index ? DType::Int64 : p.in_dtype),
             "max/min: unexpected output dtype");
  }
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (a.kind) {
      case ReduceKind::Max:
        return run_reduce(p, MaxOp<T, true>{});
      case ReduceKind::Min:
        return run_reduce(p, MaxOp<T, false>{});
      case ReduceKind::ArgMax:
        return run_reduce(p, ArgOp<T, true, false>{});
      case ReduceKind::ArgMin:
        return run_reduce(p, ArgOp<T, false, false>{});
      case ReduceKind::MaxWithIndex:
        return run_reduce(p, ArgOp<T, true, true>{});
      case ReduceKind::MinWithIndex:
        return run_reduce(p, ArgOp<T, false, true>{});
      case ReduceKind::AMinMax:
        return run_reduce(p, AMinMaxOp<T>{});
      default:
        MT_THROW(RuntimeError, "reduce_minmax: unexpected kind");
    }
  });
}

}  // namespace mt::cpu::red
