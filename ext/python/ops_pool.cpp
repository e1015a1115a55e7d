// ops_pool.cpp: the Python entry point of pooling (ext/autograd/pool.h),
// _pool, which minitorch.nn.functional's pooling functions call after their
// own argument checks (Note [Fused pooling]).
#include "../autograd/pool.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

// _pool(input, max, adaptive, kernel, stride, padding, dilation, out,
//       count_include_pad, divisor) -> out, or (out, indices) when max.
// The int lists have one value per spatial dim (kernel..dilation are
// ignored, and may be empty, when adaptive).
PyObject* F_pool(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *kernel, *stride, *padding, *dilation, *out;
  int max, adaptive, count_include_pad;
  long long divisor;
  if (!PyArg_ParseTuple(args, "OppOOOOOpL:_pool", &input, &max, &adaptive, &kernel, &stride,
                        &padding, &dilation, &out, &count_include_pad, &divisor))
    return nullptr;
  ops::PoolParams p;
  p.max = max != 0;
  p.adaptive = adaptive != 0;
  p.count_include_pad = count_include_pad != 0;
  p.divisor = divisor;
  p.kernel = int_list_arg(kernel, "kernel_size");
  p.stride = int_list_arg(stride, "stride");
  p.padding = int_list_arg(padding, "padding");
  p.dilation = int_list_arg(dilation, "dilation");
  p.out = int_list_arg(out, "output_size");
  std::array<Tensor, 2> r = ag::pool(unwrap(input, "input"), p);
  if (!p.max) return wrap(std::move(r[0]));
  py::Ref values = py::check(wrap(std::move(r[0])));
  py::Ref indices = py::check(wrap(std::move(r[1])));
  return PyTuple_Pack(2, values.get(), indices.get());
  MT_END(nullptr)
}

}  // namespace

// Read by method_tables.cpp.
PyMethodDef pool_module_functions[] = {
    {"_pool", F_pool, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
