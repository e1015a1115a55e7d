// method_tables.cpp: the list of method tables merged at init.
//
// To add an op family: write ext/python/ops_<family>.cpp defining
// <family>_tensor_methods[] and/or <family>_module_functions[] (each ending
// with a null entry), declare them here and add a row.
#include "glue.h"

namespace mt::py_glue {

// ---- elementwise (ops_elementwise.cpp) ----
extern PyMethodDef elementwise_tensor_methods[];
extern PyMethodDef elementwise_module_functions[];
// ---- end elementwise ----

// ---- reductions (ops_reduce.cpp) ----
extern PyMethodDef reduce_tensor_methods[];
extern PyMethodDef reduce_module_functions[];
// ---- end reductions ----

// ---- shape/index (ops_shape.cpp, ops_index.cpp) ----
extern PyMethodDef shape_tensor_methods[], shape_module_functions[];
extern PyMethodDef index_tensor_methods[], index_module_functions[];
// ---- end shape/index ----

// ---- matmul (ops_matmul.cpp) ----
extern PyMethodDef matmul_tensor_methods[];
extern PyMethodDef matmul_module_functions[];
// ---- end matmul ----

// ---- debug (debug.cpp: rows only in sanitizer builds) ----
extern PyMethodDef debug_module_functions[];
// ---- end debug ----

const MethodTables kMethodTables[] = {
    {tensor_methods, module_functions},
    // ---- elementwise rows ----
    {elementwise_tensor_methods, elementwise_module_functions},
    // ---- end elementwise rows ----

    // ---- reductions rows ----
    {reduce_tensor_methods, reduce_module_functions},
    // ---- end reductions rows ----

    // ---- shape/index rows ----
    {shape_tensor_methods, shape_module_functions},
    {index_tensor_methods, index_module_functions},
    // ---- end shape/index rows ----

    // ---- matmul rows ----
    {matmul_tensor_methods, matmul_module_functions},
    // ---- end matmul rows ----

    // ---- debug ----
    {nullptr, debug_module_functions},
    // ---- end debug ----
    {nullptr, nullptr},
};

}  // namespace mt::py_glue
