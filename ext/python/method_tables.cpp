// method_tables.cpp: the list of method tables merged at init.
//
// Families converted to op tables (Note [Op tables]) come in through the
// op_table_* row, built at init. Families still written by hand: write ext/python/ops_<family>.cpp
// defining <family>_tensor_methods[] and/or <family>_module_functions[] (each ending with a null
// entry), declare them here and add a row.
#include "glue.h"

namespace mt::py_glue {

// ---- op tables (op_entries.cpp: every family converted to ext/autograd's tables) ----
extern PyMethodDef op_table_tensor_methods[];
extern PyMethodDef op_table_module_functions[];
// ---- end op tables ----

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
extern PyMethodDef autograd_tensor_methods[], autograd_module_functions[];
extern PyMethodDef function_tensor_methods[], function_module_functions[];
// ---- end debug ----

const MethodTables kMethodTables[] = {
    {tensor_methods, module_functions},
    // ---- op-table rows (filled by build_op_entries at init) ----
    {op_table_tensor_methods, op_table_module_functions},
    // ---- end op-table rows ----

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

    // ---- autograd ----
    {autograd_tensor_methods, autograd_module_functions},
    {function_tensor_methods, function_module_functions},

    // ---- debug ----
    {nullptr, debug_module_functions},
    // ---- end debug ----
    {nullptr, nullptr},
};

}  // namespace mt::py_glue
