// reduce_engine.h: the one CPU reduction engine, shared by reduce*.cpp.
//
// A reduction is described by a ReducePlan (Note [Reduction plan]) and an
// "op" functor that says how to fold input elements into an accumulator:
//
//   struct Op {
//     using in_t = T;                       // input element type
//     using acc_t = A;                      // accumulator (default-constructible)
//     static constexpr bool kPairwise;      // fold leaves of kBlock positions pairwise
//     static constexpr bool kVertical;      // has step() (and optionally a SIMD
//                                           // static step_row()), see run_vertical
//     A identity() const;                   // result of an empty range
//     A leaf(const char* p, int64_t n, int64_t stride, int64_t idx0) const;
//                                           // fold n elements p, p+stride, ...; idx0 is
//                                           // the linear inner position of the first one
//     A combine(A a, A b) const;            // a comes before b in linear order
//     A step(A a, T x) const;               // (kVertical) fold one element, or
//     A step_at(A a, T x, int64_t i) const; // (kVertical) the same, told the
//                                           // element's inner linear position i
//     void store(char* const* out, A a, int64_t count) const;  // count = inner_numel
//     A finish_leaf(A a) const;             // (optional, kVertical) turns what
//                                           // step() folded over a leaf of rows into
//                                           // the form combine() and store() take
//   };
//
// Evaluation order (Note [Deterministic reductions] in reduce_plan.h) is a
// function of the plan only:
//   - many outputs: outputs are split across threads, each output is folded
//     by one thread over the whole inner range;
//   - few outputs with a long inner range: each output's range is cut into
//     parallel_for chunks of kGrainSize positions, one partial per chunk,
//     partials folded in chunk order;
//   - kept innermost dim contiguous in the input and reduced dims outside it
//     ("vertical", e.g. sum(dim=0) of a C-order matrix): blocks of up to
//     adjacent outputs (kVertBytes of accumulators) are folded together row
//     by row, so the loads are contiguous and the loop vectorises.
// Floating sums fold in pairs (a binary-counter cascade over leaves of kBlock
// positions, like NumPy's pairwise sum), so the error grows as O(log n).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "../core/dtype.h"
#include "../core/error.h"
#include "../core/parallel.h"
#include "../core/reduce_plan.h"

namespace mt::cpu::red {

// Leaf size of the pairwise cascade. Leaves fold with up to 32 independent
// accumulators, so each accumulator sees about 16 elements per leaf, as in
// NumPy's pairwise sum (blocks of 128 over 8 accumulators).
inline constexpr int64_t kBlock = 512;
inline constexpr int64_t kVertBytes = 4096;  // run_vertical: accumulator row size (in L1)
inline constexpr int64_t kRowBlock = 16;     // rows per leaf in run_vertical's cascade
inline constexpr int64_t kMinCols = 512;     // run_vertical: fewest columns per block
inline constexpr int kMaxLevels = 64;        // cascade depth (2^64 leaves)

// Calls f(b, e) over [0, n) in parallel_for's fixed chunks. A single chunk
// runs inline, so small problems never build a std::function (no heap work).
template <class F>
void par_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  if (n <= grain) {
    f(int64_t{0}, n);
    return;
  }
  parallel_for(0, n, grain, f);
}

template <class T>
inline opmath_t<T> load(const char* p) {
  return static_cast<opmath_t<T>>(*reinterpret_cast<const T*>(p));
}
template <class O, class A>
inline void put(char* p, A v) {
  if constexpr (std::is_same_v<O, bool>)
    *reinterpret_cast<O*>(p) = static_cast<bool>(v);
  else
    *reinterpret_cast<O*>(p) = static_cast<O>(v);
}

template <class T>
inline bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

// Folds leaves [0, n) (leaf(i) gives leaf i's accumulator) pairwise in
// linear order: a binary counter merges two equal-sized partials as soon as
// both exist, so the merge tree depends on n only.
template <class A, class Leaf, class Combine>
A cascade(int64_t nleaves, const A& identity, Leaf&& leaf, Combine&& combine) {
  if (nleaves == 0) return identity;
  A stack[kMaxLevels];
  int depth = 0;
  for (int64_t i = 0; i < nleaves; ++i) {
    A a = leaf(i);
    for (int64_t k = i + 1; (k & 1) == 0; k >>= 1) a = combine(stack[--depth], a);
    stack[depth++] = a;
  }
  A r = stack[depth - 1];
  for (int d = depth - 2; d >= 0; --d) r = combine(stack[d], r);
  return r;
}

// Position of the inner linear index `pos` (multi-index innermost first).
inline const char* inner_ptr(const ReducePlan& p, const char* base, int64_t pos, int64_t* idx) {
  for (int64_t d = 0; d < p.inner.size(); ++d) {
    idx[d] = pos % p.inner[d];
    pos /= p.inner[d];
    base += idx[d] * p.inner_in[d];
  }
  return base;
}

// Folds a 1-D run: pairwise over kBlock leaves when the op asks for it.
template <class Op>
typename Op::acc_t reduce_run(const Op& op, const char* ptr, int64_t n, int64_t s, int64_t idx0) {
  using A = typename Op::acc_t;
  if constexpr (Op::kPairwise) {
    if (n > kBlock) {
      return cascade<A>((n + kBlock - 1) / kBlock, op.identity(),
                        [&](int64_t i) {
                          int64_t b = i * kBlock;
                          return op.leaf(ptr + b * s, std::min(kBlock, n - b), s, idx0 + b);
                        },
                        [&](const A& a, const A& b) { return op.combine(a, b); });
    }
  }
  return op.leaf(ptr, n, s, idx0);
}

// Folds inner positions [b, e) of a multi-dim inner space run by run.
template <class Op>
typename Op::acc_t walk_runs(const Op& op, const ReducePlan& p, const char* base, int64_t b,
                             int64_t e) {
  using A = typename Op::acc_t;
  const int64_t nd = p.inner.size();
  int64_t idx[64];
  const char* ptr = inner_ptr(p, base, b, idx);
  A acc = op.identity();
  bool first = true;
  for (int64_t pos = b; pos < e;) {
    int64_t n = std::min(p.inner[0] - idx[0], e - pos);
    A run = op.leaf(ptr, n, p.inner_in[0], pos);
    acc = first ? run : op.combine(acc, run);
    first = false;
    pos += n;
    ptr += n * p.inner_in[0];
    idx[0] += n;
    for (int64_t d = 0; d < nd - 1 && idx[d] == p.inner[d]; ++d) {
      ptr += p.inner_in[d + 1] - idx[d] * p.inner_in[d];
      idx[d] = 0;
      ++idx[d + 1];
    }
  }
  return acc;
}

// Folds inner positions [b, e) for the output whose input starts at `base`.
template <class Op>
typename Op::acc_t reduce_span(const Op& op, const ReducePlan& p, const char* base, int64_t b,
                               int64_t e) {
  using A = typename Op::acc_t;
  if (p.inner.size() <= 1) {
    const int64_t s = p.inner.size() ? p.inner_in[0] : 0;
    return reduce_run(op, base + b * s, e - b, s, b);
  }
  MT_CHECK(p.inner.size() <= 64, "reduction over more than 64 dims is not supported");
  if constexpr (Op::kPairwise) {
    if (e - b > kBlock) {
      return cascade<A>((e - b + kBlock - 1) / kBlock, op.identity(),
                        [&](int64_t i) {
                          int64_t lb = b + i * kBlock;
                          return walk_runs(op, p, base, lb, std::min(e, lb + kBlock));
                        },
                        [&](const A& x, const A& y) { return op.combine(x, y); });
    }
  }
  return walk_runs(op, p, base, b, e);
}

// Walks outer positions in order, keeping the input and output pointers.
struct OuterWalker {
  const ReducePlan& p;
  int64_t idx[64];
  const char* in;
  char* out[ReducePlan::kMaxOut];

  OuterWalker(const ReducePlan& plan, int64_t begin, int64_t first_dim = 0) : p(plan) {
    MT_CHECK(plan.outer.size() <= 64, "tensor has too many dims");
    in = plan.in;
    for (int k = 0; k < ReducePlan::kMaxOut; ++k) out[k] = plan.out[k];  // unused ones stay null
    int64_t rem = begin;
    for (int64_t d = first_dim; d < plan.outer.size(); ++d) {
      idx[d] = rem % plan.outer[d];
      rem /= plan.outer[d];
      in += idx[d] * plan.outer_in[d];
      for (int k = 0; k < plan.nout; ++k) out[k] += idx[d] * plan.outer_out[k][d];
    }
    first_ = first_dim;
  }
  void next() {
    for (int64_t d = first_; d < p.outer.size(); ++d) {
      in += p.outer_in[d];
      for (int k = 0; k < p.nout; ++k) out[k] += p.outer_out[k][d];
      if (++idx[d] < p.outer[d]) return;
      in -= p.outer[d] * p.outer_in[d];
      for (int k = 0; k < p.nout; ++k) out[k] -= p.outer[d] * p.outer_out[k][d];
      idx[d] = 0;
    }
  }

 private:
  int64_t first_ = 0;
};

// Folds one input row into the accumulators: acc[j] = step(acc[j], x[j]).
// Ops may provide a SIMD `step_row` with the same contract.
template <class Op, class A, class T>
inline void fold_row(const Op& op, A* __restrict acc, const T* __restrict x, int64_t w) {
  if constexpr (requires { Op::step_row(acc, x, w); }) {
    Op::step_row(acc, x, w);
  } else {
    for (int64_t j = 0; j < w; ++j) acc[j] = op.step(acc[j], x[j]);
  }
}

// Vertical layout: blocks of up to kCols adjacent outputs along outer[0]
// (contiguous in the input) are folded row by row over the inner positions,
// NumPy-style: each row's loads are contiguous and the accumulator row stays
// in L1. Floating sums fold leaves of kRowBlock rows pairwise (binary-counter
// cascade, one accumulator row per level), like cascade() does for scalars.
// Rows per leaf of run_vertical's cascade: Op::kRowLeaf where the op sets one
// (merging its leaves costs more than a sum's add), else kRowBlock.
template <class Op>
constexpr int64_t row_block() {
  if constexpr (requires { Op::kRowLeaf; })
    return Op::kRowLeaf;
  else
    return kRowBlock;
}

template <class Op>
void run_vertical(const ReducePlan& p, const Op& op) {
  using T = typename Op::in_t;
  using A = typename Op::acc_t;
  // At least kMinCols columns, so the input rows are read in long runs even
  // when the accumulators are wide (VarOp's moments, ArgOp's value+index).
  constexpr int64_t kCols =
      std::max<int64_t>(kMinCols, kVertBytes / static_cast<int64_t>(sizeof(A)));
  const int64_t M = p.outer[0];
  const int64_t nblk = (M + kCols - 1) / kCols;
  const int64_t rest = p.outer_numel / M;
  const int64_t ni = p.inner_numel;
  const int64_t W = std::min(M, kCols);
  constexpr int64_t kRows = row_block<Op>();
  const int64_t nleaves = Op::kPairwise ? (ni + kRows - 1) / kRows : 1;
  int levels = 1;
  while ((int64_t{1} << (levels - 1)) < nleaves) ++levels;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / (ni * W));
  par_for(rest * nblk, grain, [&](int64_t tb, int64_t te) {
    // cascade levels + a leaf row (not std::vector: A may be bool)
    std::unique_ptr<A[]> buf(new A[static_cast<size_t>((levels + 1) * W)]);
    A* stack = buf.get();
    A* leaf = buf.get() + levels * W;
    int64_t idx[64];
    for (int64_t t = tb; t < te; ++t) {
      const int64_t r = t / nblk, c0 = (t % nblk) * kCols, w = std::min(kCols, M - c0);
      OuterWalker ow(p, r, 1);
      const char* base = ow.in + c0 * p.outer_in[0];
      const char* row = inner_ptr(p, base, 0, idx);
      // folds rows [rb, re) (the next ones in order) into acc[0..w)
      auto fold_rows = [&](int64_t rb, int64_t re, A* acc) {
        for (int64_t j = 0; j < w; ++j) acc[j] = op.identity();
        for (int64_t i = rb; i < re; ++i) {
          if constexpr (requires { op.step_at(acc[0], T{}, i); }) {
            // index reductions: the op also needs the inner position
            const T* x = reinterpret_cast<const T*>(row);
            for (int64_t j = 0; j < w; ++j) acc[j] = op.step_at(acc[j], x[j], i);
          } else {
            fold_row(op, acc, reinterpret_cast<const T*>(row), w);
          }
          row += p.inner_in[0];
          if (++idx[0] == p.inner[0]) {
            for (int64_t d = 0; d < p.inner.size() - 1 && idx[d] == p.inner[d]; ++d) {
              row += p.inner_in[d + 1] - idx[d] * p.inner_in[d];
              idx[d] = 0;
              ++idx[d + 1];
            }
          }
        }
      };
      // ops whose step() keeps a raw form (VarOp's shifted sums) finish each leaf
      auto finish = [&](A* acc) {
        if constexpr (requires { op.finish_leaf(acc[0]); })
          for (int64_t j = 0; j < w; ++j) acc[j] = op.finish_leaf(acc[j]);
      };
      A* result = stack;
      if (nleaves == 1) {
        fold_rows(0, ni, result);
        finish(result);
      } else {
        int depth = 0;
        for (int64_t l = 0; l < nleaves; ++l) {
          fold_rows(l * kRows, std::min(ni, (l + 1) * kRows), leaf);
          finish(leaf);
          for (int64_t k = l + 1; (k & 1) == 0; k >>= 1) {  // merge equal-sized partials
            A* prev = stack + (--depth) * W;
            for (int64_t j = 0; j < w; ++j) leaf[j] = op.combine(prev[j], leaf[j]);
          }
          A* dst = stack + (depth++) * W;
          for (int64_t j = 0; j < w; ++j) dst[j] = leaf[j];
        }
        // fold what is left, last level first (depth >= 1 since ni > 0)
        for (int d = depth - 2; d >= 0; --d) {
          A* lvl = stack + d * W;
          A* top = stack + (depth - 1) * W;
          for (int64_t j = 0; j < w; ++j) top[j] = op.combine(lvl[j], top[j]);
        }
        result = stack + (depth - 1) * W;
      }
      for (int64_t j = 0; j < w; ++j) {
        char* outs[ReducePlan::kMaxOut] = {};
        for (int k = 0; k < p.nout; ++k) outs[k] = ow.out[k] + (c0 + j) * p.outer_out[k][0];
        op.store(outs, result[j], ni);
      }
    }
  });
}

template <class Op>
bool vertical_ok(const ReducePlan& p) {
  if constexpr (!Op::kVertical) {
    return false;
  } else {
    return p.outer.size() >= 1 && p.inner.size() >= 1 && p.outer[0] >= 2 &&
           p.outer_in[0] == static_cast<int64_t>(sizeof(typename Op::in_t)) && p.inner.size() <= 64;
  }
}

// The driver: see the file comment for the evaluation orders.
template <class Op>
void run_reduce(const ReducePlan& p, const Op& op) {
  using A = typename Op::acc_t;
  const int64_t no = p.outer_numel, ni = p.inner_numel;
  if (no == 0) return;
  if (ni == 0) {
    par_for(no, kGrainSize, [&](int64_t b, int64_t e) {
      OuterWalker w(p, b);
      for (int64_t o = b; o < e; ++o, w.next()) op.store(w.out, op.identity(), 0);
    });
    return;
  }
  if constexpr (Op::kVertical) {
    if (vertical_ok<Op>(p)) return run_vertical(p, op);
  }
  if (no < 8 && ni >= 2 * kGrainSize) {
    // Few outputs, long ranges: fixed chunks, partials folded in chunk order.
    OuterWalker w(p, 0);
    std::vector<A> part(num_chunks(ni, kGrainSize));
    for (int64_t o = 0; o < no; ++o, w.next()) {
      const char* base = w.in;
      parallel_for(0, ni, kGrainSize, [&](int64_t b, int64_t e) {
        part[b / kGrainSize] = reduce_span(op, p, base, b, e);
      });
      A acc = cascade<A>(
          static_cast<int64_t>(part.size()), op.identity(), [&](int64_t i) { return part[i]; },
          [&](const A& x, const A& y) { return op.combine(x, y); });
      op.store(w.out, acc, ni);
    }
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kGrainSize / ni);
  par_for(no, grain, [&](int64_t b, int64_t e) {
    OuterWalker w(p, b);
    for (int64_t o = b; o < e; ++o, w.next()) op.store(w.out, reduce_span(op, p, w.in, 0, ni), ni);
  });
}

// Folds n elements at p with stride s using K independent accumulators (so
// the compiler can keep them in vector registers), then combines them as a
// balanced tree. f(a, x) folds one element; c(a, b) combines accumulators.
template <int K, class T, class A, class F, class C>
inline A multi_acc(const char* p, int64_t n, int64_t s, A id, F&& f, C&& c) {
  A r[K];
  for (int j = 0; j < K; ++j) r[j] = id;
  int64_t i = 0;
  if (s == static_cast<int64_t>(sizeof(T))) {
    const T* x = reinterpret_cast<const T*>(p);
    for (; i + K <= n; i += K)
      for (int j = 0; j < K; ++j) r[j] = f(r[j], x[i + j]);
    for (; i < n; ++i) r[0] = f(r[0], x[i]);
  } else {
    for (; i + K <= n; i += K)
      for (int j = 0; j < K; ++j) r[j] = f(r[j], *reinterpret_cast<const T*>(p + (i + j) * s));
    for (; i < n; ++i) r[0] = f(r[0], *reinterpret_cast<const T*>(p + i * s));
  }
  for (int w = K / 2; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) r[j] = c(r[j], r[j + w]);
  return r[0];
}

// Entry points of the other reduction files (dispatch by kind).
void reduce_minmax(const ReducePlan& plan, const ReduceArgs& args);
void reduce_stats(const ReducePlan& plan, const ReduceArgs& args);

}  // namespace mt::cpu::red
