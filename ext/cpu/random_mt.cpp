// random_mt.cpp: the CPU samplers of random_mt.h.
//
// Note [CPU random streams]
// On the CPU every random function draws from an mt19937 engine
// (core/random_mt.h) exactly as PyTorch 2.13's CPU generator does, so the same
// seed and call sequence give PyTorch's numbers:
// - uniforms: float32 and the 16-bit floats keep 24 bits of one 32-bit draw,
//   float64 53 bits of two (high word first); uniform_(a, b) is one fused
//   multiply-add in float (PyTorch's build contracts it), plain in double;
// - normals: a contiguous tensor of 16 or more elements is filled with
//   uniforms, then Box-Muller over blocks of 16 (8 radii, 8 angles), the
//   ragged tail redrawing the last 16; float32 uses PyTorch's AVX2 Cephes-style
//   log/sincos (normal16_avx2, bit-equal in our tests, 2 ulp promised),
//   float16/bfloat16 draw per block in float; otherwise the scalar double
//   path with the cached second value, as do log_normal_;
// - random_/randint: x % range + from on one draw, on two once the range
//   reaches 2^28; randperm: PyTorch's forward swap for n < 2^32/20;
//   multinomial: with replacement a CDF binary search per draw, without (or
//   one sample) the exponential trick (p / Exp(1), then argmax/topk) in
//   minitorch/_random.py; poisson: PyTorch's transformed-rejection sampler.
// The Philox generator of core/random.h stays for other devices. Which
// engine a call draws from is cpu_generator(): the default one, or the
// Generator passed as generator= (ext/python/ops_random.cpp).
#include "random_mt.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "../core/error.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MT_RNG_AVX2 1
#endif

namespace mt::cpu::rng {

namespace {

template <typename T>
constexpr int digits() {
  if constexpr (std::is_same_v<T, Half>)
    return 11;
  else if constexpr (std::is_same_v<T, BFloat16>)
    return 8;
  else
    return std::numeric_limits<T>::digits;
}
template <typename T>
constexpr bool is_float_v =
    std::is_floating_point_v<T> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// uniform_real_distribution<double>(0, 1): 53 bits of random64().
inline double u01_double(MTEngine& e) { return e.uniform_double(); }
// The float uniform (24 bits of random()); 16-bit floats draw it too.
inline float u01_float(MTEngine& e) { return e.uniform_float(); }

// ---- normal ----

// normal_fill_16 in T's own arithmetic (the portable path).
template <typename T>
void normal16(T* d, T mean, T stdv) {
  using A = opmath_t<T>;
  for (int j = 0; j < 8; ++j) {
    const T u1 = static_cast<T>(static_cast<A>(1) - static_cast<A>(d[j]));
    const T u2 = d[j + 8];
    const T radius = static_cast<T>(std::sqrt(static_cast<A>(-2) * std::log(static_cast<A>(u1))));
    const T theta = static_cast<T>(2.0f * M_PI * static_cast<double>(u2));
    const A r = static_cast<A>(radius), th = static_cast<A>(theta);
    // (PyTorch's build fuses the final multiply-add)
    d[j] = static_cast<T>(std::fma(r * std::cos(th), static_cast<A>(stdv), static_cast<A>(mean)));
    d[j + 8] =
        static_cast<T>(std::fma(r * std::sin(th), static_cast<A>(stdv), static_cast<A>(mean)));
  }
}

#if MT_RNG_AVX2
// PyTorch's AVX2 float path: Cephes-style log and sincos over 8 lanes
// (float32 results agree with PyTorch's within 2 ulp).
#define MT_AVX2 __attribute__((target("avx2,fma")))
MT_AVX2 inline __m256 log8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  x = _mm256_max_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x00800000)));
  __m256i e_i = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(~0x7f800000)));
  x = _mm256_or_ps(x, _mm256_set1_ps(0.5f));
  e_i = _mm256_sub_epi32(e_i, _mm256_set1_epi32(0x7f));
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(e_i), one);
  __m256 mask = _mm256_cmp_ps(x, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OS);
  __m256 tmp = _mm256_and_ps(x, mask);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, mask));
  x = _mm256_add_ps(x, tmp);
  __m256 z = _mm256_mul_ps(x, x);
  static const float p[9] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                             -1.2420140846E-1f, 1.4249322787E-1f,  -1.6668057665E-1f,
                             2.0000714765E-1f,  -2.4999993993E-1f, 3.3333331174E-1f};
  __m256 y = _mm256_set1_ps(p[0]);
  for (int k = 1; k < 9; ++k) y = _mm256_add_ps(_mm256_mul_ps(y, x), _mm256_set1_ps(p[k]));
  y = _mm256_mul_ps(y, x);
  y = _mm256_mul_ps(y, z);
  y = _mm256_add_ps(y, _mm256_mul_ps(e, _mm256_set1_ps(-2.12194440e-4f)));
  y = _mm256_sub_ps(y, _mm256_mul_ps(z, _mm256_set1_ps(0.5f)));
  x = _mm256_add_ps(x, y);
  return _mm256_add_ps(x, _mm256_mul_ps(e, _mm256_set1_ps(0.693359375f)));
}
MT_AVX2 inline void sincos8(__m256 x, __m256* s, __m256* c) {
  const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(0x80000000u)));
  __m256 sign_sin = _mm256_and_ps(x, sign);
  x = _mm256_andnot_ps(sign, x);
  __m256 y = _mm256_mul_ps(x, _mm256_set1_ps(1.27323954473516f));
  __m256i q = _mm256_cvttps_epi32(y);
  q = _mm256_and_si256(_mm256_add_epi32(q, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
  y = _mm256_cvtepi32_ps(q);
  __m256 swap_sin =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(q, _mm256_set1_epi32(4)), 29));
  __m256 poly = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(q, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, _mm256_set1_ps(-0.78515625f)));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, _mm256_set1_ps(-2.4187564849853515625e-4f)));
  x = _mm256_add_ps(x, _mm256_mul_ps(y, _mm256_set1_ps(-3.77489497744594108e-8f)));
  __m256i qc = _mm256_andnot_si256(_mm256_sub_epi32(q, _mm256_set1_epi32(2)), _mm256_set1_epi32(4));
  __m256 sign_cos = _mm256_castsi256_ps(_mm256_slli_epi32(qc, 29));
  sign_sin = _mm256_xor_ps(sign_sin, swap_sin);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 yc = _mm256_set1_ps(2.443315711809948E-005f);
  yc = _mm256_add_ps(_mm256_mul_ps(yc, z), _mm256_set1_ps(-1.388731625493765E-003f));
  yc = _mm256_add_ps(_mm256_mul_ps(yc, z), _mm256_set1_ps(4.166664568298827E-002f));
  yc = _mm256_mul_ps(_mm256_mul_ps(yc, z), z);
  yc = _mm256_sub_ps(yc, _mm256_mul_ps(z, _mm256_set1_ps(0.5f)));
  yc = _mm256_add_ps(yc, _mm256_set1_ps(1.0f));
  __m256 ys = _mm256_set1_ps(-1.9515295891E-4f);
  ys = _mm256_add_ps(_mm256_mul_ps(ys, z), _mm256_set1_ps(8.3321608736E-3f));
  ys = _mm256_add_ps(_mm256_mul_ps(ys, z), _mm256_set1_ps(-1.6666654611E-1f));
  ys = _mm256_mul_ps(_mm256_mul_ps(ys, z), x);
  ys = _mm256_add_ps(ys, x);
  __m256 s2 = _mm256_and_ps(poly, ys), s1 = _mm256_andnot_ps(poly, yc);
  ys = _mm256_sub_ps(ys, s2);
  yc = _mm256_sub_ps(yc, s1);
  *s = _mm256_xor_ps(_mm256_add_ps(s1, s2), sign_sin);
  *c = _mm256_xor_ps(_mm256_add_ps(yc, ys), sign_cos);
}
MT_AVX2 void normal16_avx2(float* d, int64_t blocks, float mean, float stdv) {
  const __m256 two_pi = _mm256_set1_ps(static_cast<float>(2.0f * M_PI));
  const __m256 one = _mm256_set1_ps(1.0f), minus_two = _mm256_set1_ps(-2.0f);
  const __m256 m = _mm256_set1_ps(mean), sd = _mm256_set1_ps(stdv);
  for (int64_t b = 0; b < blocks; ++b, d += 16) {
    __m256 u1 = _mm256_sub_ps(one, _mm256_loadu_ps(d));
    __m256 u2 = _mm256_loadu_ps(d + 8);
    __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, log8(u1)));
    __m256 theta = _mm256_mul_ps(two_pi, u2);
    __m256 s, c;
    sincos8(theta, &s, &c);
    _mm256_storeu_ps(d, _mm256_fmadd_ps(_mm256_mul_ps(radius, c), sd, m));
    _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, s), sd, m));
  }
}
#undef MT_AVX2
bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}
#endif

void normal_blocks_float(float* d, int64_t blocks, float mean, float stdv) {
#if MT_RNG_AVX2
  if (have_avx2()) return normal16_avx2(d, blocks, mean, stdv);
#endif
  for (int64_t b = 0; b < blocks; ++b) normal16<float>(d + 16 * b, mean, stdv);
}

// Uniforms in [0, 1) as normal_fill draws them: float's 24 bits for float
// and the 16-bit floats, 53 bits for double.
template <typename T>
void uniforms01(MTEngine& e, T* p, int64_t n) {
  if constexpr (std::is_same_v<T, double>) {
    for (int64_t i = 0; i < n; ++i) p[i] = e.uniform_double();
  } else {
    constexpr int64_t kChunk = 1024;
    uint32_t buf[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      int64_t m = n - i < kChunk ? n - i : kChunk;
      e.random_n(buf, m);
      for (int64_t k = 0; k < m; ++k)
        p[i + k] = static_cast<T>(static_cast<float>(buf[k] & 0xffffffu) * (1.0f / 16777216.0f));
    }
  }
}

template <typename T>
void normal_dense(MTEngine& e, T* p, int64_t n, double mean, double stdv) {
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    // 16-bit floats: float blocks, each drawing its own 16 uniforms (the
    // ragged tail redraws the last 16), then rounded.
    const float m = static_cast<float>(mean), s = static_cast<float>(stdv);
    std::vector<float> buf(static_cast<size_t>(n));
    for (int64_t i = 0; i + 16 <= n; i += 16) {
      uniforms01(e, buf.data() + i, 16);
      normal_blocks_float(buf.data() + i, 1, m, s);
    }
    if (n % 16 != 0) {
      uniforms01(e, buf.data() + n - 16, 16);
      normal_blocks_float(buf.data() + n - 16, 1, m, s);
    }
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(buf[i]);
  } else {
    const T m = static_cast<T>(mean), s = static_cast<T>(stdv);
    uniforms01(e, p, n);
    auto blocks = [&](T* d, int64_t k) {
      if constexpr (std::is_same_v<T, float>)
        normal_blocks_float(d, k, m, s);
      else
        for (int64_t b = 0; b < k; ++b) normal16<T>(d + 16 * b, m, s);
    };
    blocks(p, n / 16);
    if (n % 16 != 0) {  // redraw the last 16 values
      T* tail = p + n - 16;
      uniforms01(e, tail, 16);
      blocks(tail, 1);
    }
  }
}

template <typename T>
T from_int64(int64_t v) {
  if constexpr (std::is_same_v<T, bool>)
    return v != 0;
  else
    return static_cast<T>(v);
}

template <typename T>
void fill_typed(MTEngine& e, Dist d, T* o, int64_t n, double a, double b, bool dense) {
  switch (d) {
    case Dist::Uniform:
      if constexpr (is_float_v<T>) {
        if constexpr (std::is_same_v<T, double>) {
          for (int64_t i = 0; i < n; ++i) o[i] = e.uniform_double() * (b - a) + a;
        } else {
          const float from = static_cast<float>(a);
          const float span = static_cast<float>(b) - from;
          if constexpr (std::is_same_v<T, float>) {
            uniforms01(e, o, n);
            if (from != 0.0f || span != 1.0f)
              for (int64_t i = 0; i < n; ++i) o[i] = std::fma(o[i], span, from);
          } else {
            for (int64_t i = 0; i < n; ++i)
              o[i] = static_cast<T>(std::fma(u01_float(e), span, from));
          }
        }
      }
      return;
    case Dist::Normal:
      if constexpr (is_float_v<T>) {
        if (dense && n >= 16) return normal_dense<T>(e, o, n, a, b);
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(std::fma(e.normal_double(), b, a));
      }
      return;
    case Dist::Full64:
      for (int64_t i = 0; i < n; ++i) o[i] = from_int64<T>(static_cast<int64_t>(e.random64()));
      return;
    case Dist::Bits:
      for (int64_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<T, bool>) {
          o[i] = (e.random() & 1u) != 0;
        } else if constexpr (std::is_same_v<T, double>) {
          o[i] = static_cast<double>(e.random64() % ((uint64_t{1} << 53) + 1));
        } else if constexpr (std::is_same_v<T, int64_t>) {
          o[i] = static_cast<int64_t>(e.random64() % (uint64_t{1} << 63));
        } else if constexpr (is_float_v<T>) {
          o[i] =
              static_cast<T>(static_cast<float>(e.random() % ((uint32_t{1} << digits<T>()) + 1)));
        } else {
          o[i] = static_cast<T>(e.random() %
                                (static_cast<uint64_t>(std::numeric_limits<T>::max()) + 1));
        }
      }
      return;
    case Dist::Bernoulli:
      for (int64_t i = 0; i < n; ++i) o[i] = from_int64<T>(e.uniform_double() < a ? 1 : 0);
      return;
    case Dist::Exponential:
      if constexpr (is_float_v<T>)
        for (int64_t i = 0; i < n; ++i)
          o[i] = static_cast<T>(-1.0 / a * std::log1p(-e.uniform_double()));
      return;
    case Dist::Cauchy:
      if constexpr (is_float_v<T>)
        for (int64_t i = 0; i < n; ++i)
          o[i] = static_cast<T>(std::fma(b, std::tan(M_PI * (e.uniform_double() - 0.5)), a));
      return;
    case Dist::LogNormal:
      if constexpr (is_float_v<T>)
        for (int64_t i = 0; i < n; ++i)
          o[i] = static_cast<T>(std::exp(std::fma(e.normal_double(), b, a)));
      return;
    case Dist::Geometric:
      if constexpr (!std::is_same_v<T, bool>) {
        const double lq = std::log(1.0 - a);
        for (int64_t i = 0; i < n; ++i)
          o[i] = static_cast<T>(std::ceil(std::log(e.uniform_double()) / lq));
      }
      return;
    case Dist::FromTo:
      return;  // fill_from_to
  }
}

}  // namespace

void fill(MTEngine& e, Dist d, char* out, int64_t n, DType dt, double a, double b, bool dense) {
  if (n <= 0) return;
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    fill_typed<T>(e, d, reinterpret_cast<T*>(out), n, a, b, dense);
  });
}

void fill_from_to(MTEngine& e, char* out, int64_t n, DType dt, uint64_t range, int64_t base) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    // PyTorch 2.13 draws 64 bits once the range reaches 2^28, for every dtype
    if (range >= (uint64_t{1} << 28)) {
      for (int64_t i = 0; i < n; ++i)
        o[i] =
            from_int64<T>(static_cast<int64_t>(e.random64() % range + static_cast<uint64_t>(base)));
    } else {
      for (int64_t i = 0; i < n; ++i)
        o[i] = from_int64<T>(static_cast<int64_t>(static_cast<uint64_t>(e.random()) % range +
                                                  static_cast<uint64_t>(base)));
    }
  });
}

void randperm(MTEngine& e, char* out, int64_t n, DType dt) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, bool>) {
      T* o = reinterpret_cast<T*>(out);
      if (n < static_cast<int64_t>(std::numeric_limits<uint32_t>::max() / 20)) {
        // PyTorch's small-n shuffle: swap i with a draw from [i, n).
        std::vector<int64_t> r(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) r[i] = i;
        for (int64_t i = 0; i < n - 1; ++i) {
          int64_t z = static_cast<int64_t>(e.random() % static_cast<uint64_t>(n - i));
          std::swap(r[i], r[z + i]);
        }
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(r[i]);
      } else {
        // inside-out Fisher-Yates on 64-bit draws
        std::vector<int64_t> r(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
          int64_t z = static_cast<int64_t>(e.random64() % static_cast<uint64_t>(i + 1));
          r[i] = r[z];
          r[z] = i;
        }
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(r[i]);
      }
    }
  });
}

namespace {
template <typename T, typename A>
void multinomial_rows(MTEngine& e, const T* p, int64_t n_dist, int64_t n_cat, int64_t n_sample,
                      int64_t* out) {
  std::vector<A> cum(static_cast<size_t>(n_cat));
  for (int64_t i = 0; i < n_dist; ++i) {
    A sum = 0;
    for (int64_t j = 0; j < n_cat; ++j) {
      A v = static_cast<A>(p[i * n_cat + j]);
      MT_CHECK(v >= 0, "invalid multinomial distribution (encountering probability entry < 0)");
      MT_CHECK(std::isfinite(v),
               "invalid multinomial distribution (encountering probability entry = infinity or "
               "NaN)");
      sum += v;
      cum[j] = sum;
    }
    MT_CHECK(sum > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
    for (int64_t j = 0; j < n_cat; ++j) cum[j] /= sum;
    cum[n_cat - 1] = 1;
    for (int64_t j = 0; j < n_sample; ++j) {
      double u = e.uniform_double();
      int64_t lo = 0, hi = n_cat;
      while (hi - lo > 0) {
        int64_t mid = lo + (hi - lo) / 2;
        if (static_cast<double>(cum[mid]) < u)
          lo = mid + 1;
        else
          hi = mid;
      }
      out[i * n_sample + j] = lo;
    }
  }
}
}  // namespace

void multinomial_with_replacement(MTEngine& e, const char* probs, DType pdt, int64_t n_dist,
                                  int64_t n_cat, int64_t n_sample, int64_t* out) {
  switch (pdt) {
    case DType::Float32:
      return multinomial_rows<float, float>(e, reinterpret_cast<const float*>(probs), n_dist, n_cat,
                                            n_sample, out);
    case DType::Float64:
      return multinomial_rows<double, double>(e, reinterpret_cast<const double*>(probs), n_dist,
                                              n_cat, n_sample, out);
    case DType::Float16:
      return multinomial_rows<Half, float>(e, reinterpret_cast<const Half*>(probs), n_dist, n_cat,
                                           n_sample, out);
    case DType::BFloat16:
      return multinomial_rows<BFloat16, float>(e, reinterpret_cast<const BFloat16*>(probs), n_dist,
                                               n_cat, n_sample, out);
    default:
      MT_THROW(RuntimeError, "multinomial only supports floating-point dtypes for input, got: ",
               info(pdt).torch_name);
  }
}

namespace {
int64_t sample_poisson(MTEngine& e, double lambda) {
  if (lambda >= 10) {
    // transformed rejection (Hoermann 1993), as PyTorch samples it
    const double slam = std::sqrt(lambda), loglam = std::log(lambda);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double U = e.uniform_double() - 0.5;
      double V = e.uniform_double();
      double us = 0.5 - std::fabs(U);
      auto k = static_cast<int64_t>(std::floor((2 * a / us + b) * U + lambda + 0.43));
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if ((std::log(V) + std::log(invalpha) - std::log(a / (us * us) + b)) <=
          (-lambda + static_cast<double>(k) * loglam - std::lgamma(static_cast<double>(k) + 1)))
        return k;
    }
  }
  if (lambda == 0) return 0;
  const double enlam = std::exp(-lambda);
  int64_t x = 0;
  double prod = 1.0;
  while (true) {
    prod *= e.uniform_double();
    if (prod > enlam)
      x += 1;
    else
      return x;
  }
}
}  // namespace

void poisson(MTEngine& e, const double* lam, char* out, int64_t n, DType dt) {
  for (int64_t i = 0; i < n; ++i)
    MT_CHECK(lam[i] >= 0, "invalid Poisson rate, expected rate to be non-negative");
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = reinterpret_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(sample_poisson(e, lam[i]));
  });
}

}  // namespace mt::cpu::rng
