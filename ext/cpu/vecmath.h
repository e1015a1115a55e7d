// vecmath.h: vectorised transcendental functions over contiguous arrays, for
// the unary kernels (ext/cpu/unary.cpp).
//
// Note [Vector math]
// The functions come from glibc's libmvec (the x86-64 vector ABI variants
// _ZGV{b,d,e}N{W}v_<name>{f}: SSE2, AVX2, AVX-512), found at run time with
// dlopen/dlsym, so the module links no libmvec and loads on any x86-64 glibc
// system; which variant runs is chosen once, for the CPU the process runs on
// (AVX-512 when the CPU and OS support AVX512F and AVX512DQ, else AVX2 with
// FMA, else SSE2). Without libmvec, or with MINITORCH_VECMATH=scalar, every
// function is the scalar libm one. MINITORCH_VECMATH=sse2|avx2|avx512 caps
// the level (tests measure each). A function's result depends only on its
// input value and the level, never on the element's position in the array,
// the run length or the thread count: a partial vector at the end of a run
// goes through the same vector function with padded lanes. sqrt and rsqrt
// are exact IEEE operations, written for each level with intrinsics.
// Composites (sigmoid, silu, gelu, softplus) are written on the vector
// exp / erfc / log1p in forms without cancellation; for float32 the gelus
// and silu compute in float64. The measured accuracy of each function is in
// docs/design.md ("Vector math accuracy").
#pragma once

#include <cstdint>

namespace mt::cpu::vecmath {

enum class Fn : int {
  Exp,
  Exp2,
  Expm1,
  Log,
  Log2,
  Log10,
  Log1p,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Tanh,
  Asinh,
  Acosh,
  Atanh,
  Erf,
  Erfc,
  kCount
};

// y[i] = fn(x[i]) for i < n; y may equal x (in place), other overlaps are
// not allowed.
void map(Fn fn, const float* x, float* y, int64_t n);
void map(Fn fn, const double* x, double* y, int64_t n);

// y[i] = pow(x[i], e) with libmvec's pow (C99/IEEE special cases).
void pow(const float* x, float e, float* y, int64_t n);
void pow(const double* x, double e, double* y, int64_t n);

void sqrt(const float* x, float* y, int64_t n);
void sqrt(const double* x, double* y, int64_t n);
void rsqrt(const float* x, float* y, int64_t n);
void rsqrt(const double* x, double* y, int64_t n);

// Composites (same contract as map).
void sigmoid(const float* x, float* y, int64_t n);
void sigmoid(const double* x, double* y, int64_t n);
void silu(const float* x, float* y, int64_t n);
void silu(const double* x, double* y, int64_t n);
void gelu(const float* x, float* y, int64_t n, bool tanh_approx);
void gelu(const double* x, double* y, int64_t n, bool tanh_approx);
void softplus(const float* x, float* y, int64_t n, float beta, float threshold);
void softplus(const double* x, double* y, int64_t n, double beta, double threshold);

// y[i] = exp(x[i] - m) for i < n (y may be null: only the sum is wanted);
// returns the sum of those values, accumulated in float over 16 lanes and
// folded into double every 256 values, in an order fixed by n alone (so
// softmax and logsumexp give the same result for any thread count).
double exp_shift_sum(const float* x, float* y, int64_t n, float m);

// The level in use: "avx512", "avx2", "sse2" or "scalar".
const char* level();

}  // namespace mt::cpu::vecmath
