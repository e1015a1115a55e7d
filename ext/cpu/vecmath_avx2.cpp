// vecmath_avx2.cpp: hand-written AVX2+FMA (and AVX-512F) tanh and sigmoid.
//
// Note [Hand-written tanh and sigmoid]
// libmvec's AVX2 tanhf runs at about 2.5x NumPy's time and its AVX-512 one at
// 1.1x, and sigmoid written on libmvec's exp (a separate pass through a stack
// buffer, then a division pass) falls short of PyTorch's, so float32 tanh and
// sigmoid have their own kernels here, one pass over the data, with
// n = round(y / ln 2) from adding 1.5 * 2^23 and r = y - n ln 2.
//   tanh(x) = sign(x) * -m / (2 + m), m = expm1(-2a), a = |x| capped at 10
//   (tanh rounds to 1 above 9.01): one form for the whole range, since
//   expm1(y) = 2^n (r + r^2 Q(r)) + (2^n - 1) keeps its relative accuracy
//   near 0 (Q of degree 4 fitted for expm1 on |r| <= ln 2 / 2, 0.24 ULP;
//   n in [-29, 0], so one reduction constant suffices). tanh(+-0) = +-0,
//   denormals return themselves, NaN gives NaN. float64 tanh has the same
//   form (a capped at 20, Q the Taylor series to r^11).
//   sigmoid(x) = (x < 0 ? e : 1) / (1 + e), e = exp(-|x|), the form of the
//   generic kernel (no overflow, tiny results keep their digits); exp(r) =
//   1 + r + r^2 Q(r) (Q of degree 4, 0.06 ULP), r in two parts (Cody-Waite),
//   and 2^n in two factors 2^(n/2), 2^(n - n/2) in vectors with a lane below
//   -87, so results in the denormal range are rounded once.
// AVX-512F forms do the same operations on 16 lanes (same results) for the
// AVX-512 level: on Zen 4 that is 1.4x faster although the FMA throughput
// per value is the same (fewer instructions to issue).
// The kernels are bound by the two FMA pipes (about 10 multiply/FMA
// operations and one division per vector). The result depends only on the
// input value (a partial vector at the end of a run is padded). Chosen at the
// AVX2 and AVX-512 levels (vecmath.cpp), on CPUs with AVX2 and FMA (AVX-512F
// for the 16-lane tanh); measured errors are in docs/design.md.
#include "vecmath_avx2.h"

#include <immintrin.h>

#include <cstring>

namespace mt::cpu::vecmath::avx2 {
namespace {

#define MT_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

// exp(y) for y in [-110, 20] (callers clamp). Tiny: y may be below -87,
// where 2^n is applied in two factors so that a denormal result is rounded
// once; otherwise n is added to p's exponent field (p is in [0.7, 1.42]).
// n = round(y / ln 2) comes from adding 1.5 * 2^23 (whose low mantissa bits
// then hold n). A NaN y gives an unspecified value: callers blend NaN back.
template <bool Tiny>
MT_AVX2 __m256 exp_ps(__m256 y) {
  const __m256 shifter = _mm256_set1_ps(12582912.0f);
  const __m256 k = _mm256_fmadd_ps(y, _mm256_set1_ps(1.44269504088896341f), shifter);
  const __m256 n = _mm256_sub_ps(k, shifter);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), y);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 q = _mm256_set1_ps(0.0013751408180418467f);
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.008368919081647441f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.041669533395562716f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.16666518437203998f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.49999988592958267f));
  const __m256i pb = _mm256_castps_si256(
      _mm256_add_ps(_mm256_fmadd_ps(q, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f)));
  if constexpr (!Tiny)
    return _mm256_castsi256_ps(_mm256_add_epi32(pb, _mm256_slli_epi32(_mm256_castps_si256(k), 23)));
  const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(k), _mm256_castps_si256(shifter));
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256 pn1 = _mm256_castsi256_ps(_mm256_add_epi32(pb, _mm256_slli_epi32(n1, 23)));
  const __m256 s2 =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23));
  return _mm256_mul_ps(pn1, s2);
}

// tanh(a) = -m / (2 + m), m = expm1(-2a) (a = |x| capped at 10): one form
// for the whole range, as expm1 keeps its relative accuracy near 0.
// expm1(y) = 2^n (r + r^2 Q(r)) + (2^n - 1), Q fitted for expm1's relative
// error (0.24 ULP) on |r| <= ln 2 / 2; n is in [-29, 0].
MT_AVX2 __m256 tanh_ps(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 a = _mm256_andnot_ps(sign, x);
  const __m256 ac = _mm256_min_ps(a, _mm256_set1_ps(10.0f));  // NaN: blended back below
  const __m256 y = _mm256_xor_ps(_mm256_add_ps(ac, ac), sign);
  const __m256 shifter = _mm256_set1_ps(12582912.0f);
  const __m256 k = _mm256_fmadd_ps(y, _mm256_set1_ps(1.44269504088896341f), shifter);
  const __m256 n = _mm256_sub_ps(k, shifter);
  // one-constant reduction: |n| <= 29, and the error n (ln 2 - float(ln 2))
  // matters only where e^y is small next to the result (below 0.05 ULP)
  const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693147180559945f), y);
  __m256 q = _mm256_set1_ps(0.0013858161814099546f);
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.00836667537947296f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.04166759649408293f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.16666541976206584f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.49999996747788766f));
  const __m256 rq = _mm256_fmadd_ps(q, _mm256_mul_ps(r, r), r);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 s2n = _mm256_castsi256_ps(
      _mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(k), 23), _mm256_castps_si256(one)));
  const __m256 m = _mm256_fmadd_ps(s2n, rq, _mm256_sub_ps(s2n, one));
  const __m256 t = _mm256_div_ps(m, _mm256_add_ps(_mm256_set1_ps(2.0f), m));
  const __m256 res = _mm256_or_ps(_mm256_andnot_ps(sign, t), _mm256_and_ps(sign, x));
  return _mm256_blendv_ps(res, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

template <bool Tiny>
MT_AVX2 __m256 sigmoid_ps(__m256 x) {
  const __m256 na = _mm256_or_ps(x, _mm256_set1_ps(-0.0f));  // -|x|
  const __m256 e = exp_ps<Tiny>(_mm256_max_ps(na, _mm256_set1_ps(-110.0f)));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 num = _mm256_blendv_ps(one, e, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
  const __m256 r = _mm256_div_ps(num, _mm256_add_ps(one, e));
  return _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}
// The two forms of exp give the same bits where the result is normal, so
// taking the cheaper one for vectors without a tiny lane changes no result.
MT_AVX2 __m256 sigmoid_any(__m256 x) {
  const __m256 na = _mm256_or_ps(x, _mm256_set1_ps(-0.0f));  // -|x|
  const __m256 below = _mm256_cmp_ps(na, _mm256_set1_ps(-87.0f), _CMP_LT_OQ);
  return _mm256_testz_ps(below, below) ? sigmoid_ps<false>(x) : sigmoid_ps<true>(x);
}

template <__m256 (*F)(__m256)>
__attribute__((target("avx2,fma"))) void run(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    _mm256_storeu_ps(y + i, F(a));
    _mm256_storeu_ps(y + i + 8, F(b));
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float buf[8] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    _mm256_storeu_ps(buf, F(_mm256_loadu_ps(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}

// float64 tanh, the same form: a capped at 20 (tanh rounds to 1 above
// 18.7, n in [-58, 0]), Q the Taylor series of (expm1(r) - r) / r^2 to
// r^11 (0.1 ULP on |r| <= ln 2 / 2).
#define MT_TANH_D_COEFS                                                                   \
  {1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, \
   1.0 / 720,       1.0 / 120,      1.0 / 24,      1.0 / 6,      1.0 / 2}
MT_AVX2 __m256d tanh_pd(__m256d x) {
  static constexpr double kQ[] = MT_TANH_D_COEFS;
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d a = _mm256_andnot_pd(sign, x);
  const __m256d ac = _mm256_min_pd(a, _mm256_set1_pd(20.0));  // NaN: blended back below
  const __m256d y = _mm256_xor_pd(_mm256_add_pd(ac, ac), sign);
  const __m256d shifter = _mm256_set1_pd(6755399441055744.0);  // 1.5 * 2^52
  const __m256d k = _mm256_fmadd_pd(y, _mm256_set1_pd(1.4426950408889634), shifter);
  const __m256d n = _mm256_sub_pd(k, shifter);
  const __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(0.6931471805599453), y);
  __m256d q = _mm256_set1_pd(1.0 / 6227020800);
  for (double c : kQ) q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(c));
  const __m256d rq = _mm256_fmadd_pd(q, _mm256_mul_pd(r, r), r);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d s2n = _mm256_castsi256_pd(
      _mm256_add_epi64(_mm256_slli_epi64(_mm256_castpd_si256(k), 52), _mm256_castpd_si256(one)));
  const __m256d m = _mm256_fmadd_pd(s2n, rq, _mm256_sub_pd(s2n, one));
  const __m256d t = _mm256_div_pd(m, _mm256_add_pd(_mm256_set1_pd(2.0), m));
  const __m256d res = _mm256_or_pd(_mm256_andnot_pd(sign, t), _mm256_and_pd(sign, x));
  return _mm256_blendv_pd(res, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
}
__attribute__((target("avx2,fma"))) void run_tanh_d(const double* x, double* y, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, tanh_pd(_mm256_loadu_pd(x + i)));
  if (i < n) {
    double buf[4] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(double));
    _mm256_storeu_pd(buf, tanh_pd(_mm256_loadu_pd(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(double));
  }
}

// The same tanh on 16 lanes (AVX-512F), for the AVX-512 level: the same
// operations in the same order, so the same results as tanh_ps.
#define MT_AVX512 __attribute__((target("avx512f"), always_inline)) inline
MT_AVX512 __m512 tanh_ps16(__m512 x) {
  const __m512i signi = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  const __m512i xi = _mm512_castps_si512(x);
  const __m512i absi = _mm512_set1_epi32(0x7fffffff);  // and, not andnot (GCC 12 warns)
  const __m512 a = _mm512_castsi512_ps(_mm512_and_si512(absi, xi));
  const __mmask16 all = 0xffff;  // maskz forms: GCC 12 warns on the plain ones (undefined src)
  const __m512 ac = _mm512_maskz_min_ps(all, a, _mm512_set1_ps(10.0f));
  const __m512 y =
      _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(_mm512_add_ps(ac, ac)), signi));
  const __m512 shifter = _mm512_set1_ps(12582912.0f);
  const __m512 k = _mm512_fmadd_ps(y, _mm512_set1_ps(1.44269504088896341f), shifter);
  const __m512 n = _mm512_sub_ps(k, shifter);
  const __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693147180559945f), y);
  __m512 q = _mm512_set1_ps(0.0013858161814099546f);
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.00836667537947296f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.04166759649408293f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.16666541976206584f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.49999996747788766f));
  const __m512 rq = _mm512_fmadd_ps(q, _mm512_mul_ps(r, r), r);
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 s2n = _mm512_castsi512_ps(_mm512_add_epi32(
      _mm512_maskz_slli_epi32(all, _mm512_castps_si512(k), 23), _mm512_castps_si512(one)));
  const __m512 m = _mm512_fmadd_ps(s2n, rq, _mm512_sub_ps(s2n, one));
  const __m512 t = _mm512_div_ps(m, _mm512_add_ps(_mm512_set1_ps(2.0f), m));
  const __m512i res =
      _mm512_or_si512(_mm512_and_si512(absi, _mm512_castps_si512(t)), _mm512_and_si512(signi, xi));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), _mm512_castsi512_ps(res), x);
}
MT_AVX512 __m512d tanh_pd8(__m512d x) {
  static constexpr double kQ[] = MT_TANH_D_COEFS;
  const __mmask8 all = 0xff;
  const __m512i absi = _mm512_set1_epi64(0x7fffffffffffffffLL);
  const __m512i signi = _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ULL));
  const __m512i xi = _mm512_castpd_si512(x);
  const __m512d a = _mm512_castsi512_pd(_mm512_and_si512(absi, xi));
  const __m512d ac = _mm512_maskz_min_pd(all, a, _mm512_set1_pd(20.0));
  const __m512d y =
      _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(_mm512_add_pd(ac, ac)), signi));
  const __m512d shifter = _mm512_set1_pd(6755399441055744.0);
  const __m512d k = _mm512_fmadd_pd(y, _mm512_set1_pd(1.4426950408889634), shifter);
  const __m512d n = _mm512_sub_pd(k, shifter);
  const __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(0.6931471805599453), y);
  __m512d q = _mm512_set1_pd(1.0 / 6227020800);
  for (double c : kQ) q = _mm512_fmadd_pd(q, r, _mm512_set1_pd(c));
  const __m512d rq = _mm512_fmadd_pd(q, _mm512_mul_pd(r, r), r);
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d s2n = _mm512_castsi512_pd(_mm512_add_epi64(
      _mm512_maskz_slli_epi64(all, _mm512_castpd_si512(k), 52), _mm512_castpd_si512(one)));
  const __m512d m = _mm512_fmadd_pd(s2n, rq, _mm512_sub_pd(s2n, one));
  const __m512d t = _mm512_div_pd(m, _mm512_add_pd(_mm512_set1_pd(2.0), m));
  const __m512i res =
      _mm512_or_si512(_mm512_and_si512(absi, _mm512_castpd_si512(t)), _mm512_and_si512(signi, xi));
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q), _mm512_castsi512_pd(res), x);
}
__attribute__((target("avx512f"))) void run_tanh_d8(const double* x, double* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, tanh_pd8(_mm512_loadu_pd(x + i)));
  if (i < n) {
    const __mmask8 mk = static_cast<__mmask8>((1u << (n - i)) - 1);
    _mm512_mask_storeu_pd(y + i, mk, tanh_pd8(_mm512_maskz_loadu_pd(mk, x + i)));
  }
}

// sigmoid on 16 lanes: sigmoid_ps's operations (same results).
template <bool Tiny>
MT_AVX512 __m512 sigmoid_ps16(__m512 x) {
  const __mmask16 all = 0xffff;  // maskz forms, as in tanh_ps16
  const __m512i xi = _mm512_castps_si512(x);
  const __m512 na =
      _mm512_castsi512_ps(_mm512_or_si512(xi, _mm512_set1_epi32(static_cast<int>(0x80000000u))));
  const __m512 y = _mm512_maskz_max_ps(all, na, _mm512_set1_ps(-110.0f));
  const __m512 shifter = _mm512_set1_ps(12582912.0f);
  const __m512 k = _mm512_fmadd_ps(y, _mm512_set1_ps(1.44269504088896341f), shifter);
  const __m512 n = _mm512_sub_ps(k, shifter);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), y);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 q = _mm512_set1_ps(0.0013751408180418467f);
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.008368919081647441f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.041669533395562716f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.16666518437203998f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.49999988592958267f));
  const __m512i pb = _mm512_castps_si512(
      _mm512_add_ps(_mm512_fmadd_ps(q, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f)));
  __m512 e;
  if constexpr (!Tiny) {
    e = _mm512_castsi512_ps(
        _mm512_add_epi32(pb, _mm512_maskz_slli_epi32(all, _mm512_castps_si512(k), 23)));
  } else {
    const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(k), _mm512_castps_si512(shifter));
    const __m512i n1 = _mm512_maskz_srai_epi32(all, ni, 1);
    const __m512i n2 = _mm512_sub_epi32(ni, n1);
    const __m512 pn1 =
        _mm512_castsi512_ps(_mm512_add_epi32(pb, _mm512_maskz_slli_epi32(all, n1, 23)));
    const __m512 s2 = _mm512_castsi512_ps(
        _mm512_maskz_slli_epi32(all, _mm512_add_epi32(n2, _mm512_set1_epi32(127)), 23));
    e = _mm512_mul_ps(pn1, s2);
  }
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 num =
      _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), one, e);
  const __m512 res = _mm512_div_ps(num, _mm512_add_ps(one, e));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), res, x);
}
MT_AVX512 __m512 sigmoid_any16(__m512 x) {
  const __m512 na = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32(static_cast<int>(0x80000000u))));
  return _mm512_cmp_ps_mask(na, _mm512_set1_ps(-87.0f), _CMP_LT_OQ) ? sigmoid_ps16<true>(x)
                                                                    : sigmoid_ps16<false>(x);
}

template <__m512 (*F)(__m512)>
__attribute__((target("avx512f"))) void run16(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 mk = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, mk, F(_mm512_maskz_loadu_ps(mk, x + i)));
  }
}
#undef MT_AVX512
#undef MT_TANH_D_COEFS

#undef MT_AVX2

}  // namespace

void tanh_f(const float* x, float* y, int64_t n) { run<tanh_ps>(x, y, n); }
void tanh_f16(const float* x, float* y, int64_t n) { run16<tanh_ps16>(x, y, n); }
void sigmoid_f16(const float* x, float* y, int64_t n) { run16<sigmoid_any16>(x, y, n); }
void tanh_d(const double* x, double* y, int64_t n) { run_tanh_d(x, y, n); }
void tanh_d8(const double* x, double* y, int64_t n) { run_tanh_d8(x, y, n); }
void sigmoid_f(const float* x, float* y, int64_t n) { run<sigmoid_any>(x, y, n); }

}  // namespace mt::cpu::vecmath::avx2
