"""repr(tensor) must equal PyTorch's text with ``torch.`` replaced by ``minitorch.``.

Literal cases run everywhere; the table cases build the same values in both
libraries and compare the two reprs (skipped when torch is not installed).
"""

import math

import numpy as np
import oracle
import pytest

import minitorch as mt

nan, inf = math.nan, math.inf

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64",
          "float16", "bfloat16", "float32", "float64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]


@pytest.fixture(autouse=True)
def _restore_print_options():
    yield
    mt.set_printoptions(profile="default")
    mt.set_default_dtype(mt.float32)
    torch = oracle.optional_torch()
    if torch is None:
        return
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


def _torch():
    return oracle.torch()


def _expected(torch_tensor):
    return repr(torch_tensor).replace("torch.", "minitorch.")


# ---- literal cases: no torch needed (texts taken from PyTorch 2.13) ----

LITERALS = [
    (lambda: mt.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
    (lambda: mt.tensor([1.0, 2.0], dtype=mt.float64), "tensor([1., 2.], dtype=minitorch.float64)"),
    (lambda: mt.tensor([]), "tensor([])"),
    (lambda: mt.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: mt.zeros(2, 0, dtype=mt.int32), "tensor([], size=(2, 0), dtype=minitorch.int32)"),
    (lambda: mt.tensor([], dtype=mt.int64), "tensor([], dtype=minitorch.int64)"),
    (lambda: mt.tensor(3.5), "tensor(3.5000)"),
    (lambda: mt.tensor(7), "tensor(7)"),
    (lambda: mt.tensor(True), "tensor(True)"),
    (lambda: mt.tensor([1.5, nan, -inf]), "tensor([1.5000,    nan,   -inf])"),
    (lambda: mt.tensor([nan, inf]), "tensor([nan, inf])"),
    (lambda: mt.tensor([0.0, -0.0]), "tensor([0., -0.])"),
    (lambda: mt.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: mt.tensor([1e9, 1.0]), "tensor([1.0000e+09, 1.0000e+00])"),
    (lambda: mt.tensor([100.0, 2000.0]), "tensor([ 100., 2000.])"),
    (lambda: mt.tensor([0.1, 0.25], requires_grad=True),
     "tensor([0.1000, 0.2500], requires_grad=True)"),
    (lambda: mt.tensor([[1, -20], [300, 4]], dtype=mt.int16),
     "tensor([[  1, -20],\n        [300,   4]], dtype=minitorch.int16)"),
    (lambda: mt.tensor([True, False]), "tensor([ True, False])"),
    (lambda: mt.tensor([0, 255], dtype=mt.uint8), "tensor([  0, 255], dtype=minitorch.uint8)"),
    (lambda: mt.tensor([1.5, -2.0], dtype=mt.bfloat16),
     "tensor([ 1.5000, -2.0000], dtype=minitorch.bfloat16)"),
    (lambda: mt.tensor([0.1, 1000.5], dtype=mt.float16),
     "tensor([9.9976e-02, 1.0005e+03], dtype=minitorch.float16)"),
    (lambda: mt.arange(24).reshape(2, 3, 4),
     "tensor([[[ 0,  1,  2,  3],\n         [ 4,  5,  6,  7],\n         [ 8,  9, 10, 11]],\n\n"
     "        [[12, 13, 14, 15],\n         [16, 17, 18, 19],\n         [20, 21, 22, 23]]])"),
    (lambda: mt.tensor([i / 4 for i in range(30)]),
     "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500, 2.0000,\n"
     "        2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500, 4.0000, 4.2500,\n"
     "        4.5000, 4.7500, 5.0000, 5.2500, 5.5000, 5.7500, 6.0000, 6.2500, 6.5000,\n"
     "        6.7500, 7.0000, 7.2500])"),
    (lambda: mt.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (lambda: mt.arange(2500.0).reshape(50, 50),
     "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
     "         4.9000e+01],\n"
     "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
     "         9.9000e+01],\n"
     "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
     "         1.4900e+02],\n"
     "        ...,\n"
     "        [2.3500e+03, 2.3510e+03, 2.3520e+03,  ..., 2.3970e+03, 2.3980e+03,\n"
     "         2.3990e+03],\n"
     "        [2.4000e+03, 2.4010e+03, 2.4020e+03,  ..., 2.4470e+03, 2.4480e+03,\n"
     "         2.4490e+03],\n"
     "        [2.4500e+03, 2.4510e+03, 2.4520e+03,  ..., 2.4970e+03, 2.4980e+03,\n"
     "         2.4990e+03]])"),
    (lambda: mt.tensor([[[0.5, 1.5], [2.5, 3.5]], [[4.5, 5.5], [6.5, 7.5]]], dtype=mt.float64),
     "tensor([[[0.5000, 1.5000],\n         [2.5000, 3.5000]],\n\n"
     "        [[4.5000, 5.5000],\n         [6.5000, 7.5000]]], dtype=minitorch.float64)"),
]


@pytest.mark.parametrize("make,text", LITERALS, ids=[t for _, t in LITERALS])
def test_repr_literal(make, text):
    t = make()
    assert repr(t) == text
    assert str(t) == text


def test_set_printoptions_literal():
    mt.set_printoptions(precision=2)
    assert repr(mt.tensor([1.12345, 2.0])) == "tensor([1.12, 2.00])"
    mt.set_printoptions(threshold=5, edgeitems=1)
    assert repr(mt.arange(10)) == "tensor([0,  ..., 9])"
    mt.set_printoptions(sci_mode=True)
    assert repr(mt.tensor([1.5])) == "tensor([1.50e+00])"  # precision 2 still set
    mt.set_printoptions(profile="default")
    assert repr(mt.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"


@pytest.mark.torch_live  # compares signatures / match= on torch's own errors
def test_printoptions_signature_matches_torch():
    import inspect

    params = list(inspect.signature(mt.set_printoptions).parameters)
    assert params == ["precision", "threshold", "edgeitems", "linewidth", "profile", "sci_mode"]
    torch = _torch()
    assert params == list(inspect.signature(torch.set_printoptions).parameters)


# ---- the table: same values in both libraries ----

def _float_values(rng, kind, shape):
    n = int(np.prod(shape))
    if kind == "randn":
        v = rng.standard_normal(n)
    elif kind == "tiny":
        v = rng.standard_normal(n) * 1e-6
    elif kind == "small":
        v = rng.standard_normal(n) * 1e-3
    elif kind == "big":
        v = rng.standard_normal(n) * 1e3
    elif kind == "huge":
        v = rng.standard_normal(n) * 1e9
    elif kind == "mixed":  # magnitudes spread over 12 decades
        v = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)
    elif kind == "intlike":
        v = np.round(rng.standard_normal(n) * 100)
    elif kind == "bigint":
        v = np.round(rng.standard_normal(n) * 1e9)
    elif kind == "special":
        pool = np.array([nan, inf, -inf, 0.0, -0.0, 1.5, -2.25, 1e-7, 3.0])
        v = rng.choice(pool, n)
    elif kind == "specialint":
        v = rng.choice(np.array([nan, inf, -inf, 0.0, -0.0, 7.0, -12.0]), n)
    elif kind == "nonfinite":
        v = rng.choice(np.array([nan, inf, -inf]), n)
    elif kind == "zeros":
        v = np.zeros(n)
    elif kind == "negzero":
        v = np.full(n, -0.0)
    else:
        raise AssertionError(kind)
    return v.reshape(shape)


_INT_RANGE = {"uint8": (0, 256), "int8": (-128, 128), "int16": (-2**15, 2**15),
              "int32": (-2**31, 2**31), "int64": (-2**63, 2**63)}


def _values(dtype, kind, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype in _INT_RANGE:
        lo, hi = _INT_RANGE[dtype]
        if kind == "small":
            lo, hi = max(lo, -9), min(hi, 10)
        return rng.integers(lo, hi, shape, dtype=np.int64)
    return _float_values(rng, kind, shape)


def _pair(arr, dtype, requires_grad=False):
    """The same tensor in minitorch and torch: built from the NumPy array
    (bool/int64/float64) and converted by each library's own .to()."""
    torch = _torch()
    a = mt.tensor(arr).to(getattr(mt, dtype))
    b = torch.tensor(arr).to(getattr(torch, dtype))
    if requires_grad:
        a.requires_grad_(True)
        b.requires_grad_(True)
    return a, b


SHAPES = [(), (1,), (5,), (0,), (0, 3), (3, 0, 2), (2, 3), (4, 1, 3), (2, 3, 4), (1, 2, 1, 2)]
FLOAT_KINDS = ["randn", "tiny", "small", "big", "huge", "mixed", "intlike", "bigint",
               "special", "specialint", "nonfinite", "zeros", "negzero"]

CASES = []
for _dt in DTYPES:
    _kinds = FLOAT_KINDS if _dt in FLOATS else (["full"] if _dt == "bool" else ["full", "small"])
    for _kind in _kinds:
        for _shape in SHAPES:
            CASES.append((_dt, _kind, _shape))
# wide rows that wrap, and summarised shapes
for _dt in DTYPES:
    for _shape in [(30,), (7, 25), (2000,), (50, 50), (3, 400, 3), (1001,), (6, 6, 6, 6)]:
        for _kind in (["randn", "mixed", "intlike", "special"] if _dt in FLOATS
                      else ["full"] if _dt == "bool" else ["full", "small"]):
            CASES.append((_dt, _kind, _shape))


@pytest.mark.parametrize("dtype,kind,shape", CASES, ids=[f"{d}-{k}-{s}" for d, k, s in CASES])
def test_repr_matches_torch(dtype, kind, shape):
    a, b = _pair(_values(dtype, kind, shape, seed=len(shape) * 100 + len(kind)), dtype)
    assert repr(a) == _expected(b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (0, 2), (12,), (3, 10), (2000,)])
def test_repr_requires_grad(dtype, shape):
    a, b = _pair(_values(dtype, "randn", shape, seed=3), dtype, requires_grad=True)
    assert repr(a) == _expected(b)
    assert "requires_grad=True" in repr(a)


@pytest.mark.parametrize("n", range(1, 16))
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_suffix_wrapping(n, dtype):
    # Lengths around the 80-column edge decide whether a suffix moves to its own line.
    arr = np.arange(n, dtype=np.float64) * 1.25 if dtype != "int32" else np.arange(n) * 1001
    a, b = _pair(arr, dtype, requires_grad=dtype != "int32")
    assert repr(a) == _expected(b)


def test_repr_views():
    torch = _torch()
    arr = np.random.default_rng(0).standard_normal((4, 6))
    a, b = mt.tensor(arr), torch.tensor(arr)
    assert repr(a.t()) == _expected(b.t())
    assert repr(a.flip(0)) == _expected(b.flip(0))
    assert repr(a[::2, 1::3]) == _expected(b[::2, 1::3])
    assert repr(a[1]) == _expected(b[1])
    assert repr(a[1, 2]) == _expected(b[1, 2])
    assert repr(a[:1].expand(3, 6)) == _expected(b[:1].expand(3, 6))
    big_a, big_b = mt.arange(1200.0).reshape(40, 30), torch.arange(1200.0).reshape(40, 30)
    assert repr(big_a.t().flip(1)) == _expected(big_b.t().flip(1))


def test_repr_large_tensor_prints_edges_only():
    torch = _torch()
    a = mt.arange(2**22, dtype=mt.float32).reshape(2048, 2048)
    b = torch.arange(2**22, dtype=torch.float32).reshape(2048, 2048)
    assert repr(a) == _expected(b)
    assert repr(a.reshape(16, 16, 16, 1024)) == _expected(b.reshape(16, 16, 16, 1024))


def test_repr_default_dtype_float64():
    torch = _torch()
    mt.set_default_dtype(mt.float64)
    torch.set_default_dtype(torch.float64)
    for dtype in ["float32", "float64", "int64", "bool", "float16"]:
        for shape in [(3,), (0,), (2, 0)]:
            a, b = _pair(_values(dtype, "randn", shape, seed=1), dtype)
            assert repr(a) == _expected(b)


PRINT_OPTIONS = [
    dict(precision=2),
    dict(precision=0),
    dict(precision=8),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(linewidth=40),
    dict(linewidth=200),
    dict(linewidth=10),
    dict(threshold=5),
    dict(threshold=0),
    dict(edgeitems=1),
    dict(edgeitems=0),
    dict(threshold=5, edgeitems=0),
    dict(edgeitems=10),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
    dict(profile="full", linewidth=60, sci_mode=False),
]


@pytest.mark.parametrize("opts", PRINT_OPTIONS, ids=[repr(o) for o in PRINT_OPTIONS])
@pytest.mark.parametrize("dtype,kind,shape", [
    ("float32", "randn", ()), ("float32", "randn", (12,)), ("float64", "mixed", (3, 7)),
    ("float32", "intlike", (2, 3, 4)), ("float32", "special", (2000,)),
    ("float64", "huge", (40, 40)), ("float16", "intlike", (30,)), ("int32", "full", (3, 400, 3)),
    ("bool", "full", (9,)), ("float32", "zeros", (1500,)), ("float32", "randn", (0, 2)),
])
def test_set_printoptions_matches_torch(opts, dtype, kind, shape):
    torch = _torch()
    mt.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    a, b = _pair(_values(dtype, kind, shape, seed=7), dtype, requires_grad=dtype == "float64")
    assert repr(a) == _expected(b)


def test_set_printoptions_omitted_sci_mode_resets_it():
    mt.set_printoptions(sci_mode=True)
    mt.set_printoptions(precision=4)  # sci_mode omitted: back to automatic
    assert repr(mt.tensor([1.5])) == "tensor([1.5000])"


def test_tensor_contents_override():
    t = mt.tensor([1.0, 2.0], dtype=mt.float64)
    assert t.__repr__(tensor_contents="[...]") == "tensor([...], dtype=minitorch.float64)"
