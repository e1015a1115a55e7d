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

// ---- return types (return_types.cpp) ----
extern PyMethodDef return_types_module_functions[];
// ---- end return types ----

// ---- shape (ops_shape.cpp: the ops ext/autograd/table_shape.cpp cannot declare yet) ----
extern PyMethodDef shape_tensor_methods[], shape_module_functions[];
// ---- end shape ----

// ---- matmul (ops_matmul.cpp) ----
extern PyMethodDef matmul_module_functions[];
// ---- end matmul ----

// ---- linalg (ops_linalg.cpp: LAPACK, Note [NumPy's LAPACK]) ----
extern PyMethodDef linalg_module_functions[];
// ---- end linalg ----

// ---- optim (ops_optim.cpp: the fused optimizer steps) ----
extern PyMethodDef optim_module_functions[];
// ---- end optim ----

// ---- fusednn (ops_nn_fused.cpp: the fused losses, norms and embedding) ----
extern PyMethodDef nn_fused_module_functions[];
// ---- end fusednn ----

// ---- losses (ops_nn_losses.cpp: the second set of fused losses) ----
extern PyMethodDef nn_losses_module_functions[];
// ---- end losses ----

// ---- random (ops_random.cpp: CPU generators, Note [CPU random streams]) ----
extern PyMethodDef random_module_functions[];
// ---- end random ----

// ---- dlpack (dlpack.cpp: Note [DLPack exchange]) ----
extern PyMethodDef dlpack_tensor_methods[], dlpack_module_functions[];
// ---- end dlpack ----

// ---- conv (ops_conv.cpp: convolution, _im2col, _col2im) ----
extern PyMethodDef conv_module_functions[];
// ---- end conv ----

// ---- pool (ops_pool.cpp: _pool, Note [Fused pooling]) ----
extern PyMethodDef pool_module_functions[];
// ---- end pool ----

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

    // ---- return types rows ----
    {nullptr, return_types_module_functions},
    // ---- end return types rows ----

    // ---- shape rows ----
    {shape_tensor_methods, shape_module_functions},
    // ---- end shape rows ----

    // ---- matmul rows ----
    {nullptr, matmul_module_functions},
    // ---- end matmul rows ----

    // ---- linalg rows ----
    {nullptr, linalg_module_functions},
    // ---- end linalg rows ----

    // ---- optim rows ----
    {nullptr, optim_module_functions},
    // ---- end optim rows ----

    // ---- fusednn rows ----
    {nullptr, nn_fused_module_functions},
    // ---- end fusednn rows ----

    // ---- losses rows ----
    {nullptr, nn_losses_module_functions},
    // ---- end losses rows ----

    // ---- random rows ----
    {nullptr, random_module_functions},
    // ---- end random rows ----

    // ---- dlpack rows ----
    {dlpack_tensor_methods, dlpack_module_functions},
    // ---- end dlpack rows ----

    // ---- conv rows ----
    {nullptr, conv_module_functions},
    // ---- end conv rows ----

    // ---- pool rows ----
    {nullptr, pool_module_functions},
    // ---- end pool rows ----

    // ---- autograd ----
    {autograd_tensor_methods, autograd_module_functions},
    {function_tensor_methods, function_module_functions},

    // ---- debug ----
    {nullptr, debug_module_functions},
    // ---- end debug ----
    {nullptr, nullptr},
};

}  // namespace mt::py_glue
