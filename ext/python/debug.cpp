// debug.cpp: sanitizer-only helpers (the `debug` method table).
//
// Compiled into every build, but its table has rows only when setup.py
// defines MINITORCH_SANITIZE (MINITORCH_SANITIZE=address,undefined ...). A
// normal build exports nothing from here, so no user can reach these.
//
// _debug_out_of_bounds(): reads one element past the end of a heap buffer.
// Under AddressSanitizer the process dies with a heap-buffer-overflow
// report; tests/test_sanitizer.py runs it in a subprocess to prove the
// sanitizer is really live in the sanitizer CI run (a run that silently lost
// its instrumentation would otherwise pass for the wrong reason).
#include "glue.h"

namespace mt::py_glue {

#ifdef MINITORCH_SANITIZE
namespace {

// no_sanitize("undefined"): UBSan's object-size check would report the read
// first; this helper exists to prove that ASan itself is live.
__attribute__((no_sanitize("undefined"))) PyObject* F_debug_out_of_bounds(PyObject*, PyObject*) {
  // volatile: the compiler must neither fold the read nor drop it.
  volatile int* p = new int[4]{1, 2, 3, 4};
  volatile int idx = 4;
  int v = p[idx];  // heap-buffer-overflow: ASan aborts here
  delete[] p;
  return PyLong_FromLong(v);
}

}  // namespace

PyMethodDef debug_module_functions[] = {
    {"_debug_out_of_bounds", F_debug_out_of_bounds, METH_NOARGS,
     "Sanitizer builds only: a deliberate heap out-of-bounds read (ASan must abort)."},
    {nullptr, nullptr, 0, nullptr},
};
#else
PyMethodDef debug_module_functions[] = {
    {nullptr, nullptr, 0, nullptr},
};
#endif

}  // namespace mt::py_glue
