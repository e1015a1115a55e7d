// copy.cpp: copy_, fill_, clone, contiguous, to, item.
//
// Note [Overlapping copies]: copy_ reads src while writing dst, element by
// element and possibly on several threads, so when their bytes overlap (a
// view copied into another view of the same memory, e.g. x.copy_(x.flip(0))
// or x[1:] = x[:-1]) src is first copied to a temporary: the result is what
// NumPy gives, never a half-overwritten input. A destination that writes one
// location through several elements (a stride-0, expanded dim) is refused, as
// PyTorch does: which write would win is undefined. fill_ writes one value,
// so it accepts such a destination.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "../core/backend.h"
#include "ops.h"

namespace mt::ops {

namespace {

// Byte range [lo, hi) a CPU view can reach (empty when numel is 0).
void byte_range(const Tensor& t, uintptr_t* lo, uintptr_t* hi) {
  int64_t l, h;
  reachable_range(t->sizes(), t->strides(), &l, &h);
  auto base = reinterpret_cast<uintptr_t>(t->data());
  *lo = base + l * t->itemsize();
  *hi = base + (h + 1) * t->itemsize();
}

bool may_overlap(const Tensor& a, const Tensor& b) {
  if (a->numel() == 0 || b->numel() == 0 || a->device() != b->device()) return false;
  uintptr_t alo, ahi, blo, bhi;
  byte_range(a, &alo, &ahi);
  byte_range(b, &blo, &bhi);
  return alo < bhi && blo < ahi;
}

bool has_internal_overlap(const Tensor& t) {
  for (int64_t i = 0; i < t->dim(); ++i)
    if (t->strides()[i] == 0 && t->sizes()[i] > 1) return true;
  return false;
}

// PyTorch's checked conversion of a fill value: integers must fit the target
// integer type (unsigned targets also take negatives down to -max, which
// wrap), floats must be finite and in range for an integer target and within
// float's range for float32 (inf and nan are fine there). Half and bfloat16
// take anything (they round to inf). Without this, a NaN or out-of-range
// double cast to an integer type is undefined behaviour in C++.
void check_fill_value(const Scalar& v, DType dt) {
  bool bad = dispatch(dt, [&](auto tag) { return v.overflows<typename decltype(tag)::type>(); });
  MT_CHECK(!bad, "value cannot be converted to type ", overflow_type_name(dt), " without overflow");
}

// Note [Cross-device copies]
// A copy between the host and a GPU is one transfer of contiguous bytes of
// the destination's dtype; the cast, broadcast and any strided layout are
// done by an ordinary same-device copy on the side where the data already is
// (host -> device: staged on the host; device -> host: made contiguous on the
// device, cast and laid out on the host). The transfer waits for the GPU, so
// a tensor copied to the host is ready to read (PyTorch's .cpu() does too).
void copy_across_devices(const Tensor& dst, const Tensor& src) {
  const bool to_host = dst->device().is_cpu();
  const Device gpu = to_host ? src->device() : dst->device();
  check_device(gpu);
  const auto same_layout = [](const Tensor& a, const Tensor& b) {
    return a->is_contiguous() && b->is_contiguous() && a->dtype() == b->dtype() &&
           a->sizes() == b->sizes();
  };
  if (to_host) {
    Tensor dev = src->is_contiguous() ? src : clone(src);
    Tensor host =
        same_layout(dst, dev) ? dst : TensorImpl::empty(dev->sizes(), dev->dtype(), dst->device());
    cuda_hooks().memcpy(host->data(), dev->data(), dev->numel() * dev->itemsize(),
                        CopyKind::DeviceToHost, gpu.index, false);
    if (host.get() != dst.get()) copy_(dst, host);
  } else {
    Tensor host = src;
    if (!same_layout(dst, src)) {
      host = TensorImpl::empty(dst->sizes(), dst->dtype(), src->device());
      copy_(host, src);
    }
    Tensor dev = dst->is_contiguous() ? dst : TensorImpl::empty(dst->sizes(), dst->dtype(), gpu);
    cuda_hooks().memcpy(dev->data(), host->data(), host->numel() * host->itemsize(),
                        CopyKind::HostToDevice, gpu.index, false);
    if (dev.get() != dst.get()) copy_(dst, dev);
  }
}

}  // namespace

const char* overflow_type_name(DType dt) {
  static constexpr std::array<const char*, kNumDTypes> names = {
      "bool",    "uint8_t",   "int8_t",        "int16_t", "int",
      "int64_t", "c10::Half", "c10::BFloat16", "float",   "double"};
  static_assert(kNumDTypes == 10, "add the new dtype's name to overflow_type_name");
  return names[static_cast<int>(dt)];
}

void check_scalar_converts(const Scalar& v, DType dt) {
  bool bad =
      dispatch(dt, [&](auto tag) { return v.overflows_checked<typename decltype(tag)::type>(); });
  MT_CHECK(!bad, "value cannot be converted to type ", overflow_type_name(dt), " without overflow");
}

void copy_(const Tensor& dst, const Tensor& src0) {
  Tensor src = src0;
  MT_CHECK(dst->device() == src->device() || src->device().is_cpu() || dst->device().is_cpu(),
           "copy_: unsupported device pair ", src->device().str(), " -> ", dst->device().str());
  dst->prepare_write();
  if (dst->numel() == 0) {
    // src must broadcast *to* dst (not merely with it), as for a non-empty dst.
    MT_CHECK(broadcast_shapes(dst->sizes(), src->sizes()) == dst->sizes(), "output with shape ",
             dst->sizes(), " doesn't match the broadcast shape ",
             broadcast_shapes(dst->sizes(), src->sizes()));
    return;
  }
  // See Note [Overlapping copies].
  MT_CHECK(!has_internal_overlap(dst),
           "unsupported operation: more than one element of the written-to tensor refers to a "
           "single memory location. Please clone() the tensor before performing the operation.");
  if (may_overlap(dst, src)) {
    if (dst->data() == src->data() && dst->sizes() == src->sizes() &&
        dst->strides() == src->strides() && dst->dtype() == src->dtype())
      return;  // copying a view onto itself
    src = clone(src);
  }
  if (dst->device() != src->device())
    return copy_across_devices(dst, src);  // Note [Cross-device copies]
  TensorIter it = TensorIter::build({dst.get()}, {src.get()}, true);
  need(kernel_table(dst->device().type).copy, "copy_", dst->device())(it);
}

void fill_(const Tensor& dst, Scalar value) {
  check_fill_value(value, dst->dtype());
  dst->prepare_write();
  if (dst->numel() == 0) return;
  TensorIter it = TensorIter::build({dst.get()}, {}, true);
  need(kernel_table(dst->device().type).fill, "fill_", dst->device())(it, value);
}

Tensor clone(const Tensor& t) {
  Tensor out = TensorImpl::empty(t->sizes(), t->dtype(), t->device());
  copy_(out, t);
  return out;
}

Tensor contiguous(const Tensor& t) { return t->is_contiguous() ? t : clone(t); }

// Note [Preserve format]: the user-facing clone() (and pickling, in Python)
// keeps a dense tensor's strides, PyTorch's memory_format=preserve_format: a
// transpose clones as a transpose, so a program that checks strides or
// is_contiguous() after clone sees what PyTorch gives. A non-dense input
// (a slice with gaps, an expanded or flipped view) clones contiguous. The
// internal clone(t) above stays contiguous: kernels and autograd rely on it.
Tensor clone(const Tensor& t, MemoryFormat fmt) {
  if (fmt == MemoryFormat::Preserve && t->is_contiguous()) {
    // the common case without building the strides; a size-1 dim's odd
    // stride is kept, as PyTorch does
    bool plain = true;
    int64_t step = 1;
    for (int64_t d = t->dim() - 1; d >= 0 && plain; --d) {
      plain = t->strides()[d] == step;
      step *= std::max<int64_t>(t->sizes()[d], 1);
    }
    if (plain) return clone(t);
  }
  Dims st = fmt == MemoryFormat::Preserve ? preserved_strides(*t) : format_strides(t->sizes(), fmt);
  Tensor out = empty_strided_dense(t->sizes(), st, t->dtype(), t->device());
  copy_(out, t);
  return out;
}

Tensor contiguous(const Tensor& t, MemoryFormat fmt) {
  // PyTorch checks preserve_format as contiguous_format, and refuses it only
  // when a copy would be needed.
  if (fmt == MemoryFormat::Contiguous || (fmt == MemoryFormat::Preserve && t->is_contiguous()))
    return contiguous(t);
  MT_CHECK(fmt != MemoryFormat::Preserve,
           "preserve memory format is unsupported by the contiguous operator");
  format_strides(t->sizes(), fmt);  // checks the rank
  return is_contiguous_as(*t, fmt) ? t : clone(t, fmt);
}

bool is_contiguous_as(const TensorImpl& t, MemoryFormat fmt) {
  if (fmt == MemoryFormat::Contiguous || fmt == MemoryFormat::Preserve) return t.is_contiguous();
  static const int64_t order2d[] = {1, 3, 2, 0}, order3d[] = {1, 4, 3, 2, 0};
  const bool is3d = fmt == MemoryFormat::ChannelsLast3d;
  if (t.dim() != (is3d ? 5 : 4)) return false;
  int64_t expected = 1;  // PyTorch's walk: C fastest, then W, H(, D), N
  for (int64_t i = 0; i < t.dim(); ++i) {
    const int64_t d = is3d ? order3d[i] : order2d[i];
    if (t.sizes()[d] == 1) continue;
    if (t.strides()[d] != expected) return false;
    expected *= t.sizes()[d];
  }
  return true;
}

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
    if constexpr (std::is_same_v<T, bool>)
      return Scalar::from_bool(v);
    else if constexpr (std::is_integral_v<T>)
      return Scalar::from_int(static_cast<int64_t>(v));
    else
      return Scalar::from_double(static_cast<double>(static_cast<opmath_t<T>>(v)));
  });
}

}  // namespace mt::ops
