// vecmath_avx2.cpp: hand-written AVX2+FMA float32 tanh and sigmoid.
//
// Note [Hand-written tanh and sigmoid]
// libmvec's AVX2 tanhf runs at about 2.5x NumPy's time, and sigmoid written
// on libmvec's exp (a separate pass through a stack buffer, then a division
// pass) falls short of PyTorch's, so float32 tanh and sigmoid have their own
// AVX2+FMA kernels here, in one pass over the data. Both rest on one exp for
// arguments in [-110, 20]: n = round(y / ln 2), r = y - n ln 2 in two parts
// (Cody-Waite), exp(r) = 1 + r + r^2 Q(r) with a degree-4 Q fitted on
// |r| <= ln 2 / 2 (0.06 ULP), and 2^n applied as two factors 2^(n/2) and
// 2^(n - n/2), so results in the denormal range are rounded once.
//   tanh(x) = sign(x) * t(|x|), t(a) = a + a^3 P(a^2) for a < 0.625 (P of
//   degree 4, 0.08 ULP), else 1 - 2 / (exp(2a) + 1), with a capped at 10
//   (tanh(a) rounds to 1 above 9.01; there 2^n is one factor);
//   tanh(+-0) = +-0, denormals return themselves, NaN gives NaN.
//   sigmoid(x) = (x < 0 ? e : 1) / (1 + e), e = exp(-|x|), the form of the
//   generic kernel (no overflow, tiny results keep their digits).
// The result depends only on the input value (a partial vector at the end of
// a run is padded). Chosen at the AVX2 and AVX-512 levels (vecmath.cpp), on
// CPUs with AVX2 and FMA; measured errors are in docs/design.md.
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

MT_AVX2 __m256 tanh_ps(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 a = _mm256_andnot_ps(sign, x);
  // small: a + a^3 P(a^2)
  const __m256 u = _mm256_mul_ps(a, a);
  __m256 p = _mm256_set1_ps(-0.005691935767037191f);
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(0.020626248665072778f));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(-0.05373530610208539f));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(0.13331381207586657f));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(-0.3333327920317817f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(a, u), p, a);
  // large: 1 - 2 / (exp(2a) + 1)
  const __m256 ac = _mm256_min_ps(a, _mm256_set1_ps(10.0f));
  const __m256 e = exp_ps<false>(_mm256_add_ps(ac, ac));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 large =
      _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  const __m256 t =
      _mm256_blendv_ps(large, small, _mm256_cmp_ps(a, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
  const __m256 r = _mm256_or_ps(t, _mm256_and_ps(sign, x));
  return _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
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

#undef MT_AVX2

}  // namespace

void tanh_f(const float* x, float* y, int64_t n) { run<tanh_ps>(x, y, n); }
void sigmoid_f(const float* x, float* y, int64_t n) { run<sigmoid_any>(x, y, n); }

}  // namespace mt::cpu::vecmath::avx2
