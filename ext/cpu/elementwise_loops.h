// elementwise_loops.h: the CPU inner loops shared by unary.cpp, binary.cpp and
// ternary.cpp.
//
// A kernel is a functor template F<T> over the storage type T. It computes
// in M = opmath_t<T> (float for half and bfloat16) and returns M, or bool for
// predicates; the loop stores the result as T (or bool). Functors are
// constructed from the call's ElemArgs when they take parameters.
//
// Every loop runs inside TensorIter::for_each, so it gets coalesced inner
// runs `(n, ptrs, byte_strides)`, split across threads above the grain size.
// Each loop has a fast path for runs where every operand is contiguous
// (typed pointers, no stride arithmetic: the compiler vectorises it), one for
// a broadcast (stride 0) or Scalar operand, which is loaded once and kept in
// a register, and a general strided path that moves its pointers by the
// strides (no per-element index arithmetic).
#pragma once

#include <type_traits>

#include "../core/functors/common.h"
#include "cpu.h"

namespace mt::cpu {

// Which dtype categories a kernel accepts.
enum TypeSet : unsigned { kBool = 1, kInt = 2, kFloat = 4, kNoBool = 6, kAllTypes = 7 };

template <typename T>
constexpr unsigned type_bit() {
  if constexpr (std::is_same_v<T, bool>)
    return kBool;
  else if constexpr (std::is_integral_v<T>)
    return kInt;
  else
    return kFloat;
}

[[noreturn]] inline void not_implemented(const char* name, DType dt) {
  MT_THROW(NotImplementedError, "\"", name, "_cpu\" not implemented for '", info(dt).torch_name,
           "'");
}

// scalar_as: see ext/core/functors/common.h.
using functors::scalar_as;

template <typename F, typename T>
F make_functor(const ElemArgs& args) {
  if constexpr (std::is_constructible_v<F, const ElemArgs&>)
    return F(args);
  else
    return F{};
}

// The type a functor's result is stored as: bool for predicates, else T.
template <typename F, typename T, int Arity>
struct StoreType {
  using M = opmath_t<T>;
  using R = std::conditional_t<
      Arity == 1, std::invoke_result<F, M>,
      std::conditional_t<Arity == 2, std::invoke_result<F, M, M>, std::invoke_result<F, M, M, M>>>;
  using type = std::conditional_t<std::is_same_v<typename R::type, bool>, bool, T>;
};

// out[i] = f(x[i]) over one run; O the stored type, T the input type.
template <typename O, typename T, typename F>
inline void map1(int64_t n, char* out, int64_t so, const char* in, int64_t si, const F& f) {
  using M = opmath_t<T>;
  if (so == sizeof(O) && si == sizeof(T)) {
    O* o = reinterpret_cast<O*>(out);
    const T* x = reinterpret_cast<const T*>(in);
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<O>(f(static_cast<M>(x[i])));
  } else {
    for (int64_t i = 0; i < n; ++i, out += so, in += si)
      *reinterpret_cast<O*>(out) =
          static_cast<O>(f(static_cast<M>(*reinterpret_cast<const T*>(in))));
  }
}

template <typename O, typename T, typename F>
void unary_loop(const TensorIter& it, const F& f) {
  it.for_each(
      [&f](int64_t n, char** p, const int64_t* s) { map1<O, T>(n, p[0], s[0], p[1], s[1], f); });
}

template <typename T>
inline opmath_t<T> load(const char* p) {
  return static_cast<opmath_t<T>>(*reinterpret_cast<const T*>(p));
}

// out = f(a, b). With args.scalar_pos >= 0 the iterator is [out, x] and the
// Scalar stands for input scalar_pos.
template <typename O, typename T, typename F>
void binary_loop(const TensorIter& it, const ElemArgs& args, const F& f) {
  using M = opmath_t<T>;
  if (args.scalar_pos >= 0) {
    const M c = scalar_as<T>(args.operand);
    if (args.scalar_pos == 1) {
      auto g = [&f, c](M x) { return f(x, c); };
      it.for_each([&g](int64_t n, char** p, const int64_t* s) {
        map1<O, T>(n, p[0], s[0], p[1], s[1], g);
      });
    } else {
      auto g = [&f, c](M x) { return f(c, x); };
      it.for_each([&g](int64_t n, char** p, const int64_t* s) {
        map1<O, T>(n, p[0], s[0], p[1], s[1], g);
      });
    }
    return;
  }
  it.for_each([&f](int64_t n, char** p, const int64_t* s) {
    if (s[0] == sizeof(O) && s[1] == sizeof(T) && s[2] == sizeof(T)) {
      O* o = reinterpret_cast<O*>(p[0]);
      const T* a = reinterpret_cast<const T*>(p[1]);
      const T* b = reinterpret_cast<const T*>(p[2]);
      for (int64_t i = 0; i < n; ++i)
        o[i] = static_cast<O>(f(static_cast<M>(a[i]), static_cast<M>(b[i])));
    } else if (s[2] == 0) {
      const M c = load<T>(p[2]);
      map1<O, T>(n, p[0], s[0], p[1], s[1], [&f, c](M x) { return f(x, c); });
    } else if (s[1] == 0) {
      const M c = load<T>(p[1]);
      map1<O, T>(n, p[0], s[0], p[2], s[2], [&f, c](M x) { return f(c, x); });
    } else {
      char* o = p[0];
      const char* a = p[1];
      const char* b = p[2];
      const int64_t so = s[0], sa = s[1], sb = s[2];
      int64_t i = 0;
      // Four elements a step (a permuted operand beside a contiguous one
      // lands here): all loads before the stores, one loop test per four.
      for (; i + 4 <= n; i += 4, o += 4 * so, a += 4 * sa, b += 4 * sb) {
        const M a0 = load<T>(a), a1 = load<T>(a + sa), a2 = load<T>(a + 2 * sa),
                a3 = load<T>(a + 3 * sa);
        const M b0 = load<T>(b), b1 = load<T>(b + sb), b2 = load<T>(b + 2 * sb),
                b3 = load<T>(b + 3 * sb);
        *reinterpret_cast<O*>(o) = static_cast<O>(f(a0, b0));
        *reinterpret_cast<O*>(o + so) = static_cast<O>(f(a1, b1));
        *reinterpret_cast<O*>(o + 2 * so) = static_cast<O>(f(a2, b2));
        *reinterpret_cast<O*>(o + 3 * so) = static_cast<O>(f(a3, b3));
      }
      for (; i < n; ++i, o += so, a += sa, b += sb)
        *reinterpret_cast<O*>(o) = static_cast<O>(f(load<T>(a), load<T>(b)));
    }
  });
}

// out = f(a, b, c); A is the first input's type (bool for where), the other
// two are T.
template <typename O, typename A, typename T, typename F>
void ternary_loop(const TensorIter& it, const F& f) {
  using MA = opmath_t<A>;
  using M = opmath_t<T>;
  it.for_each([&f](int64_t n, char** p, const int64_t* s) {
    if (s[0] == sizeof(O) && s[1] == sizeof(A) && s[2] == sizeof(T) && s[3] == sizeof(T)) {
      O* o = reinterpret_cast<O*>(p[0]);
      const A* a = reinterpret_cast<const A*>(p[1]);
      const T* b = reinterpret_cast<const T*>(p[2]);
      const T* c = reinterpret_cast<const T*>(p[3]);
      for (int64_t i = 0; i < n; ++i)
        o[i] = static_cast<O>(f(static_cast<MA>(a[i]), static_cast<M>(b[i]), static_cast<M>(c[i])));
    } else {
      char* o = p[0];
      const char* a = p[1];
      const char* b = p[2];
      const char* c = p[3];
      for (int64_t i = 0; i < n; ++i, o += s[0], a += s[1], b += s[2], c += s[3])
        *reinterpret_cast<O*>(o) = static_cast<O>(f(load<A>(a), load<T>(b), load<T>(c)));
    }
  });
}

// The one dtype dispatch of an elementwise kernel: binds T to the compute
// dtype (the last input's), refuses dtypes outside Types, and runs the loop.
template <unsigned Types, typename Body>
void dispatch_elem(DType dt, const char* name, Body&& body) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr ((Types & type_bit<T>()) != 0)
      body(tag);
    else
      not_implemented(name, dt);
  });
}

template <UnaryOp Op, template <typename> class F, unsigned Types>
void unary_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<Types>(it.dtype(1), kUnaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto f = make_functor<F<T>, T>(args);
    unary_loop<typename StoreType<F<T>, T, 1>::type, T>(it, f);
  });
}

template <BinaryOp Op, template <typename> class F, unsigned Types>
void binary_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<Types>(it.dtype(it.noperands() - 1), kBinaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto f = make_functor<F<T>, T>(args);
    binary_loop<typename StoreType<F<T>, T, 2>::type, T>(it, args, f);
  });
}

}  // namespace mt::cpu
