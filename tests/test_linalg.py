"""minitorch.linalg over LAPACK (ext/python/ops_linalg.cpp, minitorch/linalg.py):
values against np.linalg and PyTorch (oracle.torch(), recorded), residual
checks (A @ x = b, Q R = A, U S Vh = A), batches, float32/float64, errors
(class and message) and the gradients of solve/inv/det/slogdet/cholesky
against finite differences and PyTorch."""

import math
import zlib

import numpy as np
import oracle
import pytest

import minitorch as mt

L = mt.linalg
RNG = np.random.default_rng(1234)
DT = [np.float32, np.float64]


@pytest.fixture(autouse=True)
def _seed(request):
    # Inputs depend on the test alone (not on which tests ran before): the
    # oracle's records are keyed by the inputs' bytes.
    global RNG
    RNG = np.random.default_rng(zlib.crc32(request.node.name.encode()))


def rand(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def spd(*shape, dtype=np.float64):
    a = rand(*shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def T(a):
    return mt.from_numpy(np.ascontiguousarray(a))


def tol(dtype):
    return dict(rtol=2e-4, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)


def npy(t):
    return np.asarray(t.numpy())


@pytest.mark.parametrize("dtype", DT)
@pytest.mark.parametrize("batch", [(), (3,), (2, 2)])
def test_solve_inv_det_slogdet(dtype, batch):
    a = rand(*batch, 4, 4, dtype=dtype)
    b = rand(*batch, 4, 2, dtype=dtype)
    x = L.solve(T(a), T(b))
    assert x.dtype == T(a).dtype and tuple(x.shape) == batch + (4, 2)
    np.testing.assert_allclose(a @ npy(x), b, **tol(dtype))
    np.testing.assert_allclose(npy(x), np.linalg.solve(a, b), **tol(dtype))
    np.testing.assert_allclose(npy(L.inv(T(a))), np.linalg.inv(a), **tol(dtype))
    np.testing.assert_allclose(npy(L.det(T(a))), np.linalg.det(a), **tol(dtype))
    s, la = L.slogdet(T(a))
    ns, nla = np.linalg.slogdet(a)
    np.testing.assert_array_equal(npy(s), ns)
    np.testing.assert_allclose(npy(la), nla, **tol(dtype))
    np.testing.assert_allclose(npy(mt.det(T(a))), np.linalg.det(a), **tol(dtype))
    np.testing.assert_allclose(npy(mt.inverse(T(a))), np.linalg.inv(a), **tol(dtype))


def test_solve_vector_broadcast_left():
    a = rand(3, 4, 4)
    b = rand(4)
    x = L.solve(T(a), T(b))
    np.testing.assert_allclose(np.einsum("bij,bj->bi", a, npy(x)), np.broadcast_to(b, (3, 4)),
                               atol=1e-10)
    bb = rand(3, 4)  # a batch of vectors
    x = L.solve(T(a), T(bb))
    np.testing.assert_allclose(np.einsum("bij,bj->bi", a, npy(x)), bb, atol=1e-10)
    c = rand(2, 4)
    x = L.solve(T(a[0]), T(c), left=False)
    np.testing.assert_allclose(npy(x) @ a[0], c, atol=1e-10)
    # broadcast of A's batch against B's
    x = L.solve(T(a[:1]), T(rand(3, 4, 1)))
    assert tuple(x.shape) == (3, 4, 1)


def test_det_singular_and_permutation_sign():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert L.det(T(a)).item() == -1.0
    z = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert L.det(T(z)).item() == 0.0
    s, la = L.slogdet(T(z))
    assert s.item() == 0.0 and la.item() == -math.inf


@pytest.mark.parametrize("dtype", DT)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(dtype, upper):
    a = spd(2, 5, 5, dtype=dtype)
    f = npy(L.cholesky(T(a), upper=upper))
    ref = np.linalg.cholesky(a)
    if upper:
        ref = np.swapaxes(ref, -1, -2)
        np.testing.assert_allclose(np.swapaxes(f, -1, -2) @ f, a, **tol(dtype))
    else:
        np.testing.assert_allclose(f @ np.swapaxes(f, -1, -2), a, **tol(dtype))
    np.testing.assert_allclose(f, ref, **tol(dtype))
    b = rand(2, 5, 3, dtype=dtype)
    x = mt.cholesky_solve(T(b), T(f), upper)
    np.testing.assert_allclose(a @ npy(x), b, **tol(dtype))


@pytest.mark.parametrize("dtype", DT)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 6, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr(dtype, shape, mode):
    a = rand(*shape, dtype=dtype)
    q, r = L.qr(T(a), mode=mode)
    nq, nr = np.linalg.qr(a, mode=mode) if mode != "r" else (None, np.linalg.qr(a, mode="r"))
    assert tuple(r.shape) == nr.shape
    np.testing.assert_allclose(np.triu(npy(r)), npy(r))
    if mode == "r":
        assert tuple(q.shape) == (0,)
        np.testing.assert_allclose(np.abs(npy(r)), np.abs(nr), **tol(dtype))
        return
    assert tuple(q.shape) == nq.shape
    np.testing.assert_allclose(npy(q) @ npy(r), a, **tol(dtype))
    k = q.shape[-1]
    qtq = np.swapaxes(npy(q), -1, -2) @ npy(q)
    np.testing.assert_allclose(qtq, np.broadcast_to(np.eye(k), qtq.shape), **tol(dtype))
    np.testing.assert_allclose(npy(q), nq, **tol(dtype))  # same LAPACK, same signs


@pytest.mark.parametrize("dtype", DT)
def test_eigh_eigvalsh(dtype):
    a = spd(3, 4, 4, dtype=dtype)
    w, v = L.eigh(T(a))
    nw = np.linalg.eigvalsh(a)
    np.testing.assert_allclose(npy(w), nw, **tol(dtype))
    np.testing.assert_allclose(a @ npy(v), npy(v) * npy(w)[..., None, :], **tol(dtype))
    np.testing.assert_allclose(npy(L.eigvalsh(T(a), UPLO="U")), nw, **tol(dtype))
    # UPLO reads one triangle only
    lo = np.tril(a)
    np.testing.assert_allclose(npy(L.eigvalsh(T(lo))), nw, **tol(dtype))


@pytest.mark.parametrize("dtype", DT)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
@pytest.mark.parametrize("full", [True, False])
def test_svd(dtype, shape, full):
    a = rand(*shape, dtype=dtype)
    u, s, vh = L.svd(T(a), full_matrices=full)
    nu, ns, nvh = np.linalg.svd(a, full_matrices=full)
    assert tuple(u.shape) == nu.shape and tuple(vh.shape) == nvh.shape
    np.testing.assert_allclose(npy(s), ns, **tol(dtype))
    k = s.shape[-1]
    rec = (npy(u)[..., :k] * npy(s)[..., None, :]) @ npy(vh)[..., :k, :]
    np.testing.assert_allclose(rec, a, **tol(dtype))
    np.testing.assert_allclose(npy(L.svdvals(T(a))), ns, **tol(dtype))
    U, S, V = mt.svd(T(a), some=not full)
    np.testing.assert_allclose(npy(V), np.swapaxes(npy(vh), -1, -2))
    U, S, V = mt.svd(T(a), compute_uv=False)
    assert not npy(U).any() and tuple(V.shape)[-1] == shape[-1]


def test_eig_real_and_complex_refused():
    a = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, -1.0]])
    w, v = L.eig(T(a))
    np.testing.assert_allclose(a @ npy(v), npy(v) * npy(w)[None, :], atol=1e-12)
    np.testing.assert_allclose(np.sort(npy(L.eigvals(T(a)))), [-1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="non-real eigenvalues"):
        L.eig(T(np.array([[0.0, 1.0], [-1.0, 0.0]])))


@pytest.mark.parametrize("dtype", DT)
def test_lstsq_pinv_rank(dtype):
    a = rand(2, 6, 3, dtype=dtype)
    b = rand(2, 6, 2, dtype=dtype)
    r = L.lstsq(T(a), T(b))
    ref = np.stack([np.linalg.lstsq(a[i], b[i], rcond=None)[0] for i in range(2)])
    np.testing.assert_allclose(npy(r.solution), ref, **tol(dtype))
    assert npy(r.rank).tolist() == [3, 3] and r.residuals.numel() == 0
    assert r.singular_values.numel() == 0
    np.testing.assert_allclose(npy(L.pinv(T(a))), np.linalg.pinv(a), **tol(dtype))
    np.testing.assert_allclose(npy(mt.pinverse(T(a))), np.linalg.pinv(a), **tol(dtype))
    low = (rand(5, 2) @ rand(2, 4)).astype(dtype)
    assert L.matrix_rank(T(low)).item() == 2
    s = spd(4, 4, dtype=dtype)
    np.testing.assert_allclose(npy(L.pinv(T(s), hermitian=True)), np.linalg.inv(s), **tol(dtype))
    assert L.matrix_rank(T(s), hermitian=True).item() == 4


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])
def test_matrix_norm_and_cond(ord):
    a = rand(3, 4, 5)
    np.testing.assert_allclose(npy(L.matrix_norm(T(a), ord)), np.linalg.norm(a, ord, (-2, -1)),
                               rtol=1e-10)
    np.testing.assert_allclose(npy(L.norm(T(a), ord, (0, 2))), np.linalg.norm(a, ord, (0, 2)),
                               rtol=1e-10)
    k = L.matrix_norm(T(a), ord, keepdim=True)
    assert tuple(k.shape) == (3, 1, 1)
    if ord != "fro" or True:
        sq = rand(2, 4, 4)
        p = None if ord == "fro" else ord
        np.testing.assert_allclose(npy(L.cond(T(sq), p)), np.linalg.cond(sq, p), rtol=1e-8)


def test_matrix_power_exp_multi_dot_vecdot_householder():
    a = rand(2, 3, 3)
    for n in (0, 1, 2, 5, -1, -3):
        np.testing.assert_allclose(npy(L.matrix_power(T(a), n)), np.linalg.matrix_power(a, n),
                                   rtol=1e-8, atol=1e-10)
    # matrix_exp: exp(diag) and the series of a nilpotent matrix; a large norm scales
    d = np.diag([1.0, -2.0, 0.5])
    np.testing.assert_allclose(npy(L.matrix_exp(T(d))), np.diag(np.exp([1.0, -2.0, 0.5])),
                               rtol=1e-13)
    nil = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(npy(L.matrix_exp(T(nil))), np.eye(3) + nil + nil @ nil / 2,
                               rtol=1e-13, atol=1e-15)
    s = spd(4, 4) * 3
    w, v = np.linalg.eigh(s)
    np.testing.assert_allclose(npy(mt.matrix_exp(T(s))), (v * np.exp(w)) @ v.T, rtol=1e-10)
    ms = [rand(2, 3), rand(3, 4), rand(4, 5)]
    np.testing.assert_allclose(npy(L.multi_dot([T(m) for m in ms])), np.linalg.multi_dot(ms))
    v1, v2 = rand(3), rand(5)
    np.testing.assert_allclose(npy(L.multi_dot([T(v1), T(ms[1]), T(ms[2]), T(v2)])),
                               np.linalg.multi_dot([v1, ms[1], ms[2], v2]))
    x, y = rand(3, 4), rand(4)
    np.testing.assert_allclose(npy(L.vecdot(T(x), T(y))), x @ y)
    m = rand(5, 3)
    q, _ = np.linalg.qr(m)
    h = npy(L.householder_product(*_geqrf_of(m)))
    np.testing.assert_allclose(np.abs(h), np.abs(q), atol=1e-12)


def _geqrf_of(m):
    # Householder vectors and tau from minitorch's own geqrf (the raw routine)
    a = mt.from_numpy(np.ascontiguousarray(m.T[None]))
    tau = mt.zeros((1, 3), dtype=mt.float64)
    mt._C._lapack_geqrf(a, tau, mt.zeros((1,), dtype=mt.int64))
    return a[0].mT, tau[0]


def test_torch_oracle_values():
    torch = oracle.torch()
    a = rand(2, 4, 4)
    b = rand(2, 4, 3)
    s = spd(4, 4)
    pairs = [
        (L.solve(T(a), T(b)), torch.linalg.solve(torch.from_numpy(a), torch.from_numpy(b))),
        (L.det(T(a)), torch.linalg.det(torch.from_numpy(a))),
        (L.cholesky(T(s)), torch.linalg.cholesky(torch.from_numpy(s))),
        (L.eigvalsh(T(s)), torch.linalg.eigvalsh(torch.from_numpy(s))),
        (L.svdvals(T(a)), torch.linalg.svdvals(torch.from_numpy(a))),
        (L.matrix_exp(T(a)), torch.linalg.matrix_exp(torch.from_numpy(a))),
        (L.qr(T(a)).R, torch.linalg.qr(torch.from_numpy(a)).R),
    ]
    for mine, theirs in pairs:
        np.testing.assert_allclose(npy(mine), theirs.numpy(), rtol=1e-9, atol=1e-11)


def test_lstsq_live_torch():
    # torch's CPU lstsq is not bit-reproducible from call to call (its LAPACK's
    # threading), so it is compared live, not recorded.
    torch = oracle.real_torch()
    a = rand(2, 6, 4)
    b = rand(2, 6, 3)
    low = np.stack([rand(6, 2) @ rand(2, 4), a[1]])  # rank 2 and rank 4
    wide = rand(2, 3, 5)
    for x, bb in ((a, b), (low, b), (wide, rand(2, 3, 2)), (a, rand(2, 6)), (a[0], rand(6))):
        for driver in ("gelsy", "gelsd", "gelss", "gels"):
            if driver == "gels" and x is low:
                continue  # gels assumes full rank
            r = L.lstsq(T(x), T(bb), driver=driver)
            t = torch.linalg.lstsq(torch.from_numpy(x), torch.from_numpy(bb), driver=driver)
            for mine, theirs, field in zip(r, t, r._fields):
                assert tuple(mine.shape) == tuple(theirs.shape), (driver, field)
                np.testing.assert_allclose(npy(mine), theirs.numpy(), rtol=1e-8, atol=1e-10,
                                           err_msg=f"{driver} {field}")


def test_lstsq_drivers_numpy():
    a = rand(7, 3)
    b = rand(7, 2)
    x, res, rank, sv = np.linalg.lstsq(a, b, rcond=None)
    for driver in ("gelsd", "gelss"):
        r = L.lstsq(T(a), T(b), driver=driver)
        np.testing.assert_allclose(npy(r.solution), x, rtol=1e-10)
        np.testing.assert_allclose(npy(r.residuals), res, rtol=1e-10)
        np.testing.assert_allclose(npy(r.singular_values), sv, rtol=1e-10)
        assert r.rank.item() == rank
    r = L.lstsq(T(a), T(b), driver="gels")
    np.testing.assert_allclose(npy(r.solution), x, rtol=1e-10)
    np.testing.assert_allclose(npy(r.residuals), res, rtol=1e-10)
    with pytest.raises(RuntimeError, match="should be one of"):
        L.lstsq(T(a), T(b), driver="x")


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None, None


def test_errors_match_torch():
    torch = oracle.torch()
    sing = np.zeros((2, 2))
    nonpd = np.array([[1.0, 2.0], [2.0, 1.0]])
    batch_sing = np.stack([np.eye(2), sing])
    batch_npd = np.stack([np.eye(2), -np.eye(2)])
    cases = [
        ("inv", (sing,)), ("inv", (batch_sing,)), ("cholesky", (nonpd,)),
        ("cholesky", (batch_npd,)), ("inv", (np.ones((2, 3)),)), ("det", (np.ones((2, 3)),)),
        ("inv", (np.ones(3),)), ("svd", (np.ones(3),)),
    ]
    for name, args in cases:
        mine = _err(lambda: getattr(L, name)(*[T(x) for x in args]))
        theirs = _err(lambda: getattr(torch.linalg, name)(*[torch.from_numpy(x) for x in args]))
        assert mine[1] == theirs[1], (name, mine, theirs)
        assert issubclass(mine[0], RuntimeError)
    for a in (sing, batch_sing):
        mine = _err(lambda: L.solve(T(a), T(np.ones(a.shape[:-1] + (1,)))))
        theirs = _err(lambda: torch.linalg.solve(torch.from_numpy(a),
                                                 torch.from_numpy(np.ones(a.shape[:-1] + (1,)))))
        assert mine[1] == theirs[1]
        assert mine[0] is L.LinAlgError
    li = np.ones((2, 2), dtype=np.int64)
    for name in ("inv", "det", "cholesky", "qr", "svd"):
        mine = _err(lambda: getattr(L, name)(T(li)))
        theirs = _err(lambda: getattr(torch.linalg, name)(torch.from_numpy(li)))
        assert mine == (RuntimeError, theirs[1])
    assert issubclass(L.LinAlgError, RuntimeError)
    with pytest.raises(L.LinAlgError, match="leading minor of order 2"):
        L.cholesky(T(nonpd))
    with pytest.raises(RuntimeError, match="unrecognized mode"):
        L.qr(T(nonpd), mode="x")
    with pytest.raises(RuntimeError, match="Incompatible shapes"):
        L.solve(T(np.eye(2)), T(np.ones(3)))


def _fd(fn, x0, h=1e-6):
    num = np.zeros_like(x0)
    for i in range(x0.size):
        xp, xm = x0.copy(), x0.copy()
        xp.reshape(-1)[i] += h
        xm.reshape(-1)[i] -= h
        num.reshape(-1)[i] = (fn(T(xp)).sum().item() - fn(T(xm)).sum().item()) / (2 * h)
    return num


@pytest.mark.parametrize("name", ["solve", "inv", "det", "slogdet", "cholesky"])
def test_grads_finite_differences_and_torch(name):
    torch = oracle.torch()
    a = spd(2, 3, 3) if name == "cholesky" else rand(2, 3, 3) + 3 * np.eye(3)
    w = rand(2, 3, 2)

    def f(lib, A):
        if name == "solve":
            B = lib.from_numpy(w)
            return lib.linalg.solve(A, B)
        if name == "slogdet":
            return lib.linalg.slogdet(A)[1]
        if name == "cholesky":
            # a symmetric input direction: the factor of (A + A^T) / 2
            return lib.linalg.cholesky((A + A.mT) / 2)
        return getattr(lib.linalg, name)(A)

    x = T(a).requires_grad_()
    f(mt, x).sum().backward()
    g = npy(x.grad)
    with mt.no_grad():
        num = _fd(lambda A: f(mt, A), a)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)
    tx = torch.from_numpy(a).requires_grad_()
    f(torch, tx).sum().backward()
    np.testing.assert_allclose(g, tx.grad.numpy(), rtol=1e-9, atol=1e-10)


def test_other_routines_refuse_grad_and_run_empty():
    x = T(rand(3, 3)).requires_grad_()
    with pytest.raises(RuntimeError, match="does not differentiate"):
        L.svd(x)
    with mt.no_grad():
        assert tuple(L.svdvals(x).shape) == (3,)
    e = T(np.zeros((0, 3, 3)))
    assert tuple(L.inv(e).shape) == (0, 3, 3) and tuple(L.det(e).shape) == (0,)
    assert tuple(L.svd(e).U.shape) == (0, 3, 3)
    assert tuple(L.eigh(e).eigenvalues.shape) == (0, 3)
    assert "gesv" in mt._C._lapack_info()


FUNCS = ["inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals",
         "eig", "eigvals", "pinv", "matrix_rank", "lstsq", "matrix_exp", "cond", "matrix_norm",
         "householder_product", "inv_ex", "cholesky_ex", "vecdot"]


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float16", "bfloat16"])
def test_dtype_errors_match_torch(dtype):
    # PyTorch's refusal differs per function (class and wording): same here.
    torch = oracle.torch()
    for name in FUNCS:
        def call(lib):
            x = lib.eye(2, dtype=getattr(lib, dtype))
            if name in ("solve", "lstsq", "vecdot"):
                return getattr(lib.linalg, name)(x, x)
            if name == "householder_product":
                return lib.linalg.householder_product(x, lib.ones(1, dtype=x.dtype))
            return getattr(lib.linalg, name)(x)

        mine, theirs = _err(lambda: call(mt)), _err(lambda: call(torch))
        if theirs[0] is None:  # torch computes it (matrix_exp, matrix_norm in float16)
            assert mine[0] is None, (name, mine)
            continue
        assert mine[1] == theirs[1], (name, mine, theirs)
        assert issubclass(mine[0], theirs[0]) or mine[0].__name__ == theirs[0].__name__, name


def test_non_contiguous_and_negative_stride_inputs():
    a = rand(4, 4) + 4 * np.eye(4)
    b = rand(4, 3)
    views = [mt.from_numpy(a).mT, mt.from_numpy(a[:, ::-1]), mt.from_numpy(a[::-1]),
             mt.from_numpy(np.asfortranarray(a))]
    refs = [a.T, a[:, ::-1], a[::-1], a]
    for v, r in zip(views, refs):
        np.testing.assert_allclose(npy(L.solve(v, mt.from_numpy(b[::-1]))),
                                   np.linalg.solve(r, b[::-1]), rtol=1e-10)
        np.testing.assert_allclose(npy(L.det(v)), np.linalg.det(r), rtol=1e-10)
        np.testing.assert_allclose(npy(L.svdvals(v)), np.linalg.svd(r, compute_uv=False),
                                   rtol=1e-10)
    # an expanded (stride-0) batch
    e = mt.from_numpy(a).expand(3, 4, 4)
    np.testing.assert_allclose(npy(L.inv(e)), np.broadcast_to(np.linalg.inv(a), (3, 4, 4)),
                               rtol=1e-10)
    # the input is never written
    t = mt.from_numpy(a.copy())
    before = npy(t).copy()
    L.qr(t), L.eigh(t), L.svd(t), L.cholesky(t @ t.mT), L.lstsq(t, mt.from_numpy(b))
    np.testing.assert_array_equal(npy(t), before)
