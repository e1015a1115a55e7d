"""minitorch.testing: ``assert_close`` (PyTorch's ``torch.testing.assert_close``).

Values are compared in NumPy (bfloat16 through float32), in the inputs'
common dtype; the failure messages follow PyTorch's wording. See
docs/legacy-api.md.
"""

import collections.abc
import numbers

import numpy as np

from .. import _C

__all__ = ["assert_close"]

# PyTorch's default (rtol, atol) per dtype; every other dtype compares exactly.
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7)}


def _dtype_name(dt):
    return repr(dt).split(".")[-1]


def _default_tolerances(*dtypes):
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _is_tensor(x):
    return isinstance(x, _C.TensorBase)


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, np.ndarray)


class _Fail(Exception):
    """A mismatch: `exc_type` and the message PyTorch would give."""

    def __init__(self, exc_type, text):
        super().__init__(text)
        self.exc_type = exc_type
        self.text = text


def _attr_mismatch(name, a, b):
    raise _Fail(AssertionError, f"The values for attribute '{name}' do not match: {a} != {b}.")


def _as_array(x):
    if _is_tensor(x):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == _C.bfloat16:
            x = x.float()
        return np.array(x.numpy())
    return np.asarray(x)


def _tol_text(tol, exact):
    return "" if exact else f" (up to {tol} allowed)"


def _compare_values(actual, expected, rtol, atol, equal_nan, scalar, exact_kind):
    """actual, expected: same-dtype ndarrays. Raises _Fail on a mismatch."""
    floating = actual.dtype.kind == "f"
    if not floating:
        # integers and bools: differences in int64 (exact), relative in float32
        a64, e64 = actual.astype(np.int64), expected.astype(np.int64)
        if rtol == 0 and atol == 0:
            close = a64 == e64
        else:
            close = np.abs(a64 - e64).astype(np.float64) <= atol + rtol * np.abs(e64)
        abs_diff = np.abs(a64 - e64)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel_diff = abs_diff.astype(np.float32) / np.abs(e64).astype(np.float32)
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
            abs_diff = np.abs(actual - expected)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel_diff = abs_diff / np.abs(expected)
    if close.all():
        return
    exact = rtol == 0 and atol == 0
    verb = "equal" if exact else "close"
    if scalar:
        a, e = actual.item(), expected.item()
        text = (f"Scalars are not {verb}!\n\nExpected {e} but got {a}.\n"
                f"Absolute difference: {abs_diff.item()}{_tol_text(atol, exact)}\n"
                f"Relative difference: {rel_diff.item()}{_tol_text(rtol, exact)}")
        raise _Fail(AssertionError, text)
    mism = ~close
    n, total = int(mism.sum()), actual.size
    ad = np.where(mism, abs_diff, 0)
    rd = np.where(mism, rel_diff, 0)
    ia = np.unravel_index(int(np.argmax(ad)), actual.shape)
    ir = np.unravel_index(int(np.argmax(rd)), actual.shape)
    text = (f"{exact_kind} are not {verb}!\n\nMismatched elements: {n} / {total} "
            f"({100.0 * n / total:.1f}%)\n"
            f"Greatest absolute difference: {ad[ia].item()} at index {tuple(int(i) for i in ia)}"
            f"{_tol_text(atol, exact)}\n"
            f"Greatest relative difference: {rd[ir].item()} at index {tuple(int(i) for i in ir)}"
            f"{_tol_text(rtol, exact)}")
    raise _Fail(AssertionError, text)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_device, check_dtype,
                     check_stride):
    if _is_tensor(actual):
        if check_device and actual.device != expected.device:
            _attr_mismatch("device", actual.device, expected.device)
        a_dt, e_dt = _dtype_name(actual.dtype), _dtype_name(expected.dtype)
        dtype_a, dtype_e = actual.dtype, expected.dtype
    else:
        a_dt, e_dt = actual.dtype.name, expected.dtype.name
        dtype_a, dtype_e = actual.dtype, expected.dtype
    if tuple(actual.shape) != tuple(expected.shape):
        _attr_mismatch("shape", actual.shape, expected.shape)
    if check_dtype and a_dt != e_dt:
        _attr_mismatch("dtype", dtype_a, dtype_e)
    if check_stride and _is_tensor(actual) and actual.stride() != expected.stride():
        _attr_mismatch("stride()", actual.stride(), expected.stride())
    if rtol is None:
        rtol, atol = _default_tolerances(a_dt, e_dt)
    if _is_tensor(actual) and actual.dtype != expected.dtype:  # PyTorch's promotion
        common = _C.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    a, e = _as_array(actual), _as_array(expected)
    if a.dtype != e.dtype:
        common = np.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    _compare_values(a, e, rtol, atol, equal_nan, a.ndim == 0, "Tensor-likes")


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Fail(AssertionError,
                    f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    if rtol is None:
        names = ["float64" if isinstance(x, float) else "int64" for x in (actual, expected)]
        rtol, atol = _default_tolerances(*names)
    if isinstance(actual, bool) and isinstance(expected, bool):
        a, e = np.array(actual), np.array(expected)
    elif isinstance(actual, float) or isinstance(expected, float):
        a, e = np.array(float(actual)), np.array(float(expected))
    else:
        a, e = np.array(int(actual), dtype=np.int64), np.array(int(expected), dtype=np.int64)
    _compare_values(a, e, rtol, atol, equal_nan, True, "Scalars")


def _compare(actual, expected, path, opts):
    if actual is None and expected is None:
        return
    t_a, t_e = _is_tensor(actual), _is_tensor(expected)
    n_a, n_e = isinstance(actual, np.ndarray), isinstance(expected, np.ndarray)
    if (t_a and t_e) or (n_a and n_e):
        return _compare_tensors(actual, expected, *opts)
    if _is_number(actual) and _is_number(expected) and not (t_a or t_e or n_a or n_e):
        rtol, atol, equal_nan, _, check_dtype, _ = opts
        return _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype)
    seq = (collections.abc.Sequence,)
    if (isinstance(actual, seq) and isinstance(expected, seq)
            and not isinstance(actual, str) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Fail(AssertionError, f"The length of the sequences mismatch: {len(actual)} != "
                                        f"{len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare_item(a, e, path + [i], opts)
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected,
                                                                   collections.abc.Mapping):
        ka, ke = list(actual.keys()), list(expected.keys())
        if set(ka) != set(ke):
            raise _Fail(AssertionError, f"The keys of the mappings do not match:\n"
                                        f"Missing keys in the actual mapping: "
                                        f"{sorted(set(ke) - set(ka), key=repr)}\n"
                                        f"Additional keys in the actual mapping: "
                                        f"{sorted(set(ka) - set(ke), key=repr)}")
        for k in ka:
            _compare_item(actual[k], expected[k], path + [k], opts)
        return
    raise _Fail(TypeError, f"No comparison pair was able to handle inputs of type "
                           f"{type(actual)} and {type(expected)}.")


def _compare_item(a, e, path, opts):
    try:
        _compare(a, e, path, opts)
    except _Fail as f:
        if f.exc_type is AssertionError and not getattr(f, "located", False):
            loc = "".join(f"[{k!r}]" for k in path)
            f.text += f"\n\nThe failure occurred for item {loc}"
            f.located = True
        raise


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Asserts that ``actual`` and ``expected`` are close: tensors (or ndarrays,
    numbers, and sequences / mappings of them) of the same shape, device and
    (with ``check_dtype``) dtype whose values satisfy
    ``|actual - expected| <= atol + rtol * |expected|``. Without ``rtol`` and
    ``atol`` (give both or neither) the dtype's defaults apply: float16
    (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5), float64
    (1e-7, 1e-7), exact otherwise. NaNs match only with ``equal_nan``.
    ``msg`` (a string, or a callable given the generated message) replaces
    the AssertionError's message."""
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {missing}.")
    opts = (rtol, atol, equal_nan, check_device, check_dtype, check_stride)
    try:
        _compare(actual, expected, [], opts)
    except _Fail as f:
        if f.exc_type is not AssertionError:
            raise f.exc_type(f.text) from None
        text = f.text
        if callable(msg):
            text = msg(text)
        elif msg is not None:
            text = msg
        raise AssertionError(text) from None
