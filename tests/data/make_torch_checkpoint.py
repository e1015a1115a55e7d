"""Writes tests/data/torch_checkpoint.pt with torch.save (run from the repo root with
torch installed: `python tests/data/make_torch_checkpoint.py`). The values are simple
formulas so tests/test_serialization.py can check them without torch."""
import collections
import os

import torch

w = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4
obj = {
    "state": collections.OrderedDict([
        ("weight", torch.nn.Parameter(w)),
        ("bias", torch.tensor([-1.5, 2.0, 0.25], dtype=torch.float64)),
    ]),
    "view": w[1:, ::2],           # a view of the weight's storage
    "t": w.t(),                   # another view, non-contiguous
    "ints": torch.arange(5, dtype=torch.int64) * 7 - 3,
    "half": torch.tensor([0.5, -2.0], dtype=torch.float16),
    "bf16": torch.tensor([1.0, 3.0], dtype=torch.bfloat16),
    "mask": torch.tensor([True, False, True]),
    "rg": torch.ones(2, requires_grad=True),
    "meta": {"epoch": 3, "name": "ckpt", "lr": 0.1, "none": None, "tup": (1, 2)},
    "dtype": torch.int16,
}
torch.save(obj, os.path.join(os.path.dirname(__file__), "torch_checkpoint.pt"))
