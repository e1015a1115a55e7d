// unary.cpp: CPU kernels for the unary ops (ext/core/elementwise_ops.h).
//
// Operands: [out, x]; x has the compute dtype T, out is T (or bool for the
// predicates logical_not, isnan, isinf, isfinite). ext/ops has already
// promoted integer inputs of floating functions (exp, sin, ...) to the
// default float dtype, so those kernels only accept floating types; the type
// sets below say which dtypes each kernel takes. Half and bfloat16 compute in
// float (M) and round once on store.
#include <cmath>
#include <limits>
#include <type_traits>

#include "../core/functors/special.h"
#include "../core/functors/unary.h"
#include "elementwise_loops.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

// The transcendental ops run on whole runs through ext/cpu/vecmath.h (Note
// [Vector math]): V(args) is called as v(x, y, n) on contiguous float or
// double arrays. Strided runs, and half and bfloat16 (which compute in
// float), go through a stack buffer (vecmath::run_strided).

template <vecmath::Fn K>
struct VMap {
  explicit VMap(const ElemArgs&) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::map(K, x, y, n);
  }
};
struct VSqrt {
  explicit VSqrt(const ElemArgs&) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::sqrt(x, y, n);
  }
};
struct VRsqrt {
  explicit VRsqrt(const ElemArgs&) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::rsqrt(x, y, n);
  }
};
struct VSigmoid {
  explicit VSigmoid(const ElemArgs&) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::sigmoid(x, y, n);
  }
};
struct VSilu {
  explicit VSilu(const ElemArgs&) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::silu(x, y, n);
  }
};
struct VGelu {
  bool tanh_approx;
  explicit VGelu(const ElemArgs& a) : tanh_approx(a.flags & 1) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::gelu(x, y, n, tanh_approx);
  }
};
struct VSoftplus {
  double beta, threshold;
  explicit VSoftplus(const ElemArgs& a) : beta(a.s[0].to_double()), threshold(a.s[1].to_double()) {}
  template <typename T>
  void operator()(const T* x, T* y, int64_t n) const {
    vecmath::softplus(x, y, n, static_cast<T>(beta), static_cast<T>(threshold));
  }
};

template <UnaryOp Op, class V>
void vec_kernel(const TensorIter& it, const ElemArgs& args) {
  dispatch_elem<kFloat>(it.dtype(1), kUnaryNames[op_index(Op)], [&](auto tag) {
    using T = typename decltype(tag)::type;
    const V v(args);
    it.for_each(
        [&v](int64_t n, char** p, const int64_t* s) { vecmath::run_strided<T>(v, n, p, s); });
  });
}

}  // namespace

// The functors live in ext/core/functors/unary.h, shared with ext/cuda.
void register_unary(KernelTable& t) {
  using namespace mt::functors;
  auto set = [&t](UnaryOp op, ElemKernel k) { t.unary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(UnaryOp::Op, unary_kernel<UnaryOp::Op, F, Types>)
#define MT_VEC(Op, V) set(UnaryOp::Op, vec_kernel<UnaryOp::Op, V>)
  MT_REG(Neg, Neg, kNoBool);
  MT_REG(Abs, Abs, kNoBool);
  MT_REG(Sign, Sign, kAllTypes);
  MT_VEC(Exp, VMap<vecmath::Fn::Exp>);
  MT_VEC(Exp2, VMap<vecmath::Fn::Exp2>);
  MT_VEC(Expm1, VMap<vecmath::Fn::Expm1>);
  MT_VEC(Log, VMap<vecmath::Fn::Log>);
  MT_VEC(Log2, VMap<vecmath::Fn::Log2>);
  MT_VEC(Log10, VMap<vecmath::Fn::Log10>);
  MT_VEC(Log1p, VMap<vecmath::Fn::Log1p>);
  MT_VEC(Sqrt, VSqrt);
  MT_VEC(Rsqrt, VRsqrt);
  MT_REG(Square, Square, kNoBool);
  MT_VEC(Sin, VMap<vecmath::Fn::Sin>);
  MT_VEC(Cos, VMap<vecmath::Fn::Cos>);
  MT_VEC(Tan, VMap<vecmath::Fn::Tan>);
  MT_VEC(Asin, VMap<vecmath::Fn::Asin>);
  MT_VEC(Acos, VMap<vecmath::Fn::Acos>);
  MT_VEC(Atan, VMap<vecmath::Fn::Atan>);
  MT_VEC(Sinh, VMap<vecmath::Fn::Sinh>);
  MT_VEC(Cosh, VMap<vecmath::Fn::Cosh>);
  MT_VEC(Tanh, VMap<vecmath::Fn::Tanh>);
  MT_VEC(Asinh, VMap<vecmath::Fn::Asinh>);
  MT_VEC(Acosh, VMap<vecmath::Fn::Acosh>);
  MT_VEC(Atanh, VMap<vecmath::Fn::Atanh>);
  MT_VEC(Sigmoid, VSigmoid);
  MT_REG(Logit, Logit, kFloat);
  MT_REG(Relu, Relu, kNoBool);
  MT_VEC(Gelu, VGelu);
  MT_VEC(Silu, VSilu);
  MT_VEC(Softplus, VSoftplus);
  MT_VEC(Erf, VMap<vecmath::Fn::Erf>);
  MT_VEC(Erfc, VMap<vecmath::Fn::Erfc>);
  MT_REG(Floor, Floor, kNoBool);
  MT_REG(Ceil, Ceil, kNoBool);
  MT_REG(Round, Round, kNoBool);
  MT_REG(Trunc, Trunc, kNoBool);
  MT_REG(Frac, Frac, kFloat);
  MT_REG(Reciprocal, Reciprocal, kFloat);
  MT_REG(LogicalNot, LogicalNot, kAllTypes);
  MT_REG(BitwiseNot, BitwiseNot, kBool | kInt);
  MT_REG(IsNan, IsNan, kAllTypes);
  MT_REG(IsInf, IsInf, kAllTypes);
  MT_REG(IsFinite, IsFinite, kAllTypes);
  MT_REG(NanToNum, NanToNum, kAllTypes);
  MT_REG(Clamp, ClampScalar, kNoBool);
  MT_REG(Erfinv, functors::Erfinv, kFloat);
#undef MT_VEC
#undef MT_REG
}

}  // namespace mt::cpu
