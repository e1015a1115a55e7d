// functions_attention.cpp: the fused scaled_dot_product_attention's ag:: entry
// and its backward node (ext/ops/attention.cpp).
#include "formulas.h"
#include "functions_rnnattn.h"

namespace mt::ag {

Tensor fused_sdpa(const Tensor&, const Tensor&, const Tensor&, const Tensor&, bool,
                  std::optional<double>, bool) {
  MT_THROW(NotImplementedError, "_fused_scaled_dot_product_attention is not implemented yet");
}

}  // namespace mt::ag
