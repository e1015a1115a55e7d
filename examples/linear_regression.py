"""Fit a straight line to noisy data and plot it: minitorch's main example.

    python examples/linear_regression.py

Draws 200 points of y = 3x + 2 + noise with minitorch's random generator,
fits slope and intercept by least squares, prints them, and writes
linear_regression.png (data and fitted line) into the current directory.

Where it stands: minitorch does not have its arithmetic operators, autograd
or optimisers yet, so the arithmetic and the fit run in NumPy on zero-copy
views of minitorch tensors (`Tensor.numpy()` shares memory, nothing is
copied). When minitorch.nn / autograd / optim land, the fit moves to
minitorch: a model `w * x + b`, `loss.backward()` and an SGD step, with this
least-squares answer kept as the check.
"""

import os

import numpy as np

import minitorch as torch

N = 200
TRUE_SLOPE, TRUE_INTERCEPT, NOISE = 3.0, 2.0, 0.5


def make_data(n=N, seed=0):
    """x uniform in [0, 10), y = 3x + 2 + N(0, 0.5^2), as float64 tensors."""
    torch.manual_seed(seed)
    x = torch.rand(n, dtype=torch.float64)
    noise = torch.randn(n, dtype=torch.float64)
    y = torch.empty(n, dtype=torch.float64)
    # The arithmetic runs in NumPy on views of the tensors: the writes land
    # in the tensors' own memory (no copy in either direction).
    xs, ns, ys = x.numpy(), noise.numpy(), y.numpy()
    np.multiply(xs, 10.0, out=xs)
    np.multiply(xs, TRUE_SLOPE, out=ys)
    ys += TRUE_INTERCEPT
    ys += NOISE * ns
    return x, y


def fit_least_squares(x, y):
    """Slope and intercept minimising sum((slope*x + intercept - y)^2)."""
    # Design matrix [x, 1], allocated by minitorch and filled through its view.
    design = torch.ones(x.shape[0], 2, dtype=torch.float64)
    a = design.numpy()
    a[:, 0] = x.numpy()
    (slope, intercept), *_ = np.linalg.lstsq(a, y.numpy(), rcond=None)
    return float(slope), float(intercept)


def plot(x, y, slope, intercept, path):
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    xs, ys = x.numpy(), y.numpy()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(xs, ys, s=10, alpha=0.6, label="data (minitorch.rand / randn)")
    line_x = np.array([xs.min(), xs.max()])
    ax.plot(line_x, slope * line_x + intercept, color="C3",
            label=f"fit: y = {slope:.3f} x + {intercept:.3f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Least-squares line through y = 3x + 2 + noise")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    x, y = make_data()
    # Read back through minitorch: the values NumPy wrote are in the tensors.
    print(f"data: {N} points, x[:3] = {[round(v, 3) for v in x[:3].tolist()]}, "
          f"y[:3] = {[round(v, 3) for v in y[:3].tolist()]}")
    slope, intercept = fit_least_squares(x, y)
    print(f"slope = {slope:.4f} (true {TRUE_SLOPE})")
    print(f"intercept = {intercept:.4f} (true {TRUE_INTERCEPT})")
    path = os.path.abspath("linear_regression.png")
    plot(x, y, slope, intercept, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
