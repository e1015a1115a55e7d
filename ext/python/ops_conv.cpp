// ops_conv.cpp: Python entry points of the convolution family
// (ext/autograd/conv.h): convolution (torch.convolution's signature) and the
// unfold / fold kernels _im2col / _col2im, which minitorch.nn.functional
// calls. Written by hand because they take several int lists (OpArgs holds
// one).
#include "../autograd/conv.h"
#include "glue.h"

#define MT_FASTCALL(name, fn)                                             \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

namespace mt::py_glue {

namespace {

using Args = PyObject* const*;

// An int list, or one int for every dim (PyTorch's int[] parameters).
Dims ints_arg(PyObject* o, const char* what) {
  if (PyLong_Check(o)) return Dims{int_arg(o, what)};
  return int_list_arg(o, what);
}

PyObject* F_convolution(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input",    "weight",     "bias",           "stride", "padding",
                                "dilation", "transposed", "output_padding", "groups", nullptr};
  PyObject* a[9];
  parse_args({"convolution", names, 9, 9}, args, nargs, kw, a);
  ops::ConvParams p;
  p.stride = ints_arg(a[3], "stride");
  p.padding = ints_arg(a[4], "padding");
  p.dilation = ints_arg(a[5], "dilation");
  p.transposed = bool_arg(a[6], "transposed");
  p.output_padding = ints_arg(a[7], "output_padding");
  p.groups = int_arg(a[8], "groups");
  Tensor bias = a[2] != Py_None ? unwrap(a[2], "bias") : Tensor();
  return wrap(ag::convolution(unwrap(a[0], "input"), unwrap(a[1], "weight"), bias, p));
  MT_END(nullptr)
}

PyObject* F_im2col(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "kernel_size", "dilation", "padding", "stride", nullptr};
  PyObject* a[5];
  parse_args({"_im2col", names, 5, 5}, args, nargs, kw, a);
  return wrap(ag::im2col(unwrap(a[0], "input"), ints_arg(a[1], "kernel_size"),
                         ints_arg(a[2], "dilation"), ints_arg(a[3], "padding"),
                         ints_arg(a[4], "stride")));
  MT_END(nullptr)
}

PyObject* F_col2im(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input",   "output_size", "kernel_size", "dilation",
                                "padding", "stride",      nullptr};
  PyObject* a[6];
  parse_args({"_col2im", names, 6, 6}, args, nargs, kw, a);
  return wrap(ag::col2im(unwrap(a[0], "input"), ints_arg(a[1], "output_size"),
                         ints_arg(a[2], "kernel_size"), ints_arg(a[3], "dilation"),
                         ints_arg(a[4], "padding"), ints_arg(a[5], "stride")));
  MT_END(nullptr)
}

}  // namespace

// Read by method_tables.cpp.
PyMethodDef conv_module_functions[] = {
    MT_FASTCALL("convolution", F_convolution),
    MT_FASTCALL("_im2col", F_im2col),
    MT_FASTCALL("_col2im", F_col2im),
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
