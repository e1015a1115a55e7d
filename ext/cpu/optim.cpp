// optim.cpp: CPU kernels of the fused optimizer steps (Note [Fused optimizer
// steps] in ext/core/functors/optim.h). One pass over each parameter's
// elements; the iterator splits the work across threads like any
// elementwise kernel (every element is independent).
#include "../core/functors/optim.h"
#include "elementwise_loops.h"

namespace mt::cpu {
namespace {

template <typename T>
T* at(char* p, int64_t s, int64_t i) {
  return reinterpret_cast<T*>(p + i * s);
}

void sgd_step(const TensorIter& it, const SgdStep& s) {
  dispatch_elem<kFloat>(it.dtype(0), "sgd_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    const functors::SgdUpdate<T> f(s);
    it.for_each([&f](int64_t n, char** p, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) {
        T* pp = at<T>(p[0], st[0], i);
        T* pb = at<T>(p[2], st[2], i);
        M param = static_cast<M>(*pp), buf = static_cast<M>(*pb);
        f(param, static_cast<M>(*at<T>(p[1], st[1], i)), buf);
        if (f.has_momentum) *pb = static_cast<T>(buf);
        *pp = static_cast<T>(param);
      }
    });
  });
}

void adam_step(const TensorIter& it, const AdamStep& s) {
  dispatch_elem<kFloat>(it.dtype(0), "adam_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    const functors::AdamUpdate<T> f(s);
    it.for_each([&f](int64_t n, char** p, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) {
        T* pp = at<T>(p[0], st[0], i);
        T* pm = at<T>(p[2], st[2], i);
        T* pv = at<T>(p[3], st[3], i);
        T* pvmax = at<T>(p[4], st[4], i);
        M param = static_cast<M>(*pp), m = static_cast<M>(*pm), v = static_cast<M>(*pv);
        M vmax = static_cast<M>(*pvmax);
        f(param, static_cast<M>(*at<T>(p[1], st[1], i)), m, v, vmax);
        *pm = static_cast<T>(m);
        *pv = static_cast<T>(v);
        if (f.amsgrad) *pvmax = static_cast<T>(vmax);
        *pp = static_cast<T>(param);
      }
    });
  });
}

void rmsprop_step(const TensorIter& it, const RmspropStep& s) {
  dispatch_elem<kFloat>(it.dtype(0), "rmsprop_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    const functors::RmspropUpdate<T> f(s);
    it.for_each([&f](int64_t n, char** p, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) {
        T* pp = at<T>(p[0], st[0], i);
        T* psq = at<T>(p[2], st[2], i);
        T* pga = at<T>(p[3], st[3], i);
        T* pbuf = at<T>(p[4], st[4], i);
        M param = static_cast<M>(*pp), sq = static_cast<M>(*psq);
        M ga = static_cast<M>(*pga), buf = static_cast<M>(*pbuf);
        f(param, static_cast<M>(*at<T>(p[1], st[1], i)), sq, ga, buf);
        *psq = static_cast<T>(sq);
        if (f.centered) *pga = static_cast<T>(ga);
        if (f.has_momentum) *pbuf = static_cast<T>(buf);
        *pp = static_cast<T>(param);
      }
    });
  });
}

void adagrad_step(const TensorIter& it, const AdagradStep& s) {
  dispatch_elem<kFloat>(it.dtype(0), "adagrad_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using M = opmath_t<T>;
    const functors::AdagradUpdate<T> f(s);
    it.for_each([&f](int64_t n, char** p, const int64_t* st) {
      for (int64_t i = 0; i < n; ++i) {
        T* pp = at<T>(p[0], st[0], i);
        T* ps = at<T>(p[2], st[2], i);
        M param = static_cast<M>(*pp), sum = static_cast<M>(*ps);
        f(param, static_cast<M>(*at<T>(p[1], st[1], i)), sum);
        *ps = static_cast<T>(sum);
        *pp = static_cast<T>(param);
      }
    });
  });
}

}  // namespace

void register_optim(KernelTable& t) {
  t.sgd_step = sgd_step;
  t.adam_step = adam_step;
  t.rmsprop_step = rmsprop_step;
  t.adagrad_step = adagrad_step;
}

}  // namespace mt::cpu
