// caching_allocator.h: the CUDA caching allocator's bookkeeping, free of any
// CUDA call so tests can drive it with a fake device (module glue
// `_allocator_sim`).
//
// Note [CUDA caching allocator]
// cudaMalloc and cudaFree synchronise the device and cost tens of
// microseconds, so freed blocks are kept and reused (PyTorch's design, in
// short):
// - sizes round up to kRound (512) bytes. Requests up to kSmallSize (1 MiB)
//   come from 2 MiB segments of the small pool; larger ones from the large
//   pool, whose segments are 20 MiB for requests under 10 MiB and the request
//   rounded up to 2 MiB otherwise;
// - a free block is found best-fit (smallest that fits, same pool and same
//   stream, since a block freed on one stream may still be read by work
//   queued there). Taking it splits off the rest as a new free block when the
//   rest is at least kRound (small pool) or over kSmallSize (large pool);
// - a freed block merges with free neighbours of its segment;
// - when the device is out of memory, every segment with no live block is
//   released (empty_cache) and the request retried once; failing again is a
//   RuntimeError "CUDA out of memory. Tried to allocate ..." giving the
//   requested, allocated and reserved bytes.
// Stats (allocated = live blocks' rounded sizes, reserved = segments) follow
// torch.cuda.memory_allocated / memory_reserved.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "../core/error.h"

namespace mt::cuda {

class CachingAllocator {
 public:
  static constexpr int64_t kRound = 512;
  static constexpr int64_t kSmallSize = 1 << 20;
  static constexpr int64_t kSmallSegment = 2 << 20;
  static constexpr int64_t kLargeSegment = 20 << 20;
  static constexpr int64_t kMinLargeAlloc = 10 << 20;
  static constexpr int64_t kRoundLarge = 2 << 20;

  struct Stats {
    int64_t allocated = 0, max_allocated = 0, reserved = 0, max_reserved = 0;
    int64_t num_alloc_retries = 0, num_ooms = 0, num_allocs = 0, num_segments = 0;
  };
  // The device: raw_alloc returns null when out of memory (anything else it
  // throws); free_bytes/total_bytes are for the OOM message.
  struct Device {
    void* (*raw_alloc)(void* ctx, int64_t nbytes) = nullptr;
    void (*raw_free)(void* ctx, void* ptr) = nullptr;
    void (*mem_info)(void* ctx, int64_t* free_bytes, int64_t* total_bytes) = nullptr;
    void* ctx = nullptr;
    int index = 0;
  };

  explicit CachingAllocator(Device dev) : dev_(dev) {}
  ~CachingAllocator() = default;  // device memory is released with the process

  static int64_t round_size(int64_t n) {
    return n < kRound ? kRound : (n + kRound - 1) / kRound * kRound;
  }
  static int64_t segment_size(int64_t rounded) {
    if (rounded <= kSmallSize) return kSmallSegment;
    if (rounded < kMinLargeAlloc) return kLargeSegment;
    return (rounded + kRoundLarge - 1) / kRoundLarge * kRoundLarge;
  }

  void* allocate(int64_t nbytes, void* stream) {
    std::lock_guard<std::mutex> lock(mu_);
    if (nbytes == 0) return nullptr;  // no device memory for empty tensors
    const int64_t size = round_size(nbytes);
    const bool small = size <= kSmallSize;
    Block* b = find_free(small, stream, size);
    if (b == nullptr) {
      const int64_t seg = segment_size(size);
      void* p = dev_.raw_alloc(dev_.ctx, seg);
      if (p == nullptr) {
        ++stats_.num_alloc_retries;
        release_cached();
        p = dev_.raw_alloc(dev_.ctx, seg);
      }
      if (p == nullptr) {
        ++stats_.num_ooms;
        oom(nbytes);
      }
      b = new Block{p, seg, stream, small, true, nullptr, nullptr};
      stats_.reserved += seg;
      stats_.max_reserved = std::max(stats_.max_reserved, stats_.reserved);
      ++stats_.num_segments;
    }
    split(b, size);
    b->free = false;
    live_[b->ptr] = b;
    stats_.allocated += b->size;
    stats_.max_allocated = std::max(stats_.max_allocated, stats_.allocated);
    ++stats_.num_allocs;
    return b->ptr;
  }

  void free(void* ptr) {
    if (ptr == nullptr) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(ptr);
    if (it == live_.end()) return;  // not ours: never happens, never crashes
    Block* b = it->second;
    live_.erase(it);
    stats_.allocated -= b->size;
    b->free = true;
    b = merge(b);
    pool(b->small).insert(key(b));
  }

  // Releases every segment that holds no live block (torch.cuda.empty_cache).
  void empty_cache() {
    std::lock_guard<std::mutex> lock(mu_);
    release_cached();
  }
  Stats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }
  void reset_peak() {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.max_allocated = stats_.allocated;
    stats_.max_reserved = stats_.reserved;
  }

 private:
  struct Block {
    void* ptr;
    int64_t size;
    void* stream;
    bool small;
    bool free;
    Block* prev;  // neighbours within the same segment
    Block* next;
  };
  using Key = std::tuple<void*, int64_t, uintptr_t, Block*>;  // stream, size, address
  static Key key(Block* b) { return {b->stream, b->size, reinterpret_cast<uintptr_t>(b->ptr), b}; }
  std::set<Key>& pool(bool small) { return small ? small_ : large_; }

  Block* find_free(bool small, void* stream, int64_t size) {
    std::set<Key>& p = pool(small);
    auto it = p.lower_bound(Key{stream, size, 0, nullptr});
    if (it == p.end() || std::get<0>(*it) != stream) return nullptr;
    Block* b = std::get<3>(*it);
    p.erase(it);
    return b;
  }

  void split(Block* b, int64_t size) {
    const int64_t rest = b->size - size;
    if (b->small ? rest < kRound : rest <= kSmallSize) return;
    Block* r =
        new Block{static_cast<char*>(b->ptr) + size, rest, b->stream, b->small, true, b, b->next};
    if (b->next) b->next->prev = r;
    b->next = r;
    b->size = size;
    pool(r->small).insert(key(r));
  }

  // Merges a just-freed block with free neighbours; returns the survivor.
  Block* merge(Block* b) {
    if (b->prev && b->prev->free) {
      Block* p = b->prev;
      pool(p->small).erase(key(p));
      p->size += b->size;
      p->next = b->next;
      if (b->next) b->next->prev = p;
      delete b;
      b = p;
    }
    if (b->next && b->next->free) {
      Block* n = b->next;
      pool(n->small).erase(key(n));
      b->size += n->size;
      b->next = n->next;
      if (n->next) n->next->prev = b;
      delete n;
    }
    return b;
  }

  void release_cached() {
    for (std::set<Key>* p : {&small_, &large_}) {
      for (auto it = p->begin(); it != p->end();) {
        Block* b = std::get<3>(*it);
        if (b->prev == nullptr && b->next == nullptr) {  // a whole, free segment
          dev_.raw_free(dev_.ctx, b->ptr);
          stats_.reserved -= b->size;
          --stats_.num_segments;
          delete b;
          it = p->erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  static std::string format_bytes(int64_t n) {
    char buf[64];
    if (n < 1024)
      std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(n));
    else if (n < (int64_t{1} << 20))
      std::snprintf(buf, sizeof buf, "%.2f KiB", n / 1024.0);
    else if (n < (int64_t{1} << 30))
      std::snprintf(buf, sizeof buf, "%.2f MiB", n / 1048576.0);
    else
      std::snprintf(buf, sizeof buf, "%.2f GiB", n / 1073741824.0);
    return buf;
  }

  [[noreturn]] void oom(int64_t nbytes) {
    int64_t free_b = 0, total_b = 0;
    if (dev_.mem_info) dev_.mem_info(dev_.ctx, &free_b, &total_b);
    MT_THROW(RuntimeError, "CUDA out of memory. Tried to allocate ", format_bytes(nbytes), ". GPU ",
             dev_.index, " has a total capacity of ", format_bytes(total_b), " of which ",
             format_bytes(free_b), " is free. Of the allocated memory ",
             format_bytes(stats_.allocated), " is allocated by minitorch, and ",
             format_bytes(stats_.reserved - stats_.allocated),
             " is reserved by minitorch but unallocated (requested ", nbytes, " bytes, allocated ",
             stats_.allocated, " bytes, reserved ", stats_.reserved, " bytes).");
  }

  Device dev_;
  mutable std::mutex mu_;
  std::set<Key> small_, large_;
  std::unordered_map<void*, Block*> live_;
  Stats stats_;
};

}  // namespace mt::cuda
