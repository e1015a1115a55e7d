"""PyTorch as a recorded test oracle: the suite runs with or without torch.

Tests get torch through ``oracle.torch()`` instead of ``import torch``. That
returns a proxy of the torch module; every operation a test performs on it
(attribute reads on tensors, calls, operators, ``bool()``, ``len()``,
``np.asarray()``...) is one *step* of the test's cassette.  A step's outcome is
either another torch object (a tensor, a dtype: kept behind a proxy), a plain
value (numbers, strings, tuples, NumPy arrays: what ``.numpy()``, ``.shape``,
``.item()``, ``==`` on dtypes give), or an exception.  Plain values and
exceptions are what a test can observe, so they are what gets recorded, in
``tests/oracle_data/<test module>.json.gz``, per test (the node id without the
file), with a digest of every step's description (operation and arguments;
NumPy inputs by a hash of their bytes), so that a record only replays for the
exact same sequence of torch calls on the exact same inputs.

Modes (chosen once per session):

- torch installed (the default there): torch really runs, the test compares
  minitorch against it as before, and at the end of the test its cassette must
  equal the stored one: a difference (torch's results changed, or the test
  changed its inputs or calls) fails the test as *oracle drift*; a test without
  a record fails too.  This is the drift test.
- ``MINITORCH_REGEN_ORACLE=1`` (torch needed): torch runs, nothing is compared,
  and the records of the tests that ran are written back at the end of the
  session (records of tests that no longer exist are dropped).  Run it with
  ``-n0``:  ``MINITORCH_REGEN_ORACLE=1 python -m pytest tests -q -p no:cacheprovider``
  (or a single file).
- torch not installed: nothing runs in torch; each step returns the recorded
  outcome (plain values as recorded, exceptions rebuilt as the first built-in
  class of the original's MRO with the same message, torch objects as inert
  proxies), so the test's assertions against minitorch run unchanged.  A
  missing or out-of-sync record fails the test, saying how to regenerate.

Tests whose torch calls are not a deterministic sequence (hypothesis, threads)
keep ``pytest.importorskip("torch")``.  Float outcomes are stored bit-exactly
(float.hex, raw array bytes), so every tolerance stays what the test says.
"""

import base64
import builtins
import gzip
import hashlib
import json
import os
import sys

import numpy as np

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle_data")
REGEN_HINT = ("regenerate with torch installed: MINITORCH_REGEN_ORACLE=1 python -m pytest "
              "{path} -q -p no:cacheprovider (see tests/oracle.py)")

# MINITORCH_TEST_NO_TORCH=1: the suite behaves exactly as if torch were not
# installed (records replay, `import torch` raises ImportError), even where it is.
NO_TORCH = os.environ.get("MINITORCH_TEST_NO_TORCH", "") not in ("", "0")


class _BlockTorch:
    """A meta-path finder that makes every `import torch` raise ImportError. (Not
    sys.modules["torch"] = None: SciPy's array-API helpers read sys.modules["torch"]
    and fail on None; on a machine without torch there is no entry.)"""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is blocked (MINITORCH_TEST_NO_TORCH=1)")
        return None


if NO_TORCH:
    sys.modules.pop("torch", None)
    sys.meta_path.insert(0, _BlockTorch())
    _stub = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no_torch_stub")
    os.environ["PYTHONPATH"] = os.pathsep.join(  # and in subprocesses the tests start
        filter(None, [_stub, os.environ.get("PYTHONPATH")]))
    _real_torch = None
else:
    try:
        import torch as _real_torch
    except ImportError:
        _real_torch = None

REGEN = os.environ.get("MINITORCH_REGEN_ORACLE", "") not in ("", "0")
LIVE = _real_torch is not None
if REGEN and not LIVE:
    raise RuntimeError("MINITORCH_REGEN_ORACLE=1 needs torch installed "
                       "(and MINITORCH_TEST_NO_TORCH unset)")

# Methods whose plain results are run-dependent: kept behind a proxy, so only
# comparisons between them (a recorded bool) are observed.
OPAQUE = {"data_ptr", "_cdata", "__hash__"}


class OracleError(AssertionError):
    pass


# ---- value encoding (exact, JSON-able) ----

def _plain(x):
    if x is None or isinstance(x, (bool, int, float, complex, str, bytes)):
        return not type(x).__module__.startswith("torch")
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype != object
    if LIVE and isinstance(x, _real_torch.Size):
        return True
    if type(x).__module__.startswith("torch"):
        return False
    if isinstance(x, (tuple, list)):
        return all(_plain(v) for v in x)
    if isinstance(x, dict):
        return all(_plain(k) and _plain(v) for k, v in x.items())
    if isinstance(x, slice):
        return _plain((x.start, x.stop, x.step))
    return x is Ellipsis


class Size(tuple):
    """torch.Size as replayed: a tuple with torch's repr."""

    def __repr__(self):
        return f"torch.Size({list(self)})"


def _enc(x):
    if (LIVE and isinstance(x, _real_torch.Size)) or isinstance(x, Size):
        return {"z": [int(v) for v in x]}
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return {"f": float(x).hex()}
    if isinstance(x, complex):
        return {"c": [x.real.hex(), x.imag.hex()]}
    if isinstance(x, bytes):
        return {"b": base64.b64encode(x).decode()}
    if isinstance(x, np.ndarray):
        a = np.ascontiguousarray(x)
        return {"a": [a.dtype.str, list(a.shape), base64.b64encode(a.tobytes()).decode()]}
    if isinstance(x, np.generic):
        return {"g": [x.dtype.str, base64.b64encode(x.tobytes()).decode()]}
    if isinstance(x, tuple):
        return {"t": [_enc(v) for v in x]}
    if isinstance(x, list):
        return [_enc(v) for v in x]
    if isinstance(x, dict):
        return {"d": [[_enc(k), _enc(v)] for k, v in x.items()]}
    if isinstance(x, slice):
        return {"s": [_enc(x.start), _enc(x.stop), _enc(x.step)]}
    if x is Ellipsis:
        return {"e": 0}
    raise TypeError(f"oracle cannot record {type(x)!r}")


def _dec(x):
    if not isinstance(x, (dict, list)):
        return x
    if isinstance(x, list):
        return [_dec(v) for v in x]
    (tag, v), = x.items()
    if tag == "f":
        return float.fromhex(v)
    if tag == "c":
        return complex(float.fromhex(v[0]), float.fromhex(v[1]))
    if tag == "b":
        return base64.b64decode(v)
    if tag == "a":
        dt, shape, data = v
        return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dt)).reshape(shape).copy()
    if tag == "g":
        return np.frombuffer(base64.b64decode(v[1]), dtype=np.dtype(v[0]))[0]
    if tag == "z":
        return Size(v)
    if tag == "t":
        return tuple(_dec(e) for e in v)
    if tag == "d":
        return {_dec(k): _dec(e) for k, e in v}
    if tag == "s":
        return slice(*(_dec(e) for e in v))
    return Ellipsis


# ---- step descriptions ----

def _desc(x):
    if isinstance(x, Proxy):
        return object.__getattribute__(x, "_k")
    if isinstance(x, np.ndarray):
        raw = (",".join(_desc(v) for v in x.flat).encode() if x.dtype == object
               else np.ascontiguousarray(x).tobytes())  # object arrays: not their pointers
        h = hashlib.blake2b(raw, digest_size=8).hexdigest()
        return f"nd({x.dtype.str},{x.shape},{x.strides},{h})"
    if isinstance(x, np.generic):
        return f"np({x.dtype.str},{x!r})"
    if isinstance(x, float):
        return x.hex()
    if x is None or isinstance(x, (bool, int, str, complex, bytes)):
        return repr(x)
    if isinstance(x, (tuple, list)):
        o, c = ("(", ")") if isinstance(x, tuple) else ("[", "]")
        return o + ",".join(_desc(v) for v in x) + c
    if isinstance(x, dict):
        return "{" + ",".join(f"{_desc(k)}:{_desc(v)}" for k, v in x.items()) + "}"
    if isinstance(x, slice):
        return f"sl({_desc(x.start)},{_desc(x.stop)},{_desc(x.step)})"
    if x is Ellipsis:
        return "..."
    if callable(x) and hasattr(x, "__qualname__"):
        return "fn:" + x.__qualname__
    if type(x).__module__.startswith("minitorch"):
        try:
            return f"mt({x.dtype},{_desc(np.asarray(x.float().numpy() if 'bfloat' in str(x.dtype) else x.numpy()))})"  # noqa: E501
        except Exception:
            return "mt:" + type(x).__name__
    return "obj:" + type(x).__name__


def _unwrap(x):
    if isinstance(x, Proxy):
        return object.__getattribute__(x, "_r")
    if isinstance(x, tuple) and type(x) is tuple:
        return tuple(_unwrap(v) for v in x)
    if isinstance(x, list):
        return [_unwrap(v) for v in x]
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    if isinstance(x, slice):
        return slice(_unwrap(x.start), _unwrap(x.stop), _unwrap(x.step))
    return x


# ---- records ----

_files = {}      # module name -> {"tests": {...}} as loaded (values decoded lazily)
_written = {}    # module name -> {test key: record} produced by this session (regen)
_collected = {}  # module name -> set of test keys collected this session
_cur = None      # the running test's cassette


def _path(module):
    return os.path.join(DATA_DIR, module + ".json.gz")


def _load(module):
    if module not in _files:
        p = _path(module)
        if os.path.exists(p):
            with gzip.open(p, "rt") as f:
                raw = json.load(f)
            vals = raw["values"]
            tests = {k: {"n": r["n"], "d": r["d"],
                         "e": {s: (h, kind, vals[ref] if kind in ("v", "s") else ref)
                               for s, h, kind, ref in r["e"]}}
                     for k, r in raw["tests"].items()}
            _files[module] = tests
        else:
            _files[module] = {}
    return _files[module]


class _Cassette:
    def __init__(self, module, key, relpath, live_only=False):
        self.module, self.key, self.relpath = module, key, relpath
        self.live_only = live_only
        self.n = 0
        self.digest = hashlib.blake2b(digest_size=12)
        self.events = {}  # step -> (desc hash, kind, encoded value | exception triple)
        self.stored = None if LIVE else _load(module).get(key)
        self.opaque = set()  # keys of bound methods whose results are run-dependent

    def hint(self):
        return REGEN_HINT.format(path=self.relpath)


def begin(module, key, relpath, live_only=False):
    """live_only: the test's torch calls are not reproducible (hypothesis, threads):
    with torch it uses torch unrecorded, without torch it skips at its first torch call."""
    global _cur
    _cur = None if (live_only and LIVE) else _Cassette(module, key, relpath, live_only)


def end():
    """Closes the running test's cassette; returns an error message or None."""
    global _cur
    c, _cur = _cur, None
    if c is None or c.n == 0:
        return None
    digest = c.digest.hexdigest()
    rec = {"n": c.n, "d": digest, "e": c.events}
    if REGEN:
        _written.setdefault(c.module, {})[c.key] = rec
        return None
    stored = _load(c.module).get(c.key)
    if stored is None:
        return f"no oracle record for {c.key}; {c.hint()}"
    if LIVE:
        rec = json.loads(json.dumps({"n": c.n, "d": digest,
                                     "e": [[k, *v] for k, v in sorted(c.events.items())]}))
        rec["e"] = {e[0]: tuple(e[1:]) for e in rec["e"]}
        if stored != rec:
            bad = sorted(s for s in set(stored["e"]) | set(rec["e"])
                         if stored["e"].get(s) != rec["e"].get(s))
            return (f"oracle drift for {c.key}: torch's outcomes differ from the record "
                    f"(steps {stored['n']} -> {c.n}, first differing step {bad[:1]}); "
                    f"{c.hint()}")
        return None
    if (stored["n"], stored["d"]) != (c.n, digest):
        return (f"oracle record out of sync for {c.key} (the test's torch calls or inputs "
                f"changed); {c.hint()}")
    return None


def _step(desc, fn):
    c = _cur
    if c is None:
        if LIVE:
            return fn()
        raise OracleError(f"torch used outside a test without torch installed: {desc}")
    i = c.n
    c.n += 1
    c.digest.update(desc.encode() + b"\0")
    h = hashlib.blake2b(desc.encode(), digest_size=4).hexdigest()
    if LIVE:
        try:
            r = fn()
        except Exception as e:
            base = next(t for t in type(e).__mro__ if getattr(builtins, t.__name__, None) is t)
            # torch may append a C++ backtrace (addresses vary per run): not recorded
            msg = str(e).split("\nException raised from ", 1)[0]
            c.events[i] = (h, "x", [f"{type(e).__module__}.{type(e).__qualname__}",
                                    base.__name__, msg])
            raise
        if _plain(r) and not desc.startswith(tuple(OPAQUE)):
            c.events[i] = (h, "v", _enc(r))
            return r
        if type(r) in (tuple, list):  # of torch objects: a real sequence of proxies
            c.events[i] = (h, "s", [type(r).__name__, len(r)])
            return type(r)(Proxy(v, f"#{i}.{j}") for j, v in enumerate(r))
        return Proxy(r, f"#{i}")
    if c.live_only:
        import pytest
        pytest.skip("needs torch (its torch calls are not recorded: hypothesis or threads)")
    if c.stored is None:
        raise OracleError(f"no oracle record for {c.key}; {c.hint()}")
    ev = c.stored["e"].get(i)
    if ev is not None:
        if ev[0] != h:
            raise OracleError(f"oracle record out of sync for {c.key} at step {i} ({desc}); "
                              f"{c.hint()}")
        if ev[1] == "x":
            raise getattr(builtins, ev[2][1])(ev[2][2])
        if ev[1] == "s":
            kind, n = ev[2]
            return {"tuple": tuple, "list": list}[kind](Proxy(None, f"#{i}.{j}")
                                                        for j in range(n))
        return _dec(ev[2])
    return Proxy(None, f"#{i}")


def _op(name):
    def method(self, *args):
        k = object.__getattribute__(self, "_k")
        desc = f"{name}:{k}(" + ",".join(_desc(a) for a in args) + ")"
        return _step(desc, lambda: getattr(_unwrap(self), name)(*_unwrap(args)))
    method.__name__ = name
    return method


class Proxy:
    """A torch object (or, without torch, its place in the cassette)."""
    __slots__ = ("_r", "_k")
    __array_ufunc__ = None  # np.int32(3) + proxy calls the proxy's __radd__

    def __init__(self, real, key):
        object.__setattr__(self, "_r", real)
        object.__setattr__(self, "_k", key)

    def __getattr__(self, name):
        k = object.__getattribute__(self, "_k")
        real = object.__getattribute__(self, "_r")
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # NumPy/pytest protocol probes are not torch calls
        if not k.startswith("#"):  # torch.nn.functional.gelu: module attributes
            if LIVE and _cur is None:  # outside a recorded test: plain torch
                return getattr(real, name)
            return Proxy(getattr(real, name) if LIVE else None, f"{k}.{name}")
        desc = ("data_ptr" if name in OPAQUE else "getattr") + f":{k}.{name}"
        r = _step(desc, lambda: getattr(real, name))
        if name in OPAQUE and isinstance(r, Proxy) and _cur is not None:
            _cur.opaque.add(object.__getattribute__(r, "_k"))
        return r

    def __setattr__(self, name, value):
        k = object.__getattribute__(self, "_k")
        _step(f"setattr:{k}.{name}={_desc(value)}",
              lambda: setattr(_unwrap(self), name, _unwrap(value)))

    def __delattr__(self, name):
        k = object.__getattribute__(self, "_k")
        _step(f"delattr:{k}.{name}", lambda: delattr(_unwrap(self), name))

    def __call__(self, *args, **kwargs):
        k = object.__getattribute__(self, "_k")
        desc = (f"call:{k}(" + ",".join(_desc(a) for a in args) + ";" +
                ",".join(f"{n}={_desc(v)}" for n, v in sorted(kwargs.items())) + ")")
        if k.endswith((".data_ptr", "._cdata")) or (_cur is not None and k in _cur.opaque):
            desc = "data_ptr" + desc
        return _step(desc, lambda: _unwrap(self)(*_unwrap(args), **_unwrap(kwargs)))

    def __bool__(self):
        return _step(f"bool:{_desc(self)}", lambda: bool(_unwrap(self)))

    def __len__(self):
        return _step(f"len:{_desc(self)}", lambda: len(_unwrap(self)))

    def __int__(self):
        return _step(f"int:{_desc(self)}", lambda: int(_unwrap(self)))

    def __index__(self):
        return _step(f"index:{_desc(self)}", lambda: _unwrap(self).__index__())

    def __float__(self):
        return _step(f"float:{_desc(self)}", lambda: float(_unwrap(self)))

    def __str__(self):
        return _step(f"str:{_desc(self)}", lambda: str(_unwrap(self)))

    def __repr__(self):
        return _step(f"repr:{_desc(self)}", lambda: repr(_unwrap(self)))

    def __format__(self, spec):
        return _step(f"format:{_desc(self)}:{spec}", lambda: format(_unwrap(self), spec))

    def __hash__(self):
        return hash(object.__getattribute__(self, "_k"))

    def __iter__(self):
        n = len(self)
        return iter([self[i] for i in range(n)])

    def __array__(self, dtype=None, copy=None):
        a = _step(f"array:{_desc(self)}", lambda: np.asarray(_unwrap(self)))
        return a if dtype is None else a.astype(dtype)

    def __enter__(self):
        return _step(f"enter:{_desc(self)}", lambda: _unwrap(self).__enter__())

    def __exit__(self, *exc):
        return _step(f"exit:{_desc(self)}:{exc[0] is not None}",
                     lambda: _unwrap(self).__exit__(*exc))


for _name in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__and__",
              "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lshift__",
              "__rlshift__", "__rshift__", "__rrshift__", "__iadd__", "__isub__", "__imul__",
              "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__",
              "__ixor__", "__ilshift__", "__irshift__", "__imatmul__", "__eq__", "__ne__",
              "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__pos__", "__abs__",
              "__invert__", "__getitem__", "__setitem__", "__delitem__", "__contains__"]:
    setattr(Proxy, _name, _op(_name))


_ROOT = Proxy(_real_torch, "torch")


def torch():
    """The torch module, recorded or replayed (see the module docstring)."""
    return _ROOT


def isinstance_(x, cls):
    """isinstance() that also takes torch classes (torch.Tensor), recorded."""
    if not isinstance(x, Proxy):
        if isinstance(cls, Proxy):
            return LIVE and _cur is None and isinstance(x, cls)
        return isinstance(x, cls)
    return _step(f"isinstance:{_desc(x)}:{_desc(cls)}",
                 lambda: isinstance(_unwrap(x), _unwrap(cls)))


def same(x, y):
    """`x is y` for torch objects (proxies of the same object are distinct), recorded."""
    if not (isinstance(x, Proxy) and isinstance(y, Proxy)):
        return x is y
    return _step(f"is:{_desc(x)}:{_desc(y)}", lambda: _unwrap(x) is _unwrap(y))


def is_live():
    return LIVE


def optional_torch():
    """The real torch module, or None when it is absent or MINITORCH_TEST_NO_TORCH=1:
    for code outside a test's recorded calls (fixtures resetting torch's state)."""
    return _real_torch


def real_torch():
    """The real torch module, for the few tests that need torch itself (not a
    recorded oracle); skips the test when torch is absent or MINITORCH_TEST_NO_TORCH=1.
    Tests never `import torch` or `pytest.importorskip("torch")` directly."""
    if not LIVE:
        import pytest
        pytest.skip("needs torch (not installed, or MINITORCH_TEST_NO_TORCH=1)")
    return _real_torch


# ---- pytest glue (called from conftest.py) ----

def collected(module, key):
    _collected.setdefault(module, set()).add(key)


def save():
    """Writes the records produced by a regeneration session."""
    if not REGEN or not _written:
        return
    os.makedirs(DATA_DIR, exist_ok=True)
    for module, recs in sorted(_written.items()):
        tests = dict(_load(module))
        keep = _collected.get(module)
        if keep is not None:
            tests = {k: v for k, v in tests.items() if k in keep}
        tests.update(recs)
        values, index, out = [], {}, {}
        for key in sorted(tests):
            r = tests[key]
            evs = []
            for s in sorted(r["e"]):
                h, kind, v = r["e"][s]
                if kind in ("v", "s"):
                    j = json.dumps(v, sort_keys=True, separators=(",", ":"))
                    if j not in index:
                        index[j] = len(values)
                        values.append(v)
                    v = index[j]
                evs.append([s, h, kind, v])
            out[key] = {"n": r["n"], "d": r["d"], "e": evs}
        with gzip.GzipFile(_path(module), "wb", mtime=0) as f:
            f.write(json.dumps({"values": values, "tests": out}, sort_keys=True,
                               separators=(",", ":")).encode())
        _files.pop(module, None)
