// ternary.cu: CUDA kernels of the ternary ops, the twin of
// ext/cpu/ternary.cpp over the same functors (ext/core/functors/ternary.h).
// Operands: [out, a, b, c] of the compute type T; for where, a is the bool
// condition and the values are copied as stored (no opmath round trip).
#include "../core/functors/ternary.h"
#include "binary.cuh"

namespace mt::cuda {

namespace {

template <typename T>
struct WhereElem {
  __device__ void operator()(char* const* p) const {
    *reinterpret_cast<T*>(p[0]) = *reinterpret_cast<const bool*>(p[1])
                                      ? *reinterpret_cast<const T*>(p[2])
                                      : *reinterpret_cast<const T*>(p[3]);
  }
};

template <typename T, typename F>
struct TernaryElem {
  F f;
  __device__ void operator()(char* const* p) const {
    store<T>(p[0], f(load<T>(p[1]), load<T>(p[2]), load<T>(p[3])));
  }
};

template <TernaryOp Op, template <typename> class F, unsigned Types>
void ternary_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<Types>(it.dtype(3), kTernaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<4>(it, TernaryElem<T, F<T>>{make_functor<F<T>, T>(args)});
  });
}

void where_kernel(const TensorIter& it, const ElemArgs&) {
  dispatch(it.dtype(3), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<4>(it, WhereElem<T>{});
  });
}

}  // namespace

void register_ternary(KernelTable& t) {
  using namespace mt::functors;
  auto set = [&t](TernaryOp op, ElemKernel k) { t.ternary[op_index(op)] = k; };
  set(TernaryOp::Where, where_kernel);
  set(TernaryOp::Clamp, ternary_kernel<TernaryOp::Clamp, ClampTensor, kNoBool>);
  set(TernaryOp::Lerp, ternary_kernel<TernaryOp::Lerp, LerpTensor, kFloat>);
  set(TernaryOp::Addcmul, ternary_kernel<TernaryOp::Addcmul, Addcmul, kAllTypes>);
  set(TernaryOp::Addcdiv, ternary_kernel<TernaryOp::Addcdiv, Addcdiv, kNoBool>);
}

}  // namespace mt::cuda
