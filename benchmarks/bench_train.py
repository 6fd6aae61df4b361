"""Training speed: seconds per 1000 iterations of a 784-50-10 net, batch 100, SGD lr 0.1.

Compares, in one run on the same machine and data (the offline MNIST sample):
- scratch: TwoLayerNet in float32 with integer labels, one forward + one backward per step
  (the loss comes from that same forward pass), as the notebooks train;
- book: the book's own chapter-5 loop, layer by layer in float64 (book_baseline.py: one-hot
  labels, np.random.choice batches, dx even for the first layer, a second forward pass to log
  the loss);
- book-fused: the same float64 computation hand-fused into one function, without the first
  layer's dx: a faster baseline than the book's code, shown for reference;
- torch: the same net in PyTorch on the CPU, if PyTorch is importable;
- fused: scratch's computation hand-written in one function with no layers and no input
  checks, the floor for NumPy on this machine (the price of scratch's readability and checks
  is the gap between the two).
Prints each implementation's median time and its mean loss over its last 100 steps (all of
them must be learning, or the timing means nothing), then the ratios. The speed floor:
scratch at least 1.6x as fast as PyTorch CPU and 2.8x as fast as the book's loop, in the
same run. Run with one BLAS thread (`make bench` does).
"""

import argparse
import time

import numpy as np
from book_baseline import book_step

from scratch.datasets import load_mnist
from scratch.nets import TwoLayerNet
from scratch.optimizers import SGD

BATCH, LR, HIDDEN = 100, 0.1, 50


def chunk_seconds(steps, iters, repeats, chunk=100):
    """Seconds per 1000 calls of each step(i), one figure per chunk of `chunk` calls.

    Each implementation makes `repeats * iters` calls. The implementations take turns chunk
    by chunk (starting with a different one each round), so chunk k of every implementation
    ran within a second of the others: the load of a shared 2-core machine changes within
    seconds, and the ratio of two chunks of one round compares like with like.
    Returns {name: array of seconds per 1000 calls, one per round}.
    """
    names = list(steps)
    times = {name: [] for name in names}
    for step in steps.values():
        for i in range(20):  # warm-up: caches, lazy imports, first allocations
            step(i)
    rounds = max(1, repeats * iters // chunk)
    for rnd in range(rounds):
        for name in names[rnd % len(names):] + names[:rnd % len(names)]:
            step = steps[name]
            start = time.perf_counter()
            for i in range(rnd * chunk, (rnd + 1) * chunk):
                step(i)
            times[name].append((time.perf_counter() - start) * 1000 / chunk)
    return {name: np.array(t) for name, t in times.items()}


def scratch_step(x, t, rng):
    net, opt = TwoLayerNet(784, HIDDEN, 10, dtype=np.float32, rng=0), SGD(lr=LR)
    x = x.astype(np.float32)
    order = rng.permutation(len(x))
    per_epoch = len(x) // BATCH
    losses = []

    def step(i):
        k = i % per_epoch
        idx = order[k * BATCH:(k + 1) * BATCH]
        loss, grads = net.loss_and_gradient(x[idx], t[idx])
        opt.update(net.params, grads)
        losses.append(loss)

    step.losses = losses
    return step


def book_fused_step(x, t, rng):
    """The book's chapter-5 computation in float64, hand-fused, without the first layer's dx."""
    x = x.astype(np.float64)
    t_onehot = np.eye(10)[t]
    p = {"W1": 0.01 * rng.standard_normal((784, HIDDEN)), "b1": np.zeros(HIDDEN),
         "W2": 0.01 * rng.standard_normal((HIDDEN, 10)), "b2": np.zeros(10)}
    losses = []

    def forward(xb):
        a1 = xb @ p["W1"] + p["b1"]
        mask = a1 <= 0
        z1 = a1.copy()
        z1[mask] = 0
        a2 = z1 @ p["W2"] + p["b2"]
        e = np.exp(a2 - a2.max(axis=1, keepdims=True))
        return mask, z1, e / e.sum(axis=1, keepdims=True)

    def loss(xb, tb):
        y = forward(xb)[2]
        return -np.sum(tb * np.log(y + 1e-7)) / xb.shape[0]

    def step(i):
        idx = rng.choice(len(x), BATCH)
        xb, tb = x[idx], t_onehot[idx]
        mask, z1, y = forward(xb)
        dy = (y - tb) / BATCH
        grads = {"W2": z1.T @ dy, "b2": dy.sum(axis=0)}
        dz1 = dy @ p["W2"].T
        dz1[mask] = 0
        grads["W1"], grads["b1"] = xb.T @ dz1, dz1.sum(axis=0)
        for k in p:
            p[k] -= LR * grads[k]
        losses.append(loss(xb, tb))  # the book logs the loss with a second forward pass

    step.losses = losses
    return step


def fused_step(x, t, rng):
    """Everything scratch computes per step, in one function: no layer objects, no checks."""
    x = x.astype(np.float32)
    W1 = (0.01 * rng.standard_normal((784, HIDDEN))).astype(np.float32)
    W2 = (0.01 * rng.standard_normal((HIDDEN, 10))).astype(np.float32)
    p = {"W1": W1, "b1": np.zeros(HIDDEN, np.float32), "W2": W2, "b2": np.zeros(10, np.float32)}
    order = rng.permutation(len(x))
    per_epoch = len(x) // BATCH
    rows = np.arange(BATCH)
    losses = []

    def step(i):
        k = i % per_epoch
        idx = order[k * BATCH:(k + 1) * BATCH]
        xb, tb = x[idx], t[idx]
        a1 = xb @ p["W1"]
        a1 += p["b1"]
        z1 = np.maximum(a1, 0.0)
        s = z1 @ p["W2"]
        s += p["b2"]
        s -= s.max(axis=1, keepdims=True)
        picked = s[rows, tb]
        e = np.exp(s, out=s)
        total = e.sum(axis=1, keepdims=True)
        losses.append(float((np.log(total[:, 0]) - picked).sum()) / BATCH)
        dy = np.divide(e, total, out=e)
        dy[rows, tb] -= 1
        dy /= BATCH
        dz1 = dy @ p["W2"].T
        dz1 *= a1 > 0
        grads = {"W1": xb.T @ dz1, "b1": dz1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}
        for key in p:
            p[key] -= LR * grads[key]

    step.losses = losses
    return step


def torch_step(x, t, rng):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, 10))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, tt = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(t.astype(np.int64))
    order = torch.from_numpy(rng.permutation(len(x)))
    per_epoch = len(x) // BATCH
    losses = []

    def step(i):
        k = i % per_epoch
        idx = order[k * BATCH:(k + 1) * BATCH]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt[idx]), tt[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())

    step.losses = losses
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=1000, help="iterations per run")
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs per implementation (taken in turns of 100 iterations)")
    args = parser.parse_args()
    (x, t), _ = load_mnist()
    steps = {}
    candidates = {"scratch": scratch_step,
                  "book": lambda x, t, rng: book_step(x, t, rng, BATCH, HIDDEN, LR),
                  "book-fused": book_fused_step, "torch": torch_step, "fused": fused_step}
    for name, make in candidates.items():
        try:
            steps[name] = make(x, t, np.random.default_rng(0))
        except ImportError:
            print(f"{name:10s} not installed (pip install torch for the PyTorch comparison)")
    times = chunk_seconds(steps, args.iters, args.repeats)
    steps_each = args.repeats * args.iters
    for name, t in times.items():
        final_loss = np.mean(steps[name].losses[-100:])
        print(f"{name:10s} {np.median(t):.3f} s per 1000 iterations (median of {len(t)} turns "
              f"of {steps_each // len(t)}); mean loss of its last 100 steps {final_loss:.3f}")
    print("Ratios: median over the rounds of (other's time / scratch's time in the same round), "
          "with the quartiles")
    for other, target in (("torch", 1.6), ("book", 2.8), ("book-fused", None), ("fused", None)):
        if other not in times:
            continue
        q1, ratio, q3 = np.percentile(times[other] / times["scratch"], [25, 50, 75])
        verdict = f"; floor >= {target}x: {ratio >= target}" if target else ""
        print(f"  {other:10s} / scratch = {ratio:.2f} ({q1:.2f}-{q3:.2f}){verdict}")
    if "fused" in times:
        print("  (fused / scratch below 1 is the price of readable layers and input checks)")


if __name__ == "__main__":
    main()
