"""The hand-written AVX2+FMA float32 tanh and sigmoid and float64 tanh (Note [Hand-written
tanh and sigmoid] in ext/cpu/vecmath_avx2.cpp): their error in ULPs against
float64 references, special values, and results that do not depend on a
value's neighbours in the vector. Each level runs in a subprocess with
MINITORCH_VECMATH capping it (both are hand-written at the AVX2 and AVX-512
levels; the AVX-512 forms do the AVX2 ones' operations on 16 lanes, so the
two give the same bits)."""

import hashlib
import json
import os
import subprocess
import sys

import numpy as np

import minitorch as m

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Measured maxima (docs/design.md, "Vector math accuracy") with a little slack.
BOUNDS = {"tanh": 3.0, "sigmoid": 2.5, "tanh64": 3.0}


def _sigmoid64(x):
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e / (1 + e), 1 / (1 + e))


def _inputs():
    bits = np.arange(0, 1 << 32, 2003, dtype=np.uint64).astype(np.uint32)
    edges = np.array([0.625, 9.01, 10.0, 87.0, 87.34, 88.72, 103.97, 110.0], np.float32)
    edges = np.concatenate([edges, -edges]).view(np.int32).astype(np.int64)
    near = (edges[:, None] + np.arange(-300, 301)).astype(np.int32).view(np.float32).ravel()
    dense = np.linspace(-12, 12, 100001, dtype=np.float32)
    return np.concatenate([bits.view(np.float32), near, dense])


def _ulp(got, ref):
    with np.errstate(all="ignore"):
        r32 = ref.astype(np.float32)
        err = np.abs(got.astype(np.float64) - ref) / np.spacing(np.abs(r32)).astype(np.float64)
    nan = np.isnan(ref)
    assert (np.isnan(got) == nan).all()
    return float(err[~nan].max())


def _inputs64():
    rng = np.random.default_rng(7)
    tiny = 10.0 ** rng.uniform(-320, 0, 50_000) * rng.choice([-1.0, 1.0], 50_000)
    return np.concatenate([rng.uniform(-25, 25, 200_000), rng.uniform(-1, 1, 100_000), tiny,
                           [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 18.7, 20.0, 0.3466]])


def _ulp64(got, x):
    """float64 error against the x87 long double tanh (64-bit significand)."""
    ref = np.tanh(x.astype(np.longdouble))
    nan = np.isnan(x)
    assert np.isnan(got[nan]).all() and not np.isnan(got[~nan]).any()
    err = np.abs(got[~nan].astype(np.longdouble) - ref[~nan]) / np.spacing(
        np.abs(ref[~nan].astype(np.float64)))
    return float(err.max())


def table():
    x = _inputs()
    t = m.from_numpy(x)
    with np.errstate(all="ignore"):
        x64 = x.astype(np.float64)
        th, sg = t.tanh().numpy(), t.sigmoid().numpy()
        d = _inputs64()
        td = m.from_numpy(d).tanh().numpy()
        return {"tanh": _ulp(th, np.tanh(x64)),
                "tanh_sha": hashlib.sha256(th.tobytes()).hexdigest(),
                "sigmoid": _ulp(sg, _sigmoid64(x64)),
                "sigmoid_sha": hashlib.sha256(sg.tobytes()).hexdigest(),
                "tanh64": _ulp64(td, d),
                "tanh64_sha": hashlib.sha256(td.tobytes()).hexdigest()}


def _table_at(level):
    env = dict(os.environ, MINITORCH_VECMATH=level)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, os.path.join(ROOT, "tests"),
                                                      env.get("PYTHONPATH")]))
    code = "import json, test_vecmath_hand as t; print(json.dumps(t.table()))"
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_error_within_bound_and_levels_agree():
    tables = {level: _table_at(level) for level in ["avx2", "avx512"]}
    for name in ["tanh_sha", "sigmoid_sha", "tanh64_sha"]:
        assert tables["avx2"][name] == tables["avx512"][name]
    for level, got in tables.items():
        for name, bound in BOUNDS.items():
            assert got[name] <= bound, (level, name, got[name])


def test_special_values_float64():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1e-300, 19.0, -30.0])
    th = m.from_numpy(x).tanh().numpy()
    assert th[[0, 1, 2, 3]].tolist() == [0.0, 0.0, 1.0, -1.0] and np.signbit(th[1])
    assert np.isnan(th[4]) and th[5] == 5e-324 and th[6] == 1e-300
    assert th[7] == 1.0 and th[8] == -1.0


def test_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-40, 15.0, -15.0, 20.0,
                  -120.0, 120.0, -100.0], np.float32)
    t = m.from_numpy(x)
    th = t.tanh().numpy()
    assert th[:4].tolist() == [0.0, 0.0, 1.0, -1.0]
    assert not np.signbit(th[0]) and np.signbit(th[1])
    assert np.isnan(th[4])
    assert th[5:8].tolist() == x[5:8].tolist()  # denormals return themselves
    assert th[8:11].tolist() == [1.0, -1.0, 1.0]
    sg = t.sigmoid().numpy()
    assert sg[[0, 1, 2, 3]].tolist() == [0.5, 0.5, 1.0, 0.0]
    assert np.isnan(sg[4])
    assert sg[11] == 0.0 and sg[12] == 1.0
    assert sg[13] == np.float32(np.exp(-100.0))  # a denormal result, rounded once


def test_result_does_not_depend_on_neighbours():
    # vectors mixing lanes below the normal range of exp (sigmoid's two-factor
    # scaling) with ordinary lanes, and NaN lanes, in every position
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, 4099).astype(np.float32)
    x[rng.integers(0, x.size, 300)] = rng.uniform(-105, -86, 300).astype(np.float32)
    x[rng.integers(0, x.size, 30)] = np.nan
    for name in ["tanh", "sigmoid"]:
        whole = getattr(m.from_numpy(x), name)().numpy()
        alone = np.array([getattr(m.from_numpy(x[i:i + 1]), name)().numpy()[0]
                          for i in range(0, x.size, 7)], np.float32)
        np.testing.assert_array_equal(whole[::7], alone, err_msg=name)
        for s in range(1, 8):
            np.testing.assert_array_equal(getattr(m.from_numpy(x[s:]), name)().numpy(),
                                          whole[s:], err_msg=name)
