"""Side-by-side timings of minitorch, PyTorch and NumPy in one process.

    python benchmarks/bench.py             # full run, Markdown table on stdout
    python benchmarks/bench.py --quick     # few repetitions (smoke test)
    python benchmarks/bench.py --filter numpy

How it measures (so the ratios mean something):
- Every library runs in the same process, on the same inputs, round by
  round: each round times every library once, in an order that rotates
  from round to round, so drift (turbo, other load on the machine, cache
  state) hits all of them alike. The table shows the median over rounds.
- One round of one library calls the timed callable `number` times between
  two time.perf_counter_ns() readings; `number` is calibrated once per
  library so that a round lasts about --round-ms. The figure is ns per call.
- The timed callable is a bound method or a functools.partial, so the only
  overhead beyond the operation is one call from a Python loop (the same
  for every library; printed below the table as "loop overhead"). Ratios
  of nanosecond-scale operations are therefore pulled towards 1.
- The garbage collector is off while timing, as timeit does.
- Import cases run `python -c "import X"` in a fresh subprocess, minus
  `python -c "pass"` timed in the same round.

Adding a case: append a Case to CASES. `setup()` builds the inputs once and
returns a dict; each library entry takes that dict and returns the
zero-argument callable to time (None: that library has no equivalent).
"""

import argparse
import functools
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _prefer_checkout():
    """Benchmark this checkout's minitorch when it has been built in place
    (setup.py build_ext --inplace); otherwise whatever is installed."""
    pkg = os.path.join(ROOT, "minitorch")
    if os.path.isdir(pkg) and any(f.startswith("_C.") for f in os.listdir(pkg)):
        sys.path.insert(0, ROOT)


_prefer_checkout()

import numpy as np  # noqa: E402

import minitorch  # noqa: E402

try:
    import torch
except ImportError:  # the table then has empty torch columns
    torch = None

LIBS = ("minitorch", "torch", "numpy")

Factory = Callable[[dict], Callable[[], Any]]


@dataclass
class Case:
    name: str
    setup: Callable[[], dict]
    minitorch: Optional[Factory]
    torch: Optional[Factory]
    numpy: Optional[Factory]
    # "call": time the callables in this process. "subprocess": the library
    # entries are Python source run by a fresh interpreter (see Import cases).
    kind: str = "call"
    # False for the random rows: each library draws its own numbers (NumPy's
    # differ), so tests/test_bench_smoke.py compares only their shapes.
    same_values: bool = True


# ---- inputs ----------------------------------------------------------------

N1M = 1 << 20


def _setup_numpy_1m():
    a = np.arange(N1M, dtype=np.float32)
    s = {"np": a, "mt": minitorch.from_numpy(a)}
    if torch is not None:
        s["th"] = torch.from_numpy(a)
    return s


def _setup_list_1000():
    return {"list": [float(i) * 0.5 for i in range(1000)]}


def _setup_item():
    s = {"np": np.array([1.5], dtype=np.float32), "mt": minitorch.tensor([1.5])}
    if torch is not None:
        s["th"] = torch.tensor([1.5])
    return s


def _nothing():
    return {}


def _setup_square(n):
    """Two n x n float32 matrices shared by the three libraries (zero-copy)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    s = {"np": a, "np2": b, "mt": minitorch.from_numpy(a), "mt2": minitorch.from_numpy(b)}
    if torch is not None:
        s["th"], s["th2"] = torch.from_numpy(a), torch.from_numpy(b)
    return s


def _setup_pair(shape_a, shape_b=None, perm=None):
    """Two float32 arrays (b's shape defaults to a's) shared by the three
    libraries (zero-copy). With `perm`, every library gets its own permuted
    view of each (np.transpose / Tensor.permute), made here, not timed."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape_a, dtype=np.float32)
    b = rng.standard_normal(shape_a if shape_b is None else shape_b, dtype=np.float32)
    s = {"np": a, "np2": b, "mt": minitorch.from_numpy(a), "mt2": minitorch.from_numpy(b)}
    if torch is not None:
        s["th"], s["th2"] = torch.from_numpy(a), torch.from_numpy(b)
    if perm is not None:
        for k in ("np", "np2"):
            s[k] = s[k].transpose(perm)
        for k in ("mt", "mt2", "th", "th2"):
            if k in s:
                s[k] = s[k].permute(*perm)
    return s


def _p(fn, *args):
    return functools.partial(fn, *args)


def _setup_mixed_perm():
    """`a` a permuted (3, 64, 64) view of a (64, 64, 3) array, `b` contiguous."""
    s = _setup_pair((64, 64, 3), (3, 64, 64))
    s["np"] = s["np"].transpose(2, 0, 1)
    for k in ("mt", "th"):
        if k in s:
            s[k] = s[k].permute(2, 0, 1)
    return s


def _setup_transposed(n):
    """A transposed n x n float32 view (of the same bytes) in every library."""
    s = _setup_square(n)
    s["np"] = s["np"].T
    for k in ("mt", "th"):
        if k in s:
            s[k] = s[k].t()
    return s


def _setup_batch(b, n):
    """Two (b, n, n) float32 batches shared by the three libraries."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((b, n, n), dtype=np.float32)
    y = rng.standard_normal((b, n, n), dtype=np.float32)
    s = {"np": x, "np2": y, "mt": minitorch.from_numpy(x), "mt2": minitorch.from_numpy(y)}
    if torch is not None:
        s["th"], s["th2"] = torch.from_numpy(x), torch.from_numpy(y)
    return s


def _mul_sum(a, b):
    # One extra Python-level call (this function), the same for every library.
    return (a * b).sum()


def _binop(method, s, key1, key2):
    """The bound `s[key1].<method>` applied to s[key2] (a tensor or a scalar)."""
    other = s[key2] if isinstance(key2, str) else key2
    return _p(getattr(s[key1], method), other)


def _setup_leaves(n, third=False):
    """Leaves a, b (keys mt/mt2, th/th2) of n float32 that require grad, and
    with `third` an input x (mtx/thx) that does not."""
    rng = np.random.default_rng(0)
    vals = [rng.standard_normal(n, dtype=np.float32) for _ in range(3)]
    s = {"mt": minitorch.from_numpy(vals[0].copy()).requires_grad_(),
         "mt2": minitorch.from_numpy(vals[1].copy()).requires_grad_(),
         "mtx": minitorch.from_numpy(vals[2])}
    if torch is not None:
        s["th"] = torch.from_numpy(vals[0].copy()).requires_grad_()
        s["th2"] = torch.from_numpy(vals[1].copy()).requires_grad_()
        s["thx"] = torch.from_numpy(vals[2])
    return s


def _mul_add_sum_backward(a, b):
    (a * b + a).sum().backward()
    return a.grad


def _affine_sq_mean_backward(w, x, b):
    ((w * x + b) ** 2).mean().backward()
    return w.grad


def _setup_linalg256():
    """A well-conditioned 256x256 float64 matrix and a 256x256 right-hand side."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((256, 256)) + 16 * np.eye(256)
    b = rng.standard_normal((256, 256))
    s = {"np": a, "np2": b, "mt": minitorch.from_numpy(a), "mt2": minitorch.from_numpy(b)}
    if torch is not None:
        s["th"], s["th2"] = torch.from_numpy(a), torch.from_numpy(b)
    return s


def _svd_values(svd, a):
    # The full SVD (U, S, Vh) is computed; S alone is returned so that the
    # smoke test can compare the libraries (singular vectors differ in sign).
    return svd(a, False)[1]


def _setup_seed_loop():
    """The seed program's data (100x1 float32) in both libraries."""
    rng = np.random.default_rng(0)
    X = rng.random((100, 1))
    y = 2 * X + 1 + 0.1 * rng.standard_normal((100, 1))
    s = {"mt": (minitorch, minitorch.from_numpy(X).float(), minitorch.from_numpy(y).float())}
    if torch is not None:
        s["th"] = (torch, torch.from_numpy(X).float(), torch.from_numpy(y).float())
    return s


def _seed_loop(lib, X, y):
    """examples/linear_regression.py's training loop: 100 epochs of SGD."""
    model = lib.nn.Linear(1, 1)
    with lib.no_grad():  # the same start in both libraries (their init streams differ)
        model.weight.fill_(0.5)
        model.bias.fill_(0.0)
    criterion = lib.nn.MSELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(100):
        loss = criterion(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss


def _setup_linear16():
    """nn.Linear(16, 16) with the same weights and input in both libraries."""
    rng = np.random.default_rng(0)
    w, b, x = (rng.standard_normal(sh, dtype=np.float32) for sh in ((16, 16), (16,), (8, 16)))
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        m = lib.nn.Linear(16, 16)
        with lib.no_grad():
            m.weight.copy_(lib.from_numpy(w))
            m.bias.copy_(lib.from_numpy(b))
        s[key] = (m, lib.from_numpy(x))
    return s


def _setup_adam100():
    """100 parameters of 1,000 float32 each, with gradients, under Adam (one step per call)."""
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(1000, dtype=np.float32) for _ in range(100)]
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        params = [lib.nn.Parameter(lib.from_numpy(a.copy())) for a in arrs]
        for p, a in zip(params, arrs):
            p.grad = lib.from_numpy(a * 0.1)
        s[key] = (lib.optim.Adam(params, lr=1e-3), params[0])
    return s


def _step_and_first(opt, first):
    """One optimizer step; returns the first parameter, for the smoke test to compare."""
    opt.step()
    return first


def _setup_mlp_step():
    """A 784-256-10 MLP (same weights in both libraries), a batch of 128, CrossEntropyLoss
    and Adam: each call is one training step."""
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((256, 784), dtype=np.float32) * 0.03
    b1 = rng.standard_normal(256, dtype=np.float32) * 0.03
    w2 = rng.standard_normal((10, 256), dtype=np.float32) * 0.06
    b2 = rng.standard_normal(10, dtype=np.float32) * 0.06
    x = rng.standard_normal((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, 128).astype(np.int64)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        model = lib.nn.Sequential(lib.nn.Linear(784, 256), lib.nn.ReLU(), lib.nn.Linear(256, 10))
        with lib.no_grad():
            for p, a in zip(model.parameters(), (w1, b1, w2, b2)):
                p.copy_(lib.from_numpy(a))
        opt = lib.optim.Adam(model.parameters(), lr=1e-3)
        s[key] = (model, lib.nn.CrossEntropyLoss(), opt, lib.from_numpy(x), lib.from_numpy(y))
    return s


def _mlp_step(model, criterion, optimizer, x, y):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


# ---- fusednn: the fused losses and norms ----
def _setup_ce(n, c):
    """cross_entropy logits (n, c) float32 requiring grad and int64 targets, in both libraries."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c), dtype=np.float32)
    y = rng.integers(0, c, n).astype(np.int64)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        s[key] = (lib, lib.from_numpy(x).requires_grad_(), lib.from_numpy(y))
    return s


def _ce_fwd_bwd(lib, x, y):
    x.grad = None
    loss = lib.nn.functional.cross_entropy(x, y)
    loss.backward()
    return x.grad


# ---- losses: the second set of fused losses and embedding_bag ----
def _setup_ce_probs(n, c):
    """cross_entropy logits (n, c) float32 requiring grad and probability targets."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c), dtype=np.float32)
    t = rng.uniform(0.0, 1.0, (n, c)).astype(np.float32)
    t /= t.sum(1, keepdims=True)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        s[key] = (lib, lib.from_numpy(x).requires_grad_(), lib.from_numpy(t))
    return s


def _setup_embedding_bag(num, dim, bags, n):
    """embedding_bag weight (num, dim) float32 requiring grad, n indices in `bags` bags."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((num, dim), dtype=np.float32)
    idx = rng.integers(0, num, n).astype(np.int64)
    offs = np.concatenate([[0], np.sort(rng.choice(np.arange(1, n), bags - 1,
                                                   replace=False))]).astype(np.int64)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        s[key] = (lib, lib.from_numpy(w).requires_grad_(), lib.from_numpy(idx),
                  lib.from_numpy(offs))
    return s


def _embedding_bag_fwd_bwd(lib, w, idx, offs):
    w.grad = None
    lib.nn.functional.embedding_bag(idx, w, offs, mode="mean").sum().backward()
    return w.grad
# ---- end losses ----


def _setup_layer_norm(rows, cols):
    """layer_norm over (rows, cols) float32 with weight and bias, all requiring grad."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, cols), dtype=np.float32)
    w = rng.standard_normal(cols, dtype=np.float32)
    b = rng.standard_normal(cols, dtype=np.float32)
    g = rng.standard_normal((rows, cols), dtype=np.float32)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        s[key] = (lib, *(lib.from_numpy(a).requires_grad_() for a in (x, w, b)),
                  lib.from_numpy(g))
    return s


def _layer_norm_fwd_bwd(lib, x, w, b, g):
    x.grad = w.grad = b.grad = None
    y = lib.nn.functional.layer_norm(x, (x.shape[-1],), w, b)
    y.backward(g)
    return x.grad
# ---- end fusednn ----


def _setup_conv(n, cin, cout, hw, backward):
    """Conv2d(cin, cout, 3, padding=1) with the same weights in both libraries, on an
    (n, cin, hw, hw) float32 input; backward: the input requires grad too."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, cin, hw, hw), dtype=np.float32)
    w = rng.standard_normal((cout, cin, 3, 3), dtype=np.float32) * 0.1
    b = rng.standard_normal(cout, dtype=np.float32) * 0.1
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        m = lib.nn.Conv2d(cin, cout, 3, padding=1)
        with lib.no_grad():
            m.weight.copy_(lib.from_numpy(w))
            m.bias.copy_(lib.from_numpy(b))
        xt = lib.from_numpy(x.copy())
        if backward:
            xt.requires_grad_()
        s[key] = (m, xt, backward)
    return s


def _conv_call(m, x, backward):
    y = m(x)
    if backward:
        y.sum().backward()
    return y


# ---- pool ----
def _setup_pool():
    """A 32x32x32x32 float32 input (the same values in both libraries), requiring grad."""
    x = np.random.default_rng(0).standard_normal((32, 32, 32, 32), dtype=np.float32)
    return {key: lib.from_numpy(x.copy()).requires_grad_()
            for key, lib in (("mt", minitorch), ("th", torch)) if lib is not None}


def _pool_fwd_bwd(lib, fn, x):
    x.grad = None
    y = getattr(lib.nn.functional, fn)(x, 2)
    y.sum().backward()
    return x.grad
# ---- end pool ----


def _setup_lstm():
    """LSTM(128, 256) (same weights in both libraries) over 32 steps at batch 16."""
    x = np.random.default_rng(0).standard_normal((32, 16, 128), dtype=np.float32)
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        lib.manual_seed(0)
        s[key] = (lib.nn.LSTM(128, 256), lib.from_numpy(x.copy()).requires_grad_())
    return s


def _lstm_call(m, x):
    out, _ = m(x)
    out.sum().backward()
    return out


# ---- rnnattn ----
def _setup_sdpa():
    """query, key, value (8, 8, 512, 64) float32, the same values in both libraries."""
    r = np.random.default_rng(0)
    arrs = [r.standard_normal((8, 8, 512, 64), dtype=np.float32) for _ in range(3)]
    s = {}
    for key, lib in (("mt", minitorch), ("th", torch)):
        if lib is None:
            continue
        s[key] = (lib.nn.functional.scaled_dot_product_attention,
                  [lib.from_numpy(a.copy()) for a in arrs],
                  [lib.from_numpy(a.copy()).requires_grad_() for a in arrs])
    return s


def _sdpa_fwd(f, ts, _):
    return f(*ts)


def _sdpa_fwd_bwd(f, _, ts):
    out = f(*ts)
    out.sum().backward()
    return out
# ---- end rnnattn ----


def _setup_safetensors100():
    """A safetensors file of 100 float32 tensors of 1 MB each, written once."""
    import atexit
    import shutil
    import tempfile

    from minitorch.utils import safetensors as mt_st
    d = tempfile.mkdtemp(prefix="mt_bench_st_")
    atexit.register(shutil.rmtree, d, True)
    path = os.path.join(d, "100x1MB.safetensors")
    mt_st.save_file({f"t{i:03d}": minitorch.full((1 << 18,), float(i)) for i in range(100)}, path)
    return {"path": path}


def _st_last(load, path):
    """load_file(path), returning one tensor so the libraries' results compare."""
    return load(path)["t099"]


def _st_loader(module):
    try:
        return __import__(f"safetensors.{module}", fromlist=["load_file"]).load_file
    except ImportError:
        return None


# ---- the cases -------------------------------------------------------------

CASES = [
    Case(".numpy() of 1M float32", _setup_numpy_1m,
         minitorch=lambda s: s["mt"].numpy,
         torch=lambda s: s["th"].numpy,
         numpy=lambda s: s["np"].view),   # numpy: a new ndarray over the same bytes
    Case("from_numpy of 1M float32", _setup_numpy_1m,
         minitorch=lambda s: _p(minitorch.from_numpy, s["np"]),
         torch=lambda s: _p(torch.from_numpy, s["np"]),
         numpy=lambda s: _p(np.asarray, s["np"])),
    # ---- DLPack (issue 13): the capsule's way both ways, through NumPy's consumer ----
    Case("__dlpack__ + np.from_dlpack of 1M float32", _setup_numpy_1m,
         minitorch=lambda s: _p(np.from_dlpack, s["mt"]),
         torch=lambda s: _p(np.from_dlpack, s["th"]),
         numpy=lambda s: _p(np.from_dlpack, s["np"])),
    Case("from_dlpack of a 1M float32 ndarray", _setup_numpy_1m,
         minitorch=lambda s: _p(minitorch.from_dlpack, s["np"]),
         torch=lambda s: _p(torch.from_dlpack, s["np"]),
         numpy=lambda s: _p(np.from_dlpack, s["np"])),
    Case("tensor(list of 1000 floats)", _setup_list_1000,
         minitorch=lambda s: _p(minitorch.tensor, s["list"]),
         torch=lambda s: _p(torch.tensor, s["list"]),
         numpy=lambda s: _p(np.array, s["list"])),
    Case("zeros(1000, 1000)", _nothing,
         minitorch=lambda s: _p(minitorch.zeros, 1000, 1000),
         torch=lambda s: _p(torch.zeros, 1000, 1000),
         numpy=lambda s: _p(np.zeros, (1000, 1000), np.float32)),
    Case("t.item() (1 element)", _setup_item,
         minitorch=lambda s: s["mt"].item,
         torch=lambda s: s["th"].item,
         numpy=lambda s: s["np"].item),
    Case("import (fresh process)", _nothing,
         minitorch="import minitorch", torch="import torch", numpy="import numpy",
         kind="subprocess"),
    # ---- elementwise, reductions, views (issue 4) ----
    # Operators are timed as the bound dunder (a.__add__(b) is what `a + b`
    # runs), so the only per-call overhead is the common loop call.
    Case("a + b, 3 float32 (tiny)", lambda: _setup_pair(3),
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=lambda s: _binop("__add__", s, "np", "np2")),
    Case("a + 2.0, 3 float32 (tensor + Python scalar)", lambda: _setup_pair(3),
         minitorch=lambda s: _binop("__add__", s, "mt", 2.0),
         torch=lambda s: _binop("__add__", s, "th", 2.0),
         numpy=lambda s: _binop("__add__", s, "np", 2.0)),
    Case("(a * b).sum(), 3 float32 (tiny)", lambda: _setup_pair(3),
         minitorch=lambda s: _p(_mul_sum, s["mt"], s["mt2"]),
         torch=lambda s: _p(_mul_sum, s["th"], s["th2"]),
         numpy=lambda s: _p(_mul_sum, s["np"], s["np2"])),
    Case("t[1:] (slice view of 3 float32)", lambda: _setup_pair(3),
         minitorch=lambda s: _p(s["mt"].__getitem__, slice(1, None)),
         torch=lambda s: _p(s["th"].__getitem__, slice(1, None)),
         numpy=lambda s: _p(s["np"].__getitem__, slice(1, None))),
    Case("t.view(3, 1) (view of 3 float32)", lambda: _setup_pair(3),
         minitorch=lambda s: _p(s["mt"].view, 3, 1),
         torch=lambda s: _p(s["th"].view, 3, 1),
         numpy=lambda s: _p(s["np"].reshape, 3, 1)),   # a view for contiguous input
    Case("t.t() (transpose view of 2x2 float32)", lambda: _setup_pair((2, 2)),
         minitorch=lambda s: s["mt"].t,
         torch=lambda s: s["th"].t,
         numpy=lambda s: s["np"].transpose),
    Case("a + b, 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=lambda s: _binop("__add__", s, "np", "np2")),
    Case("a.sum(), 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].sum,
         torch=lambda s: s["th"].sum,
         numpy=lambda s: s["np"].sum),
    # ---- kernels (issue 12: vectorised transcendentals, softmax) ----
    Case("exp, 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].exp,
         torch=lambda s: s["th"].exp,
         numpy=lambda s: _p(np.exp, s["np"])),
    Case("tanh, 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].tanh,
         torch=lambda s: s["th"].tanh,
         numpy=lambda s: _p(np.tanh, s["np"])),
    Case("sigmoid, 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].sigmoid,
         torch=lambda s: s["th"].sigmoid,
         numpy=lambda s: _p(_np_sigmoid, s["np"])),
    Case("softmax(dim=-1), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].softmax, -1),
         torch=lambda s: _p(s["th"].softmax, -1),
         numpy=lambda s: _p(_np_softmax, s["np"])),
    # ---- end kernels ----
    # ---- reduce (session 10: threaded, vectorised reductions) ----
    Case("a.max(), 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].max, torch=lambda s: s["th"].max,
         numpy=lambda s: s["np"].max),
    Case("a.argmax(), 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].argmax, torch=lambda s: s["th"].argmax,
         numpy=lambda s: s["np"].argmax),
    Case("a.norm(), 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].norm, torch=lambda s: s["th"].norm,
         numpy=lambda s: _p(np.linalg.norm, s["np"])),
    Case("a.var(), 4M float32", lambda: _setup_pair(1 << 22),
         minitorch=lambda s: s["mt"].var, torch=lambda s: s["th"].var,
         numpy=lambda s: _p(s["np"].var, None, None, None, 1)),
    Case("amax(dim=1), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].amax, 1), torch=lambda s: _p(s["th"].amax, 1),
         numpy=lambda s: _p(s["np"].max, 1)),
    Case("argmax(dim=1), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].argmax, 1), torch=lambda s: _p(s["th"].argmax, 1),
         numpy=lambda s: _p(s["np"].argmax, 1)),
    Case("norm(dim=1), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].norm, 2, 1), torch=lambda s: _p(s["th"].norm, 2, 1),
         numpy=lambda s: _p(np.linalg.norm, s["np"], None, 1)),
    Case("var(dim=1), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].var, 1), torch=lambda s: _p(s["th"].var, 1),
         numpy=lambda s: _p(s["np"].var, 1, None, None, 1)),
    # ---- end reduce ----
    # ---- vecmath ----
    Case("var(dim=0), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].var, 0), torch=lambda s: _p(s["th"].var, 0),
         numpy=lambda s: _p(s["np"].var, 0, None, None, 1)),
    Case("std(dim=0), 4096x1024 float32", lambda: _setup_pair((4096, 1024)),
         minitorch=lambda s: _p(s["mt"].std, 0), torch=lambda s: _p(s["th"].std, 0),
         numpy=lambda s: _p(s["np"].std, 0, None, None, 1)),
    # ---- end vecmath ----
    Case("1000x1000 + 1000 float32 (broadcast add)", lambda: _setup_pair((1000, 1000), 1000),
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=lambda s: _binop("__add__", s, "np", "np2")),
    Case("permuted 3x64x64 float32 add (non-contiguous)",
         lambda: _setup_pair((64, 64, 3), perm=(2, 0, 1)),   # a.permute(2,0,1) etc.
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=lambda s: _binop("__add__", s, "np", "np2")),
    Case("permuted 3x64x64 + contiguous 3x64x64 float32 add (mixed layouts)", _setup_mixed_perm,
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=lambda s: _binop("__add__", s, "np", "np2")),
    Case("transposed 2048x2048 float32 .contiguous()", lambda: _setup_transposed(2048),
         minitorch=lambda s: s["mt"].contiguous,
         torch=lambda s: s["th"].contiguous,
         numpy=lambda s: _p(np.ascontiguousarray, s["np"])),
    # ---- matmul ----
    Case("matmul 16x16 float32", lambda: _setup_square(16),
         minitorch=lambda s: _p(minitorch.matmul, s["mt"], s["mt2"]),
         torch=lambda s: _p(torch.matmul, s["th"], s["th2"]),
         numpy=lambda s: _p(np.matmul, s["np"], s["np2"])),
    Case("matmul (256, 8, 8) batch float32", lambda: _setup_batch(256, 8),
         minitorch=lambda s: _p(minitorch.matmul, s["mt"], s["mt2"]),
         torch=lambda s: _p(torch.matmul, s["th"], s["th2"]),
         numpy=lambda s: _p(np.matmul, s["np"], s["np2"])),
    Case("matmul 512x512 float32", lambda: _setup_square(512),
         minitorch=lambda s: _p(minitorch.matmul, s["mt"], s["mt2"]),
         torch=lambda s: _p(torch.matmul, s["th"], s["th2"]),
         numpy=lambda s: _p(np.matmul, s["np"], s["np2"])),
    Case("matmul 1024x1024 float32", lambda: _setup_square(1024),
         minitorch=lambda s: _p(minitorch.matmul, s["mt"], s["mt2"]),
         torch=lambda s: _p(torch.matmul, s["th"], s["th2"]),
         numpy=lambda s: _p(np.matmul, s["np"], s["np2"])),
    Case("matmul 2x2 float32 (tiny, per call)", lambda: _setup_square(2),
         minitorch=lambda s: _p(s["mt"].__matmul__, s["mt2"]),
         torch=lambda s: _p(s["th"].__matmul__, s["th2"]),
         numpy=lambda s: _p(s["np"].__matmul__, s["np2"])),
    # ---- end matmul ----
    # ---- autograd (issue 8) ----
    # Leaves require grad; the backward cases build the graph and run
    # backward every call (gradients accumulate into .grad, in both libraries).
    Case("a + b recorded, 3 float32 (requires_grad)", lambda: _setup_leaves(3),
         minitorch=lambda s: _binop("__add__", s, "mt", "mt2"),
         torch=lambda s: _binop("__add__", s, "th", "th2"),
         numpy=None),
    Case("(a*b + a).sum().backward(), 3 float32", lambda: _setup_leaves(3),
         minitorch=lambda s: _p(_mul_add_sum_backward, s["mt"], s["mt2"]),
         torch=lambda s: _p(_mul_add_sum_backward, s["th"], s["th2"]),
         numpy=None),
    Case("((w*x + b)**2).mean().backward(), 100 float32", lambda: _setup_leaves(100, third=True),
         minitorch=lambda s: _p(_affine_sq_mean_backward, s["mt"], s["mtx"], s["mt2"]),
         torch=lambda s: _p(_affine_sq_mean_backward, s["th"], s["thx"], s["th2"]),
         numpy=None),
    Case("((w*x + b)**2).mean().backward(), 1M float32", lambda: _setup_leaves(N1M, third=True),
         minitorch=lambda s: _p(_affine_sq_mean_backward, s["mt"], s["mtx"], s["mt2"]),
         torch=lambda s: _p(_affine_sq_mean_backward, s["th"], s["thx"], s["th2"]),
         numpy=None),
    # ---- end autograd ----
    # ---- nn and optim (issue 9) ----
    Case("seed training loop: 100 epochs Linear(1,1)+MSELoss+SGD on 100x1", _setup_seed_loop,
         minitorch=lambda s: _p(_seed_loop, *s["mt"]),
         torch=lambda s: _p(_seed_loop, *s["th"]),
         numpy=None),
    Case("nn.Linear(16, 16) forward on 8x16", _setup_linear16,
         minitorch=lambda s: _p(*s["mt"]),
         torch=lambda s: _p(*s["th"]),
         numpy=None),
    Case("Adam.step() over 100 params of 1,000 float32", _setup_adam100,
         minitorch=lambda s: _p(_step_and_first, *s["mt"]),
         torch=lambda s: _p(_step_and_first, *s["th"]),
         numpy=None),
    Case("Conv2d(3, 32, 3) forward+backward on 32x3x32x32 float32",
         lambda: _setup_conv(32, 3, 32, 32, True),
         minitorch=lambda s: _p(_conv_call, *s["mt"]),
         torch=lambda s: _p(_conv_call, *s["th"]),
         numpy=None),
    Case("Conv2d(64, 64, 3) forward on 8x64x56x56 float32",
         lambda: _setup_conv(8, 64, 64, 56, False),
         minitorch=lambda s: _p(_conv_call, *s["mt"]),
         torch=lambda s: _p(_conv_call, *s["th"]),
         numpy=None),
    # ---- pool ----
    Case("MaxPool2d(2) forward+backward on 32x32x32x32 float32", _setup_pool,
         minitorch=lambda s: _p(_pool_fwd_bwd, minitorch, "max_pool2d", s["mt"]),
         torch=lambda s: _p(_pool_fwd_bwd, torch, "max_pool2d", s["th"]),
         numpy=None),
    Case("AvgPool2d(2) forward+backward on 32x32x32x32 float32", _setup_pool,
         minitorch=lambda s: _p(_pool_fwd_bwd, minitorch, "avg_pool2d", s["mt"]),
         torch=lambda s: _p(_pool_fwd_bwd, torch, "avg_pool2d", s["th"]),
         numpy=None),
    # ---- end pool ----
    Case("LSTM(128, 256) forward+backward, 32 steps, batch 16", _setup_lstm,
         minitorch=lambda s: _p(_lstm_call, *s["mt"]),
         torch=lambda s: _p(_lstm_call, *s["th"]),
         numpy=None),
    Case("MLP 784-256-10 train step (batch 128): forward, CrossEntropyLoss, backward, Adam",
         _setup_mlp_step,
         minitorch=lambda s: _p(_mlp_step, *s["mt"]),
         torch=lambda s: _p(_mlp_step, *s["th"]),
         numpy=None),
    # ---- fusednn ----
    Case("cross_entropy fwd+bwd, 128x10 float32 logits", lambda: _setup_ce(128, 10),
         minitorch=lambda s: _p(_ce_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_ce_fwd_bwd, *s["th"]),
         numpy=None),
    Case("cross_entropy fwd+bwd, 128x1000 float32 logits", lambda: _setup_ce(128, 1000),
         minitorch=lambda s: _p(_ce_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_ce_fwd_bwd, *s["th"]),
         numpy=None),
    Case("layer_norm fwd+bwd, 64x768 float32 (weight, bias)", lambda: _setup_layer_norm(64, 768),
         minitorch=lambda s: _p(_layer_norm_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_layer_norm_fwd_bwd, *s["th"]),
         numpy=None),
    # ---- end fusednn ----
    # ---- losses ----
    Case("cross_entropy fwd+bwd, 128x1000 float32 logits, probability targets",
         lambda: _setup_ce_probs(128, 1000),
         minitorch=lambda s: _p(_ce_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_ce_fwd_bwd, *s["th"]),
         numpy=None),
    Case("embedding_bag mean fwd+bwd, 10000x64 float32 weight, 4096 indices in 512 bags",
         lambda: _setup_embedding_bag(10000, 64, 512, 4096),
         minitorch=lambda s: _p(_embedding_bag_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_embedding_bag_fwd_bwd, *s["th"]),
         numpy=None),
    # ---- end losses ----
    # ---- rnnattn ----
    Case("scaled_dot_product_attention (8, 8, 512, 64) float32 forward", _setup_sdpa,
         minitorch=lambda s: _p(_sdpa_fwd, *s["mt"]),
         torch=lambda s: _p(_sdpa_fwd, *s["th"]),
         numpy=None),
    Case("scaled_dot_product_attention (8, 8, 512, 64) float32 forward+backward", _setup_sdpa,
         minitorch=lambda s: _p(_sdpa_fwd_bwd, *s["mt"]),
         torch=lambda s: _p(_sdpa_fwd_bwd, *s["th"]),
         numpy=None),
    # ---- end rnnattn ----
    # ---- end nn and optim ----
    # ---- linalg (issue 11: LAPACK of NumPy's OpenBLAS) ----
    Case("linalg.solve 256x256 float64 (256 right-hand sides)", _setup_linalg256,
         minitorch=lambda s: _p(minitorch.linalg.solve, s["mt"], s["mt2"]),
         torch=lambda s: _p(torch.linalg.solve, s["th"], s["th2"]),
         numpy=lambda s: _p(np.linalg.solve, s["np"], s["np2"])),
    Case("linalg.svd 256x256 float64 (full_matrices=False)", _setup_linalg256,
         minitorch=lambda s: _p(_svd_values, minitorch.linalg.svd, s["mt"]),
         torch=lambda s: _p(_svd_values, torch.linalg.svd, s["th"]),
         numpy=lambda s: _p(_svd_values, np.linalg.svd, s["np"])),
    # ---- end linalg ----
    # ---- random (issue 11: PyTorch's CPU streams, Note [CPU random streams]) ----
    Case("randn(1_000_000) float32", _nothing,
         minitorch=lambda s: _p(minitorch.randn, 1_000_000),
         torch=lambda s: _p(torch.randn, 1_000_000),
         numpy=lambda s: _p(np.random.default_rng(0).standard_normal, 1_000_000, np.float32),
         same_values=False),
    Case("rand(1_000_000) float32", _nothing,
         minitorch=lambda s: _p(minitorch.rand, 1_000_000),
         torch=lambda s: _p(torch.rand, 1_000_000),
         numpy=lambda s: _p(np.random.default_rng(0).random, 1_000_000, np.float32),
         same_values=False),
    Case("randperm(100_000)", _nothing,
         minitorch=lambda s: _p(minitorch.randperm, 100_000),
         torch=lambda s: _p(torch.randperm, 100_000),
         numpy=lambda s: _p(np.random.default_rng(0).permutation, 100_000),
         same_values=False),
    # ---- end random ----
    # ---- interop (issue 13) ----
    # minitorch maps the file and its tensors view the pages; the package's numpy
    # loader copies each tensor into a new array.
    Case("safetensors load_file, 100 tensors of 1 MB float32", _setup_safetensors100,
         minitorch=lambda s: _p(_st_last, __import__("minitorch.utils.safetensors",
                                                      fromlist=["x"]).load_file, s["path"]),
         torch=(lambda s: _p(_st_last, _st_loader("torch"), s["path"]))
         if _st_loader("torch") else None,
         numpy=(lambda s: _p(_st_last, _st_loader("numpy"), s["path"]))
         if _st_loader("numpy") else None),
    # ---- end interop ----
]


def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---- the GIL check (issue 12 item 5) ----------------------------------------
# A pure-Python counter thread runs for a fixed wall time alone, then beside
# the main thread looping `(a * b).exp().sum()` on 8M float32 with one
# kernel thread. The ratio of its counts is how much of its solo speed it
# keeps while the library runs big kernels (1.0: the library never holds
# the GIL in its kernels; target >= 0.8).

GIL_N = 8 * 1024 * 1024


def _count_for(seconds, busy=None):
    import threading
    counter = [0]
    stop = threading.Event()

    def spin():
        n = 0
        while not stop.is_set():
            for _ in range(1000):
                n += 1
            counter[0] = n

    t = threading.Thread(target=spin)
    t.start()
    t_end = time.perf_counter() + seconds
    if busy is None:
        time.sleep(seconds)
    else:
        while time.perf_counter() < t_end:
            busy()
    stop.set()
    t.join()
    return counter[0]


def _mul_exp_sum(a, b):
    return (a * b).exp().sum()


def gil_check(seconds):
    rows = []
    libs = [("minitorch", minitorch)] + ([("torch", torch)] if torch else [])
    for name, lib in libs:
        old = lib.get_num_threads()
        lib.set_num_threads(1)
        try:
            a, b = lib.rand(GIL_N), lib.rand(GIL_N)

            busy = functools.partial(_mul_exp_sum, a, b)
            busy()
            solo = _count_for(seconds)
            beside = _count_for(seconds, busy)
        finally:
            lib.set_num_threads(old)
        rows.append((name, beside / max(solo, 1)))
    return rows


# ---- timing ----------------------------------------------------------------

def _per_call_ns(fn, number):
    rng = range(number)
    t0 = time.perf_counter_ns()
    for _ in rng:
        fn()
    return (time.perf_counter_ns() - t0) / number


def _calibrate(fn, round_ns):
    """Calls per round so that a round takes about round_ns."""
    number = 1
    while True:
        elapsed = _per_call_ns(fn, number) * number
        if elapsed >= round_ns / 10 or number >= 1 << 24:
            break
        number *= 10
    return max(1, int(number * round_ns / max(elapsed, 1)))


def run_call_case(case, rounds, round_ns):
    state = case.setup()
    fns = {}
    for lib in LIBS:
        factory = getattr(case, lib)
        if factory is None or (lib == "torch" and torch is None):
            continue
        fns[lib] = factory(state)
        fns[lib]()  # warm up (first-call caches, lazy imports)
    numbers = {lib: _calibrate(fn, round_ns) for lib, fn in fns.items()}
    samples = {lib: [] for lib in fns}
    order = list(fns)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(rounds):
            k = r % len(order)
            for lib in order[k:] + order[:k]:  # rotate who goes first
                samples[lib].append(_per_call_ns(fns[lib], numbers[lib]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return {lib: statistics.median(v) for lib, v in samples.items()}


def _spawn_ns(code, env):
    t0 = time.perf_counter_ns()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter_ns() - t0


def run_subprocess_case(case, runs):
    env = dict(os.environ)
    if ROOT in sys.path:  # the child imports the same minitorch as we did
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    codes = {lib: getattr(case, lib) for lib in LIBS if getattr(case, lib) is not None}
    if torch is None:
        codes.pop("torch", None)
    for code in codes.values():  # warm the OS file cache once
        _spawn_ns(code, env)
    samples = {lib: [] for lib in codes}
    order = list(codes)
    for r in range(runs):
        base = _spawn_ns("pass", env)
        k = r % len(order)
        for lib in order[k:] + order[:k]:
            samples[lib].append(_spawn_ns(codes[lib], env) - base)
    return {lib: statistics.median(v) for lib, v in samples.items()}


# ---- output ----------------------------------------------------------------

def fmt_time(ns):
    if ns is None:
        return "-"
    if abs(ns) < 1e3:
        return f"{ns:.0f} ns"
    if abs(ns) < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if abs(ns) < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_ratio(a, b):
    if a is None or b is None or b <= 0:
        return "-"
    return f"{a / b:.2f}x"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few repetitions (smoke test)")
    ap.add_argument("--filter", default="", metavar="SUBSTR",
                    help="run only cases whose name contains SUBSTR")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per case")
    ap.add_argument("--round-ms", type=float, default=None, help="target length of one round")
    args = ap.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 25)
    round_ns = (args.round_ms or (2.0 if args.quick else 20.0)) * 1e6
    spawn_runs = 2 if args.quick else 11

    cases = [c for c in CASES if args.filter.lower() in c.name.lower()]
    if not cases and "thread" not in args.filter.lower():
        print(f"no case matches {args.filter!r}", file=sys.stderr)
        return 2

    print(f"minitorch {minitorch.__version__} ({os.path.dirname(minitorch.__file__)}), "
          f"torch {torch.__version__ if torch else 'not installed'}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"medians of {rounds} interleaved rounds ({spawn_runs} for imports)\n")
    print("| case | minitorch | torch | numpy | minitorch/torch | minitorch/numpy |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in cases:
        if case.kind == "subprocess":
            res = run_subprocess_case(case, spawn_runs)
        else:
            res = run_call_case(case, rounds, round_ns)
        m, t, n = (res.get(lib) for lib in LIBS)
        print(f"| {case.name} | {fmt_time(m)} | {fmt_time(t)} | {fmt_time(n)} | "
              f"{fmt_ratio(m, t)} | {fmt_ratio(m, n)} |", flush=True)

    if "thread" in args.filter.lower() or not args.filter:
        print("\n| Python thread beside `(a * b).exp().sum()` on 8M float32, 1 kernel thread "
              "| speed vs solo |")
        print("|---|---:|")
        for name, ratio in gil_check(0.3 if args.quick else 2.0):
            print(f"| {name} | {ratio:.2f}x |", flush=True)

    overhead = _per_call_ns(().__len__, 100000)
    print(f"\nloop overhead (calling `().__len__` from the same timing loop): "
          f"{fmt_time(overhead)}; every in-process figure above includes about this much.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
