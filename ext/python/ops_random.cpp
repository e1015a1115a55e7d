// ops_random.cpp: the CPU generator objects and samplers behind
// minitorch/_random.py (Note [CPU random streams]).
//
// A Generator is a PyCapsule owning an MTEngine; the default generator's
// capsule borrows default_generator().cpu. `_gen_use` makes a capsule the
// generator that random functions draw from until the next `_gen_use`
// (the Python wrappers set it around one call, under the GIL). The `_rng_*`
// samplers fill contiguous CPU tensors in memory order.
#include <chrono>
#include <random>

#include "../core/random.h"
#include "../cpu/random_mt.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

constexpr const char* kCapsule = "minitorch.Generator";

void free_engine(PyObject* cap) {
  delete static_cast<MTEngine*>(PyCapsule_GetPointer(cap, kCapsule));
}

MTEngine* engine_of(PyObject* cap) {
  MT_CHECK_KIND(TypeError, PyCapsule_IsValid(cap, kCapsule), "expected a Generator handle");
  return static_cast<MTEngine*>(PyCapsule_GetPointer(cap, kCapsule));
}

bool is_default(const MTEngine* e) { return e == &default_generator().cpu; }

void seed_engine(MTEngine* e, uint64_t s) {
  e->seed(s);
  if (is_default(e)) {  // the Philox streams of other devices follow the default seed
    default_generator().seed = s;
    default_generator().offset = 0;
  }
}

// PyTorch's seed range: [-2^63, 2^64).
bool seed_value(PyObject* seed, uint64_t* out) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(seed, &overflow);
  if (v == -1 && PyErr_Occurred()) return false;
  if (!overflow) {
    *out = static_cast<uint64_t>(v);
    return true;
  }
  unsigned long long u = PyLong_AsUnsignedLongLong(seed);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError,
                    "Overflow when unpacking long long: seed must be within "
                    "[-0x8000000000000000, 0xffffffffffffffff]");
    return false;
  }
  *out = u;
  return true;
}

TensorImpl* dense_cpu(PyObject* o, const char* what) {
  MT_CHECK_KIND(TypeError, is_tensor(o), what, " must be a Tensor");
  TensorImpl* t = impl_of(o);
  MT_CHECK(t->device().is_cpu() && t->is_contiguous(), what, " must be a contiguous CPU tensor");
  return t;
}

PyObject* F_gen_new(PyObject*, PyObject*) {
  MT_BEGIN
  return PyCapsule_New(new MTEngine(), kCapsule, free_engine);
  MT_END(nullptr)
}

PyObject* F_gen_default(PyObject*, PyObject*) {
  return PyCapsule_New(&default_generator().cpu, kCapsule, nullptr);
}

PyObject* F_gen_manual_seed(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *cap, *seed;
  if (!PyArg_ParseTuple(args, "OO:_gen_manual_seed", &cap, &seed)) return nullptr;
  MTEngine* e = engine_of(cap);
  if (!PyLong_Check(seed)) {
    PyErr_Format(PyExc_TypeError, "manual_seed expected a long, but got %s",
                 Py_TYPE(seed)->tp_name);
    return nullptr;
  }
  uint64_t s;
  if (!seed_value(seed, &s)) return nullptr;
  seed_engine(e, s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gen_seed(PyObject*, PyObject* cap) {
  MT_BEGIN
  MTEngine* e = engine_of(cap);
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  seed_engine(e, s);
  return PyLong_FromUnsignedLongLong(s);
  MT_END(nullptr)
}

PyObject* F_gen_initial_seed(PyObject*, PyObject* cap) {
  MT_BEGIN
  return PyLong_FromUnsignedLongLong(engine_of(cap)->seed_);
  MT_END(nullptr)
}

PyObject* F_gen_get_state(PyObject*, PyObject* cap) {
  MT_BEGIN
  unsigned char buf[MTEngine::kBytes];
  engine_of(cap)->save(buf);
  return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(buf),
                                   static_cast<Py_ssize_t>(sizeof(buf)));
  MT_END(nullptr)
}

PyObject* F_gen_set_state(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject* cap;
  const char* buf = nullptr;
  Py_ssize_t len = 0;
  if (!PyArg_ParseTuple(args, "Oy#:_gen_set_state", &cap, &buf, &len)) return nullptr;
  MTEngine* e = engine_of(cap);
  MT_CHECK(len == static_cast<Py_ssize_t>(MTEngine::kBytes),
           "Expected a CPUGeneratorImplState of size ", MTEngine::kBytes,
           " but found the input RNG state size to be ", len);
  MTEngine fresh;
  MT_CHECK(fresh.load(reinterpret_cast<const unsigned char*>(buf)), "Invalid mt19937 state");
  *e = fresh;
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _gen_use(capsule or None): the generator random functions draw from.
PyObject* F_gen_use(PyObject*, PyObject* cap) {
  MT_BEGIN
  g_cpu_generator_override = cap == Py_None ? nullptr : engine_of(cap);
  if (g_cpu_generator_override && is_default(g_cpu_generator_override))
    g_cpu_generator_override = nullptr;
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _rng_fill(tensor, kind, a, b, dense)
PyObject* F_rng_fill(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject* o;
  int kind, dense;
  double a, b;
  if (!PyArg_ParseTuple(args, "Oiddp:_rng_fill", &o, &kind, &a, &b, &dense)) return nullptr;
  TensorImpl* t = dense_cpu(o, "_rng_fill: self");
  MT_CHECK(kind >= 0 && kind <= static_cast<int>(cpu::rng::Dist::Geometric), "_rng_fill: kind");
  t->prepare_write();
  cpu::rng::fill(cpu_generator(), static_cast<cpu::rng::Dist>(kind), t->data(), t->numel(),
                 t->dtype(), a, b, dense != 0);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _rng_from_to(tensor, range, base): range as an unsigned 64-bit value.
PyObject* F_rng_from_to(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject* o;
  unsigned long long range;
  long long base;
  if (!PyArg_ParseTuple(args, "OKL:_rng_from_to", &o, &range, &base)) return nullptr;
  TensorImpl* t = dense_cpu(o, "_rng_from_to: self");
  MT_CHECK(range > 0, "_rng_from_to: empty range");
  t->prepare_write();
  cpu::rng::fill_from_to(cpu_generator(), t->data(), t->numel(), t->dtype(), range, base);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_rng_randperm(PyObject*, PyObject* o) {
  MT_BEGIN
  TensorImpl* t = dense_cpu(o, "_rng_randperm: out");
  t->prepare_write();
  cpu::rng::randperm(cpu_generator(), t->data(), t->numel(), t->dtype());
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _rng_multinomial(probs (rows, cats), n_sample, out int64 (rows, n_sample))
PyObject* F_rng_multinomial(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *p, *o;
  long long n_sample;
  if (!PyArg_ParseTuple(args, "OLO:_rng_multinomial", &p, &n_sample, &o)) return nullptr;
  TensorImpl* probs = dense_cpu(p, "_rng_multinomial: probs");
  TensorImpl* out = dense_cpu(o, "_rng_multinomial: out");
  MT_CHECK(probs->dim() == 2 && out->dtype() == DType::Int64 &&
               out->numel() == probs->size(0) * n_sample,
           "_rng_multinomial: bad shapes");
  out->prepare_write();
  cpu::rng::multinomial_with_replacement(cpu_generator(), probs->data(), probs->dtype(),
                                         probs->size(0), probs->size(1), n_sample,
                                         reinterpret_cast<int64_t*>(out->data()));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _rng_poisson(rates float64, out)
PyObject* F_rng_poisson(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *l, *o;
  if (!PyArg_ParseTuple(args, "OO:_rng_poisson", &l, &o)) return nullptr;
  TensorImpl* lam = dense_cpu(l, "_rng_poisson: rates");
  TensorImpl* out = dense_cpu(o, "_rng_poisson: out");
  MT_CHECK(lam->dtype() == DType::Float64 && lam->numel() == out->numel(),
           "_rng_poisson: bad arguments");
  out->prepare_write();
  cpu::rng::poisson(cpu_generator(), reinterpret_cast<const double*>(lam->data()), out->data(),
                    out->numel(), out->dtype());
  Py_RETURN_NONE;
  MT_END(nullptr)
}

}  // namespace

PyMethodDef random_module_functions[] = {
    {"_gen_new", F_gen_new, METH_NOARGS, nullptr},
    {"_gen_default", F_gen_default, METH_NOARGS, nullptr},
    {"_gen_manual_seed", F_gen_manual_seed, METH_VARARGS, nullptr},
    {"_gen_seed", F_gen_seed, METH_O, nullptr},
    {"_gen_initial_seed", F_gen_initial_seed, METH_O, nullptr},
    {"_gen_get_state", F_gen_get_state, METH_O, nullptr},
    {"_gen_set_state", F_gen_set_state, METH_VARARGS, nullptr},
    {"_gen_use", F_gen_use, METH_O, nullptr},
    {"_rng_fill", F_rng_fill, METH_VARARGS, nullptr},
    {"_rng_from_to", F_rng_from_to, METH_VARARGS, nullptr},
    {"_rng_randperm", F_rng_randperm, METH_O, nullptr},
    {"_rng_multinomial", F_rng_multinomial, METH_VARARGS, nullptr},
    {"_rng_poisson", F_rng_poisson, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
