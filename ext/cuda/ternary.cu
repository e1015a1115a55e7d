// ternary.cu: CUDA kernels of the ternary ops. Only `where` so far (a
// selection, no arithmetic: values are copied as stored, as the CPU kernel
// does); clamp/lerp/addcmul/addcdiv with tensor operands wait for their
// functors to move from ext/cpu/ternary.cpp to ext/core/functors, and are
// NotImplementedError until then. Operands: [out, cond (bool), x, y]; out,
// x and y have the result dtype T.
#include "elementwise.cuh"

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

void where_kernel(const TensorIter& it, const ElemArgs&) {
  dispatch(it.dtype(3), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<4>(it, WhereElem<T>{});
  });
}

}  // namespace

void register_ternary(KernelTable& t) { t.ternary[op_index(TernaryOp::Where)] = where_kernel; }

}  // namespace mt::cuda
