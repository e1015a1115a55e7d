// shape.h: shape and stride arithmetic shared by every layer.
//
// Strides are in elements and may be negative or zero (Note [Negative strides]
// in DESIGN.md). Nothing here allocates tensors.
#pragma once

#include <cstdint>

#include "dims.h"
#include "error.h"

namespace mt {

// Product of sizes; RuntimeError on overflow or a negative size.
int64_t checked_numel(const Dims& sizes);
inline int64_t numel_of(const Dims& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}
// Row-major (C order) strides for sizes. RuntimeError when a stride would
// overflow int64 (possible for empty tensors such as (0, 2**62, 2**62),
// whose numel is 0 but whose strides are not).
Dims contiguous_strides(const Dims& sizes);
// True when sizes/strides describe row-major order (size-1 dims ignored).
bool is_contiguous(const Dims& sizes, const Dims& strides);
// Lowest and highest element offsets (relative to the storage offset)
// reachable by a view; both 0 for an empty view. See Note [Negative strides].
// RuntimeError when they overflow int64 (user strides from as_strided can be
// anything; a wrapped sum would let a bounds check pass).
void reachable_range(const Dims& sizes, const Dims& strides, int64_t* lo, int64_t* hi);
// Wraps a possibly negative dim into [0, ndim); IndexError as PyTorch words it.
int64_t wrap_dim(int64_t dim, int64_t ndim);
// wrap_dim for ops where a 0-d tensor has no dim to name (PyTorch's
// wrap_scalar=false: size(d), stride(d), roll, index_add...): on a 0-d
// tensor every dim is an IndexError "Dimension specified as 0 but tensor has
// no dimensions".
int64_t wrap_dim_strict(int64_t dim, int64_t ndim);
// Broadcast two shapes (NumPy rules); RuntimeError naming both otherwise.
Dims broadcast_shapes(const Dims& a, const Dims& b);

}  // namespace mt
