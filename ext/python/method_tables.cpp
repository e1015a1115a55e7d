// method_tables.cpp: the list of method tables merged at init.
//
// To add an op family: write ext/python/ops_<family>.cpp defining
// <family>_tensor_methods[] and/or <family>_module_functions[] (each ending
// with a null entry), declare them here and add a row.
#include "glue.h"

namespace mt::py_glue {

// ---- elementwise (ops_elementwise.cpp) ----
// ---- end elementwise ----

// ---- reductions (ops_reduce.cpp) ----
extern PyMethodDef reduce_tensor_methods[];
extern PyMethodDef reduce_module_functions[];
// ---- end reductions ----

// ---- shape/index (ops_shape.cpp, ops_index.cpp) ----
// ---- end shape/index ----

// ---- matmul (ops_matmul.cpp) ----
// ---- end matmul ----

const MethodTables kMethodTables[] = {
    {tensor_methods, module_functions},
    // ---- elementwise rows ----
    // ---- end elementwise rows ----

    // ---- reductions rows ----
    {reduce_tensor_methods, reduce_module_functions},
    // ---- end reductions rows ----

    // ---- shape/index rows ----
    // ---- end shape/index rows ----

    // ---- matmul rows ----
    // ---- end matmul rows ----
    {nullptr, nullptr},
};

}  // namespace mt::py_glue
