// autograd.h: the differentiable API the Python glue calls.
//
// Each op here will record a graph node (when grad mode is on and an input
// requires grad) and then call ext/ops. Until the autograd issue lands this
// layer passes straight through, so the glue already calls ag:: everywhere
// and will not need rewiring.
#pragma once

#include "../ops/ops.h"

namespace mt::ag {

// Grad mode is thread-local, as in PyTorch (no_grad in one thread does not
// affect another).
bool grad_enabled();
void set_grad_enabled(bool enabled);

// Pass-through for now: see the file comment. Qualified lookup (ag::add)
// finds a function declared in ag itself before it follows this directive,
// so defining ag::add later overrides the pass-through with no other change.
using namespace ::mt::ops;

}  // namespace mt::ag
