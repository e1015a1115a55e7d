// ops_nn_losses.cpp: _C._prob_cross_entropy_fused, _elem_loss_fused and
// _embedding_bag_fused, the
// calls minitorch/nn's cross_entropy (class probabilities), l1_loss,
// smooth_l1_loss, huber_loss, binary_cross_entropy, kl_div and embedding_bag make after
// their argument checks (Note [Fused losses, second set] in
// ext/ops/nn_losses.cpp).
#include "../autograd/nn_losses.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

Tensor optional_tensor(PyObject* o, const char* what) {
  return o == Py_None ? Tensor() : unwrap(o, what);
}

// _prob_cross_entropy_fused(input, target, weight or None, reduction, label_smoothing)
PyObject* F_prob_cross_entropy_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *target, *weight;
  long long reduction;
  double smoothing;
  if (!PyArg_ParseTuple(args, "OOOLd:_prob_cross_entropy_fused", &input, &target, &weight,
                        &reduction, &smoothing))
    return nullptr;
  return wrap(ag::prob_cross_entropy_fused(unwrap(input, "input"), unwrap(target, "target"),
                                           optional_tensor(weight, "weight"), reduction,
                                           smoothing));
  MT_END(nullptr)
}

// _elem_loss_fused(input, target, weight or None, reduction, kind, param, flags)
// (flags: 1 log_target / log_input, 2 full)
PyObject* F_elem_loss_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *input, *target, *weight;
  long long reduction, kind;
  double param;
  int flags;
  if (!PyArg_ParseTuple(args, "OOOLLdi:_elem_loss_fused", &input, &target, &weight, &reduction,
                        &kind, &param, &flags))
    return nullptr;
  return wrap(ag::elem_loss_fused(unwrap(input, "input"), unwrap(target, "target"),
                                  optional_tensor(weight, "weight"), reduction, kind, param,
                                  flags));
  MT_END(nullptr)
}

// _embedding_bag_fused(weight, indices, offsets, mode, per_sample_weights or None,
//                      include_last_offset, padding_idx or -1)
PyObject* F_embedding_bag_fused(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *weight, *indices, *offsets, *psw;
  long long mode, padding_idx;
  int include_last;
  if (!PyArg_ParseTuple(args, "OOOLOpL:_embedding_bag_fused", &weight, &indices, &offsets, &mode,
                        &psw, &include_last, &padding_idx))
    return nullptr;
  return wrap(ag::embedding_bag_fused(
      unwrap(weight, "weight"), unwrap(indices, "indices"), unwrap(offsets, "offsets"), mode,
      optional_tensor(psw, "per_sample_weights"), include_last != 0, padding_idx));
  MT_END(nullptr)
}

}  // namespace

PyMethodDef nn_losses_module_functions[] = {
    {"_prob_cross_entropy_fused", F_prob_cross_entropy_fused, METH_VARARGS, nullptr},
    {"_elem_loss_fused", F_elem_loss_fused, METH_VARARGS, nullptr},
    {"_embedding_bag_fused", F_embedding_bag_fused, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
