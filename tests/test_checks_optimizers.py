"""Notebook 08's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np
from check_output import NOT_IMPLEMENTED, one_line

from scratch.checks.optimizers import check_adagrad, check_momentum


class GoodMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(p) for key, p in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class ForgetfulMomentum(GoodMomentum):
    """Resets the velocity at every call: plain SGD in disguise."""

    def update(self, params, grads):
        self.v = None
        super().update(params, grads)


class SignFlippedMomentum(GoodMomentum):
    def update(self, params, grads):
        for key in params:
            params[key] += self.lr * grads[key]


class StubMomentum(GoodMomentum):
    def update(self, params, grads):
        raise NotImplementedError


class GoodAdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(p) for key, p in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-8)


class NoMemoryAdaGrad(GoodAdaGrad):
    """Uses only the current squared gradient: a sign-based step, not AdaGrad."""

    def update(self, params, grads):
        self.h = None
        super().update(params, grads)


class DoNothingAdaGrad(GoodAdaGrad):
    def update(self, params, grads):
        for key, p in params.items():
            p = p - self.lr * grads[key]  # noqa: F841


def test_momentum(capsys):
    assert check_momentum(GoodMomentum)
    assert one_line(capsys) == "Momentum: OK (matches scratch.optimizers over 10 steps)"
    assert not check_momentum(ForgetfulMomentum)
    assert one_line(capsys) == (
        "Momentum: not yet - step 1 is right but step 2 differs: keep one velocity per key "
        "between calls and update it as v = momentum * v - lr * grad before adding it to the "
        "parameter"
    )
    assert not check_momentum(SignFlippedMomentum)
    assert one_line(capsys).startswith("Momentum: not yet - v starts at zero")
    assert not check_momentum(StubMomentum)
    assert one_line(capsys) == f"Momentum: {NOT_IMPLEMENTED}"


def test_adagrad(capsys):
    assert check_adagrad(GoodAdaGrad)
    assert one_line(capsys) == "AdaGrad: OK (matches scratch.optimizers over 10 steps)"
    assert not check_adagrad(NoMemoryAdaGrad)
    assert "step 1 is right but step 2 differs: h must accumulate" in one_line(capsys)
    assert not check_adagrad(DoNothingAdaGrad)
    assert one_line(capsys) == (
        "AdaGrad: not yet - params['W'] did not change: update it in place, e.g. "
        "params[key] += ..."
    )
