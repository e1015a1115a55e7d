"""The seed program: a PyTorch linear regression, run unchanged on minitorch.

Fits y = 2x + 1 (plus noise) with nn.Linear, MSELoss and SGD, prints the loss
every 10 epochs and the learned weight and bias, and writes
linear_regression.png (a scatter of the data with the fitted line) into the
current directory. Options: --epochs, --lr, --device, --show (open a window
instead of the Agg backend), --out (the PNG's path).
"""

import argparse
import os

import numpy as np

import minitorch as torch


class LinearRegression(torch.nn.Module):
    def __init__(self):
        super(LinearRegression, self).__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_data():
    np.random.seed(0)
    X = np.random.rand(100, 1)
    y = 2 * X + 1 + 0.1 * np.random.randn(100, 1)
    return X, y


def train(X, y, epochs=100, lr=0.01, device="cpu", log=print):
    X_tensor = torch.from_numpy(X).float().to(device)
    y_tensor = torch.from_numpy(y).float().to(device)
    model = LinearRegression().to(device)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        outputs = model(X_tensor)
        loss = criterion(outputs, y_tensor)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (epoch + 1) % 10 == 0:
            log(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")
    return model, X_tensor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--out", default="linear_regression.png")
    args = parser.parse_args(argv)

    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = make_data()
    model, X_tensor = train(X, y, epochs=args.epochs, lr=args.lr, device=args.device)
    weight = model.linear.weight.item()
    bias = model.linear.bias.item()
    print(f"Learned weight: {weight:.4f}, bias: {bias:.4f}")

    predicted = model(X_tensor).detach().cpu().numpy()
    order = np.argsort(X[:, 0])
    plt.scatter(X, y, label="Original data", s=12)
    plt.plot(X[order], predicted[order], color="red", label="Fitted line")
    plt.xlabel("X")
    plt.ylabel("y")
    plt.title("Linear regression with minitorch")
    plt.legend()
    out = os.path.abspath(args.out)
    plt.savefig(out)
    print(f"Wrote {out}")
    if args.show:
        plt.show()


if __name__ == "__main__":
    main()
