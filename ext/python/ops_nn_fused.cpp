// ops_nn_fused.cpp: _C._nll_loss_fused, _norm_fused and _embedding_fused, the
// calls minitorch/nn's cross_entropy, nll_loss, layer_norm, rms_norm and
// embedding make after their argument checks (Note [Fused nn losses and
// norms] in ext/ops/nn_fused.cpp).
#include "../autograd/nn_fused.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

// A Tensor, or null for None.
Tensor optional_tensor(PyObject* o, const char* what) {
  return o == Py_None ? Tensor() : unwrap(o, what);
}

// _nll_loss_fused(input, target, weight or None, reduction, ignore_index,
//                 label_smoothing, log_softmax)
PyObject* F_nll_loss_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *target, *weight;
  long long reduction, ignore_index;
  double smoothing;
  int log_softmax;
  if (!PyArg_ParseTuple(args, "OOOLLdp:_nll_loss_fused", &input, &target, &weight, &reduction,
                        &ignore_index, &smoothing, &log_softmax))
    return nullptr;
  return wrap(ag::nll_loss_fused(unwrap(input, "input"), unwrap(target, "target"),
                                 optional_tensor(weight, "weight"), reduction, ignore_index,
                                 smoothing, log_softmax != 0));
  MT_END(nullptr)
}

// _norm_fused(input, weight or None, bias or None, cols, eps, rms)
PyObject* F_norm_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *weight, *bias;
  long long cols;
  double eps;
  int rms;
  if (!PyArg_ParseTuple(args, "OOOLdp:_norm_fused", &input, &weight, &bias, &cols, &eps, &rms))
    return nullptr;
  return wrap(ag::norm_fused(unwrap(input, "input"), optional_tensor(weight, "weight"),
                             optional_tensor(bias, "bias"), cols, eps, rms != 0));
  MT_END(nullptr)
}

// _embedding_fused(weight, indices, padding_idx or -1)
PyObject* F_embedding_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *weight, *indices;
  long long padding_idx;
  if (!PyArg_ParseTuple(args, "OOL:_embedding_fused", &weight, &indices, &padding_idx))
    return nullptr;
  return wrap(
      ag::embedding_fused(unwrap(weight, "weight"), unwrap(indices, "indices"), padding_idx));
  MT_END(nullptr)
}

// _batch_norm_fused(input, running_mean or None, running_var or None,
//                   weight or None, bias or None, training, momentum, eps)
PyObject* F_batch_norm_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *rm, *rv, *weight, *bias;
  int training;
  double momentum, eps;
  if (!PyArg_ParseTuple(args, "OOOOOpdd:_batch_norm_fused", &input, &rm, &rv, &weight, &bias,
                        &training, &momentum, &eps))
    return nullptr;
  return wrap(ag::batch_norm_fused(unwrap(input, "input"), optional_tensor(rm, "running_mean"),
                                   optional_tensor(rv, "running_var"),
                                   optional_tensor(weight, "weight"), optional_tensor(bias, "bias"),
                                   training != 0, momentum, eps));
  MT_END(nullptr)
}

// _group_norm_fused(input, num_groups, weight or None, bias or None, eps)
PyObject* F_group_norm_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *weight, *bias;
  long long groups;
  double eps;
  if (!PyArg_ParseTuple(args, "OLOOd:_group_norm_fused", &input, &groups, &weight, &bias, &eps))
    return nullptr;
  return wrap(ag::group_norm_fused(unwrap(input, "input"), groups,
                                   optional_tensor(weight, "weight"), optional_tensor(bias, "bias"),
                                   eps));
  MT_END(nullptr)
}

// _point_loss_fused(input, target, weight or None, pos_weight or None,
//                   reduction, logits)
PyObject* F_point_loss_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *target, *weight, *pos_weight;
  long long reduction;
  int logits;
  if (!PyArg_ParseTuple(args, "OOOOLp:_point_loss_fused", &input, &target, &weight, &pos_weight,
                        &reduction, &logits))
    return nullptr;
  return wrap(ag::point_loss_fused(
      unwrap(input, "input"), unwrap(target, "target"), optional_tensor(weight, "weight"),
      optional_tensor(pos_weight, "pos_weight"), reduction, logits != 0));
  MT_END(nullptr)
}

}  // namespace

PyMethodDef nn_fused_module_functions[] = {
    {"_nll_loss_fused", F_nll_loss_fused, METH_VARARGS, nullptr},
    {"_norm_fused", F_norm_fused, METH_VARARGS, nullptr},
    {"_embedding_fused", F_embedding_fused, METH_VARARGS, nullptr},
    {"_batch_norm_fused", F_batch_norm_fused, METH_VARARGS, nullptr},
    {"_group_norm_fused", F_group_norm_fused, METH_VARARGS, nullptr},
    {"_point_loss_fused", F_point_loss_fused, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
