// ops_reduce.cpp: Python bindings of the reduction family (sum, mean, max,
// var, norm, cumsum, softmax, ...), as Tensor methods and module functions.
//
// Every op is one template over kMethod: the method takes the tensor as
// `self`, the module function as its first argument `input`; both share one
// name list (input first) so keywords and defaults cannot drift apart.
// Signatures, defaults and exception classes follow PyTorch. Ops that return
// (values, indices) style pairs return instances of small struct-sequence
// types, minitorch.return_types.<op>, like torch.return_types.
#include <cmath>
#include <cstring>

#include "glue.h"
#include "ops_elementwise.h"

namespace mt::py_glue {
namespace {

using Args = PyObject* const*;

// ---- return types (PyStructSequence, like torch.return_types) ----

struct ReturnType {
  const char* name;  // "max"
  const char* field0;
  const char* field1;
  PyTypeObject* type;
};
ReturnType g_return_types[] = {
    {"max", "values", "indices", nullptr},    {"min", "values", "indices", nullptr},
    {"aminmax", "min", "max", nullptr},       {"cummax", "values", "indices", nullptr},
    {"cummin", "values", "indices", nullptr}, {"sort", "values", "indices", nullptr},
    {"topk", "values", "indices", nullptr},   {"kthvalue", "values", "indices", nullptr},
};

// Borrowed reference to minitorch.return_types.<name>, made on first use and
// kept for the process (like the Tensor type).
PyTypeObject* return_type(const char* name) {
  for (ReturnType& rt : g_return_types) {
    if (std::strcmp(rt.name, name) != 0) continue;
    if (!rt.type) {
      // The desc and field names must outlive the type: they live in statics.
      static PyStructSequence_Field fields[std::size(g_return_types)][3];
      static PyStructSequence_Desc descs[std::size(g_return_types)];
      static char names[std::size(g_return_types)][64];
      size_t i = &rt - g_return_types;
      std::snprintf(names[i], sizeof names[i], "minitorch.return_types.%s", rt.name);
      fields[i][0] = {rt.field0, nullptr};
      fields[i][1] = {rt.field1, nullptr};
      fields[i][2] = {nullptr, nullptr};
      descs[i] = {names[i], nullptr, fields[i], 2};
      rt.type = PyStructSequence_NewType(&descs[i]);
      if (!rt.type) throw py::PythonError{};
    }
    return rt.type;
  }
  PyErr_Format(PyExc_KeyError, "no return type named '%s'", name);
  throw py::PythonError{};
}

PyObject* pair_result(const char* type_name, const Tensor& a, const Tensor& b) {
  py::Ref r = py::check(PyStructSequence_New(return_type(type_name)));
  PyStructSequence_SetItem(r.get(), 0, py::check(wrap(a)).release());
  PyStructSequence_SetItem(r.get(), 1, py::check(wrap(b)).release());
  return r.release();
}

}  // namespace

PyObject* named_pair(const char* type_name, const Tensor& a, const Tensor& b) {
  return pair_result(type_name, a, b);
}

namespace {

PyObject* tuple_result(const Tensor& a, const Tensor& b) {
  py::Ref x = py::check(wrap(a));
  py::Ref y = py::check(wrap(b));
  return PyTuple_Pack(2, x.get(), y.get());
}

// ---- argument helpers ----

// Parses (input, ...) for the module function or (...) for the method.
// `names` starts with "input"; npos and nrequired count it.
template <bool kMethod, int N>
Tensor parse(const char* fname, const char* const* names, int npos, int nrequired, PyObject* self,
             Args args, Py_ssize_t nargs, PyObject* kw, PyObject* (&a)[N]) {
  if constexpr (kMethod) {
    parse_args({fname, names + 1, npos - 1, nrequired - 1}, args, nargs, kw, a);
    return Tensor(impl_of(self));
  } else {
    PyObject* all[N + 1];
    parse_args({fname, names, npos, nrequired}, args, nargs, kw, all);
    for (int i = 0; i < N; ++i) a[i] = all[i + 1];
    if (!is_tensor(all[0])) {
      PyErr_Format(PyExc_TypeError, "%s(): argument 'input' (position 1) must be Tensor, not %s",
                   fname, Py_TYPE(all[0])->tp_name);
      throw py::PythonError{};
    }
    return Tensor(impl_of(all[0]));
  }
}

inline bool given(PyObject* o) { return o && o != Py_None; }

// dim as an int, a sequence of ints, or None.
ops::OptDims dims_arg(PyObject* o, const char* fname) {
  if (!given(o)) return std::nullopt;
  if (PyLong_Check(o) && !PyBool_Check(o)) return Dims{int_arg(o, "dim")};
  if (PyTuple_Check(o) || PyList_Check(o) || (is_numpy_scalar(o) && PyIndex_Check(o)))
    return int_list_arg(o, "dim");
  PyErr_Format(PyExc_TypeError, "%s(): argument 'dim' must be tuple of ints, not %s", fname,
               Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

int64_t dim_arg(PyObject* o, const char* fname) {
  if (o && ((PyLong_Check(o) && !PyBool_Check(o)) || (is_numpy_scalar(o) && PyIndex_Check(o))))
    return int_arg(o, "dim");
  PyErr_Format(PyExc_TypeError, "%s(): argument 'dim' must be int, not %s", fname,
               o ? Py_TYPE(o)->tp_name : "NoneType");
  throw py::PythonError{};
}

std::optional<int64_t> opt_dim_arg(PyObject* o, const char* fname) {
  if (!given(o)) return std::nullopt;
  return dim_arg(o, fname);
}

bool keepdim_arg(PyObject* o) { return given(o) && bool_arg(o, "keepdim"); }

Tensor out_arg(PyObject* o, const char* fname) {
  if (!given(o)) return {};
  if (!is_tensor(o)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'out' must be Tensor, not %s", fname,
                 Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return Tensor(impl_of(o));
}

// out=(a, b) for ops returning two tensors.
std::pair<Tensor, Tensor> out_pair_arg(PyObject* o, const char* fname) {
  if (!given(o)) return {};
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 2 || !is_tensor(PyTuple_GET_ITEM(o, 0)) ||
      !is_tensor(PyTuple_GET_ITEM(o, 1))) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'out' must be a tuple of 2 Tensors", fname);
    throw py::PythonError{};
  }
  return {Tensor(impl_of(PyTuple_GET_ITEM(o, 0))), Tensor(impl_of(PyTuple_GET_ITEM(o, 1)))};
}

// ---- sum, nansum, mean, nanmean: (input, dim=None, keepdim=False, *, dtype=None, out=None) ----

using SumLike = Tensor (*)(const Tensor&, const ops::OptDims&, bool, std::optional<DType>, Tensor);

template <bool kMethod, int kWhich>
PyObject* sum_like(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static constexpr const char* fnames[] = {"sum", "nansum", "mean", "nanmean"};
  static constexpr SumLike fns[] = {ag::sum, ag::nansum, ag::mean, ag::nanmean};
  const char* fname = fnames[kWhich];
  static const char* names[] = {"input", "dim", "keepdim", "dtype", "out", nullptr};
  PyObject* a[4];
  Tensor t = parse<kMethod>(fname, names, 3, 1, self, args, nargs, kw, a);
  if (!kMethod && nargs == 2 && is_dtype(a[0])) {  // sum(input, dtype) written positionally
    a[2] = a[0];
    a[0] = nullptr;
  }
  return wrap(fns[kWhich](t, dims_arg(a[0], fname), keepdim_arg(a[1]), parse_optional_dtype(a[2]),
                          out_arg(a[3], fname)));
  MT_END(nullptr)
}

template <bool kMethod>
PyObject* prod(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "keepdim", "dtype", "out", nullptr};
  PyObject* a[4];
  Tensor t = parse<kMethod>("prod", names, 3, 1, self, args, nargs, kw, a);
  return wrap(ag::prod(t, opt_dim_arg(a[0], "prod"), keepdim_arg(a[1]), parse_optional_dtype(a[2]),
                       out_arg(a[3], "prod")));
  MT_END(nullptr)
}

// ---- amax / amin: (input, dim=(), keepdim=False, *, out=None) ----
template <bool kMethod, bool kMax>
PyObject* amax_amin(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kMax ? "amax" : "amin";
  static const char* names[] = {"input", "dim", "keepdim", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>(fname, names, 3, 1, self, args, nargs, kw, a);
  ops::OptDims d = dims_arg(a[0], fname);
  Dims dims = d ? *d : Dims{};
  Tensor out = out_arg(a[2], fname);
  return wrap(kMax ? ag::amax(t, dims, keepdim_arg(a[1]), out)
                   : ag::amin(t, dims, keepdim_arg(a[1]), out));
  MT_END(nullptr)
}

// max(a, b) / min(a, b): the elementwise maximum / minimum.
PyObject* elementwise_max_min(bool is_max, PyObject* input, PyObject* other, PyObject* out) {
  return maximum_minimum(is_max, input, other, out);
}

// ---- max / min: (input), (input, dim, keepdim=False, *, out=None), (input, other, *, out=None)
// ----
template <bool kMethod, bool kMax>
PyObject* max_min(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kMax ? "max" : "min";
  static const char* names[] = {"input", "dim", "keepdim", "out", "other", nullptr};
  PyObject* a[4];
  Tensor t = parse<kMethod>(fname, names, 3, 1, self, args, nargs, kw, a);
  PyObject* other = a[3];
  if (a[0] && is_tensor(a[0])) other = a[0];
  if (other) {
    if (!is_tensor(other)) {
      PyErr_Format(PyExc_TypeError, "%s(): argument 'other' must be Tensor, not %s", fname,
                   Py_TYPE(other)->tp_name);
      return nullptr;
    }
    MT_CHECK_KIND(TypeError, !a[1], fname, "(): keepdim is not accepted with a second tensor");
    py::Ref input = py::check(wrap(t));  // the caller's object (Note [Identity])
    return elementwise_max_min(kMax, input.get(), other, a[2]);
  }
  if (!given(a[0])) {
    MT_CHECK_KIND(TypeError, !given(a[1]), fname, "(): keepdim needs a dim");
    Tensor r = kMax ? ag::max(t) : ag::min(t);
    if (Tensor out = out_arg(a[2], fname)) {
      MT_CHECK(out->dtype() == t->dtype(), "Expected out tensor to have dtype ",
               info(t->dtype()).name, ", but got ", info(out->dtype()).name, " instead");
      if (out->dim() != 0) ag::resize_(out, Dims{});
      ag::copy_(out, r);
      return wrap(out);
    }
    return wrap(r);
  }
  auto outs = out_pair_arg(a[2], fname);
  int64_t dim = dim_arg(a[0], fname);
  auto r = kMax ? ag::max(t, dim, keepdim_arg(a[1]), outs.first, outs.second)
                : ag::min(t, dim, keepdim_arg(a[1]), outs.first, outs.second);
  return pair_result(fname, r.first, r.second);
  MT_END(nullptr)
}

// ---- aminmax: (input, *, dim=None, keepdim=False, out=None) ----
template <bool kMethod>
PyObject* aminmax(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "keepdim", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>("aminmax", names, 1, 1, self, args, nargs, kw, a);
  auto outs = out_pair_arg(a[2], "aminmax");
  auto r = ag::aminmax(t, opt_dim_arg(a[0], "aminmax"), keepdim_arg(a[1]), outs.first, outs.second);
  return pair_result("aminmax", r.first, r.second);
  MT_END(nullptr)
}

// ---- argmax / argmin: (input, dim=None, keepdim=False, *, out=None) ----
template <bool kMethod, bool kMax>
PyObject* argmax_argmin(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kMax ? "argmax" : "argmin";
  static const char* names[] = {"input", "dim", "keepdim", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>(fname, names, 3, 1, self, args, nargs, kw, a);
  auto dim = opt_dim_arg(a[0], fname);
  Tensor out = out_arg(a[2], fname);
  return wrap(kMax ? ag::argmax(t, dim, keepdim_arg(a[1]), out)
                   : ag::argmin(t, dim, keepdim_arg(a[1]), out));
  MT_END(nullptr)
}

// ---- all / any: (input, dim=None, keepdim=False, *, out=None) ----
template <bool kMethod, bool kAll>
PyObject* all_any(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kAll ? "all" : "any";
  static const char* names[] = {"input", "dim", "keepdim", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>(fname, names, 3, 1, self, args, nargs, kw, a);
  auto dims = dims_arg(a[0], fname);
  Tensor out = out_arg(a[2], fname);
  return wrap(kAll ? ag::all(t, dims, keepdim_arg(a[1]), out)
                   : ag::any(t, dims, keepdim_arg(a[1]), out));
  MT_END(nullptr)
}

template <bool kMethod>
PyObject* count_nonzero(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", nullptr};
  PyObject* a[1];
  Tensor t = parse<kMethod>("count_nonzero", names, 2, 1, self, args, nargs, kw, a);
  return wrap(ag::count_nonzero(t, dims_arg(a[0], "count_nonzero")));
  MT_END(nullptr)
}

// ---- var / std / var_mean / std_mean ----
// (input, dim=None, *, correction=1, keepdim=False, out=None) and the older
// (input, dim, unbiased, keepdim=False) and (input, unbiased) forms.
struct VarArgs {
  ops::OptDims dim;
  double correction = 1;
  bool keepdim = false;
  Tensor out;
};

template <bool kMethod>
VarArgs parse_var(const char* fname, Tensor* t, PyObject* self, Args args, Py_ssize_t nargs,
                  PyObject* kw) {
  static const char* names[] = {"input",      "dim", "unbiased", "keepdim",
                                "correction", "out", nullptr};
  PyObject* a[5];
  *t = parse<kMethod>(fname, names, 4, 1, self, args, nargs, kw, a);
  if (a[0] && PyBool_Check(a[0])) {  // var(input, unbiased)
    MT_CHECK_KIND(TypeError, !a[1], fname, "(): unbiased given twice");
    a[1] = a[0];
    a[0] = nullptr;
  }
  VarArgs v;
  v.dim = dims_arg(a[0], fname);
  MT_CHECK_KIND(TypeError, !(given(a[1]) && given(a[3])), fname,
                "(): pass either unbiased or correction, not both");
  if (given(a[1])) v.correction = bool_arg(a[1], "unbiased") ? 1 : 0;
  if (given(a[3])) v.correction = double_arg(a[3], "correction");
  v.keepdim = keepdim_arg(a[2]);
  v.out = out_arg(a[4], fname);
  return v;
}

template <bool kMethod, bool kStd>
PyObject* var_std(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  Tensor t;
  VarArgs v = parse_var<kMethod>(kStd ? "std" : "var", &t, self, args, nargs, kw);
  return wrap(kStd ? ag::stddev(t, v.dim, v.correction, v.keepdim, v.out)
                   : ag::var(t, v.dim, v.correction, v.keepdim, v.out));
  MT_END(nullptr)
}

template <bool kStd>
PyObject* var_std_mean(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kStd ? "std_mean" : "var_mean";
  Tensor t;
  VarArgs v = parse_var<false>(fname, &t, self, args, nargs, kw);
  MT_CHECK_KIND(TypeError, !v.out, fname, "() does not take out=");
  auto r = kStd ? ag::std_mean(t, v.dim, v.correction, v.keepdim)
                : ag::var_mean(t, v.dim, v.correction, v.keepdim);
  return tuple_result(r.first, r.second);
  MT_END(nullptr)
}

// ---- norms ----

// ord / p as a number: inf and -inf allowed.
double ord_arg(PyObject* o, const char* fname, const char* what) {
  Scalar s;
  if (PyBool_Check(o) || !to_scalar(o, &s)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' must be Number, not %s", fname, what,
                 Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return s.to_double();
}

// linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None)
PyObject* vector_norm(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"x", "ord", "dim", "keepdim", "dtype", "out", nullptr};
  PyObject* a[5];
  Tensor t = parse<false>("linalg_vector_norm", names, 4, 1, self, args, nargs, kw, a);
  double ord = given(a[0]) ? ord_arg(a[0], "linalg_vector_norm", "ord") : 2.0;
  return wrap(ag::vector_norm(t, ord, dims_arg(a[1], "linalg_vector_norm"), keepdim_arg(a[2]),
                              parse_optional_dtype(a[3]), out_arg(a[4], "linalg_vector_norm")));
  MT_END(nullptr)
}

// norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None): the
// vector norms and the Frobenius norm ('fro' over all dims or at most two).
template <bool kMethod>
PyObject* norm(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "p", "dim", "keepdim", "out", "dtype", nullptr};
  PyObject* a[5];
  Tensor t = parse<kMethod>("norm", names, 6, 1, self, args, nargs, kw, a);
  ops::OptDims dim = dims_arg(a[1], "norm");
  double ord = 2;
  if (a[0] && PyUnicode_Check(a[0])) {
    const char* p = PyUnicode_AsUTF8(a[0]);
    if (!p) return nullptr;
    if (std::strcmp(p, "nuc") == 0)
      MT_THROW(NotImplementedError, "norm(): the nuclear norm ('nuc') is not implemented");
    MT_CHECK(std::strcmp(p, "fro") == 0, "linalg.matrix_norm: Order ", p, " not supported.");
    MT_CHECK(!dim || dim->size() <= 2, "linalg.matrix_norm: dim must be a 2-tuple. Got ", *dim);
  } else if (given(a[0])) {
    ord = ord_arg(a[0], "norm", "p");
  }
  return wrap(ag::vector_norm(t, ord, dim, keepdim_arg(a[2]), parse_optional_dtype(a[4]),
                              out_arg(a[3], "norm")));
  MT_END(nullptr)
}

// ---- logsumexp(input, dim, keepdim=False, *, out=None) ----
template <bool kMethod>
PyObject* logsumexp(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "keepdim", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>("logsumexp", names, 3, 2, self, args, nargs, kw, a);
  ops::OptDims d = dims_arg(a[0], "logsumexp");
  return wrap(ag::logsumexp(t, d ? *d : Dims{}, keepdim_arg(a[1]), default_dtype(),
                            out_arg(a[2], "logsumexp")));
  MT_END(nullptr)
}

// ---- cumsum / cumprod: (input, dim, *, dtype=None, out=None) ----
template <bool kMethod, bool kProd>
PyObject* cumsum_cumprod(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kProd ? "cumprod" : "cumsum";
  static const char* names[] = {"input", "dim", "dtype", "out", nullptr};
  PyObject* a[3];
  Tensor t = parse<kMethod>(fname, names, 2, 2, self, args, nargs, kw, a);
  int64_t dim = dim_arg(a[0], fname);
  auto dtype = parse_optional_dtype(a[1]);
  Tensor out = out_arg(a[2], fname);
  return wrap(kProd ? ag::cumprod(t, dim, dtype, out) : ag::cumsum(t, dim, dtype, out));
  MT_END(nullptr)
}

// ---- cummax / cummin: (input, dim, *, out=None) ----
template <bool kMethod, bool kMax>
PyObject* cummax_cummin(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kMax ? "cummax" : "cummin";
  static const char* names[] = {"input", "dim", "out", nullptr};
  PyObject* a[2];
  Tensor t = parse<kMethod>(fname, names, 2, 2, self, args, nargs, kw, a);
  int64_t dim = dim_arg(a[0], fname);
  auto outs = out_pair_arg(a[1], fname);
  auto r = kMax ? ag::cummax(t, dim, outs.first, outs.second)
                : ag::cummin(t, dim, outs.first, outs.second);
  return pair_result(fname, r.first, r.second);
  MT_END(nullptr)
}

// ---- softmax / log_softmax: (input, dim, dtype=None) ----
template <bool kMethod, bool kLog>
PyObject* softmax(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kLog ? "log_softmax" : "softmax";
  static const char* names[] = {"input", "dim", "dtype", nullptr};
  PyObject* a[2];
  Tensor t = parse<kMethod>(fname, names, 3, 2, self, args, nargs, kw, a);
  int64_t dim = dim_arg(a[0], fname);
  auto dtype = parse_optional_dtype(a[1]);
  return wrap(kLog ? ag::log_softmax(t, dim, dtype) : ag::softmax(t, dim, dtype));
  MT_END(nullptr)
}

// _return_type(name) -> the struct-sequence type minitorch.return_types.<name>
PyObject* F_return_type(PyObject*, PyObject* name) {
  MT_BEGIN
  const char* s = PyUnicode_AsUTF8(name);
  if (!s) return nullptr;
  return Py_NewRef(reinterpret_cast<PyObject*>(return_type(s)));
  MT_END(nullptr)
}

#define FAST(name, fn)                                                    \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

// Both tables list the same ops; the method form gets kMethod = true.
#define REDUCE_OPS(M)                                                                              \
  FAST("sum", (sum_like<M, 0>)), FAST("nansum", (sum_like<M, 1>)), FAST("mean", (sum_like<M, 2>)), \
      FAST("nanmean", (sum_like<M, 3>)), FAST("prod", prod<M>),                                    \
      FAST("amax", (amax_amin<M, true>)), FAST("amin", (amax_amin<M, false>)),                     \
      FAST("max", (max_min<M, true>)), FAST("min", (max_min<M, false>)),                           \
      FAST("aminmax", aminmax<M>), FAST("argmax", (argmax_argmin<M, true>)),                       \
      FAST("argmin", (argmax_argmin<M, false>)), FAST("all", (all_any<M, true>)),                  \
      FAST("any", (all_any<M, false>)), FAST("count_nonzero", count_nonzero<M>),                   \
      FAST("var", (var_std<M, false>)), FAST("std", (var_std<M, true>)), FAST("norm", norm<M>),    \
      FAST("logsumexp", logsumexp<M>), FAST("cumsum", (cumsum_cumprod<M, false>)),                 \
      FAST("cumprod", (cumsum_cumprod<M, true>)), FAST("cummax", (cummax_cummin<M, true>)),        \
      FAST("cummin", (cummax_cummin<M, false>)), FAST("softmax", (softmax<M, false>)),             \
      FAST("log_softmax", (softmax<M, true>))

}  // namespace

PyMethodDef reduce_tensor_methods[] = {
    REDUCE_OPS(true),
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef reduce_module_functions[] = {
    REDUCE_OPS(false),
    FAST("var_mean", var_std_mean<false>),
    FAST("std_mean", var_std_mean<true>),
    FAST("_linalg_vector_norm", vector_norm),
    {"_return_type", F_return_type, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
