"""Tensor repr (placeholder: replaced by the PyTorch-exact formatter)."""


def _str(self, *, tensor_contents=None):
    body = repr(self.tolist())
    extra = []
    if self.dtype.__repr__() not in ("minitorch.float32", "minitorch.int64", "minitorch.bool"):
        extra.append(f"dtype={self.dtype!r}")
    if self.requires_grad:
        extra.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extra) + ")"
