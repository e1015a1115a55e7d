"""Python-level parts of the matmul op family (most ops are C functions in _C).

einsum is written here only to accept PyTorch's calling forms (operands as
varargs or as one list, and the sublist form); the work is ``_C._einsum``.
"""

from . import _C

__all__ = ["einsum"]

# Note [NumPy's BLAS] (ext/python/ops_matmul.cpp): find NumPy's BLAS once.
_C._blas_init()

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_to_str(sub):
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
        elif isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 52:
            out.append(_LETTERS[s])
        else:
            raise ValueError(
                f"einsum(): expected subscript to be within the range [0, 52), but got {s!r}")
    return "".join(out)


def einsum(*args):
    """einsum(equation, *operands) -> Tensor

    Sums the product of the operands' elements over the dims the equation
    names (NumPy/PyTorch syntax: ``"ij,jk->ik"``, ``"..."`` for broadcast dims,
    implicit output when ``->`` is absent). The operands may also be passed as
    one list, or in the sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.
    Contractions run pairwise, left to right, as batched matrix products.
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = operands[0]
        return _C._einsum(equation, tuple(operands))
    # sublist form: op0, sub0, op1, sub1, ..., [out]
    operands = args[0::2][: len(args) // 2]
    subs = [_sublist_to_str(s) for s in args[1::2]]
    equation = ",".join(subs)
    if len(args) % 2 == 1:
        equation += "->" + _sublist_to_str(args[-1])
    return _C._einsum(equation, tuple(operands))
