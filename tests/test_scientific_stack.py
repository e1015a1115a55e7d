"""The scientific-Python stack takes CPU tensors directly (issue 13 item 4): NumPy,
pandas, matplotlib, SciPy and scikit-learn, each without calling ``.numpy()``, and
zero-copy where the consumer keeps a view. Everything reaches the tensor through the
buffer protocol / ``__array__`` (shared/NUMPY_BRIDGE.md), so a tensor that requires
grad gives ``.numpy()``'s RuntimeError through every path. One test per library."""


import numpy as np
import pytest

import minitorch as mt

GRAD_MESSAGE = "Use tensor.detach\\(\\).numpy\\(\\) instead"


def mat():
    return mt.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]], dtype=mt.float64)


def test_numpy():
    t = mat()
    a = np.asarray(t)
    assert np.shares_memory(a, t.numpy()) and a.dtype == np.float64
    r = np.add(t, 1)
    assert isinstance(r, mt.Tensor)
    np.testing.assert_array_equal(r.numpy(), t.numpy() + 1)
    s = np.stack([t, t.t()])
    assert isinstance(s, np.ndarray) and s.shape == (2, 3, 3)
    np.testing.assert_array_equal(s[1], t.numpy().T)
    np.testing.assert_array_equal(np.concatenate([t[0], t[1]]), t.numpy()[:2].ravel())


def test_pandas():
    pd = pytest.importorskip("pandas")
    t = mat()
    df = pd.DataFrame(t, columns=["a", "b", "c"])
    np.testing.assert_array_equal(df.to_numpy(), t.numpy())
    assert list(df.dtypes) == [np.float64] * 3
    s = pd.Series(t[:, 1])
    np.testing.assert_array_equal(s.to_numpy(), [1.0, 3.0, 0.25])
    assert np.shares_memory(s.to_numpy(), t.numpy())  # a Series keeps the view
    assert np.shares_memory(pd.DataFrame(t, copy=False).to_numpy(), t.numpy())
    i = pd.Series(mt.arange(4))
    assert i.dtype == np.int64 and i.tolist() == [0, 1, 2, 3]


def test_matplotlib():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    t = mat()
    x = mt.linspace(0, 1, 5)
    fig = plt.figure()
    try:
        (line,) = plt.plot(x, x * x)
        np.testing.assert_allclose(line.get_xdata(), x.numpy())
        np.testing.assert_allclose(line.get_ydata(), (x * x).numpy())
        lines = plt.plot(t)  # one line per column, as for an ndarray
        assert len(lines) == 3
        np.testing.assert_array_equal(lines[2].get_ydata(), t.numpy()[:, 2])
        img = plt.imshow(t)
        np.testing.assert_array_equal(np.asarray(img.get_array()), t.numpy())
        pts = plt.scatter(x, -x)
        np.testing.assert_allclose(pts.get_offsets(), np.stack([x.numpy(), -x.numpy()], 1))
        fig.canvas.draw()
    finally:
        plt.close(fig)


def test_scipy():
    pytest.importorskip("scipy")
    import scipy.linalg
    import scipy.ndimage
    import scipy.signal

    t = mat()
    b = mt.tensor([[1.0], [2.0], [3.0]], dtype=mt.float64)
    np.testing.assert_allclose(scipy.linalg.solve(t, b), np.linalg.solve(t.numpy(), b.numpy()))
    np.testing.assert_allclose(scipy.linalg.solve(t, t), np.eye(3), atol=1e-12)
    sig = mt.arange(8.0)
    ker = mt.tensor([1.0, -1.0])
    np.testing.assert_allclose(scipy.signal.convolve(sig, ker), np.convolve(sig.numpy(), [1, -1]))
    np.testing.assert_allclose(scipy.signal.lfilter([1.0], [1.0, -0.5], sig),
                               scipy.signal.lfilter([1.0], [1.0, -0.5], sig.numpy()))
    img = mt.arange(25.0).reshape(5, 5)
    np.testing.assert_allclose(scipy.ndimage.gaussian_filter(img, 1.0),
                               scipy.ndimage.gaussian_filter(img.numpy(), 1.0))
    np.testing.assert_array_equal(scipy.ndimage.shift(img, (1, 0), order=0)[1:],
                                  img.numpy()[:-1])


def test_sklearn():
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import StandardScaler

    X = mt.arange(20.0).reshape(10, 2) ** 0.5
    y = X[:, 0] * 2.0 - X[:, 1] + 0.5
    model = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, [2.0, -1.0], atol=1e-4)
    np.testing.assert_allclose(model.predict(X), y.numpy(), atol=1e-4)
    scaled = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(scaled.mean(0), 0.0, atol=1e-6)


def _paths():
    """(id, library module to importorskip or None, call on a tensor that requires grad)."""

    def mpl(fn):
        def run(g):
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            try:
                return getattr(plt, fn)(*([g, g] if fn == "scatter" else [g]))
            finally:
                plt.close("all")
        return run

    def sp(mod, fn, *args):
        def run(g):
            import importlib
            return getattr(importlib.import_module(mod), fn)(g, *args)
        return run

    def sk(g):
        from sklearn.linear_model import LinearRegression
        return LinearRegression().fit(g, g[:, 0].detach())

    return [
        ("np.asarray", None, np.asarray),
        ("np.array", None, np.array),
        ("np.stack", None, lambda g: np.stack([g, g])),
        ("np.concatenate", None, lambda g: np.concatenate([g.detach(), g])),
        ("memoryview", None, memoryview),
        ("DataFrame", "pandas", lambda g: __import__("pandas").DataFrame(g)),
        ("Series", "pandas", lambda g: __import__("pandas").Series(g[0])),
        ("plot", "matplotlib", mpl("plot")),
        ("imshow", "matplotlib", mpl("imshow")),
        ("scatter", "matplotlib", mpl("scatter")),
        ("linalg.solve", "scipy", lambda g: __import__("scipy.linalg").linalg.solve(g, g)),
        ("signal.convolve", "scipy", sp("scipy.signal", "convolve", np.ones((2, 2)))),
        ("ndimage.gaussian_filter", "scipy", sp("scipy.ndimage", "gaussian_filter", 1.0)),
        ("sklearn.fit", "sklearn", sk),
    ]


@pytest.mark.parametrize("lib,call", [p[1:] for p in _paths()], ids=[p[0] for p in _paths()])
def test_requires_grad_gives_the_numpy_error(lib, call):
    if lib is not None:
        pytest.importorskip(lib)
    g = (mat() + 0).requires_grad_()
    err = BufferError if call is memoryview else RuntimeError
    with pytest.raises(err, match="detach"):
        call(g)
    if err is RuntimeError:
        with pytest.raises(RuntimeError, match=GRAD_MESSAGE):
            call(g)
    with mt.no_grad():  # as .numpy(): allowed, and shares, under no_grad
        call(g)
    call(g.detach())
