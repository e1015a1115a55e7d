// binary.cuh: the CUDA binary elementwise kernel over a shared functor
// (ext/core/functors/binary.h, Note [Kernel functors]); the CUDA twin of
// binary_kernel in ext/cpu/elementwise_loops.h.
//
// Operands: [out, a, b], a and b of the compute dtype T, out T or bool (for
// predicates); or [out, x] plus a Scalar standing for a or b
// (ElemArgs::scalar_pos). Both shapes run the same kernel: the Scalar case
// gets a dummy operand of stride 0, and the op reads the constant instead,
// a branch every thread takes the same way.
#pragma once

#include "../core/functors/common.h"
#include "elementwise.cuh"

namespace mt::cuda {

template <typename F, typename T>
F make_functor(const ElemArgs& args) {
  if constexpr (std::is_constructible_v<F, const ElemArgs&>)
    return F(args);
  else
    return F{};
}

template <typename O, typename T, typename F>
struct BinaryElem {
  using M = opmath_t<T>;
  F f;
  M c;             // the Scalar operand, when scalar_pos >= 0
  int scalar_pos;  // -1, 0 (c is a) or 1 (c is b)
  __device__ void operator()(char* const* p) const {
    const M a = scalar_pos == 0 ? c : load<T>(p[1]);
    const M b = scalar_pos == 1 ? c : load<T>(p[2]);
    store<O>(p[0], f(a, b));
  }
};

template <BinaryOp Op, template <typename> class F, unsigned Types>
void binary_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<Types>(it.dtype(it.noperands() - 1), kBinaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    using R = decltype(std::declval<F<T>>()(M(), M()));
    using O = std::conditional_t<std::is_same_v<R, bool>, bool, T>;
    BinaryElem<O, T, F<T>> op{make_functor<F<T>, T>(args), M(), args.scalar_pos};
    if (args.scalar_pos >= 0) {
      op.c = functors::scalar_as<T>(args.operand);
      const int slot[3] = {0, args.scalar_pos == 0 ? -1 : 1, args.scalar_pos == 1 ? -1 : 1};
      launch_layout<3>(it, make_layout<3>(it, slot), op);
    } else {
      launch_elementwise<3>(it, op);
    }
  });
}

// Add and Sub pick the plain functor unless alpha != 1 (as ext/cpu).
template <BinaryOp Op, template <typename> class Plain, template <typename> class WithAlpha,
          unsigned Types>
void alpha_kernel(const TensorIter& it, const ElemArgs& args) {
  if (args.flags & 1)
    binary_kernel<Op, WithAlpha, Types>(it, args);
  else
    binary_kernel<Op, Plain, Types>(it, args);
}

}  // namespace mt::cuda
