"""Training speed: seconds per 1000 iterations of a 784-50-10 net, batch 100, SGD lr 0.1.

Compares, in one run on the same machine and data (the offline MNIST sample):
- scratch: TwoLayerNet in float32 with integer labels, one forward + one backward per step
  (the loss comes from that same forward pass), as the notebooks train;
- book: a straightforward float64 layer-by-layer loop like the book's train_neuralnet.py
  (one-hot labels, np.random.choice batches, a second forward pass to log the loss);
- torch: the same net in PyTorch on the CPU, if PyTorch is importable;
- fused: scratch's computation hand-written in one function with no layers and no input
  checks, the floor for NumPy on this machine (the price of scratch's readability and checks
  is the gap between the two).
Prints the median of several runs and the ratios. Targets: scratch >= 2x faster than PyTorch
CPU and >= 3x faster than the book-style loop. Run with one BLAS thread (`make bench` does).
"""

import argparse
import time

import numpy as np

from scratch.datasets import load_mnist
from scratch.nets import TwoLayerNet
from scratch.optimizers import SGD

BATCH, LR, HIDDEN = 100, 0.1, 50


def median_seconds(steps, iters, repeats):
    """Median over `repeats` runs of the seconds per 1000 calls of each step(i).

    The implementations take turns within every repeat, so a change in the machine's load
    (other processes on 2 cores) affects all of them alike and the ratios stay meaningful.
    """
    times = {name: [] for name in steps}
    for step in steps.values():
        for i in range(20):  # warm-up: caches, lazy imports, first allocations
            step(i)
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for i in range(iters):
                step(i)
            times[name].append((time.perf_counter() - start) * 1000 / iters)
    return {name: float(np.median(t)) for name, t in times.items()}


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

    return step


def book_step(x, t, rng):
    """The book's chapter-5 loop, written plainly in float64 (the baseline to beat)."""
    x = x.astype(np.float64)
    t_onehot = np.eye(10)[t]
    p = {"W1": 0.01 * rng.standard_normal((784, HIDDEN)), "b1": np.zeros(HIDDEN),
         "W2": 0.01 * rng.standard_normal((HIDDEN, 10)), "b2": np.zeros(10)}

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
        loss(xb, tb)  # the book logs the loss with a second forward pass

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

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=1000, help="iterations per run")
    parser.add_argument("--repeats", type=int, default=5, help="runs per implementation")
    args = parser.parse_args()
    (x, t), _ = load_mnist()
    steps = {}
    candidates = {"scratch": scratch_step, "book": book_step, "torch": torch_step,
                  "fused": fused_step}
    for name, make in candidates.items():
        try:
            steps[name] = make(x, t, np.random.default_rng(0))
        except ImportError:
            print(f"{name:8s} not installed (pip install torch for the PyTorch comparison)")
    results = median_seconds(steps, args.iters, args.repeats)
    for name, seconds in results.items():
        print(f"{name:8s} {seconds:.3f} s per 1000 iterations "
              f"(median of {args.repeats} runs of {args.iters})")
    for other, target in (("torch", 2.0), ("book", 3.0)):
        if other in results:
            ratio = results[other] / results["scratch"]
            print(f"scratch is {ratio:.2f}x faster than {other} (target >= {target:.0f}x: "
                  f"{ratio >= target})")
    if "fused" in results:
        print(f"fused (no layers, no checks) is {results['scratch'] / results['fused']:.2f}x "
              "faster than scratch: the cost of readable layers and input checks")


if __name__ == "__main__":
    main()
