"""The op-table argument parser (ext/python/arg_parser.cpp): PyTorch's error
classes and texts, and the argument forms it accepts.

Each case records the expected text, so the file runs without torch; where
torch is installed, the same call on torch must raise the same text (with
``torch.`` names written ``minitorch.``)."""

import re

import numpy as np
import oracle
import pytest

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
]


def _raise(expr, mod, tensor):
    with pytest.raises(TypeError) as info:
        eval(expr, {"m": mod, "t": tensor})
    return str(info.value)


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


def test_methods_without_arguments_are_noargs():
    with pytest.raises(TypeError, match=re.escape("exp() takes no arguments (1 given)")):
        t.exp(1)


def test_ufunc_table_comes_from_rows():
    names = {row[0] for row in minitorch._C._ufunc_table()}
    assert {"add", "subtract", "sin", "invert", "rint", "left_shift"} <= names
    assert ("positive", minitorch._C.positive, False) in minitorch._C._ufunc_table()
