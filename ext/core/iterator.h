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
  // kernel for which order does not matter) the order follows the operands'
  // strides instead: see Note [Iteration order].
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
  const int nops = nops_;
  char* ptrs[kMaxOperands];
  int64_t inner[kMaxOperands];
  if (nd <= 1) {  // one run: the common contiguous or simply strided case
    for (int k = 0; k < nops; ++k) {
      inner[k] = nd ? strides_[k][0] : 0;
      ptrs[k] = data_[k] + begin * inner[k];
    }
    if (begin < end) loop(end - begin, ptrs, inner);
    return;
  }
  // Multi-index of `begin`, innermost first; the only divisions of the walk.
  int64_t idx[Dims::kInline];
  Dims idx_heap;
  int64_t* ix = idx;
  if (nd > Dims::kInline) {
    idx_heap = Dims(nd);
    ix = idx_heap.data();
  }
  int64_t rem = begin;
  for (int64_t d = 0; d < nd; ++d) {
    ix[d] = rem % shape_[d];
    rem /= shape_[d];
  }
  for (int k = 0; k < nops; ++k) {
    inner[k] = strides_[k][0];
    char* p = data_[k];
    for (int64_t d = 0; d < nd; ++d) p += ix[d] * strides_[k][d];
    ptrs[k] = p;
  }
  // The first run may start mid-row; every later one starts at ix[0] = 0.
  // The loop gets the run's start pointers; from one run to the next they
  // move by increments: strides[1] to the next row, and on a carry into dim
  // d + 1 by strides[d + 1] minus the whole dim d just finished.
  const int64_t n0 = shape_[0];
  int64_t pos = begin;
  int64_t n = std::min(n0 - ix[0], end - pos);
  for (;;) {
    loop(n, ptrs, inner);
    pos += n;
    if (pos >= end) return;
    // back to the start of the row (only the first run starts past it),
    // then one step along dim 1
    const int64_t back = ix[0];
    for (int k = 0; k < nops; ++k) ptrs[k] += strides_[k][1] - back * strides_[k][0];
    ix[0] = 0;
    for (int64_t d = 1; ++ix[d] == shape_[d] && d + 1 < nd; ++d) {
      ix[d] = 0;
      for (int k = 0; k < nops; ++k) ptrs[k] += strides_[k][d + 1] - shape_[d] * strides_[k][d];
    }
    n = std::min(n0, end - pos);
  }
}

}  // namespace mt
