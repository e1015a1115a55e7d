// parallel.cpp: a small fixed pool of worker threads for parallel_for.
//
// Work is cut into chunks of `grain` items; threads (the caller included)
// take chunk indices from an atomic counter until none are left. The pool
// starts lazily on the first parallel region, so importing the module starts
// no threads.
#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mt {
namespace {

GilHooks g_hooks;
int g_num_threads = 0;  // 0 = not yet decided

int default_threads() {
  if (const char* env = std::getenv("MINITORCH_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

class Pool {
 public:
  explicit Pool(int workers) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  int size() const { return static_cast<int>(threads_.size()); }

  // Runs job(chunk) for chunk in [0, nchunks) on the pool and the caller.
  void run(int64_t nchunks, const std::function<void(int64_t)>& job) {
    std::unique_lock<std::mutex> lk(mu_);
    job_ = &job;
    nchunks_ = nchunks;
    next_.store(0);
    done_ = 0;
    error_ = nullptr;
    ++generation_;
    lk.unlock();
    cv_.notify_all();
    drain();
    lk.lock();
    done_cv_.wait(lk, [&] { return done_ == nchunks_; });
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void drain() {
    int64_t finished = 0;
    for (int64_t c; (c = next_.fetch_add(1)) < nchunks_;) {
      try {
        (*job_)(c);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_) error_ = std::current_exception();
      }
      ++finished;
    }
    if (finished) {
      std::lock_guard<std::mutex> lk(mu_);
      done_ += finished;
      if (done_ == nchunks_) done_cv_.notify_all();
    }
  }
  void work() {
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stop_ || (generation_ != seen && job_ != nullptr); });
      if (stop_) return;
      seen = generation_;
      lk.unlock();
      drain();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t nchunks_ = 0;
  std::atomic<int64_t> next_{0};
  int64_t done_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

Pool* g_pool = nullptr;
std::mutex g_pool_mu;
thread_local bool t_in_parallel = false;

// Marks the thread as running a chunk of a pool region (the GIL is not held
// there, and a nested region runs inline); cleared also when the chunk throws.
struct InParallel {
  InParallel() { t_in_parallel = true; }
  ~InParallel() { t_in_parallel = false; }
  InParallel(const InParallel&) = delete;
  InParallel& operator=(const InParallel&) = delete;
};

}  // namespace

int num_threads() {
  if (g_num_threads == 0) g_num_threads = default_threads();
  return g_num_threads;
}

void set_num_threads(int n) {
  std::lock_guard<std::mutex> lk(g_pool_mu);
  g_num_threads = n > 0 ? n : 1;
  // Holding g_pool_mu means no parallel region is running (run() holds it
  // too), so the old workers are idle: stop and join them. A pool of the new
  // size is made on the next region.
  delete g_pool;
  g_pool = nullptr;
}

void set_gil_hooks(GilHooks hooks) { g_hooks = hooks; }

GilRelease::GilRelease() {
  if (g_hooks.release && !t_in_parallel) {
    state_ = g_hooks.release();
    released_ = true;
  }
}
GilRelease::~GilRelease() noexcept(false) {
  if (released_) g_hooks.restore(state_);
}

// Note [GIL release]: a region of more than one chunk (more than `grain`
// items) runs with the GIL released, also when it runs on the calling thread
// alone (one thread, or a nested region), so other Python threads progress
// while a big kernel runs, as under PyTorch. Smaller ranges keep the GIL: the
// release and the re-take cost more than they win. An exception from f is a
// C++ exception; it passes through here after the GIL is taken back, and the
// glue converts it with the GIL held. The GIL is restored in the normal flow
// and in a catch block, never in a destructor: during interpreter shutdown
// the re-take may end the thread with a forced unwind (pthread_exit), which
// must not start from a noexcept destructor.
void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int64_t nchunks = num_chunks(n, grain);
  auto chunk = [&](int64_t c) {
    int64_t b = begin + c * grain;
    f(b, std::min(end, b + grain));
  };
  if (nchunks == 1 || t_in_parallel) {
    for (int64_t c = 0; c < nchunks; ++c) chunk(c);
    return;
  }
  void* gil = g_hooks.release ? g_hooks.release() : nullptr;
  try {
    if (num_threads() == 1) {
      for (int64_t c = 0; c < nchunks; ++c) chunk(c);
    } else {
      std::function<void(int64_t)> job = [&](int64_t c) {
        InParallel mark;
        chunk(c);
      };
      // One region at a time. The pool is looked up under the same lock that
      // runs it: set_num_threads() may delete it between two regions.
      std::lock_guard<std::mutex> run_lock(g_pool_mu);
      if (!g_pool) g_pool = new Pool(num_threads() - 1);  // lives for the process
      g_pool->run(nchunks, job);
    }
  } catch (...) {
    if (g_hooks.restore) g_hooks.restore(gil);
    throw;
  }
  if (g_hooks.restore) g_hooks.restore(gil);
}

}  // namespace mt
