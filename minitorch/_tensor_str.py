"""Tensor repr: the text PyTorch prints for a tensor, with ``minitorch.`` names.

The output must equal ``repr(torch_tensor).replace("torch.", "minitorch.")``
character for character, so the layout rules below are PyTorch's rules; the
code is ours. The work happens in three passes:

1. gather  -- copy the values that will be shown into nested Python lists
   (``tolist()`` of small views only; a summarised tensor contributes just
   its edge items, so printing a huge tensor never copies it whole);
2. measure -- one ``_Formatter`` looks at every gathered value and picks the
   float style (integer-like, fixed point or scientific) and a common width;
3. render  -- nested brackets, one line per row, wrapped at ``linewidth``,
   then the ``dtype=`` / ``size=`` / ``requires_grad=`` suffixes.

Options live in one module-level object changed by ``set_printoptions``.
"""

import contextlib
import math

from . import _C

__all__ = ["set_printoptions"]


class _PrintOptions:
    """Current print options; PyTorch's defaults (its "default" profile)."""

    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set the options used when tensors are printed.

    Args:
        precision: digits after the decimal point for floating output (default 4).
        threshold: element count above which a tensor is summarised (default 1000).
        edgeitems: items kept at each end of a summarised dimension (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``; sets the four
            options above first, then any explicitly given option wins.
        sci_mode: ``True``/``False`` forces scientific notation on/off; ``None``
            (also what an omitted argument means) lets the formatter choose.
    """
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    # As in PyTorch, sci_mode is always assigned: omitting it means "automatic".
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options as a dict (keys are set_printoptions' names)."""
    return {name: getattr(PRINT_OPTS, name)
            for name in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager: ``set_printoptions(**kwargs)`` inside, old options after."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ---- pass 1: gather ----

class _Elided:
    """Stands for the hidden middle of a summarised dimension."""

    __slots__ = ()


_ELIDED = _Elided()


def _gather(t, summarize, edge):
    """Nested lists holding the values to print (a bare value for 0-d).

    With ``summarize``, a dimension longer than ``2 * edge`` keeps ``edge``
    entries at each end with ``_ELIDED`` between them. Indexing and slicing
    give views, so only the kept values are ever copied out.
    """
    if t.dim() == 0:
        return t.item()
    if not summarize:
        return t.tolist()
    n = t.shape[0]
    if t.dim() == 1:
        if n > 2 * edge:
            return t[:edge].tolist() + [_ELIDED] + t[n - edge:].tolist()
        return t.tolist()
    if n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
    else:
        rows = range(n)
    return [_ELIDED if i is None else _gather(t[i], True, edge) for i in rows]


def _leaves(node, dim):
    """Every gathered value, skipping the _ELIDED markers."""
    if dim == 0:
        yield node
    elif dim == 1:
        for v in node:
            if v is not _ELIDED:
                yield v
    else:
        for child in node:
            if child is not _ELIDED:
                yield from _leaves(child, dim - 1)


# ---- pass 2: measure ----

class _Formatter:
    """One style and width shared by every element of a tensor.

    Floats: if every nonzero finite value is integral they print as ``3.``
    (integer style); otherwise with ``precision`` decimals. Scientific
    notation replaces either when the nonzero finite magnitudes span more
    than a factor 1000, exceed 1e8, or go below 1e-4 (or when forced by
    ``sci_mode``). Zeros, nan and inf take no part in that choice nor in the
    width, which is why ``nan`` can end up padded or the column misaligned,
    exactly as PyTorch prints it.
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            self.width = max((len(str(v)) for v in values), default=1)
            return
        shown = [v for v in values if v != 0 and math.isfinite(v)]
        if not shown:
            return  # only zeros/nan/inf: integer style, width 1
        mags = [abs(v) for v in shown]
        lo, hi = min(mags), max(mags)
        self.int_mode = all(v.is_integer() for v in shown)
        if PRINT_OPTS.sci_mode is None:
            # Python float division gives inf rather than raising on overflow.
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        if self.sci_mode:
            widths = (len(f"{v:.{p}e}") for v in shown)
        elif self.int_mode:
            widths = (len(f"{v:.0f}") + 1 for v in shown)  # +1 for the trailing "."
        else:
            widths = (len(f"{v:.{p}f}") for v in shown)
        self.width = max(1, max(widths))

    def format(self, v):
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            s = f"{v:.0f}"
            if math.isfinite(v):
                s += "."
        else:
            s = f"{v:.{PRINT_OPTS.precision}f}"
        return s.rjust(self.width)


# ---- pass 3: render ----

def _render(node, dim, indent, fmt):
    """Bracketed text of ``node``; ``indent`` is the column of its "[" ."""
    if dim == 0:
        return fmt.format(node)
    if dim == 1:
        cells = [" ..." if v is _ELIDED else fmt.format(v) for v in node]
        per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
        lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if c is _ELIDED else _render(c, dim - 1, indent + 1, fmt) for c in node]
    # Blank lines between blocks grow with depth: one per dimension below.
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(parts) + "]"


def _tensor_str(t, indent):
    """The bracketed body of a non-empty tensor."""
    summarize = t.numel() > PRINT_OPTS.threshold
    if summarize and not PRINT_OPTS.edgeitems and t.dim() > 0:
        return "[...]"
    node = _gather(t, summarize, PRINT_OPTS.edgeitems)
    fmt = _Formatter(list(_leaves(node, t.dim())), t.dtype.is_floating_point)
    return _render(node, t.dim(), indent, fmt)


def _torch_len(suffix):
    """Length of ``suffix`` as PyTorch would spell it.

    Our text is PyTorch's with ``torch.`` renamed ``minitorch.``; the rename
    happens after PyTorch's line-wrapping decision, so wrapping must measure
    ``dtype=torch.float16`` even though we print ``dtype=minitorch.float16``.
    """
    return len(suffix) - (len("minitorch.") - len("torch.")) * suffix.count("minitorch.")


def _add_suffixes(text, suffixes, indent):
    """Append ``, suffix`` items, moving one to a new line when it would pass
    the line width; closes the parenthesis."""
    out = [text]
    # PyTorch's measure of the last line (2 more than its length when there
    # is no newline); kept because it decides where suffixes wrap.
    line_len = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        n = _torch_len(s)
        if line_len + n + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            line_len = indent + n
        else:
            out.append(", " + s)
            line_len += n + 2
    out.append(")")
    return "".join(out)


def _parameter_type():
    from . import nn

    return getattr(nn, "Parameter", None)


def _str(self, *, tensor_contents=None):
    """``repr(tensor)``; ``tensor_contents`` replaces the bracketed body."""
    from ._tensor import Tensor

    param = _parameter_type()
    plain = type(self) is Tensor or (param is not None and type(self) is param)
    prefix = "tensor(" if plain else f"{type(self).__name__}("
    indent = len(prefix)
    suffixes = []
    if self.device.type != "cpu":
        suffixes.append(f"device='{self.device}'")
    dtype = self.dtype
    default = _C.get_default_dtype()
    if self.numel() == 0:
        # Nothing shows the dtype of an empty tensor, so only the default
        # float dtype goes unnamed; the shape is named unless it is (0,).
        if self.dim() != 1:
            suffixes.append(f"size={tuple(self.shape)}")
        if dtype != default:
            suffixes.append(f"dtype={dtype}")
        body = "[]" if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(self.shape)}")
        if dtype not in (default, _C.int64, _C.bool):
            suffixes.append(f"dtype={dtype}")
        body = _tensor_str(self, indent) if tensor_contents is None else tensor_contents
    grad_fn = getattr(self, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif self.requires_grad:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(prefix + body, suffixes, indent)
    if param is not None and isinstance(self, param) and not plain:
        text = f"Parameter({text})"
    return text
