// parallel.h: split a range of work across worker threads.
//
// parallel_for(begin, end, grain, f) calls f(b, e) on disjoint sub-ranges
// covering [begin, end). Ranges of at most `grain` items (PyTorch uses 32,768
// elements) run inline on the calling thread. Chunk boundaries depend only on
// the range and grain, never on the thread count, so a kernel whose result
// depends on chunking (a reduction) gives bitwise identical results for any
// number of threads.
//
// Note [Threads]: f runs on worker threads, or on the caller, with the GIL
// released whenever the range is more than one chunk, whatever the thread
// count (Note [GIL release] in parallel.cpp; the glue registers the
// release/restore hooks below). It must not touch Python objects.
#pragma once

#include <cstdint>
#include <functional>

namespace mt {

inline constexpr int64_t kGrainSize = 32768;

int num_threads();
void set_num_threads(int n);

// Hooks the Python glue registers so parallel regions run without the GIL.
struct GilHooks {
  void* (*release)() = nullptr;
  void (*restore)(void*) = nullptr;
};
void set_gil_hooks(GilHooks hooks);

// Releases the GIL through the hooks for the object's lifetime, for one long
// call into code that never touches Python (a BLAS GEMM). Does nothing on a
// parallel_for worker or inside a parallel region, where the GIL is not held.
class GilRelease {
 public:
  GilRelease();
  // noexcept(false): the re-take may end the thread at interpreter shutdown
  // (a forced unwind), which must propagate; see Note [GIL release].
  ~GilRelease() noexcept(false);
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  void* state_ = nullptr;
  bool released_ = false;
};

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& f);

// Number of chunks parallel_for uses for a range (for kernels that keep one
// partial result per chunk).
inline int64_t num_chunks(int64_t n, int64_t grain) {
  return n <= grain ? 1 : (n + grain - 1) / grain;
}

}  // namespace mt
