// reduce.cpp: CPU reductions of the sum family (sum, nansum, mean, prod,
// all, any, count_nonzero) and the dispatcher for every ReduceKind.
//
// Operands (Note [Reduction plan]): one input of any dtype; out[0] has the
// input's dtype, except that integral and bool inputs of sum/nansum/prod may
// write int64 (PyTorch's default), count_nonzero writes int64 and all/any
// write bool (uint8 for a uint8 input). Integers accumulate in int64; float16
// and bfloat16 in float; float32 in float with pairwise folding (as NumPy
// does, accurate to O(log n) ulps); float64 in double.
#include "../core/functors/common.h"
#include "cpu.h"
#include "reduce_engine.h"
#include "reduce_simd.h"

namespace mt::cpu {
namespace {

using namespace red;

// Accumulator of the sum family: int64 for integers and bool, float for the
// 16-bit floats (opmath), the type itself for float32/float64.
template <class T>
using sum_acc_t = std::conditional_t<std::is_floating_point_v<opmath_t<T>>, opmath_t<T>, int64_t>;

template <class T, class A>
inline A cv(T x) {
  return static_cast<A>(static_cast<opmath_t<T>>(x));
}

// Sum, NanSum and Mean (mean = sum / count, floating only).
template <class T, class O, bool kNan>
struct SumOp {
  using in_t = T;
  using acc_t = sum_acc_t<T>;
  static constexpr bool kPairwise = std::is_floating_point_v<acc_t>;
  static constexpr bool kVertical = true;
  bool mean = false;

  // 32 float accumulators fill 8 SSE registers; wider types use 16.
  static constexpr int K = sizeof(acc_t) == 4 ? 32 : 16;
  static acc_t add(acc_t a, T x) {
    acc_t v = cv<T, acc_t>(x);
    if constexpr (kNan && std::is_floating_point_v<acc_t>)
      return a + (v == v ? v : acc_t(0));
    else
      return functors::wrapping_add(a, v);  // int64 wraps, as PyTorch's
  }
  acc_t identity() const { return acc_t(0); }
  acc_t step(acc_t a, T x) const { return add(a, x); }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    if constexpr (!kNan && std::is_same_v<T, acc_t> && std::is_floating_point_v<T>) {
      // same lanes and order as multi_acc<K> below, with AVX2 where available
      if (s == static_cast<int64_t>(sizeof(T)))
        return simd::sum_lanes(reinterpret_cast<const T*>(p), n);
    }
    return multi_acc<K, T>(p, n, s, acc_t(0), add, functors::wrapping_add<acc_t>);
  }
  acc_t combine(acc_t a, acc_t b) const { return functors::wrapping_add(a, b); }
  void store(char* const* out, acc_t a, int64_t n) const {
    if constexpr (std::is_floating_point_v<acc_t>) {
      if (mean) a = a / static_cast<acc_t>(n);
    }
    put<O>(out[0], a);
  }
};

// Product: integers in int64, floats in their opmath type, folded in order.
template <class T, class O>
struct ProdOp {
  using in_t = T;
  using acc_t = sum_acc_t<T>;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  static acc_t mul(acc_t a, T x) {
    if constexpr (std::is_integral_v<acc_t>) {
      // wrap around on overflow, as PyTorch's int64 product does
      return static_cast<acc_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(cv<T, acc_t>(x)));
    } else {
      return a * cv<T, acc_t>(x);
    }
  }
  acc_t identity() const { return acc_t(1); }
  acc_t step(acc_t a, T x) const { return mul(a, x); }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    // 8 independent products: a single chain would be bound by multiply latency
    return multi_acc<8, T>(p, n, s, acc_t(1), mul,
                           [this](acc_t a, acc_t b) { return combine(a, b); });
  }
  acc_t combine(acc_t a, acc_t b) const {
    if constexpr (std::is_integral_v<acc_t>)
      return static_cast<acc_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    else
      return a * b;
  }
  void store(char* const* out, acc_t a, int64_t) const { put<O>(out[0], a); }
};

template <class T>
inline bool truthy(T x) {
  return static_cast<opmath_t<T>>(x) != 0;  // NaN is truthy, as in PyTorch
}

// All / Any: acc 0 or 1 in a byte (vectorises), no early exit.
template <class T, class O, bool kAll>
struct AllAnyOp {
  using in_t = T;
  using acc_t = uint8_t;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  static acc_t f(acc_t a, T x) {
    return kAll ? static_cast<acc_t>(a & truthy(x)) : static_cast<acc_t>(a | truthy(x));
  }
  static acc_t c(acc_t a, acc_t b) { return kAll ? (a & b) : (a | b); }
  acc_t identity() const { return kAll ? 1 : 0; }
  acc_t step(acc_t a, T x) const { return f(a, x); }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    return multi_acc<16, T>(p, n, s, identity(), f, c);
  }
  acc_t combine(acc_t a, acc_t b) const { return c(a, b); }
  void store(char* const* out, acc_t a, int64_t) const { put<O>(out[0], a); }
};

template <class T>
struct CountNonzeroOp {
  using in_t = T;
  using acc_t = int64_t;
  static constexpr bool kPairwise = false;
  static constexpr bool kVertical = true;
  static acc_t f(acc_t a, T x) { return a + (truthy(x) ? 1 : 0); }
  acc_t identity() const { return 0; }
  acc_t step(acc_t a, T x) const { return f(a, x); }
  acc_t leaf(const char* p, int64_t n, int64_t s, int64_t) const {
    return multi_acc<8, T>(p, n, s, acc_t(0), f, [](acc_t a, acc_t b) { return a + b; });
  }
  acc_t combine(acc_t a, acc_t b) const { return a + b; }
  void store(char* const* out, acc_t a, int64_t) const { put<int64_t>(out[0], a); }
};

// Runs Op<T, O> where O is the input type or int64 (sum-like ops of integers).
template <template <class, class> class Op, class T, class Init>
void run_int64_or_same(const ReducePlan& p, const char* name, Init&& init) {
  if (p.out_dtype[0] == p.in_dtype) {
    Op<T, T> op{};
    init(op);
    run_reduce(p, op);
  } else if constexpr (!std::is_floating_point_v<opmath_t<T>>) {
    MT_CHECK(p.out_dtype[0] == DType::Int64, name, ": unsupported output dtype");
    Op<T, int64_t> op{};
    init(op);
    run_reduce(p, op);
  } else {
    MT_THROW(RuntimeError, name, ": output dtype must match the input dtype");
  }
}

template <class T, class O>
using Sum = SumOp<T, O, false>;
template <class T, class O>
using NanSum = SumOp<T, O, true>;

void reduce_sum_family(const ReducePlan& p, const ReduceArgs& a) {
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (a.kind) {
      case ReduceKind::Sum:
        return run_int64_or_same<Sum, T>(p, "sum", [](auto&) {});
      case ReduceKind::NanSum:
        return run_int64_or_same<NanSum, T>(p, "nansum", [](auto&) {});
      case ReduceKind::Mean:
        if constexpr (std::is_floating_point_v<opmath_t<T>>) {
          MT_CHECK(p.out_dtype[0] == p.in_dtype, "mean: output dtype must match the input");
          SumOp<T, T, false> op{};
          op.mean = true;
          return run_reduce(p, op);
        } else {
          MT_THROW(RuntimeError, "mean: floating input expected");
        }
      case ReduceKind::Prod:
        return run_int64_or_same<ProdOp, T>(p, "prod", [](auto&) {});
      case ReduceKind::All:
      case ReduceKind::Any: {
        bool all = a.kind == ReduceKind::All;
        if (p.out_dtype[0] == DType::UInt8) {
          if (all) return run_reduce(p, AllAnyOp<T, uint8_t, true>{});
          return run_reduce(p, AllAnyOp<T, uint8_t, false>{});
        }
        MT_CHECK(p.out_dtype[0] == DType::Bool, "all/any: output must be bool");
        if (all) return run_reduce(p, AllAnyOp<T, bool, true>{});
        return run_reduce(p, AllAnyOp<T, bool, false>{});
      }
      case ReduceKind::CountNonzero:
        return run_reduce(p, CountNonzeroOp<T>{});
      default:
        MT_THROW(RuntimeError, "reduce: unexpected kind");
    }
  });
}

}  // namespace

void reduce(const ReducePlan& plan, const ReduceArgs& args) {
  switch (args.kind) {
    case ReduceKind::Sum:
    case ReduceKind::NanSum:
    case ReduceKind::Mean:
    case ReduceKind::Prod:
    case ReduceKind::All:
    case ReduceKind::Any:
    case ReduceKind::CountNonzero:
      return reduce_sum_family(plan, args);
    case ReduceKind::Max:
    case ReduceKind::Min:
    case ReduceKind::ArgMax:
    case ReduceKind::ArgMin:
    case ReduceKind::MaxWithIndex:
    case ReduceKind::MinWithIndex:
    case ReduceKind::AMinMax:
      return red::reduce_minmax(plan, args);
    case ReduceKind::NanMean:
    case ReduceKind::Norm:
    case ReduceKind::Var:
    case ReduceKind::LogSumExp:
      return red::reduce_stats(plan, args);
    default:
      MT_THROW(RuntimeError, "reduce: kind is a scan or softmax");
  }
}

}  // namespace mt::cpu
