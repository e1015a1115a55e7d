"""The bad-input table: every invalid call the harness tries, with the
exception minitorch raises and the one PyTorch raises for the same call.

Not a test module (no ``test_`` prefix): tests/test_bad_inputs.py runs the
rows, tests/test_refcounts.py checks reference counts on them, and
scripts/gen_errors_doc.py renders them into docs/errors.md.

Each row is an expression evaluated in a namespace made by
``make_namespace(m)``, where ``m`` is minitorch or torch, so the same text is
tried against both. Expressions are built from small families (bad sizes x
size-taking functions, bad dims x dim-taking methods, ...) so that a later
issue adds coverage by adding a family or a value, then records outcomes
(from the repository root, with torch installed) and reviews the diff:

    python tests/bad_inputs.py --record > tests/bad_inputs_expected.py
    python scripts/gen_errors_doc.py      # docs/errors.md follows the table

Outcome codes: an exception class name; "ok" (the call returns: minitorch
deliberately accepts it, e.g. negative strides); "n/a" (PyTorch has no such
call or cannot express it).
"""

import sys

import numpy as np

ALLOWED = {"TypeError", "ValueError", "IndexError", "RuntimeError", "NotImplementedError"}


def make_namespace(m):
    """Fixtures the expressions use; the same for minitorch and torch."""
    x = m.arange(6.0).reshape(2, 3)  # float32 2x3
    ns = dict(
        m=m,
        np=np,
        nan=float("nan"),
        inf=float("inf"),
        x=x,
        xi=m.arange(6),  # int64 vector
        s=m.tensor(3.5),  # 0-d
        e=m.zeros(0, 3),  # empty
        b=m.tensor([True, False]),
        h=m.zeros(2, dtype=m.bfloat16),
        g=m.ones(2, requires_grad=True),
        xt=x.t(),  # non-contiguous view
        a=np.arange(6.0).reshape(2, 3),
        ai=np.arange(6, dtype=np.int32),
        obj=object(),
    )
    return ns


# Fixtures checked for corruption after every row (values, shape, strides, dtype).
FIXTURES = ["x", "xi", "s", "e", "b", "h", "g", "xt", "a", "ai"]


def _families():
    rows = []  # (section title, expression)
    title = [""]

    def sec(t):
        title[0] = t

    def add(*exprs):
        rows.extend((title[0], e) for e in exprs)

    # ---- sizes: every function that takes a size ----
    sec("Sizes")
    bad_sizes = ["2**62", "2**64", "-1", "(2, -1)", "2.5", "nan", "inf", "'3'", "None", "[2, 'a']",
                 "[[2]]", "(2**31, 2**31, 2**31)", "(0, 2**62, 2**62)", "obj", "x"]
    for f in ["zeros", "ones", "empty", "rand", "randn"]:
        add(*[f"m.{f}({v})" for v in bad_sizes])
    add(*[f"m.full({v}, 1.0)" for v in bad_sizes])
    add(*[f"x.new_zeros({v})" for v in bad_sizes])
    add(*[f"m.randint(0, 5, {v})" for v in bad_sizes if v not in ("2.5", "nan", "inf")])

    # ---- dtype / device / factory keywords ----
    sec("Dtypes, devices and factory keywords")
    bad_dtypes = ["'float32'", "'int'", "np.float32", "float", "3", "obj"]
    add(*[f"m.zeros(2, dtype={d})" for d in bad_dtypes])
    add(*[f"m.tensor([1.0], dtype={d})" for d in bad_dtypes])
    add(*[f"x.to({d})" for d in ["'float32'", "3.5", "obj"]])
    bad_devices = ["'cuda:x'", "'tpu'", "'cpu:1'", "'cuda:-1'", "'cuda'", "-1", "obj", "''"]
    add(*[f"m.zeros(2, device={d})" for d in bad_devices])
    add(*[f"m.tensor([1.0], device={d})" for d in bad_devices])
    add("x.to('cuda')", "x.to(device='tpu')", "x.to('cuda:0')")
    add("m.zeros(2, requires_grad=True, dtype=m.int64)", "m.zeros(2, out=x, dtype=m.int64)",
        "m.zeros(2, out=3)", "m.rand(2, out=m.empty(0, dtype=m.int64))",
        "m.zeros(2, bogus=1)", "m.zeros(2, dtype=m.float32, dtype2=1)")

    # ---- other factories ----
    sec("Other factories")
    add("m.arange(0, 10, 0)", "m.arange(0, inf)", "m.arange(0, nan)", "m.arange(10, 0, 1)",
        "m.arange(0, 2**62)", "m.arange('a')", "m.arange(0, 10, dtype='x')", "m.arange()",
        "m.linspace(0, 1, -1)", "m.linspace(0, 1, 2**62)", "m.linspace(0, 1, 2.5)",
        "m.linspace(0, 1)", "m.eye(-1)", "m.eye(2, -3)", "m.eye(2**40)", "m.eye(2.5)",
        "m.randint(5, 5, (2,))", "m.randint(5, 0, (2,))", "m.randint(0, 5, (2,), dtype=m.float32)",
        "m.randperm(-1)", "m.randperm(2**62)", "m.randperm(2.5)",
        "m.rand(2, dtype=m.int64)", "m.randn(2, dtype=m.bool)", "m.empty(2**40)",
        "m.full((2,), nan, dtype=m.int64)", "m.full((2,), inf, dtype=m.int32)",
        "m.full((2,), 300, dtype=m.uint8)", "m.full((2,), 1e300, dtype=m.float32)",
        "m.full((2,), 'a')", "m.full((2,), None)", "m.full((2,), x)", "m.full((2,), 2**70)",
        "m.full((2,))")

    # ---- tensor() data ----
    sec("tensor() data")
    add("m.tensor([[1], [1, 2]])", "m.tensor([1, 'a'])", "m.tensor('abc')", "m.tensor(None)",
        "m.tensor([None])", "m.tensor({1: 2})", "m.tensor(obj)", "m.tensor([obj])",
        "m.tensor([2**70])", "m.tensor([[1, 2], 3])", "m.tensor([1, [2, 3]])",
        "m.tensor([x, 1.0])", "m.tensor([x, xi[:3]])", "m.tensor(np.array([obj]))",
        "m.tensor(np.zeros(2, np.complex64))", "m.tensor(b'ab')", "m.tensor([1.0], requires_grad=True, dtype=m.int64)",
        "m.tensor()", "m.tensor(eval('[' * 70 + ']' * 70))", "m.tensor([[[]], [[1]]])")

    # ---- from_numpy ----
    sec("from_numpy")
    add("m.from_numpy([1, 2])", "m.from_numpy(x)", "m.from_numpy(None)",
        "m.from_numpy(np.array([obj]))", "m.from_numpy(np.arange(3, dtype='>i4'))",
        "m.from_numpy(np.zeros(3, np.complex64))", "m.from_numpy(np.zeros(3, np.uint16))",
        "m.from_numpy(np.array(['a']))", "m.from_numpy(np.zeros(3, 'M8[s]'))",
        "m.from_numpy(np.frombuffer(b'\\x00' * 9, np.float32, 2, 1))",
        "m.from_numpy(np.arange(6.0)[::-2])",
        "m.from_numpy(np.lib.stride_tricks.as_strided(np.zeros(3), (3,), (0,)))",
        "m.from_numpy(np.zeros((1,) * 33))")

    # ---- dims: every method that takes a dim ----
    sec("Dims")
    bad_dims = ["2", "-3", "2**63 - 1", "2**64", "-2**63", "1.5", "nan", "'0'", "None", "x", "True"]
    for meth in ["transpose(0, {})", "unsqueeze({})", "squeeze({})", "size({})", "stride({})",
                 "narrow({}, 0, 1)", "select({}, 0)", "flip({})", "permute(0, {})",
                 "swapaxes({}, 0)"]:
        add(*["x." + meth.format(d) for d in bad_dims])
    add("s.narrow(0, 0, 1)", "s.select(0, 0)", "s.t()", "m.zeros(2, 2, 2).t()", "s.mT",
        "x.flip(0, 0)", "x.permute(0, 0)", "x.permute(0)", "x.permute(0, 1, 2)",
        "x.unsqueeze(3)", "x.unsqueeze(-4)")

    # ---- narrow / select / slicing bounds ----
    sec("narrow, select and indexing")
    add("x.narrow(1, 2, 2)", "x.narrow(1, 4, 0)", "x.narrow(1, -4, 1)", "x.narrow(1, 0, -1)",
        "x.narrow(1, 1, 2**63 - 1)", "x.narrow(1, -2**63, 1)", "x.narrow(1, 0.5, 1)",
        "x.select(1, 3)", "x.select(1, -4)", "x.select(1, 2**63 - 1)", "x.select(0, 1.5)",
        "x[2]", "x[-3]", "x[0, 3]", "x[0, 0, 0]", "x[..., ..., 0]", "x[1.5]", "x['a']",
        "x[2**64]", "x[-2**63]", "x[2**63 - 1]", "x[::0]", "x[::2**64]", "x[None, 2]", "x[x]",
        "x[[0, 1]]", "x[b]", "x[obj]", "x[s]", "x[0:1:0.5]", "x[{}]", "x[()]",
        "x[::-2**63]", "x[::2**62]", "x[:, ::-1]", "e[0]", "s[0]")

    # ---- view / reshape / expand / as_strided ----
    sec("view, reshape, expand, as_strided")
    add("x.view(4)", "x.view(-1, -1)", "x.view(-2, 3)", "x.view(2**62, -1)", "x.view(7)",
        "xt.view(6)", "x.view('a')", "x.view(2.0, 3)", "x.view(m.int64)", "x.view(m.int8)",
        "x.reshape(4)", "x.reshape(-1, -1)", "x.reshape(2**62, 2**62, 0)", "x.reshape(None)",
        "e.reshape(-1)", "e.view(0, -1)",
        "x.expand(3, 3)", "x.expand(3)", "x.expand(-2, 3)", "x.expand(2, -2)",
        "x.expand(2**62, 2**62, 3)", "x.expand('a')", "m.zeros(1).expand(-2)",
        "x.as_strided((7,), (1,))", "x.as_strided((2,), (4,), 3)", "x.as_strided((5,), (2**62,))",
        "x.as_strided((2,), (1,), -1)", "x.as_strided((2,), (1,), 2**62)",
        "x.as_strided((2,), (1, 1))", "x.as_strided((-1,), (1,))",
        "x.as_strided((0, 3), (1, 2**62))", "x.as_strided((2,), (-1,))",
        "x.as_strided((2,), (1,), 2**63 - 1)", "x.as_strided('a', (1,))")

    # ---- in-place writes ----
    sec("In-place writes")
    add("x.clone().copy_(m.ones(3, 2))", "x.clone().copy_(1.0)", "x.clone().copy_(obj)",
        "x.clone().copy_([1.0, 2.0, 3.0])", "x.clone().expand(2, 2, 3).copy_(m.ones(2, 2, 3))",
        "m.zeros(3).expand(2, 3).copy_(m.ones(2, 3))", "x.clone().copy_(h.float())",
        "x.clone().fill_('a')", "x.clone().fill_(None)", "x.clone().fill_(x)",
        "x.clone().fill_(1e300)", "xi.clone().fill_(nan)", "xi.clone().fill_(inf)",
        "xi.clone().fill_(2**64)", "m.zeros(2, dtype=m.int8).fill_(200)",
        "m.zeros(2, dtype=m.uint8).fill_(-0.5)", "m.zeros(2, dtype=m.int16).fill_(2**40)",
        "m.zeros(2, dtype=m.int32).fill_(-inf)",
        "m.from_numpy(np.broadcast_to(np.arange(3.0), (2, 3))).fill_(1)",
        "m.from_numpy(np.broadcast_to(np.arange(3.0), (2, 3))).zero_()",
        "x.clone().__setitem__(0, 'a')", "x.clone().__setitem__(0, [1.0, 2.0])",
        "x.clone().__setitem__(0, m.ones(4))", "x.clone().__setitem__(5, 1.0)",
        "x.clone().__setitem__(0, obj)", "x.clone().__delitem__(0)",
        "x.clone().__setitem__(0, nan) or xi.clone().__setitem__(0, nan)",
        "x.clone().resize_(-1)", "x.clone().resize_(2**62)", "x.clone().resize_(2**61, 2)",
        "x.clone().resize_('a')", "m.from_numpy(np.zeros(3)).resize_(10)",
        "x.clone().set_(obj)", "x.clone().set_(xi)", "x.clone().set_(x, 0, (10,))",
        "x.clone().set_(x, 0, (2,), (2**62,))", "x.clone().set_(x, -1, (2,))",
        "m.zeros(2).requires_grad_(True).resize_(3)", "xi.clone().requires_grad_(True)",
        "g.numpy()")

    # ---- conversions and queries ----
    sec("Conversions, properties and queries")
    add("h.numpy()", "x.numpy(force='yes')", "x.item()", "e.item()", "int(x)", "float(x)",
        "bool(x)", "bool(e)", "x.__index__()", "s.__index__()", "len(s)", "list(s)",
        "int(m.tensor(inf))", "int(m.tensor(nan))", "m.zeros(1).view([1] * 70).numpy()",
        "memoryview(h)", "memoryview(g)", "x.tolist(1)", "x.dim(1)", "x.size(0, 1)",
        "x.to(m.float32, m.float64, m.int8)", "x.requires_grad_(True, False)",
        "xi.requires_grad_()", "setattr(xi, 'requires_grad', True)",
        "setattr(x.clone(), 'requires_grad', 1)", "setattr(x.clone(), 'grad', xi)",
        "setattr(x.clone(), 'grad', m.zeros(3))", "setattr(x.clone(), 'grad', 1.0)",
        "setattr(x.clone(), 'data', xi)", "setattr(x.clone(), 'data', 1.0)",
        "delattr(x.clone(), 'requires_grad')", "x.new_full((2,), obj)", "x.new_full(x, 1)",
        "x.new_tensor([1, 'a'])", "x.type_as(1)", "x.type('float')")

    # ---- module utilities ----
    sec("Module utilities")
    add("m.set_default_dtype(m.int32)", "m.set_default_dtype('float64')",
        "m.set_default_dtype(None)", "m.promote_types(m.float32, 'int')",
        "m.promote_types(m.float32)", "m.result_type(x, 'a')", "m.result_type(x)",
        "m.can_cast(m.float32, 1)", "m.set_num_threads(0)", "m.set_num_threads(-1)",
        "m.set_num_threads(2**64)", "m.set_num_threads('a')", "m.manual_seed(2**70)",
        "m.manual_seed('a')", "m.manual_seed(-2**64)", "m.set_rng_state('abc')",
        "m.is_floating_point(1.0)", "m.numel([1, 2])", "m.zeros_like([1.0])",
        "m.full_like(x, 'a')", "m.full_like(x, 1.0, dtype='x')", "m.as_tensor([1, 'a'])",
        "m.asarray([1.0], copy=False)", "m.asarray(x, dtype=m.int64, copy=False)",
        "m.asarray(np.float64(1.0), copy=False)", "m.logspace(0, 1, -1)",
        "m.device('tpu')", "m.device('cuda:x')", "m.device(1.5)", "m.device('cpu', 1)",
        "m.device('cuda:0', 0)", "m.device('cuda', -1)", "m.Size([1.5])")
    # dedupe, keeping order
    seen, out = set(), []
    for t, e in rows:
        if e not in seen:
            seen.add(e)
            out.append((t, e))
    return out


_ROWS = _families()
CANDIDATES = [e for _, e in _ROWS]
SECTIONS = [(t, [e for tt, e in _ROWS if tt == t]) for t in dict.fromkeys(t for t, _ in _ROWS)]


def run_row(expr, m):
    """Evaluates one row against module m; returns the outcome code."""
    ns = make_namespace(m)
    return outcome(expr, ns)


def outcome(expr, ns):
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eval(expr, ns)
    except Exception as exc:  # noqa: BLE001 - classifying is the point
        return type(exc).__name__
    return "ok"


def _record():
    import minitorch

    try:
        import torch
    except ImportError:
        torch = None
    print('"""Recorded outcomes of the bad-input table (see bad_inputs.py): (minitorch, PyTorch)."""')
    print()
    print("EXPECTED = {")
    for expr in CANDIDATES:
        mt = run_row(expr, minitorch)
        if torch is None:
            th = "n/a"
        else:
            try:
                th = run_row(expr, torch)
            except Exception as exc:  # noqa: BLE001
                th = type(exc).__name__
        print(f"    {expr!r}: ({mt!r}, {th!r}),")
    print("}")


if __name__ == "__main__" and "--record" in sys.argv:
    sys.path.insert(0, ".")
    _record()
