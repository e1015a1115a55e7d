// ternary.cpp: CPU kernels for the ternary ops (ext/core/elementwise_ops.h).
//
// Operands: [out, a, b, c]. For where, a is the bool condition and b, c (and
// out) have the result dtype T; for the others all four are T. ext/ops turns
// scalar operands into 0-d tensors (broadcast with stride 0).
#include <cmath>
#include <limits>

#include "../core/functors/ternary.h"
#include "elementwise_loops.h"

namespace mt::cpu {
namespace {

using namespace mt::functors;

template <TernaryOp Op, template <typename> class F, unsigned Types>
void ternary_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<Types>(it.dtype(3), kTernaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    ternary_loop<T, T, T>(it, make_functor<F<T>, T>(args));
  });
}

// where copies values without converting through opmath.
void where_kernel(const TensorIter& it, const ElemArgs&) {
  dispatch(it.dtype(3), [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.for_each([](int64_t n, char** p, const int64_t* s) {
      if (s[0] == sizeof(T) && s[1] == 1 && s[2] == sizeof(T) && s[3] == sizeof(T)) {
        T* o = reinterpret_cast<T*>(p[0]);
        const bool* c = reinterpret_cast<const bool*>(p[1]);
        const T* x = reinterpret_cast<const T*>(p[2]);
        const T* y = reinterpret_cast<const T*>(p[3]);
        for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
      } else {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<T*>(p[0] + i * s[0]) =
              *reinterpret_cast<const bool*>(p[1] + i * s[1])
                  ? *reinterpret_cast<const T*>(p[2] + i * s[2])
                  : *reinterpret_cast<const T*>(p[3] + i * s[3]);
      }
    });
  });
}

}  // namespace

void register_ternary(KernelTable& t) {
  auto set = [&t](TernaryOp op, ElemKernel k) { t.ternary[op_index(op)] = k; };
  set(TernaryOp::Where, where_kernel);
  set(TernaryOp::Clamp, ternary_kernel<TernaryOp::Clamp, ClampTensor, kNoBool>);
  set(TernaryOp::Lerp, ternary_kernel<TernaryOp::Lerp, LerpTensor, kFloat>);
  set(TernaryOp::Addcmul, ternary_kernel<TernaryOp::Addcmul, Addcmul, kAllTypes>);
  set(TernaryOp::Addcdiv, ternary_kernel<TernaryOp::Addcdiv, Addcdiv, kNoBool>);
}

}  // namespace mt::cpu
