"""The fused scaled_dot_product_attention (Note [Fused attention]): outputs and
gradients against PyTorch (recorded oracle) and a NumPy softmax reference, every
kind of mask, causal with L != S, GQA, scale, reduced precision, gradcheck in
float64, thread-count equality, the composite fallbacks and errors."""

import numpy as np
import oracle
import pytest

import minitorch
from minitorch import _C


def _np_sdpa(q, k, v, mask=None, causal=False, scale=None):
    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    if causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    m = s.max(-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    p = np.exp(s - m)
    d = p.sum(-1, keepdims=True)
    return (p / np.where(d > 0, d, 1)) @ v


def _arrays(qs, ks, ev=24, seed=0):
    r = np.random.default_rng(seed)
    return r.standard_normal(qs), r.standard_normal(ks), r.standard_normal(ks[:-1] + (ev,))


def _run(lib, arrays, kw, dtype="float64"):
    dt = getattr(lib, dtype)
    ts = [lib.tensor(a, dtype=dt, requires_grad=True) for a in arrays]
    kw = dict(kw)
    if isinstance(kw.get("attn_mask"), np.ndarray):
        m = kw["attn_mask"]
        kw["attn_mask"] = lib.tensor(m) if m.dtype == bool else lib.tensor(m, dtype=dt)
    out = lib.nn.functional.scaled_dot_product_attention(*ts, **kw)
    w = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)), dtype=dt)
    (out * w).sum().backward()
    return [out.detach().double().numpy().copy()] + [t.grad.double().numpy().copy() for t in ts]


_R = np.random.default_rng(42)
CASES = [
    ("plain", (2, 3, 70, 16), (2, 3, 130, 16), {}),
    ("3d", (3, 70, 16), (3, 130, 16), {}),
    ("2d", (9, 8), (5, 8), {}),
    ("5d", (2, 2, 2, 9, 8), (2, 2, 2, 11, 8), {}),
    ("gqa", (2, 4, 70, 16), (2, 2, 130, 16), dict(enable_gqa=True)),
    ("causal_L>S", (2, 3, 70, 16), (2, 3, 50, 16), dict(is_causal=True)),
    ("causal_L<S", (2, 3, 50, 16), (2, 3, 130, 16), dict(is_causal=True, scale=0.3)),
    ("causal_gqa", (1, 6, 65, 8), (1, 3, 65, 8), dict(is_causal=True, enable_gqa=True)),
    ("float_mask", (3, 70, 16), (3, 130, 16), dict(attn_mask=_R.standard_normal((70, 130)))),
    ("float_mask_inf", (2, 2, 9, 8), (2, 2, 11, 8),
     dict(attn_mask=np.where(_R.random((2, 1, 9, 11)) > 0.4, 0.0, -np.inf))),
    ("bool_mask_bcast", (2, 3, 70, 16), (2, 3, 130, 16), dict(attn_mask=_R.random((3, 1, 130)) > 0.3)),
    ("bool_mask_full", (2, 3, 9, 8), (2, 3, 11, 8), dict(attn_mask=_R.random((2, 3, 9, 11)) > 0.5)),
    ("bool_row_masked", (1, 2, 7, 8), (1, 2, 13, 8),
     dict(attn_mask=np.array([[True] * 13] * 3 + [[False] * 13] + [[True] * 13] * 3))),
]


@pytest.mark.parametrize("name, qs, ks, kw", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_and_numpy(name, qs, ks, kw):
    torch = oracle.torch()
    arrays = _arrays(qs, ks)
    a = _run(minitorch, arrays, kw)
    b = _run(torch, arrays, kw)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)
    if not kw.get("enable_gqa"):
        ref = _np_sdpa(*arrays, kw.get("attn_mask"), kw.get("is_causal", False), kw.get("scale"))
        np.testing.assert_allclose(a[0], ref, rtol=1e-10, atol=1e-12)


def test_fused_node_and_fully_masked_rows():
    q, k, v = (minitorch.tensor(a, requires_grad=True) for a in _arrays((1, 2, 7, 8), (1, 2, 13, 8)))
    mask = minitorch.ones(7, 13, dtype=minitorch.bool)
    mask[3] = False
    out = minitorch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out.grad_fn.name() == "FusedScaledDotProductAttentionBackward0"
    assert (out[:, :, 3] == 0).all()
    out.sum().backward()
    assert (q.grad[:, :, 3] == 0).all()
    with pytest.raises(RuntimeError, match="double backward"):
        o = minitorch.nn.functional.scaled_dot_product_attention(q, k, v)
        minitorch.autograd.grad(o.sum(), q, create_graph=True)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_float32_and_reduced_precision(dtype):
    torch = oracle.torch()
    arrays = _arrays((2, 2, 70, 16), (2, 2, 90, 16), seed=3)
    kw = dict(is_causal=True)
    a = _run(minitorch, arrays, kw, dtype)
    b = _run(torch, arrays, kw, dtype)
    tol = dict(float32=1e-5, float16=1e-2, bfloat16=6e-2)[dtype]
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


def test_gradcheck():
    arrays = _arrays((1, 2, 5, 4), (1, 1, 6, 4), ev=3, seed=4)
    ts = [minitorch.tensor(a, requires_grad=True) for a in arrays]
    mask = minitorch.tensor(np.random.default_rng(5).standard_normal((5, 6)))
    f = minitorch.nn.functional.scaled_dot_product_attention
    assert minitorch.autograd.gradcheck(lambda q, k, v: f(q, k, v, enable_gqa=True), ts)
    assert minitorch.autograd.gradcheck(lambda q, k, v: f(q, k, v, is_causal=True, scale=0.7), ts)
    assert minitorch.autograd.gradcheck(lambda q, k, v: f(q, k, v, attn_mask=mask,
                                                          enable_gqa=True), ts)


def test_thread_count_equality():
    arrays = _arrays((2, 4, 200, 32), (2, 2, 300, 32), ev=32, seed=6)
    prev = minitorch.get_num_threads()
    outs = []
    try:
        for n in (1, 2, 3):
            minitorch.set_num_threads(n)
            ts = [minitorch.tensor(a, dtype=minitorch.float32, requires_grad=True) for a in arrays]
            o = minitorch.nn.functional.scaled_dot_product_attention(*ts, enable_gqa=True)
            (o * o).sum().backward()
            outs.append([o.detach().numpy()] + [t.grad.numpy() for t in ts])
    finally:
        minitorch.set_num_threads(prev)
    for o in outs[1:]:
        for a, b in zip(outs[0], o):
            assert np.array_equal(a, b)


def test_long_sequence_matches_numpy():
    arrays = _arrays((1, 1, 1500, 16), (1, 1, 2100, 16), ev=8, seed=7)
    ts = [minitorch.tensor(a, dtype=minitorch.float32) for a in arrays]
    out = minitorch.nn.functional.scaled_dot_product_attention(*ts)
    np.testing.assert_allclose(out.numpy(), _np_sdpa(*arrays), rtol=1e-4, atol=1e-5)


def test_composite_fallbacks_keep_working():
    torch = oracle.torch()
    arrays = _arrays((2, 3, 9, 8), (2, 3, 11, 8), seed=8)
    mask = np.random.default_rng(9).standard_normal((9, 11))
    res = []
    for lib in (minitorch, torch):
        q, k, v = (lib.tensor(a, requires_grad=True) for a in arrays)
        m = lib.tensor(mask, requires_grad=True)  # a mask that needs its gradient
        out = lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m)
        out.sum().backward()
        # batch dims that broadcast take the composite path too
        out2 = lib.nn.functional.scaled_dot_product_attention(q, k[:1], v[:1])
        res.append([out.detach().numpy().copy(), m.grad.numpy().copy(),
                    out2.detach().numpy().copy()])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    minitorch.manual_seed(0)
    q, k, v = (minitorch.tensor(a) for a in arrays)
    a = minitorch.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    minitorch.manual_seed(0)
    b = minitorch.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert np.array_equal(a.numpy(), b.numpy())


def test_errors_match_torch():
    torch = oracle.torch()
    q, k, v = _arrays((2, 3, 9, 8), (2, 3, 11, 8))
    for lib in (minitorch, torch):
        f = lib.nn.functional.scaled_dot_product_attention
        t = [lib.tensor(a) for a in (q, k, v)]
        with pytest.raises(RuntimeError):
            f(t[0], t[1], t[2], attn_mask=lib.ones(9, 11, dtype=lib.bool), is_causal=True)
        with pytest.raises(RuntimeError):
            f(t[0], t[1][..., :4], t[2])
        with pytest.raises(RuntimeError):
            f(t[0], t[1], t[2], attn_mask=lib.ones(9, 5, dtype=lib.bool))
    qt, kt, vt = (minitorch.tensor(a) for a in (q, k, v))
    with pytest.raises(RuntimeError, match="same dtype"):
        _C._fused_scaled_dot_product_attention(qt, kt.float(), vt)
    with pytest.raises(RuntimeError, match="divide"):
        _C._fused_scaled_dot_product_attention(
            minitorch.zeros(1, 3, 4, 8), minitorch.zeros(1, 2, 4, 8), minitorch.zeros(1, 2, 4, 8),
            enable_gqa=True)
    with pytest.raises(RuntimeError, match="same leading dims"):
        _C._fused_scaled_dot_product_attention(
            minitorch.zeros(1, 3, 4, 8), minitorch.zeros(1, 2, 4, 8), minitorch.zeros(1, 2, 4, 8))
    with pytest.raises(RuntimeError, match="bool or float"):
        _C._fused_scaled_dot_product_attention(qt, kt, vt, minitorch.ones(9, 11, dtype=minitorch.int64))
    with pytest.raises(RuntimeError, match="must not require grad"):
        _C._fused_scaled_dot_product_attention(qt, kt, vt, minitorch.zeros(9, 11, dtype=minitorch.float64,
                                                                          requires_grad=True))
