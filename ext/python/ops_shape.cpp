// ops_shape.cpp: Python entry points of the shape ops: views (flatten,
// movedim, split, diagonal, ...) and copying ops (cat, stack, roll, repeat,
// tril, ...), as minitorch.<op>(input, ...) and Tensor.<op>(...). The view
// methods that predate this family (view, reshape, permute, transpose, ...)
// are in tensor_methods.cpp; their module-function spellings are here.
#include "ops_shape.h"

namespace mt::py_glue {

// ---- helpers shared by the family (ops_shape.h) ----

PyObject* call_as_method(FastImpl f, PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  Py_ssize_t total = nargs + (kw ? PyTuple_GET_SIZE(kw) : 0);
  PyObject* small[16];
  std::vector<PyObject*> big;
  PyObject** buf = small;
  if (total + 1 > 16) {
    big.resize(total + 1);
    buf = big.data();
  }
  buf[0] = self;
  for (Py_ssize_t i = 0; i < total; ++i) buf[i + 1] = args[i];
  return f(buf, nargs + 1, kw);
}

std::vector<Tensor> tensor_list_arg(PyObject* o, const char* fname) {
  if (!PyList_Check(o) && !PyTuple_Check(o)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'tensors' must be tuple of Tensors, not %s",
                 fname, Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  py::Ref seq = py::check(PySequence_Fast(o, ""));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  std::vector<Tensor> out;
  out.reserve(n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq.get(), i);
    if (!is_tensor(item)) {
      PyErr_Format(PyExc_TypeError,
                   "%s(): expected Tensor as element %zd in argument 0, but got %s", fname, i,
                   Py_TYPE(item)->tp_name);
      throw py::PythonError{};
    }
    out.push_back(Tensor(impl_of(item)));
  }
  return out;
}

PyObject* tensor_tuple(const std::vector<Tensor>& ts) {
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(ts.size())));
  for (size_t i = 0; i < ts.size(); ++i)
    PyTuple_SET_ITEM(t.get(), i, py::check(wrap(ts[i])).release());
  return t.release();
}

Scalar value_arg(PyObject* o, const char* fname) {
  if (is_tensor(o)) {
    TensorImpl* v = impl_of(o);
    MT_CHECK(v->dim() == 0, fname,
             " only supports a 0-dimensional value tensor, but got tensor "
             "with ",
             v->dim(), " dimension(s).");
    return ops::item(Tensor(v));
  }
  return scalar_arg(o, "value");
}

PyObject* finish_out(PyObject* out, const Tensor& result, const char* fname) {
  if (!present(out)) return wrap(result);
  Tensor o = unwrap(out, "out");
  MT_CHECK(can_cast(result->dtype(), o->dtype()), fname, "(): result type ",
           info(result->dtype()).torch_name, " can't be cast to the desired output type ",
           info(o->dtype()).torch_name);
  if (o->sizes() != result->sizes()) ag::resize_(o, result->sizes());
  ag::copy_(o, result);
  return Py_NewRef(out);
}

namespace {

inline Tensor input_arg(PyObject* o) { return unwrap(o, "input"); }

// dims from an int or a sequence of ints.
Dims dims_arg(PyObject* o, const char* what) { return int_list_arg(o, what); }

// ---- views ----

PyObject* F_reshape(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "shape", nullptr};
  PyObject* a[2];
  parse_args({"reshape", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::reshape(input_arg(a[0]), dims_arg(a[1], "shape")));
  MT_END(nullptr)
}

PyObject* F_view_as(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", nullptr};
  PyObject* a[2];
  parse_args({"view_as", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::view(input_arg(a[0]), unwrap(a[1], "other")->sizes()));
  MT_END(nullptr)
}

PyObject* F_reshape_as(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", nullptr};
  PyObject* a[2];
  parse_args({"reshape_as", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::reshape(input_arg(a[0]), unwrap(a[1], "other")->sizes()));
  MT_END(nullptr)
}

PyObject* F_expand_as(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", nullptr};
  PyObject* a[2];
  parse_args({"expand_as", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::expand(input_arg(a[0]), unwrap(a[1], "other")->sizes()));
  MT_END(nullptr)
}

PyObject* F_broadcast_to(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "size", nullptr};
  PyObject* a[2];
  parse_args({"broadcast_to", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::expand(input_arg(a[0]), dims_arg(a[1], "size")));
  MT_END(nullptr)
}

PyObject* F_broadcast_tensors(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  MT_CHECK_KIND(TypeError, !kw || PyTuple_GET_SIZE(kw) == 0,
                "broadcast_tensors() takes no keyword arguments");
  std::vector<Tensor> ts;
  if (nargs == 1 && !is_tensor(args[0])) {
    ts = tensor_list_arg(args[0], "broadcast_tensors");
  } else {
    for (Py_ssize_t i = 0; i < nargs; ++i) ts.push_back(unwrap(args[i], "tensors"));
  }
  return tensor_tuple(ag::broadcast_tensors(ts));
  MT_END(nullptr)
}

PyObject* F_flatten(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "start_dim", "end_dim", nullptr};
  PyObject* a[3];
  parse_args({"flatten", names, 3, 1}, args, nargs, kw, a);
  return wrap(ag::flatten(input_arg(a[0]), opt_int_arg(a[1], 0, "start_dim"),
                          opt_int_arg(a[2], -1, "end_dim")));
  MT_END(nullptr)
}

PyObject* F_ravel(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", nullptr};
  PyObject* a[1];
  parse_args({"ravel", names, 1, 1}, args, nargs, kw, a);
  // contiguous().view(-1), as PyTorch: a strided input is copied even where a
  // strided 1-D view could describe it.
  return wrap(ag::view(ag::contiguous(input_arg(a[0])), Dims{-1}));
  MT_END(nullptr)
}

PyObject* F_unflatten(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "sizes", nullptr};
  PyObject* a[3];
  parse_args({"unflatten", names, 3, 3}, args, nargs, kw, a);
  return wrap(ag::unflatten(input_arg(a[0]), int_arg(a[1], "dim"), dims_arg(a[2], "sizes")));
  MT_END(nullptr)
}

PyObject* F_squeeze(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", nullptr};
  PyObject* a[2];
  parse_args({"squeeze", names, 2, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  if (!present(a[1])) return wrap(ag::squeeze(t, std::nullopt));
  return wrap(ag::squeeze_dims(t, dims_arg(a[1], "dim")));
  MT_END(nullptr)
}

PyObject* F_unsqueeze(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", nullptr};
  PyObject* a[2];
  parse_args({"unsqueeze", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::unsqueeze(input_arg(a[0]), int_arg(a[1], "dim")));
  MT_END(nullptr)
}

template <int Kind>  // 0 transpose(dim0, dim1), 1 swapaxes(axis0, axis1), 2 swapdims(dim0, dim1)
PyObject* F_transpose(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* n0[] = {"input", "dim0", "dim1", nullptr};
  static const char* n1[] = {"input", "axis0", "axis1", nullptr};
  const char* fname = Kind == 0 ? "transpose" : Kind == 1 ? "swapaxes" : "swapdims";
  PyObject* a[3];
  parse_args({fname, Kind == 1 ? n1 : n0, 3, 3}, args, nargs, kw, a);
  return wrap(ag::transpose(input_arg(a[0]), int_arg(a[1], "dim0"), int_arg(a[2], "dim1")));
  MT_END(nullptr)
}

PyObject* F_t(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", nullptr};
  PyObject* a[1];
  parse_args({"t", names, 1, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  MT_CHECK(t->dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", t->dim(), "D");
  return wrap(ag::t(t));
  MT_END(nullptr)
}

PyObject* F_permute(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dims", nullptr};
  PyObject* a[2];
  parse_args({"permute", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::permute(input_arg(a[0]), dims_arg(a[1], "dims")));
  MT_END(nullptr)
}

PyObject* F_movedim(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "source", "destination", nullptr};
  PyObject* a[3];
  parse_args({"movedim", names, 3, 3}, args, nargs, kw, a);
  return wrap(
      ag::movedim(input_arg(a[0]), dims_arg(a[1], "source"), dims_arg(a[2], "destination")));
  MT_END(nullptr)
}

PyObject* F_narrow(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "start", "length", nullptr};
  PyObject* a[4];
  parse_args({"narrow", names, 4, 4}, args, nargs, kw, a);
  return wrap(ag::narrow(input_arg(a[0]), int_arg(a[1], "dim"), int_arg(a[2], "start"),
                         int_arg(a[3], "length")));
  MT_END(nullptr)
}

PyObject* F_select(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", "index", nullptr};
  PyObject* a[3];
  parse_args({"select", names, 3, 3}, args, nargs, kw, a);
  return wrap(ag::select(input_arg(a[0]), int_arg(a[1], "dim"), int_arg(a[2], "index")));
  MT_END(nullptr)
}

PyObject* F_as_strided(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "size", "stride", "storage_offset", nullptr};
  PyObject* a[4];
  parse_args({"as_strided", names, 4, 3}, args, nargs, kw, a);
  std::optional<int64_t> off;
  if (present(a[3])) off = int_arg(a[3], "storage_offset");
  return wrap(
      ag::as_strided(input_arg(a[0]), dims_arg(a[1], "size"), dims_arg(a[2], "stride"), off));
  MT_END(nullptr)
}

PyObject* F_diagonal(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "offset", "dim1", "dim2", nullptr};
  PyObject* a[4];
  parse_args({"diagonal", names, 4, 1}, args, nargs, kw, a);
  return wrap(ag::diagonal(input_arg(a[0]), opt_int_arg(a[1], 0, "offset"),
                           opt_int_arg(a[2], 0, "dim1"), opt_int_arg(a[3], 1, "dim2")));
  MT_END(nullptr)
}

PyObject* F_unbind(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dim", nullptr};
  PyObject* a[2];
  parse_args({"unbind", names, 2, 1}, args, nargs, kw, a);
  return tensor_tuple(ag::unbind(input_arg(a[0]), opt_int_arg(a[1], 0, "dim")));
  MT_END(nullptr)
}

PyObject* F_split(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"tensor", "split_size_or_sections", "dim", nullptr};
  PyObject* a[3];
  parse_args({"split", names, 3, 2}, args, nargs, kw, a);
  Tensor t = unwrap(a[0], "tensor");
  int64_t dim = opt_int_arg(a[2], 0, "dim");
  if (PyLong_Check(a[1]) || is_tensor(a[1]) || (is_numpy_scalar(a[1]) && PyIndex_Check(a[1])))
    return tensor_tuple(ag::split(t, int_arg(a[1], "split_size"), dim));
  return tensor_tuple(ag::split_with_sizes(t, dims_arg(a[1], "split_sizes"), dim));
  MT_END(nullptr)
}

PyObject* F_split_with_sizes(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "split_sizes", "dim", nullptr};
  PyObject* a[3];
  parse_args({"split_with_sizes", names, 3, 2}, args, nargs, kw, a);
  return tensor_tuple(ag::split_with_sizes(input_arg(a[0]), dims_arg(a[1], "split_sizes"),
                                           opt_int_arg(a[2], 0, "dim")));
  MT_END(nullptr)
}

PyObject* F_chunk(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "chunks", "dim", nullptr};
  PyObject* a[3];
  parse_args({"chunk", names, 3, 2}, args, nargs, kw, a);
  return tensor_tuple(
      ag::chunk(input_arg(a[0]), int_arg(a[1], "chunks"), opt_int_arg(a[2], 0, "dim")));
  MT_END(nullptr)
}

PyObject* F_tensor_split(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "indices_or_sections", "dim", "sections", "indices",
                                nullptr};
  PyObject* a[5];
  parse_args({"tensor_split", names, 3, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  int64_t dim = opt_int_arg(a[2], 0, "dim");
  PyObject* spec = a[1] ? a[1] : a[3] ? a[3] : a[4];
  if (!spec) {
    PyErr_SetString(PyExc_TypeError,
                    "tensor_split() missing required argument "
                    "'indices_or_sections'");
    return nullptr;
  }
  if (is_tensor(spec)) {
    TensorImpl* s = impl_of(spec);
    MT_CHECK(s->dtype() == DType::Int64,
             "tensor_split expected tensor_indices_or_sections to "
             "have dtype of long, but got ",
             info(s->dtype()).torch_name);
    MT_CHECK(s->dim() <= 1,
             "tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
             "or one-dimensional tensor, but got a tensor with ",
             s->dim(), " dims");
    if (s->dim() == 0) return tensor_tuple(ag::tensor_split(t, ops::item(Tensor(s)).to_int(), dim));
    return tensor_tuple(ag::tensor_split_indices(t, ag::to_host_int64(Tensor(s)), dim));
  }
  if (spec != a[4] && (PyLong_Check(spec) || (is_numpy_scalar(spec) && PyIndex_Check(spec))))
    return tensor_tuple(ag::tensor_split(t, int_arg(spec, "sections"), dim));
  return tensor_tuple(ag::tensor_split_indices(t, dims_arg(spec, "indices"), dim));
  MT_END(nullptr)
}

// ---- copying ops ----

template <int Kind>  // 0 cat, 1 concat, 2 concatenate (numpy's "axis")
PyObject* F_cat(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* n_dim[] = {"tensors", "dim", "out", nullptr};
  static const char* n_axis[] = {"tensors", "axis", "out", nullptr};
  const char* fname = Kind == 0 ? "cat" : Kind == 1 ? "concat" : "concatenate";
  PyObject* a[3];
  parse_args({fname, Kind == 2 ? n_axis : n_dim, 2, 1}, args, nargs, kw, a);
  Tensor r = ag::cat(tensor_list_arg(a[0], fname), opt_int_arg(a[1], 0, "dim"));
  return finish_out(a[2], r, fname);
  MT_END(nullptr)
}

PyObject* F_stack(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"tensors", "dim", "out", nullptr};
  PyObject* a[3];
  parse_args({"stack", names, 2, 1}, args, nargs, kw, a);
  Tensor r = ag::stack(tensor_list_arg(a[0], "stack"), opt_int_arg(a[1], 0, "dim"));
  return finish_out(a[2], r, "stack");
  MT_END(nullptr)
}

PyObject* F_flip(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dims", nullptr};
  PyObject* a[2];
  parse_args({"flip", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::flip(input_arg(a[0]), dims_arg(a[1], "dims")));
  MT_END(nullptr)
}

template <bool LR>
PyObject* F_flip_lr_ud(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", nullptr};
  PyObject* a[1];
  parse_args({LR ? "fliplr" : "flipud", names, 1, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  MT_CHECK(t->dim() >= (LR ? 2 : 1), "Input must be >= ", LR ? 2 : 1, "-d.");
  return wrap(ag::flip(t, Dims{LR ? 1 : 0}));
  MT_END(nullptr)
}

PyObject* F_roll(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "shifts", "dims", nullptr};
  PyObject* a[3];
  parse_args({"roll", names, 3, 2}, args, nargs, kw, a);
  Dims dims = present(a[2]) ? dims_arg(a[2], "dims") : Dims{};
  return wrap(ag::roll(input_arg(a[0]), dims_arg(a[1], "shifts"), dims));
  MT_END(nullptr)
}

PyObject* F_rot90(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "k", "dims", nullptr};
  PyObject* a[3];
  parse_args({"rot90", names, 3, 1}, args, nargs, kw, a);
  Dims dims = present(a[2]) ? dims_arg(a[2], "dims") : Dims{0, 1};
  return wrap(ag::rot90(input_arg(a[0]), opt_int_arg(a[1], 1, "k"), dims));
  MT_END(nullptr)
}

PyObject* F_tile(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "dims", nullptr};
  PyObject* a[2];
  parse_args({"tile", names, 2, 2}, args, nargs, kw, a);
  return wrap(ag::tile(input_arg(a[0]), dims_arg(a[1], "dims")));
  MT_END(nullptr)
}

// Tensor.repeat(*sizes) / Tensor.tile(*dims): varargs or one sequence.
template <bool Tile>
PyObject* T_repeat(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = Tile ? "tile" : "repeat";
  if (kw && PyTuple_GET_SIZE(kw) > 0) {
    // repeat(repeats=...) / tile(dims=...)
    static const char* nr[] = {"repeats", nullptr};
    static const char* nt[] = {"dims", nullptr};
    PyObject* a[1];
    parse_args({fname, Tile ? nt : nr, 0, 1}, args, nargs, kw, a);
    Dims d = dims_arg(a[0], fname);
    return wrap(Tile ? ag::tile(Tensor(impl_of(self)), d) : ag::repeat(Tensor(impl_of(self)), d));
  }
  Dims d = sizes_arg(args, nargs, fname);
  return wrap(Tile ? ag::tile(Tensor(impl_of(self)), d) : ag::repeat(Tensor(impl_of(self)), d));
  MT_END(nullptr)
}

PyObject* F_repeat_interleave(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "repeats", "dim", "output_size", nullptr};
  PyObject* a[4];
  parse_args({"repeat_interleave", names, 3, 1}, args, nargs, kw, a);
  Tensor t = input_arg(a[0]);
  std::optional<int64_t> dim;
  if (present(a[2])) dim = int_arg(a[2], "dim");
  Tensor r;
  if (!a[1]) {
    r = ag::repeat_interleave_index(t);  // repeat_interleave(repeats)
  } else if (is_tensor(a[1])) {
    r = ag::repeat_interleave(t, Tensor(impl_of(a[1])), dim);
  } else {
    r = ag::repeat_interleave(t, int_arg(a[1], "repeats"), dim);
  }
  if (present(a[3])) {
    int64_t want = int_arg(a[3], "output_size");
    int64_t got = dim ? r->sizes()[wrap_dim(*dim, r->dim())] : r->numel();
    MT_CHECK(want == got, "repeat_interleave: allocated size does not match required size (", want,
             " != ", got, ")");
  }
  return wrap(r);
  MT_END(nullptr)
}

template <bool Lower>
PyObject* F_tri(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "diagonal", nullptr};
  PyObject* a[2];
  parse_args({Lower ? "tril" : "triu", names, 2, 1}, args, nargs, kw, a);
  int64_t k = opt_int_arg(a[1], 0, "diagonal");
  Tensor t = input_arg(a[0]);
  return wrap(Lower ? ag::tril(t, k) : ag::triu(t, k));
  MT_END(nullptr)
}

template <bool Lower>
PyObject* T_tri_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"diagonal", nullptr};
  PyObject* a[1];
  parse_args({Lower ? "tril_" : "triu_", names, 1, 0}, args, nargs, kw, a);
  int64_t k = opt_int_arg(a[0], 0, "diagonal");
  Tensor t(impl_of(self));
  if (Lower)
    ag::tril_(t, k);
  else
    ag::triu_(t, k);
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* F_diag(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "diagonal", nullptr};
  PyObject* a[2];
  parse_args({"diag", names, 2, 1}, args, nargs, kw, a);
  return wrap(ag::diag(input_arg(a[0]), opt_int_arg(a[1], 0, "diagonal")));
  MT_END(nullptr)
}

PyObject* F_diag_embed(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "offset", "dim1", "dim2", nullptr};
  PyObject* a[4];
  parse_args({"diag_embed", names, 4, 1}, args, nargs, kw, a);
  return wrap(ag::diag_embed(input_arg(a[0]), opt_int_arg(a[1], 0, "offset"),
                             opt_int_arg(a[2], -2, "dim1"), opt_int_arg(a[3], -1, "dim2")));
  MT_END(nullptr)
}

// ---- in-place view ops: ag:: re-points self at the view's geometry ----

PyObject* T_squeeze_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"dim", nullptr};
  PyObject* a[1];
  parse_args({"squeeze_", names, 1, 0}, args, nargs, kw, a);
  Tensor t(impl_of(self));
  if (present(a[0]) && PyLong_Check(a[0]) && !PyBool_Check(a[0]))
    ag::squeeze_(t, int_arg(a[0], "dim"));  // SqueezeBackward4, as PyTorch names it
  else if (present(a[0]))
    ag::squeeze_dims_(t, dims_arg(a[0], "dim"));
  else
    ag::squeeze_(t, std::nullopt);
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* T_unsqueeze_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"dim", nullptr};
  PyObject* a[1];
  parse_args({"unsqueeze_", names, 1, 1}, args, nargs, kw, a);
  ag::unsqueeze_(Tensor(impl_of(self)), int_arg(a[0], "dim"));
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* T_transpose_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"dim0", "dim1", nullptr};
  PyObject* a[2];
  parse_args({"transpose_", names, 2, 2}, args, nargs, kw, a);
  ag::transpose_(Tensor(impl_of(self)), int_arg(a[0], "dim0"), int_arg(a[1], "dim1"));
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* T_t_(PyObject* self, PyObject*) {
  MT_BEGIN
  ag::t_(Tensor(impl_of(self)));
  return Py_NewRef(self);
  MT_END(nullptr)
}

}  // namespace

// Methods new in this family. (view, reshape, expand, permute, flip,
// transpose, swapaxes, t, narrow, select, unsqueeze, squeeze and as_strided
// are in tensor_methods.cpp.)
PyMethodDef shape_tensor_methods[] = {
    MT_FASTCALL("view_as", as_method<F_view_as>),
    MT_FASTCALL("reshape_as", as_method<F_reshape_as>),
    MT_FASTCALL("expand_as", as_method<F_expand_as>),
    MT_FASTCALL("broadcast_to", as_method<F_broadcast_to>),
    MT_FASTCALL("flatten", as_method<F_flatten>),
    MT_FASTCALL("ravel", as_method<F_ravel>),
    MT_FASTCALL("unflatten", as_method<F_unflatten>),
    MT_FASTCALL("swapdims", as_method<F_transpose<2>>),
    MT_FASTCALL("movedim", as_method<F_movedim>),
    MT_FASTCALL("moveaxis", as_method<F_movedim>),
    MT_FASTCALL("diagonal", as_method<F_diagonal>),
    MT_FASTCALL("unbind", as_method<F_unbind>),
    MT_FASTCALL("split", as_method<F_split>),
    MT_FASTCALL("split_with_sizes", as_method<F_split_with_sizes>),
    MT_FASTCALL("chunk", as_method<F_chunk>),
    MT_FASTCALL("tensor_split", as_method<F_tensor_split>),
    MT_FASTCALL("fliplr", as_method<F_flip_lr_ud<true>>),
    MT_FASTCALL("flipud", as_method<F_flip_lr_ud<false>>),
    MT_FASTCALL("roll", as_method<F_roll>),
    MT_FASTCALL("rot90", as_method<F_rot90>),
    MT_FASTCALL("repeat", T_repeat<false>),
    MT_FASTCALL("tile", T_repeat<true>),
    MT_FASTCALL("repeat_interleave", as_method<F_repeat_interleave>),
    MT_FASTCALL("tril", as_method<F_tri<true>>),
    MT_FASTCALL("triu", as_method<F_tri<false>>),
    MT_FASTCALL("tril_", T_tri_<true>),
    MT_FASTCALL("triu_", T_tri_<false>),
    MT_FASTCALL("diag", as_method<F_diag>),
    MT_FASTCALL("diag_embed", as_method<F_diag_embed>),
    MT_FASTCALL("squeeze_", T_squeeze_),
    MT_FASTCALL("unsqueeze_", T_unsqueeze_),
    MT_FASTCALL("transpose_", T_transpose_),
    MT_FASTCALL("swapdims_", T_transpose_),
    MT_FASTCALL("swapaxes_", T_transpose_),
    {"t_", reinterpret_cast<PyCFunction>(T_t_), METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

namespace {
template <FastImpl F>
PyObject* as_function(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  return F(args, nargs, kw);
}
}  // namespace

PyMethodDef shape_module_functions[] = {
    MT_FASTCALL("reshape", as_function<F_reshape>),
    MT_FASTCALL("broadcast_to", as_function<F_broadcast_to>),
    MT_FASTCALL("broadcast_tensors", F_broadcast_tensors),
    MT_FASTCALL("flatten", as_function<F_flatten>),
    MT_FASTCALL("ravel", as_function<F_ravel>),
    MT_FASTCALL("unflatten", as_function<F_unflatten>),
    MT_FASTCALL("squeeze", as_function<F_squeeze>),
    MT_FASTCALL("unsqueeze", as_function<F_unsqueeze>),
    MT_FASTCALL("transpose", as_function<F_transpose<0>>),
    MT_FASTCALL("swapaxes", as_function<F_transpose<1>>),
    MT_FASTCALL("swapdims", as_function<F_transpose<2>>),
    MT_FASTCALL("t", as_function<F_t>),
    MT_FASTCALL("permute", as_function<F_permute>),
    MT_FASTCALL("movedim", as_function<F_movedim>),
    MT_FASTCALL("moveaxis", as_function<F_movedim>),
    MT_FASTCALL("narrow", as_function<F_narrow>),
    MT_FASTCALL("select", as_function<F_select>),
    MT_FASTCALL("as_strided", as_function<F_as_strided>),
    MT_FASTCALL("diagonal", as_function<F_diagonal>),
    MT_FASTCALL("unbind", as_function<F_unbind>),
    MT_FASTCALL("split", as_function<F_split>),
    MT_FASTCALL("split_with_sizes", as_function<F_split_with_sizes>),
    MT_FASTCALL("chunk", as_function<F_chunk>),
    MT_FASTCALL("tensor_split", as_function<F_tensor_split>),
    MT_FASTCALL("cat", F_cat<0>),
    MT_FASTCALL("concat", F_cat<1>),
    MT_FASTCALL("concatenate", F_cat<2>),
    MT_FASTCALL("stack", F_stack),
    MT_FASTCALL("flip", as_function<F_flip>),
    MT_FASTCALL("fliplr", as_function<F_flip_lr_ud<true>>),
    MT_FASTCALL("flipud", as_function<F_flip_lr_ud<false>>),
    MT_FASTCALL("roll", as_function<F_roll>),
    MT_FASTCALL("rot90", as_function<F_rot90>),
    MT_FASTCALL("tile", as_function<F_tile>),
    MT_FASTCALL("repeat_interleave", as_function<F_repeat_interleave>),
    MT_FASTCALL("tril", as_function<F_tri<true>>),
    MT_FASTCALL("triu", as_function<F_tri<false>>),
    MT_FASTCALL("diag", as_function<F_diag>),
    MT_FASTCALL("diag_embed", as_function<F_diag_embed>),
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
