"""Notebook 08's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np

from scratch.checks.optimizers import check_adam, check_nesterov, check_rmsprop
from scratch.optimizers import Adam, Nesterov, RMSprop
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line

OK_TAIL = "OK (matches the update rule over 10 steps)"


class PerKey:
    """A learner-style optimizer: one state array per key, created at the first update."""

    def __init__(self, lr=0.01, **hyper):
        self.lr, self.hyper, self.state, self.t = lr, hyper, None, 0

    def update(self, params, grads):
        if self.state is None:
            self.state = {key: [np.zeros_like(p), np.zeros_like(p)] for key, p in params.items()}
        self.t += 1
        for key in params:
            self.step(params, key, grads[key], self.state[key])


def _class(step):
    return type("Learner", (PerKey,), {"step": step})


def nesterov(self, params, key, g, s, book=False, plain=False):
    a = self.hyper["momentum"]
    s[0] = a * s[0] - self.lr * g
    if plain:
        params[key] += s[0]
    elif book:
        params[key] += a * a * s[0] - (1 + a) * self.lr * g
    else:
        params[key] += a * s[0] - self.lr * g


def test_nesterov(capsys):
    cases = [
        (_class(nesterov), None),
        (_class(lambda *a: nesterov(*a, plain=True)), "that is Momentum's step p + v"),
        (_class(lambda *a: nesterov(*a, book=True)), "that is the book's update"),
        (Nesterov, "is built on scratch.optimizers"),
        (type("Sub", (Nesterov,), {}), "is built on scratch.optimizers"),
        (_class(lambda self, params, key, g, s: None), "params['W'] did not change"),
        (_class(lambda self, params, key, g, s: (_ for _ in ()).throw(NotImplementedError)),
         NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_nesterov, cases, capsys, f"Nesterov: {OK_TAIL}")


def rmsprop(self, params, key, g, s, mistake=None):
    rho = self.hyper["decay_rate"]
    if mistake == "sum":
        s[0] += g * g
    elif mistake == "no 1 - rho":
        s[0] = rho * s[0] + g * g
    elif mistake == "forgets":
        s[0] = (1 - rho) * g * g
    else:
        s[0] = rho * s[0] + (1 - rho) * g * g
    params[key] -= self.lr * g / (np.sqrt(s[0]) + 1e-8)  # eps 1e-8 passes too


def test_rmsprop(capsys):
    cases = [
        (_class(rmsprop), None),
        (_class(lambda *a: rmsprop(*a, mistake="sum")), "h keeps growing as in AdaGrad"),
        (_class(lambda *a: rmsprop(*a, mistake="no 1 - rho")), "weight the new squared"),
        (_class(lambda *a: rmsprop(*a, mistake="forgets")), "step 1 is right but step 2"),
        (RMSprop, "is built on scratch.optimizers"),
    ]
    expect_verdicts(check_rmsprop, cases, capsys, f"RMSprop: {OK_TAIL}")


def adam(self, params, key, g, s, mistake=None):
    b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
    s[0] = b1 * s[0] + (1 - b1) * g
    s[1] = b2 * s[1] + (1 - b2) * g * g
    t = {"t stays 1": 1, "t from 0": self.t - 1}.get(mistake, self.t)
    m_hat = s[0] if mistake == "no correction" else s[0] / (1 - b1**t)
    v_hat = s[1] if mistake in ("no correction", "only m") else s[1] / (1 - b2**t)
    params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)


def test_adam(capsys):
    cases = [
        (_class(adam), None),
        (_class(lambda *a: adam(*a, mistake="no correction")), "no bias correction"),
        (_class(lambda *a: adam(*a, mistake="only m")), "correct v too"),
        (_class(lambda *a: adam(*a, mistake="t stays 1")), "the step counter t must grow"),
        (_class(lambda *a: adam(*a, mistake="t from 0")), "the first step differs"),
        (Adam, "is built on scratch.optimizers"),
    ]
    expect_verdicts(check_adam, cases, capsys, f"Adam: {OK_TAIL}")


def test_an_update_that_reshapes_a_parameter_is_named(capsys):
    def flattening(self, params, key, g, s):
        params[key] = (params[key] - self.lr * g).ravel()  # rebinds with another shape

    assert not check_adam(_class(flattening))
    line = one_line(capsys)
    assert line.startswith("Adam: not yet - params['"), line
    assert " changed shape from (" in line and line.endswith(")"), line
