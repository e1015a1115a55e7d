// warning.h: warnings from the C++ layers (Note [Warnings]).
//
// Note [Warnings]
// ext/core and ext/ops cannot call Python's warnings module, but some of
// PyTorch's behaviour is a warning (resizing an out= tensor that had
// elements). They call mt::warn(msg); the glue installs the handler at import
// (a UserWarning through PyErr_WarnEx, which may throw when warnings are
// errors). Without a handler the message goes to stderr. The handler runs on
// the calling thread with the GIL held: warnings are raised while an op plans
// its work, never from a kernel.
#pragma once

#include <string>

namespace mt {

using WarningHandler = void (*)(const std::string& message);
void set_warning_handler(WarningHandler handler);
void warn(const std::string& message);

}  // namespace mt
