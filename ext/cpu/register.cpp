// register.cpp: the CPU allocator and kernel-table registration.
//
// Buffers are 64-byte aligned (one cache line, enough for any SIMD load).
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu.h"

namespace mt {
namespace {

void* cpu_alloc(int64_t nbytes, int /*device_index*/, void* /*stream*/) {
  size_t n = static_cast<size_t>(nbytes > 0 ? nbytes : 1);
  n = (n + 63) & ~size_t{63};
  void* p = std::aligned_alloc(64, n);
  MT_CHECK(p != nullptr, "DefaultCPUAllocator: not enough memory: you tried to allocate ", nbytes,
           " bytes.");
  return p;
}
void cpu_free(void*, void* p) { std::free(p); }
void cpu_copy_bytes(void* dst, const void* src, int64_t n) {
  if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n));
}

}  // namespace

void register_cpu_kernels() {
  KernelTable& t = kernel_table(DeviceType::CPU);
  t.allocator = Allocator{cpu_alloc, cpu_free};
  t.copy = cpu::copy;
  t.copy_bytes = cpu_copy_bytes;
  t.fill = cpu::fill;
  t.arange = cpu::arange;
  t.linspace = cpu::linspace;
  t.uniform = cpu::uniform;
  t.normal = cpu::normal;
  t.randint = cpu::randint;
  t.randperm = cpu::randperm;

  // ---- elementwise ----
  cpu::register_unary(t);
  cpu::register_binary_arith(t);
  cpu::register_binary_divide(t);
  cpu::register_binary_compare(t);
  cpu::register_binary_logic(t);
  cpu::register_ternary(t);
  // ---- end elementwise ----

  // ---- reductions ----
  t.reduce = cpu::reduce;
  t.scan = cpu::scan;
  t.softmax = cpu::softmax;
  // ---- end reductions ----

  // ---- shape/index ----
  t.index_offsets = cpu::index_offsets;
  t.index_gather = cpu::index_gather;
  t.index_scatter = cpu::index_scatter;
  t.masked_fill = cpu::masked_fill;
  t.nonzero_count = cpu::nonzero_count;
  t.nonzero = cpu::nonzero;
  t.sort = cpu::sort;
  t.topk = cpu::topk;
  t.lexsort_rows = cpu::lexsort_rows;
  t.unique_runs = cpu::unique_runs;
  t.searchsorted = cpu::searchsorted;
  t.triangle = cpu::triangle;
  // ---- end shape/index ----

  // ---- matmul ----
  t.gemm = cpu::gemm;  // t.blas is filled by the glue at import (Note [CPU BLAS])
  // ---- end matmul ----

  // An empty slot is a bug in this file: refuse to load (the module's init
  // turns this into ImportError) rather than fail later on first use.
  std::vector<std::string> missing = missing_kernels(DeviceType::CPU);
  if (!missing.empty()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    MT_THROW(RuntimeError, "CPU kernels not registered: ", names);
  }
}

}  // namespace mt
