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

#include <algorithm>
#include <cstdint>
#include <type_traits>

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

// Runs v(x, y, n), a kernel over contiguous arrays of its compute type C
// (float, or double for double), on one iterator run of T (p[0] the output,
// p[1] the input, strides s): in place of the data when both are contiguous
// and T is C, else through a stack buffer of kRunBuf elements (strided runs,
// and half/bfloat16, which compute in float). Shared by the unary kernels and
// pow with a float exponent.
inline constexpr int64_t kRunBuf = 256;
template <class T, class V>
inline void run_strided(const V& v, int64_t n, char** p, const int64_t* s) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  if constexpr (std::is_same_v<T, C>) {
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
      v(reinterpret_cast<const T*>(p[1]), reinterpret_cast<T*>(p[0]), n);
      return;
    }
  }
  C buf[kRunBuf];
  for (int64_t b = 0; b < n; b += kRunBuf) {
    const int64_t m = std::min(kRunBuf, n - b);
    const char* in = p[1] + b * s[1];
    for (int64_t i = 0; i < m; ++i)
      buf[i] = static_cast<C>(*reinterpret_cast<const T*>(in + i * s[1]));
    v(static_cast<const C*>(buf), buf, m);
    char* out = p[0] + b * s[0];
    for (int64_t i = 0; i < m; ++i) *reinterpret_cast<T*>(out + i * s[0]) = static_cast<T>(buf[i]);
  }
}

}  // namespace mt::cpu::vecmath
