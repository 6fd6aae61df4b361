"""Notebook 08's checks: each one's catalogue of attempts (right answers in two styles, the
typical mistakes, the shortcuts) with the verdict and hint each must get."""

import numpy as np

import scratch.optimizers
from scratch.checks.optimizers import check_adam, check_nesterov, check_rmsprop
from scratch.optimizers import Adam, Nesterov, RMSprop
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line

OK_TAIL = "OK (matches the update rule over 10 steps)"
DEFAULTS = {"momentum": 0.9, "decay_rate": 0.99, "beta1": 0.9, "beta2": 0.999}


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


def _class(step, ignore=None):
    """A PerKey class with this step; ignore: a hyperparameter it replaces by its default."""
    def __init__(self, lr=0.01, **hyper):
        PerKey.__init__(self, lr, **hyper)
        if ignore:
            self.hyper[ignore] = DEFAULTS[ignore]
    return type("Learner", (PerKey,), {"step": step, "__init__": __init__})


def _wrapping(cls):
    """A class that builds scratch's optimizer inside and lets it do the update (composition)."""
    class Wrapping:
        def __init__(self, **kwargs):
            self.inner = cls(**kwargs)

        def update(self, params, grads):
            self.inner.update(params, grads)
    return Wrapping


def _saved_step(name, slots):
    """A class that calls a saved reference to scratch's step function, one key at a time."""
    saved = getattr(scratch.optimizers, name).step

    class Saving:
        def __init__(self, **kwargs):
            self.inner = getattr(scratch.optimizers, name).__new__(
                getattr(scratch.optimizers, name))
            vars(self.inner).update(kwargs)
            self.inner.t, self.state = 0, None

        def update(self, params, grads):
            self.inner.t += 1
            if self.state is None:
                self.state = {k: [np.zeros_like(p) for _ in range(slots)]
                              for k, p in params.items()}
            for key in params:
                saved(self.inner, params[key], grads[key], *self.state[key])
    return Saving


def _rebinding(step):
    """The right step, but params[key] = params[key] + ... instead of changing it in place."""
    def rebinding_step(self, params, key, g, s):
        copy = {key: params[key].copy()}
        step(self, copy, key, g, s)
        params[key] = copy[key]
    return _class(rebinding_step)


def nesterov(self, params, key, g, s, book=False, plain=False):
    a = self.hyper["momentum"]
    s[0] = a * s[0] - self.lr * g
    if plain:
        params[key] += s[0]
    elif book:
        params[key] += a * a * s[0] - (1 + a) * self.lr * g
    else:
        params[key] += a * s[0] - self.lr * g


class NotebookNesterov:
    """The notebook's solution: dicts of velocities."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(p) for key, p in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.momentum * self.v[key] - self.lr * grads[key]


def test_nesterov(capsys):
    cases = [
        (_class(nesterov), None),
        (NotebookNesterov, None),
        (_class(lambda *a: nesterov(*a, plain=True)), "that is Momentum's step p + v"),
        (_class(lambda *a: nesterov(*a, book=True)), "that is the book's update"),
        (_class(lambda self, params, key, g, s: params[key].__isub__(2 * self.lr * g)),
         "with lr=0.1, momentum=0.9 the first step differs from the update rule"),
        (_class(nesterov, ignore="momentum"), "your update uses momentum=0.9: use the value "
         "__init__ was given", "ignores a hyperparameter"),
        (Nesterov, "is built on scratch.optimizers", "subclass"),
        (type("Sub", (Nesterov,), {}), "is built on scratch.optimizers", "subclass"),
        (_wrapping(Nesterov), "your class calls scratch.optimizers", "wrapper"),
        (_saved_step("Nesterov", 1), "your class calls scratch.optimizers", "saved reference"),
        (_rebinding(nesterov), "params['W'] is a new array after update: change it in place",
         "rebinding"),
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
        (_class(lambda *a: rmsprop(*a, mistake="forgets")),
         "with lr=0.1, decay_rate=0.99 step 2 differs from the update rule (steps 1 to 1 "
         "match; step 1 starts from a zero state"),
        (_class(rmsprop, ignore="decay_rate"), "your update uses decay_rate=0.99",
         "ignores a hyperparameter"),
        (RMSprop, "is built on scratch.optimizers", "subclass"),
        (_wrapping(RMSprop), "your class calls scratch.optimizers", "wrapper"),
        (_saved_step("RMSprop", 1), "your class calls scratch.optimizers", "saved reference"),
        (_rebinding(rmsprop), "params['W'] is a new array after update", "rebinding"),
    ]
    expect_verdicts(check_rmsprop, cases, capsys, f"RMSprop: {OK_TAIL}")


def adam(self, params, key, g, s, mistake=None):
    b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
    s[0] = b1 * s[0] + (1 - b1) * g
    s[1] = b2 * s[1] + (1 - b2) * g * g
    t = {"t stays 1": 1, "t from 0": self.t - 1}.get(mistake, self.t)
    m_hat = s[0] if mistake == "no correction" else s[0] / (1 - b1**t)
    v_hat = s[1] if mistake in ("no correction", "only m") else s[1] / (1 - b2**t)
    if mistake == "eps inside":
        params[key] -= self.lr * m_hat / np.sqrt(v_hat + 1e-8)
    elif mistake == "reordered":  # the same formula written another way
        params[key] -= (self.lr / (1 - b1**t)) * s[0] / (np.sqrt(v_hat) + 1e-8)
    else:
        params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)


class CounterPerKey(PerKey):
    """Adam with its one counter bumped inside the loop over the keys."""

    def update(self, params, grads):
        if self.state is None:
            self.state = {key: [np.zeros_like(p), np.zeros_like(p)] for key, p in params.items()}
        for key in params:
            self.t += 1
            adam(self, params, key, grads[key], self.state[key])


def test_adam(capsys):
    cases = [
        (_class(adam), None),
        (_class(lambda *a: adam(*a, mistake="reordered")), None),
        (_class(lambda *a: adam(*a, mistake="no correction")), "no bias correction"),
        (_class(lambda *a: adam(*a, mistake="only m")), "correct v too"),
        (_class(lambda *a: adam(*a, mistake="t stays 1")), "the step counter t must grow"),
        (_class(lambda *a: adam(*a, mistake="t from 0")), "the counter is 0 at the first "
         "update, which divides by 1 - beta1**0 = 0"),
        (CounterPerKey, "t grows once per key, not once per update"),
        (_class(lambda *a: adam(*a, mistake="eps inside")), "eps goes outside the square root"),
        (_class(adam, ignore="beta1"), "your update uses beta1=0.9", "ignores a hyperparameter"),
        (_class(adam, ignore="beta2"), "your update uses beta2=0.999",
         "ignores a hyperparameter"),
        (Adam, "is built on scratch.optimizers", "subclass"),
        (_wrapping(Adam), "your class calls scratch.optimizers", "wrapper"),
        (_saved_step("Adam", 2), "your class calls scratch.optimizers", "saved reference"),
        (_rebinding(adam), "params['W'] is a new array after update", "rebinding"),
    ]
    expect_verdicts(check_adam, cases, capsys, f"Adam: {OK_TAIL}")


def test_an_update_that_reshapes_a_parameter_is_named(capsys):
    def flattening(self, params, key, g, s):
        params[key] = (params[key] - self.lr * g).ravel()  # rebinds with another shape

    assert not check_adam(_class(flattening))
    line = one_line(capsys)
    assert line.startswith("Adam: not yet - params['"), line
    assert " changed shape from (" in line and line.endswith(")"), line
