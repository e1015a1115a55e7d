// warning.h: warnings from the plain C++ layers (Note [Warnings]).
//
// Note [Warnings]
// ext/core, ext/ops and ext/autograd cannot call Python, so an op that must
// warn (PyTorch's TORCH_WARN: torch.cross without dim=, say) calls mt::warn,
// which hands the text to the handler the Python glue installs at import
// (ext/python/op_entries.cpp; PyTorch's c10::WarningHandler plays this
// role). That handler raises a UserWarning at once; when a warnings filter
// turns it into an error, the handler throws the glue's "Python error
// already set" exception, which unwinds the op like any mt::Error. Ops run
// with the GIL held (kernels on worker threads never warn). Without a
// handler (plain C++ use) warnings are dropped. Nothing is checked per call.
#pragma once

#include <atomic>
#include <string>

namespace mt {

using WarningHandler = void (*)(const std::string& message);

namespace detail {
inline std::atomic<WarningHandler> g_warning_handler{nullptr};
}  // namespace detail

inline void set_warning_handler(WarningHandler h) { detail::g_warning_handler.store(h); }

// Raises a UserWarning with this text (may throw: see the Note).
inline void warn(const std::string& message) {
  if (WarningHandler h = detail::g_warning_handler.load()) h(message);
}

}  // namespace mt
