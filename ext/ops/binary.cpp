// binary.cpp: binary elementwise ops, plus the output and overlap helpers
// every elementwise op shares (ops/elementwise_plan.h).
//
// Type rules (PyTorch's): the compute dtype is result_type of the operands
// (Note [Type promotion] in promote.cpp); true division, atan2, xlogy and
// copysign give the default float dtype for integer or bool operands;
// heaviside wants one dtype; predicates write bool.
// A 0-d CPU tensor whose dtype differs from the compute dtype becomes a
// Scalar operand instead of being cast, which is also how PyTorch reads
// it. With a float16 / bfloat16 compute dtype PyTorch's mul and div read
// the number in opmath precision (float) and every other op first rounds it
// to the compute dtype (rounded_operand: float16 [0.] < 1e-45 is False).
#include <cstring>
#include <type_traits>

#include "elementwise_plan.h"
#include "out_plan.h"

namespace mt::ops {
namespace elem {

Device common_device(const TensorImpl* const* ts, int n) {
  const TensorImpl* first = nullptr;
  for (int i = 0; i < n; ++i) {
    if (!ts[i]) continue;
    if (!first)
      first = ts[i];
    else
      MT_CHECK(ts[i]->device() == first->device(),
               "Expected all tensors to be on the same device, but found at least two devices, ",
               first->device().str(), " and ", ts[i]->device().str(), "!");
  }
  MT_CHECK(first, "an elementwise op needs at least one tensor operand");
  return first->device();
}

OutPlan plan_out(const Dims& shape, DType result_dtype, DType kernel_dtype, Device device,
                 const ElemOut& out, const TensorImpl* like) {
  OutPlan p;
  if (!out.t) {
    p.result = like && like->sizes() == shape ? TensorImpl::empty_like_layout(*like, kernel_dtype)
                                              : TensorImpl::empty(shape, kernel_dtype, device);
    p.target = p.result;
    return p;
  }
  // Note [Out planning]: the checks and the resize are the ones every family shares.
  check_out_castable(result_dtype, out.t);
  p.result = ops::plan_out(out.t, shape, kernel_dtype, device, out.inplace);
  TensorImpl* o = out.t;
  p.target = o->dtype() == kernel_dtype ? p.result : TensorImpl::empty(shape, kernel_dtype, device);
  return p;
}

namespace {
// [lo, hi) byte range a view can reach. See Note [Negative strides].
void byte_range(const TensorImpl* t, const char** lo, const char** hi) {
  int64_t l = 0, h = 0;
  reachable_range(t->sizes(), t->strides(), &l, &h);
  *lo = t->data() + l * t->itemsize();
  *hi = t->data() + (h + 1) * t->itemsize();
}
}  // namespace

void separate_from_out(Tensor& input, const OutPlan& plan) {
  const TensorImpl* in = input.get();
  const TensorImpl* out = plan.target.get();
  if (in == out || in->storage().get() != out->storage().get()) return;
  if (in->numel() == 0 || out->numel() == 0) return;
  if (in->data() == out->data() && in->sizes() == out->sizes() && in->strides() == out->strides())
    return;
  const char *ilo, *ihi, *olo, *ohi;
  byte_range(in, &ilo, &ihi);
  byte_range(out, &olo, &ohi);
  if (ilo < ohi && olo < ihi) input = clone(input);
}

Tensor finish(OutPlan& plan) {
  if (plan.copy_back()) copy_(plan.result, plan.target);
  return std::move(plan.result);
}

}  // namespace elem

namespace {

bool writes_bool(BinaryOp op) {
  switch (op) {
    case BinaryOp::Eq:
    case BinaryOp::Ne:
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
    case BinaryOp::LogicalAnd:
    case BinaryOp::LogicalOr:
    case BinaryOp::LogicalXor:
    case BinaryOp::IsClose:
      return true;
    default:
      return false;
  }
}

DType operand_dtype(const Operand& o, DType default_float) {
  return o.tensor ? o.tensor->dtype() : scalar_dtype(o.scalar, default_float);
}

// Op-specific argument checks, with PyTorch's messages.
void check_binary(BinaryOp op, const Operand& a, const Operand& b, DType common,
                  const ElemArgs& args, DType default_float) {
  DType da = operand_dtype(a, default_float), db = operand_dtype(b, default_float);
  switch (op) {
    case BinaryOp::Sub:
      MT_CHECK(!(da == DType::Bool && db == DType::Bool),
               "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
               "`^` or `logical_xor()` operator instead.");
      MT_CHECK(da != DType::Bool && db != DType::Bool,
               "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
               "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
      [[fallthrough]];
    case BinaryOp::Add:
      if (args.flags & 1) {
        const Scalar& alpha = args.s[0];
        MT_CHECK(!(is_integral(common, true) && alpha.is_floating()),
                 "For integral input tensors, argument alpha must not be a floating point "
                 "number.");
        MT_CHECK(!(common != DType::Bool && alpha.is_bool()),
                 "Boolean alpha only supported for Boolean results.");
      }
      break;
    case BinaryOp::Pow:
      MT_CHECK(!(is_integral(common, true) && !b.tensor && !b.scalar.is_floating() &&
                 b.scalar.to_int() < 0),
               "Integers to negative integer powers are not allowed.");
      // PyTorch has bool ** bool only with a Python bool exponent.
      MT_CHECK_KIND(NotImplementedError, !(common == DType::Bool && b.tensor),
                    "\"pow\" not implemented for 'Bool'");
      break;
    case BinaryOp::IsClose: {
      MT_CHECK(da == db, info(da).torch_name, " did not match ", info(db).torch_name);
      double rtol = args.s[0].to_double(), atol = args.s[1].to_double();
      MT_CHECK(rtol >= 0, "rtol must be greater than or equal to zero, but got ", rtol);
      MT_CHECK(atol >= 0, "atol must be greater than or equal to zero, but got ", atol);
      break;
    }
    case BinaryOp::Lerp:
      MT_CHECK(da == db, "expected dtype ", info(da).name, " for `end` but got dtype ",
               info(db).name);
      break;
    case BinaryOp::Heaviside:
      // Two tensors must share a dtype; a number (kNumberOperands) must not
      // change the tensor's.
      MT_CHECK(a.tensor && b.tensor ? da == db : common == (a.tensor ? da : db),
               "heaviside is not yet implemented for tensors with different dtypes.");
      break;
    default:
      break;
  }
}

}  // namespace

namespace {
// Note [Division by zero before the kernel]
// Integer division and remainder by zero raise RuntimeError
// "ZeroDivisionError" (PyTorch's CPU behaviour). Kernels never throw (Note
// [Kernel functors] in ext/core/functors/common.h), so the divisor is
// checked here, before any element is written: a Scalar divisor as the
// kernel will see it (converted to the compute dtype, so 256 is 0 for
// uint8), a tensor divisor with one nonzero_count pass on its device. Every
// element of a broadcast divisor is used when the result is not empty, so
// counting the divisor itself is exact.
bool divides(BinaryOp op) {
  return op == BinaryOp::DivTrunc || op == BinaryOp::DivFloor || op == BinaryOp::Remainder ||
         op == BinaryOp::Fmod;
}
void check_divisor(BinaryOp op, DType compute, const TensorImpl* divisor, const Scalar* scalar) {
  if (!divides(op) || is_floating(compute) || compute == DType::Bool) return;
  bool zero = false;
  if (divisor) {
    TensorImpl* d = const_cast<TensorImpl*>(divisor);
    TensorIter it = TensorIter::build({d}, {});
    zero =
        need(kernel_table(d->device().type).nonzero_count, "nonzero", d->device())(it) < d->numel();
  } else {
    dispatch(compute, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) zero = scalar->to<T>() == 0;
    });
  }
  MT_CHECK(!zero, "ZeroDivisionError");
}
}  // namespace

namespace {
// A number operand as the kernel of compute dtype dt must see it: rounded to
// float16 / bfloat16 when dt is one (their kernels compute in float). The
// Scalar is kept as it is when rounding does not change it, so integer
// operands stay integers for kernels that look at the kind.
Scalar rounded_operand(BinaryOp op, const Scalar& s, DType dt) {
  if (s.is_bool() || (dt != DType::Float16 && dt != DType::BFloat16)) return s;
  if (op == BinaryOp::Mul || op == BinaryOp::Div) return s;
  const double v = s.to_double();
  const double r = dt == DType::Float16 ? static_cast<double>(static_cast<float>(Half(v)))
                                        : static_cast<double>(static_cast<float>(BFloat16(v)));
  if (r == v || (r != r && v != v)) return s;
  return Scalar::from_double(r);
}

// An empty result never reaches the kernel, which refuses floating dtypes
// for the bitwise ops; PyTorch refuses them for every size, so check here.
void check_empty_bitwise(BinaryOp op, DType dt) {
  const bool bitwise = op == BinaryOp::BitwiseAnd || op == BinaryOp::BitwiseOr ||
                       op == BinaryOp::BitwiseXor || op == BinaryOp::Lshift ||
                       op == BinaryOp::Rshift;
  MT_CHECK_KIND(NotImplementedError, !bitwise || !is_floating(dt), "\"", kBinaryNames[op_index(op)],
                "\" not implemented for '", info(dt).torch_name, "'");
}

// Ops and dtypes for which the general path below would do nothing but
// allocate the result and run the kernel (no checks, no promotion rule).
bool plain(BinaryOp op, DType dt, DType other_dt, const ElemArgs& args) {
  if (args.flags != 0 || op == BinaryOp::IsClose || op == BinaryOp::Lerp) return false;
  if (!is_floating(dt) && (op == BinaryOp::Div || op == BinaryOp::Atan2 || op == BinaryOp::Pow ||
                           op == BinaryOp::Xlogy || op == BinaryOp::Copysign))
    return false;
  return !(op == BinaryOp::Sub && (dt == DType::Bool || other_dt == DType::Bool));
}
}  // namespace

Tensor binary(BinaryOp op, const Operand& a0, const Operand& b0, DType default_float, ElemArgs args,
              ElemOut out) {
  // Fast path for `a + b` and `a + 2.0`: same-dtype tensors of one shape, or
  // a tensor and a number that does not change its dtype, into a new tensor.
  // Same result as the general path; see Note [Type promotion].
  if (!out.t && (a0.tensor || b0.tensor)) {
    const TensorImpl* x = a0.tensor ? a0.tensor : b0.tensor;
    const Operand& other = a0.tensor ? b0 : a0;
    const DType dt = x->dtype();
    const TensorImpl* y = other.tensor;
    const DType other_dt = y ? y->dtype() : scalar_dtype(other.scalar, default_float);
    bool same = y ? (other_dt == dt && y->sizes() == x->sizes() && y->device() == x->device())
                  : category(other_dt) <= category(dt);
    if (same && plain(op, dt, other_dt, args)) {
      Tensor r = TensorImpl::empty_like_layout(*x, writes_bool(op) ? DType::Bool : dt);
      // empty: the kernel still runs (over nothing) for its dtype check
      if (r->numel() == 0) check_empty_bitwise(op, dt);
      ElemKernel k = need(kernel_table(x->device().type).binary[op_index(op)],
                          kBinaryNames[op_index(op)], x->device());
      const bool any = r->numel() != 0;  // nothing is divided in an empty result
      if (y) {
        if (any) check_divisor(op, dt, b0.tensor, nullptr);
        k(TensorIter::build({r.get()}, {a0.tensor, b0.tensor}, true), args);
      } else {
        if (any) check_divisor(op, dt, b0.tensor, &other.scalar);
        args.scalar_pos = a0.tensor ? 1 : 0;
        args.operand = rounded_operand(op, other.scalar, dt);
        k(TensorIter::build({r.get()}, {x}, true), args);
      }
      return r;
    }
  }

  Operand opnd[2] = {a0, b0};
  DType common = result_type(opnd, 2, default_float);
  check_binary(op, a0, b0, common, args, default_float);
  MT_CHECK(!(op == BinaryOp::Heaviside && out.t && out.t->dtype() != common),
           "heaviside is not yet implemented for tensors with different dtypes.");
  if ((op == BinaryOp::Div || op == BinaryOp::Atan2 || op == BinaryOp::Xlogy ||
       op == BinaryOp::Copysign) &&
      !is_floating(common))
    common = default_float;
  const DType kernel_dtype = writes_bool(op) ? DType::Bool : common;

  // Two numbers (minitorch.add(2, 3)): the first becomes a 0-d tensor; the
  // promotion above already treated both as wrapped numbers.
  Tensor held[2];
  if (!opnd[0].tensor && !opnd[1].tensor) {
    held[0] = full(Dims{}, opnd[0].scalar, common, Device{});
    opnd[0].tensor = held[0].get();
  }
  const TensorImpl* ts[2] = {opnd[0].tensor, opnd[1].tensor};
  const Device device = elem::common_device(ts, 2);
  Dims shape = !ts[1]   ? ts[0]->sizes()
               : !ts[0] ? ts[1]->sizes()
                        : broadcast_shapes(ts[0]->sizes(), ts[1]->sizes());

  // Bring tensor operands to the compute dtype.
  for (int i = 0; i < 2; ++i) {
    const TensorImpl* t = opnd[i].tensor;
    if (!t || t->dtype() == common) continue;
    const TensorImpl* other = opnd[1 - i].tensor;
    if (t->dim() == 0 && t->device().is_cpu() && other && other->dtype() == common) {
      opnd[i] = Operand{nullptr, item(Tensor(const_cast<TensorImpl*>(t)))};
    } else {
      held[i] = elem::cast(Tensor(const_cast<TensorImpl*>(t)), common);
      opnd[i].tensor = held[i].get();
    }
  }

  const TensorImpl* like = opnd[0].tensor && opnd[0].tensor->sizes() == shape   ? opnd[0].tensor
                           : opnd[1].tensor && opnd[1].tensor->sizes() == shape ? opnd[1].tensor
                                                                                : nullptr;
  elem::OutPlan plan = elem::plan_out(shape, kernel_dtype, kernel_dtype, device, out, like);
  // An empty result still goes through the kernel (over no elements), so its
  // dtype check refuses for every size, as PyTorch's does.
  if (plan.target->numel() == 0) check_empty_bitwise(op, common);
  for (int i = 0; i < 2; ++i) {
    if (!opnd[i].tensor) continue;
    if (!held[i]) held[i] = Tensor(const_cast<TensorImpl*>(opnd[i].tensor));
    if (plan.target->numel() != 0) elem::separate_from_out(held[i], plan);
  }
  ElemKernel k =
      need(kernel_table(device.type).binary[op_index(op)], kBinaryNames[op_index(op)], device);
  if (plan.target->numel() != 0) check_divisor(op, common, opnd[1].tensor, &opnd[1].scalar);
  if (!opnd[1].tensor) {
    args.scalar_pos = 1;
    args.operand = rounded_operand(op, opnd[1].scalar, common);
    k(TensorIter::build({plan.target.get()}, {held[0].get()}, true), args);
  } else if (!opnd[0].tensor) {
    args.scalar_pos = 0;
    args.operand = rounded_operand(op, opnd[0].scalar, common);
    k(TensorIter::build({plan.target.get()}, {held[1].get()}, true), args);
  } else {
    k(TensorIter::build({plan.target.get()}, {held[0].get(), held[1].get()}, true), args);
  }
  return elem::finish(plan);
}

// ---- built on the ops above ----

namespace {
// True when every element of a bool tensor is true.
bool all_true(const Tensor& t) {
  Tensor c = contiguous(t->device().is_cpu() ? t : to(t, DType::Bool, Device{}, false));
  const char* p = c->data();
  const int64_t n = c->numel();
  return std::memchr(p, 0, static_cast<size_t>(n)) == nullptr;
}
}  // namespace

bool equal(const Tensor& a, const Tensor& b) {
  const TensorImpl* ts[2] = {a.get(), b.get()};
  (void)elem::common_device(ts, 2);
  if (a->sizes() != b->sizes()) return false;
  return all_true(binary(BinaryOp::Eq, {a.get(), {}}, {b.get(), {}}, DType::Float32));
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  ElemArgs args;
  args.s[0] = Scalar::from_double(rtol);
  args.s[1] = Scalar::from_double(atol);
  args.flags = equal_nan ? 1 : 0;
  return all_true(binary(BinaryOp::IsClose, {a.get(), {}}, {b.get(), {}}, DType::Float32, args));
}

}  // namespace mt::ops
