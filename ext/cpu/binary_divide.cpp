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
            vecmath::run_strided<T>(
                [ce](const C* x, C* y, int64_t m) { vecmath::pow(x, ce, y, m); }, n, p, s);
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
