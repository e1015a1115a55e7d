// random_mt.h: the CPU samplers drawn from an MTEngine (core/random_mt.h)
// in PyTorch's order and with PyTorch's transforms (Note [CPU random
// streams]). Each writes a contiguous buffer `out` of n elements of dtype dt
// in memory order; the caller lays the tensor out in fill order.
#pragma once

#include "../core/dtype.h"
#include "../core/random_mt.h"

namespace mt::cpu::rng {

enum class Dist : int8_t {
  Uniform,      // a = from, b = to
  Normal,       // a = mean, b = std; `dense`: the 16-block path applies
  FromTo,       // random_(from, to): a = range (as uint64 bits), b = base
  Full64,       // random_(int64 min, None): every 64-bit value
  Bits,         // random_(): [0, 2^digits] or [0, max]
  Bernoulli,    // a = p
  Exponential,  // a = lambda
  Cauchy,       // a = median, b = sigma
  LogNormal,    // a = mean, b = std
  Geometric,    // a = p
};

void fill(MTEngine& e, Dist d, char* out, int64_t n, DType dt, double a, double b, bool dense);
// random_(from, to) needs the exact 64-bit range and base.
void fill_from_to(MTEngine& e, char* out, int64_t n, DType dt, uint64_t range, int64_t base);
void randperm(MTEngine& e, char* out, int64_t n, DType dt);
// probs: n_dist rows of n_cat contiguous values of dtype pdt; out: int64
// (n_dist, n_sample). Throws RuntimeError for invalid rows as PyTorch does.
void multinomial_with_replacement(MTEngine& e, const char* probs, DType pdt, int64_t n_dist,
                                  int64_t n_cat, int64_t n_sample, int64_t* out);
// lam: n contiguous float64 rates; out: n values of dtype dt.
void poisson(MTEngine& e, const double* lam, char* out, int64_t n, DType dt);

}  // namespace mt::cpu::rng
