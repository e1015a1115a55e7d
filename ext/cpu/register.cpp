// register.cpp: the CPU allocator and kernel-table registration.
//
// Buffers are 64-byte aligned (one cache line, enough for any SIMD load).
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu.h"
#include "../core/kernels_nn.h"
#include "../core/random.h"
#include "random_mt.h"

namespace mt {
namespace {

// Note [Small-block cache]: an op on a few elements spends more on
// aligned_alloc/free (~550 instructions a pair in glibc) than on its math,
// so each thread keeps up to kPerClass freed blocks of each size class up
// to kMaxCached bytes and hands them back out. A block freed on another
// thread joins that thread's cache. The cache is bounded (16 classes x 16
// blocks, <= 272 KiB a thread) and emptied when the thread ends. It is off
// under AddressSanitizer so use-after-free stays detectable. Memory from
// the cache is as uninitialised as from malloc (torch.empty promises no
// contents).
constexpr size_t kAlign = 64;
constexpr size_t kMaxCached = 1024;
constexpr int kClasses = kMaxCached / kAlign;
constexpr int kPerClass = 16;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUseCache = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUseCache = false;
#else
constexpr bool kUseCache = true;
#endif
#else
constexpr bool kUseCache = true;
#endif

// Trivially destructible, so it stays usable while the thread's other
// thread_locals are destroyed; `closed` turns caching off after the flush.
struct BlockCache {
  void* blocks[kClasses][kPerClass];
  int count[kClasses];
  bool closed;
};
thread_local BlockCache t_cache;

struct CacheFlusher {
  bool armed = false;
  ~CacheFlusher() {
    t_cache.closed = true;
    for (int c = 0; c < kClasses; ++c)
      while (t_cache.count[c] > 0) std::free(t_cache.blocks[c][--t_cache.count[c]]);
  }
};
thread_local CacheFlusher t_flusher;

size_t rounded(int64_t nbytes) {
  size_t n = static_cast<size_t>(nbytes > 0 ? nbytes : 1);
  return (n + kAlign - 1) & ~(kAlign - 1);
}

void* cpu_alloc(int64_t nbytes, int /*device_index*/, void* /*stream*/) {
  size_t n = rounded(nbytes);
  if (kUseCache && n <= kMaxCached) {
    BlockCache& c = t_cache;
    int k = static_cast<int>(n / kAlign) - 1;
    if (c.count[k] > 0) return c.blocks[k][--c.count[k]];
  }
  void* p = std::aligned_alloc(kAlign, n);
  MT_CHECK(p != nullptr, "DefaultCPUAllocator: not enough memory: you tried to allocate ", nbytes,
           " bytes.");
  return p;
}

void cpu_free(void* ctx, void* p) {
  if (kUseCache && p) {
    size_t n = rounded(static_cast<int64_t>(reinterpret_cast<intptr_t>(ctx)));
    if (n <= kMaxCached) {
      BlockCache& c = t_cache;
      int k = static_cast<int>(n / kAlign) - 1;
      if (!c.closed && c.count[k] < kPerClass) {
        if (!t_flusher.armed) t_flusher.armed = true;  // registers the flush at thread exit
        c.blocks[k][c.count[k]++] = p;
        return;
      }
    }
  }
  std::free(p);
}
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
  static_assert(static_cast<int>(cpu::rng::Dist::Uniform) == 0 &&
                    static_cast<int>(cpu::rng::Dist::Normal) == 1,
                "ext/ops/factory.cpp names these two");
  g_mt_samplers.fill = [](MTEngine& e, int dist, char* out, int64_t n, DType dt, double a, double b,
                          bool dense) {
    cpu::rng::fill(e, static_cast<cpu::rng::Dist>(dist), out, n, dt, a, b, dense);
  };
  g_mt_samplers.from_to = cpu::rng::fill_from_to;
  g_mt_samplers.randperm = cpu::rng::randperm;

  // ---- elementwise ----
  cpu::register_unary(t);
  cpu::register_binary_arith(t);
  cpu::register_binary_divide(t);
  cpu::register_binary_compare(t);
  cpu::register_binary_logic(t);
  cpu::register_binary_float(t);
  cpu::register_ternary(t);
  // ---- end elementwise ----

  cpu::register_optim(t);  // fused optimizer steps

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

  register_cpu_nn_kernels();  // register_nn.cpp

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
