"""The core of scratch with numpy alone: it imports and trains without any other package.

Run by tests/core/test_core_imports.py inside .venv with `--block` (which makes matplotlib,
ipywidgets, IPython, tqdm and pytest impossible to import), and by `make numpy-only` in a fresh
environment where only numpy is installed. Prints one line and exits 0 when all is well.
"""

import importlib.abc
import sys

BLOCKED = ("matplotlib", "ipywidgets", "IPython", "tqdm", "pytest")
CORE = ("scratch.functions", "scratch.layers", "scratch.gradient", "scratch.nets",
        "scratch.optimizers", "scratch.trainer", "scratch.validation", "scratch.datasets",
        "scratch.conv", "scratch.convnet", "scratch.util")


class Blocker(importlib.abc.MetaPathFinder):
    """Makes every module in BLOCKED (and below it) fail to import, as if not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the core must not need it")
        return None


def main():
    if "--block" in sys.argv:
        sys.meta_path.insert(0, Blocker())
    import importlib

    for name in CORE:
        importlib.import_module(name)
    import numpy as np

    from scratch.datasets import load_mnist
    from scratch.nets import TwoLayerNet
    from scratch.trainer import Trainer

    (x_train, t_train), (x_test, t_test) = load_mnist()
    net = TwoLayerNet(784, 20, 10, dtype=np.float32)
    trainer = Trainer(net, x_train[:500], t_train[:500], x_test[:200], t_test[:200], epochs=1,
                      batch_size=50, optimizer="sgd", optimizer_param={"lr": 0.1},
                      progress=False)
    trainer.train()
    assert trainer.train_loss_list[-1] < trainer.train_loss_list[0]
    try:
        Trainer(net, x_train[:10], t_train[:10], x_test[:10], t_test[:10], epochs=1).train()
    except ImportError as exc:  # without tqdm, asking for a progress bar says what to do
        assert "progress=False" in str(exc), exc
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
    assert not loaded, f"the core imported {loaded}"
    print(f"core with numpy only: {len(CORE)} modules imported, trained one epoch, "
          f"no {', '.join(BLOCKED)}")


if __name__ == "__main__":
    main()
