"""matmul / @ / mm / bmm / mv / dot: values against NumPy (and PyTorch where
installed) for every dtype, 1-D and batched shapes with broadcasting, strided
inputs (transposed, negative strides, expanded, sliced), empty dims, out=,
both CPU paths (BLAS and the blocked kernel), and PyTorch's errors."""

import threading
import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt

FLOAT_TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
INT_DTYPES = [np.int8, np.uint8, np.int16, np.int32, np.int64]


@pytest.fixture(params=["blas", "blocked"])
def cpu_path(request):
    """Runs a test through NumPy's BLAS and through the blocked C++ kernel."""
    prev = mt._C._set_blas_enabled(request.param == "blas")
    yield request.param
    mt._C._set_blas_enabled(prev)


def rand(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        lo, hi = (0, 7) if dtype == np.uint8 else (-5, 6)
        return rng.integers(lo, hi, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def check(result, expected, dtype):
    got = result.numpy()
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    if np.issubdtype(dtype, np.integer):
        np.testing.assert_array_equal(got, expected)
    else:
        scale = max(1.0, float(np.abs(expected).max(initial=0)))
        tol = FLOAT_TOL[dtype]
        np.testing.assert_allclose(got, expected, rtol=tol["rtol"], atol=tol["atol"] * scale)


SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((5, 2, 3), (3,)),
    ((3,), (5, 3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((1, 5, 2, 3), (4, 1, 3, 2)),
    ((2, 1, 4, 3), (3, 5)),
    ((0, 3), (3, 4)),
    ((2, 0), (0, 4)),
    ((2, 3), (3, 0)),
    ((0, 2, 3), (3, 4)),
    ((4, 0), (0,)),
    ((0,), (0,)),
    ((40, 70), (70, 50)),  # large enough for BLAS
    ((3, 33, 65), (3, 65, 17)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64] + INT_DTYPES)
@pytest.mark.parametrize("sa,sb", SHAPES)
def test_matmul_matches_numpy(sa, sb, dtype, cpu_path):
    a, b = rand(sa, dtype, 1), rand(sb, dtype, 2)
    expected = np.matmul(a, b)
    check(mt.from_numpy(a) @ mt.from_numpy(b), expected, dtype)
    check(mt.matmul(mt.from_numpy(a), mt.from_numpy(b)), expected, dtype)


def test_k_zero_gives_zeros():
    for sa, sb in [((2, 0), (0, 4)), ((3, 2, 0), (0, 5))]:
        r = mt.zeros(*sa) @ mt.zeros(*sb)
        assert r.numpy().shape == np.matmul(np.zeros(sa), np.zeros(sb)).shape
        assert not r.numpy().any()
    assert mt.dot(mt.zeros(0), mt.zeros(0)).item() == 0.0


def strided_views(a):
    """Views of the same logical matrix `a` with various layouts (NumPy builds
    them, minitorch views them zero-copy)."""
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 3), a.dtype)
    big[::2, ::3] = a
    return {
        "contiguous": a,
        "fortran": np.asfortranarray(a),
        "transposed": np.ascontiguousarray(a.T).T,
        "rows_flipped": np.ascontiguousarray(a[::-1])[::-1],
        "cols_flipped": np.ascontiguousarray(a[:, ::-1])[:, ::-1],
        "both_flipped": np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1],
        "sliced": big[::2, ::3],
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
@pytest.mark.parametrize("la", ["contiguous", "fortran", "transposed", "rows_flipped", "sliced",
                                "both_flipped"])
@pytest.mark.parametrize("lb", ["contiguous", "fortran", "cols_flipped", "sliced"])
def test_strided_operands(la, lb, dtype, cpu_path):
    a, b = rand((20, 30), dtype, 3), rand((30, 25), dtype, 4)
    va, vb = strided_views(a)[la], strided_views(b)[lb]
    assert np.array_equal(va, a) and np.array_equal(vb, b)
    got = (mt.from_numpy(va) @ mt.from_numpy(vb)).numpy()
    if dtype == np.float16:
        ref = (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16)
        np.testing.assert_allclose(got.astype(np.float32), ref.astype(np.float32), rtol=1e-2,
                                   atol=5e-2)
    else:
        check(mt.from_numpy(va) @ mt.from_numpy(vb), a @ b, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_expanded_and_broadcast_operands(dtype, cpu_path):
    row = rand((1, 30), dtype, 5)
    a = np.broadcast_to(row, (20, 30))  # stride 0 along rows
    b = rand((30, 12), dtype, 6)
    check(mt.from_numpy(a) @ mt.from_numpy(b), a @ b, dtype)
    # a batch that does not move in one operand
    batch = np.broadcast_to(rand((6, 5), dtype, 7), (4, 6, 5))
    c = rand((4, 5, 3), dtype, 8)
    check(mt.from_numpy(batch) @ mt.from_numpy(c), batch @ c, dtype)
    check(mt.from_numpy(c.transpose(0, 2, 1)) @ mt.from_numpy(batch.transpose(0, 2, 1)),
          c.transpose(0, 2, 1) @ batch.transpose(0, 2, 1), dtype)
    # folded batch: (b, m, k) @ (k, n), with non-contiguous rows
    x = rand((3, 8, 10), dtype, 9)[:, ::2]
    w = rand((10, 6), dtype, 10)
    check(mt.from_numpy(x) @ mt.from_numpy(w), x @ w, dtype)
    check(mt.from_numpy(x) @ mt.from_numpy(w[::-1]), x @ w[::-1], dtype)


def test_views_from_minitorch_ops(cpu_path):
    a = mt.randn(6, 5)
    b = mt.randn(6, 4)
    np.testing.assert_allclose((a.t() @ b).numpy(), a.numpy().T @ b.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose((a.mT @ b.flip(0)).numpy(), a.numpy().T @ b.numpy()[::-1],
                               rtol=1e-5, atol=1e-5)
    e = mt.randn(1, 5).expand(3, 5)
    np.testing.assert_allclose((e @ a.t()).numpy(), e.numpy() @ a.numpy().T, rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
@pytest.mark.parametrize("sa,sb", [((7, 9), (9, 5)), ((3, 7, 9), (9,)), ((9,), (9,)),
                                   ((2, 40, 130), (2, 130, 30))])
def test_half_types(half, sa, sb):
    dt = getattr(mt, half)
    a = mt.from_numpy(rand(sa, np.float32, 11)).to(dt)
    b = mt.from_numpy(rand(sb, np.float32, 12)).to(dt)
    r = a @ b
    assert r.dtype == dt
    ref = a.float().numpy() @ b.float().numpy()  # same rounded inputs, float math
    tol = 1e-2 if half == "float16" else 2e-2
    np.testing.assert_allclose(r.float().numpy(), ref, rtol=tol,
                               atol=tol * max(1, np.abs(ref).max()))


def test_integer_overflow_wraps_like_numpy():
    a = np.full((3, 50), 100, np.int8)
    b = np.full((50, 2), 3, np.int8)
    np.testing.assert_array_equal((mt.from_numpy(a) @ mt.from_numpy(b)).numpy(), a @ b)
    big = np.array([[2**40, 3]], np.int64)
    col = np.array([[2**22], [5]], np.int64)
    np.testing.assert_array_equal((mt.from_numpy(big) @ mt.from_numpy(col)).numpy(), big @ col)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
def test_mm_bmm_mv_dot_vdot(dtype, cpu_path):
    a, b = rand((6, 7), dtype, 1), rand((7, 5), dtype, 2)
    v, w = rand((7,), dtype, 3), rand((7,), dtype, 4)
    x, y = rand((3, 6, 7), dtype, 5), rand((3, 7, 5), dtype, 6)
    f = mt.from_numpy
    cases = [
        (mt.mm(f(a), f(b)), a @ b),
        (f(a).mm(f(b)), a @ b),
        (mt.bmm(f(x), f(y)), x @ y),
        (f(x).bmm(f(y)), x @ y),
        (mt.mv(f(a), f(v)), a @ v),
        (f(a).mv(f(v)), a @ v),
        (mt.dot(f(v), f(w)), np.dot(v, w)),
        (f(v).dot(f(w)), np.dot(v, w)),
        (mt.vdot(f(v), f(w)), np.vdot(v, w)),
        (f(v).vdot(f(w)), np.vdot(v, w)),
    ]
    for got, exp in cases:
        exp = np.asarray(exp)
        if dtype == np.float16:
            np.testing.assert_allclose(got.numpy().astype(np.float32), exp.astype(np.float32),
                                       rtol=2e-2, atol=5e-2)
        else:
            check(got, exp, dtype)


def test_dot_keyword_and_linalg():
    v = mt.arange(4.0)
    assert mt.dot(v, tensor=v).item() == 14.0
    assert v.dot(v).item() == 14.0
    a = mt.randn(3, 4)
    b = mt.randn(4, 2)
    np.testing.assert_allclose(mt.linalg.matmul(a, b).numpy(), a.numpy() @ b.numpy(), rtol=1e-5)
    out = mt.empty(3, 2)
    assert mt.linalg.matmul(a, b, out=out) is out


def test_matmul_with_ndarray_operands():
    a = rand((3, 4), np.float64, 1)
    b = rand((4, 2), np.float64, 2)
    r1 = mt.from_numpy(a) @ b
    r2 = a @ mt.from_numpy(b)
    assert isinstance(r1, mt.Tensor) and isinstance(r2, mt.Tensor)
    np.testing.assert_allclose(r1.numpy(), a @ b)
    np.testing.assert_allclose(r2.numpy(), a @ b)
    with pytest.raises(TypeError):
        mt.ones(2, 2) @ [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(TypeError):
        mt.ones(2, 2) @ 2.0


def test_imatmul_rebinds_like_torch():
    t = mt.randn(2, 3)
    alias = t
    before = t.numpy().copy()
    m = mt.randn(3, 4)
    t @= m
    assert t is not alias and tuple(t.shape) == (2, 4)
    np.testing.assert_array_equal(alias.numpy(), before)
    np.testing.assert_allclose(t.numpy(), before @ m.numpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# out=


def test_out_same_shape_and_identity():
    a, b = mt.randn(3, 4), mt.randn(4, 5)
    out = mt.empty(3, 5)
    r = mt.matmul(a, b, out=out)
    assert r is out
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-5, atol=1e-6)
    v0 = out._version
    mt.mm(a, b, out=out)
    assert out._version > v0


def test_out_resize_warns_only_when_it_had_elements():
    a, b = mt.randn(3, 4), mt.randn(4, 5)
    empty = mt.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mt.matmul(a, b, out=empty)
    assert tuple(empty.shape) == (3, 5)
    wrong = mt.empty(7)
    with pytest.warns(UserWarning, match="resized"):
        mt.matmul(a, b, out=wrong)
    assert tuple(wrong.shape) == (3, 5)
    np.testing.assert_allclose(wrong.numpy(), a.numpy() @ b.numpy(), rtol=1e-5, atol=1e-6)


def test_out_non_contiguous():
    a, b = mt.randn(4, 6), mt.randn(6, 5)
    base = mt.zeros(5, 4)
    out = base.t()  # (4, 5) with column-major strides
    mt.mm(a, b, out=out)
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-5, atol=1e-6)
    buf = np.zeros((8, 10), np.float32)
    out2 = mt.from_numpy(buf)[::2, ::2]
    mt.mm(a, b, out=out2)
    np.testing.assert_allclose(buf[::2, ::2], a.numpy() @ b.numpy(), rtol=1e-5, atol=1e-6)
    assert not buf[1::2].any()


def test_out_aliasing_an_input():
    x = mt.randn(40, 40)
    w = mt.randn(40, 40)
    expected = x.numpy() @ w.numpy()
    mt.mm(x, w, out=x)
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-4, atol=1e-4)


def test_out_dtype_errors():
    a, b = mt.randn(2, 3), mt.randn(3, 4)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype float, but got "
                                           "double instead"):
        mt.matmul(a, b, out=mt.empty(2, 4, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="result dtype Double does not match input dtype Float"):
        mt.dot(mt.randn(3), mt.randn(3), out=mt.empty((), dtype=mt.float64))
    with pytest.raises(RuntimeError, match="addmv input tensors must have the same dtype"):
        mt.mv(a, mt.randn(3), out=mt.empty(2, dtype=mt.float64))


def test_out_read_only_refused():
    arr = np.zeros((2, 4), np.float32)
    arr.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ro = mt.from_numpy(arr)
    with pytest.raises(RuntimeError):
        mt.mm(mt.randn(2, 3), mt.randn(3, 4), out=ro)


# ---------------------------------------------------------------------------
# errors (PyTorch's classes and messages)


def f32(L, *s):
    return L.randn(*s)


def f64(L, *s):
    return L.randn(*s, dtype=L.float64)


def b8(L, *s):
    return L.ones(*s, dtype=L.bool)


# (fn(L) with L = minitorch or torch, exception class, PyTorch's message)
ERRORS = [
    (lambda L: f32(L, 3) @ f32(L, 4), RuntimeError, r"inconsistent tensor size, expected tensor "
     r"\[3\] and src \[4\]"),
    (lambda L: f32(L, 2, 3) @ f32(L, 4), RuntimeError, r"size mismatch, got input \(2\), mat "
     r"\(2x3\), vec \(4\)"),
    (lambda L: f32(L, 3) @ f32(L, 4, 5), RuntimeError, r"mat1 and mat2 shapes cannot be "
     r"multiplied \(1x3 and 4x5\)"),
    (lambda L: f32(L, 2, 3) @ f32(L, 4, 5), RuntimeError, r"mat1 and mat2 shapes cannot be "
     r"multiplied \(2x3 and 4x5\)"),
    (lambda L: f32(L, 2, 2, 3) @ f32(L, 4, 5), RuntimeError, r"\(4x3 and 4x5\)"),
    (lambda L: f32(L, 2, 2, 3) @ f32(L, 4), RuntimeError, r"size mismatch, got input \(4\), mat "
     r"\(4x3\)"),
    (lambda L: f32(L, 3) @ f32(L, 2, 4, 5), RuntimeError, r"Expected size for first two "
     r"dimensions of batch2 tensor to be: \[2, 3\] but got: \[2, 4\]"),
    (lambda L: f32(L, 2, 2, 3) @ f32(L, 3, 3, 5), RuntimeError, r"The size of tensor a \(2\) "
     r"must match the size of tensor b \(3\) at non-singleton dimension 0"),
    (lambda L: L.tensor(1.0) @ f32(L, 3), RuntimeError, r"both arguments to matmul need to be "
     r"at least 1D, but they are 0D and 1D"),
    (lambda L: f32(L, 2, 3) @ f64(L, 3, 4), RuntimeError, r"expected m1 and m2 to have the same "
     r"dtype, but got: float != double"),
    (lambda L: f32(L, 2, 3) @ L.ones(3, 4, dtype=L.int8), RuntimeError,
     r"float != signed char"),
    (lambda L: f32(L, 3) @ f64(L, 3), RuntimeError, r"dot : expected both vectors to have same "
     r"dtype, but found Float and Double"),
    (lambda L: f32(L, 2, 3) @ f64(L, 3), RuntimeError, r"addmv input tensors must have the same "
     r"dtype, but got Double, Float, and Double"),
    (lambda L: f32(L, 2, 2, 3) @ f64(L, 2, 3, 4), RuntimeError, r"expected scalar type Float "
     r"but found Double"),
    (lambda L: b8(L, 2, 3) @ b8(L, 3, 4), NotImplementedError, r"\"addmm_impl(_cpu)?_\" not "
     r"implemented for 'Bool'"),
    (lambda L: b8(L, 3) @ b8(L, 3), NotImplementedError, r"\"dot\" not implemented for 'Bool'"),
    (lambda L: b8(L, 2, 3) @ b8(L, 3), NotImplementedError, r"\"addmv_impl(_cpu)?\" not "
     r"implemented"),
    (lambda L: b8(L, 2, 2, 3) @ b8(L, 2, 3, 3), NotImplementedError, r"\"bmm\" not implemented"),
    (lambda L: L.mm(f32(L, 2, 3), f32(L, 3)), RuntimeError, r"mat2 must be a matrix"),
    (lambda L: L.mm(f32(L, 2, 3, 1), f32(L, 3, 4)), RuntimeError, r"self must be a matrix"),
    (lambda L: L.bmm(f32(L, 2, 3), f32(L, 3, 4)), RuntimeError, r"batch1 must be a 3D tensor"),
    (lambda L: L.bmm(f32(L, 2, 2, 3), f32(L, 3, 3, 4)), RuntimeError, r"Expected size for first "
     r"two dimensions of batch2 tensor to be: \[2, 3\] but got: \[3, 3\]"),
    (lambda L: L.bmm(f32(L, 2, 2, 3), f64(L, 2, 3, 4)), RuntimeError, r"expected scalar type "
     r"Float but found Double"),
    (lambda L: L.mv(f32(L, 2, 3), f32(L, 3, 1)), RuntimeError, r"vector \+ matrix @ vector "
     r"expected, got 1, 2, 2"),
    (lambda L: L.dot(f32(L, 3, 1), f32(L, 3)), RuntimeError, r"1D tensors expected, but got 2D "
     r"and 1D tensors"),
    (lambda L: L.vdot(f32(L, 3), f32(L, 4)), RuntimeError, r"inconsistent tensor size"),
    (lambda L: L.matmul(f32(L, 2, 3)), TypeError, None),
    (lambda L: L.matmul(f32(L, 2, 3), [1, 2, 3]), TypeError, None),
    (lambda L: f32(L, 2, 2) @ [[1.0, 2.0], [3.0, 4.0]], TypeError, None),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, exc, msg = ERRORS[i]
    with pytest.raises(exc, match=msg):
        fn(mt)


@pytest.mark.torch_live  # compares signatures / match= on torch's own errors
@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    """The table above really is PyTorch's behaviour."""
    torch = oracle.torch()
    fn, exc, msg = ERRORS[i]
    with pytest.raises(exc, match=msg):
        fn(torch)


# ---------------------------------------------------------------------------
# threads and determinism


def test_blocked_kernel_is_thread_count_independent():
    a = mt.from_numpy(rand((3, 70, 90), np.float32, 1)).half()
    b = mt.from_numpy(rand((3, 90, 60), np.float32, 2)).half()
    n = mt.get_num_threads()
    try:
        mt.set_num_threads(1)
        one = (a @ b).float().numpy()
        mt.set_num_threads(4)
        four = (a @ b).float().numpy()
    finally:
        mt.set_num_threads(n)
    np.testing.assert_array_equal(one, four)


def test_concurrent_matmuls_from_threads():
    a = mt.from_numpy(rand((200, 200), np.float32, 1))
    b = mt.from_numpy(rand((200, 200), np.float32, 2))
    expected = a.numpy() @ b.numpy()
    errors = []

    def work():
        try:
            for _ in range(5):
                np.testing.assert_allclose((a @ b).numpy(), expected, rtol=1e-4, atol=1e-3)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_blas_is_numpys():
    info = mt._C._blas_info()
    assert "sgemm" in info or info == "none"


# ---------------------------------------------------------------------------
# against PyTorch


@pytest.mark.parametrize("sa,sb", SHAPES[:11])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16", "bfloat16"])
def test_matmul_matches_torch(sa, sb, dtype):
    torch = oracle.torch()
    a, b = rand(sa, np.float32, 1), rand(sb, np.float32, 2)
    ta = torch.from_numpy(a).to(getattr(torch, dtype))
    tb = torch.from_numpy(b).to(getattr(torch, dtype))
    ma = mt.from_numpy(a).to(getattr(mt, dtype))
    mb = mt.from_numpy(b).to(getattr(mt, dtype))
    expected = ta @ tb
    got = ma @ mb
    assert tuple(got.shape) == tuple(expected.shape)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    tol = {"float32": 1e-5, "float64": 1e-12, "int64": 0, "float16": 1e-2, "bfloat16": 2e-2}[dtype]
    np.testing.assert_allclose(got.float().numpy(), expected.float().numpy(), rtol=tol,
                               atol=tol * 4)
