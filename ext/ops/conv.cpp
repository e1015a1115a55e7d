// conv.cpp: convolution, transposed convolution, and im2col / col2im
// (unfold / fold) on every device, through the nn table's im2col / col2im
// kernels (core/kernels_nn.h) and the kernel table's batched GEMM
// (gemm_into, ext/ops/matmul.cpp).
//
// Note [Convolution as GEMM]
// A convolution relates a "big" side, images (N, Cb, *S), to a "small" side
// (N, Cs, *L) of window positions, through a weight (Cs, Cb/g, *K) that both
// directions share: a convolution maps its input (big) to its output (small)
// with weight (C_out, C_in/g, *K); a transposed one maps its input (small) to
// its output (big) with weight (C_in, C_out/g, *K), the same layout. Three
// primitives do all the work, group by group (the weight viewed as
// (g, Cs/g, Cb/g * K)):
//   down:  small = W @ im2col(big)           conv forward, conv_transpose's grad_input
//   up:    big = col2im(W^T @ small)         conv's grad_input, conv_transpose forward
//   wgrad: dW = small @ im2col(big)^T        both grad_weights
// Two schedules, chosen from the shapes only. Small samples (one sample's
// GEMMs under kWideSampleWork multiply-adds): each sample is one im2col (or
// col2im) and one GEMM per group written straight into its output, samples
// in parallel_for chunks of `grain`, each chunk with its own column buffer
// (slot), the GEMM kernel called with plain GemmArgs (no tensor is made on a
// worker). Large samples (the wide path): chunks of nb samples whose columns
// lie side by side, ONE GEMM of width nb*L per group, the small side copied
// between (nb, Cs, L) and (Cs, nb*L) around it, the BLAS threading it.
// Measured on the shared machine (docs/performance.md): per-sample GEMMs win
// the small case ~3x, the wide GEMM the large one ~2x (OpenBLAS's own threads
// are slow on small problems under load). Grains depend only on the shapes
// (work per chunk, at most kColBudget elements of buffers), never on the
// thread count; wgrad sums each chunk's samples in order into that chunk's
// partial dW (the wide path: chunk by chunk into dW) and the
// partials in chunk order, so results are the same for every thread count.
#include "conv.h"

#include <algorithm>
#include <sstream>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"

namespace mt::ops {

namespace {

// Elements the column buffer may hold (32 MiB of float32) before the batch
// is split into chunks.
constexpr int64_t kColBudget = int64_t{1} << 23;

const char* tname(DType d) { return info(d).torch_name; }

// The geometry both sides share; spatial lists have nd entries.
struct Geo {
  int nd = 0;
  int64_t N = 0, Cb = 0, Cs = 0, groups = 1;
  Dims S, L, kernel, stride, padding, dilation;
  int64_t K() const { return checked_numel(kernel); }
  int64_t plane_s() const { return checked_numel(S); }
  int64_t plane_l() const { return checked_numel(L); }
  // The kernel's geometry for `channels` planes (dims right-aligned in 3).
  ConvGeom kernel_geom(int64_t channels) const {
    ConvGeom g;
    g.nd = nd;
    g.channels = channels;
    for (int i = 0; i < nd; ++i) {
      const int j = 3 - nd + i;
      g.size[j] = S[i];
      g.kernel[j] = kernel[i];
      g.stride[j] = stride[i];
      g.padding[j] = padding[i];
      g.dilation[j] = dilation[i];
      g.out[j] = L[i];
    }
    return g;
  }
};

const Scalar kOne = Scalar::from_int(1), kZero = Scalar::from_int(0);

// One matrix operand of a grouped GEMM: first element, row / column / group
// strides in elements.
struct Mat {
  char* p;
  int64_t rs, cs, gs;
};

// How the batch is split (Note [Convolution as GEMM]): chunks of `grain`
// samples, one column buffer (slot) per chunk.
struct Split {
  int64_t grain, slots;
};

// Multiply-adds of one sample's GEMMs below which the per-sample chunks have
// several samples (the serial one-sample-at-a-time schedule measured slower
// than both others, so today it is never chosen: see kWideSampleWork).
constexpr int64_t kParallelSampleWork = int64_t{1} << 40;
// Multiply-adds per chunk of samples in the parallel case.
constexpr int64_t kChunkWork = int64_t{1} << 21;
// Multiply-adds of one sample's GEMMs from which the wide path runs.
constexpr int64_t kWideSampleWork = int64_t{1} << 25;
bool wide(const Geo& G) {
  return G.N > 1 && G.Cs * (G.Cb / G.groups) * G.K() * G.plane_l() >= kWideSampleWork;
}

// The pieces of one convolution's work that every sample shares.
struct Job {
  const Geo& G;
  DType dt;
  int64_t isz, CbK, P, cg, bg;  // itemsize, Cb*K, L, Cs/groups, Cb*K/groups
  Split split;
  void (*gemm)(const GemmArgs&);
  void (*im2col)(const ConvGeom&, DType, const char*, int64_t, int64_t, char*);
  void (*col2im)(const ConvGeom&, DType, const char*, int64_t, char*, int64_t);
  ConvGeom kg;

  Job(const Geo& g, const Tensor& like)
      : G(g),
        dt(like->dtype()),
        isz(like->itemsize()),
        CbK(g.Cb * g.K()),
        P(g.plane_l()),
        cg(g.Cs / g.groups),
        bg(g.Cb * g.K() / g.groups),
        kg(g.kernel_geom(g.Cb)) {
    const Device d = like->device();
    gemm = need(kernel_table(d.type).gemm, "convolution", d);
    im2col = need(nn_kernel_table(d.type).im2col, "im2col", d);
    col2im = need(nn_kernel_table(d.type).col2im, "col2im", d);
    const int64_t work = std::max<int64_t>(1, g.Cs * bg * P);
    int64_t grain = work < kParallelSampleWork ? std::max<int64_t>(1, kChunkWork / work) : g.N;
    grain = std::clamp<int64_t>(grain, 1, std::max<int64_t>(g.N, 1));
    // at most kColBudget elements of column buffers in all
    const int64_t per_slot = std::max<int64_t>(1, CbK * P);
    const int64_t max_slots = std::max<int64_t>(1, kColBudget / per_slot);
    int64_t slots = num_chunks(g.N, grain);
    if (slots > max_slots) {
      grain = (g.N + max_slots - 1) / max_slots;
      slots = num_chunks(g.N, grain);
    }
    split = {grain, slots};
  }

  // C[gi] = A[gi] @ B[gi] (+ C[gi] when accumulate) for every group gi.
  void mm(int64_t m, int64_t n, int64_t k, Mat a, Mat b, Mat c, bool accumulate) const {
    GemmArgs ga;
    ga.dtype = dt;
    ga.m = m;
    ga.n = n;
    ga.k = k;
    ga.a = a.p;
    ga.b = b.p;
    ga.c = c.p;
    ga.a_rs = a.rs;
    ga.a_cs = a.cs;
    ga.b_rs = b.rs;
    ga.b_cs = b.cs;
    ga.c_rs = c.rs;
    ga.c_cs = c.cs;
    ga.batch = Dims{G.groups};
    ga.a_bs = Dims{a.gs};
    ga.b_bs = Dims{b.gs};
    ga.c_bs = Dims{c.gs};
    ga.alpha = kOne;
    ga.beta = accumulate ? kOne : kZero;
    gemm(ga);
  }
  // Sample n's image and its column buffer in slot s.
  char* image(const Tensor& big, int64_t n) const {
    return big->data() + n * G.Cb * G.plane_s() * isz;
  }
  char* cols(const Tensor& col, int64_t slot) const { return col->data() + slot * CbK * P * isz; }
  // Sample n of the small side as groups of (Cs/g, L) matrices.
  Mat small_mat(const Tensor& small, int64_t n) const {
    return {small->data() + n * G.Cs * P * isz, P, 1, cg * P};
  }
  Mat col_mat(char* col) const { return {col, P, 1, bg * P}; }
  Mat col_mat_t(char* col) const { return {col, 1, P, bg * P}; }  // (L, Cb*K/g)
  Mat w_mat(const Tensor& w) const { return {w->data(), bg, 1, cg * bg}; }
  Mat w_mat_t(const Tensor& w) const { return {w->data(), 1, bg, cg * bg}; }  // (Cb*K/g, Cs/g)

  // f(n, slot) for every sample, chunk by chunk (Split).
  template <typename F>
  void for_samples(F&& f) const {
    parallel_for(0, G.N, split.grain, [&](int64_t b, int64_t e) {
      for (int64_t n = b; n < e; ++n) f(n, b / split.grain);
    });
  }
};

// ---- the wide path: samples in chunks of nb, ONE GEMM of width nb*L per
// group, the small side copied between (nb, Cs, L) and (Cs, nb*L) around it.
// Used for samples whose GEMMs are large (kWideSampleWork), where it measured
// faster than a GEMM per sample; nb depends on the shapes only.
int64_t wide_chunk(const Geo& G) {
  const int64_t per = std::max<int64_t>(1, G.Cb * G.K() * G.plane_l());
  return std::clamp<int64_t>(kColBudget / per, 1, std::max<int64_t>(G.N, 1));
}

// A contiguous view of `numel(sizes)` elements at the start of buffer t.
Tensor head(const Tensor& t, const Dims& sizes) {
  Dims strides(sizes.size());
  int64_t s = 1;
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    strides[i] = s;
    s *= sizes[i];
  }
  return as_strided(t, sizes, strides, t->offset());
}

// (nb, C, P) view of samples n0.. of a contiguous (N, C, *) tensor.
Tensor samples(const Tensor& t, int64_t n0, int64_t nb, int64_t C, int64_t P) {
  return as_strided(t, {nb, C, P}, {C * P, P, 1}, t->offset() + n0 * C * P);
}

// The small side of samples n0..n0+nb as (g, Cs/g, nb*L): a view of `small`
// when nb = 1, else `buf` (>= Cs * nb * L elements) after copying into it
// (copy_in) or to be copied out by the caller.
Tensor small_block(const Geo& G, const Tensor& small, const Tensor& buf, int64_t n0, int64_t nb,
                   bool copy_in) {
  const int64_t P = G.plane_l(), cg = G.Cs / G.groups;
  if (nb == 1)
    return as_strided(small, {G.groups, cg, P}, {cg * P, P, 1}, small->offset() + n0 * G.Cs * P);
  if (copy_in)
    copy_(as_strided(buf, {nb, G.Cs, P}, {P, nb * P, 1}, buf->offset()),
          samples(small, n0, nb, G.Cs, P));
  return head(buf, {G.groups, cg, nb * P});
}

void wide_im2col(const Geo& G, const Tensor& big, int64_t n0, int64_t nb, const Tensor& col) {
  const int64_t bs = G.Cb * G.plane_s();
  need(nn_kernel_table(big->device().type).im2col, "im2col", big->device())(
      G.kernel_geom(G.Cb), big->dtype(), big->data() + n0 * bs * big->itemsize(), nb, bs,
      col->data());
}

void wide_col2im(const Geo& G, const Tensor& col, const Tensor& big, int64_t n0, int64_t nb) {
  const int64_t bs = G.Cb * G.plane_s();
  need(nn_kernel_table(big->device().type).col2im, "col2im", big->device())(
      G.kernel_geom(G.Cb), big->dtype(), col->data(), nb, big->data() + n0 * bs * big->itemsize(),
      bs);
}

// Note [Convolution as GEMM]. big, w contiguous; small: a new contiguous
// (N, Cs, *L) tensor, written.
void down_wide(const Geo& G, const Tensor& big, const Tensor& w, const Tensor& small) {
  const int64_t nbmax = wide_chunk(G), CbK = G.Cb * G.K(), P = G.plane_l(), g = G.groups;
  Tensor wg = view(w, {g, G.Cs / g, CbK / g});
  Tensor col = empty({CbK * nbmax * P}, big->dtype(), big->device());
  Tensor buf = nbmax > 1 ? empty({G.Cs * nbmax * P}, big->dtype(), big->device()) : Tensor();
  for (int64_t n0 = 0; n0 < G.N; n0 += nbmax) {
    const int64_t nb = std::min(nbmax, G.N - n0);
    wide_im2col(G, big, n0, nb, col);
    Tensor y = small_block(G, small, buf, n0, nb, false);
    gemm_into(y, wg, head(col, {g, CbK / g, nb * P}), kOne, kZero);
    if (nb > 1)
      copy_(samples(small, n0, nb, G.Cs, P),
            as_strided(buf, {nb, G.Cs, P}, {P, nb * P, 1}, buf->offset()));
  }
}

// small contiguous; big: a new contiguous (N, Cb, *S) tensor, written.
void up_wide(const Geo& G, const Tensor& small, const Tensor& w, const Tensor& big) {
  const int64_t nbmax = wide_chunk(G), CbK = G.Cb * G.K(), P = G.plane_l(), g = G.groups;
  Tensor wt = transpose(view(w, {g, G.Cs / g, CbK / g}), 1, 2);
  Tensor col = empty({CbK * nbmax * P}, big->dtype(), big->device());
  Tensor buf = nbmax > 1 ? empty({G.Cs * nbmax * P}, big->dtype(), big->device()) : Tensor();
  for (int64_t n0 = 0; n0 < G.N; n0 += nbmax) {
    const int64_t nb = std::min(nbmax, G.N - n0);
    Tensor y = small_block(G, small, buf, n0, nb, true);
    gemm_into(head(col, {g, CbK / g, nb * P}), wt, y, kOne, kZero);
    wide_col2im(G, col, big, n0, nb);
  }
}

// big, small contiguous; dw: a new contiguous (Cs, Cb/g, *K) tensor, written.
void wgrad_wide(const Geo& G, const Tensor& big, const Tensor& small, const Tensor& dw) {
  const int64_t nbmax = wide_chunk(G), CbK = G.Cb * G.K(), P = G.plane_l(), g = G.groups;
  Tensor dwg = view(dw, {g, G.Cs / g, CbK / g});
  if (G.N == 0) {
    fill_(dw, kZero);
    return;
  }
  Tensor col = empty({CbK * nbmax * P}, big->dtype(), big->device());
  Tensor buf = nbmax > 1 ? empty({G.Cs * nbmax * P}, big->dtype(), big->device()) : Tensor();
  for (int64_t n0 = 0; n0 < G.N; n0 += nbmax) {
    const int64_t nb = std::min(nbmax, G.N - n0);
    wide_im2col(G, big, n0, nb, col);
    Tensor y = small_block(G, small, buf, n0, nb, true);
    gemm_into(dwg, y, transpose(head(col, {g, CbK / g, nb * P}), 1, 2), kOne,
              n0 == 0 ? kZero : kOne);
  }
}

// ---- end of the wide path ----

// Note [Convolution as GEMM]. big, w contiguous; small: a new contiguous
// (N, Cs, *L) tensor, written.
void down(const Geo& G, const Tensor& big, const Tensor& w, const Tensor& small) {
  if (wide(G)) return down_wide(G, big, w, small);
  Job j(G, big);
  Tensor col = empty({j.split.slots * j.CbK * j.P}, big->dtype(), big->device());
  j.for_samples([&](int64_t n, int64_t slot) {
    char* c = j.cols(col, slot);
    j.im2col(j.kg, j.dt, j.image(big, n), 1, 0, c);
    j.mm(j.cg, j.P, j.bg, j.w_mat(w), j.col_mat(c), j.small_mat(small, n), false);
  });
}

// small contiguous; big: a new contiguous (N, Cb, *S) tensor, written.
void up(const Geo& G, const Tensor& small, const Tensor& w, const Tensor& big) {
  if (wide(G)) return up_wide(G, small, w, big);
  Job j(G, big);
  Tensor col = empty({j.split.slots * j.CbK * j.P}, big->dtype(), big->device());
  j.for_samples([&](int64_t n, int64_t slot) {
    char* c = j.cols(col, slot);
    j.mm(j.bg, j.P, j.cg, j.w_mat_t(w), j.small_mat(small, n), j.col_mat(c), false);
    j.col2im(j.kg, j.dt, c, 1, j.image(big, n), 0);
  });
}

// big, small contiguous; dw: a new contiguous (Cs, Cb/g, *K) tensor, written.
// Each chunk of samples sums its own partial dW in sample order; the partials
// are then summed in chunk order, so the result never depends on the threads.
void wgrad(const Geo& G, const Tensor& big, const Tensor& small, const Tensor& dw) {
  if (G.N == 0) {
    fill_(dw, kZero);
    return;
  }
  if (wide(G)) return wgrad_wide(G, big, small, dw);
  Job j(G, big);
  const int64_t slots = j.split.slots, wn = G.Cs * j.bg;
  Tensor col = empty({slots * j.CbK * j.P}, big->dtype(), big->device());
  Tensor part = slots == 1 ? dw : empty({slots, wn}, dw->dtype(), dw->device());
  j.for_samples([&](int64_t n, int64_t slot) {
    char* c = j.cols(col, slot);
    j.im2col(j.kg, j.dt, j.image(big, n), 1, 0, c);
    Mat out{part->data() + slot * wn * j.isz, j.bg, 1, j.cg * j.bg};
    j.mm(j.cg, j.bg, j.P, j.small_mat(small, n), j.col_mat_t(c), out, n != slot * j.split.grain);
  });
  if (slots > 1) sum(part, OptDims(Dims{0}), false, std::nullopt, view(dw, {wn}));
}

// unfold / fold: sample n of big <-> the (C*K, L) matrix at col.
void run_im2col(const Geo& G, const Tensor& big, int64_t n, const Tensor& col) {
  const int64_t bs = G.Cb * G.plane_s();
  need(nn_kernel_table(big->device().type).im2col, "im2col", big->device())(
      G.kernel_geom(G.Cb), big->dtype(), big->data() + n * bs * big->itemsize(), 1, bs,
      col->data());
}

void run_col2im(const Geo& G, const Tensor& col, const Tensor& big, int64_t n) {
  const int64_t bs = G.Cb * G.plane_s();
  need(nn_kernel_table(big->device().type).col2im, "col2im", big->device())(
      G.kernel_geom(G.Cb), big->dtype(), col->data(), 1, big->data() + n * bs * big->itemsize(),
      bs);
}

// A list of one value for every dim, or of nd values (PyTorch's message).
Dims expand_param(const Dims& v, int nd, const char* name) {
  if (v.size() == 1 && nd != 1) return Dims(nd, v[0]);
  MT_CHECK(v.size() == nd, "expected ", name, " to be a single integer value or a list of ", nd,
           " values to match the convolution dimensions, but got ", name, "=", v);
  return v;
}

std::string sizes_x(const Dims& d) {
  std::ostringstream os;
  for (int64_t i = 0; i < d.size(); ++i) os << (i ? " x " : "") << d[i];
  return os.str();
}

void check_float(DType dt, const char* op) {
  MT_CHECK_KIND(NotImplementedError, is_floating(dt), "\"", op, "\" not implemented for '",
                tname(dt), "'");
}

// Checks convolution's arguments in PyTorch's order and derives the geometry.
Geo plan(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvParams& p) {
  const int64_t wd = weight->dim();
  MT_CHECK(wd >= 3, "weight should have at least three dimensions");
  MT_CHECK(wd <= 5, "convolution supports 1 to 3 spatial dims, but got a ", wd,
           "-dimensional weight");
  const int nd = static_cast<int>(wd - 2);
  Geo G;
  G.nd = nd;
  G.groups = p.groups;
  G.stride = expand_param(p.stride, nd, "stride");
  G.padding = expand_param(p.padding, nd, "padding");
  G.dilation = expand_param(p.dilation, nd, "dilation");
  Dims out_pad = p.transposed ? expand_param(p.output_padding, nd, "output_padding") : Dims(nd, 0);
  MT_CHECK(input->dim() == wd, "Expected ", wd, "-dimensional input for ", wd,
           "-dimensional weight ", weight->sizes(), ", but got ", input->dim(),
           "-dimensional input of size ", input->sizes(), " instead");
  for (int i = 0; i < nd; ++i) {
    MT_CHECK(G.stride[i] > 0, "non-positive stride is not supported");
    MT_CHECK(G.padding[i] >= 0, "negative padding is not supported");
    MT_CHECK(G.dilation[i] > 0, "dilation should be greater than zero");
    MT_CHECK(out_pad[i] >= 0, "negative output_padding is not supported");
  }
  MT_CHECK(p.groups > 0, "non-positive groups is not supported");
  MT_CHECK(input->device() == weight->device() && (!bias || bias->device() == input->device()),
           "Expected all tensors to be on the same device, but found at least two devices, ",
           input->device().str(), " and ",
           (input->device() == weight->device() ? bias->device() : weight->device()).str(), "!");
  MT_CHECK(input->dtype() == weight->dtype(), "expected scalar type ", tname(input->dtype()),
           " but found ", tname(weight->dtype()));
  MT_CHECK(!bias || bias->dtype() == input->dtype(), "expected scalar type ", tname(input->dtype()),
           " but found ", tname(bias->dtype()));
  const Dims& ws = weight->sizes();
  const Dims& xs = input->sizes();
  G.N = xs[0];
  G.kernel = Dims(ws.begin() + 2, ws.end());
  const int64_t tr = p.transposed ? 1 : 0;
  if (!p.transposed) {
    MT_CHECK(xs[1] == ws[1] * p.groups, "Given groups=", p.groups, ", weight of size ", ws,
             ", expected input", xs, " to have ", ws[1] * p.groups, " channels, but got ", xs[1],
             " channels instead");
  } else {
    MT_CHECK(xs[1] == ws[0], "Given transposed=", tr, ", weight of size ", ws, ", expected input",
             xs, " to have ", ws[0], " channels, but got ", xs[1], " channels instead");
  }
  MT_CHECK(ws[0] % p.groups == 0, "Given groups=", p.groups,
           ", expected weight to be divisible by ", p.groups,
           " at dimension 0, but got weight of size ", ws, " instead");
  const int64_t cout = p.transposed ? ws[1] * p.groups : ws[0];
  MT_CHECK(!bias || (bias->dim() == 1 && bias->sizes()[0] == cout), "Given weight of size ", ws,
           ", expected bias to be 1-dimensional with ", cout, " elements, but got bias of size ",
           bias ? bias->sizes() : Dims{}, " instead");
  G.Cs = ws[0];
  G.Cb = ws[1] * p.groups;
  Dims spatial(xs.begin() + 2, xs.end());
  if (!p.transposed) {
    G.S = spatial;
    Dims padded(nd), eff(nd);
    for (int i = 0; i < nd; ++i) {
      padded[i] = spatial[i] + 2 * G.padding[i];
      eff[i] = G.dilation[i] * (G.kernel[i] - 1) + 1;
    }
    for (int i = 0; i < nd; ++i)
      MT_CHECK(eff[i] <= padded[i], "Calculated padded input size per channel: (", sizes_x(padded),
               "). Kernel size: (", sizes_x(eff),
               "). Kernel size can't be greater than actual input size");
    G.L = Dims(nd);
    for (int i = 0; i < nd; ++i) G.L[i] = (padded[i] - eff[i]) / G.stride[i] + 1;
  } else {
    for (int i = 0; i < nd; ++i)
      MT_CHECK(out_pad[i] < G.stride[i] || out_pad[i] < G.dilation[i],
               "output padding must be smaller than either stride or dilation, but got "
               "output_padding=",
               out_pad, ", stride=", G.stride, ", dilation=", G.dilation);
    G.L = spatial;
    G.S = Dims(nd);
    for (int i = 0; i < nd; ++i)
      G.S[i] = (spatial[i] - 1) * G.stride[i] - 2 * G.padding[i] +
               G.dilation[i] * (G.kernel[i] - 1) + out_pad[i] + 1;
    Dims in(spatial.begin(), spatial.end());
    for (int i = 0; i < nd; ++i)
      MT_CHECK(G.S[i] > 0, "Given input size per channel: (", sizes_x(in),
               "). Calculated output size per channel: (", sizes_x(G.S),
               "). Output size is too small");
  }
  check_float(input->dtype(), p.transposed ? "slow_conv_transpose" : "slow_conv");
  return G;
}

Dims cat_dims(std::initializer_list<int64_t> lead, const Dims& tail) {
  Dims d(lead);
  for (int64_t v : tail) d.push_back(v);
  return d;
}

void add_bias(const Tensor& out, const Tensor& bias, int nd) {
  if (!bias || out->numel() == 0) return;
  Dims bs = cat_dims({1, bias->sizes()[0]}, Dims(nd, 1));
  binary(BinaryOp::Add, {out.get(), {}}, {view(contiguous(bias), bs).get(), {}}, out->dtype(), {},
         ElemOut{out.get(), true});
}

// Geometry of im2col / col2im (unfold / fold) on (N, C, *size) images.
Geo unfold_geo(int64_t N, int64_t C, const Dims& size, const Dims& kernel, const Dims& dilation,
               const Dims& padding, const Dims& stride, const char* op) {
  const int nd = static_cast<int>(size.size());
  MT_CHECK(nd >= 1 && nd <= 3, op, ": expected 1 to 3 spatial dims, got ", nd);
  Geo G;
  G.nd = nd;
  G.N = N;
  G.Cb = C;
  G.Cs = C;
  G.S = size;
  G.kernel = expand_param(kernel, nd, "kernel_size");
  G.dilation = expand_param(dilation, nd, "dilation");
  G.padding = expand_param(padding, nd, "padding");
  G.stride = expand_param(stride, nd, "stride");
  G.L = Dims(nd);
  for (int i = 0; i < nd; ++i) {
    MT_CHECK(G.kernel[i] > 0, op, ": kernel size should be greater than zero, but got ", G.kernel);
    MT_CHECK(G.dilation[i] > 0, op, ": dilation should be greater than zero, but got ", G.dilation);
    MT_CHECK(G.padding[i] >= 0, op, ": padding should be non-negative, but got ", G.padding);
    MT_CHECK(G.stride[i] > 0, op, ": stride should be greater than zero, but got ", G.stride);
    G.L[i] = (size[i] + 2 * G.padding[i] - G.dilation[i] * (G.kernel[i] - 1) - 1) / G.stride[i] + 1;
  }
  return G;
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias,
                   const ConvParams& p) {
  Geo G = plan(input, weight, bias, p);
  Tensor x = contiguous(input), w = contiguous(weight);
  const Dims& out_sp = p.transposed ? G.S : G.L;
  const int64_t cout = p.transposed ? G.Cb : G.Cs;
  Tensor out = empty(cat_dims({G.N, cout}, out_sp), x->dtype(), x->device());
  if (out->numel() == 0) return out;
  if (!p.transposed)
    down(G, x, w, out);
  else
    up(G, x, w, out);
  add_bias(out, bias, G.nd);
  return out;
}

std::array<Tensor, 3> convolution_backward(const Tensor& grad_out, const Tensor& input,
                                           const Tensor& weight, const ConvParams& p,
                                           bool need_input, bool need_weight, bool need_bias) {
  Geo G = plan(input, weight, Tensor(), p);
  std::array<Tensor, 3> r;
  Tensor go = contiguous(grad_out), x = contiguous(input), w = contiguous(weight);
  const bool empty_problem = go->numel() == 0 || x->numel() == 0;
  // Which tensor is the big side and which the small (Note [Convolution as GEMM]).
  const Tensor& big = p.transposed ? go : x;
  const Tensor& small = p.transposed ? x : go;
  if (need_input) {
    r[0] = empty(x->sizes(), x->dtype(), x->device());
    if (empty_problem)
      fill_(r[0], kZero);
    else if (!p.transposed)
      up(G, go, w, r[0]);
    else
      down(G, go, w, r[0]);
  }
  if (need_weight) {
    r[1] = empty(w->sizes(), w->dtype(), w->device());
    if (empty_problem)
      fill_(r[1], kZero);
    else
      wgrad(G, big, small, r[1]);
  }
  if (need_bias) {
    Dims dims{0};
    for (int i = 0; i < G.nd; ++i) dims.push_back(2 + i);
    r[2] = sum(go, OptDims(dims), false, std::nullopt);
  }
  return r;
}

Tensor im2col(const Tensor& input, const Dims& kernel, const Dims& dilation, const Dims& padding,
              const Dims& stride) {
  MT_CHECK(input->dim() >= 3, "im2col: expected a batched (N, C, *size) input, got ",
           input->sizes());
  const Dims& xs = input->sizes();
  Geo G = unfold_geo(xs[0], xs[1], Dims(xs.begin() + 2, xs.end()), kernel, dilation, padding,
                     stride, "im2col");
  for (int i = 0; i < G.nd; ++i)
    MT_CHECK(G.L[i] > 0, "Given input with spatial size (", sizes_x(G.S), "), kernel_size=(",
             sizes_x(G.kernel), "), dilation=(", sizes_x(G.dilation), "), padding=(",
             sizes_x(G.padding), "), calculated shape of the array of sliding blocks as (",
             sizes_x(G.L), "), but its components must be at least one.");
  Tensor x = contiguous(input);
  const int64_t CK = G.Cb * G.K(), P = G.plane_l();
  Tensor out = empty({G.N, CK, P}, x->dtype(), x->device());
  if (out->numel() == 0) return out;
  // One sample at a time: the kernel's columns for nb = 1 are exactly (C*K, L).
  for (int64_t n = 0; n < G.N; ++n)
    run_im2col(G, x, n, as_strided(out, {CK, P}, {P, 1}, n * CK * P));
  return out;
}

Tensor col2im(const Tensor& input, const Dims& output_size, const Dims& kernel,
              const Dims& dilation, const Dims& padding, const Dims& stride) {
  MT_CHECK(input->dim() == 3, "col2im: expected a batched (N, C * K, L) input, got ",
           input->sizes());
  check_float(input->dtype(), "col2im");
  const Dims& xs = input->sizes();
  const int nd = static_cast<int>(output_size.size());
  Dims k = expand_param(kernel, std::max(nd, 1), "kernel_size");
  const int64_t K = checked_numel(k);
  MT_CHECK(K > 0 && xs[1] % K == 0,
           "Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
           "but got input.size(1)=",
           xs[1], " and kernel_size=(", sizes_x(k), ")");
  Geo G = unfold_geo(xs[0], xs[1] / K, output_size, k, dilation, padding, stride, "col2im");
  MT_CHECK(G.plane_l() == xs[2] && checked_numel(G.L) > 0, "Given output_size=(",
           sizes_x(output_size), "), kernel_size=(", sizes_x(G.kernel), "), dilation=(",
           sizes_x(G.dilation), "), padding=(", sizes_x(G.padding), "), stride=(",
           sizes_x(G.stride),
           "), expected size of input's dimension 2 to match the calculated number of sliding "
           "blocks ",
           sizes_x(G.L), " = ", G.plane_l(), ", but got input.size(2)=", xs[2], ".");
  Tensor x = contiguous(input);
  Tensor out = empty(cat_dims({G.N, G.Cb}, output_size), x->dtype(), x->device());
  if (out->numel() == 0) return out;
  const int64_t CK = xs[1], P = xs[2];
  for (int64_t n = 0; n < G.N; ++n)
    run_col2im(G, as_strided(x, {CK, P}, {P, 1}, x->offset() + n * CK * P), out, n);
  return out;
}

}  // namespace mt::ops
