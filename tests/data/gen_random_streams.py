"""Records torch's CPU random streams into random_streams.json.

Run from the repository root: python tests/data/gen_random_streams.py
"""

import json
import pathlib

import torch

SIZES = [1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 257]
OUT = pathlib.Path(__file__).with_name("random_streams.json")


def cases():
    for dt in ("float32", "float64"):
        for n in SIZES:
            yield ("rand", dt, n, lambda n, d: torch.rand(n, dtype=d))
            yield ("randn", dt, n, lambda n, d: torch.randn(n, dtype=d))
            yield ("uniform_", dt, n, lambda n, d: torch.empty(n, dtype=d).uniform_(-0.3, 0.7))
            yield ("normal_", dt, n, lambda n, d: torch.empty(n, dtype=d).normal_(0.5, 2.0))
            yield ("bernoulli_", dt, n, lambda n, d: torch.empty(n, dtype=d).bernoulli_(0.3))
            yield ("normal_T", dt, n, lambda n, d: torch.empty(3, n, dtype=d).T.normal_())


def record():
    rows = []
    for name, dt, n, fn in cases():
        torch.manual_seed(n)
        first = fn(n, getattr(torch, dt))
        second = fn(n, getattr(torch, dt))  # continues the stream
        rows.append({"op": name, "dtype": dt, "n": n,
                     "values": [first.reshape(-1).tolist(), second.reshape(-1).tolist()]})
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    linear = {"weight": lin.weight.tolist(), "bias": lin.bias.tolist()}
    return {"torch": torch.__version__, "streams": rows, "linear_3_2_seed0": linear}


if __name__ == "__main__":
    OUT.write_text(json.dumps(record()))
