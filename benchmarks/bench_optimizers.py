"""Time notebook 08's optimizer comparison on MNIST and print the final smoothed losses.

The same set-up as the notebook: MultiLayerNet(784, [100] * 4, 10) (ReLU, He init), float32,
batch size 128, the same initial weights and the same minibatch order for every optimizer,
on the offline sample. Prints seconds per optimizer and the final training loss (moving
average over the last 25 steps). It measures; it asserts nothing.

    python benchmarks/bench_optimizers.py              # the notebook's 5 epochs (315 steps)
    python benchmarks/bench_optimizers.py --epochs 32  # about the book's 2,000 steps
"""

import argparse
import os

# Like the Makefile: one BLAS thread, so the figures are comparable (set before NumPy loads).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from scratch.datasets import load_mnist  # noqa: E402
from scratch.nets import MultiLayerNet  # noqa: E402
from scratch.optimizers import OPTIMIZERS, get_optimizer  # noqa: E402
from scratch.trainer import Trainer  # noqa: E402

# Keep these in step with notebooks/08_optimizers.ipynb.
MNIST_LRS = {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01,
             "rmsprop": 0.001, "adam": 0.001}
EPOCHS, BATCH_SIZE, WINDOW = 5, 128, 25


def run(epochs=EPOCHS):
    """Train one network per optimizer -> {name: (seconds, losses (steps,))}."""
    (x_train, t_train), (x_test, t_test) = load_mnist()
    init = MultiLayerNet(784, [100] * 4, 10, dtype=np.float32, rng=0).params
    results = {}
    for name, lr in MNIST_LRS.items():
        net = MultiLayerNet(784, [100] * 4, 10, dtype=np.float32)
        net.params = {key: value.copy() for key, value in init.items()}
        trainer = Trainer(net, x_train, t_train, x_test, t_test, epochs=epochs,
                          batch_size=BATCH_SIZE, optimizer=get_optimizer(name, lr=lr),
                          evaluate_sample_num_per_epoch=200, rng=0, progress=False)
        start = time.perf_counter()
        trainer.train()
        results[name] = (time.perf_counter() - start, np.array(trainer.train_loss_list))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help=f"epochs per optimizer (default {EPOCHS}, as in notebook 08)")
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
          f"epochs {args.epochs}, batch size {BATCH_SIZE}")
    results = run(args.epochs)
    steps = len(next(iter(results.values()))[1])
    print(f"{'optimizer':10s} {'lr':>6s} {'seconds':>8s} {'ms/step':>8s} "
          f"{'final loss':>11s}  (mean of the last {WINDOW} of {steps} steps)")
    total = 0.0
    for name, (seconds, losses) in results.items():
        total += seconds
        print(f"{OPTIMIZERS[name].__name__:10s} {MNIST_LRS[name]:6g} {seconds:8.2f} "
              f"{1e3 * seconds / len(losses):8.2f} {losses[-WINDOW:].mean():11.4f}")
    print(f"{'total':10s} {'':6s} {total:8.2f}")


if __name__ == "__main__":
    main()
