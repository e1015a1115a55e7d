"""Named-tuple result types, as ``torch.return_types``.

One line per type so that op families adding types merge trivially.
"""

from collections import namedtuple

sort = namedtuple("sort", ["values", "indices"])
topk = namedtuple("topk", ["values", "indices"])
kthvalue = namedtuple("kthvalue", ["values", "indices"])
