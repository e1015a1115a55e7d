// binary_divide.cpp: CPU kernels of integer-aware division (trunc, floor), remainder, fmod and pow.
//
// One of four files that register the binary ops (binary_arith.cpp,
// binary_divide.cpp, binary_compare.cpp, binary_logic.cpp), split so no
// translation unit instantiates every op for every dtype. The math is in
// ext/core/functors/binary.h; the loops in elementwise_loops.h. Operands:
// [out, a, b] with a and b in the compute dtype T, or [out, x] plus a Scalar
// standing for a or b (ElemArgs::scalar_pos). out is T, or bool for the
// predicates.
#include <cmath>
#include <type_traits>

#include "../core/functors/binary.h"
#include "elementwise_loops.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

using namespace mt::functors;

// pow. A floating tensor raised to a Scalar exponent that is not an integer
// runs on libmvec's vector pow (Note [Vector math]); half and bfloat16
// through a float buffer. Integer exponents (x ** 2 above all) keep the
// scalar std::pow, whose results tests compare exactly with PyTorch's.
void pow_kernel(const TensorIter& it, const ElemArgs& args) {
  const DType dt = it.dtype(it.noperands() - 1);
  if (args.scalar_pos == 1 && is_floating(dt)) {
    const double e = args.operand.to_double();
    if (std::isfinite(e) && e != std::nearbyint(e)) {
      dispatch(dt, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!std::is_integral_v<T>) {
          using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
          const C ce = static_cast<C>(e);
          it.for_each([ce](int64_t n, char** p, const int64_t* s) {
            if constexpr (std::is_same_v<T, C>) {
              if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
                vecmath::pow(reinterpret_cast<const T*>(p[1]), ce, reinterpret_cast<T*>(p[0]), n);
                return;
              }
            }
            constexpr int64_t kBuf = 256;
            C buf[kBuf];
            for (int64_t b = 0; b < n; b += kBuf) {
              const int64_t m = std::min(kBuf, n - b);
              const char* in = p[1] + b * s[1];
              for (int64_t i = 0; i < m; ++i)
                buf[i] = static_cast<C>(*reinterpret_cast<const T*>(in + i * s[1]));
              vecmath::pow(buf, ce, buf, m);
              char* out = p[0] + b * s[0];
              for (int64_t i = 0; i < m; ++i)
                *reinterpret_cast<T*>(out + i * s[0]) = static_cast<T>(buf[i]);
            }
          });
        }
      });
      return;
    }
  }
  binary_kernel<BinaryOp::Pow, Pow, kAllTypes>(it, args);
}

}  // namespace

void register_binary_divide(KernelTable& t) {
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  MT_REG(DivTrunc, DivTrunc, kNoBool);
  MT_REG(DivFloor, DivFloor, kNoBool);
  MT_REG(Remainder, Remainder, kNoBool);
  MT_REG(Fmod, Fmod, kNoBool);
  set(BinaryOp::Pow, pow_kernel);
#undef MT_REG
}

}  // namespace mt::cpu
