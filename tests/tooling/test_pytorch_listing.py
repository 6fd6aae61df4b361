"""Notebook 13 shows a PyTorch listing in a markdown cell (PyTorch is not a dependency). When
PyTorch is installed, run it: its gradients must equal TwoLayerNet's, as the notebook says."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from scratch.datasets import load_mnist
from scratch.nets import TwoLayerNet

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "13_autograd.ipynb"


def _listing():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            found = re.search(r"```python\n(.*?)```", "".join(cell["source"]), re.S)
            if found and "import torch" in found.group(1):
                return found.group(1)
    raise AssertionError("no PyTorch listing in notebook 13")


def test_the_pytorch_listing_gives_the_layers_gradients():
    listing = _listing()  # found even without PyTorch
    torch = pytest.importorskip("torch")
    (x_train, t_train), _ = load_mnist()
    x_batch, t_batch = x_train[:100].astype(np.float64), t_train[:100]
    net = TwoLayerNet(784, 50, 10, rng=0)
    before = {key: value.copy() for key, value in net.params.items()}
    expected = net.gradient(x_batch, t_batch)
    captured = {}


    namespace = {"net": net, "x_batch": x_batch, "t_batch": t_batch}
    head, tail = listing.split("with torch.no_grad():")
    exec(head, namespace)  # noqa: S102 - the notebook's listing, up to the update
    for key, p in namespace["params"].items():
        captured[key] = p.grad.numpy().copy()
    assert abs(namespace["loss"].item() - net.loss(x_batch, t_batch)) < 1e-12
    for key, grad in expected.items():
        assert np.max(np.abs(captured[key] - grad)) < 1e-12, key
    exec("with torch.no_grad():" + tail, namespace)  # noqa: S102 - the update
    for key, p in namespace["params"].items():
        assert p.grad is None
        np.testing.assert_allclose(p.detach().numpy(), before[key] - 0.1 * expected[key],
                                   atol=1e-12)
    assert isinstance(namespace["loss"], torch.Tensor)
