"""The fast paths of the perf branch: Note [BLAS threads] (ext/python/ops_matmul.cpp)
and Note [Linear fast path] (minitorch/nn/functional.py, nn/modules/linear.py).

Values against NumPy, gradients against their closed forms, the thresholds' edges,
and bitwise equality across thread counts."""

import ctypes
import glob
import os

import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F


def _rng():
    return np.random.default_rng(0)


# ---- Note [BLAS threads] ----
# (m, k, n): multiply-adds on each side of OpenBLAS's own serial limit (2^18) and
# of ours (2^23), and the LSTM time loop's shapes (16x256 @ 256x1024 and its
# backward GEMMs).
EDGE_SHAPES = [
    (64, 64, 64),  # 2^18: OpenBLAS runs it on one thread itself
    (65, 64, 64),  # just above 2^18: the adapter lowers the thread count
    (16, 256, 1024),
    (16, 1024, 256),
    (1024, 16, 256),
    (127, 256, 256),  # just below 2^23
    (128, 256, 256),  # 2^23: up to get_num_threads() threads
]


def _with_threads(n, fn):
    prev = minitorch.get_num_threads()
    minitorch.set_num_threads(n)
    try:
        return fn()
    finally:
        minitorch.set_num_threads(prev)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", EDGE_SHAPES)
def test_blas_threads_values_and_thread_equality(m, k, n, dtype):
    r = _rng()
    a = r.standard_normal((m, k)).astype(dtype)
    b = r.standard_normal((k, n)).astype(dtype)
    ta, tb = minitorch.from_numpy(a), minitorch.from_numpy(b)
    outs = [_with_threads(t, lambda: (ta @ tb).numpy().copy()) for t in (1, 2, 3)]
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(outs[0], a @ b, rtol=tol, atol=tol * k)
    for o in outs[1:]:
        assert np.array_equal(o, outs[0])


def _openblas_threads():
    """OpenBLAS's own thread count through NumPy's library, or None."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads"):
            fn = getattr(lib, name, None)
            if fn is not None:
                return fn
    return None


def test_blas_threads_restored_after_call():
    get = _openblas_threads()
    if get is None:
        pytest.skip("NumPy's OpenBLAS not found")
    before = get()
    a = minitorch.randn(16, 256)
    b = minitorch.randn(256, 1024)
    for t in (1, 2):
        _with_threads(t, lambda: a @ b)
        assert get() == before
    big = minitorch.randn(128, 256)
    _with_threads(1, lambda: big @ minitorch.randn(256, 256))
    assert get() == before


def test_blas_threads_lstm_step_gradients():
    # The per-step GEMM of an LSTM and both of its backward GEMMs.
    r = _rng()
    h = r.standard_normal((16, 256)).astype(np.float32)
    w = r.standard_normal((1024, 256)).astype(np.float32)
    g = r.standard_normal((16, 1024)).astype(np.float32)
    th = minitorch.from_numpy(h.copy()).requires_grad_()
    tw = minitorch.from_numpy(w.copy()).requires_grad_()

    def run():
        th.grad = None
        tw.grad = None
        (th @ tw.mT).backward(minitorch.from_numpy(g))
        return th.grad.numpy().copy(), tw.grad.numpy().copy()

    gh1, gw1 = _with_threads(1, run)
    gh2, gw2 = _with_threads(2, run)
    np.testing.assert_allclose(gh1, g @ w, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(gw1, g.T @ h, rtol=1e-4, atol=1e-3)
    assert np.array_equal(gh1, gh2) and np.array_equal(gw1, gw2)


# ---- Note [Linear fast path] ----
def _linear_np(x, w, b):
    y = x @ w.T
    return y if b is None else y + b


@pytest.mark.parametrize("shape", [(8, 16), (1, 16), (0, 16), (300, 16)])
def test_linear_2d_bias_is_addmm(shape):
    r = _rng()
    x = r.standard_normal(shape).astype(np.float32)
    w = r.standard_normal((12, 16)).astype(np.float32)
    b = r.standard_normal(12).astype(np.float32)
    tx = minitorch.from_numpy(x.copy()).requires_grad_()
    tw = minitorch.from_numpy(w.copy()).requires_grad_()
    tb = minitorch.from_numpy(b.copy()).requires_grad_()
    y = F.linear(tx, tw, tb)
    assert type(y.grad_fn).__name__ == "AddmmBackward0"  # as PyTorch's
    np.testing.assert_allclose(y.detach().numpy(), _linear_np(x, w, b), rtol=1e-5, atol=1e-5)
    g = r.standard_normal((shape[0], 12)).astype(np.float32)
    y.backward(minitorch.from_numpy(g))
    np.testing.assert_allclose(tx.grad.numpy(), g @ w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tw.grad.numpy(), g.T @ x, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tb.grad.numpy(), g.sum(0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("xshape,bias", [((8, 16), False), ((3, 5, 16), True), ((16,), True),
                                         ((3, 5, 16), False)])
def test_linear_other_shapes(xshape, bias):
    r = _rng()
    x = r.standard_normal(xshape).astype(np.float64)
    w = r.standard_normal((7, 16)).astype(np.float64)
    b = r.standard_normal(7).astype(np.float64) if bias else None
    y = F.linear(minitorch.from_numpy(x), minitorch.from_numpy(w),
                 None if b is None else minitorch.from_numpy(b))
    np.testing.assert_allclose(y.numpy(), _linear_np(x, w, b), rtol=1e-12, atol=1e-12)


def test_linear_dtype_mismatch_raises():
    x = minitorch.randn(4, 3, dtype=minitorch.float64)
    with pytest.raises(RuntimeError):
        F.linear(x, minitorch.randn(2, 3), minitorch.randn(2))


def test_linear_module_hooks_still_run():
    m = minitorch.nn.Linear(4, 3)
    seen = []
    h1 = m.register_forward_pre_hook(lambda mod, args: seen.append("pre"))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 2)
    x = minitorch.randn(2, 4)
    ref = F.linear(x, m.weight, m.bias)
    out = m(x)
    assert seen == ["pre"]
    np.testing.assert_allclose(out.detach().numpy(), 2 * ref.detach().numpy(), rtol=1e-6)
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(m(x).detach().numpy(), ref.detach().numpy(), rtol=1e-6)


def test_linear_module_weight_replaced_by_plain_attribute():
    # weight_norm-style: the parameter removed, a plain tensor attribute in its place.
    m = minitorch.nn.Linear(4, 3)
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    del m.weight
    m.weight = minitorch.from_numpy(w)
    x = np.ones((2, 4), np.float32)
    out = m(minitorch.from_numpy(x))
    np.testing.assert_allclose(out.detach().numpy(), _linear_np(x, w, m.bias.detach().numpy()),
                               rtol=1e-5, atol=1e-5)


def test_linear_module_without_bias():
    m = minitorch.nn.Linear(4, 3, bias=False)
    x = minitorch.randn(5, 4)
    np.testing.assert_allclose(m(x).detach().numpy(), x.numpy() @ m.weight.detach().numpy().T,
                               rtol=1e-5, atol=1e-6)


# ---- Note [Vectorised Adam] ----
ADAM_CASES = [
    ("Adam", {}),
    ("Adam", {"weight_decay": 0.1}),  # L2 decay added to the gradient
    ("AdamW", {}),  # decoupled decay
    ("Adam", {"betas": (0.3, 0.9)}),  # lerp's other branch (weight 0.7 >= 0.5)
]


def _adam_run(cls, kw, p0, grads, transposed):
    base = minitorch.from_numpy(p0.T.copy() if transposed else p0.copy())
    p = minitorch.nn.Parameter(base.t() if transposed else base)
    opt = getattr(minitorch.optim, cls)([p], lr=0.01, **kw)
    for g in grads:
        p.grad = minitorch.from_numpy(g.copy())
        opt.step()
    return p.detach().numpy().copy()


@pytest.mark.parametrize("cls,kw", ADAM_CASES)
@pytest.mark.parametrize("shape", [(64, 33), (1, 7)])  # odd sizes: the scalar tail too
def test_vectorised_adam_equals_the_rule_loop(cls, kw, shape):
    r = _rng()
    p0 = r.standard_normal(shape).astype(np.float32)
    grads = [r.standard_normal(shape).astype(np.float32) for _ in range(3)]
    fast = _adam_run(cls, kw, p0, grads, transposed=False)
    # A transposed parameter against contiguous gradients: strided runs, the rule's loop.
    slow = _adam_run(cls, kw, p0, grads, transposed=True)
    assert np.array_equal(fast, slow)
    # Against the update written out in NumPy (float64).
    b1, b2 = kw.get("betas", (0.9, 0.999))
    wd = kw.get("weight_decay", 0.01 if cls == "AdamW" else 0.0)
    p, m, v = p0.astype(np.float64), np.zeros(shape), np.zeros(shape)
    for t, g in enumerate(grads, 1):
        g = g.astype(np.float64)
        if cls == "AdamW":
            p = p * (1 - 0.01 * wd)
        elif wd:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + 1e-8
        p = p - 0.01 / (1 - b1 ** t) * m / denom
    np.testing.assert_allclose(fast, p, rtol=1e-5, atol=1e-5)


def test_vectorised_adam_thread_counts_agree():
    r = _rng()
    p0 = r.standard_normal((300, 301)).astype(np.float32)
    grads = [r.standard_normal((300, 301)).astype(np.float32) for _ in range(2)]
    outs = [_with_threads(t, lambda: _adam_run("Adam", {}, p0, grads, False)) for t in (1, 2, 3)]
    assert np.array_equal(outs[0], outs[1]) and np.array_equal(outs[0], outs[2])
