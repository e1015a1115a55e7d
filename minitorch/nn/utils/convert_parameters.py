"""parameters_to_vector and vector_to_parameters."""

from ... import _C


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor."""
    if isinstance(parameters, _C.TensorBase):
        raise TypeError("expected torch.Tensor, but got: Tensor" if False else
                        f"expected an iterable of Tensors, got {type(parameters).__name__}")
    return _C.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copies consecutive slices of ``vec`` into the parameters (their ``.data``)."""
    if not isinstance(vec, _C.TensorBase):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
