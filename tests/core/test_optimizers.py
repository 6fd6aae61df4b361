"""Optimizers against their textbook formulas, written out independently here.

Where the package writes a formula one way (e.g. Nesterov with an lr-scaled velocity), the
reference below uses another (PyTorch's), so that a shared mistake cannot hide.
"""

import numpy as np
import pytest

from scratch.layers import Dropout
from scratch.optimizers import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    RMSprop,
    get_optimizer,
)

A = np.array([1 / 10, 2.0, 0.5])  # f(p) = 0.5 * sum(A * p**2): a skewed bowl, gradient A * p
P0 = np.array([-7.0, 2.0, 1.0])


def reference_path(name, steps, lr, **kw):
    """Textbook updates, one step at a time, in the form PyTorch's documentation gives."""
    p, b, m, v, h = P0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3)
    mu = kw.get("momentum", 0.9)
    for t in range(1, steps + 1):
        g = A * p
        if name == "sgd":
            p = p - lr * g
        elif name == "momentum":  # torch: b = mu b + g; p -= lr b
            b = mu * b + g
            p = p - lr * b
        elif name == "nesterov":  # torch: b = mu b + g; p -= lr (g + mu b)
            b = mu * b + g
            p = p - lr * (g + mu * b)
        elif name == "adagrad":
            h = h + g**2
            p = p - lr * g / (np.sqrt(h) + 1e-7)
        elif name == "rmsprop":
            h = 0.99 * h + 0.01 * g**2
            p = p - lr * g / (np.sqrt(h) + 1e-7)
        elif name == "adam":
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g**2
            p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return p


def run(opt, steps):
    params = {"p": P0.copy()}
    for _ in range(steps):
        opt.update(params, {"p": A * params["p"]})
    return params["p"]


CASES = [("sgd", 0.9), ("momentum", 0.1), ("nesterov", 0.1), ("adagrad", 1.5),
         ("rmsprop", 0.2), ("adam", 0.3)]


@pytest.mark.parametrize("name,lr", CASES)
def test_few_hundred_steps_match_the_textbook_formula(name, lr):
    got = run(get_optimizer(name, lr=lr), 300)
    np.testing.assert_allclose(got, reference_path(name, 300, lr), rtol=1e-10, atol=1e-12)
    assert 0.5 * np.sum(A * got**2) < 0.5 * np.sum(A * P0**2)  # and it descends


def test_hand_derived_first_steps():
    g = {"p": np.array([2.0])}
    p = {"p": np.array([1.0])}
    SGD(lr=0.1).update(p, g)
    assert p["p"][0] == pytest.approx(0.8)
    p, opt = {"p": np.array([1.0])}, Momentum(lr=0.1, momentum=0.9)
    opt.update(p, g)  # v = -0.2, p = 0.8
    opt.update(p, g)  # v = 0.9 * -0.2 - 0.2 = -0.38, p = 0.42
    assert p["p"][0] == pytest.approx(0.42)
    p, opt = {"p": np.array([1.0])}, Nesterov(lr=0.1, momentum=0.9)
    opt.update(p, g)  # v = -0.2, p = 1 + 0.9 * -0.2 - 0.2 = 0.62
    assert p["p"][0] == pytest.approx(0.62)
    opt.update(p, g)  # v = -0.38, p = 0.62 - 0.342 - 0.2 = 0.078
    assert p["p"][0] == pytest.approx(0.078)
    p = {"p": np.array([1.0])}
    Adam(lr=0.1).update(p, g)  # the first Adam step moves by lr * sign(g)
    assert p["p"][0] == pytest.approx(0.9, abs=1e-7)
    p = {"p": np.array([1.0])}
    AdaGrad(lr=0.1).update(p, g)  # h = 4, step = 0.1 * 2 / 2
    assert p["p"][0] == pytest.approx(0.9, abs=1e-7)
    p = {"p": np.array([1.0])}
    RMSprop(lr=0.1).update(p, g)  # h = 0.04, step = 0.1 * 2 / 0.2
    assert p["p"][0] == pytest.approx(0.0, abs=1e-6)


def test_book_nesterov_is_not_what_we_do():
    # The book: v = mu v - lr g; p += mu**2 v - (1 + mu) lr g. Different after one step.
    mu, lr, g = 0.9, 0.1, 2.0
    v = -lr * g
    book = 1.0 + mu * mu * v - (1 + mu) * lr * g
    p = {"p": np.array([1.0])}
    Nesterov(lr=lr, momentum=mu).update(p, {"p": np.array([g])})
    assert p["p"][0] != pytest.approx(book)


def test_updates_are_in_place_and_keep_dtype():
    for name, _ in CASES:
        w = np.ones(3, dtype=np.float32)
        params = {"w": w}
        get_optimizer(name).update(params, {"w": np.ones(3, dtype=np.float32)})
        assert params["w"] is w and w.dtype == np.float32 and (w < 1).all()


def test_rebinding_a_parameter_keeps_working():
    params, opt = {"w": np.ones(2)}, Momentum(lr=0.1)
    opt.update(params, {"w": np.ones(2)})
    params["w"] = np.zeros(2)  # a new array under the same name
    opt.update(params, {"w": np.ones(2)})
    assert params["w"].tolist() == pytest.approx([-0.19, -0.19])


def test_optimizer_errors():
    with pytest.raises(ValueError, match=r"unknown optimizer 'rmsprpo'; choose one of \['adagrad'"):
        get_optimizer("rmsprpo")
    assert isinstance(get_optimizer("RMSprop"), RMSprop)
    with pytest.raises(ValueError, match="SGD: lr must be a positive number, got -1"):
        SGD(lr=-1)
    with pytest.raises(ValueError, match=r"SGD\.update: grads\['w'\] has shape \(3,\), but "
                                         r"params\['w'\] has shape \(2,\)"):
        SGD().update({"w": np.ones(2)}, {"w": np.ones(3)})
    with pytest.raises(ValueError, match="must have the same keys"):
        SGD().update({"w": np.ones(2)}, {"v": np.ones(2)})
    with pytest.raises(TypeError, match=r"SGD\.update: params\['w'\] must be a NumPy array "
                                        r"\(updated in place\) or a number, got list"):
        SGD().update({"w": [1.0]}, {"w": 1.0})


def test_against_pytorch_when_installed():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch)")
    p0 = torch.tensor(P0, requires_grad=True)
    classes = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD,
               "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
               "adam": torch.optim.Adam}
    extra = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True},
             "adagrad": {"eps": 1e-7}, "rmsprop": {"alpha": 0.99, "eps": 1e-7}}
    for name, lr in CASES:
        p = p0.detach().clone().requires_grad_(True)
        opt = classes[name]([p], lr=lr, **extra.get(name, {}))
        for _ in range(50):
            opt.zero_grad()
            (0.5 * (torch.tensor(A) * p**2).sum()).backward()
            opt.step()
        np.testing.assert_allclose(run(get_optimizer(name, lr=lr), 50), p.detach().numpy(),
                                   rtol=1e-9, atol=1e-9, err_msg=name)


def test_adagrad_divides_by_sqrt_h_plus_eps():
    opt = AdaGrad(lr=0.1)
    params = {"w": np.array([0.0])}
    opt.update(params, {"w": np.array([1e-7])})  # sqrt(h) = 1e-7: eps is half the divisor
    assert params["w"][0] == pytest.approx(-0.1 * 1e-7 / (1e-7 + opt.eps))


def test_optimizers_have_the_books_default_hyperparameters():
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (AdaGrad().lr, AdaGrad().eps) == (0.01, 1e-7)
    assert (RMSprop().lr, RMSprop().decay_rate, RMSprop().eps) == (0.01, 0.99, 1e-7)
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)


def test_a_learning_rate_of_zero_is_refused_and_a_dropout_ratio_of_zero_is_not():
    with pytest.raises(ValueError, match="SGD"):
        SGD(lr=0.0)
    layer = Dropout(0.0, rng=0)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layer.forward(x), x)
