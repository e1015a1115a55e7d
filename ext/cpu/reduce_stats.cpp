// reduce_stats.cpp: CPU reductions that need more than a running sum:
// nanmean, vector norms, var/std (with mean) and logsumexp. Floating inputs
// only; outputs have the input's dtype.
//
// var and logsumexp make one pass over memory: each leaf (at most kBlock
// elements, so it stays in cache) is reduced in two passes (its mean, then
// squared deviations from it; its max, then exp(x - max)), and leaves merge
// with exact update formulas (Chan et al. for (n, mean, M2); rescaling by the
// larger max for logsumexp). That keeps both accurate without a second sweep
// over the whole input.
#include "cpu.h"
#include "reduce_engine.h"
#include "reduce_simd.h"
#include "vecmath.h"

namespace mt::cpu::red {
namespace {

template <class A>
struct SumCount {
  A s = 0;
  int64_t n = 0;
};

template <class T>
struct NanMeanOp {
  using in_t = T;
  using A = opmath_t<T>;
  using acc_t = SumCount<A>;
  static constexpr bool kPairwise = true;
  static constexpr bool kVertical = false;
  acc_t identity() const { return {}; }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    acc_t a;
    for (int64_t i = 0; i < n; ++i) {
      A v = load<T>(p + i * s);
      if (!std::isnan(v)) {
        a.s += v;
        ++a.n;
      }
    }
    return a;
  }
  acc_t combine(acc_t a, acc_t b) const { return {a.s + b.s, a.n + b.n}; }
  void store(char* const* out, acc_t a, int64_t) const {
    put<T>(out[0], a.s / static_cast<A>(a.n));
  }
};

enum class NormMode { Inf, NegInf, Zero, One, Two, P };

template <class T, NormMode M>
struct NormOp {
  using in_t = T;
  using acc_t = opmath_t<T>;
  static constexpr bool kPairwise = M != NormMode::Inf && M != NormMode::NegInf;
  static constexpr bool kVertical = M != NormMode::P;
  acc_t p = 2;

  static acc_t fold(acc_t a, acc_t v) {
    if constexpr (M == NormMode::Inf) {
      v = std::abs(v);
      return v > a || std::isnan(v) ? v : a;
    } else if constexpr (M == NormMode::NegInf) {
      v = std::abs(v);
      return v < a || std::isnan(v) ? v : a;
    } else if constexpr (M == NormMode::Zero) {
      return a + (v != 0 ? acc_t(1) : acc_t(0));
    } else if constexpr (M == NormMode::One) {
      return a + std::abs(v);
    } else {
      return a + v * v;
    }
  }
  static acc_t merge(acc_t a, acc_t b) {
    if constexpr (M == NormMode::Inf)
      return b > a || std::isnan(b) ? b : a;
    else if constexpr (M == NormMode::NegInf)
      return b < a || std::isnan(b) ? b : a;
    else
      return a + b;
  }
  acc_t identity() const {
    return M == NormMode::NegInf ? std::numeric_limits<acc_t>::infinity() : acc_t(0);
  }
  acc_t step(acc_t a, T x) const { return fold(a, static_cast<acc_t>(x)); }
  acc_t leaf(const char* ptr, int64_t n, int64_t s, int64_t) const {
    if constexpr ((M == NormMode::One || M == NormMode::Two) && std::is_same_v<T, acc_t>) {
      if (s == static_cast<int64_t>(sizeof(T)))  // 32/16 lanes, AVX2 where available
        return simd::mag_lanes<M == NormMode::Two>(reinterpret_cast<const T*>(ptr), n);
    }
    if constexpr (M == NormMode::P) {
      acc_t a = 0;
      for (int64_t i = 0; i < n; ++i) a += std::pow(std::abs(load<T>(ptr + i * s)), p);
      return a;
    } else {
      return multi_acc<8, T>(
          ptr, n, s, identity(), [](acc_t a, T x) { return fold(a, static_cast<acc_t>(x)); },
          merge);
    }
  }
  acc_t combine(acc_t a, acc_t b) const { return merge(a, b); }
  void store(char* const* out, acc_t a, int64_t) const {
    if constexpr (M == NormMode::Two)
      a = std::sqrt(a);
    else if constexpr (M == NormMode::P)
      a = std::pow(a, acc_t(1) / p);
    put<T>(out[0], a);
  }
};

struct Moments {
  double n = 0, mean = 0, m2 = 0;
  double s1 = 0;  // run_vertical's raw form only: mean is the shift, m2 and s1 the shifted sums
};

template <class T>
struct VarOp {
  using in_t = T;
  using acc_t = Moments;
  static constexpr bool kPairwise = true;  // bounds leaves to kBlock (two passes in cache)
  static constexpr bool kVertical = true;
  static constexpr int64_t kRowLeaf = 128;  // run_vertical: rows per leaf (merges divide)
  double correction = 1;
  bool take_sqrt = false;

  acc_t identity() const { return {}; }
  // (kVertical) run_vertical folds leaves of kRowBlock rows with step() into
  // sums shifted by the leaf's first value k (no division per element):
  // mean holds k, s1 = sum(x - k), m2 = sum((x - k)^2); finish_leaf() turns
  // them into (n, mean, M2), and leaves merge with combine() (Chan et al.).
  acc_t step(acc_t a, T x) const {
    double v = static_cast<double>(static_cast<opmath_t<T>>(x));
    if (a.n == 0) return {1, v, 0, 0};
    double d = v - a.mean;
    return {a.n + 1, a.mean, a.m2 + d * d, a.s1 + d};
  }
  acc_t finish_leaf(acc_t a) const {
    if (a.n == 0) return {};
    double q = a.s1 / a.n;
    // clamp rounding below 0, but keep a NaN (an infinity in the leaf gives
    // inf - inf: var is NaN, as in PyTorch; std::max would drop it)
    double m2 = a.m2 - a.s1 * q;
    if (m2 < 0) m2 = 0;
    return {a.n, a.mean + q, m2, 0};
  }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    if (n <= 0) return {};
    auto add = [](double a, T x) { return a + static_cast<double>(static_cast<opmath_t<T>>(x)); };
    double mean = multi_acc<4, T>(p, n, s, 0.0, add, [](double a, double b) { return a + b; }) /
                  static_cast<double>(n);
    auto dev = [mean](double a, T x) {
      double d = static_cast<double>(static_cast<opmath_t<T>>(x)) - mean;
      return a + d * d;
    };
    double m2 = multi_acc<4, T>(p, n, s, 0.0, dev, [](double a, double b) { return a + b; });
    return {static_cast<double>(n), mean, m2, 0};
  }
  acc_t combine(acc_t a, acc_t b) const {
    if (a.n == 0) return b;
    if (b.n == 0) return a;
    double n = a.n + b.n, d = b.mean - a.mean;
    return {n, a.mean + d * (b.n / n), a.m2 + b.m2 + d * d * (a.n * b.n / n), 0};
  }
  void store(char* const* out, acc_t a, int64_t) const {
    double v = a.m2 / std::max(0.0, a.n - correction);
    if (take_sqrt) v = std::sqrt(v);
    put<T>(out[0], v);
    if (out[1]) put<T>(out[1], a.n == 0 ? std::numeric_limits<double>::quiet_NaN() : a.mean);
  }
};

// ---- var/std over a vertical layout, columns in structure-of-arrays form ----
// Note [Vertical var]
// run_vertical's generic form folds VarOp::step() into an array of Moments
// (four doubles per column): that does not vectorise, and var(dim=0) of a
// (4096, 1024) float32 matrix took 2.2x NumPy's time. For float and double
// inputs with one reduced dim, var_vertical() instead keeps a leaf's shifted
// sums in three double arrays (shift k = the leaf's first row, s1 = sum(x - k),
// m2 = sum((x - k)^2)), so the row loop vectorises (AVX2 where the CPU has it;
// no FMA, so every path rounds alike). It does the same additions in the same
// order as step(), so its results are bitwise those of the generic form;
// leaves of VarOp::kRowLeaf rows then go through finish_leaf() and combine()
// in run_vertical's cascade, which depends on the row count only, and each
// column is folded by one thread: the result is the same for every thread count.
template <class T>
inline void var_rows_body(const char* row, int64_t stride, int64_t nrows, int64_t w,
                          double* __restrict k, double* __restrict s1, double* __restrict m2) {
  const T* x0 = reinterpret_cast<const T*>(row);
  for (int64_t j = 0; j < w; ++j) {
    k[j] = static_cast<double>(x0[j]);
    s1[j] = 0;
    m2[j] = 0;
  }
  for (int64_t i = 1; i < nrows; ++i) {
    const T* __restrict x = reinterpret_cast<const T*>(row + i * stride);
    for (int64_t j = 0; j < w; ++j) {
      const double d = static_cast<double>(x[j]) - k[j];
      m2[j] = m2[j] + d * d;
      s1[j] = s1[j] + d;
    }
  }
}
#if MT_REDUCE_AVX2
template <class T>
__attribute__((target("avx2"))) void var_rows_avx2(const char* row, int64_t stride, int64_t nrows,
                                                   int64_t w, double* k, double* s1, double* m2) {
  var_rows_body<T>(row, stride, nrows, w, k, s1, m2);
}
#endif
template <class T>
void var_rows(const char* row, int64_t stride, int64_t nrows, int64_t w, double* k, double* s1,
              double* m2) {
#if MT_REDUCE_AVX2
  if (simd::have_avx2()) return var_rows_avx2<T>(row, stride, nrows, w, k, s1, m2);
#endif
  var_rows_body<T>(row, stride, nrows, w, k, s1, m2);
}

template <class T>
bool var_vertical_ok(const ReducePlan& p) {
  return (std::is_same_v<T, float> || std::is_same_v<T, double>) && p.inner.size() == 1 &&
         vertical_ok<VarOp<T>>(p);
}

template <class T>
void var_vertical(const ReducePlan& p, const VarOp<T>& op) {
  using A = Moments;
  constexpr int64_t kCols = 512;
  constexpr int64_t kRows = VarOp<T>::kRowLeaf;
  const int64_t M = p.outer[0];
  const int64_t nblk = (M + kCols - 1) / kCols;
  const int64_t rest = p.outer_numel / M;
  const int64_t ni = p.inner_numel;
  const int64_t stride = p.inner_in[0];
  const int64_t W = std::min(M, kCols);
  const int64_t nleaves = (ni + kRows - 1) / kRows;
  int levels = 1;
  while ((int64_t{1} << (levels - 1)) < nleaves) ++levels;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / (ni * W));
  par_for(rest * nblk, grain, [&](int64_t tb, int64_t te) {
    std::unique_ptr<A[]> buf(new A[static_cast<size_t>((levels + 1) * W)]);
    std::unique_ptr<double[]> sums(new double[static_cast<size_t>(3 * W)]);
    double* k = sums.get();
    double* s1 = k + W;
    double* m2 = s1 + W;
    A* stack = buf.get();
    A* leaf = buf.get() + levels * W;
    for (int64_t t = tb; t < te; ++t) {
      const int64_t r = t / nblk, c0 = (t % nblk) * kCols, w = std::min(kCols, M - c0);
      OuterWalker ow(p, r, 1);
      const char* base = ow.in + c0 * p.outer_in[0];
      int depth = 0;
      for (int64_t l = 0; l < nleaves; ++l) {
        const int64_t rb = l * kRows, nr = std::min(ni, rb + kRows) - rb;
        var_rows<T>(base + rb * stride, stride, nr, w, k, s1, m2);
        for (int64_t j = 0; j < w; ++j)
          leaf[j] = op.finish_leaf({static_cast<double>(nr), k[j], m2[j], s1[j]});
        for (int64_t q = l + 1; (q & 1) == 0; q >>= 1) {  // merge equal-sized partials
          A* prev = stack + (--depth) * W;
          for (int64_t j = 0; j < w; ++j) leaf[j] = op.combine(prev[j], leaf[j]);
        }
        A* dst = stack + (depth++) * W;
        for (int64_t j = 0; j < w; ++j) dst[j] = leaf[j];
      }
      for (int d = depth - 2; d >= 0; --d) {
        A* lvl = stack + d * W;
        A* top = stack + (depth - 1) * W;
        for (int64_t j = 0; j < w; ++j) top[j] = op.combine(lvl[j], top[j]);
      }
      const A* result = stack + (depth - 1) * W;
      for (int64_t j = 0; j < w; ++j) {
        char* outs[ReducePlan::kMaxOut] = {};
        for (int q = 0; q < p.nout; ++q) outs[q] = ow.out[q] + (c0 + j) * p.outer_out[q][0];
        op.store(outs, result[j], ni);
      }
    }
  });
}

template <class A>
struct MaxSum {
  A m = -std::numeric_limits<A>::infinity();  // max of the folded values
  A s = 0;                                    // sum of exp(x - m) (m finite)
};

template <class T>
struct LogSumExpOp {
  using in_t = T;
  using A = opmath_t<T>;
  using acc_t = MaxSum<A>;
  static constexpr bool kPairwise = true;  // bounds leaves to kBlock (two passes in cache)
  static constexpr bool kVertical = false;
  acc_t identity() const { return {}; }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    if constexpr (std::is_same_v<T, float>) {
      if (s == static_cast<int64_t>(sizeof(float)) && n > 0) {
        const float* x = reinterpret_cast<const float*>(p);
        bool nan;
        float m = simd::extreme<true>(x, n, &nan);
        if (nan) return {std::numeric_limits<float>::quiet_NaN(), 0};
        if (!std::isfinite(m)) return {m, 0};
        return {m, static_cast<float>(vecmath::exp_shift_sum(x, nullptr, n, m))};
      }
    }
    A m = -std::numeric_limits<A>::infinity();
    for (int64_t i = 0; i < n; ++i) {
      A v = load<T>(p + i * s);
      if (v > m || std::isnan(v)) m = v;
      if (std::isnan(m)) break;
    }
    if (!std::isfinite(m)) return {m, 0};  // -inf: nothing to add; +inf / NaN decide alone
    A sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(load<T>(p + i * s) - m);
    return {m, sum};
  }
  acc_t combine(acc_t a, acc_t b) const {
    if (std::isnan(a.m)) return a;
    if (std::isnan(b.m)) return b;
    if (a.m == std::numeric_limits<A>::infinity()) return a;
    if (b.m == std::numeric_limits<A>::infinity()) return b;
    if (a.m == -std::numeric_limits<A>::infinity()) return b;
    if (b.m == -std::numeric_limits<A>::infinity()) return a;
    A m = std::max(a.m, b.m);
    return {m, a.s * std::exp(a.m - m) + b.s * std::exp(b.m - m)};
  }
  void store(char* const* out, acc_t a, int64_t) const {
    put<T>(out[0], std::isfinite(a.m) ? a.m + std::log(a.s) : a.m);
  }
};

template <class T>
void run_norm(const ReducePlan& p, double ord) {
  using A = opmath_t<T>;
  if (std::isinf(ord)) {
    if (ord > 0) return run_reduce(p, NormOp<T, NormMode::Inf>{});
    return run_reduce(p, NormOp<T, NormMode::NegInf>{});
  }
  if (ord == 0) return run_reduce(p, NormOp<T, NormMode::Zero>{});
  if (ord == 1) return run_reduce(p, NormOp<T, NormMode::One>{});
  if (ord == 2) return run_reduce(p, NormOp<T, NormMode::Two>{});
  NormOp<T, NormMode::P> op;
  op.p = static_cast<A>(ord);
  run_reduce(p, op);
}

}  // namespace

void reduce_stats(const ReducePlan& p, const ReduceArgs& a) {
  MT_CHECK(is_floating(p.in_dtype) && p.out_dtype[0] == p.in_dtype,
           "reduce_stats: floating input and output of the same dtype expected");
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<opmath_t<T>>) {
      switch (a.kind) {
        case ReduceKind::NanMean:
          return run_reduce(p, NanMeanOp<T>{});
        case ReduceKind::Norm:
          return run_norm<T>(p, a.p);
        case ReduceKind::Var: {
          VarOp<T> op;
          op.correction = a.correction;
          op.take_sqrt = a.take_sqrt;
          MT_CHECK(p.nout == 2 || p.out[1] == nullptr, "var: out[1] must be null");
          if (p.outer_numel > 0 && p.inner_numel > 0 && var_vertical_ok<T>(p))
            return var_vertical(p, op);  // Note [Vertical var]
          return run_reduce(p, op);      // store() writes the mean only when out[1] is set
        }
        case ReduceKind::LogSumExp:
          return run_reduce(p, LogSumExpOp<T>{});
        default:
          MT_THROW(RuntimeError, "reduce_stats: unexpected kind");
      }
    }
  });
}

}  // namespace mt::cpu::red
