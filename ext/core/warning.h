// warning.h: warnings from the plain C++ layers (Note [Warnings]).
//
// Note [Warnings]
// ext/core, ext/ops and ext/autograd cannot call Python, so an op that must
// warn (PyTorch's TORCH_WARN: torch.cross without dim=, say) queues the
// message with mt::warn and carries on. The op-table glue
// (ext/python/op_entries.cpp) emits queued messages as UserWarning when the
// op returns; an op should do its checks before it warns, since a message
// queued by an op that then raises is emitted after the next op instead.
// Ops run with the GIL held (kernels on worker threads never warn), so one
// process-wide queue serves every thread; the flag keeps the check on every
// call to one relaxed load.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mt {

namespace detail {
struct WarningQueue {
  std::atomic<bool> pending{false};
  std::mutex mu;
  std::vector<std::string> messages;
};
inline WarningQueue g_warnings;
}  // namespace detail

// Queues a UserWarning with this text.
inline void warn(std::string message) {
  std::lock_guard<std::mutex> lock(detail::g_warnings.mu);
  detail::g_warnings.messages.push_back(std::move(message));
  detail::g_warnings.pending.store(true, std::memory_order_relaxed);
}

inline bool warnings_pending() {
  return detail::g_warnings.pending.load(std::memory_order_relaxed);
}

// The queued messages, oldest first; empties the queue.
inline std::vector<std::string> take_warnings() {
  std::lock_guard<std::mutex> lock(detail::g_warnings.mu);
  std::vector<std::string> out;
  out.swap(detail::g_warnings.messages);
  detail::g_warnings.pending.store(false, std::memory_order_relaxed);
  return out;
}

}  // namespace mt
