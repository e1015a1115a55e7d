"""A character-level LSTM language model, written as a PyTorch user would.

Trains nn.Embedding -> nn.LSTM -> nn.Linear on the short text below (a few
public-domain nursery rhymes), with CrossEntropyLoss, Adam and gradient
clipping, prints the loss every --log-every steps and a sampled continuation
at the end, and writes the loss curve to char_lstm.png (Agg backend unless
--show). Options: --steps, --lr, --seq-len, --batch-size, --hidden, --seed, --out.
"""

import argparse
import os

import numpy as np

import minitorch as torch
from minitorch import nn

TEXT = """Twinkle, twinkle, little star, how I wonder what you are!
Up above the world so high, like a diamond in the sky.
Mary had a little lamb, its fleece was white as snow;
and everywhere that Mary went, the lamb was sure to go.
Jack and Jill went up the hill to fetch a pail of water;
Jack fell down and broke his crown, and Jill came tumbling after.
Hickory, dickory, dock, the mouse ran up the clock;
the clock struck one, the mouse ran down, hickory, dickory, dock.
Humpty Dumpty sat on a wall, Humpty Dumpty had a great fall;
all the king's horses and all the king's men
couldn't put Humpty together again.
"""


class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden=96, embed=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def sample(model, stoi, itos, start, length, temperature=0.8):
    model.eval()
    idx = [stoi[c] for c in start]
    with torch.no_grad():
        logits, state = model(torch.tensor([idx]))
        for _ in range(length):
            # a draw from softmax(logits / temperature), by the Gumbel-max trick
            gumbel = -(-torch.rand(logits.shape[-1]).log()).log()
            nxt = (logits[0, -1] / temperature + gumbel).argmax().item()
            idx.append(nxt)
            logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return "".join(itos[i] for i in idx)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seq-len", type=int, default=48)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--out", default="char_lstm.png")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)

    torch.manual_seed(args.seed)
    rs = np.random.RandomState(args.seed)
    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    data = np.array([stoi[c] for c in TEXT], np.int64)

    model = CharLSTM(len(chars), args.hidden)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    losses = []
    for step in range(1, args.steps + 1):
        starts = rs.randint(0, len(data) - args.seq_len - 1, args.batch_size)
        xb = torch.from_numpy(np.stack([data[s:s + args.seq_len] for s in starts]))
        yb = torch.from_numpy(np.stack([data[s + 1:s + args.seq_len + 1] for s in starts]))
        optimizer.zero_grad()
        logits, _ = model(xb)
        loss = criterion(logits.reshape(-1, len(chars)), yb.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if step % args.log_every == 0 or step == args.steps:
            print(f"step {step}/{args.steps}  loss {np.mean(losses[-args.log_every:]):.4f}")
    print("sample: " + sample(model, stoi, itos, "Mary had", 80).replace("\n", " / "))

    import matplotlib
    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.figure(figsize=(6, 4))
    plt.plot(losses)
    plt.xlabel("step")
    plt.ylabel("cross-entropy loss")
    plt.title("Character-level LSTM")
    plt.tight_layout()
    plt.savefig(args.out)
    print(f"Wrote {os.path.abspath(args.out)}")
    if args.show:
        plt.show()


if __name__ == "__main__":
    main()
