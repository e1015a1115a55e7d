// op_tables.cpp: the list of every family's op table (MT_OP_TABLES in op_tables.h).
#include "op_tables.h"

namespace mt::optable {

#define MT_OP_TABLE_ROW(name, rows, n) {name, rows, n},
const OpTable kOpTables[kNumOpTables] = {MT_OP_TABLES(MT_OP_TABLE_ROW)};
#undef MT_OP_TABLE_ROW

}  // namespace mt::optable
