// method_tables.cpp: the list of method tables merged at init.
//
// To add an op family: write ext/python/ops_<family>.cpp defining
// <family>_tensor_methods[] and/or <family>_module_functions[] (each ending
// with a null entry), declare them here and add a row.
#include "glue.h"

namespace mt::py_glue {

const MethodTables kMethodTables[] = {
    {tensor_methods, module_functions},
    {nullptr, nullptr},
};

}  // namespace mt::py_glue
