"""nn layers: Embedding, EmbeddingBag, LayerNorm, RMSNorm, GroupNorm, BatchNorm1d/2d,
PReLU, SELU, CELU, Bilinear, and F.pad / normalize / cosine_similarity /
pairwise_distance. Forward against NumPy formulas, float64 gradients against finite
differences, and values, gradients, running stats, state_dict keys and reprs against
PyTorch with identical weights through oracle.torch() (recorded)."""

import math

import numpy as np
import oracle
import pytest

import minitorch as mt
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck


def rng(seed):
    return np.random.default_rng(seed)


def f32(r, *shape):
    return r.standard_normal(shape).astype(np.float32)


def f64t(r, *shape):
    return mt.from_numpy(r.standard_normal(shape)).requires_grad_()


def set_params(m_mod, t_mod, torch, seed):
    r = rng(seed)
    for name, p in m_mod.named_parameters():
        a = f32(r, *p.shape)
        with mt.no_grad():
            p.copy_(mt.from_numpy(a))
        with torch.no_grad():
            t_mod.get_parameter(name).copy_(torch.from_numpy(a))


def compare(m_mod, t_mod, torch, inputs, seed, rtol=1e-5, atol=1e-5):
    """Forward both with the same float inputs, backward a random cotangent, compare
    outputs, input gradients and parameter gradients."""
    mi = [mt.from_numpy(a).requires_grad_() if a.dtype.kind == "f" else mt.from_numpy(a)
          for a in inputs]
    ti = [torch.from_numpy(a).requires_grad_() if a.dtype.kind == "f" else torch.from_numpy(a)
          for a in inputs]
    om, ot = m_mod(*mi), t_mod(*ti)
    np.testing.assert_allclose(om.detach().numpy(), ot.detach().numpy(), rtol=rtol, atol=atol)
    g = f32(rng(seed), *om.shape)
    om.backward(mt.from_numpy(g))
    ot.backward(torch.from_numpy(g))
    for a, b in zip(mi, ti):
        if a.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name, p in m_mod.named_parameters():
        tp = t_mod.get_parameter(name)
        if p.requires_grad:
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-5,
                                       err_msg=name)


# ---------------------------------------------------------------- Embedding
def test_embedding_forward_numpy_and_padding_grad():
    w = f32(rng(1), 6, 3)
    e = nn.Embedding(6, 3, padding_idx=-2)
    assert e.padding_idx == 4
    with mt.no_grad():
        e.weight.copy_(mt.from_numpy(w))
    idx = np.array([[0, 4, 5], [4, 2, 2]])
    out = e(mt.from_numpy(idx))
    np.testing.assert_array_equal(out.detach().numpy(), w[idx])
    out.sum().backward()
    want = np.zeros_like(w)
    np.add.at(want, idx.reshape(-1), 1.0)
    want[4] = 0.0  # the padding row gets no gradient
    np.testing.assert_array_equal(e.weight.grad.numpy(), want)
    # the padding row starts at zero
    assert nn.Embedding(5, 2, padding_idx=1).weight[1].tolist() == [0.0, 0.0]


def test_embedding_vs_torch_and_repr():
    torch = oracle.torch()
    for kw in ({}, {"padding_idx": 0}, {"padding_idx": -1}):
        m, t = nn.Embedding(7, 4, **kw), torch.nn.Embedding(7, 4, **kw)
        set_params(m, t, torch, 3)
        compare(m, t, torch, [np.array([[1, 0, 6], [6, 3, 0]])], 4)
        assert repr(m) == repr(t)
    m, t = nn.Embedding(3, 2, max_norm=1.0, norm_type=1.0), \
        torch.nn.Embedding(3, 2, max_norm=1.0, norm_type=1.0)
    assert repr(m) == repr(t)


def test_embedding_max_norm_renormalises_rows_in_place():
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=np.float64)
    e = nn.Embedding.from_pretrained(mt.from_numpy(w.copy()), freeze=False, max_norm=2.0)
    out = e(mt.tensor([0, 1]))
    want = w.copy()
    want[0] *= 2.0 / (5.0 + 1e-7)
    np.testing.assert_allclose(out.detach().numpy(), want[[0, 1]], rtol=1e-12)
    # rows looked up are renormalised in the weight itself, the others untouched
    np.testing.assert_allclose(e.weight.detach().numpy(), want, rtol=1e-12)


def test_embedding_from_pretrained_and_errors():
    w = mt.from_numpy(f32(rng(5), 4, 3))
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and e.num_embeddings == 4 and e.embedding_dim == 3
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(mt.ones(3))
    with pytest.raises(AssertionError, match="Padding_idx"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(IndexError, match="index out of range"):
        e(mt.tensor([4]))
    with pytest.raises(RuntimeError, match="Long, Int; but got"):
        e(mt.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq"):
        nn.Embedding(3, 2, scale_grad_by_freq=True)(mt.tensor([1]))


def test_embedding_default_init_is_standard_normal():
    w = nn.Embedding(4000, 50).weight.detach().numpy()
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1.0) < 0.01


# ---------------------------------------------------------------- EmbeddingBag
def bag_numpy(w, idx, offsets, mode, psw=None, pad=None):
    bounds = list(offsets) + [len(idx)]
    rows = []
    for b in range(len(offsets)):
        sel = [i for i in range(bounds[b], bounds[b + 1]) if idx[i] != pad]
        if not sel:
            rows.append(np.zeros(w.shape[1]))
            continue
        v = w[idx[sel]] * (psw[sel, None] if psw is not None else 1.0)
        rows.append({"sum": v.sum(0), "mean": v.mean(0), "max": v.max(0)}[mode])
    return np.stack(rows)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_numpy(mode):
    w = f32(rng(6), 8, 3)
    idx, offs = np.array([1, 2, 4, 5, 4, 3, 2, 7]), np.array([0, 3, 3, 5])
    bag = nn.EmbeddingBag.from_pretrained(mt.from_numpy(w), mode=mode, padding_idx=4)
    out = bag(mt.from_numpy(idx), mt.from_numpy(offs))
    np.testing.assert_allclose(out.numpy(), bag_numpy(w, idx, offs, mode, pad=4), rtol=1e-6)
    psw = f32(rng(7), 8)
    if mode == "sum":
        out = bag(mt.from_numpy(idx), mt.from_numpy(offs), mt.from_numpy(psw))
        np.testing.assert_allclose(out.numpy(), bag_numpy(w, idx, offs, mode, psw, pad=4),
                                   rtol=1e-5, atol=1e-6)
    else:
        with pytest.raises(NotImplementedError, match="per_sample_weights"):
            bag(mt.from_numpy(idx), mt.from_numpy(offs), mt.from_numpy(psw))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_vs_torch(mode):
    torch = oracle.torch()
    m = nn.EmbeddingBag(9, 4, mode=mode, padding_idx=2)
    t = torch.nn.EmbeddingBag(9, 4, mode=mode, padding_idx=2)
    set_params(m, t, torch, 8)
    assert repr(m) == repr(t)
    compare(m, t, torch, [np.array([1, 2, 4, 8, 4, 0, 3]), np.array([0, 2, 5])], 9)
    compare(m, t, torch, [np.array([[1, 2, 4], [8, 2, 0]])], 10)
    if mode == "sum":
        compare(m, t, torch, [np.array([1, 2, 4, 8, 4]), np.array([0, 2]),
                              f32(rng(11), 5)], 12)
    m.include_last_offset = t.include_last_offset = True
    compare(m, t, torch, [np.array([1, 2, 4, 8, 4, 0, 3]), np.array([0, 2, 2, 7])], 13)


def test_embedding_bag_errors():
    bag = nn.EmbeddingBag(5, 2)
    with pytest.raises(ValueError, match="offsets has to be None"):
        bag(mt.tensor([[1, 2]]), mt.tensor([0]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor"):
        bag(mt.tensor([1, 2]))
    with pytest.raises(ValueError, match="1D or 2D"):
        bag(mt.zeros(1, 1, 1, dtype=mt.int64))
    with pytest.raises(ValueError, match="mode has to be one of"):
        nn.EmbeddingBag(5, 2, mode="prod")(mt.tensor([[1]]))


def test_embedding_bag_grad_finite_differences():
    idx, offs = mt.tensor([0, 2, 1, 2, 3]), mt.tensor([0, 2])
    psw = f64t(rng(13), 5)
    for mode in ("sum", "mean"):
        w = f64t(rng(14), 4, 3)
        assert gradcheck(lambda w: F.embedding_bag(idx, w, offs, mode=mode), (w,))
    assert gradcheck(lambda w, p: F.embedding_bag(idx, w, offs, mode="sum",
                                                  per_sample_weights=p),
                     (f64t(rng(15), 4, 3), psw))


# ---------------------------------------------------------------- norms
def ln_numpy(x, k, w=None, b=None, eps=1e-5):
    ax = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(ax, keepdims=True)) / np.sqrt(x.var(ax, keepdims=True) + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def test_norms_numpy():
    r = rng(20)
    x = r.standard_normal((3, 4, 5))
    w, b = r.standard_normal((4, 5)), r.standard_normal((4, 5))
    got = F.layer_norm(mt.from_numpy(x), (4, 5), mt.from_numpy(w), mt.from_numpy(b))
    np.testing.assert_allclose(got.numpy(), ln_numpy(x, 2, w, b), rtol=1e-10)
    rms = x / np.sqrt((x ** 2).mean(-1, keepdims=True) + np.finfo(np.float64).eps)
    np.testing.assert_allclose(F.rms_norm(mt.from_numpy(x), [5]).numpy(), rms, rtol=1e-10)
    g = x.reshape(3, 2, -1)
    gn = ((g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + 1e-5))
    np.testing.assert_allclose(F.group_norm(mt.from_numpy(x), 2).numpy(),
                               gn.reshape(x.shape), rtol=1e-10)


def test_norms_grad_finite_differences():
    r = rng(21)
    x = f64t(r, 3, 4)
    w, b = f64t(r, 4), f64t(r, 4)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, 4, w, b), (x, w, b))
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w, 1e-6), (x, w))
    x3 = f64t(r, 2, 4, 3)
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x3, w, b))
    rm, rv = mt.zeros(4, dtype=mt.float64), mt.ones(4, dtype=mt.float64)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, True), (x3, w, b))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, False), (x3, w, b))


NORMS = [
    "n.LayerNorm(5)", "n.LayerNorm((4, 5), eps=1e-3)", "n.LayerNorm(5, bias=False)",
    "n.LayerNorm([5], elementwise_affine=False)", "n.RMSNorm(5)", "n.RMSNorm([4, 5], eps=1e-4)",
    "n.RMSNorm(5, elementwise_affine=False)", "n.GroupNorm(2, 4)", "n.GroupNorm(4, 4, affine=False)",
    "n.GroupNorm(1, 4, eps=0.01)", "n.GroupNorm(2, 4, bias=False)",
]


@pytest.mark.parametrize("expr", NORMS)
def test_norm_modules_vs_torch(expr):
    torch = oracle.torch()
    m, t = eval(expr, {"n": nn}), eval(expr, {"n": torch.nn})
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == oracle.torch().builtins.list(t.state_dict())
    for name, p in m.named_parameters():  # default init: ones and zeros
        np.testing.assert_array_equal(p.detach().numpy(),
                                      t.get_parameter(name).detach().numpy())
    set_params(m, t, torch, 22)
    compare(m, t, torch, [f32(rng(23), 3, 4, 5)], 24)


def test_norm_errors():
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(mt.ones(2, 3), (4,))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(mt.ones(2, 3), 2)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(2, 3)


# ---------------------------------------------------------------- BatchNorm
BNS = ["n.BatchNorm1d(3)", "n.BatchNorm1d(3, momentum=None)", "n.BatchNorm1d(3, affine=False)",
       "n.BatchNorm1d(3, bias=False)",
       "n.BatchNorm1d(3, track_running_stats=False)", "n.BatchNorm2d(3, momentum=0.3, eps=1e-3)"]


@pytest.mark.parametrize("expr", BNS)
def test_batchnorm_running_stats_vs_torch(expr):
    torch = oracle.torch()
    m, t = eval(expr, {"n": nn}), eval(expr, {"n": torch.nn})
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == oracle.torch().builtins.list(t.state_dict().keys())
    set_params(m, t, torch, 30)
    shape = (6, 3, 2, 2) if "2d" in expr else (6, 3)
    r = rng(31)
    for step in range(3):
        shp = (5, 3, 4) if (step == 1 and "1d" in expr) else shape
        compare(m, t, torch, [f32(r, *shp) * 2 + 1], 32 + step)
    for name, buf in m.named_buffers():
        tb = t.get_buffer(name)
        np.testing.assert_allclose(buf.numpy(), tb.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    m.eval()
    t.eval()
    compare(m, t, torch, [f32(r, *shape)], 40)


def test_batchnorm_numpy_and_errors():
    x = rng(41).standard_normal((8, 3))
    bn = nn.BatchNorm1d(3, momentum=0.5, dtype=mt.float64)
    out = bn(mt.from_numpy(x))
    np.testing.assert_allclose(out.detach().numpy(),
                               (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-10)
    # running_var takes the unbiased variance, normalisation the biased one
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.5 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.5 + 0.5 * x.var(0, ddof=1),
                               rtol=1e-12)
    assert bn.num_batches_tracked.item() == 1 and bn.num_batches_tracked.dtype == mt.int64
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when "
                                         "training, got input size minitorch.Size\\(\\[1, 3\\]\\)"):
        bn(mt.ones(1, 3, dtype=mt.float64))
    bn(mt.ones(1, 3, 2, dtype=mt.float64))  # two values per channel is fine
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        bn(mt.ones(2, 3, 2, 2))
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(mt.ones(2, 3))


# ---------------------------------------------------------------- state_dict keys
def mlp_bn(lib):
    n = lib.nn
    return n.Sequential(n.Linear(4, 8), n.BatchNorm1d(8), n.ReLU(), n.Dropout(0.2),
                        n.Linear(8, 3))


def bag_classifier(lib):
    """A text classifier as a ModuleDict (a proxied torch.nn.Module cannot be subclassed
    here): EmbeddingBag -> LayerNorm -> Linear."""
    n = lib.nn
    return n.ModuleDict({"embedding": n.EmbeddingBag(20, 6, mode="mean"),
                         "norm": n.LayerNorm(6), "fc": n.Linear(6, 2)})


class _Run:
    def __init__(self, model):
        self.model = model

    def __call__(self, text, offsets):
        m = self.model
        return m["fc"](m["norm"](m["embedding"](text, offsets)))

    def named_parameters(self):
        return self.model.named_parameters()

    def get_parameter(self, name):
        return self.model.get_parameter(name)


def test_state_dict_keys_equal_torch():
    torch = oracle.torch()
    tl = oracle.torch().builtins.list
    for build in (mlp_bn, bag_classifier):
        m, t = build(mt), build(torch)
        assert list(m.state_dict()) == tl(t.state_dict().keys())
        assert [k for k, _ in m.named_parameters()] == [k for k, _ in
                                                         tl(t.named_parameters())]
    m, t = mlp_bn(mt), mlp_bn(torch)
    assert repr(m) == repr(t)
    set_params(m, t, torch, 50)
    m[3].p = t[3].p = 0.0  # dropout off so the two agree
    compare(m, t, torch, [f32(rng(51), 5, 4)], 52)
    m, t = bag_classifier(mt), bag_classifier(torch)
    set_params(m, t, torch, 53)
    compare(_Run(m), _Run(t), torch, [np.array([1, 5, 19, 3, 0, 7]), np.array([0, 2, 4])], 54)


# ---------------------------------------------------------------- activations, Bilinear
ACTS = ["n.PReLU()", "n.PReLU(3, init=0.1)", "n.SELU()", "n.CELU()", "n.CELU(alpha=0.5)"]


@pytest.mark.parametrize("expr", ACTS)
def test_activation_modules_vs_torch(expr):
    torch = oracle.torch()
    m, t = eval(expr, {"n": nn}), eval(expr, {"n": torch.nn})
    assert repr(m) == repr(t)
    for name, p in m.named_parameters():
        np.testing.assert_array_equal(p.detach().numpy(), t.get_parameter(name).detach().numpy())
    compare(m, t, torch, [f32(rng(60), 4, 3, 2)], 61)


def test_activation_numpy_and_grad():
    x = rng(62).standard_normal((4, 3))
    a, s = 1.6732632423543772, 1.0507009873554805
    np.testing.assert_allclose(F.selu(mt.from_numpy(x)).numpy(),
                               s * np.where(x > 0, x, a * np.expm1(x)), rtol=1e-12)
    np.testing.assert_allclose(F.celu(mt.from_numpy(x), 0.7).numpy(),
                               np.where(x > 0, x, 0.7 * np.expm1(x / 0.7)), rtol=1e-12)
    w = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(F.prelu(mt.from_numpy(x), mt.from_numpy(w)).numpy(),
                               np.where(x > 0, x, w * x), rtol=1e-12)
    r = rng(63)
    xs = f64t(r, 4, 3) * 1.0
    xs = xs.detach().requires_grad_()
    assert gradcheck(lambda x, w: F.prelu(x, w), (xs, f64t(r, 3)))
    assert gradcheck(lambda x: F.selu(x) + F.celu(x, 0.5), (xs,))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F.prelu(mt.ones(2, 4), mt.ones(3))


def test_bilinear():
    torch = oracle.torch()
    m, t = nn.Bilinear(3, 4, 2), torch.nn.Bilinear(3, 4, 2)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == oracle.torch().builtins.list(t.state_dict().keys())
    set_params(m, t, torch, 70)
    compare(m, t, torch, [f32(rng(71), 5, 3), f32(rng(72), 5, 4)], 73)
    r = rng(74)
    x1, x2, w, b = (r.standard_normal(s) for s in ((5, 3), (5, 4), (2, 3, 4), (2,)))
    want = np.einsum("ni,kij,nj->nk", x1, w, x2) + b
    got = F.bilinear(*(mt.from_numpy(a) for a in (x1, x2, w, b)))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    assert gradcheck(F.bilinear, tuple(mt.from_numpy(a).requires_grad_()
                                       for a in (x1[:2], x2[:2], w, b)))
    # default init: U(-1/sqrt(in1), 1/sqrt(in1)) for weight and bias (seeded: the variance
    # check's tolerance holds for most seeds, not all)
    mt.manual_seed(0)
    big = nn.Bilinear(16, 8, 200)
    wv = big.weight.detach().numpy()
    assert np.abs(wv).max() <= 0.25 and np.abs(wv).max() > 0.249
    assert abs(wv.var() - 0.25 ** 2 / 3) < 2e-4


# ---------------------------------------------------------------- pad, distances
@pytest.mark.parametrize("mode,np_mode", [("constant", "constant"), ("reflect", "reflect"),
                                           ("replicate", "edge"), ("circular", "wrap")])
def test_pad_numpy(mode, np_mode):
    x = rng(80).standard_normal((2, 3, 4, 5))
    pad = (2, 1, 1, 3)  # last dim first
    got = F.pad(mt.from_numpy(x), pad, mode=mode)
    want = np.pad(x, ((0, 0), (0, 0), (1, 3), (2, 1)), mode=np_mode)
    np.testing.assert_array_equal(got.numpy(), want)
    assert gradcheck(lambda t: F.pad(t, (1, 2), mode=mode), (f64t(rng(81), 2, 3, 4),))


def test_pad_constant_value_negative_and_vs_torch():
    torch = oracle.torch()
    x = f32(rng(82), 2, 3, 4)
    for args in (((1, 2), "constant", 1.5), ((1, -1, 0, 2), "constant", 0.0),
                 ((2, 1), "reflect", None), ((1, 1, 2, 0), "replicate", None),
                 ((3, 1), "circular", None), ((1, 1, 1, 1, 1, 1), "constant", -2.0)):
        pad, mode, value = args
        got = F.pad(mt.from_numpy(x), pad, mode=mode, value=value)
        want = torch.nn.functional.pad(torch.from_numpy(x), pad, mode=mode, value=value)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(mt.ones(2, 2), (1,))
    with pytest.raises(RuntimeError, match="should be less than"):
        F.pad(mt.ones(1, 2, 3), (3, 0), mode="reflect")
    with pytest.raises(NotImplementedError):
        F.pad(mt.ones(2, 2), (1, 1), mode="nearest")


def test_normalize_cosine_pairwise():
    torch = oracle.torch()
    r = rng(90)
    a, b = r.standard_normal((4, 5)), r.standard_normal((4, 5))
    a[1] = 0.0
    na = np.linalg.norm(a, axis=1, keepdims=True)
    np.testing.assert_allclose(F.normalize(mt.from_numpy(a)).numpy(),
                               a / np.maximum(na, 1e-12), rtol=1e-12)
    np.testing.assert_allclose(F.normalize(mt.from_numpy(a), p=1, dim=0).numpy(),
                               a / np.abs(a).sum(0, keepdims=True), rtol=1e-12)
    nb = np.linalg.norm(b, axis=1)
    cos = (a * b).sum(1) / (np.maximum(na[:, 0], 1e-8) * np.maximum(nb, 1e-8))
    np.testing.assert_allclose(F.cosine_similarity(mt.from_numpy(a), mt.from_numpy(b)).numpy(),
                               cos, rtol=1e-12)
    pd = np.linalg.norm(a - b + 1e-6, axis=-1)
    np.testing.assert_allclose(F.pairwise_distance(mt.from_numpy(a), mt.from_numpy(b)).numpy(),
                               pd, rtol=1e-12)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    tf = torch.nn.functional
    for name, kw in (("normalize", {"p": 3.0, "dim": 0}), ("cosine_similarity", {"dim": 0}),
                     ("pairwise_distance", {"p": 1.0, "keepdim": True})):
        args = (a32,) if name == "normalize" else (a32, b32)
        got = getattr(F, name)(*(mt.from_numpy(v) for v in args), **kw)
        want = getattr(tf, name)(*(torch.from_numpy(v) for v in args), **kw)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    x, y = f64t(r, 3, 4), f64t(r, 3, 4)
    assert gradcheck(lambda x, y: F.cosine_similarity(x, y) + F.pairwise_distance(x, y), (x, y))
    assert gradcheck(lambda x: F.normalize(x, dim=1), (x,))


def test_layers_exported():
    for name in ("Embedding", "EmbeddingBag", "LayerNorm", "RMSNorm", "GroupNorm",
                 "BatchNorm1d", "BatchNorm2d", "PReLU", "SELU", "CELU", "Bilinear"):
        assert isinstance(getattr(nn, name), type)
    for name in ("embedding", "embedding_bag", "layer_norm", "rms_norm", "group_norm",
                 "batch_norm", "bilinear", "prelu", "selu", "celu", "pad", "normalize",
                 "cosine_similarity", "pairwise_distance"):
        assert callable(getattr(F, name))
    assert math.isclose(nn.PReLU().weight.item(), 0.25)


# ---------------------------------------------------------------- init, rnn utils
@pytest.mark.parametrize("shape,groups", [((4, 2, 3), 1), ((4, 2, 3), 2), ((6, 3, 3, 3), 3),
                                          ((2, 4, 3, 2, 3), 1)])
def test_dirac_vs_torch(shape, groups):
    torch = oracle.torch()
    got = nn.init.dirac_(mt.ones(*shape), groups)
    want = torch.nn.init.dirac_(torch.ones(*shape), groups)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_init_errors():
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        nn.init.dirac_(mt.ones(2, 2))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.init.dirac_(mt.ones(3, 2, 2), 2)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(mt.ones(3))


def test_trunc_normal_distribution():
    a, b, mu, sd = -1.0, 1.5, 0.2, 0.8
    t = nn.init.trunc_normal_(mt.empty(200000, dtype=mt.float64), mu, sd, a, b).numpy()
    assert t.min() >= a and t.max() <= b and t.min() < a + 0.01 and t.max() > b - 0.01
    al, be = (a - mu) / sd, (b - mu) / sd

    def pdf(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def cdf(x):
        return (1 + math.erf(x / math.sqrt(2))) / 2

    z = cdf(be) - cdf(al)
    mean = mu + sd * (pdf(al) - pdf(be)) / z
    var = sd ** 2 * (1 + (al * pdf(al) - be * pdf(be)) / z - ((pdf(al) - pdf(be)) / z) ** 2)
    assert abs(t.mean() - mean) < 0.005 and abs(t.var() - var) < 0.005


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal(shape):
    w = nn.init.orthogonal_(mt.empty(*shape, dtype=mt.float64), gain=2.0).numpy()
    m = w.reshape(shape[0], -1)
    small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(small, 4.0 * np.eye(small.shape[0]), atol=1e-12)


def test_pad_sequence_vs_torch():
    torch = oracle.torch()
    r = rng(100)
    seqs = [f32(r, n, 2) for n in (3, 1, 4)]
    for kw in ({}, {"batch_first": True}, {"padding_value": -1.0, "padding_side": "left"},
               {"batch_first": True, "padding_side": "left", "padding_value": 7.0}):
        got = nn.utils.rnn.pad_sequence([mt.from_numpy(s) for s in seqs], **kw)
        want = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(s) for s in seqs], **kw)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    with pytest.raises(ValueError, match="padding_side"):
        nn.utils.rnn.pad_sequence([mt.ones(2)], padding_side="middle")
