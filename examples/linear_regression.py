"""Fit a straight line to noisy data and plot it: minitorch's main example.

    python examples/linear_regression.py

Draws 200 points of y = 3x + 2 + noise with minitorch, fits slope and
intercept by least squares (the normal equations, solved with minitorch's
matmul and reductions), prints them, and writes linear_regression.png (data
and fitted line) into the current directory; the plot reads the tensors
through zero-copy NumPy views.

minitorch has no autograd or optimisers yet: when they land, the fit becomes
a model `w * x + b`, `loss.backward()` and an SGD step, with this closed-form
answer kept as the check (NumPy's lstsq checks it in tests/test_example.py).
"""

import os

import numpy as np  # for the plot only

import minitorch as torch

N = 200
TRUE_SLOPE, TRUE_INTERCEPT, NOISE = 3.0, 2.0, 0.5


def make_data(n=N, seed=0):
    """x uniform in [0, 10), y = 3x + 2 + N(0, 0.5^2), as float64 tensors."""
    torch.manual_seed(seed)
    x = torch.rand(n, dtype=torch.float64) * 10.0
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + NOISE * torch.randn(n, dtype=torch.float64)
    return x, y


def fit_least_squares(x, y):
    """Slope and intercept minimising sum((slope*x + intercept - y)^2).

    Solves the normal equations (A^T A) w = A^T y for the design matrix
    A = [x, 1]; A^T A is 2x2, so its inverse is written out."""
    a = torch.stack([x, torch.ones_like(x)], dim=1)  # (n, 2)
    ata = a.T @ a                                     # (2, 2)
    aty = a.T @ y                                     # (2,)
    (p, q), (_, r) = ata.tolist()
    det = p * r - q * q
    inv = torch.tensor([[r, -q], [-q, p]], dtype=torch.float64) / det
    slope, intercept = (inv @ aty).tolist()
    return slope, intercept


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
