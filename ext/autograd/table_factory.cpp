// table_factory.cpp: the creation family's op table (Note [Op tables]):
// empty, zeros, ones, full, arange, linspace, logspace, eye, rand, randn,
// randint, randperm and the *_like functions.
//
// The signatures are PyTorch's, overloads in PyTorch's order (so the
// "invalid combination" texts list them as PyTorch does). An impl finds its
// arguments by parameter name (Slots, worked out once per overload), since
// one name sits at different positions in different overloads.
//
// Common rules, as in PyTorch:
// - dtype: dtype= when given; with out=, out's dtype (dtype= must then match
//   it); else the op's own default (the default float, int64, the input's,
//   or inferred from the fill value / range).
// - out=: resized to the result's shape when that differs, then written; the
//   result is out itself.
// - requires_grad=True needs a floating dtype and makes the result a leaf
//   that requires grad (TODO(autograd): nothing records a graph yet).
// - layout= (only strided exists), pin_memory= and generator= (only the
//   default generator exists) are accepted and change nothing.
#include <optional>
#include <vector>

#include "op_tables.h"

namespace mt::optable {

namespace {

using ops::MemoryFormat;

enum Slot : uint8_t {
  kSize,
  kFill,
  kStart,
  kEnd,
  kStep,
  kSteps,
  kBase,
  kN,
  kM,
  kLow,
  kHigh,
  kInput,
  kOut,
  kDtype,
  kDevice,
  kRequiresGrad,
  kMemoryFormat,
  kNumSlots
};
const char* const kSlotNames[kNumSlots] = {
    "size", "fill_value", "start",  "end",           "step",         "steps",
    "base", "n",          "m",      "low",           "high",         "input",
    "out",  "dtype",      "device", "requires_grad", "memory_format"};

// Where each named parameter sits in one overload (-1: not there).
struct Slots {
  const Schema* schema = nullptr;
  int8_t at[kNumSlots];
};

const Slots& slots_of(const OpDef& def, int overload) {
  // Built on a row's first call (op calls hold the GIL).
  static std::vector<Schema> schemas[kNumFactoryOps];
  static std::vector<Slots> slots[kNumFactoryOps];
  const auto row = static_cast<size_t>(&def - kFactoryOps);
  if (slots[row].empty()) {
    schemas[row] = parse_signatures(def.signatures);
    for (const Schema& s : schemas[row]) {
      Slots sl;
      sl.schema = &s;
      for (int k = 0; k < kNumSlots; ++k) {
        sl.at[k] = -1;
        for (size_t i = 0; i < s.params.size(); ++i)
          if (s.params[i].name == kSlotNames[k]) sl.at[k] = static_cast<int8_t>(i);
      }
      slots[row].push_back(sl);
    }
  }
  return slots[row][overload];
}

// One call's arguments, read by name.
struct Call {
  const OpDef& def;
  const OpArgs& a;
  const Slots& s;
  Call(const OpDef& d, const OpArgs& args) : def(d), a(args), s(slots_of(d, args.overload)) {}

  bool has(Slot k) const { return s.at[k] >= 0 && a.has(s.at[k]); }
  const Value& v(Slot k) const { return a.v[s.at[k]]; }
  ArgType type(Slot k) const { return s.schema->params[s.at[k]].type; }
  int64_t i(Slot k) const { return v(k).i; }
  TensorImpl* out() const { return a.out.t; }
  Tensor tensor(Slot k) const { return Tensor(const_cast<TensorImpl*>(v(k).tensor)); }

  std::optional<DType> dtype_arg() const {
    return has(kDtype) ? std::optional<DType>(v(kDtype).dtype) : std::nullopt;
  }
  // The result's dtype: dtype=, else out's, else `fallback`.
  DType dtype(DType fallback) const {
    if (out()) return ops::factory_out_dtype(*out(), dtype_arg());
    return has(kDtype) ? v(kDtype).dtype : fallback;
  }
  // device=, else out's, else `fallback` (the *_like input's) or the default
  // device (set_default_device).
  Device device() const { return device(a.default_device); }
  Device device(Device fallback) const {
    if (has(kDevice)) return a.device;
    return out() ? out()->device() : fallback;
  }
  MemoryFormat format(MemoryFormat fallback) const {
    return has(kMemoryFormat) ? static_cast<MemoryFormat>(i(kMemoryFormat)) : fallback;
  }
  // A number parameter that PyTorch's overloads take as a Number or as a
  // 0-d Tensor (linspace, logspace).
  double number(Slot k) const {
    if (type(k) != ArgType::Tensor) return v(k).scalar().to_double();
    Tensor t = tensor(k);
    MT_CHECK(t->dim() == 0, def.name,
             " only supports 0-dimensional start and end tensors, but got ", kSlotNames[k],
             " with ", t->dim(), " dimension(s).");
    return ag::item(t).to_double();
  }

  // Where a fill-style factory writes: out= resized to `sizes`, or a new
  // tensor.
  Tensor target(const Dims& sizes, DType dt) const {
    if (!out()) return ag::empty(sizes, dt, device());
    check_out();
    Tensor o(out());
    ag::resize_out(o, sizes);
    return o;
  }
  void check_out() const {
    MT_CHECK(!(ag::grad_enabled() && out()->requires_grad()), "aten::", def.name,
             "(): functions with out=... arguments don't support automatic differentiation, but "
             "one of the arguments requires grad.");
  }
  // The result: `r` written into out= when given; requires_grad= applied.
  Result finish(Tensor r) const {
    if (out() && r.get() != out()) {
      check_out();
      Tensor o(out());
      ag::resize_out(o, r->sizes());
      ag::copy_(o, r);
      r = o;
    }
    if (has(kRequiresGrad) && v(kRequiresGrad).b) {
      MT_CHECK(is_floating(r->dtype()),
               "Only Tensors of floating point and complex dtype can require gradients");
      r->autograd_or_create().requires_grad = true;  // TODO(autograd): a leaf of the graph
    }
    return {std::move(r)};
  }
};

// ---- from sizes ----

// empty(size, *, memory_format=None, out=None, ...)
Result empty(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  DType dt = c.dtype(a.default_float);
  MemoryFormat fmt = c.format(MemoryFormat::Contiguous);
  if (c.out() || fmt == MemoryFormat::Contiguous) return c.finish(c.target(a.list, dt));
  return c.finish(
      ag::empty_strided_dense(a.list, ops::format_strides(a.list, fmt), dt, c.device()));
}

// zeros (code 0) / ones (code 1) (size, *, out=None, ...)
Result fill(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  if (def.code == 0)
    for (int64_t s : a.list) MT_CHECK(s >= 0, "zeros: Dimension size must be non-negative.");
  Tensor t = c.target(a.list, c.dtype(a.default_float));
  ag::fill_(t, Scalar::from_int(def.code));
  return c.finish(std::move(t));
}

// full(size, fill_value, *, out=None, ...): the dtype follows the fill value
// (bool -> bool, int -> int64, float -> the default float).
Result full(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  Scalar v = c.v(kFill).scalar();
  Tensor t = c.target(a.list, c.dtype(ops::scalar_dtype(v, a.default_float)));
  ag::fill_(t, v);
  return c.finish(std::move(t));
}

// ---- ranges ----

// arange(end) / arange(start, end) / arange(start, end, step=1): int64
// unless a bound or the step is a float.
Result arange(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  bool any_float = false;
  double vals[3] = {0.0, 0.0, 1.0};
  const Slot slots[3] = {kStart, kEnd, kStep};
  for (int k = 0; k < 3; ++k) {
    if (!c.has(slots[k])) continue;
    Scalar s = c.v(slots[k]).scalar();
    any_float = any_float || s.is_floating();
    vals[k] = s.to_double();
  }
  DType dt = c.dtype(any_float ? a.default_float : DType::Int64);
  return c.finish(ag::arange(vals[0], vals[1], vals[2], dt, c.device()));
}

// linspace / logspace (start, end, steps[, base=10.0], *, out=None, ...)
Result linspace(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  DType dt = c.dtype(a.default_float);
  double start = c.number(kStart), end = c.number(kEnd);
  if (def.code == 0) return c.finish(ag::linspace(start, end, c.i(kSteps), dt, c.device()));
  return c.finish(ag::logspace(start, end, c.i(kSteps), c.v(kBase).d, dt, c.device()));
}

// eye(n) / eye(n, m)
Result eye(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  int64_t n = c.i(kN);
  int64_t m = c.has(kM) ? c.i(kM) : n;
  return c.finish(ag::eye(n, m, c.dtype(a.default_float), c.device()));
}

// ---- random ----

// rand (code 0) / randn (code 1) (size, *, generator, out=None, ...)
Result rand(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  DType dt = c.dtype(a.default_float);
  return c.finish(def.code ? ag::randn(a.list, dt, c.device()) : ag::rand(a.list, dt, c.device()));
}

// randint(high, size) / randint(low, high, size): int64 by default.
Result randint(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  int64_t low = c.has(kLow) ? c.i(kLow) : 0;
  return c.finish(ag::randint(low, c.i(kHigh), a.list, c.dtype(DType::Int64), c.device()));
}

// randperm(n): int64 by default.
Result randperm(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  return c.finish(ag::randperm(c.i(kN), c.dtype(DType::Int64), c.device()));
}

// ---- *_like ----

// The *_like functions (input, [fill_value | low, high], *, memory_format=None,
// ...): input's sizes, dtype and device unless given; the layout memory_format
// says, by default PyTorch's preserve_format (ops::preserved_strides).
enum LikeCode { kEmptyLike, kZerosLike, kOnesLike, kFullLike, kRandLike, kRandnLike, kRandintLike };

Result like(const OpDef& def, OpArgs& a) {
  Call c(def, a);
  Tensor in = c.tensor(kInput);
  DType dt = c.dtype(in->dtype());
  Device dev = c.device(in->device());
  MemoryFormat fmt = c.format(MemoryFormat::Preserve);
  switch (def.code) {
    case kRandLike:
      return c.finish(ag::rand_like(*in, dt, dev, fmt));
    case kRandnLike:
      return c.finish(ag::randn_like(*in, dt, dev, fmt));
    case kRandintLike: {
      int64_t low = c.has(kLow) ? c.i(kLow) : 0, high;
      if (c.type(kHigh) == ArgType::Tensor) {
        Tensor h = c.tensor(kHigh);
        high = ag::item(h).to_int();
      } else {
        high = c.i(kHigh);
      }
      return c.finish(ag::randint_like(*in, low, high, dt, dev, fmt));
    }
    default:
      break;
  }
  Tensor t = ag::empty_like(*in, dt, dev, fmt);
  if (def.code == kZerosLike || def.code == kOnesLike)
    ag::fill_(t, Scalar::from_int(def.code == kOnesLike));
  else if (def.code == kFullLike)
    ag::fill_(t, c.v(kFill).scalar());
  return c.finish(std::move(t));
}

// The keywords every factory takes, in PyTorch's order.
#define MT_OPTS                                                                                \
  "ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=False, " \
  "bool? requires_grad=False"
#define MT_FROM_SIZE(name, code, impl)                                  \
  {name,      name "(SymInt[] size, *, Tensor? out=None, " MT_OPTS ")", \
   kFunction, 0,                                                        \
   "",        "",                                                       \
   code,      impl,                                                     \
   nullptr}
// rand(n)-style rows: an overload taking generator= first, as PyTorch lists them.
#define MT_RANDOM(name, params, code, impl)                                                      \
  {name,                                                                                         \
   name "(" params ", *, Generator? generator, Tensor? out=None, " MT_OPTS ")\n" name "(" params \
        ", *, Tensor? out=None, " MT_OPTS ")",                                                   \
   kFunction,                                                                                    \
   0,                                                                                            \
   "",                                                                                           \
   "",                                                                                           \
   code,                                                                                         \
   impl,                                                                                         \
   nullptr}
#define MT_LIKE_OPTS "MemoryFormat? memory_format=None, " MT_OPTS
#define MT_LIKE(name, params, code)                                                                \
  {name,   name "(Tensor input" params ", *, " MT_LIKE_OPTS ")", kFunction, 0, "", "", code, like, \
   nullptr}
// *_like with and without generator=; each overload starts with a newline so
// they concatenate (parse_signatures skips empty lines).
#define MT_RANDOM_LIKE(name, params)                                                     \
  "\n" name "(Tensor input" params ", *, Generator? generator, " MT_LIKE_OPTS ")\n" name \
  "(Tensor input" params ", *, " MT_LIKE_OPTS ")"
// linspace / logspace: start and end each a 0-d Tensor or a Number.
#define MT_SPACE(name, rest)                                                                       \
  name "(Tensor start, Tensor end, " rest ")\n" name "(Scalar start, Tensor end, " rest ")\n" name \
       "(Tensor start, Scalar end, " rest ")\n" name "(Scalar start, Scalar end, " rest ")"

}  // namespace

const OpDef kFactoryOps[] = {
    {"empty",
     "empty(SymInt[] size, *, MemoryFormat? memory_format=None, Tensor? out=None, " MT_OPTS ")",
     kFunction, 0, "", "", 0, empty, nullptr},
    MT_FROM_SIZE("zeros", 0, fill),
    MT_FROM_SIZE("ones", 1, fill),
    {"full", "full(SymInt[] size, Scalar fill_value, *, Tensor? out=None, " MT_OPTS ")", kFunction,
     0, "", "", 0, full, nullptr},
    {"arange",
     "arange(Scalar end, *, Tensor? out=None, " MT_OPTS ")\n"
     "arange(Scalar start, Scalar end, *, " MT_OPTS ")\n"
     "arange(Scalar start, Scalar end, Scalar step=1, *, Tensor? out=None, " MT_OPTS ")",
     kFunction, 0, "", "", 0, arange, nullptr},
    {"linspace", MT_SPACE("linspace", "int steps, *, Tensor? out=None, " MT_OPTS), kFunction, 0, "",
     "", 0, linspace, nullptr},
    {"logspace", MT_SPACE("logspace", "int steps, float base=10.0, *, Tensor? out=None, " MT_OPTS),
     kFunction, 0, "", "", 1, linspace, nullptr},
    {"eye",
     "eye(int n, *, Tensor? out=None, " MT_OPTS ")\n"
     "eye(int n, int m, *, Tensor? out=None, " MT_OPTS ")",
     kFunction, 0, "", "", 0, eye, nullptr},
    MT_RANDOM("rand", "SymInt[] size", 0, rand),
    MT_RANDOM("randn", "SymInt[] size", 1, rand),
    {"randint",
     "randint(int high, SymInt[] size, *, Generator? generator, Tensor? out=None, " MT_OPTS ")\n"
     "randint(int high, SymInt[] size, *, Tensor? out=None, " MT_OPTS ")\n"
     "randint(int low, int high, SymInt[] size, *, Generator? generator, Tensor? out=None, " MT_OPTS
     ")\n"
     "randint(int low, int high, SymInt[] size, *, Tensor? out=None, " MT_OPTS ")",
     kFunction, 0, "", "", 0, randint, nullptr},
    MT_RANDOM("randperm", "int n", 0, randperm),
    MT_LIKE("empty_like", "", kEmptyLike),
    MT_LIKE("zeros_like", "", kZerosLike),
    MT_LIKE("ones_like", "", kOnesLike),
    MT_LIKE("full_like", ", Scalar fill_value", kFullLike),
    {"rand_like", MT_RANDOM_LIKE("rand_like", ""), kFunction, 0, "", "", kRandLike, like, nullptr},
    {"randn_like", MT_RANDOM_LIKE("randn_like", ""), kFunction, 0, "", "", kRandnLike, like,
     nullptr},
    {"randint_like",
     MT_RANDOM_LIKE("randint_like", ", int low, int high") MT_RANDOM_LIKE(
         "randint_like", ", Tensor high") MT_RANDOM_LIKE("randint_like", ", int high"),
     kFunction, 0, "", "", kRandintLike, like, nullptr},
};
static_assert(sizeof(kFactoryOps) / sizeof(kFactoryOps[0]) == kNumFactoryOps,
              "kNumFactoryOps in op_tables.h must match the rows");

#undef MT_OPTS
#undef MT_FROM_SIZE
#undef MT_RANDOM
#undef MT_LIKE_OPTS
#undef MT_LIKE
#undef MT_RANDOM_LIKE
#undef MT_SPACE

}  // namespace mt::optable
