"""RNN, LSTM, GRU and their cells, with PyTorch's parameter names, layouts,
gate orders and initialisation, so state_dicts interchange.

Each layer projects the whole input sequence at once (one matmul with
``weight_ih``), then runs its time steps as a loop: per step one matmul with
``weight_hh`` and one fused C++ op for the gate math, with one backward node
(Note [Fused RNN cells] in ext/ops/rnnattn.cpp). Tensors on a device without
the fused kernels take the composite cells below.
"""

import math

import minitorch as _mt

from ... import _C
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils import rnn as _rnn_utils
from .module import Module
from .sparse import _factory

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

_fused_lstm = _C._fused_lstm_cell
_fused_gru = _C._fused_gru_cell
_fused_rnn = _C._fused_rnn_cell


def _lstm_cell(gi, h, c, w_hh, b_hh, w_hr):
    gh = F.linear(h, w_hh, b_hh)
    if gi.device.type == "cpu":
        h, c = _fused_lstm(gi, gh, c)
    else:
        i, f, g, o = (gi + gh).chunk(4, -1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_cell(gi, h, w_hh, b_hh):
    gh = F.linear(h, w_hh, b_hh)
    if gi.device.type == "cpu":
        return _fused_gru(gi, gh, h)
    ir, iz, in_ = gi.chunk(3, -1)
    hr, hz, hn = gh.chunk(3, -1)
    r = (ir + hr).sigmoid()
    z = (iz + hz).sigmoid()
    n = (in_ + r * hn).tanh()
    return (1 - z) * n + z * h


def _rnn_cell(gi, h, w_hh, b_hh, relu):
    gh = F.linear(h, w_hh, b_hh)
    if gi.device.type == "cpu":
        return _fused_rnn(gi, gh, relu)
    pre = gi + gh
    return pre.relu() if relu else pre.tanh()


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1 or \
                isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if dropout > 0 and num_layers == 1:
            import warnings
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        kw = _factory(device, dtype)
        gate = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(dirs):
                in_size = input_size if layer == 0 else real_hidden * dirs
                sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                params = [("weight_ih", (gate, in_size)), ("weight_hh", (gate, real_hidden))]
                if bias:
                    params += [("bias_ih", (gate,)), ("bias_hh", (gate,))]
                if proj_size > 0:
                    params += [("weight_hr", (proj_size, hidden_size))]
                for name, shape in params:
                    setattr(self, name + sfx, Parameter(_mt.empty(*shape, **kw)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional else 1))
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _weights(self, layer, direction):
        sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(getattr(self, n + sfx, None)
                     for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def _check_input(self, input, hx):
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def forward(self, input, hx=None):
        packed = input if isinstance(input, _rnn_utils.PackedSequence) else None
        masks = None
        if packed is not None:
            # run the padded (T, B, *) batch in sorted order; masks keep each
            # sequence's state frozen outside its valid steps, so h_n is the state at its
            # last valid step and the reverse direction starts there
            x, lengths = _rnn_utils.pad_packed_sequence(
                _rnn_utils.PackedSequence(packed.data, packed.batch_sizes))
            self._check_input(x, hx)
            lens = [int(v) for v in lengths.tolist()]
            masks = [_mt.tensor([[n > t] for n in lens], device=x.device)
                     for t in range(x.shape[0])]
            if hx is not None and packed.sorted_indices is not None:
                idx = packed.sorted_indices
                hx = (tuple(h.index_select(1, idx) for h in hx)
                      if isinstance(hx, (tuple, list)) else hx.index_select(1, idx))
            unbatched = False
        else:
            self._check_input(input, hx)
            unbatched = input.dim() == 2
            x = input.unsqueeze(1) if unbatched else (
                input.transpose(0, 1) if self.batch_first else input)
        seq, batch = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        is_lstm = self.mode == "LSTM"
        if hx is None:
            h0 = _mt.zeros(self.num_layers * dirs, batch, real_hidden, dtype=x.dtype,
                           device=x.device)
            c0 = _mt.zeros(self.num_layers * dirs, batch, self.hidden_size, dtype=x.dtype,
                           device=x.device) if is_lstm else None
        else:
            if is_lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise RuntimeError("LSTM expects hx to be a tuple (h_0, c_0)")
                h0, c0 = hx
            else:
                h0, c0 = hx, None
            if unbatched:
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            want = (self.num_layers * dirs, batch, real_hidden)
            if tuple(h0.shape) != want:
                raise RuntimeError(f"Expected hidden size {want}, got {tuple(h0.shape)}")
            if c0 is not None and tuple(c0.shape) != want[:2] + (self.hidden_size,):
                raise RuntimeError(f"Expected hidden size {want[:2] + (self.hidden_size,)}, "
                                   f"got {tuple(c0.shape)}")
        h_n, c_n = [], []
        layer_in = x
        for layer in range(self.num_layers):
            outs = []
            for direction in range(dirs):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
                k = layer * dirs + direction
                h = h0[k]
                c = c0[k] if is_lstm else None
                # (seq, batch, gates), split once: unbind's backward stacks the steps'
                # gradients in one pass (indexing per step would add a full-size
                # gradient per step)
                gi_all = F.linear(layer_in, w_ih, b_ih).unbind(0)
                steps = range(seq - 1, -1, -1) if direction == 1 else range(seq)
                out_t = [None] * seq
                for t in steps:
                    gi = gi_all[t]
                    h_prev, c_prev = h, c
                    if is_lstm:
                        h, c = _lstm_cell(gi, h, c, w_hh, b_hh, w_hr)
                    elif self.mode == "GRU":
                        h = _gru_cell(gi, h, w_hh, b_hh)
                    else:
                        h = _rnn_cell(gi, h, w_hh, b_hh, self.mode == "RNN_RELU")
                    if masks is not None:
                        h = _mt.where(masks[t], h, h_prev)
                        if is_lstm:
                            c = _mt.where(masks[t], c, c_prev)
                    out_t[t] = h
                outs.append(_mt.stack(out_t, 0) if seq else
                            _mt.zeros(0, batch, real_hidden, dtype=x.dtype))
                h_n.append(h)
                if is_lstm:
                    c_n.append(c)
            layer_in = outs[0] if dirs == 1 else _mt.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = F.dropout(layer_in, self.dropout, True)
        output = layer_in
        h_n = _mt.stack(h_n, 0)
        c_n = _mt.stack(c_n, 0) if is_lstm else None
        if packed is not None:
            sizes = [int(b) for b in packed.batch_sizes.tolist()]
            data = _mt.cat([output[t, :b] for t, b in enumerate(sizes)], 0)
            out = _rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices,
                                            packed.unsorted_indices)
            if packed.unsorted_indices is not None:
                h_n = h_n.index_select(1, packed.unsorted_indices)
                c_n = c_n.index_select(1, packed.unsorted_indices) if is_lstm else None
            return out, ((h_n, c_n) if is_lstm else h_n)
        if unbatched:
            output = output.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, ((h_n, c_n) if is_lstm else h_n)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, *args, **kwargs):
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)


class LSTM(RNNBase):
    """LSTM with PyTorch's gate order (input, forget, cell, output) and proj_size."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """GRU with PyTorch's gate order (reset, update, new)."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = _factory(device, dtype)
        self.weight_ih = Parameter(_mt.empty(num_chunks * hidden_size, input_size, **kw))
        self.weight_hh = Parameter(_mt.empty(num_chunks * hidden_size, hidden_size, **kw))
        if bias:
            self.bias_ih = Parameter(_mt.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(_mt.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prep(self, input, hx, n_states):
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input
        if hx is None:
            z = _mt.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
            hx = (z, z) if n_states == 2 else z
        elif unbatched:
            hx = tuple(h.unsqueeze(0) for h in hx) if n_states == 2 else hx.unsqueeze(0)
        return x, hx, unbatched


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input, hx=None):
        x, h, unbatched = self._prep(input, hx, 1)
        h = _rnn_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh,
                      self.nonlinearity == "relu")
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, (h, c), unbatched = self._prep(input, hx, 2)
        h, c = _lstm_cell(F.linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh,
                          self.bias_hh, None)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, h, unbatched = self._prep(input, hx, 1)
        h = _gru_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h
