"""The fused convolution ops (``minitorch.convolution``, ``_C._im2col``,
``_C._col2im``; Note [Convolution as GEMM] in ext/ops/conv.cpp): forward and
every gradient against PyTorch (through the recorded oracle) over strides,
paddings, dilations, groups, odd sizes, 1-3 spatial dims, float32/float64 and
non-contiguous inputs; gradcheck in float64; the same bits for 1 and 2
threads; bad input raises PyTorch's exception class.
"""

import numpy as np
import oracle
import pytest

import minitorch
import minitorch.nn.functional as F

# (nd, N, C_in, C_out, spatial, kernel, stride, padding, dilation, groups)
CONV = [
    (1, 2, 3, 4, (9,), (3,), 1, 0, 1, 1),
    (1, 3, 4, 4, (10,), (3,), 2, 1, 2, 4),  # depthwise
    (2, 2, 3, 6, (7, 8), (3, 2), 1, 0, 1, 1),
    (2, 3, 4, 6, (7, 9), (3, 3), (2, 1), (1, 2), (1, 2), 2),
    (2, 1, 6, 6, (5, 5), (3, 3), 1, 1, 1, 6),  # depthwise
    (2, 2, 2, 3, (6, 5), (1, 1), 2, 0, 1, 1),  # 1x1, strided
    (2, 2, 3, 2, (4, 4), (4, 4), 1, 2, 1, 1),  # kernel as large as the input
    (3, 2, 2, 4, (5, 6, 4), (2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2),
]
# (nd, N, C_in, C_out, spatial, kernel, stride, padding, output_padding, dilation, groups)
CONV_T = [
    (1, 2, 4, 6, (5,), (3,), 3, 1, 2, 2, 2),
    (2, 2, 4, 6, (5, 4), (3, 2), 2, 1, 1, 1, 2),
    (2, 1, 3, 2, (3, 3), (3, 3), 1, 0, 0, 1, 1),
    (2, 2, 2, 4, (4, 3), (2, 3), (2, 3), (0, 1), (1, 0), (2, 1), 1),
    (3, 2, 2, 4, (3, 4, 2), (2, 3, 2), (1, 2, 1), (1, 0, 1), 0, (1, 1, 2), 2),
]


def _arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _run(lib, x, w, b, go, dtype, kw, noncontig=False):
    dt = getattr(lib, dtype)
    ts = []
    for a in (x, w, b):
        if a is None:
            ts.append(None)
            continue
        t = lib.tensor(a, dtype=dt)
        if noncontig and a.ndim > 1:
            # the same values, as a transposed (non-contiguous) view
            t = lib.tensor(np.ascontiguousarray(np.swapaxes(a, 0, 1)), dtype=dt).transpose(0, 1)
        ts.append(t.detach().requires_grad_(True))
    y = lib.convolution(ts[0], ts[1], ts[2], **kw)
    y.backward(lib.tensor(go.reshape(tuple(y.shape)), dtype=dt))
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts if t is not None]


def _compare(x, w, b, kw, dtype, noncontig=False):
    torch = oracle.torch()
    out_shape = tuple(torch.convolution(torch.zeros(x.shape), torch.zeros(w.shape), None,
                                        **kw).shape)
    go = np.random.default_rng(9).standard_normal(out_shape)
    mine = _run(minitorch, x, w, b, go, dtype, kw, noncontig)
    theirs = _run(torch, x, w, b, go, dtype, kw)
    tol = 1e-10 if dtype == "float64" else 2e-4
    assert len(mine) == len(theirs)
    for a, t in zip(mine, theirs):
        assert a.shape == t.shape
        np.testing.assert_allclose(a, t, rtol=tol, atol=tol)


def _conv_kw(nd, st, pad, dil, groups, transposed=False, op=0):
    def lst(v):
        return list(v) if isinstance(v, tuple) else [v] * nd
    return dict(stride=lst(st), padding=lst(pad), dilation=lst(dil), transposed=transposed,
                output_padding=lst(op), groups=groups)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CONV, ids=[f"conv{c[0]}d-{i}" for i, c in enumerate(CONV)])
def test_convolution_matches_torch(case, dtype):
    nd, n, cin, cout, sp, k, st, pad, dil, groups = case
    x, w, b = _arrays(len(sp) + n, (n, cin) + sp, (cout, cin // groups) + k, (cout,))
    _compare(x, w, b, _conv_kw(nd, st, pad, dil, groups), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CONV_T, ids=[f"convT{c[0]}d-{i}" for i, c in enumerate(CONV_T)])
def test_transposed_convolution_matches_torch(case, dtype):
    nd, n, cin, cout, sp, k, st, pad, op, dil, groups = case
    x, w, b = _arrays(len(sp) + n + 1, (n, cin) + sp, (cin, cout // groups) + k, (cout,))
    _compare(x, w, b, _conv_kw(nd, st, pad, dil, groups, True, op), dtype)


@pytest.mark.parametrize("transposed", [False, True])
def test_noncontiguous_inputs_and_no_bias(transposed):
    x, w = _arrays(3, (3, 4, 6, 5), (4, 2, 3, 3))
    _compare(x, w, None, _conv_kw(2, 2, 1, 1, 2, transposed, 1 if transposed else 0),
             "float64", noncontig=True)


def test_large_batch_is_split_into_chunks():
    # 40 samples of 64 * 9 * 30 * 30 columns overflow one column buffer, so the batch runs
    # as several GEMMs; each sample alone is one GEMM with no copies. Both must agree (the
    # per-sample path is checked against torch above).
    x, w, b, g = _arrays(4, (40, 64, 32, 32), (8, 64, 3, 3), (8,), (40, 8, 30, 30))
    args = ([1], [0], [1], False, [0], 1)
    ts = [minitorch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = minitorch.convolution(*ts, *args)
    y.backward(minitorch.tensor(g))
    for i in (0, 17, 39):
        xi = minitorch.tensor(x[i:i + 1], requires_grad=True)
        yi = minitorch.convolution(xi, ts[1].detach(), ts[2].detach(), *args)
        yi.backward(minitorch.tensor(g[i:i + 1]))
        np.testing.assert_allclose(y.detach().numpy()[i:i + 1], yi.detach().numpy(),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ts[0].grad.numpy()[i:i + 1], xi.grad.numpy(), rtol=1e-12,
                                   atol=1e-12)
    # grad_weight: the sum over samples of x_i's columns times g_i
    cols = F.unfold(minitorch.tensor(x), 3).numpy()  # (40, 576, 900)
    gw = np.einsum("nol,nkl->ok", g.reshape(40, 8, 900), cols).reshape(8, 64, 3, 3)
    np.testing.assert_allclose(ts[1].grad.numpy(), gw, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ts[2].grad.numpy(), g.sum((0, 2, 3)), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("transposed", [False, True])
def test_wide_path_matches_per_sample(transposed):
    # 64 * 64 * 9 * 960 multiply-adds per sample: the wide path (one GEMM over a chunk of
    # samples, ext/ops/conv.cpp); a batch of one runs the per-sample path.
    x, w, b = _arrays(13, (3, 64, 30, 32), (64, 64, 3, 3), (64,))
    args = ([1], [1], [1], transposed, [0], 1)
    ts = [minitorch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = minitorch.convolution(*ts, *args)
    g = np.random.default_rng(14).standard_normal(tuple(y.shape))
    y.backward(minitorch.tensor(g))
    gw = np.zeros_like(w)
    for i in range(3):
        si = [minitorch.tensor(a, requires_grad=True) for a in (x[i:i + 1], w, b)]
        yi = minitorch.convolution(*si, *args)
        yi.backward(minitorch.tensor(g[i:i + 1]))
        np.testing.assert_allclose(y.detach().numpy()[i:i + 1], yi.detach().numpy(),
                                   rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(ts[0].grad.numpy()[i:i + 1], si[0].grad.numpy(),
                                   rtol=1e-11, atol=1e-11)
        gw += si[1].grad.numpy()
    np.testing.assert_allclose(ts[1].grad.numpy(), gw, rtol=1e-10, atol=1e-10)


def test_gradcheck_float64():
    gc = minitorch.autograd.gradcheck
    x, w, b = _arrays(5, (2, 4, 5, 4), (6, 2, 3, 2), (6,))
    t = [minitorch.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gc(lambda x, w, b: minitorch.convolution(x, w, b, [2, 1], [1, 0], [1, 2], False, [0],
                                                    2), t)
    xt, wt = _arrays(6, (2, 4, 3, 3), (4, 3, 2, 3))
    t = [minitorch.tensor(a, requires_grad=True) for a in (xt, wt, b)]
    assert gc(lambda x, w, b: minitorch.convolution(x, w, b, [2, 1], [0, 1], [1, 1], True, [1, 0],
                                                    2), t)
    x1 = minitorch.tensor(_arrays(7, (2, 3, 7))[0], requires_grad=True)
    w1 = minitorch.tensor(_arrays(8, (3, 1, 3))[0], requires_grad=True)
    assert gc(lambda x, w: F.conv1d(x, w, stride=2, padding=1, groups=3), (x1, w1))
    u = minitorch.tensor(_arrays(9, (2, 3, 5, 4))[0], requires_grad=True)
    assert gc(lambda u: F.unfold(u, (2, 3), padding=1, stride=(2, 1)), (u,))
    c = minitorch.tensor(_arrays(10, (2, 12, 8))[0], requires_grad=True)
    assert gc(lambda c: F.fold(c, (4, 5), (2, 2), stride=(2, 1)), (c,))
    # fold / unfold are each other's backward: they differentiate twice
    assert minitorch.autograd.gradgradcheck(lambda c: F.fold(c, (4, 5), (2, 2), stride=(2, 1)),
                                            (c,))


def test_unfold_fold_match_torch():
    torch = oracle.torch()
    x = _arrays(11, (2, 3, 7, 6))[0]
    kw = dict(kernel_size=(3, 2), dilation=(1, 2), padding=(1, 0), stride=(2, 1))
    mine = F.unfold(minitorch.tensor(x), **kw).numpy()
    theirs = torch.nn.functional.unfold(torch.tensor(x), **kw).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=0, atol=0)
    back = F.fold(minitorch.tensor(mine), (7, 6), **kw).numpy()
    tback = torch.nn.functional.fold(torch.tensor(theirs), (7, 6), **kw).numpy()
    np.testing.assert_allclose(back, tback, rtol=1e-12, atol=1e-12)
    # integer unfold is a copy too
    xi = np.arange(2 * 2 * 4 * 4).reshape(2, 2, 4, 4)
    np.testing.assert_array_equal(F.unfold(minitorch.tensor(xi), 2).numpy(),
                                  torch.nn.functional.unfold(torch.tensor(xi).double(),
                                                             2).numpy().astype(np.int64))


def test_same_bits_for_any_thread_count():
    x, w, b = _arrays(12, (6, 8, 12, 11), (10, 4, 3, 3), (10,))
    old = minitorch.get_num_threads()
    results = []
    try:
        for n in (1, 2):
            minitorch.set_num_threads(n)
            ts = [minitorch.tensor(a, dtype=minitorch.float32, requires_grad=True)
                  for a in (x, w, b)]
            y = minitorch.convolution(ts[0], ts[1], ts[2], [2, 1], [1, 1], [1, 1], False, [0], 2)
            y.square().sum().backward()
            z = minitorch.convolution(ts[0].detach(), ts[1].detach().transpose(0, 1)
                                      .reshape(8, 5, 3, 3), None, [1], [1], [1], True, [0], 1)
            results.append([y.detach().numpy(), z.numpy()] + [t.grad.numpy() for t in ts])
    finally:
        minitorch.set_num_threads(old)
    for a, b2 in zip(*results):
        np.testing.assert_array_equal(a, b2)


def test_backward_node_and_double_backward_refused():
    x = minitorch.ones(1, 2, 4, 4, requires_grad=True)
    w = minitorch.ones(3, 2, 3, 3, requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.name() == "ConvolutionBackward0"
    (gx,) = minitorch.autograd.grad(y.sum(), x, create_graph=False)
    np.testing.assert_array_equal(gx.numpy()[0, 0], np.array([[1, 2, 2, 1], [2, 4, 4, 2],
                                                              [2, 4, 4, 2], [1, 2, 2, 1]]) * 3)
    with pytest.raises(RuntimeError, match="double backward through convolution"):
        minitorch.autograd.grad(F.conv2d(x, w).sum(), x, create_graph=True)
    # only the gradients asked for: weight alone
    w.grad = None
    F.conv2d(x.detach(), w).sum().backward()
    assert w.grad is not None


def test_integer_conv_keeps_the_composite_path():
    torch = oracle.torch()
    x = np.arange(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) % 7
    w = np.arange(3 * 2 * 3 * 3).reshape(3, 2, 3, 3) % 5 - 2
    mine = F.conv2d(minitorch.tensor(x), minitorch.tensor(w), padding=1).numpy()
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy()
    np.testing.assert_array_equal(mine, theirs)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        minitorch.convolution(minitorch.tensor(x), minitorch.tensor(w), None, [1], [0], [1], False,
                              [0], 1)


# (input shape, weight shape, bias shape or None, stride, padding, dilation, transposed,
#  output_padding, groups)
BAD = [
    ((1, 3, 5, 5), (4, 2, 3, 3), None, [1], [0], [1], False, [0], 1),   # channel count
    ((1, 2, 5, 5), (4, 2, 3), None, [1], [0], [1], False, [0], 1),      # weight dims
    ((1, 2, 5, 5), (4, 2), None, [1], [0], [1], False, [0], 1),         # weight dims
    ((1, 2, 5, 5), (4, 2, 3, 3), None, [0], [0], [1], False, [0], 1),   # zero stride
    ((1, 2, 5, 5), (4, 2, 3, 3), None, [1], [-1], [1], False, [0], 1),  # negative padding
    ((1, 2, 5, 5), (4, 2, 3, 3), None, [1], [0], [0], False, [0], 1),   # zero dilation
    ((1, 2, 5, 5), (4, 2, 3, 3), None, [1, 1, 1], [0], [1], False, [0], 1),
    ((1, 2, 5, 5), (4, 2, 3, 3), (3,), [1], [0], [1], False, [0], 1),   # bias size
    ((1, 2, 2, 2), (4, 2, 3, 3), None, [1], [0], [1], False, [0], 1),   # kernel too large
    ((1, 4, 5, 5), (3, 2, 3, 3), None, [1], [0], [1], False, [0], 2),   # out ch % groups
    ((1, 2, 5, 5), (4, 2, 3, 3), None, [1], [0], [1], False, [0], 0),   # zero groups
    ((1, 2, 5, 5), (2, 3, 3, 3), None, [1], [0], [1], True, [2], 1),    # output_padding
    ((1, 3, 5, 5), (2, 3, 3, 3), None, [1], [0], [1], True, [0], 1),    # transposed channels
    ((1, 2, 1, 1), (2, 3, 3, 3), None, [1], [3], [1], True, [0], 1),    # output too small
    ((1, 2, 5), (4, 2, 3, 3), None, [1], [0], [1], False, [0], 1),      # input dims
]


@pytest.mark.parametrize("case", BAD, ids=[f"bad-{i}" for i in range(len(BAD))])
def test_bad_input_raises_torchs_class(case):
    torch = oracle.torch()
    xs, ws, bs, *rest = case
    outcomes = []
    for lib in (minitorch, torch):
        args = [lib.zeros(xs), lib.zeros(ws), lib.zeros(bs) if bs else None] + rest
        try:
            lib.convolution(*args)
            outcomes.append(None)
        except Exception as e:  # noqa: BLE001
            outcomes.append(type(e).__name__)
    assert outcomes[0] is not None
    assert outcomes[0] == outcomes[1]


def test_mixed_dtypes_and_devices_raise():
    x = minitorch.zeros(1, 2, 5, 5)
    w = minitorch.zeros(4, 2, 3, 3, dtype=minitorch.float64)
    with pytest.raises(RuntimeError, match="expected scalar type"):
        minitorch.convolution(x, w, None, [1], [0], [1], False, [0], 1)
    with pytest.raises(TypeError):
        minitorch.convolution(x, "w", None, [1], [0], [1], False, [0], 1)
    with pytest.raises(TypeError):
        minitorch.convolution(x, w, None, [1], [0], [1], False, [0])
