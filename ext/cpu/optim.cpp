// optim.cpp: CPU kernels of the fused optimizer steps (Note [Fused optimizer
// steps] in ext/core/functors/optim.h). One pass over each parameter's
// elements; the iterator splits the work across threads like any
// elementwise kernel (every element is independent).
#include <array>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <utility>

#include "../core/functors/optim.h"
#include "elementwise_loops.h"

namespace mt::cpu {
namespace {

template <typename T>
T* at(char* p, int64_t s, int64_t i) {
  return reinterpret_cast<T*>(p + i * s);
}

// The one loop of every update rule. Operands: [param (output), grad, K state
// tensors]. Each element is loaded into opmath, the functor `f(param, grad,
// state...)` updates param and the state in place, and state k is stored back
// only when store[k] (a state the step does not use may alias another one).
template <typename T, size_t K, typename F, size_t... I>
void run_update(const TensorIter& it, const F& f, const std::array<bool, K>& store,
                std::index_sequence<I...>) {
  using M = opmath_t<T>;
  it.for_each([&f, &store](int64_t n, char** p, const int64_t* st) {
    for (int64_t i = 0; i < n; ++i) {
      T* pp = at<T>(p[0], st[0], i);
      M param = static_cast<M>(*pp);
      M state[K] = {static_cast<M>(*at<T>(p[2 + I], st[2 + I], i))...};
      f(param, static_cast<M>(*at<T>(p[1], st[1], i)), state[I]...);
      ((store[I] ? void(*at<T>(p[2 + I], st[2 + I], i) = static_cast<T>(state[I])) : void()), ...);
      *pp = static_cast<T>(param);
    }
  });
}

// Dispatches on the parameter dtype and runs Rule<T>(opts) over the iterator.
template <template <typename> class Rule, typename Opts, size_t K>
void update(const TensorIter& it, const Opts& opts, const char* name,
            const std::array<bool, K>& store) {
  dispatch_elem<kFloat>(it.dtype(0), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    run_update<T, K>(it, Rule<T>(opts), store, std::make_index_sequence<K>{});
  });
}

void sgd_step(const TensorIter& it, const SgdStep& s) {
  update<functors::SgdUpdate>(it, s, "sgd_step", std::array<bool, 1>{s.momentum != 0});
}

// Note [Vectorised Adam]
// GCC leaves the generic loop above scalar for Adam (the rule's flag branches
// and sqrtf's errno call: "control flow in loop"), 6 ns an element against
// PyTorch's 1.8. For float32 without amsgrad or maximize, runs over
// contiguous operands take the loops below instead: the same operations in
// the same order as AdamUpdate (so the same bits; no FMA contraction on the
// baseline x86-64 target), with the weight-decay mode and lerp's branch
// fixed per loop, four lanes at a time in SSE2 (sqrtps, divps: exactly
// rounded like their scalar forms). Other runs (strided operands) keep the
// rule's loop.
enum class Decay { kNone, kDecoupled, kL2 };

template <Decay D, bool kLowWeight>
void adam_f32_run(int64_t n, float* __restrict__ p, const float* __restrict__ g,
                  float* __restrict__ m, float* __restrict__ v,
                  const functors::AdamUpdate<float>& f) {
  const float decay = f.decay, wd = f.weight_decay, w = f.one_minus_beta1, beta2 = f.beta2,
              omb2 = f.one_minus_beta2, eps = f.eps, neg = f.neg_step_size, bc2 = f.bc2_sqrt;
  int64_t i = 0;
#if defined(__SSE2__)
  // Four lanes at a time; each SSE operation rounds exactly as its scalar one.
  const __m128 vdecay = _mm_set1_ps(decay), vwd = _mm_set1_ps(wd), vw = _mm_set1_ps(w),
               vomw = _mm_set1_ps(1.0f - w), vbeta2 = _mm_set1_ps(beta2), vomb2 = _mm_set1_ps(omb2),
               veps = _mm_set1_ps(eps), vneg = _mm_set1_ps(neg), vbc2 = _mm_set1_ps(bc2);
  for (; i + 4 <= n; i += 4) {
    __m128 pv = _mm_loadu_ps(p + i), gv = _mm_loadu_ps(g + i);
    if constexpr (D == Decay::kDecoupled) pv = _mm_mul_ps(pv, vdecay);
    if constexpr (D == Decay::kL2) gv = _mm_add_ps(gv, _mm_mul_ps(vwd, pv));
    const __m128 mv = _mm_loadu_ps(m + i), d = _mm_sub_ps(gv, mv);
    const __m128 mn =
        kLowWeight ? _mm_add_ps(mv, _mm_mul_ps(vw, d)) : _mm_sub_ps(gv, _mm_mul_ps(d, vomw));
    const __m128 vn =
        _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(v + i), vbeta2), _mm_mul_ps(_mm_mul_ps(vomb2, gv), gv));
    const __m128 denom = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vn), vbc2), veps);
    _mm_storeu_ps(m + i, mn);
    _mm_storeu_ps(v + i, vn);
    _mm_storeu_ps(p + i, _mm_add_ps(pv, _mm_div_ps(_mm_mul_ps(vneg, mn), denom)));
  }
#endif
  for (; i < n; ++i) {
    float pv = p[i], gv = g[i];
    if constexpr (D == Decay::kDecoupled) pv = pv * decay;
    if constexpr (D == Decay::kL2) gv = gv + wd * pv;
    const float mv = m[i];
    const float mn = kLowWeight ? mv + w * (gv - mv) : gv - (gv - mv) * (1.0f - w);
    const float vn = v[i] * beta2 + omb2 * gv * gv;
    const float denom = std::sqrt(vn) / bc2 + eps;
    m[i] = mn;
    v[i] = vn;
    p[i] = pv + neg * mn / denom;
  }
}

template <Decay D>
void adam_f32_dispatch(int64_t n, char** ptr, const functors::AdamUpdate<float>& f) {
  auto* p = reinterpret_cast<float*>(ptr[0]);
  auto* g = reinterpret_cast<const float*>(ptr[1]);
  auto* m = reinterpret_cast<float*>(ptr[2]);
  auto* v = reinterpret_cast<float*>(ptr[3]);
  const float w = f.one_minus_beta1, aw = w < 0.0f ? -w : w;
  if (aw < 0.5f)
    adam_f32_run<D, true>(n, p, g, m, v, f);
  else
    adam_f32_run<D, false>(n, p, g, m, v, f);
}

void adam_f32(const TensorIter& it, const AdamStep& s) {
  const functors::AdamUpdate<float> f(s);
  const Decay d = f.weight_decay == 0.0f ? Decay::kNone
                  : f.decoupled          ? Decay::kDecoupled
                                         : Decay::kL2;
  it.for_each([&f, d](int64_t n, char** ptr, const int64_t* st) {
    constexpr int64_t kF = sizeof(float);
    if (st[0] == kF && st[1] == kF && st[2] == kF && st[3] == kF && ptr[2] != ptr[3]) {
      if (d == Decay::kNone) return adam_f32_dispatch<Decay::kNone>(n, ptr, f);
      if (d == Decay::kDecoupled) return adam_f32_dispatch<Decay::kDecoupled>(n, ptr, f);
      return adam_f32_dispatch<Decay::kL2>(n, ptr, f);
    }
    for (int64_t i = 0; i < n; ++i) {  // the rule's loop (run_update), amsgrad off
      float* pp = at<float>(ptr[0], st[0], i);
      float* mp = at<float>(ptr[2], st[2], i);
      float* vp = at<float>(ptr[3], st[3], i);
      float pv = *pp, mv = *mp, vv = *vp, unused = vv;
      f(pv, *at<float>(ptr[1], st[1], i), mv, vv, unused);
      *mp = mv;
      *vp = vv;
      *pp = pv;
    }
  });
}

void adam_step(const TensorIter& it, const AdamStep& s) {
  if (it.dtype(0) == DType::Float32 && !s.amsgrad && !s.maximize) return adam_f32(it, s);
  update<functors::AdamUpdate>(it, s, "adam_step", std::array<bool, 3>{true, true, s.amsgrad});
}

void rmsprop_step(const TensorIter& it, const RmspropStep& s) {
  update<functors::RmspropUpdate>(it, s, "rmsprop_step",
                                  std::array<bool, 3>{true, s.centered, s.momentum > 0});
}

void adagrad_step(const TensorIter& it, const AdagradStep& s) {
  update<functors::AdagradUpdate>(it, s, "adagrad_step", std::array<bool, 1>{true});
}

void adamax_step(const TensorIter& it, const AdamaxStep& s) {
  update<functors::AdamaxUpdate>(it, s, "adamax_step", std::array<bool, 2>{true, true});
}

void nadam_step(const TensorIter& it, const NadamStep& s) {
  update<functors::NadamUpdate>(it, s, "nadam_step", std::array<bool, 2>{true, true});
}

void radam_step(const TensorIter& it, const RadamStep& s) {
  update<functors::RadamUpdate>(it, s, "radam_step", std::array<bool, 2>{true, true});
}

}  // namespace

void register_optim(KernelTable& t) {
  t.sgd_step = sgd_step;
  t.adam_step = adam_step;
  t.rmsprop_step = rmsprop_step;
  t.adagrad_step = adagrad_step;
  t.adamax_step = adamax_step;
  t.nadam_step = nadam_step;
  t.radam_step = radam_step;
}

}  // namespace mt::cpu
