"""The fused nn ops (Note [Fused nn losses and norms]): cross_entropy with class
indices, nll_loss, layer_norm, rms_norm and embedding are one C++ op with one backward
node each. Values and gradients (for a random upstream gradient) against PyTorch
through the oracle and against NumPy formulas, gradcheck in float64, the one-node
graph, bitwise equality across thread counts, half types, and errors."""

import numpy as np
import oracle
import pytest

import minitorch as mt

F = mt.nn.functional
rng = np.random.default_rng(7)


def targets(c, *shape, ignore=None):
    t = rng.integers(0, c, shape).astype(np.int64)
    if ignore is not None:
        t.reshape(-1)[::4] = ignore
    return t


# ---------------------------------------------------------------- cross_entropy / nll_loss
# (name, input shape, target, kwargs); kwargs "weight" given as a class count
CE_CASES = [
    ("cross_entropy", (8, 5), targets(5, 8), {}),
    ("cross_entropy", (8, 5), targets(5, 8, ignore=-100), {"reduction": "none"}),
    ("cross_entropy", (8, 5), targets(5, 8, ignore=-100), {"reduction": "sum", "weight": 5}),
    ("cross_entropy", (8, 5), targets(5, 8, ignore=-100), {"weight": 5}),
    ("cross_entropy", (8, 5), targets(5, 8, ignore=3), {"ignore_index": 3,
                                                        "label_smoothing": 0.25}),
    ("cross_entropy", (8, 5), targets(5, 8, ignore=-100), {"label_smoothing": 0.1,
                                                           "weight": 5}),
    ("cross_entropy", (8, 5), targets(5, 8), {"label_smoothing": 0.3, "reduction": "none",
                                              "weight": 5}),
    ("cross_entropy", (4, 5, 3, 2), targets(5, 4, 3, 2, ignore=-100),
     {"weight": 5, "label_smoothing": 0.2}),
    ("cross_entropy", (4, 5, 3), targets(5, 4, 3), {"reduction": "none"}),
    ("cross_entropy", (6,), np.array(4), {"label_smoothing": 0.1}),
    ("cross_entropy", (6, 1000), targets(1000, 6), {}),
    ("nll_loss", (8, 5), targets(5, 8, ignore=-100), {}),
    ("nll_loss", (8, 5), targets(5, 8, ignore=-100), {"weight": 5, "reduction": "sum"}),
    ("nll_loss", (8, 5), targets(5, 8, ignore=1), {"ignore_index": 1, "reduction": "none"}),
    ("nll_loss", (4, 5, 3), targets(5, 4, 3, ignore=-100), {"weight": 5}),
    ("nll_loss", (5,), np.array(2), {}),
]
CE_IDS = [f"{i}-{c[0]}-{c[3].get('reduction', 'mean')}" for i, c in enumerate(CE_CASES)]
CE_DATA = [(rng.standard_normal(shape), t,
            {k: (rng.uniform(0.2, 2.0, v) if k == "weight" else v) for k, v in kw.items()},
            rng.standard_normal(t.shape))
           for _, shape, t, kw in CE_CASES]


def _ce_call(lib, name, x, t, kw, g, dtype):
    xt = lib.from_numpy(x.copy()).to(getattr(lib, dtype)).requires_grad_()
    kwt = {k: lib.from_numpy(v).to(getattr(lib, dtype)) if isinstance(v, np.ndarray) else v
           for k, v in kw.items()}
    out = getattr(lib.nn.functional, name)(xt, lib.from_numpy(t), **kwt)
    if kw.get("reduction") == "none":
        out.backward(lib.from_numpy(g).to(getattr(lib, dtype)))
    else:
        (out * 1.5).backward()
    shape = tuple(int(n) for n in out.shape)
    return (np.asarray(out.detach().double().numpy()).reshape(shape),
            np.asarray(xt.grad.double().numpy()))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(CE_CASES)), ids=CE_IDS)
def test_nll_family_matches_torch(k, dtype):
    torch = oracle.torch()
    name = CE_CASES[k][0]
    x, t, kw, g = CE_DATA[k]
    val, grad = _ce_call(mt, name, x, t, kw, g, dtype)
    tval, tgrad = _ce_call(torch, name, x, t, kw, g, dtype)
    assert val.shape == tval.shape
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(val, tval, **tol)
    np.testing.assert_allclose(grad, tgrad, **tol)


def _np_cross_entropy(x, t, w, ignore_index, smoothing, reduction):
    # x (N, C, S), t (N, S): log_softmax over C, then the weighted nll and smoothing terms
    logp = x - x.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    c = x.shape[1]
    w = np.ones(c) if w is None else w
    keep = t != ignore_index
    safe = np.where(keep, t, 0)
    wt = w[safe] * keep
    nll = -np.take_along_axis(logp, safe[:, None], 1)[:, 0] * wt
    smooth = -(logp * w[None, :, None]).sum(1) * keep
    loss = (1 - smoothing) * nll + smoothing / c * smooth
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / wt.sum()


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("smoothing", [0.0, 0.15])
def test_cross_entropy_matches_numpy(reduction, smoothing):
    x = rng.standard_normal((5, 7, 3))
    t = targets(7, 5, 3, ignore=-100)
    w = rng.uniform(0.5, 1.5, 7)
    out = F.cross_entropy(mt.from_numpy(x), mt.from_numpy(t), weight=mt.from_numpy(w),
                          reduction=reduction, label_smoothing=smoothing)
    ref = _np_cross_entropy(x, t, w, -100, smoothing, reduction)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2, "reduction": "sum"},
                                {"weight": True, "reduction": "none"}])
def test_cross_entropy_gradcheck(kw):
    x = mt.from_numpy(rng.standard_normal((4, 3, 2))).requires_grad_()
    t = mt.from_numpy(targets(3, 4, 2, ignore=-100))
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = mt.from_numpy(rng.uniform(0.5, 1.5, 3))
    assert mt.autograd.gradcheck(lambda a: F.cross_entropy(a, t, **kw), (x,))
    assert mt.autograd.gradcheck(lambda a: F.nll_loss(a, t, reduction=kw.get("reduction",
                                                                             "mean")), (x,))


def test_cross_entropy_is_one_node():
    x = mt.randn(4, 3, requires_grad=True)
    for loss in (F.cross_entropy(x, mt.tensor([0, 1, 2, 1]), label_smoothing=0.1),
                 F.nll_loss(x, mt.tensor([0, 1, 2, 1]))):
        (nxt, _), = loss.grad_fn.next_functions
        assert type(nxt).__name__ == "AccumulateGrad"


def test_cross_entropy_noncontiguous_and_byte_target():
    torch = oracle.torch()
    x = rng.standard_normal((5, 6)).astype(np.float32)
    t = targets(5, 6).astype(np.uint8)
    outs = []
    for lib in (mt, torch):
        xt = lib.from_numpy(x.copy()).requires_grad_()
        loss = lib.nn.functional.cross_entropy(xt.t(), lib.from_numpy(t), reduction="sum")
        loss.backward()
        outs.append((float(loss.item()), np.asarray(xt.grad.numpy())))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-7)


def test_cross_entropy_all_ignored_mean_is_nan():
    x = mt.randn(3, 4, requires_grad=True)
    loss = F.cross_entropy(x, mt.tensor([-100, -100, -100]))
    assert np.isnan(loss.item())
    loss.backward()
    assert x.grad.shape == (3, 4)


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("bad", [7, -3])
def test_target_out_of_range(name, bad):
    torch = oracle.torch()
    errs = []
    for lib in (mt, torch):
        with pytest.raises(Exception) as info:
            getattr(lib.nn.functional, name)(lib.zeros(3, 4), lib.tensor([0, bad, 1]))
        errs.append(info.value)
    assert type(errs[0]) is IndexError and isinstance(errs[1], IndexError)
    assert str(errs[0]) == str(errs[1])


def test_double_backward_is_refused():
    x = mt.randn(4, 3, dtype=mt.float64, requires_grad=True)
    loss = F.cross_entropy(x, mt.tensor([0, 1, 2, 0]))
    with pytest.raises(RuntimeError, match="double backward"):
        mt.autograd.grad(loss, x, create_graph=True)
    y = F.layer_norm(x, (3,))
    with pytest.raises(RuntimeError, match="double backward"):
        mt.autograd.grad(y.sum(), x, create_graph=True)


def _with_threads(n, fn):
    old = mt.get_num_threads()
    mt.set_num_threads(n)
    try:
        return fn()
    finally:
        mt.set_num_threads(old)


def test_bitwise_equal_across_thread_counts():
    x = rng.standard_normal((300, 500)).astype(np.float32)
    t = targets(500, 300)
    w = rng.standard_normal(500).astype(np.float32)

    def run():
        a = mt.from_numpy(x.copy()).requires_grad_()
        wl = mt.from_numpy(w.copy()).requires_grad_()
        loss = F.cross_entropy(a, mt.from_numpy(t), label_smoothing=0.1)
        y = F.layer_norm(a, (500,), wl, wl)
        (loss + (y * y).sum()).backward()
        return loss.item(), a.grad.numpy().copy(), wl.grad.numpy().copy()

    one, two = _with_threads(1, run), _with_threads(2, run)
    assert one[0] == two[0]
    assert np.array_equal(one[1], two[1]) and np.array_equal(one[2], two[2])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_types_compute_in_float32(dtype):
    x = mt.randn(16, 10)
    t = mt.tensor(targets(10, 16))
    h = x.to(getattr(mt, dtype))
    ref = F.cross_entropy(h.float(), t)
    assert F.cross_entropy(h, t).dtype == getattr(mt, dtype)
    np.testing.assert_allclose(F.cross_entropy(h, t).float().item(), ref.item(), rtol=1e-2)
    y = F.layer_norm(h, (10,))
    assert y.dtype == getattr(mt, dtype)
    np.testing.assert_allclose(y.float().numpy(), F.layer_norm(h.float(), (10,)).numpy(),
                               rtol=2e-2, atol=2e-2)


# ---------------------------------------------------------------- layer_norm / rms_norm
NORM_CASES = [
    ("layer_norm", (6, 8), (8,), True, True),
    ("layer_norm", (3, 4, 5), (4, 5), True, False),
    ("layer_norm", (3, 4, 5), (5,), False, True),
    ("layer_norm", (2, 3, 7), (7,), False, False),
    ("rms_norm", (6, 8), (8,), True, False),
    ("rms_norm", (3, 4, 5), (4, 5), False, False),
]
NORM_IDS = [f"{c[0]}-{len(c[2])}d-w{int(c[3])}b{int(c[4])}" for c in NORM_CASES]
NORM_DATA = [(rng.standard_normal(shape), rng.uniform(0.5, 1.5, ns), rng.standard_normal(ns),
              rng.standard_normal(shape))
             for _, shape, ns, _, _ in NORM_CASES]


def _norm_call(lib, k, dtype):
    name, _, ns, has_w, has_b = NORM_CASES[k]
    x, w, b, g = NORM_DATA[k]
    dt = getattr(lib, dtype)
    xt = lib.from_numpy(x.copy()).to(dt).requires_grad_()
    wt = lib.from_numpy(w.copy()).to(dt).requires_grad_() if has_w else None
    bt = lib.from_numpy(b.copy()).to(dt).requires_grad_() if has_b else None
    if name == "layer_norm":
        y = lib.nn.functional.layer_norm(xt, ns, wt, bt, eps=1e-5)
    else:
        y = lib.nn.functional.rms_norm(xt, ns, wt, eps=1e-6)
    y.backward(lib.from_numpy(g).to(dt))
    grads = [np.asarray(p.grad.double().numpy()) for p in (xt, wt, bt) if p is not None]
    return np.asarray(y.detach().double().numpy()), grads


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(NORM_CASES)), ids=NORM_IDS)
def test_norms_match_torch(k, dtype):
    torch = oracle.torch()
    val, grads = _norm_call(mt, k, dtype)
    tval, tgrads = _norm_call(torch, k, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(val, tval, **tol)
    assert len(grads) == len(tgrads)
    for a, b in zip(grads, tgrads):
        np.testing.assert_allclose(a, b, **tol)


def test_norms_match_numpy():
    x = rng.standard_normal((4, 6))
    w, b = rng.standard_normal(6), rng.standard_normal(6)
    mu, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    ref = (x - mu) / np.sqrt(var + 1e-5) * w + b
    out = F.layer_norm(mt.from_numpy(x), (6,), mt.from_numpy(w), mt.from_numpy(b))
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12, atol=1e-12)
    ref = x / np.sqrt((x * x).mean(1, keepdims=True) + 1e-6) * w
    out = F.rms_norm(mt.from_numpy(x), (6,), mt.from_numpy(w), eps=1e-6)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("rms", [False, True])
def test_norm_gradcheck(rms):
    x = mt.from_numpy(rng.standard_normal((3, 2, 4))).requires_grad_()
    w = mt.from_numpy(rng.uniform(0.5, 1.5, (2, 4))).requires_grad_()
    b = mt.from_numpy(rng.standard_normal((2, 4))).requires_grad_()
    if rms:
        assert mt.autograd.gradcheck(lambda a, c: F.rms_norm(a, (2, 4), c, eps=1e-6), (x, w))
    else:
        assert mt.autograd.gradcheck(lambda a, c, d: F.layer_norm(a, (2, 4), c, d), (x, w, b))
        # only the weight requires grad
        assert mt.autograd.gradcheck(lambda c: F.layer_norm(x.detach(), (2, 4), c, b.detach()),
                                     (w,))


def test_layer_norm_is_one_node_and_module_uses_it():
    m = mt.nn.LayerNorm(5)
    x = mt.randn(2, 5, requires_grad=True)
    y = m(x)
    assert type(y.grad_fn).__name__ == "NativeLayerNormBackward0"
    assert len(y.grad_fn.next_functions) == 3
    y.sum().backward()
    assert m.weight.grad.shape == (5,) and m.bias.grad.shape == (5,)


def test_layer_norm_weight_shape_error():
    torch = oracle.torch()
    errs = []
    for lib in (mt, torch):
        with pytest.raises(Exception) as info:
            lib.nn.functional.layer_norm(lib.zeros(3, 4), (4,), lib.ones(3))
        errs.append(info.value)
    assert type(errs[0]) is RuntimeError and isinstance(errs[1], RuntimeError)
    assert str(errs[0]) == str(errs[1])


# ---------------------------------------------------------------- embedding
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("idx_dtype", ["int64", "int32"])
def test_embedding_matches_torch(padding_idx, idx_dtype):
    torch = oracle.torch()
    w = rng.standard_normal((10, 4))
    idx = np.array([[1, 2, 1], [9, 2, 0]]).astype(idx_dtype)
    g = rng.standard_normal((2, 3, 4))
    res = []
    for lib in (mt, torch):
        wt = lib.from_numpy(w.copy()).requires_grad_()
        y = lib.nn.functional.embedding(lib.from_numpy(idx), wt, padding_idx=padding_idx)
        y.backward(lib.from_numpy(g))
        res.append((np.asarray(y.detach().numpy()), np.asarray(wt.grad.numpy())))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-12, atol=1e-12)


def test_embedding_grad_is_index_add():
    w = mt.randn(6, 3, requires_grad=True)
    idx = np.array([0, 4, 4, 5, 0, 0])
    g = rng.standard_normal((6, 3))
    y = F.embedding(mt.from_numpy(idx), w, padding_idx=5)
    assert type(y.grad_fn).__name__ == "EmbeddingBackward0"
    y.backward(mt.from_numpy(g).float())
    ref = np.zeros((6, 3))
    np.add.at(ref, idx, g)
    ref[5] = 0
    np.testing.assert_allclose(w.grad.numpy(), ref, rtol=1e-6, atol=1e-6)
    # (with padding_idx the padding row's gradient is zero by design, as in PyTorch)
    assert mt.autograd.gradcheck(
        lambda a: F.embedding(mt.from_numpy(idx), a),
        (mt.randn(6, 3, dtype=mt.float64, requires_grad=True),))
    emb = mt.nn.Embedding(6, 3, padding_idx=0)
    out = emb(mt.from_numpy(idx))
    out.sum().backward()
    assert np.all(emb.weight.grad.numpy()[0] == 0)


# ---------------------------------------------------------------- batch_norm / group_norm
BN_CASES = [((8, 3), True, True), ((8, 3), False, True), ((4, 3, 5), True, False),
            ((2, 4, 3, 2), True, True), ((2, 4, 3, 2), False, False)]
BN_DATA = [(rng.standard_normal(shape), rng.standard_normal(shape[1]),
            rng.uniform(0.5, 1.5, shape[1]), rng.uniform(0.5, 1.5, shape[1]),
            rng.standard_normal(shape[1]), rng.standard_normal(shape))
           for shape, _, _ in BN_CASES]


def _bn_call(lib, k, dtype, momentum=0.1):
    _, training, affine = BN_CASES[k]
    x, rm, rv, w, b, g = BN_DATA[k]
    dt = getattr(lib, dtype)
    xt = lib.from_numpy(x.copy()).to(dt).requires_grad_()
    wt = lib.from_numpy(w.copy()).to(dt).requires_grad_() if affine else None
    bt = lib.from_numpy(b.copy()).to(dt).requires_grad_() if affine else None
    rmt, rvt = lib.from_numpy(rm.copy()).to(dt), lib.from_numpy(rv.copy()).to(dt)
    y = lib.nn.functional.batch_norm(xt, rmt, rvt, wt, bt, training, momentum, 1e-5)
    y.backward(lib.from_numpy(g).to(dt))
    out = [y.detach(), xt.grad, rmt, rvt] + ([wt.grad, bt.grad] if affine else [])
    return [np.asarray(t.double().numpy()) for t in out]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(BN_CASES)),
                         ids=[f"{len(c[0])}d-train{int(c[1])}-affine{int(c[2])}"
                              for c in BN_CASES])
def test_batch_norm_matches_torch(k, dtype):
    torch = oracle.torch()
    ours, theirs = _bn_call(mt, k, dtype), _bn_call(torch, k, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **tol)


def test_batch_norm_matches_numpy_and_updates_running_stats():
    x = rng.standard_normal((6, 3, 4))
    rm, rv = np.zeros(3), np.ones(3)
    rmt, rvt = mt.from_numpy(rm.copy()), mt.from_numpy(rv.copy())
    y = F.batch_norm(mt.from_numpy(x), rmt, rvt, training=True, momentum=0.25)
    mu, var = x.mean((0, 2)), x.var((0, 2))
    ref = (x - mu[None, :, None]) / np.sqrt(var[None, :, None] + 1e-5)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rmt.numpy(), 0.75 * rm + 0.25 * mu, rtol=1e-12)
    np.testing.assert_allclose(rvt.numpy(), 0.75 * rv + 0.25 * var * 24 / 23, rtol=1e-12)
    # eval: the running stats, left alone
    y = F.batch_norm(mt.from_numpy(x), rmt, rvt, training=False)
    ref = (x - rmt.numpy()[None, :, None]) / np.sqrt(rvt.numpy()[None, :, None] + 1e-5)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck_and_one_node(training):
    x = mt.from_numpy(rng.standard_normal((4, 3, 2))).requires_grad_()
    w = mt.from_numpy(rng.uniform(0.5, 1.5, 3)).requires_grad_()
    b = mt.from_numpy(rng.standard_normal(3)).requires_grad_()
    rm, rv = mt.zeros(3, dtype=mt.float64), mt.ones(3, dtype=mt.float64)
    assert mt.autograd.gradcheck(
        lambda a, c, d: F.batch_norm(a, None if training else rm, None if training else rv,
                                     c, d, training), (x, w, b))
    y = F.batch_norm(x, rm, rv, w, b, training)
    assert type(y.grad_fn).__name__ == "NativeBatchNormBackward0"
    m = mt.nn.BatchNorm2d(3, momentum=None)
    m(mt.randn(2, 3, 4, 4)).sum().backward()
    assert m.weight.grad.shape == (3,) and int(m.num_batches_tracked) == 1


GN_CASES = [((4, 6, 5), 3, True), ((2, 6, 3, 4), 2, True), ((3, 4), 2, False),
            ((2, 4, 7), 4, True)]
GN_DATA = [(rng.standard_normal(shape), rng.uniform(0.5, 1.5, shape[1]),
            rng.standard_normal(shape[1]), rng.standard_normal(shape))
           for shape, _, _ in GN_CASES]


def _gn_call(lib, k, dtype):
    _, groups, affine = GN_CASES[k]
    x, w, b, g = GN_DATA[k]
    dt = getattr(lib, dtype)
    xt = lib.from_numpy(x.copy()).to(dt).requires_grad_()
    wt = lib.from_numpy(w.copy()).to(dt).requires_grad_() if affine else None
    bt = lib.from_numpy(b.copy()).to(dt).requires_grad_() if affine else None
    y = lib.nn.functional.group_norm(xt, groups, wt, bt)
    y.backward(lib.from_numpy(g).to(dt))
    out = [y.detach(), xt.grad] + ([wt.grad, bt.grad] if affine else [])
    return [np.asarray(t.double().numpy()) for t in out]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k", range(len(GN_CASES)), ids=[f"g{c[1]}-{len(c[0])}d"
                                                         for c in GN_CASES])
def test_group_norm_matches_torch(k, dtype):
    torch = oracle.torch()
    ours, theirs = _gn_call(mt, k, dtype), _gn_call(torch, k, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **tol)


def test_group_norm_matches_numpy_and_gradcheck():
    x = rng.standard_normal((2, 6, 5))
    xs = x.reshape(2, 3, -1)
    ref = ((xs - xs.mean(2, keepdims=True)) / np.sqrt(xs.var(2, keepdims=True) + 1e-5))
    out = F.group_norm(mt.from_numpy(x), 3)
    np.testing.assert_allclose(out.numpy(), ref.reshape(x.shape), rtol=1e-12, atol=1e-12)
    xt = mt.from_numpy(x).requires_grad_()
    w = mt.from_numpy(rng.uniform(0.5, 1.5, 6)).requires_grad_()
    b = mt.from_numpy(rng.standard_normal(6)).requires_grad_()
    assert mt.autograd.gradcheck(lambda a, c, d: F.group_norm(a, 3, c, d), (xt, w, b))
    y = mt.nn.GroupNorm(3, 6)(xt.float())
    assert type(y.grad_fn).__name__ == "NativeGroupNormBackward0"


def test_channel_norms_bitwise_equal_across_thread_counts():
    x = rng.standard_normal((64, 8, 24, 24)).astype(np.float32)

    def run():
        a = mt.from_numpy(x.copy()).requires_grad_()
        w = mt.ones(8, requires_grad=True)
        rm, rv = mt.zeros(8), mt.ones(8)
        y = F.batch_norm(a, rm, rv, w, None, True) + F.group_norm(a, 4, w)
        (y * y).sum().backward()
        return a.grad.numpy().copy(), w.grad.numpy().copy(), rm.numpy().copy()

    one, two = _with_threads(1, run), _with_threads(2, run)
    for a, b in zip(one, two):
        assert np.array_equal(a, b)


# ---------------------------------------------------------------- mse_loss / bce_with_logits
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name,kw", [("mse_loss", ()), ("binary_cross_entropy_with_logits", ()),
                                     ("binary_cross_entropy_with_logits",
                                      ("weight", "pos_weight"))])
def test_point_losses_match_torch(name, kw, reduction):
    torch = oracle.torch()
    x, t, g = rng.standard_normal((4, 3)), rng.random((4, 3)), rng.standard_normal((4, 3))
    extra = {k: rng.uniform(0.5, 1.5, 3) for k in kw}
    res = []
    for lib in (mt, torch):
        a = lib.from_numpy(x.copy()).requires_grad_()
        b = lib.from_numpy(t.copy()).requires_grad_()
        out = getattr(lib.nn.functional, name)(a, b, reduction=reduction,
                                               **{k: lib.from_numpy(v) for k, v in extra.items()})
        (out * lib.from_numpy(g)).sum().backward() if reduction == "none" else (out * 2).backward()
        shape = tuple(int(n) for n in out.shape)
        res.append([np.asarray(out.detach().numpy()).reshape(shape),
                    np.asarray(a.grad.numpy()), np.asarray(b.grad.numpy())])
    for u, v in zip(*res):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)
    assert mt.autograd.gradcheck(
        lambda a, b: getattr(F, name)(a, b, reduction=reduction,
                                      **{k: mt.from_numpy(v) for k, v in extra.items()}),
        (mt.from_numpy(x).requires_grad_(), mt.from_numpy(t).requires_grad_()))
