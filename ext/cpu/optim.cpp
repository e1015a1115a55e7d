// optim.cpp: CPU kernels of the fused optimizer steps (Note [Fused optimizer
// steps] in ext/core/functors/optim.h). One pass over each parameter's
// elements; the iterator splits the work across threads like any
// elementwise kernel (every element is independent).
#include <array>
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

void adam_step(const TensorIter& it, const AdamStep& s) {
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
