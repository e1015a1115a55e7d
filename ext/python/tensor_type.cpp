// tensor_type.cpp: the TensorBase type: allocation, identity, GC, and the
// exception translation every entry point goes through.
//
// Note [Identity]: a TensorImpl remembers its live Python object in
// impl->pyobj, so wrapping the same impl twice returns the same object
// (t.grad is t.grad). The object owns one reference to the impl; dealloc
// clears the back-pointer before dropping it.
#include <cxxabi.h>

#include <new>
#include <vector>

#include "glue.h"
// after Python.h (pulled in by glue.h)
#include <structmember.h>

namespace py {

void translate_exception() {
  try {
    throw;
  } catch (abi::__forced_unwind&) {
    // Thread cancellation (CPython ends daemon threads that touch the GIL
    // during finalization with pthread_exit): must propagate, or the
    // runtime aborts with "FATAL: exception not rethrown".
    throw;
  } catch (const PythonError&) {
    // already set
  } catch (const mt::Error& e) {
    PyObject* cls = PyExc_RuntimeError;
    switch (e.kind()) {
      case mt::ErrorKind::TypeError:
        cls = PyExc_TypeError;
        break;
      case mt::ErrorKind::ValueError:
        cls = PyExc_ValueError;
        break;
      case mt::ErrorKind::IndexError:
        cls = PyExc_IndexError;
        break;
      case mt::ErrorKind::RuntimeError:
        cls = PyExc_RuntimeError;
        break;
      case mt::ErrorKind::NotImplementedError:
        cls = PyExc_NotImplementedError;
        break;
    }
    PyErr_SetString(cls, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
  }
}

}  // namespace py

namespace mt::py_glue {

PyTypeObject* TensorBaseType = nullptr;
PyObject* TensorClass = nullptr;

// Inference mode (autograd_function.cpp): tensors first wrapped while it is on
// are marked as inference tensors.
extern thread_local bool g_inference_mode;
void mark_inference(TensorImpl* t);

PyObject* wrap(Tensor t) {
  if (!t) Py_RETURN_NONE;
  if (t->pyobj) {
    PyObject* o = static_cast<PyObject*>(t->pyobj);
    Py_INCREF(o);
    return o;
  }
  PyTypeObject* cls = reinterpret_cast<PyTypeObject*>(TensorClass);
  PyObject* o = cls->tp_alloc(cls, 0);
  if (!o) throw py::PythonError{};
  auto* pt = reinterpret_cast<PyTensor*>(o);
  pt->impl = t.release();
  pt->impl->pyobj = o;
  if (g_inference_mode) mark_inference(pt->impl);
  return o;
}

Tensor unwrap(PyObject* o, const char* what) {
  if (!is_tensor(o)) {
    PyErr_Format(PyExc_TypeError, "%s must be a Tensor, not %s", what, Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return Tensor(impl_of(o));
}

namespace {

PyObject* Tensor_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  MT_BEGIN
  // Tensor(data) behaves like minitorch.tensor(data) (a copy); Tensor() is
  // an empty float tensor, as in PyTorch's legacy constructor.
  PyObject* data = nullptr;
  static const char* kw[] = {"data", nullptr};
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:Tensor", const_cast<char**>(kw), &data))
    return nullptr;
  Tensor t = data ? tensor_from_data(data, std::nullopt, Device{})
                  : ag::empty(Dims{0}, default_dtype(), Device{});
  PyObject* o = type->tp_alloc(type, 0);
  if (!o) return nullptr;
  auto* pt = reinterpret_cast<PyTensor*>(o);
  pt->impl = t.release();
  pt->impl->pyobj = o;
  if (g_inference_mode) mark_inference(pt->impl);
  return o;
  MT_END(nullptr)
}

int Tensor_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(self));
  return 0;
}

int Tensor_clear(PyObject*) { return 0; }

void Tensor_dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  auto* pt = reinterpret_cast<PyTensor*>(self);
  if (pt->weakrefs) PyObject_ClearWeakRefs(self);
  if (pt->impl) {
    pt->impl->pyobj = nullptr;
    pt->impl->decref();
    pt->impl = nullptr;
  }
  tp->tp_free(self);
  Py_DECREF(tp);
}

PyMemberDef tensor_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(PyTensor, weakrefs), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace

// Concatenates the Tensor-method tables of every op family (kMethodTables).
// The result lives for the process: CPython keeps pointers into it.
static PyMethodDef* merged_tensor_methods() {
  static std::vector<PyMethodDef> all;
  if (all.empty()) {
    for (const MethodTables* t = kMethodTables; t->tensor_methods || t->module_functions; ++t)
      for (PyMethodDef* m = t->tensor_methods; m && m->ml_name; ++m) all.push_back(*m);
    all.push_back({nullptr, nullptr, 0, nullptr});
  }
  return all.data();
}

PyObject* tensor_matmul(PyObject* a, PyObject* b);          // ops_matmul.cpp
PyObject* tensor_inplace_matmul(PyObject* a, PyObject* b);  // ops_matmul.cpp
extern const PyType_Slot tensor_operator_slots[];           // tensor_number.cpp

PyObject* create_tensor_type(PyObject* module) {
  PyType_Slot slots[] = {
      {Py_tp_new, reinterpret_cast<void*>(Tensor_new)},
      {Py_tp_dealloc, reinterpret_cast<void*>(Tensor_dealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(Tensor_traverse)},
      {Py_tp_clear, reinterpret_cast<void*>(Tensor_clear)},
      {Py_tp_methods, merged_tensor_methods()},
      {Py_tp_getset, tensor_getset},
      {Py_tp_members, tensor_members},
      {Py_nb_add, nullptr},
      {Py_mp_subscript, reinterpret_cast<void*>(tensor_as_mapping.mp_subscript)},
      {Py_mp_ass_subscript, reinterpret_cast<void*>(tensor_as_mapping.mp_ass_subscript)},
      {Py_mp_length, reinterpret_cast<void*>(tensor_as_mapping.mp_length)},
      {Py_nb_bool, reinterpret_cast<void*>(tensor_as_number.nb_bool)},
      {Py_nb_float, reinterpret_cast<void*>(tensor_as_number.nb_float)},
      {Py_nb_int, reinterpret_cast<void*>(tensor_as_number.nb_int)},
      {Py_nb_index, reinterpret_cast<void*>(tensor_as_number.nb_index)},
      {Py_nb_matrix_multiply, reinterpret_cast<void*>(tensor_matmul)},
      {Py_nb_inplace_matrix_multiply, reinterpret_cast<void*>(tensor_inplace_matmul)},
      {Py_bf_getbuffer, reinterpret_cast<void*>(tensor_as_buffer.bf_getbuffer)},
      {Py_bf_releasebuffer, reinterpret_cast<void*>(tensor_as_buffer.bf_releasebuffer)},
      {Py_tp_doc, const_cast<char*>("The C base of minitorch.Tensor.")},
      {0, nullptr},
  };
  // Py_nb_add above is a placeholder slot; drop it (binary ops come with the operator issue).
  PyType_Slot clean[64];
  int n = 0;
  for (PyType_Slot* s = slots; s->slot; ++s)
    if (s->pfunc) clean[n++] = *s;
  // Operators and comparisons (tensor_number.cpp).
  for (const PyType_Slot* s = tensor_operator_slots; s->slot; ++s) clean[n++] = *s;
  clean[n] = {0, nullptr};
  PyType_Spec spec = {
      "minitorch._C.TensorBase",
      sizeof(PyTensor),
      0,
      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
      clean,
  };
  PyObject* type = PyType_FromModuleAndSpec(module, &spec, nullptr);
  if (!type) return nullptr;
  TensorBaseType = reinterpret_cast<PyTypeObject*>(type);
  TensorClass = type;
  return type;
}

}  // namespace mt::py_glue
