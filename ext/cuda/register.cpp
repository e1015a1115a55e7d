// register.cpp: fills _C's CUDA kernel table and hooks (Note [CUDA backend
// registration] in ext/core/backend.h). Slots left null are ops without a
// CUDA kernel yet: ext/ops raises NotImplementedError naming them
// (`'sum' is not implemented for device 'cuda:0'`).
#include "../core/reduce_plan.h"
#include "cuda.h"

namespace mt::cuda {

// Kernel entry points of the .cu files.
void copy(const TensorIter& it);
void copy_bytes(void* dst, const void* src, int64_t nbytes);
void fill(const TensorIter& it, Scalar value);
void arange(char* out, int64_t n, DType dt, double start, double step);
void linspace(char* out, int64_t n, DType dt, double start, double end);
void register_binary_arith(KernelTable& t);
void register_binary_compare(KernelTable& t);
void register_unary(KernelTable& t);
void register_ternary(KernelTable& t);
void reduce(const ReducePlan& plan, const ReduceArgs& args);
void softmax(const ReducePlan& plan, const ReduceArgs& args);
void gemm(const GemmArgs& g);
int64_t nonzero_count(const TensorIter& it);
bool index_offsets(const TensorIter& it, int64_t size, int64_t stride, bool wrap,
                   int64_t* bad_index);
void index_gather(const TensorIter& it);
void index_scatter(const TensorIter& it, KernelTable::ScatterOp op, Scalar alpha);
void masked_fill(const TensorIter& it, Scalar value);

const char* register_backend(BackendApi* api) {
  if (api == nullptr || api->abi != kBackendAbi || api->kernel_table_size != sizeof(KernelTable) ||
      api->hooks_size != sizeof(CudaHooks) || api->tensor_iter_size != sizeof(TensorIter))
    return "minitorch._C_cuda was built from other headers than minitorch._C: rebuild both";
  KernelTable& t = *api->cuda_table;
  t.allocator.alloc = device_alloc;
  t.allocator.free = device_free;
  t.copy = copy;
  t.copy_bytes = copy_bytes;
  t.fill = fill;
  t.arange = arange;
  t.linspace = linspace;
  register_binary_arith(t);
  register_binary_compare(t);
  register_unary(t);
  register_ternary(t);
  t.reduce = reduce;
  t.softmax = softmax;
  t.gemm = gemm;
  t.nonzero_count = nonzero_count;
  t.index_offsets = index_offsets;
  t.index_gather = index_gather;
  t.index_scatter = index_scatter;
  t.masked_fill = masked_fill;

  CudaHooks& h = *api->cuda_hooks;
  h.unavailable = unavailable;
  h.device_count = device_count;
  h.current_device = current_device;
  h.memcpy = memcpy;
  return nullptr;
}

}  // namespace mt::cuda
