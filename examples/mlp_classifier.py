"""An MLP classifier on a synthetic two-moons data set, written as a PyTorch user would.

Generates two interleaving half circles with NumPy, trains a small MLP with
DataLoader + TensorDataset, nn.CrossEntropyLoss and optim.Adam, prints one line
per epoch (loss, accuracy, time) and writes a decision-boundary plot to
mlp_classifier.png. Options: --epochs, --lr, --batch-size, --device, --out, --show.
"""

import argparse
import os
import time

import numpy as np

import minitorch as torch
from minitorch import nn
from minitorch.utils.data import DataLoader, TensorDataset


def make_moons(n=1000, noise=0.15, seed=0):
    rs = np.random.RandomState(seed)
    half = n // 2
    t_top = rs.uniform(0, np.pi, half)
    t_bot = rs.uniform(0, np.pi, n - half)
    top = np.stack([np.cos(t_top), np.sin(t_top)], axis=1)
    bot = np.stack([1 - np.cos(t_bot), 0.5 - np.sin(t_bot)], axis=1)
    X = np.concatenate([top, bot]) + noise * rs.randn(n, 2)
    y = np.concatenate([np.zeros(half), np.ones(n - half)]).astype(np.int64)
    return X.astype(np.float32), y


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 2),
        )

    def forward(self, x):
        return self.net(x)


def train(X, y, epochs=30, lr=0.01, batch_size=64, device="cpu", log=print):
    torch.manual_seed(0)
    dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    model = MLP().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    acc = 0.0
    for epoch in range(epochs):
        start = time.perf_counter()
        total, correct, seen = 0.0, 0, 0
        model.train()
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            loss = criterion(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            seen += len(yb)
        acc = correct / seen
        log(f"Epoch {epoch + 1}/{epochs}  loss {total / seen:.4f}  accuracy {acc:.3f}  "
            f"time {time.perf_counter() - start:.2f}s")
    return model


def accuracy(model, X, y, device="cpu"):
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(X).to(device)).argmax(dim=1).cpu().numpy()
    return float((pred == y).mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--out", default="mlp_classifier.png")
    args = parser.parse_args(argv)

    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = make_moons()
    model = train(X, y, epochs=args.epochs, lr=args.lr, batch_size=args.batch_size,
                  device=args.device)
    print(f"Training-set accuracy: {accuracy(model, X, y, args.device):.3f}")

    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 200),
                         np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 200))
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(grid).to(args.device)), dim=1)
    zz = probs[:, 1].cpu().numpy().reshape(xx.shape)
    plt.contourf(xx, yy, zz, levels=20, cmap="RdBu_r", alpha=0.6)
    plt.contour(xx, yy, zz, levels=[0.5], colors="k")
    plt.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", s=8, edgecolors="none")
    plt.xlabel("x1")
    plt.ylabel("x2")
    plt.title("MLP decision boundary (minitorch)")
    out = os.path.abspath(args.out)
    plt.savefig(out, dpi=100)
    print(f"Saved {out}")
    if args.show:
        plt.show()


if __name__ == "__main__":
    main()
