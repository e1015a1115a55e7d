// grad_mode.cpp: the thread-local grad-mode flag.
#include "autograd.h"

namespace mt::ag {

namespace {
thread_local bool t_grad_enabled = true;
}

bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool enabled) { t_grad_enabled = enabled; }

}  // namespace mt::ag
