// ops_optim.cpp: _C._fused_sgd_, _fused_adam_, _fused_rmsprop_,
// _fused_adagrad_, _fused_adamax_, _fused_nadam_ and _fused_radam_, the one
// call per parameter group that minitorch/optim/_algorithms.py makes (Note [Fused
// optimizer steps] in ext/core/functors/optim.h).
#include <string>
#include <vector>

#include "../core/functors/optim.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

// A list or tuple of tensors. None gives an empty list when `none_ok`.
std::vector<Tensor> tensor_list(PyObject* seq, const char* op, const char* what, bool none_ok) {
  std::vector<Tensor> out;
  if (none_ok && seq == Py_None) return out;
  if (!PyList_Check(seq) && !PyTuple_Check(seq))
    MT_THROW(TypeError, op, "(): ", what, " must be a list of Tensors, not ",
             Py_TYPE(seq)->tp_name);
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  PyObject** items = PySequence_Fast_ITEMS(seq);
  out.reserve(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (!is_tensor(items[i]))
      MT_THROW(TypeError, op, "(): ", what, "[", i, "] must be a Tensor, not ",
               Py_TYPE(items[i])->tp_name);
    out.push_back(unwrap(items[i], what));
  }
  return out;
}

// _fused_sgd_(params, grads, momentum_buffers or None, lr, momentum,
//             dampening, weight_decay, nesterov, maximize, first)
PyObject* F_fused_sgd(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *bufs;
  SgdStep s;
  int nesterov, maximize, first;
  if (!PyArg_ParseTuple(args, "OOOddddppp:_fused_sgd_", &params, &grads, &bufs, &s.lr, &s.momentum,
                        &s.dampening, &s.weight_decay, &nesterov, &maximize, &first))
    return nullptr;
  s.nesterov = nesterov != 0;
  s.maximize = maximize != 0;
  s.first = first != 0;
  const char* op = "_fused_sgd_";
  ag::fused_sgd_(tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
                 tensor_list(bufs, op, "momentum_buffers", true), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_adam_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs or None,
//              steps, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize,
//              decoupled_weight_decay)
PyObject* F_fused_adam(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *m, *v, *vmax, *steps;
  AdamStep s;
  int amsgrad, maximize, decoupled;
  if (!PyArg_ParseTuple(args, "OOOOOOdddddppp:_fused_adam_", &params, &grads, &m, &v, &vmax, &steps,
                        &s.lr, &s.beta1, &s.beta2, &s.eps, &s.weight_decay, &amsgrad, &maximize,
                        &decoupled))
    return nullptr;
  s.amsgrad = amsgrad != 0;
  s.maximize = maximize != 0;
  s.decoupled = decoupled != 0;
  const char* op = "_fused_adam_";
  ag::fused_adam_(tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
                  tensor_list(m, op, "exp_avgs", false), tensor_list(v, op, "exp_avg_sqs", false),
                  tensor_list(vmax, op, "max_exp_avg_sqs", true),
                  tensor_list(steps, op, "steps", false), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_rmsprop_(params, grads, square_avgs, grad_avgs or None,
//                 momentum_buffers or None, steps, lr, alpha, eps, weight_decay,
//                 momentum, centered, maximize)
PyObject* F_fused_rmsprop(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *sq, *ga, *bufs, *steps;
  RmspropStep s;
  int centered, maximize;
  if (!PyArg_ParseTuple(args, "OOOOOOdddddpp:_fused_rmsprop_", &params, &grads, &sq, &ga, &bufs,
                        &steps, &s.lr, &s.alpha, &s.eps, &s.weight_decay, &s.momentum, &centered,
                        &maximize))
    return nullptr;
  s.centered = centered != 0;
  s.maximize = maximize != 0;
  const char* op = "_fused_rmsprop_";
  ag::fused_rmsprop_(
      tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
      tensor_list(sq, op, "square_avgs", false), tensor_list(ga, op, "grad_avgs", true),
      tensor_list(bufs, op, "momentum_buffers", true), tensor_list(steps, op, "steps", false), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_adagrad_(params, grads, state_sums, steps, lr, lr_decay, weight_decay,
//                 eps, maximize)
PyObject* F_fused_adagrad(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *sums, *steps;
  AdagradStep s;
  int maximize;
  if (!PyArg_ParseTuple(args, "OOOOddddp:_fused_adagrad_", &params, &grads, &sums, &steps, &s.lr,
                        &s.lr_decay, &s.weight_decay, &s.eps, &maximize))
    return nullptr;
  s.maximize = maximize != 0;
  const char* op = "_fused_adagrad_";
  ag::fused_adagrad_(
      tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
      tensor_list(sums, op, "state_sums", false), tensor_list(steps, op, "steps", false), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_adamax_(params, grads, exp_avgs, exp_infs, steps, lr, beta1, beta2,
//                eps, weight_decay, maximize)
PyObject* F_fused_adamax(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *m, *u, *steps;
  AdamaxStep s;
  int maximize;
  if (!PyArg_ParseTuple(args, "OOOOOdddddp:_fused_adamax_", &params, &grads, &m, &u, &steps, &s.lr,
                        &s.beta1, &s.beta2, &s.eps, &s.weight_decay, &maximize))
    return nullptr;
  s.maximize = maximize != 0;
  const char* op = "_fused_adamax_";
  ag::fused_adamax_(tensor_list(params, op, "params", false),
                    tensor_list(grads, op, "grads", false), tensor_list(m, op, "exp_avgs", false),
                    tensor_list(u, op, "exp_infs", false), tensor_list(steps, op, "steps", false),
                    s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_nadam_(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps, lr,
//               beta1, beta2, eps, weight_decay, momentum_decay,
//               decoupled_weight_decay, maximize)
PyObject* F_fused_nadam(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *m, *v, *mu, *steps;
  NadamStep s;
  int decoupled, maximize;
  if (!PyArg_ParseTuple(args, "OOOOOOddddddpp:_fused_nadam_", &params, &grads, &m, &v, &mu, &steps,
                        &s.lr, &s.beta1, &s.beta2, &s.eps, &s.weight_decay, &s.momentum_decay,
                        &decoupled, &maximize))
    return nullptr;
  s.decoupled = decoupled != 0;
  s.maximize = maximize != 0;
  const char* op = "_fused_nadam_";
  ag::fused_nadam_(tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
                   tensor_list(m, op, "exp_avgs", false), tensor_list(v, op, "exp_avg_sqs", false),
                   tensor_list(mu, op, "mu_products", false),
                   tensor_list(steps, op, "steps", false), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _fused_radam_(params, grads, exp_avgs, exp_avg_sqs, steps, lr, beta1, beta2,
//               eps, weight_decay, decoupled_weight_decay, maximize)
PyObject* F_fused_radam(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *params, *grads, *m, *v, *steps;
  RadamStep s;
  int decoupled, maximize;
  if (!PyArg_ParseTuple(args, "OOOOOdddddpp:_fused_radam_", &params, &grads, &m, &v, &steps, &s.lr,
                        &s.beta1, &s.beta2, &s.eps, &s.weight_decay, &decoupled, &maximize))
    return nullptr;
  s.decoupled = decoupled != 0;
  s.maximize = maximize != 0;
  const char* op = "_fused_radam_";
  ag::fused_radam_(tensor_list(params, op, "params", false), tensor_list(grads, op, "grads", false),
                   tensor_list(m, op, "exp_avgs", false), tensor_list(v, op, "exp_avg_sqs", false),
                   tensor_list(steps, op, "steps", false), s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

}  // namespace

PyMethodDef optim_module_functions[] = {
    {"_fused_sgd_", F_fused_sgd, METH_VARARGS, nullptr},
    {"_fused_adam_", F_fused_adam, METH_VARARGS, nullptr},
    {"_fused_rmsprop_", F_fused_rmsprop, METH_VARARGS, nullptr},
    {"_fused_adagrad_", F_fused_adagrad, METH_VARARGS, nullptr},
    {"_fused_adamax_", F_fused_adamax, METH_VARARGS, nullptr},
    {"_fused_nadam_", F_fused_nadam, METH_VARARGS, nullptr},
    {"_fused_radam_", F_fused_radam, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
