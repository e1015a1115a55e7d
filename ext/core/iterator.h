// iterator.h: the one strided iterator. It owns broadcasting and layout.
//
// Kernels see NumPy-style inner loops:
//     loop(int64_t n, char** ptrs, const int64_t* strides)
// where ptrs[k] points at the first element of operand k for this run and
// strides[k] is its byte stride; operand 0.. nout-1 are outputs, the rest
// inputs. A kernel never handles broadcasting, negative strides or
// non-contiguity itself.
//
// Building an iterator: the inputs are broadcast to the output's shape
// (stride 0 on broadcast dims), byte strides are computed, size-1 dims are
// dropped and adjacent dims that are contiguous with each other in every
// operand are merged ("coalesced"), so a contiguous or simply broadcast
// problem becomes a single long inner loop the compiler vectorises.
//
// Example (a binary kernel):
//     TensorIter it = TensorIter::build({out}, {a, b});
//     it.for_each([](int64_t n, char** p, const int64_t* s) {
//       for (int64_t i = 0; i < n; ++i)
//         *(float*)(p[0] + i*s[0]) = *(float*)(p[1] + i*s[1]) + *(float*)(p[2] + i*s[2]);
//     });
//
// Lineage: NumPy's ufunc inner-loop signature; PyTorch's TensorIterator.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "dims.h"
#include "parallel.h"
#include "tensor_impl.h"

namespace mt {

class TensorIter {
 public:
  static constexpr int kMaxOperands = 5;

  // outputs must already have the broadcast shape of the inputs (RuntimeError
  // naming the shapes otherwise).
  //
  // Elements are visited in the logical row-major order of the output shape,
  // which kernels that number elements (nonzero, masked_select, scans) rely
  // on. With memory_order = true (elementwise kernels, copies, fills: any
  // kernel for which order does not matter) they are visited in the output's
  // memory order instead, so a permuted output and inputs of the same layout
  // become one contiguous run.
  static TensorIter build(std::initializer_list<const TensorImpl*> outputs,
                          std::initializer_list<const TensorImpl*> inputs,
                          bool memory_order = false);

  int noperands() const { return nops_; }
  int noutputs() const { return nout_; }
  DType dtype(int k) const { return dtypes_[k]; }
  int64_t numel() const { return numel_; }
  // The device of every operand (build() refuses a mix).
  Device device() const { return device_; }
  int64_t ndim() const { return shape_.size(); }
  // Coalesced shape, innermost dim first.
  const Dims& shape() const { return shape_; }
  int64_t byte_stride(int k, int64_t d) const { return strides_[k][d]; }
  char* data(int k) const { return data_[k]; }
  // True when every operand is contiguous with its own itemsize over the whole range.
  bool is_contiguous() const;

  // Calls loop for every inner run of elements [begin, end) (linear order).
  template <typename Loop>
  void serial_for_each(Loop&& loop, int64_t begin, int64_t end) const;
  // Whole range, split across threads above the grain size.
  template <typename Loop>
  void for_each(Loop&& loop, int64_t grain = kGrainSize) const {
    if (numel_ == 0) return;
    if (numel_ <= grain) return serial_for_each(loop, 0, numel_);
    parallel_for(0, numel_, grain, [&](int64_t b, int64_t e) { serial_for_each(loop, b, e); });
  }

 private:
  int nops_ = 0;
  int nout_ = 0;
  int64_t numel_ = 0;
  Device device_;
  Dims shape_;
  Dims strides_[kMaxOperands];
  char* data_[kMaxOperands] = {};
  DType dtypes_[kMaxOperands] = {};
};

template <typename Loop>
void TensorIter::serial_for_each(Loop&& loop, int64_t begin, int64_t end) const {
  const int64_t nd = shape_.size();
  char* ptrs[kMaxOperands];
  int64_t inner[kMaxOperands];
  if (nd == 0) {  // a single element
    for (int k = 0; k < nops_; ++k) {
      ptrs[k] = data_[k];
      inner[k] = 0;
    }
    if (begin < end) loop(int64_t{1}, ptrs, inner);
    return;
  }
  // multi-index of `begin`, innermost first
  Dims idx(nd);
  int64_t rem = begin;
  for (int64_t d = 0; d < nd; ++d) {
    idx[d] = rem % shape_[d];
    rem /= shape_[d];
  }
  for (int k = 0; k < nops_; ++k) inner[k] = strides_[k][0];
  int64_t pos = begin;
  while (pos < end) {
    for (int k = 0; k < nops_; ++k) {
      char* p = data_[k];
      for (int64_t d = 0; d < nd; ++d) p += idx[d] * strides_[k][d];
      ptrs[k] = p;
    }
    int64_t n = std::min(shape_[0] - idx[0], end - pos);
    loop(n, ptrs, inner);
    pos += n;
    idx[0] += n;
    for (int64_t d = 0; d < nd - 1 && idx[d] == shape_[d]; ++d) {
      idx[d] = 0;
      ++idx[d + 1];
    }
  }
}

}  // namespace mt
