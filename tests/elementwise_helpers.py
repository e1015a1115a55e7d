"""Shared helpers for the elementwise tests (test_unary, test_binary,
test_numpy_mixing): building the same values as minitorch and torch tensors
in several memory layouts, and comparing results (dtype, shape, values)."""

import numpy as np
import oracle

import minitorch as mt

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]

# Tolerances for transcendental functions (libm vs PyTorch's vectorised
# implementations differ by an ulp or so); exact ops compare exactly.
RTOL = {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 2e-6, "float64": 1e-12}
# ... and subnormal results may differ in their last bits.
ATOL = {"float16": 1e-7, "bfloat16": 1e-37, "float32": 1e-37, "float64": 1e-300}


def np_values(shape, dtype, seed=0, special=True):
    """Deterministic test values for a dtype (floats include inf/nan/-0.0
    when ``special``)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype == "bool":
        v = rng.integers(0, 2, n).astype(bool)
    elif dtype == "uint8":
        v = rng.integers(0, 40, n).astype(np.uint8)
    elif dtype in INTS:
        v = rng.integers(-20, 20, n).astype(dtype)
    else:
        v = (rng.standard_normal(n) * 3).astype(np.float64)
        if special and n >= 8:
            v[:4] = [np.inf, -np.inf, np.nan, -0.0]
        if dtype != "float64":
            v = v.astype(np.float32)
    return v.reshape(shape)


def to_mt(arr, dtype):
    if dtype == "bfloat16":
        return mt.tensor(np.asarray(arr, np.float32)).to(mt.bfloat16)
    return mt.tensor(np.asarray(arr).astype(dtype))


def to_torch(arr, dtype):
    torch = oracle.torch()

    if dtype == "bfloat16":
        return torch.tensor(np.asarray(arr, np.float32)).to(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(np.asarray(arr).astype(dtype)))


def with_layout(arr, dtype, layout):
    """A minitorch tensor whose logical values are ``arr`` (2-D), stored in
    the given layout."""
    if layout == "contiguous":
        return to_mt(arr, dtype)
    if layout == "transposed":
        return to_mt(np.ascontiguousarray(arr.T), dtype).t()
    if layout == "flipped":  # negative strides
        return to_mt(np.ascontiguousarray(arr[::-1, ::-1]), dtype).flip(0, 1)
    if layout == "strided":
        big = np.zeros((arr.shape[0] * 2, arr.shape[1] * 3), dtype=arr.dtype)
        big[::2, ::3] = arr
        return to_mt(big, dtype)[::2, ::3]
    raise ValueError(layout)


LAYOUTS = ["contiguous", "transposed", "flipped", "strided"]


def dtype_name(dt):
    return str(dt).split(".")[-1]


def to_np(t):
    """Values of a minitorch or torch tensor as a NumPy array (bfloat16 via
    float32), keeping bool and integer dtypes."""
    if dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    if hasattr(t, "detach"):
        t = t.detach()
    return np.array(t.numpy())


def assert_close(got, want, exact=False, rtol=None, atol=None):
    """got: a minitorch tensor; want: a torch tensor or ndarray."""
    want_dtype = dtype_name(want.dtype)
    assert dtype_name(got.dtype) == want_dtype, (got.dtype, want.dtype)
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape))
    g, w = to_np(got), (want if isinstance(want, np.ndarray) else to_np(want))
    if exact or g.dtype.kind in "biu":
        np.testing.assert_array_equal(g, w)
    else:
        r = RTOL.get(want_dtype, 1e-6) if rtol is None else rtol
        a = ATOL.get(want_dtype, 0.0) if atol is None else atol
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=r, atol=a,
                                   equal_nan=True)
