// functions_pool.cpp: the one-node autograd of pooling (Note [Fused pooling]
// in ext/ops/pool.cpp).
#include "pool.h"

#include "formulas.h"

namespace mt::ag {

namespace {

// The node's copy of the parameters: d0 = kernel, stride, padding, dilation,
// out (nd values each; the first four empty when adaptive); d1 = the input's
// sizes; i[0] = nd, i[1] = max | adaptive << 1 | count_include_pad << 2,
// i[2] = divisor. Saved: the indices (max).
void store(FnNode& n, const ops::PoolParams& p, const Dims& in_sizes) {
  const int64_t nd = static_cast<int64_t>(in_sizes.size()) - 2;
  for (const Dims* v : {&p.kernel, &p.stride, &p.padding, &p.dilation, &p.out})
    for (int64_t k = 0; k < nd; ++k)
      n.d0.push_back(k < static_cast<int64_t>(v->size()) ? (*v)[k] : 0);
  n.d1 = in_sizes;
  n.i[0] = nd;
  n.i[1] = int64_t{p.max} | int64_t{p.adaptive} << 1 | int64_t{p.count_include_pad} << 2;
  n.i[2] = p.divisor;
}

ops::PoolParams load(const FnNode& n) {
  const int64_t nd = n.i[0];
  auto get = [&](int64_t k) {
    Dims d;
    for (int64_t j = 0; j < nd; ++j) d.push_back(n.d0[k * nd + j]);
    return d;
  };
  ops::PoolParams p;
  p.max = n.i[1] & 1;
  p.adaptive = (n.i[1] >> 1) & 1;
  p.count_include_pad = (n.i[1] >> 2) & 1;
  p.divisor = n.i[2];
  if (!p.adaptive) {
    p.kernel = get(0);
    p.stride = get(1);
    p.padding = get(2);
    p.dilation = get(3);
  }
  p.out = get(4);
  return p;
}

std::vector<Tensor> pool_backward(FnNode& n, std::vector<Tensor>& g) {
  // Under create_graph the formulas run with grad mode on: this node's
  // gradient comes from a fused kernel that records nothing.
  if (grad_enabled())
    MT_THROW(RuntimeError, n.name(),
             ": double backward through pooling is not supported (backward with "
             "create_graph=True)");
  std::vector<Tensor> r(1);
  if (!g[0] || !n.needs(0)) return r;
  const ops::PoolParams p = load(n);
  r[0] = ops::pool_backward(g[0], n.d1, p.max ? n.saved_at(0) : Tensor(), p);
  return r;
}

}  // namespace

std::array<Tensor, 2> pool(const Tensor& input, const ops::PoolParams& p) {
  std::array<Tensor, 2> r = ops::pool(input, p);
  if (!should_record(input.get())) return r;
  const char* name = p.max ? (p.adaptive ? "AdaptiveMaxPoolBackward0" : "MaxPoolBackward0")
                           : (p.adaptive ? "AdaptiveAvgPoolBackward0" : "AvgPoolBackward0");
  Ptr<FnNode> n = make_node(name, pool_backward, {input.get()});
  store(*n, p, input->sizes());
  if (p.max) save(*n, r[1]);
  set_history(r[0], *n);
  return r;
}

}  // namespace mt::ag
