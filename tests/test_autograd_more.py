"""Autograd formulas for the reductions and matmul ops of functions_reduce2.cpp
and functions_matmul2.cpp: prod (with zeros), nansum, nanmean, vector_norm for
every ord, var_mean/std_mean, cumprod (with zeros), cummax/cummin, aminmax,
baddbmm, addmv, vdot, inner, tensordot, einsum and the in-place
addmm_/addmv_/baddbmm_.

Each formula is gradchecked in float64 (broadcast and non-contiguous inputs
where they apply); prod, norm and the matmul family also get gradgradcheck.
Gradients and grad_fn names are compared with PyTorch through oracle.torch().
"""

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(4321)
INF = float("inf")


def leaf(*shape, lo=-1.0, hi=1.0):
    return mt.from_numpy(RNG.uniform(lo, hi, shape)).requires_grad_()


def away_from_zero(*shape):
    v = RNG.uniform(0.3, 1.0, shape) * RNG.choice([-1.0, 1.0], shape)
    return mt.from_numpy(np.asarray(v)).requires_grad_()


def noncontig(*shape):
    # A transposed view: same values, non-contiguous strides.
    t = mt.from_numpy(RNG.uniform(0.3, 1.0, shape[::-1]) * RNG.choice([-1.0, 1.0], shape[::-1]))
    return t.t().requires_grad_() if len(shape) == 2 else t.requires_grad_()


# (id, function, inputs factory, also gradgradcheck)
CASES = [
    ("prod_all", lambda x: x.prod(), lambda: [away_from_zero(3, 4)], True),
    ("prod_dim", lambda x: x.prod(1), lambda: [away_from_zero(3, 4)], True),
    ("prod_dim_keepdim", lambda x: x.prod(0, keepdim=True), lambda: [noncontig(3, 4)], True),
    ("prod_one_zero", lambda x: (x * mt.tensor([[1.0, 0.0, 1.0]], dtype=mt.float64)).prod(1),
     lambda: [away_from_zero(2, 3)], True),
    ("prod_all_one_zero", lambda x: (x * mt.tensor([1.0, 0.0, 1.0, 1.0], dtype=mt.float64)).prod(),
     lambda: [away_from_zero(4)], True),
    ("prod_two_zeros", lambda x: (x * mt.tensor([0.0, 1.0, 0.0, 1.0], dtype=mt.float64)).prod(),
     lambda: [away_from_zero(4)], True),
    ("prod_0d", lambda x: x.prod(0), lambda: [away_from_zero()], False),
    ("nansum", lambda x: x.nansum(), lambda: [leaf(3, 4)], False),
    ("nansum_dim", lambda x: x.nansum(dim=1, keepdim=True), lambda: [noncontig(3, 4)], False),
    ("nanmean", lambda x: x.nanmean(), lambda: [leaf(3, 4)], False),
    ("nanmean_dim", lambda x: x.nanmean(dim=0), lambda: [leaf(3, 4)], False),
    ("norm_2", lambda x: x.norm(), lambda: [leaf(3, 4)], True),
    ("norm_2_dim", lambda x: mt.linalg.vector_norm(x, 2, dim=1), lambda: [noncontig(3, 4)], True),
    ("norm_1", lambda x: mt.linalg.vector_norm(x, 1), lambda: [away_from_zero(3, 4)], True),
    ("norm_0", lambda x: mt.linalg.vector_norm(x, 0), lambda: [away_from_zero(5)], False),
    ("norm_inf", lambda x: mt.linalg.vector_norm(x, INF, dim=0), lambda: [leaf(3, 4)], True),
    ("norm_ninf", lambda x: mt.linalg.vector_norm(x, -INF), lambda: [leaf(3, 4)], True),
    ("norm_3", lambda x: x.norm(p=3, dim=1, keepdim=True), lambda: [away_from_zero(3, 4)], True),
    ("norm_half", lambda x: mt.linalg.vector_norm(x, 0.5), lambda: [away_from_zero(5)], True),
    ("norm_1.5", lambda x: mt.linalg.vector_norm(x, 1.5, dim=(0, 1)), lambda: [away_from_zero(2, 3)],
     True),
    ("var_mean", lambda x: mt.var_mean(x, 1), lambda: [leaf(3, 4)], False),
    ("var_mean_all", lambda x: mt.var_mean(x, correction=0), lambda: [leaf(3, 4)], False),
    ("std_mean", lambda x: mt.std_mean(x, 0, keepdim=True), lambda: [noncontig(3, 4)], False),
    ("cumprod", lambda x: x.cumprod(1), lambda: [away_from_zero(3, 4)], False),
    ("cumprod_zero", lambda x: (x * mt.tensor([1.0, 0.0, 1.0, 0.0], dtype=mt.float64)).cumprod(0),
     lambda: [away_from_zero(4)], False),
    ("cumprod_one_zero", lambda x: (x * mt.tensor([1.0, 1.0, 0.0, 1.0], dtype=mt.float64)).cumprod(-1),
     lambda: [away_from_zero(2, 4)], False),
    ("cummax", lambda x: x.cummax(1)[0], lambda: [leaf(3, 4)], False),
    ("cummin", lambda x: x.cummin(0).values, lambda: [noncontig(3, 4)], False),
    ("aminmax", lambda x: x.aminmax(), lambda: [leaf(3, 4)], False),
    ("aminmax_dim", lambda x: mt.aminmax(x, dim=1, keepdim=True), lambda: [leaf(3, 4)], False),
    ("baddbmm", lambda i, a, b: mt.baddbmm(i, a, b, beta=0.5, alpha=2.0),
     lambda: [leaf(3, 5), leaf(2, 3, 4), leaf(2, 4, 5)], True),
    ("addmv", lambda i, m, v: mt.addmv(i, m, v, beta=2.0, alpha=-1.5),
     lambda: [leaf(1), noncontig(3, 4), leaf(4)], True),
    ("vdot", lambda a, b: mt.vdot(a, b), lambda: [leaf(4), leaf(4)], True),
    ("inner_1d", lambda a, b: mt.inner(a, b), lambda: [leaf(4), leaf(4)], True),
    ("inner_nd", lambda a, b: mt.inner(a, b), lambda: [leaf(2, 3, 4), noncontig(5, 4)], True),
    ("tensordot_int", lambda a, b: mt.tensordot(a, b, dims=1), lambda: [leaf(3, 4), leaf(4, 5)],
     True),
    ("tensordot_lists", lambda a, b: mt.tensordot(a, b, dims=([0, 2], [1, 0])),
     lambda: [leaf(2, 3, 4), leaf(4, 2, 5)], True),
    ("einsum_mm", lambda a, b: mt.einsum("ij,jk->ik", a, b), lambda: [leaf(3, 4), noncontig(4, 5)],
     True),
    ("einsum_bmm", lambda a, b: mt.einsum("bij,bjk->bik", a, b),
     lambda: [leaf(2, 3, 4), leaf(2, 4, 5)], True),
    ("einsum_sum_only_here", lambda a, b: mt.einsum("ij,j->", a, b), lambda: [leaf(3, 4), leaf(4)],
     True),
    ("einsum_implicit", lambda a, b: mt.einsum("ij,kj", a, b), lambda: [leaf(3, 4), leaf(2, 4)],
     True),
    ("einsum_ellipsis", lambda a, b: mt.einsum("...ij,jk->...ik", a, b),
     lambda: [leaf(2, 3, 4), leaf(4, 5)], True),
    ("einsum_ellipsis_broadcast", lambda a, b: mt.einsum("...ij,...jk->...ik", a, b),
     lambda: [leaf(1, 3, 4), leaf(2, 4, 5)], True),
    ("einsum_ellipsis_both_summed", lambda a, b: mt.einsum("...ij,...jk->ik", a, b),
     lambda: [leaf(2, 1, 3, 4), leaf(3, 4, 5)], True),
    ("einsum_ellipsis_summed", lambda a: mt.einsum("...ij->ij", a), lambda: [leaf(2, 3, 4)], True),
    ("einsum_diag", lambda a: mt.einsum("ii->i", a), lambda: [leaf(3, 3)], False),
    ("einsum_trace_outer", lambda a, b: mt.einsum("ii,k->k", a, b), lambda: [leaf(3, 3), leaf(2)],
     False),
    ("einsum_permute", lambda a: mt.einsum("ijk->kji", a), lambda: [leaf(2, 3, 4)], True),
    ("addmm_", lambda s, a, b: (s * 1).addmm_(a, b, beta=0.5, alpha=2.0),
     lambda: [leaf(3, 5), leaf(3, 4), leaf(4, 5)], True),
    ("addmv_", lambda s, m, v: (s * 1).addmv_(m, v), lambda: [leaf(3), leaf(3, 4), leaf(4)], True),
    ("baddbmm_", lambda s, a, b: (s * 1).baddbmm_(a, b, alpha=0.5),
     lambda: [leaf(2, 3, 5), leaf(2, 3, 4), leaf(2, 4, 5)], True),
]


@pytest.mark.parametrize("name,fn,make,_gg", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, make, _gg):
    assert gradcheck(fn, make())


GG = [c for c in CASES if c[3]]


@pytest.mark.parametrize("name,fn,make,_gg", GG, ids=[c[0] for c in GG])
def test_gradgradcheck(name, fn, make, _gg):
    assert gradgradcheck(fn, make())


# ---- values that finite differences cannot see ----

def test_prod_zero_gradients_exact():
    x = mt.tensor([2.0, 0.0, 3.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 6.0, 0.0]
    y = mt.tensor([[2.0, 0.0, 0.0], [1.0, 2.0, 3.0]], requires_grad=True)
    y.prod(1).sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]


def test_norm_gradient_at_zero_is_zero():
    for p in (2.0, 3.0, 0.5, 1.5, 1.0, INF):
        x = mt.zeros(3, requires_grad=True)
        mt.linalg.vector_norm(x, p).backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0], p


def test_norm_inf_shares_ties():
    x = mt.tensor([1.0, -3.0, 3.0, 2.0], requires_grad=True)
    mt.linalg.vector_norm(x, INF).backward()
    assert x.grad.tolist() == [0.0, -0.5, 0.5, 0.0]


def test_nansum_nanmean_skip_nans():
    nan = float("nan")
    x = mt.tensor([1.0, nan, 3.0, nan], requires_grad=True)
    x.nansum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0, 0.0]
    x.grad = None
    x.nanmean().backward()
    assert x.grad.tolist() == [0.5, 0.0, 0.5, 0.0]


def test_cummax_ties_go_to_the_recorded_index():
    x = mt.tensor([1.0, 3.0, 2.0, 3.0], requires_grad=True)
    v, i = x.cummax(0)
    v.sum().backward()
    counts = np.bincount(i.numpy(), minlength=4).astype(float)
    assert x.grad.tolist() == counts.tolist()


def test_inplace_matmul_on_leaf_is_an_error():
    s = leaf(3, 5)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        s.addmm_(leaf(3, 4), leaf(4, 5))


def test_out_with_grad_is_an_error():
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        mt.prod(leaf(3), 0, out=mt.empty(0, dtype=mt.float64))


def test_no_record_without_grad():
    a = mt.ones(3, 4)
    for y in (a.prod(), a.norm(), mt.einsum("ij->j", a), mt.tensordot(a, a.t(), 1)):
        assert y.grad_fn is None and not y.requires_grad


# ---- against PyTorch ----

TORCH_EXPRS = [
    "x.prod()", "x.prod(1)", "(x * z).prod()", "(x * z).prod(0)", "(x * z * z.flip(1)).prod()",
    "x.nansum(1)", "x.nanmean()", "x.norm()", "x.norm(p=0)", "x.norm(p=1, dim=1)",
    "L.vector_norm(x, float('inf'), dim=0)", "L.vector_norm(x, -float('inf'))",
    "L.vector_norm(x, 3)", "L.vector_norm(x, 0.5, dim=1)", "L.vector_norm(z, 1.5)",
    "lib.var_mean(x, 1)[0]", "sum(lib.var_mean(x, 1))", "sum(lib.std_mean(x, 0, keepdim=True))",
    "x.cumprod(1)", "(x * z).cumprod(1)", "x.cummax(1)[0]", "x.cummin(0)[0]",
    "sum(x.aminmax())", "x.aminmax(dim=0)[1]",
    "lib.baddbmm(w.unsqueeze(0), x.unsqueeze(0).expand(2, 3, 4), v.expand(2, 4, 3), alpha=2.0)",
    "lib.addmv(w[0], x, x[0], beta=0.5)", "lib.vdot(x[0], x[1])", "lib.inner(x, x)",
    "lib.inner(x[0], x[1])", "lib.tensordot(x, v, dims=1)",
    "lib.tensordot(x, x, dims=([0, 1], [0, 1]))", "lib.einsum('ij,kj->ik', x, x)",
    "lib.einsum('ii->i', w)", "lib.einsum('...j,j->...', x, x[0])",
    "(w * 1).addmm_(x, v, beta=0.5)", "(x[:, 0] * 1).addmv_(x, x[1])",
    "(w.unsqueeze(0) * 1).baddbmm_(x.unsqueeze(0), v.unsqueeze(0))",
]
# torch composes einsum from permute/view/bmm; minitorch records one node.
NAME_SKIP = {"lib.einsum('ij,kj->ik', x, x)", "lib.einsum('ii->i', w)",
             "lib.einsum('...j,j->...', x, x[0])"}


@pytest.mark.parametrize("expr", TORCH_EXPRS)
def test_against_torch(expr):
    torch = oracle.torch()
    x0 = RNG.uniform(0.2, 1.0, (3, 4)) * RNG.choice([-1.0, 1.0], (3, 4))
    x0[1, 2] = x0[0, 1]  # a tie for the extremum rules
    z0 = np.ones((3, 4))
    z0[0, 1] = 0.0
    z0[2, 0] = z0[2, 3] = 0.0
    w0 = RNG.standard_normal((3, 3))
    v0 = RNG.standard_normal((4, 3))

    def run(lib, make, linalg):
        x, w, v = make(x0), make(w0), make(v0)
        z = make(z0)
        y = eval(expr, {"lib": lib, "L": linalg, "x": x, "z": z, "w": w, "v": v})
        name = y.grad_fn.name()
        y.sum().backward()
        grads = [None if t.grad is None else np.asarray(t.grad.numpy()) for t in (x, w, v)]
        return name, grads, np.asarray(y.detach().numpy())

    m_name, m_grads, m_val = run(mt, lambda a: mt.from_numpy(a.copy()).requires_grad_(), mt.linalg)
    t_name, t_grads, t_val = run(torch, lambda a: torch.tensor(a, requires_grad=True), torch.linalg)
    if expr not in NAME_SKIP:
        assert m_name == t_name
    np.testing.assert_allclose(m_val, t_val, rtol=1e-10, atol=1e-12)
    for m, t in zip(m_grads, t_grads):
        assert (m is None) == (t is None)
        if m is not None:
            np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)


def test_float16_leaf_grad_matches_torch():
    torch = oracle.torch()
    x0 = np.linspace(-2.0, 2.0, 7).astype(np.float16)

    def run(lib, make):
        x = make(x0)
        y = ((x * 1.7 + 0.3).exp() * x).sin().sum() * 3.1
        y.backward()
        return str(x.grad.dtype).rsplit(".", 1)[-1], np.asarray(x.grad.float().numpy())

    m_dt, m = run(mt, lambda a: mt.from_numpy(a.copy()).requires_grad_())
    t_dt, t = run(torch, lambda a: torch.tensor(a, requires_grad=True))
    assert m_dt == t_dt == "float16"
    np.testing.assert_array_equal(m, t)
