// copy.cpp: copy_, fill_, clone, contiguous, to, item.
#include "ops.h"

namespace mt::ops {

void copy_(const Tensor& dst, const Tensor& src) {
  MT_CHECK(dst->device() == src->device() || src->device().is_cpu() || dst->device().is_cpu(),
           "copy_: unsupported device pair ", src->device().str(), " -> ", dst->device().str());
  dst->prepare_write();
  if (dst->numel() == 0) {
    (void)broadcast_shapes(dst->sizes(), src->sizes());
    return;
  }
  // Copies between devices go through contiguous host buffers (CUDA backend).
  MT_CHECK(dst->device() == src->device(), "cross-device copy is not available in this build");
  TensorIter it = TensorIter::build({dst.get()}, {src.get()});
  need(kernel_table(dst->device().type).copy, "copy_", dst->device())(it);
}

void fill_(const Tensor& dst, Scalar value) {
  // PyTorch refuses values the dtype cannot hold (uint8 fill_(300)) instead of wrapping.
  dispatch(dst->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    MT_CHECK(!value.overflows<T>(), "value cannot be converted to type ", info(dst->dtype()).name,
             " without overflow");
  });
  dst->prepare_write();
  if (dst->numel() == 0) return;
  TensorIter it = TensorIter::build({dst.get()}, {});
  need(kernel_table(dst->device().type).fill, "fill_", dst->device())(it, value);
}

Tensor clone(const Tensor& t) {
  Tensor out = TensorImpl::empty(t->sizes(), t->dtype(), t->device());
  copy_(out, t);
  return out;
}

Tensor contiguous(const Tensor& t) { return t->is_contiguous() ? t : clone(t); }

Tensor to(const Tensor& t, DType dtype, Device device, bool copy) {
  if (!copy && dtype == t->dtype() && device == t->device()) return t;
  check_device(device);
  Tensor out = TensorImpl::empty(t->sizes(), dtype, device);
  copy_(out, t);
  return out;
}

Scalar item(const Tensor& t) {
  MT_CHECK(t->numel() == 1, "a Tensor with ", t->numel(),
           " elements cannot be converted to Scalar");
  Tensor host = t->device().is_cpu() ? t : to(t, t->dtype(), Device{}, false);
  const char* p = host->data();
  return dispatch(t->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v = *reinterpret_cast<const T*>(p);
    if constexpr (std::is_same_v<T, bool>) return Scalar::from_bool(v);
    else if constexpr (std::is_integral_v<T>) return Scalar::from_int(static_cast<int64_t>(v));
    else return Scalar::from_double(static_cast<double>(static_cast<opmath_t<T>>(v)));
  });
}

}  // namespace mt::ops
