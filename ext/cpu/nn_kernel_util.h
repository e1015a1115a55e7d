// nn_kernel_util.h: small helpers the fused nn kernels share (nn_fused.cpp,
// nn_losses.cpp): accumulation types, typed data pointers, a fixed-order lane
// sum, and the rows-per-task grain.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "../core/parallel.h"
#include "../core/tensor_impl.h"

namespace mt::cpu::nnk {

// float32 and wider accumulate in double; half types in float.
template <typename T>
using acc_t = std::conditional_t<(sizeof(T) >= 4), double, float>;

// opmath of T as vecmath takes it (float or double).
template <typename T>
using vm_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <typename T>
const T* cptr(const TensorImpl& t) {
  return reinterpret_cast<const T*>(t.data());
}
template <typename T>
T* mptr(const TensorImpl& t) {
  return reinterpret_cast<T*>(t.data());
}

// sum_{j < n} f(j) over 8 interleaved partial sums added in a fixed tree, so
// the loop vectorises and the result depends only on n and the values.
template <typename A, typename F>
A lane_sum(int64_t n, F&& f) {
  A acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int k = 0; k < 8; ++k) acc[k] += f(j + k);
  A tail = 0;
  for (; j < n; ++j) tail += f(j);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

// Rows per parallel block: about kGrainSize elements each.
inline int64_t row_grain(int64_t cols) {
  return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1));
}

}  // namespace mt::cpu::nnk
