"""The second set of fused nn ops (Note [Fused losses, second set]): cross_entropy with
class probabilities, l1/smooth_l1/huber/binary_cross_entropy/kl_div/soft_margin/
poisson_nll, instance_norm (on
the fused group_norm / batch_norm) and embedding_bag. Values and gradients against
PyTorch through the oracle and against NumPy formulas, gradcheck in float64, the
one-node graph, bitwise equality across thread counts, half types, and errors."""

import numpy as np
import oracle
import pytest

import minitorch as mt

F = mt.nn.functional
rng = np.random.default_rng(11)


def _with_threads(n, fn):
    old = mt.get_num_threads()
    mt.set_num_threads(n)
    try:
        return fn()
    finally:
        mt.set_num_threads(old)


def _tol(dtype):
    return dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=2e-6)


def _probs(shape, cdim=1):
    p = rng.uniform(0.0, 1.0, shape)
    return p / p.sum(axis=cdim, keepdims=True)


# ---------------------------------------------------------------- cross_entropy, probabilities
PCE_CASES = [
    ((8, 5), {}),
    ((8, 5), {"reduction": "none"}),
    ((8, 5), {"reduction": "sum", "weight": 5}),
    ((8, 5), {"weight": 5, "label_smoothing": 0.2}),
    ((8, 5), {"label_smoothing": 0.3, "reduction": "none"}),
    ((4, 5, 3, 2), {"weight": 5, "label_smoothing": 0.1}),
    ((4, 5, 3), {"reduction": "none", "weight": 5}),
    ((6,), {"label_smoothing": 0.1}),
    ((3, 1000), {}),
]
PCE_DATA = [(rng.standard_normal(shape), _probs(shape, 0 if len(shape) == 1 else 1),
             {k: (rng.uniform(0.2, 2.0, v) if k == "weight" else v) for k, v in kw.items()})
            for shape, kw in PCE_CASES]


def _pce_call(lib, x, t, kw, dtype, grad_target=False):
    dt = getattr(lib, dtype)
    xt = lib.from_numpy(x.copy()).to(dt).requires_grad_()
    tt = lib.from_numpy(t.copy()).to(dt).requires_grad_(grad_target)
    kwt = {k: lib.from_numpy(v).to(dt) if isinstance(v, np.ndarray) else v
           for k, v in kw.items()}
    out = lib.nn.functional.cross_entropy(xt, tt, **kwt)
    g = lib.from_numpy(np.linspace(-1.0, 2.0, max(out.numel(), 1))).to(dt).reshape(out.shape)
    out.backward(g)
    shape = tuple(int(n) for n in out.shape)
    res = [np.asarray(out.detach().double().numpy()).reshape(shape),
           np.asarray(xt.grad.double().numpy())]
    if grad_target:
        res.append(np.asarray(tt.grad.double().numpy()))
    return res


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(PCE_CASES)))
def test_prob_cross_entropy_matches_torch(k, dtype):
    torch = oracle.torch()
    x, t, kw = PCE_DATA[k]
    ours = _pce_call(mt, x, t, kw, dtype, grad_target=k < 4)
    theirs = _pce_call(torch, x, t, kw, dtype, grad_target=k < 4)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, **_tol(dtype))


def test_prob_cross_entropy_matches_numpy():
    x, t = rng.standard_normal((6, 4)), _probs((6, 4))
    w, ls = rng.uniform(0.5, 2.0, 4), 0.2
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    ts = t * (1 - ls) + ls / 4
    rows = -(logp * ts * w).sum(1)
    got = F.cross_entropy(mt.from_numpy(x), mt.from_numpy(t), weight=mt.from_numpy(w),
                          label_smoothing=ls, reduction="none")
    np.testing.assert_allclose(got.numpy(), rows, rtol=1e-12)
    got = F.cross_entropy(mt.from_numpy(x), mt.from_numpy(t), weight=mt.from_numpy(w),
                          label_smoothing=ls)
    np.testing.assert_allclose(got.item(), rows.mean(), rtol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2, "reduction": "sum"},
                                {"weight": True, "reduction": "none"}])
def test_prob_cross_entropy_gradcheck_and_one_node(kw):
    x = mt.from_numpy(rng.standard_normal((4, 3, 2))).requires_grad_()
    t = mt.from_numpy(_probs((4, 3, 2))).requires_grad_()
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = mt.from_numpy(rng.uniform(0.5, 1.5, 3))
    assert mt.autograd.gradcheck(lambda a, b: F.cross_entropy(a, b, **kw), (x, t))
    loss = F.cross_entropy(x, t, **kw)
    assert type(loss.grad_fn).__name__ == "CrossEntropyLossBackward0"
    assert all(type(f).__name__ == "AccumulateGrad" for f, _ in loss.grad_fn.next_functions)


def test_prob_cross_entropy_noncontiguous():
    x = rng.standard_normal((5, 7))
    t = _probs((7, 5)).T
    a = mt.from_numpy(x.copy()).requires_grad_()
    loss = F.cross_entropy(a.t().t(), mt.from_numpy(t.copy()).t().t(), reduction="sum")
    loss.backward()
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    np.testing.assert_allclose(loss.item(), -(logp * t).sum(), rtol=1e-12)
    p = np.exp(logp)
    np.testing.assert_allclose(a.grad.numpy(), p * t.sum(1, keepdims=True) - t, rtol=1e-10)


def test_prob_cross_entropy_errors():
    torch = oracle.torch()
    for lib in (mt, torch):
        with pytest.raises(RuntimeError):
            lib.nn.functional.cross_entropy(lib.zeros(3, 4), lib.zeros(3, 4, dtype=lib.int64))
        with pytest.raises(RuntimeError):
            lib.nn.functional.cross_entropy(lib.zeros(3, 4), lib.zeros(3, 4),
                                            weight=lib.ones(3))
        with pytest.raises(RuntimeError):
            lib.nn.functional.cross_entropy(lib.zeros(3, 4), lib.zeros(3, 4), label_smoothing=2)


# ---------------------------------------------------------------- elementwise losses
def _bce_data(shape):
    return rng.uniform(0.02, 0.98, shape), rng.uniform(0.0, 1.0, shape)


ELEM_CASES = [
    ("l1_loss", {}),
    ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 0.0}),
    ("huber_loss", {"delta": 0.7}),
    ("binary_cross_entropy", {}),
    ("binary_cross_entropy", {"weight": True}),
    ("kl_div", {}),
    ("kl_div", {"log_target": True}),
    ("soft_margin_loss", {}),
    ("poisson_nll_loss", {}),
    ("poisson_nll_loss", {"log_input": False, "full": True}),
    ("poisson_nll_loss", {"full": True, "eps": 1e-3}),
]


def _elem_inputs(name, shape):
    if name == "binary_cross_entropy":
        return _bce_data(shape)
    if name == "kl_div":
        return np.log(_probs(shape)), _probs(shape)
    if name == "soft_margin_loss":
        return rng.standard_normal(shape), rng.choice([-1.0, 1.0], shape)
    if name == "poisson_nll_loss":
        return rng.uniform(0.1, 3.0, shape), rng.integers(0, 5, shape).astype(np.float64)
    return rng.standard_normal(shape), rng.standard_normal(shape)


ELEM_DATA = {i: _elem_inputs(c[0], (6, 5)) for i, c in enumerate(ELEM_CASES)}
ELEM_W = rng.uniform(0.5, 1.5, (6, 5))


def _elem_call(lib, k, reduction, dtype):
    name, kw = ELEM_CASES[k]
    x, t = ELEM_DATA[k]
    if name == "kl_div" and kw.get("log_target"):
        t = np.log(t)
    dt = getattr(lib, dtype)
    xt = lib.from_numpy(x.copy()).to(dt).requires_grad_()
    t_grad = name != "soft_margin_loss"  # PyTorch has no target gradient for it
    tt = lib.from_numpy(t.copy()).to(dt).requires_grad_(t_grad)
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = lib.from_numpy(ELEM_W).to(dt)
    out = getattr(lib.nn.functional, name)(xt, tt, reduction=reduction, **kw)
    g = lib.from_numpy(np.linspace(-1.0, 2.0, out.numel())).to(dt).reshape(out.shape)
    out.backward(g)
    shape = tuple(int(n) for n in out.shape)
    grads = (xt.grad, tt.grad) if t_grad else (xt.grad,)
    return [np.asarray(out.detach().double().numpy()).reshape(shape)] + [
        np.asarray(v.double().numpy()) for v in grads]


ELEM_RUNS = [(k, r) for k in range(len(ELEM_CASES)) for r in ("none", "mean", "sum")]
ELEM_RUNS += [(k, "batchmean") for k in range(len(ELEM_CASES)) if ELEM_CASES[k][0] == "kl_div"]


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k, reduction", ELEM_RUNS)
def test_elem_losses_match_torch(k, reduction, dtype):
    torch = oracle.torch()
    ours = _elem_call(mt, k, reduction, dtype)
    theirs = _elem_call(torch, k, reduction, dtype)
    if ELEM_CASES[k][1].get("full"):
        # PyTorch's target gradient of the masked Stirling term is NaN at target 0
        # (0 * log(0) through masked_fill); ours is the true gradient there
        t = ELEM_DATA[k][1]
        assert np.isnan(theirs[2][t == 0]).all() and np.isfinite(ours[2]).all()
        ours[2], theirs[2] = ours[2][t != 0], theirs[2][t != 0]
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, **_tol(dtype))


def test_elem_losses_match_numpy():
    x, t = rng.standard_normal(40), rng.standard_normal(40)
    z = np.abs(x - t)
    mx, mtt = mt.from_numpy(x), mt.from_numpy(t)
    np.testing.assert_allclose(F.l1_loss(mx, mtt).item(), z.mean(), rtol=1e-12)
    sl1 = np.where(z < 0.8, 0.5 * z * z / 0.8, z - 0.4)
    np.testing.assert_allclose(F.smooth_l1_loss(mx, mtt, beta=0.8, reduction="sum").item(),
                               sl1.sum(), rtol=1e-12)
    hub = np.where(z < 1.2, 0.5 * z * z, 1.2 * (z - 0.6))
    np.testing.assert_allclose(F.huber_loss(mx, mtt, delta=1.2, reduction="none").numpy(), hub,
                               rtol=1e-12)
    p, q = _bce_data(40)
    bce = -(q * np.log(p) + (1 - q) * np.log(1 - p))
    np.testing.assert_allclose(F.binary_cross_entropy(mt.from_numpy(p), mt.from_numpy(q)).item(),
                               bce.mean(), rtol=1e-12)
    # the logs are clamped at -100
    edge = F.binary_cross_entropy(mt.tensor([0.0, 1.0]), mt.tensor([1.0, 0.0]), reduction="none")
    np.testing.assert_allclose(edge.numpy(), [100.0, 100.0])
    lp, tq = np.log(_probs((4, 10))), _probs((4, 10))
    kl = tq * (np.log(tq) - lp)
    np.testing.assert_allclose(
        F.kl_div(mt.from_numpy(lp), mt.from_numpy(tq), reduction="batchmean").item(),
        kl.sum() / 4, rtol=1e-12)
    y = rng.choice([-1.0, 1.0], 40)
    np.testing.assert_allclose(F.soft_margin_loss(mx, mt.from_numpy(y)).item(),
                               np.log1p(np.exp(-y * x)).mean(), rtol=1e-12)
    lam, k = rng.uniform(0.5, 3.0, 40), rng.integers(0, 6, 40).astype(np.float64)
    kk = np.maximum(k, 1)
    st = np.where(k > 1, kk * np.log(kk) - kk + 0.5 * np.log(2 * np.pi * kk), 0)
    np.testing.assert_allclose(
        F.poisson_nll_loss(mt.from_numpy(lam), mt.from_numpy(k), log_input=False, full=True,
                           reduction="sum").item(),
        (lam - k * np.log(lam + 1e-8) + st).sum(), rtol=1e-12)
    assert type(mt.nn.PoissonNLLLoss(full=True)(mx, mt.from_numpy(k))).__name__ == "Tensor"
    np.testing.assert_allclose(mt.nn.SoftMarginLoss(reduction="sum")(mx, mt.from_numpy(y)).item(),
                               np.log1p(np.exp(-y * x)).sum(), rtol=1e-12)


@pytest.mark.parametrize("k", range(len(ELEM_CASES)))
def test_elem_losses_gradcheck_and_one_node(k):
    name, kw = ELEM_CASES[k]
    x, t = _elem_inputs(name, (3, 4))
    if name == "kl_div" and kw.get("log_target"):
        t = np.log(t)
    if name in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        t = x + rng.choice([-1.0, 1.0], x.shape) * rng.uniform(0.05, 2.0, x.shape)
    if name == "poisson_nll_loss":  # away from the Stirling term's step at target 1
        t = np.where(rng.random(x.shape) < 0.5, rng.uniform(0.2, 0.8, x.shape),
                     rng.uniform(1.5, 4.0, x.shape))
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = mt.from_numpy(rng.uniform(0.5, 1.5, (3, 4)))
    a = mt.from_numpy(x).requires_grad_()
    b = mt.from_numpy(t).requires_grad_()
    fn = getattr(F, name)
    red = "sum" if name == "kl_div" else "mean"
    assert mt.autograd.gradcheck(lambda u, v: fn(u, v, reduction=red, **kw), (a, b))
    loss = fn(a, b, reduction=red, **kw)
    assert all(type(f).__name__ == "AccumulateGrad" for f, _ in loss.grad_fn.next_functions)


def test_elem_loss_broadcast_grad_shapes():
    torch = oracle.torch()
    res = []
    x = rng.standard_normal((4, 3))
    for lib in (mt, torch):
        a = lib.from_numpy(x.copy()).requires_grad_()
        b = lib.from_numpy(np.array([0.5, -0.5, 1.0])).requires_grad_()
        loss = lib.nn.functional.huber_loss(a, b.expand(4, 3), delta=0.5)
        loss.backward()
        res.append((loss.item(), a.grad.numpy().copy(), b.grad.numpy().copy()))
    for u, v in zip(res[0], res[1]):
        np.testing.assert_allclose(u, v, rtol=1e-12)


def test_elem_losses_double_backward_is_refused():
    x = mt.randn(4, 3, dtype=mt.float64, requires_grad=True)
    loss = F.smooth_l1_loss(x, mt.zeros(4, 3, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="double backward"):
        mt.autograd.grad(loss, x, create_graph=True)
    loss = F.cross_entropy(x, mt.full((4, 3), 1 / 3, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="double backward"):
        mt.autograd.grad(loss, x, create_graph=True)


def test_bce_out_of_range_and_bad_args():
    torch = oracle.torch()
    for lib in (mt, torch):
        with pytest.raises(RuntimeError):
            lib.nn.functional.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0]))
        with pytest.raises(RuntimeError):
            lib.nn.functional.huber_loss(lib.zeros(3), lib.zeros(3), delta=0.0)
        with pytest.raises(RuntimeError):
            lib.nn.functional.smooth_l1_loss(lib.zeros(3), lib.zeros(3), beta=-1.0)
        with pytest.raises(ValueError):
            lib.nn.functional.l1_loss(lib.zeros(3), lib.zeros(3), reduction="bad")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_types_compute_in_float32(dtype):
    x, t = rng.standard_normal((8, 6)), _probs((8, 6))
    dt = getattr(mt, dtype)
    h, ht = mt.from_numpy(x).to(dt), mt.from_numpy(t).to(dt)
    ref = F.cross_entropy(h.float(), ht.float())
    got = F.cross_entropy(h, ht)
    assert got.dtype == dt
    np.testing.assert_allclose(got.float().item(), ref.item(), rtol=1e-2)
    ref = F.smooth_l1_loss(h.float(), ht.float(), reduction="sum")
    got = F.smooth_l1_loss(h, ht, reduction="sum")
    assert got.dtype == dt
    np.testing.assert_allclose(got.float().item(), ref.item(), rtol=1e-2)


def test_bitwise_equal_across_thread_counts():
    x = rng.standard_normal((300, 500)).astype(np.float32)
    t = _probs((300, 500)).astype(np.float32)

    def run():
        a = mt.from_numpy(x.copy()).requires_grad_()
        tt = mt.from_numpy(t)
        loss = F.cross_entropy(a, tt, label_smoothing=0.1) + F.smooth_l1_loss(a, tt)
        loss.backward()
        return loss.item(), a.grad.numpy().copy()

    one, two = _with_threads(1, run), _with_threads(2, run)
    assert one[0] == two[0] and np.array_equal(one[1], two[1])


# ---------------------------------------------------------------- instance_norm
IN_CASES = [
    {"affine": False, "stats": False, "use_input_stats": True},
    {"affine": True, "stats": False, "use_input_stats": True},
    {"affine": True, "stats": True, "use_input_stats": True},
    {"affine": True, "stats": True, "use_input_stats": False},
    {"affine": False, "stats": True, "use_input_stats": False},
]
IN_X = rng.standard_normal((3, 4, 5, 2))
IN_W, IN_B = rng.uniform(0.5, 1.5, 4), rng.standard_normal(4)
IN_RM, IN_RV = rng.standard_normal(4), rng.uniform(0.5, 2.0, 4)


def _in_call(lib, case, dtype):
    dt = getattr(lib, dtype)
    x = lib.from_numpy(IN_X.copy()).to(dt).requires_grad_()
    w = lib.from_numpy(IN_W.copy()).to(dt).requires_grad_() if case["affine"] else None
    b = lib.from_numpy(IN_B.copy()).to(dt).requires_grad_() if case["affine"] else None
    rm = lib.from_numpy(IN_RM.copy()).to(dt) if case["stats"] else None
    rv = lib.from_numpy(IN_RV.copy()).to(dt) if case["stats"] else None
    out = lib.nn.functional.instance_norm(x, rm, rv, w, b, use_input_stats=case["use_input_stats"],
                                          momentum=0.3, eps=1e-4)
    g = lib.from_numpy(np.linspace(-1.0, 1.0, out.numel())).to(dt).reshape(out.shape)
    out.backward(g)
    res = [out.detach(), x.grad] + ([w.grad, b.grad] if w is not None else [])
    res += [rm, rv] if rm is not None else []
    return [np.asarray(v.double().numpy()) for v in res]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(IN_CASES)))
def test_instance_norm_matches_torch(k, dtype):
    torch = oracle.torch()
    ours, theirs = _in_call(mt, IN_CASES[k], dtype), _in_call(torch, IN_CASES[k], dtype)
    assert len(ours) == len(theirs)
    tol = dict(rtol=1e-9, atol=1e-11) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **tol)


def test_instance_norm_matches_numpy_gradcheck_and_one_node():
    x = rng.standard_normal((2, 3, 6))
    mu, var = x.mean(2, keepdims=True), x.var(2, keepdims=True)
    got = F.instance_norm(mt.from_numpy(x), eps=1e-5)
    np.testing.assert_allclose(got.numpy(), (x - mu) / np.sqrt(var + 1e-5), rtol=1e-10)
    a = mt.from_numpy(x).requires_grad_()
    w = mt.from_numpy(rng.uniform(0.5, 1.5, 3)).requires_grad_()
    b = mt.from_numpy(rng.standard_normal(3)).requires_grad_()
    assert mt.autograd.gradcheck(lambda u, v, c: F.instance_norm(u, weight=v, bias=c), (a, w, b))
    out = F.instance_norm(a, weight=w, bias=b)
    assert all(type(f).__name__ == "AccumulateGrad" for f, _ in out.grad_fn.next_functions)
    m = mt.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)
    m(a).sum().backward()
    np.testing.assert_allclose(m.running_mean.numpy(), 0.1 * mu.reshape(2, 3).mean(0),
                               rtol=1e-6)


def test_instance_norm_errors():
    torch = oracle.torch()
    for lib in (mt, torch):
        with pytest.raises(ValueError):
            lib.nn.functional.instance_norm(lib.zeros(2, 3, 1))
        with pytest.raises(ValueError):
            lib.nn.functional.instance_norm(lib.zeros(2, 3))


# ---------------------------------------------------------------- embedding_bag
BAG_IDX = rng.integers(0, 10, 17).astype(np.int64)
BAG_IDX[[2, 9]] = 3  # padding_idx 3 in some cases
BAG_OFFS = np.array([0, 4, 4, 9, 13], dtype=np.int64)  # one empty bag
BAG_W = rng.standard_normal((10, 6))
BAG_PSW = rng.uniform(0.5, 2.0, 17)
BAG_CASES = [
    {"mode": "sum"},
    {"mode": "mean"},
    {"mode": "max"},
    {"mode": "sum", "psw": True},
    {"mode": "mean", "padding_idx": 3},
    {"mode": "max", "padding_idx": 3, "include_last_offset": True},
    {"mode": "sum", "psw": True, "padding_idx": 3, "include_last_offset": True},
    {"mode": "mean", "include_last_offset": True},
]


def _bag_call(lib, case, dtype):
    dt = getattr(lib, dtype)
    w = lib.from_numpy(BAG_W.copy()).to(dt).requires_grad_()
    psw = lib.from_numpy(BAG_PSW.copy()).to(dt).requires_grad_() if case.get("psw") else None
    offs = BAG_OFFS
    if case.get("include_last_offset"):
        # the documented CSR form: the last offset is len(indices)
        offs = np.concatenate([BAG_OFFS, [len(BAG_IDX)]])
    out = lib.nn.functional.embedding_bag(
        lib.from_numpy(BAG_IDX), w, lib.from_numpy(offs), mode=case["mode"],
        per_sample_weights=psw, padding_idx=case.get("padding_idx"),
        include_last_offset=case.get("include_last_offset", False))
    g = lib.from_numpy(np.linspace(-1.0, 2.0, out.numel())).to(dt).reshape(out.shape)
    out.backward(g)
    res = [out.detach(), w.grad] + ([psw.grad] if psw is not None else [])
    return [np.asarray(v.double().numpy()) for v in res]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(BAG_CASES)))
def test_embedding_bag_matches_torch(k, dtype):
    torch = oracle.torch()
    ours, theirs = _bag_call(mt, BAG_CASES[k], dtype), _bag_call(torch, BAG_CASES[k], dtype)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, **_tol(dtype))


def test_embedding_bag_matches_numpy_gradcheck_and_one_node():
    idx, offs = mt.from_numpy(BAG_IDX), mt.from_numpy(BAG_OFFS)
    got = F.embedding_bag(idx, mt.from_numpy(BAG_W), offs, mode="mean").numpy()
    bounds = list(BAG_OFFS) + [len(BAG_IDX)]
    for b in range(len(BAG_OFFS)):
        rows = BAG_W[BAG_IDX[bounds[b]:bounds[b + 1]]]
        want = rows.mean(0) if len(rows) else np.zeros(6)
        np.testing.assert_allclose(got[b], want, rtol=1e-12)
    w = mt.from_numpy(BAG_W.copy()).requires_grad_()
    p = mt.from_numpy(BAG_PSW.copy()).requires_grad_()
    assert mt.autograd.gradcheck(
        lambda a, q: F.embedding_bag(idx, a, offs, mode="sum", per_sample_weights=q,
                                     padding_idx=3), (w, p))
    for mode in ("mean", "max"):
        assert mt.autograd.gradcheck(lambda a: F.embedding_bag(idx, a, offs, mode=mode), (w,))
    out = F.embedding_bag(idx, w, offs, mode="sum", per_sample_weights=p)
    assert type(out.grad_fn).__name__ == "EmbeddingBagBackward0"
    assert all(type(f).__name__ == "AccumulateGrad" for f, _ in out.grad_fn.next_functions)
    # 2-D input: fixed-length bags
    out2 = F.embedding_bag(idx[:16].reshape(4, 4), w, mode="sum").detach().numpy()
    np.testing.assert_allclose(out2, BAG_W[BAG_IDX[:16]].reshape(4, 4, 6).sum(1), rtol=1e-12)


def test_embedding_bag_bitwise_equal_across_thread_counts():
    idx = rng.integers(0, 1000, 20000).astype(np.int64)
    offs = np.sort(rng.choice(np.arange(1, 20000), 511, replace=False))
    offs = np.concatenate([[0], offs]).astype(np.int64)
    wv = rng.standard_normal((1000, 64)).astype(np.float32)

    def run():
        w = mt.from_numpy(wv.copy()).requires_grad_()
        out = F.embedding_bag(mt.from_numpy(idx), w, mt.from_numpy(offs), mode="mean")
        (out * out).sum().backward()
        return out.detach().numpy().copy(), w.grad.numpy().copy()

    one, two = _with_threads(1, run), _with_threads(2, run)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


def test_embedding_bag_errors():
    torch = oracle.torch()
    for lib in (mt, torch):
        w = lib.zeros(5, 3)
        with pytest.raises(RuntimeError, match=r"Index 1 of input takes value 7 which is not "
                           r"in the valid range \[0, 5\)"):
            lib.nn.functional.embedding_bag(lib.tensor([0, 7]), w, lib.tensor([0]))
        with pytest.raises(NotImplementedError):
            lib.nn.functional.embedding_bag(lib.tensor([0, 1]), w, lib.tensor([0]), mode="mean",
                                            per_sample_weights=lib.ones(2))
        with pytest.raises(ValueError):
            lib.nn.functional.embedding_bag(lib.tensor([0, 1]), w, lib.tensor([0]), mode="bad")
    with pytest.raises(RuntimeError, match="valid range"):  # the op itself checks too
        mt._C._embedding_bag_fused(mt.zeros(5, 3), mt.tensor([0, 9]), mt.tensor([0]), 0, None,
                                   False, -1)
    with pytest.raises(RuntimeError):
        mt._C._embedding_bag_fused(mt.zeros(5), mt.tensor([0]), mt.tensor([0]), 0, None, False,
                                   -1)


# ---------------------------------------------------------------- device without the kernels
LOSSES_SLOTS = frozenset({"nn.prob_ce_forward", "nn.elem_loss_forward",
                          "nn.embedding_bag_forward", "nn.channel_norm_forward"})


def test_route_through_cpu_when_the_device_lacks_the_kernels(monkeypatch):
    # mark this branch's slots missing for the CPU itself, so every call takes the
    # copy path of minitorch/_kernel_fallback.py; values and gradients must not change
    from minitorch import _kernel_fallback as fb

    x = mt.from_numpy(rng.standard_normal((4, 5))).requires_grad_()
    p = mt.from_numpy(_probs((4, 5)))
    w = mt.from_numpy(BAG_W.copy()).requires_grad_()
    xi = mt.from_numpy(IN_X.copy()).requires_grad_()
    rm, rv = mt.zeros(4, dtype=mt.float64), mt.ones(4, dtype=mt.float64)

    def run():
        for t in (x, w, xi):
            t.grad = None
        rm.fill_(0.0), rv.fill_(1.0)
        loss = (F.cross_entropy(x, p, label_smoothing=0.1) + F.huber_loss(x, p)
                + F.embedding_bag(mt.from_numpy(BAG_IDX), w, mt.from_numpy(BAG_OFFS)).sum()
                + F.instance_norm(xi, rm, rv).pow(2).sum()
                + F.instance_norm(xi, rm, rv, use_input_stats=False).sum())
        loss.backward()
        return [loss.item(), x.grad.numpy().copy(), w.grad.numpy().copy(),
                xi.grad.numpy().copy(), rm.numpy().copy(), rv.numpy().copy()]

    direct = run()
    moved = []
    real = fb._to
    monkeypatch.setitem(fb._missing, "cpu", LOSSES_SLOTS)
    monkeypatch.setattr(fb, "_to", lambda v, d: moved.append(d) or real(v, d))
    routed = run()
    assert moved
    for a, b in zip(direct, routed):
        np.testing.assert_allclose(a, b, rtol=1e-12)
