// vecmath.cpp: see Note [Vector math] in vecmath.h.
#include "vecmath.h"
#include "vecmath_avx2.h"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace mt::cpu::vecmath {
namespace {

constexpr int kNumFns = static_cast<int>(Fn::kCount);
constexpr int64_t kBlock = 256;  // composites work through stack buffers of this size

// libmvec's base names, in Fn order.
constexpr const char* kNames[kNumFns] = {
    "exp",  "exp2", "expm1", "log",  "log2", "log10", "log1p", "sin",   "cos", "tan", "asin",
    "acos", "atan", "sinh",  "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "erfc"};

using ScalarF = float (*)(float);
using ScalarD = double (*)(double);
constexpr ScalarF kScalarF[kNumFns] = {::expf,   ::exp2f, ::expm1f, ::logf,  ::log2f,  ::log10f,
                                       ::log1pf, ::sinf,  ::cosf,   ::tanf,  ::asinf,  ::acosf,
                                       ::atanf,  ::sinhf, ::coshf,  ::tanhf, ::asinhf, ::acoshf,
                                       ::atanhf, ::erff,  ::erfcf};
constexpr ScalarD kScalarD[kNumFns] = {::exp,  ::exp2, ::expm1, ::log,   ::log2,  ::log10, ::log1p,
                                       ::sin,  ::cos,  ::tan,   ::asin,  ::acos,  ::atan,  ::sinh,
                                       ::cosh, ::tanh, ::asinh, ::acosh, ::atanh, ::erf,   ::erfc};

// ---- one runner per level: the whole run through the vector function ----
// The last partial vector is padded with zeros (AVX-512: masked lanes), so
// every element goes through the same vector code.

void run_b_f(void* s, const float* x, float* y, int64_t n) {
  auto f = reinterpret_cast<__m128 (*)(__m128)>(s);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(y + i, f(_mm_loadu_ps(x + i)));
  if (i < n) {
    float buf[4] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    _mm_storeu_ps(buf, f(_mm_loadu_ps(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}
void run_b_d(void* s, const double* x, double* y, int64_t n) {
  auto f = reinterpret_cast<__m128d (*)(__m128d)>(s);
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, f(_mm_loadu_pd(x + i)));
  if (i < n) {
    double buf[2] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(double));
    _mm_storeu_pd(buf, f(_mm_loadu_pd(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(double));
  }
}

__attribute__((target("avx2,fma"))) void run_d_f(void* s, const float* x, float* y, int64_t n) {
  auto f = reinterpret_cast<__m256 (*)(__m256)>(s);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float buf[8] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    _mm256_storeu_ps(buf, f(_mm256_loadu_ps(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}
__attribute__((target("avx2,fma"))) void run_d_d(void* s, const double* x, double* y, int64_t n) {
  auto f = reinterpret_cast<__m256d (*)(__m256d)>(s);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, f(_mm256_loadu_pd(x + i)));
  if (i < n) {
    double buf[4] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(double));
    _mm256_storeu_pd(buf, f(_mm256_loadu_pd(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(double));
  }
}

__attribute__((target("avx512f"))) void run_e_f(void* s, const float* x, float* y, int64_t n) {
  auto f = reinterpret_cast<__m512 (*)(__m512)>(s);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, f(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}
__attribute__((target("avx512f"))) void run_e_d(void* s, const double* x, double* y, int64_t n) {
  auto f = reinterpret_cast<__m512d (*)(__m512d)>(s);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, f(_mm512_loadu_pd(x + i)));
  if (i < n) {
    const __mmask8 m = static_cast<__mmask8>((1u << (n - i)) - 1);
    _mm512_mask_storeu_pd(y + i, m, f(_mm512_maskz_loadu_pd(m, x + i)));
  }
}

// Two-argument runners (pow with a broadcast exponent).
void run2_b_f(void* s, const float* x, float e, float* y, int64_t n) {
  auto f = reinterpret_cast<__m128 (*)(__m128, __m128)>(s);
  const __m128 ev = _mm_set1_ps(e);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(y + i, f(_mm_loadu_ps(x + i), ev));
  if (i < n) {
    float buf[4] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    _mm_storeu_ps(buf, f(_mm_loadu_ps(buf), ev));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}
void run2_b_d(void* s, const double* x, double e, double* y, int64_t n) {
  auto f = reinterpret_cast<__m128d (*)(__m128d, __m128d)>(s);
  const __m128d ev = _mm_set1_pd(e);
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, f(_mm_loadu_pd(x + i), ev));
  if (i < n) {
    double buf[2] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(double));
    _mm_storeu_pd(buf, f(_mm_loadu_pd(buf), ev));
    std::memcpy(y + i, buf, (n - i) * sizeof(double));
  }
}
__attribute__((target("avx2,fma"))) void run2_d_f(void* s, const float* x, float e, float* y,
                                                  int64_t n) {
  auto f = reinterpret_cast<__m256 (*)(__m256, __m256)>(s);
  const __m256 ev = _mm256_set1_ps(e);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i), ev));
  if (i < n) {
    float buf[8] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    _mm256_storeu_ps(buf, f(_mm256_loadu_ps(buf), ev));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}
__attribute__((target("avx2,fma"))) void run2_d_d(void* s, const double* x, double e, double* y,
                                                  int64_t n) {
  auto f = reinterpret_cast<__m256d (*)(__m256d, __m256d)>(s);
  const __m256d ev = _mm256_set1_pd(e);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, f(_mm256_loadu_pd(x + i), ev));
  if (i < n) {
    double buf[4] = {};
    std::memcpy(buf, x + i, (n - i) * sizeof(double));
    _mm256_storeu_pd(buf, f(_mm256_loadu_pd(buf), ev));
    std::memcpy(y + i, buf, (n - i) * sizeof(double));
  }
}
__attribute__((target("avx512f"))) void run2_e_f(void* s, const float* x, float e, float* y,
                                                 int64_t n) {
  auto f = reinterpret_cast<__m512 (*)(__m512, __m512)>(s);
  const __m512 ev = _mm512_set1_ps(e);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, f(_mm512_loadu_ps(x + i), ev));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i), ev));
  }
}
__attribute__((target("avx512f"))) void run2_e_d(void* s, const double* x, double e, double* y,
                                                 int64_t n) {
  auto f = reinterpret_cast<__m512d (*)(__m512d, __m512d)>(s);
  const __m512d ev = _mm512_set1_pd(e);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, f(_mm512_loadu_pd(x + i), ev));
  if (i < n) {
    const __mmask8 m = static_cast<__mmask8>((1u << (n - i)) - 1);
    _mm512_mask_storeu_pd(y + i, m, f(_mm512_maskz_loadu_pd(m, x + i), ev));
  }
}

struct Impl {
  void* vf[kNumFns] = {};  // vector symbols of the chosen level (null: scalar libm)
  void* vd[kNumFns] = {};
  void (*run_f)(void*, const float*, float*, int64_t) = nullptr;
  void (*run_d)(void*, const double*, double*, int64_t) = nullptr;
  void* pow_f = nullptr;  // pow (two vector arguments)
  void* pow_d = nullptr;
  void (*run2_f)(void*, const float*, float, float*, int64_t) = nullptr;
  void (*run2_d)(void*, const double*, double, double*, int64_t) = nullptr;
  const char* level = "scalar";
  // the AVX2+FMA float32 tanh and sigmoid (vecmath_avx2.cpp)
  bool hand_tanh = false;
  bool wide16 = false;  // hand-written kernels on 16 lanes
  bool hand_sigmoid = false;
};

int level_cap() {  // 0 scalar, 1 sse2, 2 avx2, 3 avx512
  const char* env = std::getenv("MINITORCH_VECMATH");
  if (!env || !*env) return 3;
  std::string v(env);
  if (v == "scalar") return 0;
  if (v == "sse2") return 1;
  if (v == "avx2") return 2;
  return 3;
}

Impl make_impl() {
  Impl impl;
  int lvl = level_cap();
  __builtin_cpu_init();
  if (lvl >= 3 && !(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")))
    lvl = 2;
  if (lvl >= 2 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) lvl = 1;
  // Note [Hand-written tanh and sigmoid] (they need no libmvec): both at
  // the AVX2 and AVX-512 levels, on 16 lanes at the AVX-512 level.
  impl.hand_tanh = lvl >= 2;
  impl.wide16 = lvl >= 3;
  impl.hand_sigmoid = lvl >= 2;
  if (lvl == 0) return impl;
  // Never closed: the symbols are used for the life of the process.
  void* lib = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return impl;
  static constexpr char kIsa[] = {'b', 'd', 'e'};
  static constexpr int kWidthF[] = {4, 8, 16};
  const int k = lvl - 1;
  bool all = true;
  for (int i = 0; i < kNumFns && all; ++i) {
    std::string f =
        std::string("_ZGV") + kIsa[k] + "N" + std::to_string(kWidthF[k]) + "v_" + kNames[i] + "f";
    std::string d =
        std::string("_ZGV") + kIsa[k] + "N" + std::to_string(kWidthF[k] / 2) + "v_" + kNames[i];
    impl.vf[i] = dlsym(lib, f.c_str());
    impl.vd[i] = dlsym(lib, d.c_str());
    all = impl.vf[i] && impl.vd[i];
  }
  {
    std::string f = std::string("_ZGV") + kIsa[k] + "N" + std::to_string(kWidthF[k]) + "vv_powf";
    std::string d = std::string("_ZGV") + kIsa[k] + "N" + std::to_string(kWidthF[k] / 2) + "vv_pow";
    impl.pow_f = dlsym(lib, f.c_str());
    impl.pow_d = dlsym(lib, d.c_str());
    all = all && impl.pow_f && impl.pow_d;
  }
  if (!all) {  // an older libmvec (before glibc 2.35 lacks tanh, erf, ...): all scalar
    std::fill(std::begin(impl.vf), std::end(impl.vf), nullptr);
    std::fill(std::begin(impl.vd), std::end(impl.vd), nullptr);
    impl.pow_f = impl.pow_d = nullptr;
    return impl;
  }
  static constexpr const char* kLevel[] = {"sse2", "avx2", "avx512"};
  impl.level = kLevel[k];
  if (k == 0) {
    impl.run_f = run_b_f;
    impl.run_d = run_b_d;
    impl.run2_f = run2_b_f;
    impl.run2_d = run2_b_d;
  } else if (k == 1) {
    impl.run_f = run_d_f;
    impl.run_d = run_d_d;
    impl.run2_f = run2_d_f;
    impl.run2_d = run2_d_d;
  } else {
    impl.run_f = run_e_f;
    impl.run_d = run_e_d;
    impl.run2_f = run2_e_f;
    impl.run2_d = run2_e_d;
  }
  return impl;
}

const Impl& impl() {
  static const Impl i = make_impl();
  return i;
}

// ---- sqrt and rsqrt: exact IEEE operations, so only the instruction set varies ----
// (Written with intrinsics: a plain std::sqrt loop does not vectorise while
// sqrt may set errno.)
template <bool R>
void root_b_f(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128 r = _mm_sqrt_ps(_mm_loadu_ps(x + i));
    _mm_storeu_ps(y + i, R ? _mm_div_ps(_mm_set1_ps(1.0f), r) : r);
  }
  for (; i < n; ++i) y[i] = R ? 1.0f / __builtin_sqrtf(x[i]) : __builtin_sqrtf(x[i]);
}
template <bool R>
void root_b_d(const double* x, double* y, int64_t n) {
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) {
    __m128d r = _mm_sqrt_pd(_mm_loadu_pd(x + i));
    _mm_storeu_pd(y + i, R ? _mm_div_pd(_mm_set1_pd(1.0), r) : r);
  }
  for (; i < n; ++i) y[i] = R ? 1.0 / __builtin_sqrt(x[i]) : __builtin_sqrt(x[i]);
}
template <bool R>
__attribute__((target("avx2,fma"))) void root_d_f(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 r = _mm256_sqrt_ps(_mm256_loadu_ps(x + i));
    _mm256_storeu_ps(y + i, R ? _mm256_div_ps(_mm256_set1_ps(1.0f), r) : r);
  }
  root_b_f<R>(x + i, y + i, n - i);
}
template <bool R>
__attribute__((target("avx2,fma"))) void root_d_d(const double* x, double* y, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d r = _mm256_sqrt_pd(_mm256_loadu_pd(x + i));
    _mm256_storeu_pd(y + i, R ? _mm256_div_pd(_mm256_set1_pd(1.0), r) : r);
  }
  root_b_d<R>(x + i, y + i, n - i);
}
template <bool R>
__attribute__((target("avx512f"))) void root_e_f(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 r = _mm512_maskz_sqrt_ps(static_cast<__mmask16>(0xffff), _mm512_loadu_ps(x + i));
    _mm512_storeu_ps(y + i, R ? _mm512_div_ps(_mm512_set1_ps(1.0f), r) : r);
  }
  root_b_f<R>(x + i, y + i, n - i);
}
template <bool R>
__attribute__((target("avx512f"))) void root_e_d(const double* x, double* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d r = _mm512_maskz_sqrt_pd(static_cast<__mmask8>(0xff), _mm512_loadu_pd(x + i));
    _mm512_storeu_pd(y + i, R ? _mm512_div_pd(_mm512_set1_pd(1.0), r) : r);
  }
  root_b_d<R>(x + i, y + i, n - i);
}

struct Roots {
  void (*sqrt_f)(const float*, float*, int64_t) = root_b_f<false>;
  void (*sqrt_d)(const double*, double*, int64_t) = root_b_d<false>;
  void (*rsqrt_f)(const float*, float*, int64_t) = root_b_f<true>;
  void (*rsqrt_d)(const double*, double*, int64_t) = root_b_d<true>;
};

Roots make_roots() {
  Roots r;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    r = {root_e_f<false>, root_e_d<false>, root_e_f<true>, root_e_d<true>};
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    r = {root_d_f<false>, root_d_d<false>, root_d_f<true>, root_d_d<true>};
  }
  return r;
}

const Roots& roots() {
  static const Roots r = make_roots();
  return r;
}

// ---- composites ----
// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with
// e = exp(-|x|) <= 1: no overflow, and the tiny results of very negative x
// keep their digits (1 / (1 + exp(-x)) would round them to 0).
template <typename T>
void sigmoid_t(const T* x, T* y, int64_t n) {
  T e[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) e[i] = -std::abs(x[b + i]);
    map(Fn::Exp, e, e, m);
    for (int64_t i = 0; i < m; ++i) {
      // one division of a selected numerator: the loop vectorises
      const T v = x[b + i], d = T(1) + e[i];
      y[b + i] = (v < T(0) ? e[i] : T(1)) / d;
    }
  }
}
// silu(x) = x * sigmoid(x), in the same two forms.
// Where e is below the normal range its few digits would make x * e
// inexact; there silu(x) = -exp(x + log(-x)) instead (x = -inf gives NaN, as
// -inf * 0 does).
template <typename T>
void silu_t(const T* x, T* y, int64_t n) {
  T e[kBlock], tiny[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) e[i] = -std::abs(x[b + i]);
    map(Fn::Exp, e, e, m);
    for (int64_t i = 0; i < m; ++i) {
      tiny[i] = T(0);
      if (x[b + i] < T(0) && e[i] < std::numeric_limits<T>::min())
        tiny[i] = -std::exp(x[b + i] + std::log(-x[b + i]));
    }
    for (int64_t i = 0; i < m; ++i) {
      const T v = x[b + i], d = T(1) + e[i];
      const T r = (v < T(0) ? v * e[i] : v) / d;
      y[b + i] = v < T(0) && e[i] < std::numeric_limits<T>::min() ? tiny[i] : r;
    }
  }
}
// gelu(x) = x/2 * (1 + erf(x / sqrt 2)) = x/2 * erfc(-x / sqrt 2), the second
// form without the cancellation of 1 + erf for negative x; the tanh form
// x/2 * (1 + tanh(u)) = x / (1 + exp(-2u)) likewise. In double.
void gelu_d(const double* x, double* y, int64_t n, bool tanh_approx) {
  double t[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    if (tanh_approx) {
      const double k = 0.7978845608028654;  // sqrt(2 / pi)
      for (int64_t i = 0; i < m; ++i) {
        const double v = x[b + i];
        t[i] = -2.0 * (k * (v + 0.044715 * v * v * v));
      }
      map(Fn::Exp, t, t, m);
      for (int64_t i = 0; i < m; ++i) y[b + i] = x[b + i] / (1.0 + t[i]);
    } else {
      for (int64_t i = 0; i < m; ++i) t[i] = -x[b + i] * 0.7071067811865476;
      map(Fn::Erfc, t, t, m);
      for (int64_t i = 0; i < m; ++i) y[b + i] = 0.5 * x[b + i] * t[i];
    }
  }
}
// softplus(x) = x where x * beta > threshold, else log1p(exp(x * beta)) / beta
// (PyTorch's formula).
template <typename T>
void softplus_t(const T* x, T* y, int64_t n, T beta, T threshold) {
  T t[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) t[i] = x[b + i] * beta;
    map(Fn::Exp, t, t, m);
    map(Fn::Log1p, t, t, m);
    for (int64_t i = 0; i < m; ++i) {
      const T v = x[b + i];
      y[b + i] = v * beta > threshold ? v : t[i] / beta;
    }
  }
}

}  // namespace

void map(Fn fn, const float* x, float* y, int64_t n) {
  const Impl& im = impl();
  const int k = static_cast<int>(fn);
  if (fn == Fn::Erf && im.vf[k]) {
    // libmvec's AVX-512 erff reaches 4.0 ULP near |x| = 3.65; through the
    // double erf every level stays within 0.5 ULP.
    double t[kBlock];
    for (int64_t b = 0; b < n; b += kBlock) {
      const int64_t m = std::min(kBlock, n - b);
      for (int64_t i = 0; i < m; ++i) t[i] = x[b + i];
      im.run_d(im.vd[k], t, t, m);
      for (int64_t i = 0; i < m; ++i) y[b + i] = static_cast<float>(t[i]);
    }
    return;
  }
  if (fn == Fn::Tanh && im.hand_tanh)
    return im.wide16 ? avx2::tanh_f16(x, y, n) : avx2::tanh_f(x, y, n);
  if (void* s = im.vf[k]) return im.run_f(s, x, y, n);
  const ScalarF f = kScalarF[k];
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}
void map(Fn fn, const double* x, double* y, int64_t n) {
  const Impl& im = impl();
  const int k = static_cast<int>(fn);
  if (fn == Fn::Tanh && im.hand_tanh)
    return im.wide16 ? avx2::tanh_d8(x, y, n) : avx2::tanh_d(x, y, n);
  if (void* s = im.vd[k]) return im.run_d(s, x, y, n);
  const ScalarD f = kScalarD[k];
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

void pow(const float* x, float e, float* y, int64_t n) {
  const Impl& im = impl();
  if (im.pow_f) return im.run2_f(im.pow_f, x, e, y, n);
  for (int64_t i = 0; i < n; ++i) y[i] = std::pow(x[i], e);
}
void pow(const double* x, double e, double* y, int64_t n) {
  const Impl& im = impl();
  if (im.pow_d) return im.run2_d(im.pow_d, x, e, y, n);
  for (int64_t i = 0; i < n; ++i) y[i] = std::pow(x[i], e);
}

void sqrt(const float* x, float* y, int64_t n) { roots().sqrt_f(x, y, n); }
void sqrt(const double* x, double* y, int64_t n) { roots().sqrt_d(x, y, n); }
void rsqrt(const float* x, float* y, int64_t n) { roots().rsqrt_f(x, y, n); }
void rsqrt(const double* x, double* y, int64_t n) { roots().rsqrt_d(x, y, n); }

void sigmoid(const float* x, float* y, int64_t n) {
  const Impl& im = impl();
  if (im.hand_sigmoid) return im.wide16 ? avx2::sigmoid_f16(x, y, n) : avx2::sigmoid_f(x, y, n);
  sigmoid_t(x, y, n);
}
void sigmoid(const double* x, double* y, int64_t n) { sigmoid_t(x, y, n); }
// float32 silu computes in double: exp(-|x|) of a very negative float x is
// below float's denormals, where x * e would lose all its digits.
void silu(const float* x, float* y, int64_t n) {
  double t[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) t[i] = x[b + i];
    silu_t(t, t, m);
    for (int64_t i = 0; i < m; ++i) y[b + i] = static_cast<float>(t[i]);
  }
}
void silu(const double* x, double* y, int64_t n) { silu_t(x, y, n); }
void gelu(const float* x, float* y, int64_t n, bool tanh_approx) {
  double t[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) t[i] = x[b + i];
    gelu_d(t, t, m, tanh_approx);
    for (int64_t i = 0; i < m; ++i) y[b + i] = static_cast<float>(t[i]);
  }
}
void gelu(const double* x, double* y, int64_t n, bool tanh_approx) { gelu_d(x, y, n, tanh_approx); }
void softplus(const float* x, float* y, int64_t n, float beta, float threshold) {
  softplus_t(x, y, n, beta, threshold);
}
void softplus(const double* x, double* y, int64_t n, double beta, double threshold) {
  softplus_t(x, y, n, beta, threshold);
}

double exp_shift_sum(const float* x, float* y, int64_t n, float m) {
  float buf[kBlock];
  double sum = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t len = std::min(kBlock, n - b);
    float* d = y ? y + b : buf;
    for (int64_t i = 0; i < len; ++i) d[i] = x[b + i] - m;
    map(Fn::Exp, d, d, len);
    float lane[16] = {};
    int64_t i = 0;
    for (; i + 16 <= len; i += 16)
      for (int j = 0; j < 16; ++j) lane[j] += d[i + j];
    for (int j = 0; i < len; ++i, ++j) lane[j] += d[i];
    double part = 0;
    for (int j = 0; j < 16; j += 2) part += static_cast<double>(lane[j]) + lane[j + 1];
    sum += part;
  }
  return sum;
}

const char* level() { return impl().level; }

}  // namespace mt::cpu::vecmath
