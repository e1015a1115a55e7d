// reduce_scan.cpp: CPU kernels that run along one dim: cumsum, cumprod,
// cummax, cummin, softmax and log_softmax.
//
// The plan (Note [Reduction plan]) has exactly one inner dim: the `dim`
// argument, of length n, with input stride inner_in[0] and output strides
// inner_out[k][0]. Each outer position is one independent line; lines are
// split across threads and every line is computed sequentially, so results do
// not depend on the thread count.
//
// Accumulators: cumsum/cumprod of integers and bool in int64 (out[0] is the
// input's dtype or int64), of floats in double (float for the 16-bit types),
// as PyTorch's CPU kernels do. softmax computes in float (float16, bfloat16,
// float32) or double and subtracts the line's max before exp.
#include "../core/functors/common.h"
#include "cpu.h"
#include "reduce_engine.h"
#include "reduce_simd.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

using namespace red;

// Calls f(in, out, n, in_stride, out_strides) for every line.
template <class F>
void for_each_line(const ReducePlan& p, F&& f) {
  const int64_t n = p.inner.size() ? p.inner[0] : 1;
  const int64_t sin = p.inner.size() ? p.inner_in[0] : 0;
  int64_t sout[ReducePlan::kMaxOut] = {};
  for (int k = 0; k < p.nout; ++k) sout[k] = p.inner_out[k].size() ? p.inner_out[k][0] : 0;
  if (p.outer_numel == 0 || n == 0) return;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / n);
  par_for(p.outer_numel, grain, [&](int64_t b, int64_t e) {
    OuterWalker w(p, b);
    for (int64_t o = b; o < e; ++o, w.next()) f(w.in, w.out, n, sin, sout);
  });
}

template <class T>
using scan_acc_t =
    std::conditional_t<std::is_floating_point_v<opmath_t<T>>,
                       std::conditional_t<std::is_same_v<opmath_t<T>, T>, double, float>, int64_t>;

template <class T, class O, bool kProd>
void cum_sum_prod(const ReducePlan& p) {
  using A = scan_acc_t<T>;
  for_each_line(p, [](const char* in, char* const* out, int64_t n, int64_t si, const int64_t* so) {
    A acc = kProd ? A(1) : A(0);
    for (int64_t i = 0; i < n; ++i) {
      A v = static_cast<A>(static_cast<opmath_t<T>>(*reinterpret_cast<const T*>(in + i * si)));
      if constexpr (kProd) {
        if constexpr (std::is_integral_v<A>)  // wraps on overflow like PyTorch's int64
          acc = static_cast<A>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(v));
        else
          acc *= v;
      } else {
        acc = functors::wrapping_add(acc, v);
      }
      put<O>(out[0] + i * so[0], acc);
    }
  });
}

template <class T, bool kMax>
void cum_max_min(const ReducePlan& p) {
  using V = opmath_t<T>;
  for_each_line(p, [](const char* in, char* const* out, int64_t n, int64_t si, const int64_t* so) {
    V best = load<T>(in);
    int64_t bi = 0;
    for (int64_t i = 0; i < n; ++i) {
      V v = load<T>(in + i * si);
      // NaN sticks (with the index of the latest NaN); ties take the later index.
      if (is_nan(v) || (!is_nan(best) && (kMax ? v >= best : v <= best))) {
        best = v;
        bi = i;
      }
      put<T>(out[0] + i * so[0], best);
      put<int64_t>(out[1] + i * so[1], bi);
    }
  });
}

template <class T>
void softmax_lines(const ReducePlan& p, bool log) {
  using A = opmath_t<T>;
  // float32 and float64 store exp(x - max) and rescale in place; 16-bit types
  // recompute it so the output is rounded once.
  constexpr bool kStoreExp = std::is_same_v<A, T>;
  for_each_line(
      p, [log](const char* in, char* const* out, int64_t n, int64_t si, const int64_t* so) {
        if constexpr (std::is_same_v<T, float>) {
          if (si == 4 && so[0] == 4) {  // contiguous line: SIMD max and exp
            const float* xs = reinterpret_cast<const float*>(in);
            float* ys = reinterpret_cast<float*>(out[0]);
            bool nan;
            float m = simd::extreme<true>(xs, n, &nan);
            if (nan) m = std::numeric_limits<float>::quiet_NaN();
            if (log) {
              float lse = static_cast<float>(std::log(vecmath::exp_shift_sum(xs, nullptr, n, m)));
              for (int64_t i = 0; i < n; ++i) ys[i] = xs[i] - m - lse;
            } else {
              float inv = static_cast<float>(1.0 / vecmath::exp_shift_sum(xs, ys, n, m));
              for (int64_t i = 0; i < n; ++i) ys[i] *= inv;
            }
            return;
          }
        }
        auto x = [&](int64_t i) { return load<T>(in + i * si); };
        auto y = [&](int64_t i) { return reinterpret_cast<T*>(out[0] + i * so[0]); };
        A m = -std::numeric_limits<A>::infinity();
        for (int64_t i = 0; i < n; ++i) {
          A v = x(i);
          if (v > m || std::isnan(v)) m = v;
        }
        double sum = 0;
        if (log) {
          for (int64_t i = 0; i < n; ++i) sum += std::exp(x(i) - m);
          A lse = static_cast<A>(std::log(sum));
          for (int64_t i = 0; i < n; ++i) *y(i) = static_cast<T>(x(i) - m - lse);
          return;
        }
        for (int64_t i = 0; i < n; ++i) {
          A e = std::exp(x(i) - m);
          sum += e;
          if constexpr (kStoreExp) *y(i) = e;
        }
        A inv = static_cast<A>(1.0 / sum);
        for (int64_t i = 0; i < n; ++i) {
          if constexpr (kStoreExp)
            *y(i) = *y(i) * inv;
          else
            *y(i) = static_cast<T>(std::exp(x(i) - m) * inv);
        }
      });
}

}  // namespace

void scan(const ReducePlan& p, const ReduceArgs& a) {
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (a.kind) {
      case ReduceKind::CumSum:
      case ReduceKind::CumProd: {
        const bool prod = a.kind == ReduceKind::CumProd;
        if (p.out_dtype[0] == p.in_dtype) {
          return prod ? cum_sum_prod<T, T, true>(p) : cum_sum_prod<T, T, false>(p);
        }
        if constexpr (!std::is_floating_point_v<opmath_t<T>>) {
          MT_CHECK(p.out_dtype[0] == DType::Int64, "cumsum: unsupported output dtype");
          return prod ? cum_sum_prod<T, int64_t, true>(p) : cum_sum_prod<T, int64_t, false>(p);
        }
        MT_THROW(RuntimeError, "cumsum: output dtype must match the input dtype");
      }
      case ReduceKind::CumMax:
        return cum_max_min<T, true>(p);
      case ReduceKind::CumMin:
        return cum_max_min<T, false>(p);
      default:
        MT_THROW(RuntimeError, "scan: unexpected kind");
    }
  });
}

void softmax(const ReducePlan& p, const ReduceArgs& a) {
  MT_CHECK(is_floating(p.in_dtype) && p.out_dtype[0] == p.in_dtype,
           "softmax: floating input and output of the same dtype expected");
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<opmath_t<T>>)
      softmax_lines<T>(p, a.kind == ReduceKind::LogSoftmax);
  });
}

}  // namespace mt::cpu
