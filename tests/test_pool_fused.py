"""The fused pooling op (``_C._pool``; Note [Fused pooling] in ext/ops/pool.cpp): max and
average pooling, plain and adaptive, 1-3 spatial dims, against PyTorch (through the recorded
oracle) for values, indices and gradients over kernel / stride / padding / dilation /
ceil_mode / count_include_pad / divisor_override combos and odd sizes; against NumPy
references; every float dtype and the integer dtypes PyTorch accepts; NaN; gradcheck in
float64; non-contiguous and empty inputs; bad input raises PyTorch's exception class; the same
bits for 1 and 2 threads; double backward raises.
"""

import numpy as np
import oracle
import pytest

import minitorch
import minitorch.nn.functional as F

MAX = [
    ((2, 3, 9), dict(kernel_size=3, stride=2, padding=1), "max_pool1d"),
    ((1, 2, 11), dict(kernel_size=4, stride=3, dilation=2, ceil_mode=True), "max_pool1d"),
    ((2, 3, 7, 8), dict(kernel_size=2), "max_pool2d"),
    ((2, 2, 7, 9), dict(kernel_size=3, stride=2, padding=1), "max_pool2d"),
    ((1, 3, 8, 7), dict(kernel_size=(2, 3), stride=(2, 1), dilation=(2, 1), ceil_mode=True),
     "max_pool2d"),
    ((2, 2, 6, 5), dict(kernel_size=3, stride=1, padding=1, dilation=2), "max_pool2d"),
    ((1, 2, 5, 6, 7), dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0)),
     "max_pool3d"),
    ((1, 1, 6, 5, 5), dict(kernel_size=3, stride=2, ceil_mode=True), "max_pool3d"),
]
AVG = [
    ((2, 3, 9), dict(kernel_size=3, stride=2, padding=1), "avg_pool1d"),
    ((2, 2, 8), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False,
                     ceil_mode=True), "avg_pool1d"),
    ((2, 3, 7, 8), dict(kernel_size=2), "avg_pool2d"),
    ((2, 2, 7, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), "avg_pool2d"),
    ((1, 2, 7, 6), dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1),
                        count_include_pad=False, ceil_mode=True), "avg_pool2d"),
    ((2, 2, 5, 5), dict(kernel_size=2, divisor_override=3), "avg_pool2d"),
    ((1, 2, 5, 6, 7), dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0),
                           count_include_pad=False), "avg_pool3d"),
    ((1, 1, 6, 5, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                           divisor_override=5), "avg_pool3d"),
]
ADAPTIVE = [
    ((2, 3, 10), dict(output_size=4), "adaptive_avg_pool1d"),
    ((2, 3, 7, 9), dict(output_size=(3, 4)), "adaptive_avg_pool2d"),
    ((1, 2, 5, 9), dict(output_size=(None, 2)), "adaptive_avg_pool2d"),
    ((2, 2, 3, 4), dict(output_size=(5, 7)), "adaptive_avg_pool2d"),  # out > in: overlap
    ((1, 2, 5, 6, 7), dict(output_size=(2, 3, 4)), "adaptive_avg_pool3d"),
    ((2, 3, 10), dict(output_size=3, return_indices=True), "adaptive_max_pool1d"),
    ((2, 3, 7, 9), dict(output_size=(3, 4), return_indices=True), "adaptive_max_pool2d"),
    ((1, 2, 3, 4), dict(output_size=(5, 6), return_indices=True), "adaptive_max_pool2d"),
]
CASES = [(s, kw, name) for s, kw, name in MAX + [(s, dict(kw, return_indices=True), n)
                                                 for s, kw, n in MAX[1::2]]] + AVG + ADAPTIVE


def _run(lib, name, x, go, dtype, kw, noncontig=False):
    dt = getattr(lib, dtype)
    if noncontig:
        # the same values, as a transposed (non-contiguous) view
        t = lib.tensor(np.ascontiguousarray(np.swapaxes(x, 0, 1)), dtype=dt).transpose(0, 1)
    else:
        t = lib.tensor(x, dtype=dt)
    t = t.detach().requires_grad_(True)
    r = getattr(lib.nn.functional, name)(t, **kw)
    y, idx = r if isinstance(r, tuple) else (r, None)
    y.backward(lib.tensor(go.reshape(tuple(y.shape)), dtype=dt))
    out = [y.detach().numpy(), t.grad.numpy()]
    if idx is not None:
        out.append(idx.numpy())
    return out


def _compare(shape, kw, name, dtype="float64", noncontig=False, seed=0):
    torch = oracle.torch()
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    r = getattr(torch.nn.functional, name)(torch.zeros(shape, dtype=torch.float64), **kw)
    go = rng.standard_normal(tuple((r[0] if isinstance(r, tuple) else r).shape))
    mine = _run(minitorch, name, x, go, dtype, kw, noncontig)
    theirs = _run(torch, name, x, go, dtype, kw)
    tol = 1e-12 if dtype == "float64" else 1e-5
    assert len(mine) == len(theirs)
    for a, t in zip(mine, theirs):
        assert a.shape == t.shape and a.dtype == t.dtype
        np.testing.assert_allclose(a, t, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_matches_torch(case):
    shape, kw, name = case
    _compare(shape, kw, name, seed=len(shape) + len(kw))


@pytest.mark.parametrize("name,kw", [("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
                                     ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1)),
                                     ("adaptive_avg_pool2d", dict(output_size=(2, 3))),
                                     ("adaptive_max_pool2d", dict(output_size=(3, 2)))])
def test_float32_and_noncontiguous(name, kw):
    _compare((3, 4, 7, 6), kw, name, "float32", noncontig=True, seed=3)


def _np_windows(x, k, s, p, fill):
    """(N, C, OH, OW, k*k) windows of a 2-d pooling, padded with `fill`."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    oh, ow = (xp.shape[2] - k) // s + 1, (xp.shape[3] - k) // s + 1
    win = np.empty(x.shape[:2] + (oh, ow, k * k))
    for i in range(oh):
        for j in range(ow):
            win[:, :, i, j] = xp[:, :, i * s:i * s + k, j * s:j * s + k].reshape(x.shape[:2] + (-1,))
    return win


def test_numpy_reference():
    x = np.random.default_rng(4).standard_normal((2, 3, 9, 8))
    t = minitorch.tensor(x)
    np.testing.assert_allclose(F.max_pool2d(t, 3, 2, 1).numpy(),
                               _np_windows(x, 3, 2, 1, -np.inf).max(-1), rtol=0, atol=0)
    np.testing.assert_allclose(F.avg_pool2d(t, 3, 2, 1).numpy(),
                               _np_windows(x, 3, 2, 1, 0.0).sum(-1) / 9, rtol=1e-14)
    # adaptive windows [floor(i*in/out), ceil((i+1)*in/out))
    ref = np.empty((2, 3, 4, 3))
    for i in range(4):
        for j in range(3):
            h0, h1 = (i * 9) // 4, -(-((i + 1) * 9) // 4)
            w0, w1 = (j * 8) // 3, -(-((j + 1) * 8) // 3)
            ref[:, :, i, j] = x[:, :, h0:h1, w0:w1].mean((2, 3))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(t, (4, 3)).numpy(), ref, rtol=1e-14)
    # the max indices are flat positions in the unpadded plane
    y, idx = F.max_pool2d(t, 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(np.take_along_axis(x.reshape(2, 3, -1),
                                                     idx.numpy().reshape(2, 3, -1), 2),
                                  y.numpy().reshape(2, 3, -1))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_dtypes(dtype):
    torch = oracle.torch()
    x = np.random.default_rng(5).standard_normal((2, 3, 7, 6))
    for name, kw in [("max_pool2d", dict(kernel_size=3, stride=2, return_indices=True)),
                     ("avg_pool2d", dict(kernel_size=2, padding=1)),
                     ("adaptive_avg_pool2d", dict(output_size=(3, 4))),
                     ("adaptive_max_pool2d", dict(output_size=(3, 4)))]:
        outs = []
        for lib in (minitorch, torch):
            t = lib.tensor(x, dtype=getattr(lib, dtype)).requires_grad_(True)
            r = getattr(lib.nn.functional, name)(t, **kw)
            y = r[0] if isinstance(r, tuple) else r
            y.float().sum().backward()
            outs.append((str(y.dtype).split(".")[-1], y.detach().float().numpy(),
                         t.grad.float().numpy()))
        (d0, y0, g0), (d1, y1, g1) = outs
        assert d0 == d1
        np.testing.assert_allclose(y0, y1, rtol=1e-2, atol=1e-2)
        np.testing.assert_allclose(g0, g1, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
def test_integer_max_pool(dtype):
    torch = oracle.torch()
    x = np.random.default_rng(6).integers(0, 100, (2, 2, 7, 6))
    kw = dict(kernel_size=3, stride=2, padding=1, return_indices=True)
    y, i = F.max_pool2d(minitorch.tensor(x, dtype=getattr(minitorch, dtype)), **kw)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x, dtype=getattr(torch, dtype)), **kw)
    assert str(y.dtype) == str(ty.dtype).replace("torch", "minitorch")
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    y3 = F.max_pool3d(minitorch.tensor(x[None], dtype=getattr(minitorch, dtype)), 2)
    ty3 = torch.nn.functional.max_pool3d(torch.tensor(x[None], dtype=getattr(torch, dtype)), 2)
    np.testing.assert_array_equal(y3.numpy(), ty3.numpy())


def test_int64_avg_pool_truncates():
    torch = oracle.torch()
    x = np.random.default_rng(7).integers(-50, 50, (1, 2, 5, 7))
    kw = dict(kernel_size=2, stride=1, padding=1, count_include_pad=False)
    y = F.avg_pool2d(minitorch.tensor(x), **kw)
    ty = torch.nn.functional.avg_pool2d(torch.tensor(x), **kw)
    assert y.dtype == minitorch.int64
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_nan_propagates_like_torch():
    torch = oracle.torch()
    x = np.random.default_rng(8).standard_normal((1, 2, 6, 6))
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = x[0, 1, 4, 0] = np.nan
    for name, kw in [("max_pool2d", dict(kernel_size=3, stride=2, padding=1,
                                         return_indices=True)),
                     ("adaptive_max_pool2d", dict(output_size=(4, 3), return_indices=True)),
                     ("avg_pool2d", dict(kernel_size=2))]:
        r0 = getattr(F, name)(minitorch.tensor(x), **kw)
        r1 = getattr(torch.nn.functional, name)(torch.tensor(x), **kw)
        r0, r1 = (r0, r1) if isinstance(r0, tuple) else ((r0,), (r1,))
        for a, b in zip(r0, r1):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_unbatched_and_modules():
    x = minitorch.tensor(np.random.default_rng(9).standard_normal((3, 7, 6)))
    y, i = F.max_pool2d(x, 2, return_indices=True)
    yb, ib = F.max_pool2d(x.unsqueeze(0), 2, return_indices=True)
    assert y.shape == (3, 3, 3) and i.shape == (3, 3, 3)
    np.testing.assert_array_equal(y.numpy(), yb[0].numpy())
    np.testing.assert_array_equal(i.numpy(), ib[0].numpy())
    assert minitorch.nn.AdaptiveAvgPool3d((1, 2, 3))(x.unsqueeze(0)).shape == (1, 1, 2, 3)
    y, i = minitorch.nn.AdaptiveMaxPool2d(2, return_indices=True)(x)
    assert y.shape == (3, 2, 2) and i.dtype == minitorch.int64
    # max_unpool2d inverts max_pool2d's indices
    p, pi = F.max_pool2d(x.unsqueeze(0), 2, return_indices=True)
    u = F.max_unpool2d(p, pi, 2, output_size=(7, 6))
    np.testing.assert_array_equal(np.take_along_axis(u.numpy().reshape(1, 3, -1),
                                                     pi.numpy().reshape(1, 3, -1), 2),
                                  p.numpy().reshape(1, 3, -1))


def test_gradcheck_float64():
    gc = minitorch.autograd.gradcheck
    rng = np.random.default_rng(10)
    # distinct values, so no max is tied under gradcheck's perturbation
    x2 = minitorch.tensor(rng.permutation(2 * 2 * 5 * 6).reshape(2, 2, 5, 6) / 7.0,
                          requires_grad=True)
    x3 = minitorch.tensor(rng.permutation(2 * 4 * 3 * 5).reshape(1, 2, 4, 3, 5) / 7.0,
                          requires_grad=True)
    x1 = minitorch.tensor(rng.permutation(2 * 3 * 7).reshape(2, 3, 7) / 7.0, requires_grad=True)
    assert gc(lambda x: F.max_pool2d(x, 3, 2, 1, dilation=(1, 2), ceil_mode=True), (x2,))
    assert gc(lambda x: F.max_pool1d(x, 3, 2, 1), (x1,))
    assert gc(lambda x: F.max_pool3d(x, 2, 1, 1), (x3,))
    assert gc(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (x2,))
    assert gc(lambda x: F.avg_pool2d(x, 2, 1, 1, divisor_override=3), (x2,))
    assert gc(lambda x: F.avg_pool1d(x, 2, 2, 1, ceil_mode=True), (x1,))
    assert gc(lambda x: F.avg_pool3d(x, 2, (1, 2, 1)), (x3,))
    assert gc(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (x2,))
    assert gc(lambda x: F.adaptive_avg_pool3d(x, (3, 2, 4)), (x3,))
    assert gc(lambda x: F.adaptive_max_pool2d(x, (4, 4)), (x2,))
    assert gc(lambda x: F.adaptive_max_pool1d(x, 4), (x1,))


def test_double_backward_raises():
    x = minitorch.tensor(np.random.default_rng(11).standard_normal((1, 2, 4, 4)),
                         requires_grad=True)
    for f in (lambda t: F.max_pool2d(t, 2), lambda t: F.avg_pool2d(t, 2),
              lambda t: F.adaptive_avg_pool2d(t, 3), lambda t: F.adaptive_max_pool2d(t, 3)):
        y = f(x)
        with pytest.raises(RuntimeError, match="double backward"):
            minitorch.autograd.grad(y.sum(), x, create_graph=True)


def test_empty_batch():
    for f in (lambda t: F.max_pool2d(t, 2), lambda t: F.avg_pool2d(t, 3, 2, 1),
              lambda t: F.adaptive_avg_pool2d(t, 3), lambda t: F.adaptive_max_pool2d(t, 2)):
        x = minitorch.zeros((0, 3, 5, 5), requires_grad=True)
        y = f(x)
        assert y.shape[:2] == (0, 3)
        y.sum().backward()
        assert x.grad.shape == (0, 3, 5, 5)


BAD = [
    ("max_pool2d", (1, 2, 5, 5), dict(kernel_size=0)),
    ("max_pool2d", (1, 2, 5, 5), dict(kernel_size=2, padding=2)),
    ("max_pool2d", (1, 2, 1, 1), dict(kernel_size=3)),
    ("max_pool2d", (2, 5, 5), dict(kernel_size=2, stride=0)),
    ("max_pool2d", (5, 5), dict(kernel_size=2)),
    ("avg_pool2d", (1, 2, 5, 5), dict(kernel_size=2, divisor_override=0)),
    ("avg_pool2d", (1, 2, 2, 2), dict(kernel_size=3)),
    ("avg_pool1d", (1, 2, 5), dict(kernel_size=2, padding=3)),
    ("avg_pool3d", (1, 1, 1, 4, 6), dict(kernel_size=(3, 3, 4), stride=3, ceil_mode=True)),
    ("adaptive_avg_pool2d", (5,), dict(output_size=2)),
    ("adaptive_max_pool2d", (1, 2, 5, 5), dict(output_size=(2, 2, 2))),
]


@pytest.mark.parametrize("case", BAD, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_torch_class(case):
    torch = oracle.torch()
    name, shape, kw = case
    with pytest.raises(Exception) as theirs:
        getattr(torch.nn.functional, name)(torch.zeros(shape), **kw)
    with pytest.raises(theirs.type):
        getattr(F, name)(minitorch.zeros(shape), **kw)


def test_window_with_no_input_element_raises():
    # PyTorch accepts these (each window of the first dim skips the one input row by
    # dilation) and writes out of bounds (heap corruption); minitorch refuses them.
    x = minitorch.zeros((2, 3, 1, 3, 7))
    with pytest.raises(RuntimeError, match="holds no input element"):
        F.max_pool3d(x, (2, 3, 3), (1, 1, 2), (1, 1, 1), (2, 1, 2), ceil_mode=True)
    with pytest.raises(RuntimeError, match="holds no input element"):
        F.max_pool1d(minitorch.zeros((1, 1, 1)), 2, 1, 1, 2)


def test_bad_dtypes_raise_not_implemented():
    torch = oracle.torch()
    for lib in (minitorch, torch):
        b = lib.zeros((1, 1, 4, 4), dtype=lib.bool)
        i = lib.zeros((1, 1, 4, 4), dtype=lib.int32)
        for f in (lambda: lib.nn.functional.max_pool2d(b, 2),
                  lambda: lib.nn.functional.avg_pool2d(i, 2),
                  lambda: lib.nn.functional.adaptive_max_pool2d(i, 2),
                  lambda: lib.nn.functional.adaptive_avg_pool2d(i, 2)):
            with pytest.raises(NotImplementedError):
                f()


def test_same_bits_for_any_thread_count():
    x = np.random.default_rng(12).standard_normal((8, 16, 20, 19)).astype(np.float32)
    fns = [lambda t: F.max_pool2d(t, 3, 2, 1), lambda t: F.avg_pool2d(t, 3, 1, 1),
           lambda t: F.adaptive_avg_pool2d(t, (7, 5)), lambda t: F.adaptive_max_pool2d(t, 6)]
    old = minitorch.get_num_threads()
    results = []
    try:
        for n in (1, 2):
            minitorch.set_num_threads(n)
            run = []
            for f in fns:
                t = minitorch.tensor(x, requires_grad=True)
                y = f(t)
                y.square().sum().backward()
                run += [y.detach().numpy(), t.grad.numpy()]
            results.append(run)
    finally:
        minitorch.set_num_threads(old)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_negative_divisor_override_like_torch():
    torch = oracle.torch()
    x = np.random.default_rng(13).integers(-50, 50, (1, 2, 4, 6))
    for dt in ("float64", "int64"):
        for d in (-1, -3):
            y = F.avg_pool2d(minitorch.tensor(x, dtype=getattr(minitorch, dt)), 2,
                             divisor_override=d)
            ty = torch.nn.functional.avg_pool2d(torch.tensor(x, dtype=getattr(torch, dt)), 2,
                                                divisor_override=d)
            np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-15)


def test_raw_op_bad_arguments_raise():
    # _C._pool checks again what keeps its kernel in bounds, whatever Python passes.
    x = minitorch.zeros((1, 2, 4, 4))
    p = minitorch._C._pool
    bad = [
        lambda: p(x, True, False, [2], [1, 1], [0, 0], [1, 1], [3, 3], True, 0),
        lambda: p(x, True, False, [2, 2], [0, 1], [0, 0], [1, 1], [3, 3], True, 0),
        lambda: p(x, True, False, [2, 2], [1, 1], [-1, 0], [1, 1], [3, 3], True, 0),
        lambda: p(x, True, False, [2, 2], [1, 1], [0, 0], [1, 1], [3, -3], True, 0),
        lambda: p(x, False, False, [2, 2], [1, 1], [0, 0], [2, 1], [3, 3], True, 0),
        lambda: p(x.reshape(32), True, True, [], [], [], [], [3], True, 0),
        lambda: p(minitorch.zeros((1, 2, 0, 4)), False, True, [], [], [], [], [2, 2], True, 0),
    ]
    for f in bad:
        with pytest.raises(RuntimeError):
            f()
    with pytest.raises(TypeError):
        p("x", True, False, [2, 2], [1, 1], [0, 0], [1, 1], [3, 3], True, 0)
    # windows past the input (bad sizes from the caller) stay in bounds: -inf, index -1
    y, i = p(x.requires_grad_(), True, False, [2, 2], [2, 2], [0, 0], [1, 1], [4, 4], True, 0)
    assert float(y[0, 0, 3, 3]) == -np.inf and int(i[0, 0, 3, 3]) == -1
    y.sum().backward()
    assert float(x.grad.sum()) == 8.0
    # an integer average over an empty window gives 0 (no division trap)
    z = p(minitorch.zeros((1, 1, 2, 2), dtype=minitorch.int64), False, False, [1, 1], [3, 3],
          [0, 0], [1, 1], [2, 2], False, 0)
    assert z.numpy().tolist() == [[[[0, 0], [0, 0]]]]


def test_refcounts_of_the_entry_point():
    from refcheck import check_refcounts
    x = minitorch.zeros((1, 2, 4, 4), requires_grad=True)
    k, s, pd, dl, out = [2, 2], [2, 2], [0, 0], [1, 1], [2, 2]
    check_refcounts(minitorch._C._pool, x, True, False, k, s, pd, dl, out, True, 0)
    check_refcounts(minitorch._C._pool, x, False, True, [], [], [], [], out, True, 0)
    check_refcounts(minitorch._C._pool, x, True, False, "k", s, pd, dl, out, True, 0,
                    raises=TypeError)
