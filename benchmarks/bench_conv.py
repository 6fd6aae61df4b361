"""Convolution speed: milliseconds per training step of the book's SimpleConvNet, batch 100.

Conv 30 filters 5x5 -> ReLU -> 2x2 max pool -> Affine 100 -> ReLU -> Affine 10 -> softmax, on
the offline MNIST sample as (N, 1, 28, 28) images, Adam with lr 0.001 (ch07/train_convnet.py).
Compares, in one run on the same machine and data:
- scratch: SimpleConvNet in float32 (and float64), one forward + one backward per step, as
  scratch's Trainer runs it;
- book: the book's own layers and step in float64 (book_conv_baseline.py: its im2col and
  col2im loops with np.pad, Pooling with argmax and its reshapes, dx even for the first layer,
  its Adam, and a second forward pass to log the loss);
- torch32, torch64: the same net in PyTorch on the CPU (Conv2d, MaxPool2d, Linear), float32
  and float64, if PyTorch is importable (skipped with a message otherwise).
Prints each one's median time and mean loss over its last 10 steps (all must be learning, or
the timing means nothing), then the ratios, paired round by round (see bench_train.py's
chunk_seconds). Goals (issue 26): scratch float32 at least 3x as fast as the book's code and
at least 0.6x as fast as PyTorch CPU float32. Run with one BLAS thread (`make bench` does).
"""

import argparse

import numpy as np
from bench_train import chunk_seconds
from book_conv_baseline import book_conv_step

from scratch.datasets import load_mnist
from scratch.nets import SimpleConvNet
from scratch.optimizers import Adam

BATCH, LR = 100, 0.001


def batches(n, rng):
    """Minibatch indices for step i: epoch-wise permutations, as scratch's Trainer draws them."""
    order, per_epoch = rng.permutation(n), n // BATCH
    return lambda i: order[(i % per_epoch) * BATCH:(i % per_epoch + 1) * BATCH]


def scratch_step(dtype):
    def make(x, t, rng):
        net, opt = SimpleConvNet(dtype=dtype, rng=0), Adam(lr=LR)
        x = x.astype(dtype)
        batch, losses = batches(len(x), rng), []

        def step(i):
            idx = batch(i)
            loss, grads = net.loss_and_gradient(x[idx], t[idx])
            opt.update(net.params, grads)
            losses.append(loss)

        step.losses = losses
        return step

    return make


def torch_step(dtype_name):
    def make(x, t, rng):
        import torch

        torch.set_num_threads(1)
        torch.manual_seed(0)
        dtype = getattr(torch, dtype_name)
        nn = torch.nn
        model = nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                              nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
        model = model.to(dtype)
        opt = torch.optim.Adam(model.parameters(), lr=LR)
        xt = torch.from_numpy(x).to(dtype)
        tt = torch.from_numpy(t.astype(np.int64))
        batch, losses = batches(len(x), rng), []

        def step(i):
            idx = torch.from_numpy(batch(i))
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xt[idx]), tt[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())

        step.losses = losses
        return step

    return make


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8,
                        help="rounds; in each, every implementation runs --chunk steps in turn")
    parser.add_argument("--chunk", type=int, default=10, help="steps per turn")
    args = parser.parse_args()
    (x, t), _ = load_mnist(flatten=False)
    candidates = {"scratch32": scratch_step(np.float32), "scratch64": scratch_step(np.float64),
                  "book": lambda x, t, rng: book_conv_step(x, t, rng, BATCH, LR),
                  "torch32": torch_step("float32"), "torch64": torch_step("float64")}
    steps = {}
    for name, make in candidates.items():
        try:
            steps[name] = make(x, t, np.random.default_rng(0))
        except ImportError:
            print(f"{name:10s} skipped: PyTorch is not installed (pip install torch to compare)")
    times = chunk_seconds(steps, args.chunk, args.rounds, chunk=args.chunk)
    for name, ms in times.items():
        final_loss = np.mean(steps[name].losses[-10:])
        print(f"{name:10s} {np.median(ms):7.1f} ms per step (median of {len(ms)} turns of "
              f"{args.chunk}); mean loss of its last 10 steps {final_loss:.3f}")
    print("Ratios: median over the rounds of (other's time / scratch32's time in the same round), "
          "with the quartiles")
    for other, goal in (("book", 3.0), ("torch32", 0.6), ("torch64", None), ("scratch64", None)):
        if other not in times:
            continue
        q1, ratio, q3 = np.percentile(times[other] / times["scratch32"], [25, 50, 75])
        verdict = f"; goal >= {goal}x: {ratio >= goal}" if goal else ""
        print(f"  {other:10s} / scratch32 = {ratio:.2f} ({q1:.2f}-{q3:.2f}){verdict}")


if __name__ == "__main__":
    main()
