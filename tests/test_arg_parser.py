"""The op-table argument parser (ext/python/arg_parser.cpp): PyTorch's error
classes and texts, and the argument forms it accepts.

Each case records the expected text, so the file runs without torch; where
torch is installed, the same call on torch must raise the same text (with
``torch.`` names written ``minitorch.``)."""

import re

import numpy as np
import oracle
import pytest
from helpers import raised_text

import minitorch

t = minitorch.ones(2)

# (call, expected TypeError text); `m` is the module, `t` a float tensor.
CASES = [
    ("m.add(t, 'x')", "add(): argument 'other' (position 2) must be Tensor, not str"),
    ("t.add('x')", "add(): argument 'other' (position 1) must be Tensor, not str"),
    ("m.exp('x')", "exp(): argument 'input' (position 1) must be Tensor, not str"),
    ("m.add(t, t, t, t)", "add() takes 2 positional arguments but 4 were given"),
    ("m.add(t, t, 2)", "add() takes 2 positional arguments but 3 were given"),
    ("m.exp(t, t, t)", "exp() takes 1 positional argument but 3 were given"),
    ("m.exp(t, t)", "exp() takes 1 positional argument but 2 were given"),
    ("m.add(t, t, foo=1)", "add() got an unexpected keyword argument 'foo'"),
    ("m.exp(input=t, input2=t)", "exp() got an unexpected keyword argument 'input2'"),
    ("m.add(t, t, alpha='x')", "add(): argument 'alpha' must be Number, not str"),
    ("m.exp()", 'exp() missing 1 required positional arguments: "input"'),
    ("t.add(b=1)", 'add() missing 1 required positional arguments: "other"'),
    ("m.add(t, other=t, input=t)", "add() got multiple values for argument 'input'"),
    ("m.exp(t, out=3)", "exp(): argument 'out' must be Tensor, not int"),
    ("m.add(input=t, other=t, out='x')", "add(): argument 'out' must be Tensor, not str"),
    ("m.logit(t, 'x')", "logit(): argument 'eps' (position 2) must be float, not str"),
    ("m.isclose(t, t, rtol='x')", "isclose(): argument 'rtol' must be float, not str"),
    ("m.nan_to_num(t, nan='x')", "nan_to_num(): argument 'nan' must be float, not str"),
    ("t.round(decimals='x')", "round(): argument 'decimals' must be int, not str"),
    ("m.add(t, None)", "add(): argument 'other' (position 2) must be Tensor, not NoneType"),
    ("m.equal(t, 1)", "equal(): argument 'other' (position 2) must be Tensor, not int"),
    # shape and index tables (ext/autograd/table_shape.cpp, table_index.cpp)
    ("t.transpose(0)", 'transpose() missing 1 required positional arguments: "dim1"'),
    ("m.transpose(t, 0, 'a')", "transpose(): argument 'dim1' (position 3) must be int, not str"),
    ("t.permute('x')", "permute(): argument 'dims' (position 1) must be tuple of ints, not str"),
    ("t.expand('x')", "expand(): argument 'size' (position 1) must be tuple of ints, not str"),
    ("t.repeat('x')", "repeat(): argument 'repeats' (position 1) must be tuple of ints, not str"),
    ("t.unsqueeze()", 'unsqueeze() missing 1 required positional arguments: "dim"'),
    ("t.unsqueeze('x')", "unsqueeze(): argument 'dim' (position 1) must be int, not str"),
    ("t.flatten('x')", "flatten(): argument 'start_dim' (position 1) must be int, not str"),
    ("t.chunk('x')", "chunk(): argument 'chunks' (position 1) must be int, not str"),
    ("t.clone(1)", "clone() takes 0 positional arguments but 1 was given"),
    ("t.contiguous(1)", "contiguous() takes 0 positional arguments but 1 was given"),
    ("m.cat(t)", "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    ("m.cat('x')", "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not str"),
    ("m.stack(5)", "stack(): argument 'tensors' (position 1) must be tuple of Tensors, not int"),
    ("m.cat([t, 1])", "expected Tensor as element 1 in argument 0, but got int"),
    ("t.index_select(0, 1)", "index_select(): argument 'index' (position 2) must be Tensor, not int"),
    ("m.gather(t, 0, 1)", "gather(): argument 'index' (position 3) must be Tensor, not int"),
    ("t.topk('x')", "topk(): argument 'k' (position 1) must be int, not str"),
]

# Calls where minitorch shows fewer overloads than PyTorch (which also lists
# deprecated or Number forms): only the recorded text is checked.
LOCAL_CASES = [
    ("m._C.where(t > 0, 'x')",
     "where() received an invalid combination of arguments - got (Tensor, str), but expected "
     "one of:\n * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
     " * (Tensor condition)\n"),
    ("m.round(t, decimals='x')", "round(): argument 'decimals' must be int, not str"),
    ("t.add()",
     'add() missing 1 required positional arguments: "other"'),
    # PyTorch appends its C++ backtrace to this one
    ("t.view(2**64)",
     "view(): argument 'size' failed to unpack the object at pos 1 with error \"Overflow when "
     "unpacking long long\""),
    # PyTorch lists its overloads (and why each did not match)
    ("t.sort(dim='x')", "sort(): argument 'dim' must be int, not str"),
    ("m.narrow(t, 0, 0, 'x')", "narrow(): argument 'length' (position 4) must be int, not str"),
    ("t.squeeze(None)",
     "squeeze() received an invalid combination of arguments - got (NoneType), but expected "
     "one of:\n * ()\n      didn't match because some of the arguments have invalid types: "
     "(!NoneType!)\n * (int dim)\n      didn't match because some of the arguments have invalid "
     "types: (!NoneType!)\n * (tuple of ints dim)\n      didn't match because some of the "
     "arguments have invalid types: (!NoneType!)\n"),
]


def _raise(expr, mod, tensor):
    return raised_text(expr, mod, tensor)


@pytest.mark.parametrize("expr,expected", CASES + LOCAL_CASES)
def test_error_text(expr, expected):
    assert _raise(expr, minitorch, t) == expected


@pytest.mark.parametrize("expr,expected", CASES)
def test_error_text_matches_torch(expr, expected):
    torch = oracle.torch()
    got = _raise(expr, torch, torch.ones(2))
    assert got.replace("torch.", "minitorch.") == expected


def test_defaults_and_keywords():
    a = minitorch.tensor([1.0, 2.0])
    b = minitorch.tensor([3.0, 5.0])
    assert minitorch.add(a, b, alpha=2).tolist() == [7.0, 12.0]
    assert minitorch.add(input=a, other=b).tolist() == [4.0, 7.0]
    assert a.sub(b, alpha=0.5).tolist() == [-0.5, -0.5]
    assert minitorch.div(b, a, rounding_mode="floor").tolist() == [3.0, 2.0]
    assert minitorch.isclose(a, a + 1e-9).tolist() == [True, True]
    assert minitorch.isclose(a, a + 0.1, 0.0, 0.2).tolist() == [True, True]
    assert minitorch.nan_to_num(minitorch.tensor([float("nan")]), 7.0).tolist() == [7.0]


def test_out_and_inplace():
    a = minitorch.tensor([1.0, 2.0])
    out = minitorch.empty(2)
    r = minitorch.mul(a, a, out=out)
    assert r is out and out.tolist() == [1.0, 4.0]
    assert a.add_(1) is a and a.tolist() == [2.0, 3.0]
    assert minitorch.exp_(a) is a
    assert minitorch.where(a > 10)[0].tolist() == [1]


def test_number_and_ndarray_operands():
    a = minitorch.tensor([1.0, 2.0])
    assert minitorch.add(2, a).tolist() == [3.0, 4.0]
    assert minitorch.add(a, np.array([1.0, 1.0])).tolist() == [2.0, 3.0]
    assert minitorch.clamp(a, 1.5).tolist() == [1.5, 2.0]


def test_shape_forms():
    a = minitorch.arange(6.0)
    assert a.view(2, 3).shape == a.view((2, 3)).shape == a.view([2, 3]).shape == (2, 3)
    assert a.view(minitorch.int32).dtype == minitorch.int32
    assert a.reshape(shape=(3, 2)).shape == (3, 2)
    b = a.view(1, 2, 1, 3)
    assert b.squeeze().shape == (2, 3)
    assert b.squeeze(0).shape == (2, 1, 3)
    assert b.squeeze((0, 2)).shape == b.squeeze(0, 2).shape == (2, 3)
    assert minitorch.transpose(b, dim0=1, dim1=3).shape == (1, 3, 1, 2)
    assert b.swapaxes(axis0=0, axis1=1).shape == (2, 1, 1, 3)
    assert [p.tolist() for p in minitorch.split(a, [2, 4])] == [[0.0, 1.0], [2.0, 3.0, 4.0, 5.0]]
    assert len(a.split(split_size_or_sections=4)) == 2
    out = minitorch.empty(0)
    r = minitorch.cat((a, a), dim=0, out=out)
    assert r is out and out.shape == (12,)
    assert minitorch.concatenate([a, a], axis=0).shape == (12,)
    s = a.sort(descending=True, stable=True)
    assert type(s).__name__ == "sort" and s.values.tolist()[0] == 5.0
    assert t.to("cpu", minitorch.float64).dtype == minitorch.float64
    assert t.to(a).dtype == minitorch.float32 and t.float().dtype == minitorch.float32
    c = minitorch.zeros(3)
    assert c.fill_(2) is c and c.tolist() == [2.0] * 3
    assert c.index_put_((minitorch.tensor([1]),), minitorch.tensor(7.0)) is c
    assert c.tolist() == [2.0, 7.0, 2.0]


def test_methods_without_arguments_are_noargs():
    with pytest.raises(TypeError, match=re.escape("exp() takes no arguments (1 given)")):
        t.exp(1)


def test_ufunc_table_comes_from_rows():
    names = {row[0] for row in minitorch._C._ufunc_table()}
    assert {"add", "subtract", "sin", "invert", "rint", "left_shift"} <= names
    assert ("positive", minitorch._C.positive, False) in minitorch._C._ufunc_table()
