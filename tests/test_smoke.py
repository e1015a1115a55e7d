import numpy as np

import minitorch


def test_numpy_roundtrip_shares_memory():
    t = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = t.numpy()
    a[1, 0] = 7.0
    assert t.tolist() == [[1.0, 2.0], [7.0, 4.0]]
    assert np.shares_memory(a, t.numpy())
