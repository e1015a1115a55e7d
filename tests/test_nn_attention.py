"""scaled_dot_product_attention, MultiheadAttention and the Transformer layers
against PyTorch (recorded oracle): the same weights from the same seed, outputs,
attention weights and input gradients, masks of both kinds; reprs."""

import numpy as np
import oracle
import pytest

import minitorch


def _arr(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


SDPA = [
    dict(),
    dict(is_causal=True),
    dict(scale=0.3),
    dict(mask="bool"),
    dict(mask="float"),
    dict(gqa=True),
]


@pytest.mark.parametrize("case", SDPA, ids=[str(c) for c in SDPA])
def test_sdpa_matches_torch(case):
    torch = oracle.torch()
    hk = 2 if case.get("gqa") else 4
    q, k, v = _arr(1, 2, 4, 5, 8), _arr(2, 2, hk, 6, 8), _arr(3, 2, hk, 6, 3)
    if case.get("is_causal"):
        k, v = k[:, :, :5], v[:, :, :5]
    res = []
    for lib in (minitorch, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        kw = {}
        if case.get("mask") == "bool":
            kw["attn_mask"] = lib.tensor(_arr(4, 5, 6) > -0.5)
        elif case.get("mask") == "float":
            kw["attn_mask"] = lib.tensor(_arr(4, 5, 6))
        for key in ("is_causal", "scale"):
            if key in case:
                kw[key] = case[key]
        if case.get("gqa"):
            kw["enable_gqa"] = True
        out = lib.nn.functional.scaled_dot_product_attention(*ts, **kw)
        (out * lib.tensor(_arr(5, *out.shape))).sum().backward()
        res.append([out.detach().numpy().copy()] + [t.grad.numpy().copy() for t in ts])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


MHA = [
    (dict(), dict()),
    (dict(batch_first=True), dict(average_attn_weights=False)),
    (dict(kdim=5, vdim=3), dict()),
    (dict(add_bias_kv=True, add_zero_attn=True), dict()),
    (dict(bias=False), dict(need_weights=False)),
    (dict(), dict(key_padding_mask="bool")),
    (dict(), dict(attn_mask="bool")),
    (dict(), dict(attn_mask="float", key_padding_mask="bool")),
    (dict(), dict(unbatched=True)),
]


@pytest.mark.parametrize("ctor, call", MHA, ids=[f"{a}-{b}" for a, b in MHA])
def test_multihead_attention_matches_torch(ctor, call):
    torch = oracle.torch()
    L, S, N, E = 4, 6, 3, 8
    kdim, vdim = ctor.get("kdim", E), ctor.get("vdim", E)
    bf = ctor.get("batch_first")
    unb = call.get("unbatched")

    def shape(seq, dim):
        if unb:
            return (seq, dim)
        return (N, seq, dim) if bf else (seq, N, dim)

    arrays = [_arr(10, *shape(L, E)), _arr(11, *shape(S, kdim)), _arr(12, *shape(S, vdim))]
    res = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(E, 2, **ctor).double()
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        kw = {k: v for k, v in call.items() if k in ("need_weights", "average_attn_weights")}
        if call.get("key_padding_mask"):
            kpm = np.zeros((N, S), bool)
            kpm[:, -2:] = True
            kw["key_padding_mask"] = lib.tensor(kpm)
        if call.get("attn_mask") == "bool":
            am = np.zeros((L, S), bool)
            am[0, 1] = am[2, 3] = True
            kw["attn_mask"] = lib.tensor(am)
        elif call.get("attn_mask") == "float":
            kw["attn_mask"] = lib.tensor(_arr(13, L, S))
        out, w = m(*ts, **kw)
        out.sum().backward()
        got = [out.detach().numpy().copy()] + [t.grad.numpy().copy() for t in ts]
        got.append(m.out_proj.weight.grad.numpy().copy())
        if call.get("need_weights", True):
            got.append(w.detach().numpy().copy())
        res.append((got, repr(m)))
    for a, b in zip(res[0][0], res[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    assert res[0][1] == res[1][1]


@pytest.mark.parametrize("kw", [dict(), dict(norm_first=True, activation="gelu"),
                                dict(batch_first=True)])
def test_transformer_encoder_and_decoder_match_torch(kw):
    torch = oracle.torch()
    src, tgt = _arr(20, 5, 2, 8), _arr(21, 4, 2, 8)
    if kw.get("batch_first"):
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    res = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        enc = lib.nn.TransformerEncoder(
            lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw), 2,
            norm=lib.nn.LayerNorm(8)).double()
        dec = lib.nn.TransformerDecoder(
            lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw), 2).double()
        s = lib.tensor(src, requires_grad=True)
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4).double()
        mem = enc(s)
        out = dec(lib.tensor(tgt), mem, tgt_mask=mask)
        out.sum().backward()
        res.append(([out.detach().numpy().copy(), s.grad.numpy().copy()], repr(enc), repr(dec)))
    for a, b in zip(res[0][0], res[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    assert res[0][1:] == res[1][1:]


def test_transformer_matches_torch():
    torch = oracle.torch()
    src, tgt = _arr(30, 5, 2, 8), _arr(31, 3, 2, 8)
    outs = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        t = lib.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0).double()
        outs.append(t(lib.tensor(src), lib.tensor(tgt)).detach().numpy().copy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-8, atol=1e-10)
    mask = minitorch.nn.Transformer.generate_square_subsequent_mask(3).numpy()
    assert np.isneginf(mask[0, 1]) and mask[1, 0] == 0 and mask[2, 2] == 0


def test_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        minitorch.nn.MultiheadAttention(7, 2)
    q = minitorch.zeros(1, 2, 3, 4)
    with pytest.raises(RuntimeError, match="should not be set when is_causal=True"):
        minitorch.nn.functional.scaled_dot_product_attention(
            q, q, q, attn_mask=minitorch.ones(3, 3, dtype=minitorch.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        minitorch.nn.TransformerEncoderLayer(8, 2, activation="tanh")
