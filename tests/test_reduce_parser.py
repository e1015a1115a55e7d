"""Argument errors of the reduction and matmul op-table rows
(ext/autograd/table_reduce.cpp, table_matmul.cpp): PyTorch's TypeError texts.

Each case records the expected text; torch (through the oracle, recorded in
oracle_data/test_reduce_parser.json.gz) must raise the same text, with
``torch.`` written ``minitorch.``."""

import oracle
import pytest
from helpers import raised_text

import minitorch

# (call, expected TypeError text); `m` is the module, `t` a (2, 3) float tensor.
CASES = [
    ("m.amax(t, 'x')", "amax(): argument 'dim' (position 2) must be tuple of ints, not str"),
    ("t.amax('x')", "amax(): argument 'dim' (position 1) must be tuple of ints, not str"),
    ("m.amax(t, dim=0, keepdim='x')", "amax(): argument 'keepdim' must be bool, not str"),
    ("m.amax(t, 0, True, 1)", "amax() takes from 1 to 3 positional arguments but 4 were given"),
    ("m.nansum(t, 'x')", "nansum(): argument 'dim' (position 2) must be tuple of ints, not str"),
    ("m.argmax(t, 'x')", "argmax(): argument 'dim' (position 2) must be int, not str"),
    ("t.argmin(keepdim=1)", "argmin(): argument 'keepdim' must be bool, not int"),
    ("t.argmax(0, True, True)", "argmax() takes from 0 to 2 positional arguments but 3 were given"),
    ("m.aminmax(t, 0)", "aminmax() takes 1 positional argument but 2 were given"),
    ("m.aminmax(t, dim='x')", "aminmax(): argument 'dim' must be int, not str"),
    ("m.cumsum(t)", 'cumsum() missing 1 required positional arguments: "dim"'),
    ("t.cumsum()", 'cumsum() missing 1 required positional arguments: "dim"'),
    ("t.cumsum(0, 1)", "cumsum() takes 1 positional argument but 2 were given"),
    ("t.cumprod(0, dtype=3)", "cumprod(): argument 'dtype' must be minitorch.dtype, not int"),
    ("m.cummax(t, 0, out=3)", "cummax(): argument 'out' must be tuple of Tensors, not int"),
    ("m.cummax(t, dim=0, foo=1)", "cummax() got an unexpected keyword argument 'foo'"),
    ("m.logsumexp(t)", 'logsumexp() missing 1 required positional arguments: "dim"'),
    ("m.softmax(t)", 'softmax() missing 1 required positional arguments: "dim"'),
    ("m.softmax(t, 0, 'x')",
     "softmax(): argument 'dtype' (position 3) must be minitorch.dtype, not str"),
    ("m.softmax(t, 0, None, 1)",
     "softmax() takes from 2 to 3 positional arguments but 4 were given"),
    ("m.max(t, 'a')",
     "max() received an invalid combination of arguments - got (Tensor, str), but expected one "
     "of:\n * (Tensor input, *, Tensor out = None)\n"
     " * (Tensor input, Tensor other, *, Tensor out = None)\n"
     " * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n"),
    ("m.prod(t, 'x')",
     "prod() received an invalid combination of arguments - got (Tensor, str), but expected one "
     "of:\n * (Tensor input, *, minitorch.dtype dtype = None)\n"
     " * (Tensor input, int dim, bool keepdim = False, *, minitorch.dtype dtype = None, "
     "Tensor out = None)\n"),
    ("m.matmul(t, 'x')", "matmul(): argument 'other' (position 2) must be Tensor, not str"),
    ("t.mm(mat=t)", 'mm() missing 1 required positional arguments: "mat2"'),
    ("m.dot(t, tensor=3)", "dot(): argument 'tensor' must be Tensor, not int"),
]

# Where minitorch lists fewer overloads than PyTorch (no Dimname or out_dtype
# forms; sum/mean also take keepdim without dim): only the recorded text.
LOCAL_CASES = [
    ("m.all(t, 'x')", "all(): argument 'dim' (position 2) must be tuple of ints, not str"),
    ("m.mm(t)", 'mm() missing 1 required positional arguments: "mat2"'),
    ("m.addmm(t, t, t, beta='x')", "addmm(): argument 'beta' must be Number, not str"),
    ("m.max(t, 0, out=t)",
     "max() received an invalid combination of arguments - got (Tensor, int, out=Tensor), but "
     "expected one of:\n * (Tensor input, *, Tensor out = None)\n"
     " * (Tensor input, Tensor other, *, Tensor out = None)\n"
     " * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n"),
]


def _raise(expr, mod, tensor):
    return raised_text(expr, mod, tensor)


@pytest.mark.parametrize("expr,expected", CASES + LOCAL_CASES)
def test_error_text(expr, expected):
    assert _raise(expr, minitorch, minitorch.ones(2, 3)) == expected


@pytest.mark.parametrize("expr,expected", CASES)
def test_error_text_matches_torch(expr, expected):
    torch = oracle.torch()
    got = _raise(expr, torch, torch.ones(2, 3))
    assert got.replace("torch.", "minitorch.") == expected


def test_named_tuples_and_out_tuples():
    x = minitorch.arange(6.0).reshape(2, 3)
    r = x.max(1)
    assert type(r) is minitorch.return_types.max and r.indices.tolist() == [2, 2]
    v, i = minitorch.empty(0), minitorch.empty(0, dtype=minitorch.int64)
    r = minitorch.cummin(x, 1, out=(v, i))
    assert r.values is v and r.indices is i and i.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert type(minitorch.aminmax(x, dim=0)) is minitorch.return_types.aminmax
    # var / std overloads: unbiased positional, dim + unbiased, correction
    a = x.numpy()
    assert x.var(False).item() == pytest.approx(a.var())
    assert x.std(1, False).tolist() == pytest.approx(a.std(1).tolist())
    assert x.var(1, correction=0, keepdim=True).shape == (2, 1)
    m, s = minitorch.std_mean(x, 0)
    assert s.tolist() == pytest.approx(a.mean(0).tolist())
