"""Checks for notebook 08's exercises: Nesterov, RMSprop and Adam written as classes.

A learner's class is run for STEPS steps the way a network calls it, `opt.update(params,
grads)` once per step, on the quadratic loss L = sum_k 0.5 * sum(a_k * p_k**2) (gradient
a_k * p_k) with two parameters W: (3, 4) and b: (4,). The reference trajectories come from the
update formulas written out below as plain functions, and so do the trajectories of the
typical mistakes, which the hints name. `scratch.optimizers` is not used, and a class built on
it or calling it is refused.
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.optimizers import OPTIMIZERS, Optimizer

__all__ = ["check_nesterov", "check_rmsprop", "check_adam"]

STEPS = 10
LR = 0.1


def _start(rng):
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    curvature = {key: rng.uniform(0.5, 3.0, size=p.shape) for key, p in params.items()}
    return params, curvature


def _trajectory(step):
    """The parameters after each of STEPS steps of `step(p, g, state, t) -> new p` per key."""
    params, curvature = _start(np.random.default_rng(2))
    states = {key: {} for key in params}
    path = []
    for t in range(1, STEPS + 1):
        params = {key: step(p, curvature[key] * p, states[key], t) for key, p in params.items()}
        path.append(params)
    return path


def _learner_trajectory(optimizer):
    params, curvature = _start(np.random.default_rng(2))
    path = []
    for t in range(1, STEPS + 1):
        before = {key: p.copy() for key, p in params.items()}
        optimizer.update(params, {key: curvature[key] * p for key, p in params.items()})
        for key in before:
            if np.shape(params[key]) != before[key].shape:
                raise Fail(f"params[{key!r}] changed shape from {before[key].shape} to "
                           f"{np.shape(params[key])}")
            if t == 1 and np.array_equal(params[key], before[key]):
                raise Fail(f"params[{key!r}] did not change: update it in place, e.g. "
                           "params[key] -= ...")
        path.append({key: np.array(p, dtype=float) for key, p in params.items()})
    return path


def _same(path_a, path_b, rtol, atol):
    return all(np.allclose(a[key], b[key], rtol=rtol, atol=atol)
               for a, b in zip(path_a, path_b) for key in a)


def _compare(what, cls, make, reference, mistakes, rtol=1e-7, atol=1e-12):
    """Run make(cls) against the reference step; name the mistake whose trajectory it follows."""
    if isinstance(cls, type) and issubclass(cls, Optimizer):
        raise Fail(f"{cls.__name__} is built on scratch.optimizers: write {what}'s update "
                   "yourself")
    # A class that hands its work to one of scratch's (a wrapper, not a subclass) is refused
    # while it runs.
    scratch_steps = [Optimizer.update, *(opt.step for opt in OPTIMIZERS.values())]
    with refusing_calls(scratch_steps, f"your class calls scratch.optimizers: write {what}'s "
                                       "update yourself"):
        got = _learner_trajectory(make(cls))
    expected = _trajectory(reference)
    if _same(got, expected, rtol, atol):
        return f"(matches the update rule over {STEPS} steps)"
    for mistake, hint in mistakes:
        if _same(got, _trajectory(mistake), rtol, atol):
            raise Fail(hint)
    first_bad = next(t for t, (a, b) in enumerate(zip(got, expected), start=1)
                     if not all(np.allclose(a[k], b[k], rtol=rtol, atol=atol) for k in a))
    if first_bad == 1:
        raise Fail("the first step differs from the update rule: the state starts at zero")
    raise Fail(f"step 1 is right but step {first_bad} differs: keep the state of every "
               "parameter between calls and update it as the formula says")


def _state(state, name, p):
    if name not in state:
        state[name] = np.zeros_like(p)
    return state[name]


# --- Nesterov ------------------------------------------------------------------------------

def _nesterov(book=False, plain=False):
    def step(p, g, state, t, alpha=0.9):
        v_old = _state(state, "v", p)
        v = alpha * v_old - LR * g
        state["v"] = v
        if plain:  # Momentum's step
            return p + v
        if book:  # the book's: alpha**2 times the *new* v
            return p + alpha**2 * v - (1 + alpha) * LR * g
        return p + alpha * v - LR * g
    return step


def check_nesterov(nesterov_class):
    """nesterov_class(lr=..., momentum=...) with update(params, grads) must do
    v <- momentum * v - lr * g;  p <- p + momentum * v - lr * g, with v starting at zero."""
    mistakes = [
        (_nesterov(plain=True), "that is Momentum's step p + v: Nesterov adds momentum * v - "
                                "lr * grad, with the new v"),
        (_nesterov(book=True), "that is the book's update, momentum**2 * v - (1 + momentum) * "
                               "lr * grad with the new v: use momentum * v - lr * grad"),
    ]

    def check():
        return _compare("Nesterov", nesterov_class, lambda c: c(lr=LR, momentum=0.9),
                        _nesterov(), mistakes)

    return run_check("Nesterov", check)


# --- RMSprop -------------------------------------------------------------------------------

def _rmsprop(mistake=None):
    def step(p, g, state, t, rho=0.99, eps=1e-7):
        h = _state(state, "h", p)
        if mistake == "sum":
            h = h + g * g
        elif mistake == "no 1 - rho":
            h = rho * h + g * g
        else:
            h = rho * h + (1 - rho) * g * g
        state["h"] = h
        return p - LR * g / (np.sqrt(h) + eps)
    return step


def check_rmsprop(rmsprop_class):
    """rmsprop_class(lr=..., decay_rate=...) with update(params, grads) must do
    h <- decay_rate * h + (1 - decay_rate) * g**2;  p <- p - lr * g / (sqrt(h) + eps)."""
    mistakes = [
        (_rmsprop("sum"), "h keeps growing as in AdaGrad: make it a moving average, "
                          "h = decay_rate * h + (1 - decay_rate) * grad**2"),
        (_rmsprop("no 1 - rho"), "weight the new squared gradient by (1 - decay_rate)"),
    ]

    def check():
        # Lenient tolerances so that eps = 1e-8 instead of 1e-7 passes too.
        return _compare("RMSprop", rmsprop_class, lambda c: c(lr=LR, decay_rate=0.99),
                        _rmsprop(), mistakes, rtol=1e-5, atol=1e-5)

    return run_check("RMSprop", check)


# --- Adam ----------------------------------------------------------------------------------

def _adam(mistake=None):
    def step(p, g, state, t, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * _state(state, "m", p) + (1 - beta1) * g
        v = beta2 * _state(state, "v", p) + (1 - beta2) * g * g
        state["m"], state["v"] = m, v
        if mistake == "t stays 1":
            t = 1
        if mistake == "no correction":
            m_hat, v_hat = m, v
        elif mistake == "only m":
            m_hat, v_hat = m / (1 - beta1**t), v
        else:
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return p - LR * m_hat / (np.sqrt(v_hat) + eps)
    return step


def check_adam(adam_class):
    """adam_class(lr=..., beta1=..., beta2=...) with update(params, grads) must count the steps
    t = 1, 2, ... and do m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g**2;
    p <- p - lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1**t) and
    v_hat = v / (1 - beta2**t)."""
    mistakes = [
        (_adam("no correction"), "no bias correction: divide m by (1 - beta1**t) and v by "
                                 "(1 - beta2**t)"),
        (_adam("only m"), "correct v too: v_hat = v / (1 - beta2**t)"),
        (_adam("t stays 1"), "the step counter t must grow by 1 at every update (t = 1 at the "
                             "first)"),
    ]

    def check():
        with np.errstate(divide="ignore", invalid="ignore"):  # t = 0 divides by 1 - beta**0
            return _compare("Adam", adam_class, lambda c: c(lr=LR, beta1=0.9, beta2=0.999),
                            _adam(), mistakes, rtol=1e-6, atol=1e-9)

    return run_check("Adam", check)
