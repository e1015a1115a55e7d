"""The nn.Module classes."""

import typing as _typing

from .activation import (  # noqa: F401
    ELU,
    GELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)

# ---- layers block (Embedding, norms, BatchNorm, PReLU/SELU/CELU, Bilinear) ----
from .activation_extra import CELU, SELU, Bilinear, PReLU  # noqa: E402,F401
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: E402,F401
from .container import (  # noqa: F401
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)

# ---- end losses ----
# ---- convolution and pooling (issue 14) ----
from .conv import (  # noqa: E402, F401
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Fold,
    Unfold,
)
from .dropout import Dropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .instancenorm import (  # noqa: E402, F401  (issue 14, branch layers)
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LocalResponseNorm,
)
from .linear import Identity, Linear  # noqa: F401
from .loss import L1Loss, MSELoss  # noqa: F401

# ---- end layers block ----
# ---- losses (issue 9, branch losses) ----
from .loss_extra import (  # noqa: E402, F401
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    MarginRankingLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from .module import Module  # noqa: F401
from .normalization import GroupNorm, LayerNorm, RMSNorm  # noqa: E402,F401
from .pooling import (  # noqa: E402, F401
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    LPPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    PixelShuffle,
    PixelUnshuffle,
)
from .resize import (  # noqa: E402, F401  (issue 14, branch layers)
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)

# ---- end convolution and pooling ----
# ---- recurrent layers (issue 14) ----
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell  # noqa: E402, F401
from .sparse import Embedding, EmbeddingBag  # noqa: E402,F401

# ---- end recurrent layers ----
# ---- attention and Transformer layers (issue 14) ----
from .transformer import (  # noqa: E402, F401
    MultiheadAttention,
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

# ---- end attention ----

# Every class above. Computed, so it is hidden from type checkers, which then see every
# public name of this module instead (the same classes, plus the submodules).
if not _typing.TYPE_CHECKING:
    __all__ = [n for n in dir() if n[:1].isupper()]
