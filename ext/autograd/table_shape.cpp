// table_shape.cpp: the shape family's op table (Note [Op tables]): views
// (view, reshape, permute, transpose, squeeze, split, ...), joins and
// copies (cat, stack, flip, tile, tril, ...), and the Tensor methods that
// are ops (to, the dtype casts, contiguous, clone, fill_, copy_, ...).
//
// Impls read the parsed arguments by the parameter's position in the
// function signature (the receiver is parameter 0) and call ag::. A row
// whose only in-place form is a method (fill_, copy_) is a kMethod row
// named with the underscore and returns the receiver.
#include "table_util.h"

namespace mt::optable {

namespace {

Tensor self_of(const OpArgs& a) { return tensor_at(a, 0); }

// ---- views ----

// view(size) / view(dtype)
Result view(const OpDef&, OpArgs& a) {
  if (a.overload == 1) return {ag::view_dtype(self_of(a), a.v[1].dtype)};
  return {ag::view(self_of(a), a.list)};
}

Result reshape(const OpDef&, OpArgs& a) { return {ag::reshape(self_of(a), a.list)}; }
Result view_as(const OpDef&, OpArgs& a) { return {ag::view(self_of(a), a.v[1].tensor->sizes())}; }
Result reshape_as(const OpDef&, OpArgs& a) {
  return {ag::reshape(self_of(a), a.v[1].tensor->sizes())};
}
Result expand(const OpDef&, OpArgs& a) { return {ag::expand(self_of(a), a.list)}; }
Result expand_as(const OpDef&, OpArgs& a) {
  return {ag::expand(self_of(a), a.v[1].tensor->sizes())};
}
Result permute(const OpDef&, OpArgs& a) { return {ag::permute(self_of(a), a.list)}; }

// transpose / swapaxes / swapdims (input, dim0, dim1), and their in-place forms.
Result transpose(const OpDef&, OpArgs& a) {
  if (a.out.inplace) {
    ag::transpose_(self_of(a), a.v[1].i, a.v[2].i);
    return {};
  }
  return {ag::transpose(self_of(a), a.v[1].i, a.v[2].i)};
}

Result t(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  if (a.out.inplace) {
    ag::t_(x);
    return {};
  }
  MT_CHECK(x->dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", x->dim(), "D");
  return {ag::t(x)};
}

// squeeze() / squeeze(int dim) / squeeze(int[] dim), and squeeze_.
Result squeeze(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  std::optional<int64_t> d;
  if (a.overload == 1) d = a.v[1].i;
  if (a.out.inplace) {
    if (a.overload == 2)
      ag::squeeze_dims_(x, a.list);
    else
      ag::squeeze_(x, d);
    return {};
  }
  if (a.overload == 2) return {ag::squeeze_dims(x, a.list)};
  return {ag::squeeze(x, d)};
}

Result unsqueeze(const OpDef&, OpArgs& a) {
  if (a.out.inplace) {
    ag::unsqueeze_(self_of(a), a.v[1].i);
    return {};
  }
  return {ag::unsqueeze(self_of(a), a.v[1].i)};
}

Result flatten(const OpDef&, OpArgs& a) { return {ag::flatten(self_of(a), a.v[1].i, a.v[2].i)}; }

// contiguous().view(-1), as PyTorch: a strided input is copied even where a
// strided 1-D view could describe it.
Result ravel(const OpDef&, OpArgs& a) { return {ag::view(ag::contiguous(self_of(a)), Dims{-1})}; }

Result unflatten(const OpDef&, OpArgs& a) { return {ag::unflatten(self_of(a), a.v[1].i, a.list)}; }
Result broadcast_to(const OpDef&, OpArgs& a) { return {ag::expand(self_of(a), a.list)}; }
Result narrow(const OpDef&, OpArgs& a) {
  return {ag::narrow(self_of(a), a.v[1].i, a.v[2].i, a.v[3].i)};
}
Result select(const OpDef&, OpArgs& a) { return {ag::select(self_of(a), a.v[1].i, a.v[2].i)}; }
Result diagonal(const OpDef&, OpArgs& a) {
  return {ag::diagonal(self_of(a), a.v[1].i, a.v[2].i, a.v[3].i)};
}
Result unbind(const OpDef&, OpArgs& a) { return tensor_tuple(ag::unbind(self_of(a), a.v[1].i)); }

// split(tensor, int split_size) / split(tensor, int[] sizes)
Result split(const OpDef&, OpArgs& a) {
  if (a.overload == 1) return tensor_tuple(ag::split_with_sizes(self_of(a), a.list, a.v[2].i));
  return tensor_tuple(ag::split(self_of(a), a.v[1].i, a.v[2].i));
}
Result split_with_sizes(const OpDef&, OpArgs& a) {
  return tensor_tuple(ag::split_with_sizes(self_of(a), a.list, a.v[2].i));
}
Result chunk(const OpDef&, OpArgs& a) {
  return tensor_tuple(ag::chunk(self_of(a), a.v[1].i, a.v[2].i));
}

// tensor_split(input, int sections) / (input, int[] indices) /
// (input, Tensor tensor_indices_or_sections): a 0-d tensor is a count, a
// 1-d one the indices.
Result tensor_split(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  const int64_t dim = a.v[2].i;
  if (a.overload == 0) return tensor_tuple(ag::tensor_split(x, a.v[1].i, dim));
  if (a.overload == 1) return tensor_tuple(ag::tensor_split_indices(x, a.list, dim));
  const TensorImpl* s = a.v[1].tensor;
  MT_CHECK(s->dtype() == DType::Int64,
           "tensor_split expected tensor_indices_or_sections to have dtype of long, but got ",
           info(s->dtype()).torch_name);
  MT_CHECK(s->dim() <= 1,
           "tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
           "or one-dimensional tensor, but got a tensor with ",
           s->dim(), " dims");
  Tensor st = tensor_at(a, 1);
  if (s->dim() == 0) return tensor_tuple(ag::tensor_split(x, ag::item(st).to_int(), dim));
  return tensor_tuple(ag::tensor_split_indices(x, ag::to_host_int64(st), dim));
}

// ---- joins and copies ----

// cat / concat / concatenate / stack (tensors, dim, *, out)
Result cat(const OpDef& def, OpArgs& a) {
  std::vector<Tensor> ts = a.tensor_list(0);
  Tensor r = def.code ? ag::stack(ts, a.v[1].i) : ag::cat(ts, a.v[1].i);
  return with_out(a, def.name, std::move(r));
}

Result flip(const OpDef&, OpArgs& a) { return {ag::flip(self_of(a), a.list)}; }

// fliplr (code 1) / flipud (code 0)
Result flip_lr_ud(const OpDef& def, OpArgs& a) {
  Tensor x = self_of(a);
  const int lr = def.code;
  MT_CHECK(x->dim() >= (lr ? 2 : 1), "Input must be >= ", lr ? 2 : 1, "-d.");
  return {ag::flip(x, Dims{lr ? 1 : 0})};
}

Result rot90(const OpDef&, OpArgs& a) {
  return {ag::rot90(self_of(a), a.v[1].i, a.has(2) ? a.list : Dims{0, 1})};
}
Result tile(const OpDef&, OpArgs& a) { return {ag::tile(self_of(a), a.list)}; }
Result repeat(const OpDef&, OpArgs& a) { return {ag::repeat(self_of(a), a.list)}; }

// repeat_interleave(input, Tensor repeats, dim) / (input, int repeats, dim)
// / (repeats): the last repeats each index by its count.
Result repeat_interleave(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  std::optional<int64_t> dim;
  int out_size = 1;
  Tensor r;
  if (a.overload == 2) {
    r = ag::repeat_interleave_index(x);
  } else {
    dim = opt_int(a, 2);
    out_size = 3;
    r = a.overload == 0 ? ag::repeat_interleave(x, tensor_at(a, 1), dim)
                        : ag::repeat_interleave(x, a.v[1].i, dim);
  }
  if (a.has(out_size)) {
    int64_t want = a.v[out_size].i;
    int64_t got = dim ? r->sizes()[wrap_dim(*dim, r->dim())] : r->numel();
    MT_CHECK(want == got, "repeat_interleave: allocated size does not match required size (", want,
             " != ", got, ")");
  }
  return {r};
}

// tril (code 1) / triu (code 0), and tril_ / triu_
Result tri(const OpDef& def, OpArgs& a) {
  Tensor x = self_of(a);
  const int64_t k = a.v[1].i;
  if (a.out.inplace) {
    if (def.code)
      ag::tril_(x, k);
    else
      ag::triu_(x, k);
    return {};
  }
  return {def.code ? ag::tril(x, k) : ag::triu(x, k)};
}

Result diag(const OpDef&, OpArgs& a) { return {ag::diag(self_of(a), a.v[1].i)}; }
Result diag_embed(const OpDef&, OpArgs& a) {
  return {ag::diag_embed(self_of(a), a.v[1].i, a.v[2].i, a.v[3].i)};
}

// ---- Tensor methods that are ops ----

// contiguous / clone (self, *, memory_format=None): clone preserves a dense
// layout by default (Note [Preserve format]).
ops::MemoryFormat format_arg(const OpArgs& a, ops::MemoryFormat fallback) {
  return a.has(1) ? static_cast<ops::MemoryFormat>(a.v[1].i) : fallback;
}
Result contiguous(const OpDef&, OpArgs& a) {
  if (!a.has(1)) return {ag::contiguous(self_of(a))};
  return {ag::contiguous(self_of(a), format_arg(a, ops::MemoryFormat::Contiguous))};
}
Result clone(const OpDef&, OpArgs& a) {
  return {ag::clone(self_of(a), format_arg(a, ops::MemoryFormat::Preserve))};
}
Result detach(const OpDef&, OpArgs& a) { return {ag::detach(self_of(a))}; }

// fill_(Tensor value) / fill_(Scalar value)
Result fill_(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  Scalar v;
  if (a.overload == 0) {
    const TensorImpl* t = a.v[1].tensor;
    MT_CHECK(t->dim() == 0, "fill_ only supports 0-dimension value tensor but got tensor with ",
             t->dim(), " dimensions.");
    v = ag::item(tensor_at(a, 1));
  } else {
    v = a.v[1].scalar();
  }
  ag::fill_(x, v);
  return {x};
}

Result zero_(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  ag::fill_(x, Scalar::from_int(0));
  return {x};
}

// copy_(src, non_blocking=False): src a tensor, an ndarray, or a Python
// number (kNumberOperands). PyTorch copies a number as it would a 0-d tensor of
// the number's own dtype (bool, int64 or float64), so the cast to self's dtype
// follows the cast rules (int8 copy_(300) wraps to 44, as in PyTorch) and is
// not fill_'s range check.
Result copy_(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  if (!a.v[1].tensor) {
    const Scalar v = a.v[1].scalar();
    const DType dt = v.kind == Scalar::Kind::Bool    ? DType::Bool
                     : v.kind == Scalar::Kind::Float ? DType::Float64
                                                     : DType::Int64;
    ag::copy_(x, ops::full({}, v, dt, Device{}));
    return {x};
  }
  ag::copy_(x, tensor_at(a, 1));
  return {x};
}

Result resize_(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  // An autograd rule (PyTorch checks it in its autograd layer, and out=
  // resizes skip it): moves to ag::resize_ with autograd.
  MT_CHECK(!x->requires_grad(), "cannot resize variables that require grad");
  ag::resize_(x, a.list);
  return {x};
}

// to(device=None, dtype=None, non_blocking, copy) / to(dtype, ...) / to(other, ...)
Result to(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  DType dt = x->dtype();
  Device dev = x->device();
  bool copy;
  if (a.overload == 0) {
    if (a.has(1)) dev = a.device;
    if (a.has(2)) dt = a.v[2].dtype;
    copy = a.v[4].b;
  } else if (a.overload == 1) {
    dt = a.v[1].dtype;
    copy = a.v[3].b;
  } else {
    dt = a.v[1].tensor->dtype();
    dev = a.v[1].tensor->device();
    copy = a.v[3].b;
  }
  if (dev.is_cuda() && dev.index < 0 && x->device().is_cuda()) dev = x->device();
  return {ag::to(x, dt, dev, copy)};
}

Result cpu(const OpDef&, OpArgs& a) {
  Tensor x = self_of(a);
  return {ag::to(x, x->dtype(), Device{}, false)};
}

// float(), double(), ...: code is the DType.
Result cast(const OpDef& def, OpArgs& a) {
  Tensor x = self_of(a);
  return {ag::to(x, static_cast<DType>(def.code), x->device(), false)};
}

constexpr uint8_t kF = kFunction;
constexpr uint8_t kM = kMethod;
constexpr uint8_t kFM = kFunction | kMethod;
constexpr uint8_t kFMI = kFunction | kMethod | kInPlace;
constexpr uint8_t kMI = kMethod | kInPlace;

#define MT_CAST(name, D)                                      \
  {name,                                                      \
   name "(Tensor self, *, MemoryFormat? memory_format=None)", \
   kM,                                                        \
   0,                                                         \
   "",                                                        \
   "",                                                        \
   static_cast<int>(DType::D),                                \
   cast,                                                      \
   nullptr}

}  // namespace

const OpDef kShapeOps[] = {
    // ---- views ----
    {"view", "view(Tensor self, int[] size)\nview(Tensor self, ScalarType dtype)", kM, 0, "", "", 0,
     view, nullptr},
    {"reshape", "reshape(Tensor input, int[] shape)", kFM, 0, "", "", 0, reshape, nullptr},
    {"view_as", "view_as(Tensor self, Tensor other)", kM, 0, "", "", 0, view_as, nullptr},
    {"reshape_as", "reshape_as(Tensor self, Tensor other)", kM, 0, "", "", 0, reshape_as, nullptr},
    {"expand", "expand(Tensor self, int[] size, *, bool implicit=False)", kM, 0, "", "", 0, expand,
     nullptr},
    {"expand_as", "expand_as(Tensor self, Tensor other)", kM, 0, "", "", 0, expand_as, nullptr},
    {"broadcast_to", "broadcast_to(Tensor input, int[] size)", kFM, 0, "", "", 0, broadcast_to,
     nullptr},
    {"permute", "permute(Tensor input, int[] dims)", kFM, 0, "", "", 0, permute, nullptr},
    {"transpose", "transpose(Tensor input, int dim0, int dim1)", kFMI, 0, "swapdims", "", 0,
     transpose, nullptr},
    {"swapaxes", "swapaxes(Tensor input, int axis0, int axis1)", kFMI, 0, "", "", 0, transpose,
     nullptr},
    {"t", "t(Tensor input)", kFMI, 0, "", "", 0, t, nullptr},
    {"squeeze",
     "squeeze(Tensor input)\nsqueeze(Tensor input, int dim)\nsqueeze(Tensor input, int[] dim)",
     kFMI, 0, "", "", 0, squeeze, nullptr},
    {"unsqueeze", "unsqueeze(Tensor input, int dim)", kFMI, 0, "", "", 0, unsqueeze, nullptr},
    {"flatten", "flatten(Tensor input, int start_dim=0, int end_dim=-1)", kFM, 0, "", "", 0,
     flatten, nullptr},
    {"ravel", "ravel(Tensor input)", kFM, 0, "", "", 0, ravel, nullptr},
    {"unflatten", "unflatten(Tensor input, int dim, int[] sizes)", kFM, 0, "", "", 0, unflatten,
     nullptr},
    {"narrow", "narrow(Tensor input, int dim, int start, int length)", kFM, 0, "", "", 0, narrow,
     nullptr},
    {"select", "select(Tensor input, int dim, int index)", kFM, 0, "", "", 0, select, nullptr},
    {"diagonal", "diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1)", kFM, 0, "", "", 0,
     diagonal, nullptr},
    {"unbind", "unbind(Tensor input, int dim=0)", kFM, 0, "", "", 0, unbind, nullptr},
    {"split",
     "split(Tensor tensor, int split_size_or_sections, int dim=0)\n"
     "split(Tensor tensor, int[] split_size_or_sections, int dim=0)",
     kFM, 0, "", "", 0, split, nullptr},
    {"split_with_sizes", "split_with_sizes(Tensor input, int[] split_sizes, int dim=0)", kFM, 0, "",
     "", 0, split_with_sizes, nullptr},
    {"chunk", "chunk(Tensor input, int chunks, int dim=0)", kFM, 0, "", "", 0, chunk, nullptr},
    {"tensor_split",
     "tensor_split(Tensor input, int sections, int dim=0)\n"
     "tensor_split(Tensor input, int[] indices, int dim=0)\n"
     "tensor_split(Tensor input, Tensor tensor_indices_or_sections, int dim=0)",
     kFM, 0, "", "", 0, tensor_split, nullptr},
    // ---- joins and copies ----
    {"cat", "cat(Tensor[] tensors, int dim=0, *, Tensor? out=None)", kF, 0, "concat", "", 0, cat,
     nullptr},
    {"concatenate", "concatenate(Tensor[] tensors, int axis=0, *, Tensor? out=None)", kF, 0, "", "",
     0, cat, nullptr},
    {"stack", "stack(Tensor[] tensors, int dim=0, *, Tensor? out=None)", kF, 0, "", "", 1, cat,
     nullptr},
    {"flip", "flip(Tensor input, int[] dims)", kFM, 0, "", "", 0, flip, nullptr},
    {"fliplr", "fliplr(Tensor input)", kFM, 0, "", "", 1, flip_lr_ud, nullptr},
    {"flipud", "flipud(Tensor input)", kFM, 0, "", "", 0, flip_lr_ud, nullptr},
    {"rot90", "rot90(Tensor input, int k=1, int[]? dims=None)", kFM, 0, "", "", 0, rot90, nullptr},
    {"tile", "tile(Tensor input, int[] dims)", kFM, 0, "", "", 0, tile, nullptr},
    {"repeat", "repeat(Tensor self, int[] repeats)", kM, 0, "", "", 0, repeat, nullptr},
    {"repeat_interleave",
     "repeat_interleave(Tensor input, Tensor repeats, int? dim=None, *, int? output_size=None)\n"
     "repeat_interleave(Tensor input, int repeats, int? dim=None, *, int? output_size=None)\n"
     "repeat_interleave(Tensor input, *, int? output_size=None)",
     kFM, 0, "", "", 0, repeat_interleave, nullptr},
    {"tril", "tril(Tensor input, int diagonal=0)", kFMI, 0, "", "", 1, tri, nullptr},
    {"triu", "triu(Tensor input, int diagonal=0)", kFMI, 0, "", "", 0, tri, nullptr},
    {"diag", "diag(Tensor input, int diagonal=0)", kFM, 0, "", "", 0, diag, nullptr},
    {"diag_embed", "diag_embed(Tensor input, int offset=0, int dim1=-2, int dim2=-1)", kFM, 0, "",
     "", 0, diag_embed, nullptr},
    // ---- Tensor methods that are ops ----
    {"contiguous", "contiguous(Tensor self, *, MemoryFormat? memory_format=None)", kM, 0, "", "", 0,
     contiguous, nullptr},
    {"clone", "clone(Tensor self, *, MemoryFormat? memory_format=None)", kM, 0, "", "", 0, clone,
     nullptr},
    {"detach", "detach(Tensor self)", kM, 0, "", "", 0, detach, nullptr},
    {"fill_", "fill_(Tensor self, Tensor value)\nfill_(Tensor self, Scalar value)", kM, 0, "", "",
     0, fill_, nullptr},
    {"zero_", "zero_(Tensor self)", kM, 0, "", "", 0, zero_, nullptr},
    {"copy_", "copy_(Tensor self, Tensor src, bool non_blocking=False)", kM, kNumberOperands, "",
     "", 0, copy_, nullptr},
    {"resize_", "resize_(Tensor self, int[] size, *, MemoryFormat? memory_format=None)", kM, 0, "",
     "", 0, resize_, nullptr},
    {"to",
     "to(Tensor self, Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool "
     "copy=False, *, MemoryFormat? memory_format=None)\n"
     "to(Tensor self, ScalarType dtype, bool non_blocking=False, bool copy=False, *, MemoryFormat "
     "memory_format=None)\n"
     "to(Tensor self, Tensor other, bool non_blocking=False, bool copy=False, *, MemoryFormat "
     "memory_format=None)",
     kM, 0, "", "", 0, to, nullptr},
    {"cpu", "cpu(Tensor self, *, MemoryFormat? memory_format=None)", kM, 0, "", "", 0, cpu,
     nullptr},
    MT_CAST("bool", Bool),
    MT_CAST("byte", UInt8),
    MT_CAST("char", Int8),
    MT_CAST("short", Int16),
    MT_CAST("int", Int32),
    MT_CAST("long", Int64),
    MT_CAST("half", Float16),
    MT_CAST("bfloat16", BFloat16),
    MT_CAST("float", Float32),
    MT_CAST("double", Float64),
};
static_assert(sizeof(kShapeOps) / sizeof(kShapeOps[0]) == kNumShapeOps,
              "kNumShapeOps in op_tables.h must match the rows");

#undef MT_CAST

}  // namespace mt::optable
