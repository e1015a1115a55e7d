// reduce_simd.h: SSE2 loops for the hottest contiguous float reductions
// (max/min with NaN detection, first-index search, exp for softmax and
// logsumexp), with portable scalar fallbacks.
//
// Why intrinsics: with GCC's default -ftrapping-math, a NaN-aware select
// such as `v > r ? v : r` is not turned into maxps, and the vectoriser gives
// up on the exp polynomial's selects; the plain loops ran 3-5x slower than
// NumPy's. SSE2 is part of x86-64, so no runtime dispatch is needed; other
// targets take the scalar code.
//
// Results are exact except exp(), a Cephes-style polynomial accurate to about
// 2 ulp in float (NaN, +-inf and underflow to subnormals/0 handled).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#define MT_REDUCE_SSE2 1
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MT_REDUCE_AVX2 1
#endif

namespace mt::cpu::red::simd {

// Sum of n contiguous floats in K = 32 lanes: lane j adds x[j], x[j+32], ...
// in order, the leftover tail goes into lane 0, then lanes combine as a
// balanced tree. This is exactly multi_acc<32> in reduce_engine.h, so every
// path (AVX2, compiler-vectorised SSE2, scalar) gives bitwise equal results;
// AVX2 only makes it faster where the CPU has it (checked once at run time).
template <class T, int K>
inline T lanes_finish(T* r, const T* x, int64_t i, int64_t n) {
  for (; i < n; ++i) r[0] += x[i];
  for (int w = K / 2; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) r[j] += r[j + w];
  return r[0];
}

#if MT_REDUCE_AVX2
__attribute__((target("avx2"))) inline float sum_lanes_avx2(const float* x, int64_t n) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a = _mm256_add_ps(a, _mm256_loadu_ps(x + i));
    b = _mm256_add_ps(b, _mm256_loadu_ps(x + i + 8));
    c = _mm256_add_ps(c, _mm256_loadu_ps(x + i + 16));
    d = _mm256_add_ps(d, _mm256_loadu_ps(x + i + 24));
  }
  float r[32];
  _mm256_storeu_ps(r, a);
  _mm256_storeu_ps(r + 8, b);
  _mm256_storeu_ps(r + 16, c);
  _mm256_storeu_ps(r + 24, d);
  return lanes_finish<float, 32>(r, x, i, n);
}
__attribute__((target("avx2"))) inline double sum_lanes_avx2(const double* x, int64_t n) {
  __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a = _mm256_add_pd(a, _mm256_loadu_pd(x + i));
    b = _mm256_add_pd(b, _mm256_loadu_pd(x + i + 4));
    c = _mm256_add_pd(c, _mm256_loadu_pd(x + i + 8));
    d = _mm256_add_pd(d, _mm256_loadu_pd(x + i + 12));
  }
  double r[16];
  _mm256_storeu_pd(r, a);
  _mm256_storeu_pd(r + 4, b);
  _mm256_storeu_pd(r + 8, c);
  _mm256_storeu_pd(r + 12, d);
  return lanes_finish<double, 16>(r, x, i, n);
}
inline bool have_avx2() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return yes;
}
#endif

// Lane sum of contiguous float (K = 32) or double (K = 16): see above.
template <class T>
inline T sum_lanes(const T* x, int64_t n) {
#if MT_REDUCE_AVX2
  if (have_avx2()) return sum_lanes_avx2(x, n);
#endif
  constexpr int K = sizeof(T) == 4 ? 32 : 16;
  T r[K] = {};
  int64_t i = 0;
  for (; i + K <= n; i += K)
    for (int j = 0; j < K; ++j) r[j] += x[i + j];
  return lanes_finish<T, K>(r, x, i, n);
}

// Lane sums of x*x (kSquare) or |x| over K = 32 (float) or 16 (double) lanes:
// the same lane and combine order as sum_lanes, on every path (AVX2 or not),
// so the result depends on n alone. Used by the 2- and 1-norms.
template <bool kSquare, class T>
inline T fold_mag(T v) {
  return kSquare ? v * v : std::abs(v);
}

#if MT_REDUCE_AVX2
template <bool kSquare>
__attribute__((target("avx2"))) inline __m256 mag8(__m256 v) {
  return kSquare ? _mm256_mul_ps(v, v) : _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v);
}
template <bool kSquare>
__attribute__((target("avx2"))) inline __m256d mag4(__m256d v) {
  return kSquare ? _mm256_mul_pd(v, v) : _mm256_andnot_pd(_mm256_set1_pd(-0.0), v);
}
template <bool kSquare>
__attribute__((target("avx2"))) inline float mag_lanes_avx2(const float* x, int64_t n) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a = _mm256_add_ps(a, mag8<kSquare>(_mm256_loadu_ps(x + i)));
    b = _mm256_add_ps(b, mag8<kSquare>(_mm256_loadu_ps(x + i + 8)));
    c = _mm256_add_ps(c, mag8<kSquare>(_mm256_loadu_ps(x + i + 16)));
    d = _mm256_add_ps(d, mag8<kSquare>(_mm256_loadu_ps(x + i + 24)));
  }
  float r[32];
  _mm256_storeu_ps(r, a);
  _mm256_storeu_ps(r + 8, b);
  _mm256_storeu_ps(r + 16, c);
  _mm256_storeu_ps(r + 24, d);
  for (; i < n; ++i) r[0] += fold_mag<kSquare>(x[i]);
  return lanes_finish<float, 32>(r, x, n, n);
}
template <bool kSquare>
__attribute__((target("avx2"))) inline double mag_lanes_avx2(const double* x, int64_t n) {
  __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a = _mm256_add_pd(a, mag4<kSquare>(_mm256_loadu_pd(x + i)));
    b = _mm256_add_pd(b, mag4<kSquare>(_mm256_loadu_pd(x + i + 4)));
    c = _mm256_add_pd(c, mag4<kSquare>(_mm256_loadu_pd(x + i + 8)));
    d = _mm256_add_pd(d, mag4<kSquare>(_mm256_loadu_pd(x + i + 12)));
  }
  double r[16];
  _mm256_storeu_pd(r, a);
  _mm256_storeu_pd(r + 4, b);
  _mm256_storeu_pd(r + 8, c);
  _mm256_storeu_pd(r + 12, d);
  for (; i < n; ++i) r[0] += fold_mag<kSquare>(x[i]);
  return lanes_finish<double, 16>(r, x, n, n);
}
#endif

template <bool kSquare, class T>
inline T mag_lanes(const T* x, int64_t n) {
#if MT_REDUCE_AVX2
  if (have_avx2()) return mag_lanes_avx2<kSquare>(x, n);
#endif
  constexpr int K = sizeof(T) == 4 ? 32 : 16;
  T r[K] = {};
  int64_t i = 0;
  for (; i + K <= n; i += K)
    for (int j = 0; j < K; ++j) r[j] += fold_mag<kSquare>(x[i + j]);
  for (; i < n; ++i) r[0] += fold_mag<kSquare>(x[i]);
  return lanes_finish<T, K>(r, x, n, n);
}

#if MT_REDUCE_AVX2
// AVX2 forms of extreme() below: max/min are exact, so every path gives the
// same value (up to the sign of a zero among equal zeros).
template <bool kMax>
__attribute__((target("avx2"))) inline float extreme_avx2(const float* x, int64_t n, bool* nan) {
  const float init =
      kMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  __m256 r0 = _mm256_set1_ps(init), r1 = r0, r2 = r0, r3 = r0;
  __m256 u = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    __m256 c = _mm256_loadu_ps(x + i + 16), d = _mm256_loadu_ps(x + i + 24);
    r0 = kMax ? _mm256_max_ps(a, r0) : _mm256_min_ps(a, r0);  // NaN a: keeps r0
    r1 = kMax ? _mm256_max_ps(b, r1) : _mm256_min_ps(b, r1);
    r2 = kMax ? _mm256_max_ps(c, r2) : _mm256_min_ps(c, r2);
    r3 = kMax ? _mm256_max_ps(d, r3) : _mm256_min_ps(d, r3);
    u = _mm256_or_ps(
        u, _mm256_or_ps(_mm256_cmp_ps(a, b, _CMP_UNORD_Q), _mm256_cmp_ps(c, d, _CMP_UNORD_Q)));
  }
  r0 = kMax ? _mm256_max_ps(_mm256_max_ps(r0, r1), _mm256_max_ps(r2, r3))
            : _mm256_min_ps(_mm256_min_ps(r0, r1), _mm256_min_ps(r2, r3));
  alignas(32) float rv[8];
  _mm256_store_ps(rv, r0);
  float m = init;
  for (float v : rv) m = (kMax ? v > m : v < m) ? v : m;
  bool seen = _mm256_movemask_ps(u) != 0;
  for (; i < n; ++i) {
    float v = x[i];
    m = (kMax ? v > m : v < m) ? v : m;
    seen |= v != v;
  }
  *nan = seen;
  return m;
}
template <bool kMax>
__attribute__((target("avx2"))) inline double extreme_avx2(const double* x, int64_t n, bool* nan) {
  const double init =
      kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  __m256d r0 = _mm256_set1_pd(init), r1 = r0, r2 = r0, r3 = r0;
  __m256d u = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256d a = _mm256_loadu_pd(x + i), b = _mm256_loadu_pd(x + i + 4);
    __m256d c = _mm256_loadu_pd(x + i + 8), d = _mm256_loadu_pd(x + i + 12);
    r0 = kMax ? _mm256_max_pd(a, r0) : _mm256_min_pd(a, r0);
    r1 = kMax ? _mm256_max_pd(b, r1) : _mm256_min_pd(b, r1);
    r2 = kMax ? _mm256_max_pd(c, r2) : _mm256_min_pd(c, r2);
    r3 = kMax ? _mm256_max_pd(d, r3) : _mm256_min_pd(d, r3);
    u = _mm256_or_pd(
        u, _mm256_or_pd(_mm256_cmp_pd(a, b, _CMP_UNORD_Q), _mm256_cmp_pd(c, d, _CMP_UNORD_Q)));
  }
  r0 = kMax ? _mm256_max_pd(_mm256_max_pd(r0, r1), _mm256_max_pd(r2, r3))
            : _mm256_min_pd(_mm256_min_pd(r0, r1), _mm256_min_pd(r2, r3));
  alignas(32) double rv[4];
  _mm256_store_pd(rv, r0);
  double m = init;
  for (double v : rv) m = (kMax ? v > m : v < m) ? v : m;
  bool seen = _mm256_movemask_pd(u) != 0;
  for (; i < n; ++i) {
    double v = x[i];
    m = (kMax ? v > m : v < m) ? v : m;
    seen |= v != v;
  }
  *nan = seen;
  return m;
}
#endif

// Max (kMax) or min of x[0..n) ignoring NaN; *nan tells whether a NaN was seen.
template <bool kMax>
inline float extreme(const float* x, int64_t n, bool* nan) {
#if MT_REDUCE_AVX2
  if (n >= 32 && have_avx2()) return extreme_avx2<kMax>(x, n, nan);
#endif
  const float init =
      kMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  float m = init;
  bool seen = false;
  int64_t i = 0;
#if MT_REDUCE_SSE2
  __m128 r0 = _mm_set1_ps(init), r1 = r0, r2 = r0, r3 = r0;
  __m128 u = _mm_setzero_ps();
  for (; i + 16 <= n; i += 16) {
    __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + 4);
    __m128 c = _mm_loadu_ps(x + i + 8), d = _mm_loadu_ps(x + i + 12);
    // max(a, r) returns r when a is NaN: NaN is skipped here and flagged in u
    r0 = kMax ? _mm_max_ps(a, r0) : _mm_min_ps(a, r0);
    r1 = kMax ? _mm_max_ps(b, r1) : _mm_min_ps(b, r1);
    r2 = kMax ? _mm_max_ps(c, r2) : _mm_min_ps(c, r2);
    r3 = kMax ? _mm_max_ps(d, r3) : _mm_min_ps(d, r3);
    u = _mm_or_ps(u, _mm_or_ps(_mm_cmpunord_ps(a, b), _mm_cmpunord_ps(c, d)));
  }
  r0 = kMax ? _mm_max_ps(_mm_max_ps(r0, r1), _mm_max_ps(r2, r3))
            : _mm_min_ps(_mm_min_ps(r0, r1), _mm_min_ps(r2, r3));
  alignas(16) float rv[4];
  _mm_store_ps(rv, r0);
  for (float v : rv) m = (kMax ? v > m : v < m) ? v : m;
  seen = _mm_movemask_ps(u) != 0;
#endif
  for (; i < n; ++i) {
    float v = x[i];
    m = (kMax ? v > m : v < m) ? v : m;
    seen |= v != v;
  }
  *nan = seen;
  return m;
}

template <bool kMax>
inline double extreme(const double* x, int64_t n, bool* nan) {
#if MT_REDUCE_AVX2
  if (n >= 16 && have_avx2()) return extreme_avx2<kMax>(x, n, nan);
#endif
  const double init =
      kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  double m = init;
  bool seen = false;
  int64_t i = 0;
#if MT_REDUCE_SSE2
  __m128d r0 = _mm_set1_pd(init), r1 = r0, r2 = r0, r3 = r0;
  __m128d u = _mm_setzero_pd();
  for (; i + 8 <= n; i += 8) {
    __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
    __m128d c = _mm_loadu_pd(x + i + 4), d = _mm_loadu_pd(x + i + 6);
    r0 = kMax ? _mm_max_pd(a, r0) : _mm_min_pd(a, r0);
    r1 = kMax ? _mm_max_pd(b, r1) : _mm_min_pd(b, r1);
    r2 = kMax ? _mm_max_pd(c, r2) : _mm_min_pd(c, r2);
    r3 = kMax ? _mm_max_pd(d, r3) : _mm_min_pd(d, r3);
    u = _mm_or_pd(u, _mm_or_pd(_mm_cmpunord_pd(a, b), _mm_cmpunord_pd(c, d)));
  }
  r0 = kMax ? _mm_max_pd(_mm_max_pd(r0, r1), _mm_max_pd(r2, r3))
            : _mm_min_pd(_mm_min_pd(r0, r1), _mm_min_pd(r2, r3));
  alignas(16) double rv[2];
  _mm_store_pd(rv, r0);
  for (double v : rv) m = (kMax ? v > m : v < m) ? v : m;
  seen = _mm_movemask_pd(u) != 0;
#endif
  for (; i < n; ++i) {
    double v = x[i];
    m = (kMax ? v > m : v < m) ? v : m;
    seen |= v != v;
  }
  *nan = seen;
  return m;
}

#if MT_REDUCE_AVX2
template <bool kMax>
__attribute__((target("avx2"))) inline int64_t extreme_row_avx2(float* __restrict acc,
                                                                const float* __restrict x,
                                                                int64_t w) {
  const __m256 qnan = _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN());
  int64_t j = 0;
  for (; j + 8 <= w; j += 8) {
    __m256 a = _mm256_loadu_ps(acc + j), v = _mm256_loadu_ps(x + j);
    __m256 nan = _mm256_cmp_ps(a, v, _CMP_UNORD_Q);
    __m256 m = kMax ? _mm256_max_ps(v, a) : _mm256_min_ps(v, a);
    _mm256_storeu_ps(acc + j, _mm256_blendv_ps(m, qnan, nan));
  }
  return j;
}
#endif

// acc[j] = max(acc[j], x[j]) (or min) for j < w, NaN propagating.
template <bool kMax>
inline void extreme_row(float* __restrict acc, const float* __restrict x, int64_t w) {
  int64_t j = 0;
#if MT_REDUCE_AVX2
  if (have_avx2()) j = extreme_row_avx2<kMax>(acc, x, w);
#endif
#if MT_REDUCE_SSE2
  const __m128 qnan = _mm_set1_ps(std::numeric_limits<float>::quiet_NaN());
  for (; j + 4 <= w; j += 4) {
    __m128 a = _mm_loadu_ps(acc + j), v = _mm_loadu_ps(x + j);
    __m128 nan = _mm_cmpunord_ps(a, v);
    __m128 m = kMax ? _mm_max_ps(v, a) : _mm_min_ps(v, a);
    _mm_storeu_ps(acc + j, _mm_or_ps(_mm_andnot_ps(nan, m), _mm_and_ps(nan, qnan)));
  }
#endif
  for (; j < w; ++j) {
    float a = acc[j], v = x[j];
    acc[j] = (a != a || v != v) ? std::numeric_limits<float>::quiet_NaN()
                                : ((kMax ? v > a : v < a) ? v : a);
  }
}

#if MT_REDUCE_AVX2
// find_first's vector scan: the first i (a multiple of 8 or 4) whose vector
// holds a hit, or the last full vector's end; the caller finishes in scalar.
__attribute__((target("avx2"))) inline int64_t find_block_avx2(const float* x, int64_t n, float v) {
  const bool want_nan = v != v;
  const __m256 vv = _mm256_set1_ps(v);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 a = _mm256_loadu_ps(x + i);
    __m256 hit = want_nan ? _mm256_cmp_ps(a, a, _CMP_UNORD_Q) : _mm256_cmp_ps(a, vv, _CMP_EQ_OQ);
    if (_mm256_movemask_ps(hit)) break;
  }
  return i;
}
__attribute__((target("avx2"))) inline int64_t find_block_avx2(const double* x, int64_t n,
                                                               double v) {
  const bool want_nan = v != v;
  const __m256d vv = _mm256_set1_pd(v);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d a = _mm256_loadu_pd(x + i);
    __m256d hit = want_nan ? _mm256_cmp_pd(a, a, _CMP_UNORD_Q) : _mm256_cmp_pd(a, vv, _CMP_EQ_OQ);
    if (_mm256_movemask_pd(hit)) break;
  }
  return i;
}
#endif

// First i in [0, n) with x[i] == v, or with x[i] NaN when v is NaN; n if none.
template <class T>
inline int64_t find_first(const T* x, int64_t n, T v) {
  int64_t i = 0;
  const bool want_nan = v != v;
#if MT_REDUCE_AVX2
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    if (have_avx2()) {
      i = find_block_avx2(x, n, v);
      for (; i < n; ++i)
        if (want_nan ? x[i] != x[i] : x[i] == v) return i;
      return n;
    }
  }
#endif
#if MT_REDUCE_SSE2
  if constexpr (std::is_same_v<T, float>) {
    const __m128 vv = _mm_set1_ps(v);
    for (; i + 4 <= n; i += 4) {
      __m128 a = _mm_loadu_ps(x + i);
      __m128 hit = want_nan ? _mm_cmpunord_ps(a, a) : _mm_cmpeq_ps(a, vv);
      if (_mm_movemask_ps(hit)) break;
    }
  }
#endif
  for (; i < n; ++i)
    if (want_nan ? x[i] != x[i] : x[i] == v) return i;
  return n;
}

#if MT_REDUCE_SSE2
// exp of 4 floats (Cephes expf's polynomial; the 2^n scale is applied in two
// halves so results down to the subnormal range are right).
inline __m128 exp4(__m128 x) {
  const __m128 hi = _mm_set1_ps(88.72283935546875f), lo = _mm_set1_ps(-103.972084045410f);
  __m128 xc = _mm_min_ps(_mm_max_ps(x, lo), hi);  // NaN becomes lo here; fixed below
  __m128i n = _mm_cvtps_epi32(_mm_mul_ps(xc, _mm_set1_ps(1.44269504088896341f)));
  __m128 nf = _mm_cvtepi32_ps(n);
  __m128 r = _mm_sub_ps(xc, _mm_mul_ps(nf, _mm_set1_ps(0.693359375f)));
  r = _mm_sub_ps(r, _mm_mul_ps(nf, _mm_set1_ps(-2.12194440e-4f)));
  __m128 p = _mm_set1_ps(1.9875691500e-4f);
  p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.3981999507e-3f));
  p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(8.3334519073e-3f));
  p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(4.1665795894e-2f));
  p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.6666665459e-1f));
  p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(5.0000001201e-1f));
  p = _mm_add_ps(_mm_add_ps(_mm_mul_ps(_mm_mul_ps(p, r), r), r), _mm_set1_ps(1.0f));
  __m128i n1 = _mm_srai_epi32(n, 1);
  __m128i n2 = _mm_sub_epi32(n, n1);
  const __m128i bias = _mm_set1_epi32(127);
  __m128 s1 = _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(n1, bias), 23));
  __m128 s2 = _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(n2, bias), 23));
  __m128 res = _mm_mul_ps(_mm_mul_ps(p, s1), s2);
  __m128 over = _mm_cmpgt_ps(x, hi), under = _mm_cmplt_ps(x, lo), nan = _mm_cmpunord_ps(x, x);
  res = _mm_or_ps(_mm_andnot_ps(over, res),
                  _mm_and_ps(over, _mm_set1_ps(std::numeric_limits<float>::infinity())));
  res = _mm_andnot_ps(under, res);
  return _mm_or_ps(_mm_andnot_ps(nan, res), _mm_and_ps(nan, x));
}
#endif

// y[i] = exp(x[i] - m) for contiguous x, y (y may be null); returns the sum
// of those values in double.
inline double exp_shift_sum(const float* x, float* y, int64_t n, float m) {
  double sum = 0;
  int64_t i = 0;
#if MT_REDUCE_SSE2
  const __m128 mv = _mm_set1_ps(m);
  __m128 acc = _mm_setzero_ps();
  for (int64_t blk = 0; i + 4 <= n; i += 4) {
    __m128 e = exp4(_mm_sub_ps(_mm_loadu_ps(x + i), mv));
    if (y) _mm_storeu_ps(y + i, e);
    acc = _mm_add_ps(acc, e);
    if (++blk == 64) {  // flush to double every 256 values to keep the sum accurate
      alignas(16) float a[4];
      _mm_store_ps(a, acc);
      sum += (static_cast<double>(a[0]) + a[1]) + (static_cast<double>(a[2]) + a[3]);
      acc = _mm_setzero_ps();
      blk = 0;
    }
  }
  alignas(16) float a[4];
  _mm_store_ps(a, acc);
  sum += (static_cast<double>(a[0]) + a[1]) + (static_cast<double>(a[2]) + a[3]);
#endif
  for (; i < n; ++i) {
    float e = std::exp(x[i] - m);
    if (y) y[i] = e;
    sum += e;
  }
  return sum;
}

}  // namespace mt::cpu::red::simd
