"""nn.utils.rnn: pad_sequence."""

from ... import _C


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks tensors of shape (L_i, *) into (max L, B, *) (or (B, max L, *) with
    ``batch_first``), filling with ``padding_value`` on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences:
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(
                f"The size of tensor a ({trailing}) must match the size of tensor b "
                f"({tuple(s.shape[1:])}) at non-singleton dimension 1")
    max_len = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        n = max_len - s.shape[0]
        if n:
            fill = _C.full((n,) + trailing, padding_value, dtype=s.dtype)
            s = _C.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        rows.append(s)
    return _C.stack(rows, 0 if batch_first else 1)
