"""The nn.Module classes."""

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
from .container import (  # noqa: F401
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)
from .dropout import Dropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .loss import L1Loss, MSELoss  # noqa: F401
from .module import Module  # noqa: F401

__all__ = [n for n in dir() if n[:1].isupper()]

# ---- layers block (Embedding, norms, BatchNorm, PReLU/SELU/CELU, Bilinear) ----
from .activation_extra import CELU, SELU, Bilinear, PReLU  # noqa: E402,F401
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: E402,F401
from .normalization import GroupNorm, LayerNorm, RMSNorm  # noqa: E402,F401
from .sparse import Embedding, EmbeddingBag  # noqa: E402,F401

__all__ = [n for n in dir() if n[:1].isupper()]
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
    SmoothL1Loss,
    TripletMarginLoss,
)

__all__ = [n for n in dir() if n[:1].isupper()]
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
from .pooling import (  # noqa: E402, F401
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
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

__all__ = [n for n in dir() if n[:1].isupper()]
# ---- end convolution and pooling ----

# ---- recurrent layers (issue 14) ----
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell  # noqa: E402, F401

__all__ = [n for n in dir() if n[:1].isupper()]
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

__all__ = [n for n in dir() if n[:1].isupper()]
# ---- end attention ----
