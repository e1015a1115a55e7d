"""nn losses (CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss,
SmoothL1Loss, HuberLoss, CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss):
values against NumPy formulas, gradients against central finite differences in
float64, values and gradients against PyTorch (oracle.torch(), recorded) across the
options, and bad input raising PyTorch's exception classes and texts."""

import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt

F = mt.nn.functional
rng = np.random.default_rng(0)


def f64(*shape):
    return rng.standard_normal(shape)


def idx(high, *shape, ignore=None):
    t = rng.integers(0, high, shape).astype(np.int64)
    if ignore is not None:
        t.reshape(-1)[::3] = ignore
    return t


def probs(*shape):
    p = rng.random(shape) + 0.1
    return p / p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)


def unit(*shape):
    return rng.uniform(0.05, 0.95, shape)


def sign(*shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


# (functional name, positional NumPy inputs (the first gets a gradient), kwargs; a
# kwarg value that is an ndarray becomes a tensor)
CASES = [
    ("cross_entropy", (f64(6, 4), idx(4, 6)), {}),
    ("cross_entropy", (f64(6, 4), idx(4, 6)), {"reduction": "sum"}),
    ("cross_entropy", (f64(6, 4), idx(4, 6)), {"reduction": "none"}),
    ("cross_entropy", (f64(6, 4), idx(4, 6, ignore=-100)), {"weight": unit(4)}),
    ("cross_entropy", (f64(6, 4), idx(4, 6, ignore=2)), {"ignore_index": 2, "reduction": "none"}),
    ("cross_entropy", (f64(6, 4), idx(4, 6, ignore=-100)),
     {"weight": unit(4), "label_smoothing": 0.2}),
    ("cross_entropy", (f64(6, 4), idx(4, 6, ignore=-100)), {"label_smoothing": 0.1}),
    ("cross_entropy", (f64(6, 4), idx(4, 6)), {"label_smoothing": 0.3, "reduction": "sum"}),
    ("cross_entropy", (f64(6, 4), idx(4, 6, ignore=-100)),
     {"label_smoothing": 0.3, "weight": unit(4), "reduction": "none"}),
    ("cross_entropy", (f64(3, 4, 2, 5), idx(4, 3, 2, 5, ignore=-100)), {"weight": unit(4)}),
    ("cross_entropy", (f64(3, 4, 5), idx(4, 3, 5)), {"label_smoothing": 0.1}),
    ("cross_entropy", (f64(4), np.array(2)), {}),
    ("cross_entropy", (f64(5, 3), probs(5, 3)), {}),
    ("cross_entropy", (f64(5, 3), probs(5, 3)), {"weight": unit(3), "reduction": "sum"}),
    ("cross_entropy", (f64(5, 3), probs(5, 3)), {"label_smoothing": 0.2, "reduction": "none"}),
    ("cross_entropy", (f64(2, 3, 4), probs(2, 3, 4)), {}),
    ("cross_entropy", (f64(3), probs(3)), {}),
    ("nll_loss", (f64(6, 4), idx(4, 6, ignore=-100)), {}),
    ("nll_loss", (f64(6, 4), idx(4, 6, ignore=-100)), {"weight": unit(4), "reduction": "sum"}),
    ("nll_loss", (f64(2, 4, 3), idx(4, 2, 3)), {"weight": unit(4)}),
    ("nll_loss", (f64(4), np.array(1)), {"reduction": "none"}),
    ("binary_cross_entropy", (unit(5, 2), unit(5, 2)), {}),
    ("binary_cross_entropy", (unit(5, 2), unit(5, 2)), {"weight": unit(5, 2), "reduction": "sum"}),
    ("binary_cross_entropy", (unit(7), unit(7)), {"reduction": "none"}),
    ("binary_cross_entropy_with_logits", (3 * f64(5, 3), unit(5, 3)), {}),
    ("binary_cross_entropy_with_logits", (30 * f64(5, 3), unit(5, 3)),
     {"pos_weight": 2 * unit(3), "reduction": "sum"}),
    ("binary_cross_entropy_with_logits", (f64(5, 3), unit(5, 3)),
     {"weight": unit(5, 3), "pos_weight": unit(3), "reduction": "none"}),
    ("kl_div", (np.log(probs(4, 3)), probs(4, 3)), {"reduction": "batchmean"}),
    ("kl_div", (np.log(probs(4, 3)), np.log(probs(4, 3))),
     {"reduction": "sum", "log_target": True}),
    ("kl_div", (np.log(probs(4, 3)), probs(4, 3)), {"reduction": "none"}),
    ("smooth_l1_loss", (2 * f64(4, 3), f64(4, 3)), {}),
    ("smooth_l1_loss", (2 * f64(4, 3), f64(4, 3)), {"beta": 0.5, "reduction": "none"}),
    ("smooth_l1_loss", (2 * f64(4, 3), f64(4, 3)), {"beta": 0.0, "reduction": "sum"}),
    ("huber_loss", (2 * f64(4, 3), f64(4, 3)), {}),
    ("huber_loss", (2 * f64(4, 3), f64(4, 3)), {"delta": 0.5, "reduction": "none"}),
    ("cosine_embedding_loss", (f64(5, 4), f64(5, 4), sign(5)), {}),
    ("cosine_embedding_loss", (f64(5, 4), f64(5, 4), sign(5)),
     {"margin": 0.2, "reduction": "none"}),
    ("cosine_embedding_loss", (f64(4), f64(4), np.array(-1.0)), {"margin": -0.5}),
    ("margin_ranking_loss", (f64(6), f64(6), sign(6)), {}),
    ("margin_ranking_loss", (f64(6), f64(6), sign(6)), {"margin": 0.5, "reduction": "sum"}),
    ("triplet_margin_loss", (f64(5, 3), f64(5, 3), f64(5, 3)), {}),
    ("triplet_margin_loss", (f64(5, 3), f64(5, 3), f64(5, 3)),
     {"p": 1, "swap": True, "margin": 2.0, "reduction": "none"}),
    ("triplet_margin_loss", (f64(5, 3), f64(5, 3), f64(5, 3)), {"p": 3, "reduction": "sum"}),
]
IDS = [f"{i}-{c[0]}" for i, c in enumerate(CASES)]


def _call(lib, name, args, kwargs):
    x = lib.from_numpy(args[0].copy()).requires_grad_()
    rest = [lib.from_numpy(np.array(a)) for a in args[1:]]
    kw = {k: lib.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out = getattr(lib.nn.functional, name)(x, *rest, **kw)
    out.sum().backward()
    # (the reshape: a recorded 0-d array replays as shape (1,))
    shape = tuple(int(n) for n in out.shape)
    return np.asarray(out.detach().numpy()).reshape(shape), np.asarray(x.grad.numpy())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_and_grad_match_torch(case):
    torch = oracle.torch()
    name, args, kwargs = case
    val, grad = _call(mt, name, args, kwargs)
    tval, tgrad = _call(torch, name, args, kwargs)
    assert val.shape == tval.shape
    np.testing.assert_allclose(val, tval, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_grad_matches_finite_differences(case):
    name, args, kwargs = case
    _, grad = _call(mt, name, args, kwargs)
    kw = {k: mt.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    rest = [mt.from_numpy(np.array(a)) for a in args[1:]]
    fn = getattr(F, name)
    x0 = args[0]
    h = 1e-6
    num = np.zeros_like(x0)
    for i in range(x0.size):
        xp, xm = x0.copy(), x0.copy()
        xp.reshape(-1)[i] += h
        xm.reshape(-1)[i] -= h
        num.reshape(-1)[i] = (fn(mt.from_numpy(xp), *rest, **kw).sum().item()
                              - fn(mt.from_numpy(xm), *rest, **kw).sum().item()) / (2 * h)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def _log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def test_cross_entropy_numpy_formula_weight_ignore_smoothing():
    x, t, w = f64(7, 5), idx(5, 7, ignore=-100), unit(5)
    lp = _log_softmax(x, 1)
    keep = t != -100
    ts = np.where(keep, t, 0)
    wt = w[ts] * keep
    nll = -(lp[np.arange(7), ts] * wt)
    got = F.cross_entropy(mt.from_numpy(x), mt.from_numpy(t), weight=mt.from_numpy(w))
    np.testing.assert_allclose(got.item(), nll.sum() / wt.sum(), rtol=1e-12)
    eps = 0.25
    smooth = -(lp * w).sum(1) * keep
    want = (1 - eps) * nll.sum() / wt.sum() + eps / 5 * smooth.sum() / wt.sum()
    got = F.cross_entropy(mt.from_numpy(x), mt.from_numpy(t), weight=mt.from_numpy(w),
                          label_smoothing=eps)
    np.testing.assert_allclose(got.item(), want, rtol=1e-12)
    p = probs(7, 5)
    got = mt.nn.CrossEntropyLoss()(mt.from_numpy(x), mt.from_numpy(p))
    np.testing.assert_allclose(got.item(), -(p * lp).sum(1).mean(), rtol=1e-12)
    # N-d: class dim 1, mean over every position
    x4, t4 = f64(2, 3, 4), idx(3, 2, 4)
    lp4 = _log_softmax(x4, 1)
    want = -np.take_along_axis(lp4, t4[:, None], 1).mean()
    np.testing.assert_allclose(F.cross_entropy(mt.from_numpy(x4), mt.from_numpy(t4)).item(), want,
                               rtol=1e-12)


def test_binary_and_pointwise_numpy_formulas():
    x, t, w = unit(6), unit(6), unit(6)
    want = -(w * (t * np.log(x) + (1 - t) * np.log(1 - x))).mean()
    got = mt.nn.BCELoss(weight=mt.from_numpy(w))(mt.from_numpy(x), mt.from_numpy(t))
    np.testing.assert_allclose(got.item(), want, rtol=1e-12)
    # log clamped at -100: an input of exactly 0 or 1 gives 100 per element, not inf
    edge = F.binary_cross_entropy(mt.tensor([0.0, 1.0], dtype=mt.float64),
                                  mt.tensor([1.0, 0.0], dtype=mt.float64), reduction="none")
    np.testing.assert_array_equal(edge.numpy(), [100.0, 100.0])
    z, pw = 40 * f64(6), unit(6) * 3
    # log sigmoid(z) = -logaddexp(0, -z), log(1 - sigmoid(z)) = -logaddexp(0, z)
    want = pw * t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z)
    got = mt.nn.BCEWithLogitsLoss(pos_weight=mt.from_numpy(pw), reduction="none")(
        mt.from_numpy(z), mt.from_numpy(t))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-9)
    lp, p = np.log(probs(3, 4)), probs(3, 4)
    got = mt.nn.KLDivLoss(reduction="batchmean")(mt.from_numpy(lp), mt.from_numpy(p))
    np.testing.assert_allclose(got.item(), (p * (np.log(p) - lp)).sum() / 3, rtol=1e-12)
    got = mt.nn.KLDivLoss(reduction="sum", log_target=True)(mt.from_numpy(lp),
                                                            mt.from_numpy(np.log(p)))
    np.testing.assert_allclose(got.item(), (p * (np.log(p) - lp)).sum(), rtol=1e-12)
    a, b = 2 * f64(10), f64(10)
    d = np.abs(a - b)
    got = mt.nn.SmoothL1Loss(beta=0.7)(mt.from_numpy(a), mt.from_numpy(b))
    np.testing.assert_allclose(got.item(), np.where(d < 0.7, 0.5 * d**2 / 0.7, d - 0.35).mean())
    got = mt.nn.HuberLoss(delta=0.7, reduction="sum")(mt.from_numpy(a), mt.from_numpy(b))
    np.testing.assert_allclose(got.item(), np.where(d < 0.7, 0.5 * d**2, 0.7 * (d - 0.35)).sum())


def test_embedding_and_ranking_numpy_formulas():
    x1, x2, y = f64(6, 3), f64(6, 3), sign(6)
    cos = (x1 * x2).sum(1) / np.sqrt((x1**2).sum(1) * (x2**2).sum(1))
    want = np.where(y == 1, 1 - cos, np.maximum(cos - 0.1, 0)).mean()
    got = mt.nn.CosineEmbeddingLoss(margin=0.1)(mt.from_numpy(x1), mt.from_numpy(x2),
                                                mt.from_numpy(y))
    np.testing.assert_allclose(got.item(), want, rtol=1e-10)
    a, b = f64(6), f64(6)
    got = mt.nn.MarginRankingLoss(margin=0.3)(mt.from_numpy(a), mt.from_numpy(b),
                                              mt.from_numpy(y))
    np.testing.assert_allclose(got.item(), np.maximum(-y * (a - b) + 0.3, 0).mean())
    an, po, ne = f64(6, 3), f64(6, 3), f64(6, 3)

    def dist(u, v):
        return np.sqrt(((u - v + 1e-6) ** 2).sum(1))

    want = np.maximum(1.0 + dist(an, po) - np.minimum(dist(an, ne), dist(po, ne)), 0).mean()
    got = mt.nn.TripletMarginLoss(swap=True)(mt.from_numpy(an), mt.from_numpy(po),
                                             mt.from_numpy(ne))
    np.testing.assert_allclose(got.item(), want, rtol=1e-12)


def test_modules_repr_buffers_and_legacy_args():
    torch = oracle.torch()
    w = unit(3)
    m = mt.nn.CrossEntropyLoss(weight=mt.from_numpy(w), label_smoothing=0.1)
    t = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w), label_smoothing=0.1)
    assert repr(m) == repr(t)
    assert list(m.state_dict().keys()) == torch.builtins.list(t.state_dict().keys())
    for name in ["NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "SmoothL1Loss",
                 "HuberLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss"]:
        assert repr(getattr(mt.nn, name)()) == repr(getattr(torch.nn, name)())
    bl, tb = mt.nn.BCEWithLogitsLoss(pos_weight=mt.ones(2)), torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.ones(2))
    assert list(bl.state_dict().keys()) == torch.builtins.list(tb.state_dict().keys())
    assert mt.nn.CrossEntropyLoss().ignore_index == -100
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        loss = mt.nn.NLLLoss(size_average=False)
        val = F.nll_loss(mt.from_numpy(f64(3, 2)), mt.tensor([0, 1, 1]), reduce=False)
    assert loss.reduction == "sum" and val.shape == (3,)
    assert any("reduction='sum'" in str(r.message) for r in rec)


def L_ones3(L):  # noqa: N802
    return L.ones(3)


ERRORS = [
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.zeros(3)), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.zeros(2, dtype=L.int64)), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.zeros(3, dtype=L.int32)), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.zeros(3, 4, dtype=L.int64)), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.tensor([0, 1, 7])), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.tensor([0, 1, 2])), {"reduction": "bad"}),
    ("cross_entropy", lambda L: (L.zeros(3, 4, 5), L.zeros(3, 4, dtype=L.int64)), {}),
    ("cross_entropy", lambda L: (L.zeros(3, 4), L.zeros(3, dtype=L.int64)),
     {"weight": L_ones3}),
    ("nll_loss", lambda L: (L.zeros(3, 4), L.zeros(3)), {}),
    ("nll_loss", lambda L: (L.zeros(3, 4, 5), L.zeros(3, 6, dtype=L.int64)), {}),
    ("binary_cross_entropy", lambda L: (L.zeros(3) + 2, L.zeros(3)), {}),
    ("binary_cross_entropy", lambda L: (L.zeros(3), L.zeros(3)), {"reduction": "avg"}),
    ("smooth_l1_loss", lambda L: (L.zeros(3), L.zeros(3)), {"beta": -1.0}),
    ("huber_loss", lambda L: (L.zeros(3), L.zeros(3)), {"delta": 0.0}),
    ("triplet_margin_loss", lambda L: (L.zeros(3, 2), L.zeros(3, 2), L.zeros(2)), {}),
    ("cosine_embedding_loss", lambda L: (L.zeros(3, 2), L.zeros(3, 2), L.zeros(3, 1)), {}),
    ("kl_div", lambda L: (L.zeros(3), L.zeros(3)), {"reduction": "batch"}),
]


# size mismatches: the message names the shape class, torch.Size vs minitorch.Size
SIZE_ERRORS = [
    ("binary_cross_entropy", lambda L: (L.zeros(3), L.zeros(3, 1)), {}),
    ("binary_cross_entropy_with_logits", lambda L: (L.zeros(3), L.zeros(3, 1)), {}),
    ("margin_ranking_loss", lambda L: (L.zeros(3), L.zeros(3), L.zeros(3, 1)), {}),
]


def _raise(lib, name, make, kwargs):
    kw = {k: (v(lib) if callable(v) else v) for k, v in kwargs.items()}
    with pytest.raises(Exception) as info:
        getattr(lib.nn.functional, name)(*make(lib), **kw)
    return info.value


@pytest.mark.parametrize("case", ERRORS + SIZE_ERRORS,
                         ids=[f"{i}-{c[0]}" for i, c in enumerate(ERRORS + SIZE_ERRORS)])
def test_errors_match_torch(case):
    torch = oracle.torch()
    name, make, kwargs = case
    ours = _raise(mt, name, make, kwargs)
    theirs = _raise(torch, name, make, kwargs)
    assert isinstance(ours, type(theirs).__mro__[0]) or type(ours) in type(theirs).__mro__
    assert str(ours).replace("minitorch.Size", "torch.Size") == str(theirs)
