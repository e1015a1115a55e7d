// ops_index.cpp: Python entry points of the indexing and sorting ops:
// gather/scatter, index_*, masked_*, take, nonzero, index_put, sort, topk,
// kthvalue, unique, searchsorted, bucketize, and one_hot's core.
//
// Out-of-place forms (scatter, index_add, masked_fill, ...) clone the input
// and run the in-place op on the clone; in-place forms return self.
#include "ops_elementwise.h"
#include "ops_shape.h"

namespace mt::py_glue {

namespace {

inline Tensor input_arg(PyObject* o) { return unwrap(o, "input"); }

// An out-of-place op's result: a clone of input for the in-place op to work on.
Tensor fresh_copy(const Tensor& t) { return ag::clone(t); }

// ---- gather / scatter ----

PyObject* F_gather(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "sparse_grad", "out", nullptr};
  PyObject* a[5];
  parse_args({"gather", names, 4, 3}, args, nargs, kw, a);
  Tensor r = ag::gather(input_arg(a[0]), int_arg(a[1], "dim"), unwrap(a[2], "index"));
  return finish_out(a[4], r, "gather");
  MT_END(nullptr)
}

ops::ScatterOp reduce_arg(PyObject* o) {
  if (!present(o)) return ops::ScatterOp::Assign;
  const char* s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : nullptr;
  if (!s) throw py::PythonError{};
  std::string r(s);
  if (r == "add") return ops::ScatterOp::Add;
  if (r == "multiply") return ops::ScatterOp::Multiply;
  MT_THROW(RuntimeError, "reduce argument must be either add or multiply, got '", r, "'");
}

// scatter(input, dim, index, src|value, *, reduce=None); Add = scatter_add.
template <bool InPlace, bool Add>
PyObject* F_scatter(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "src", "value", "reduce", nullptr};
  const char* fname =
      Add ? (InPlace ? "scatter_add_" : "scatter_add") : (InPlace ? "scatter_" : "scatter");
  PyObject* a[6];
  parse_args({fname, names, 4, 3}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]);
  Tensor dst = InPlace ? self : fresh_copy(self);
  int64_t dim = int_arg(a[1], "dim");
  Tensor index = unwrap(a[2], "index");
  ops::ScatterOp op = Add ? ops::ScatterOp::Add : reduce_arg(a[5]);
  PyObject* src = a[3] ? a[3] : a[4];
  if (!src) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'src' (or 'value')", fname);
    return nullptr;
  }
  if (is_tensor(src)) {
    ag::scatter_(dst, dim, index, Tensor(impl_of(src)), op);
  } else {
    if (Add) (void)unwrap(src, "src");  // scatter_add takes a tensor only: TypeError
    ag::scatter_value_(dst, dim, index, scalar_arg(src, "value"), op);
  }
  return InPlace ? Py_NewRef(a[0]) : wrap(dst);
  MT_END(nullptr)
}

// ---- index_* ----

PyObject* F_index_select(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "out", nullptr};
  PyObject* a[4];
  parse_args({"index_select", names, 3, 3}, args, nargs, kw, a);
  Tensor r = ag::index_select(input_arg(a[0]), int_arg(a[1], "dim"), unwrap(a[2], "index"));
  return finish_out(a[3], r, "index_select");
  MT_END(nullptr)
}

template <bool InPlace>
PyObject* F_index_add(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "source", "alpha", nullptr};
  PyObject* a[5];
  parse_args({InPlace ? "index_add_" : "index_add", names, 4, 4}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]);
  Tensor dst = InPlace ? self : fresh_copy(self);
  Scalar alpha = present(a[4]) ? scalar_arg(a[4], "alpha") : Scalar::from_int(1);
  ag::index_add_(dst, int_arg(a[1], "dim"), unwrap(a[2], "index"), unwrap(a[3], "source"), alpha);
  return InPlace ? Py_NewRef(a[0]) : wrap(dst);
  MT_END(nullptr)
}

template <bool InPlace>
PyObject* F_index_copy(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "source", nullptr};
  PyObject* a[4];
  parse_args({InPlace ? "index_copy_" : "index_copy", names, 4, 4}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]);
  Tensor dst = InPlace ? self : fresh_copy(self);
  ag::index_copy_(dst, int_arg(a[1], "dim"), unwrap(a[2], "index"), unwrap(a[3], "source"));
  return InPlace ? Py_NewRef(a[0]) : wrap(dst);
  MT_END(nullptr)
}

template <bool InPlace>
PyObject* F_index_fill(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", "value", nullptr};
  const char* fname = InPlace ? "index_fill_" : "index_fill";
  PyObject* a[4];
  parse_args({fname, names, 4, 4}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]);
  Tensor dst = InPlace ? self : fresh_copy(self);
  ag::index_fill_(dst, int_arg(a[1], "dim"), unwrap(a[2], "index"), value_arg(a[3], fname));
  return InPlace ? Py_NewRef(a[0]) : wrap(dst);
  MT_END(nullptr)
}

// index_put(input, indices, values, accumulate=False): indices is a tuple of
// index tensors (None leaves a dim whole), as aten::index_put.
std::vector<Tensor> index_list_arg(PyObject* o, const char* fname) {
  if (!PyList_Check(o) && !PyTuple_Check(o)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'indices' must be tuple of Tensors, not %s",
                 fname, Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  py::Ref seq = py::check(PySequence_Fast(o, ""));
  std::vector<Tensor> out;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq.get()); ++i) {
    PyObject* it = PySequence_Fast_GET_ITEM(seq.get(), i);
    out.push_back(it == Py_None ? Tensor() : unwrap(it, "indices"));
  }
  return out;
}

template <bool InPlace>
PyObject* F_index_put(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "indices", "values", "accumulate", nullptr};
  const char* fname = InPlace ? "index_put_" : "index_put";
  PyObject* a[4];
  parse_args({fname, names, 4, 3}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]);
  Tensor dst = InPlace ? self : fresh_copy(self);
  ag::index_put_(dst, index_list_arg(a[1], fname), unwrap(a[2], "values"),
                 opt_bool_arg(a[3], false, "accumulate"));
  return InPlace ? Py_NewRef(a[0]) : wrap(dst);
  MT_END(nullptr)
}

// ---- masked_* ----

template <bool InPlace>
PyObject* F_masked_fill(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "mask", "value", nullptr};
  const char* fname = InPlace ? "masked_fill_" : "masked_fill";
  PyObject* a[3];
  parse_args({fname, names, 3, 3}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]), mask = unwrap(a[1], "mask");
  Scalar v = value_arg(a[2], fname);
  if (is_tensor(a[2]) && ag::grad_enabled()) {
    Tensor vt(impl_of(a[2]));  // a value tensor: MaskedFillBackward1, it may get a gradient
    if (!InPlace) return wrap(ag::masked_fill(self, mask, vt));
    ag::masked_fill_(self, mask, vt);
    return Py_NewRef(a[0]);
  }
  if (InPlace) {
    ag::masked_fill_(self, mask, v);
    return Py_NewRef(a[0]);
  }
  return wrap(ag::masked_fill(self, mask, v));
  MT_END(nullptr)
}

template <bool InPlace>
PyObject* F_masked_scatter(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "mask", "source", nullptr};
  PyObject* a[3];
  parse_args({InPlace ? "masked_scatter_" : "masked_scatter", names, 3, 3}, args, nargs, kw, a);
  Tensor self = input_arg(a[0]), mask = unwrap(a[1], "mask"), src = unwrap(a[2], "source");
  if (InPlace) {
    ag::masked_scatter_(self, mask, src);
    return Py_NewRef(a[0]);
  }
  return wrap(ag::masked_scatter(self, mask, src));
  MT_END(nullptr)
}

PyObject* F_masked_select(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "mask", "out", nullptr};
  PyObject* a[3];
  parse_args({"masked_select", names, 2, 2}, args, nargs, kw, a);
  Tensor r = ag::masked_select(input_arg(a[0]), unwrap(a[1], "mask"));
  return finish_out(a[2], r, "masked_select");
  MT_END(nullptr)
}

PyObject* F_take(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "index", "out", nullptr};
  PyObject* a[3];
  parse_args({"take", names, 2, 2}, args, nargs, kw, a);
  return finish_out(a[2], ag::take(input_arg(a[0]), unwrap(a[1], "index")), "take");
  MT_END(nullptr)
}

PyObject* F_nonzero(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "out", "as_tuple", nullptr};
  PyObject* a[3];
  parse_args({"nonzero", names, 1, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  if (opt_bool_arg(a[2], false, "as_tuple")) return nonzero_as_tuple(a[0]);
  return finish_out(a[1], ag::nonzero(t), "nonzero");
  MT_END(nullptr)
}

PyObject* F_argwhere(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", nullptr};
  PyObject* a[1];
  parse_args({"argwhere", names, 1, 1}, args, nargs, kw, a);
  return wrap(ag::nonzero(input_arg(a[0])));
  MT_END(nullptr)
}

// ---- sorting and searching ----

PyObject* F_sort(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "descending", "stable", "out", nullptr};
  PyObject* a[5];
  parse_args({"sort", names, 3, 1}, args, nargs, kw, a);
  // Sorting is always stable here, which satisfies stable=False too.
  (void)opt_bool_arg(a[3], false, "stable");
  ops::ValuesIndices r = ag::sort(input_arg(a[0]), opt_int_arg(a[1], -1, "dim"),
                                  opt_bool_arg(a[2], false, "descending"));
  return named_pair("sort", r.values, r.indices);
  MT_END(nullptr)
}

PyObject* F_argsort(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "descending", "stable", nullptr};
  PyObject* a[4];
  parse_args({"argsort", names, 3, 1}, args, nargs, kw, a);
  (void)opt_bool_arg(a[3], false, "stable");
  return wrap(ag::sort(input_arg(a[0]), opt_int_arg(a[1], -1, "dim"),
                       opt_bool_arg(a[2], false, "descending"))
                  .indices);
  MT_END(nullptr)
}

PyObject* F_topk(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "k", "dim", "largest", "sorted", "out", nullptr};
  PyObject* a[6];
  parse_args({"topk", names, 5, 2}, args, nargs, kw, a);
  ops::ValuesIndices r =
      ag::topk(input_arg(a[0]), int_arg(a[1], "k"), opt_int_arg(a[2], -1, "dim"),
               opt_bool_arg(a[3], true, "largest"), opt_bool_arg(a[4], true, "sorted"));
  return named_pair("topk", r.values, r.indices);
  MT_END(nullptr)
}

PyObject* F_kthvalue(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "k", "dim", "keepdim", "out", nullptr};
  PyObject* a[5];
  parse_args({"kthvalue", names, 4, 2}, args, nargs, kw, a);
  ops::ValuesIndices r =
      ag::kthvalue(input_arg(a[0]), int_arg(a[1], "k"), opt_int_arg(a[2], -1, "dim"),
                   opt_bool_arg(a[3], false, "keepdim"));
  return named_pair("kthvalue", r.values, r.indices);
  MT_END(nullptr)
}

PyObject* F_unique(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input",         "sorted", "return_inverse",
                                "return_counts", "dim",    nullptr};
  PyObject* a[5];
  parse_args({"unique", names, 5, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  // Results always come sorted (PyTorch leaves the order of sorted=False open).
  (void)opt_bool_arg(a[1], true, "sorted");
  bool inv = opt_bool_arg(a[2], false, "return_inverse");
  bool cnt = opt_bool_arg(a[3], false, "return_counts");
  std::optional<int64_t> dim;
  if (present(a[4])) dim = int_arg(a[4], "dim");
  ops::UniqueResult r = ag::unique(t, dim);
  if (!inv && !cnt) return wrap(r.values);
  std::vector<Tensor> out{r.values};
  if (inv) out.push_back(r.inverse);
  if (cnt) out.push_back(r.counts);
  return tensor_tuple(out);
  MT_END(nullptr)
}

// A Python number searched for as a 0-d tensor (float64 for floats, int64
// for ints, as PyTorch's scalar_to_tensor).
Tensor search_value_arg(PyObject* o, Device d) {
  if (is_tensor(o)) return Tensor(impl_of(o));
  Scalar s = scalar_arg(o, "input");
  DType dt = s.is_floating() ? DType::Float64 : s.is_bool() ? DType::Bool : DType::Int64;
  return ag::full(Dims{}, s, dt, d);
}

bool side_arg(PyObject* right_o, PyObject* side_o) {
  bool right = opt_bool_arg(right_o, false, "right");
  if (!present(side_o)) return right;
  const char* s = PyUnicode_Check(side_o) ? PyUnicode_AsUTF8(side_o) : nullptr;
  if (!s) {
    PyErr_SetString(PyExc_TypeError, "searchsorted(): argument 'side' must be str");
    throw py::PythonError{};
  }
  std::string side(s);
  MT_CHECK(side == "left" || side == "right",
           "torch.searchsorted(): side can only be 'left' or 'right' but got ", side);
  MT_CHECK(!(right && side == "left"),
           "torch.searchsorted(): side and right can't be set to "
           "opposites, got side of left while right was True");
  return side == "right";
}

PyObject* F_searchsorted(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"sorted_sequence", "input", "out_int32", "right", "side", "out",
                                "sorter",          nullptr};
  PyObject* a[7];
  parse_args({"searchsorted", names, 2, 2}, args, nargs, kw, a);
  Tensor seq = unwrap(a[0], "sorted_sequence");
  bool right = side_arg(a[3], a[4]);
  Tensor sorter = present(a[6]) ? unwrap(a[6], "sorter") : Tensor();
  Tensor vals = search_value_arg(a[1], seq->device());
  MT_CHECK(is_tensor(a[1]) || seq->dim() == 1,
           "torch.searchsorted(): input value can be a "
           "scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(",
           seq->dim(), ") and input value's dim(0) numel(1)");
  Tensor r = ag::searchsorted(seq, vals, opt_bool_arg(a[2], false, "out_int32"), right, sorter);
  return finish_out(a[5], r, "searchsorted");
  MT_END(nullptr)
}

PyObject* F_bucketize(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "boundaries", "out_int32", "right", "out", nullptr};
  PyObject* a[5];
  parse_args({"bucketize", names, 2, 2}, args, nargs, kw, a);
  Tensor b = unwrap(a[1], "boundaries");
  Tensor r =
      ag::bucketize(search_value_arg(a[0], b->device()), b, opt_bool_arg(a[2], false, "out_int32"),
                    opt_bool_arg(a[3], false, "right"));
  return finish_out(a[4], r, "bucketize");
  MT_END(nullptr)
}

PyObject* F_one_hot(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"tensor", "num_classes", nullptr};
  PyObject* a[2];
  parse_args({"one_hot", names, 2, 1}, args, nargs, kw, a);
  return wrap(ag::one_hot(unwrap(a[0], "tensor"), opt_int_arg(a[1], -1, "num_classes")));
  MT_END(nullptr)
}

template <FastImpl F>
PyObject* as_function(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  return F(args, nargs, kw);
}

}  // namespace

PyMethodDef index_tensor_methods[] = {
    MT_FASTCALL("gather", as_method<F_gather>),
    MT_FASTCALL("scatter", (as_method<F_scatter<false, false>>)),
    MT_FASTCALL("scatter_", (as_method<F_scatter<true, false>>)),
    MT_FASTCALL("scatter_add", (as_method<F_scatter<false, true>>)),
    MT_FASTCALL("scatter_add_", (as_method<F_scatter<true, true>>)),
    MT_FASTCALL("index_select", as_method<F_index_select>),
    MT_FASTCALL("index_add", as_method<F_index_add<false>>),
    MT_FASTCALL("index_add_", as_method<F_index_add<true>>),
    MT_FASTCALL("index_copy", as_method<F_index_copy<false>>),
    MT_FASTCALL("index_copy_", as_method<F_index_copy<true>>),
    MT_FASTCALL("index_fill", as_method<F_index_fill<false>>),
    MT_FASTCALL("index_fill_", as_method<F_index_fill<true>>),
    MT_FASTCALL("index_put", as_method<F_index_put<false>>),
    MT_FASTCALL("index_put_", as_method<F_index_put<true>>),
    MT_FASTCALL("masked_fill", as_method<F_masked_fill<false>>),
    MT_FASTCALL("masked_fill_", as_method<F_masked_fill<true>>),
    MT_FASTCALL("masked_scatter", as_method<F_masked_scatter<false>>),
    MT_FASTCALL("masked_scatter_", as_method<F_masked_scatter<true>>),
    MT_FASTCALL("masked_select", as_method<F_masked_select>),
    MT_FASTCALL("take", as_method<F_take>),
    MT_FASTCALL("nonzero", as_method<F_nonzero>),
    MT_FASTCALL("argwhere", as_method<F_argwhere>),
    MT_FASTCALL("sort", as_method<F_sort>),
    MT_FASTCALL("argsort", as_method<F_argsort>),
    MT_FASTCALL("topk", as_method<F_topk>),
    MT_FASTCALL("kthvalue", as_method<F_kthvalue>),
    MT_FASTCALL("unique", as_method<F_unique>),
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef index_module_functions[] = {
    MT_FASTCALL("gather", as_function<F_gather>),
    MT_FASTCALL("scatter", (as_function<F_scatter<false, false>>)),
    MT_FASTCALL("scatter_add", (as_function<F_scatter<false, true>>)),
    MT_FASTCALL("index_select", as_function<F_index_select>),
    MT_FASTCALL("index_add", as_function<F_index_add<false>>),
    MT_FASTCALL("index_copy", as_function<F_index_copy<false>>),
    MT_FASTCALL("index_fill", as_function<F_index_fill<false>>),
    MT_FASTCALL("index_put", as_function<F_index_put<false>>),
    MT_FASTCALL("index_put_", as_function<F_index_put<true>>),
    MT_FASTCALL("masked_fill", as_function<F_masked_fill<false>>),
    MT_FASTCALL("masked_scatter", as_function<F_masked_scatter<false>>),
    MT_FASTCALL("masked_select", as_function<F_masked_select>),
    MT_FASTCALL("take", as_function<F_take>),
    MT_FASTCALL("nonzero", as_function<F_nonzero>),
    MT_FASTCALL("argwhere", as_function<F_argwhere>),
    MT_FASTCALL("sort", as_function<F_sort>),
    MT_FASTCALL("argsort", as_function<F_argsort>),
    MT_FASTCALL("topk", as_function<F_topk>),
    MT_FASTCALL("kthvalue", as_function<F_kthvalue>),
    MT_FASTCALL("unique", as_function<F_unique>),
    MT_FASTCALL("searchsorted", F_searchsorted),
    MT_FASTCALL("bucketize", as_function<F_bucketize>),
    MT_FASTCALL("_one_hot", F_one_hot),
    {nullptr, nullptr, 0, nullptr},
};

PyObject* nonzero_as_tuple(PyObject* input) {
  MT_BEGIN
  Tensor t = unwrap(input, "input");
  // A 0-d input counts as a vector of one here, as in PyTorch.
  Tensor nz = ag::nonzero(t->dim() == 0 ? ag::reshape(t, Dims{1}) : t);
  return tensor_tuple(ag::unbind(nz, 1));
  MT_END(nullptr)
}

}  // namespace mt::py_glue
