"""Checks for notebook 08's exercises: Nesterov, RMSprop and Adam written as classes.

A learner's class is run for STEPS steps the way a network calls it, `opt.update(params,
grads)` once per step, on the quadratic loss L = sum_k 0.5 * sum(a_k * p_k**2) (gradient
a_k * p_k) with two parameters W: (3, 4) and b: (4,): once with the hyperparameters' default
values and once with other values (a class that ignores an argument of its __init__ fails
there), and for Adam once more with gradients of about 1e-3, where eps inside the square root
shows. The reference trajectories come from the update formulas written out below as plain
functions, and so do the trajectories of the typical mistakes, which the hints name.
`scratch.optimizers` is not used, and a class built on it or calling it is refused. The
arrays of `params` must be the same objects after every update (a network's layers hold them).
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.optimizers import OPTIMIZERS, Optimizer

__all__ = ["check_nesterov", "check_rmsprop", "check_adam"]

STEPS = 10
LR = 0.1


def _start(rng, scale=1.0):
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    curvature = {key: scale * rng.uniform(0.5, 3.0, size=p.shape) for key, p in params.items()}
    return params, curvature


def _trajectory(step, scale=1.0):
    """The parameters after each of STEPS steps of `step(p, g, state, t) -> new p` per key."""
    params, curvature = _start(np.random.default_rng(2), scale)
    states = {key: {} for key in params}
    path = []
    for t in range(1, STEPS + 1):
        params = {key: step(p, curvature[key] * p, states[key], t) for key, p in params.items()}
        path.append(params)
    return path


def _learner_trajectory(optimizer, scale=1.0):
    params, curvature = _start(np.random.default_rng(2), scale)
    path = []
    for t in range(1, STEPS + 1):
        arrays = dict(params)
        before = {key: p.copy() for key, p in params.items()}
        optimizer.update(params, {key: curvature[key] * p for key, p in params.items()})
        for key in before:
            if np.shape(params[key]) != before[key].shape:
                raise Fail(f"params[{key!r}] changed shape from {before[key].shape} to "
                           f"{np.shape(params[key])}")
            if params[key] is not arrays[key]:
                raise Fail(f"params[{key!r}] is a new array after update: change it in place, "
                           "params[key] -= ..., because a network's layers keep the array they "
                           "were given (params[key] = params[key] - ... leaves them the old one)")
            if t == 1 and np.array_equal(params[key], before[key]):
                raise Fail(f"params[{key!r}] did not change: update it in place, e.g. "
                           "params[key] -= ...")
        path.append({key: np.array(p, dtype=float) for key, p in params.items()})
    return path


def _first_difference(path_a, path_b, rtol, atol):
    """The first step (1, 2, ...) at which two trajectories differ, or None."""
    return next((t for t, (a, b) in enumerate(zip(path_a, path_b), start=1)
                 if not all(np.allclose(a[k], b[k], rtol=rtol, atol=atol, equal_nan=True)
                            for k in a)), None)


def _text(kwargs):
    return ", ".join(f"{name}={value}" for name, value in kwargs.items())


def _compare(what, cls, reference, mistakes, runs):
    """Run cls(**kwargs) for each run against the reference step; name the mistake whose
    trajectory it follows. reference(**kwargs) and each mistake factory return a step;
    runs: [(kwargs, gradient scale, rtol, atol)], the defaults first."""
    if isinstance(cls, type) and issubclass(cls, Optimizer):
        raise Fail(f"{cls.__name__} is built on scratch.optimizers: write {what}'s update "
                   "yourself")
    # A class that hands its work to one of scratch's (a wrapper, not a subclass) is refused
    # while it runs, its construction included.
    scratch_steps = [Optimizer.update, *(opt.step for opt in OPTIMIZERS.values())]
    defaults = runs[0][0]
    for kwargs, scale, rtol, atol in runs:
        with refusing_calls(scratch_steps, f"your class calls scratch.optimizers: write "
                                           f"{what}'s update yourself"):
            got = _learner_trajectory(cls(**kwargs), scale)
        first_bad = _first_difference(got, _trajectory(reference(**kwargs), scale), rtol, atol)
        if first_bad is None:
            continue
        for mistake, hint in mistakes:
            if _first_difference(got, _trajectory(mistake(**kwargs), scale), rtol, atol) is None:
                raise Fail(hint)
        if kwargs is not defaults:
            for name in kwargs:
                fixed = {**kwargs, name: defaults[name]}
                if _first_difference(got, _trajectory(reference(**fixed), scale), rtol,
                                     atol) is None:
                    raise Fail(f"with {_text(kwargs)} your update uses {name}="
                               f"{defaults[name]}: use the value __init__ was given")
        where = f"with {_text(kwargs)}" + ("" if kwargs is defaults else
                                           " (at the defaults it matched)")
        if first_bad == 1:
            raise Fail(f"{where} the first step differs from the update rule")
        raise Fail(f"{where} step {first_bad} differs from the update rule (steps 1 to "
                   f"{first_bad - 1} match; step 1 starts from a zero state, so compare what "
                   "update keeps between calls with the formula)")
    return f"(matches the update rule over {STEPS} steps)"


def _state(state, name, p):
    if name not in state:
        state[name] = np.zeros_like(p)
    return state[name]


# --- Nesterov ------------------------------------------------------------------------------

def _nesterov(book=False, plain=False):
    def factory(lr, momentum):
        def step(p, g, state, t):
            v = momentum * _state(state, "v", p) - lr * g
            state["v"] = v
            if plain:  # Momentum's step
                return p + v
            if book:  # the book's: momentum**2 times the *new* v
                return p + momentum**2 * v - (1 + momentum) * lr * g
            return p + momentum * v - lr * g
        return step
    return factory


def check_nesterov(nesterov_class):
    """nesterov_class(lr=..., momentum=...) with update(params, grads) must do
    v <- momentum * v - lr * g;  p <- p + momentum * v - lr * g, with v starting at zero,
    changing the arrays of params in place."""
    mistakes = [
        (_nesterov(plain=True), "that is Momentum's step p + v: Nesterov adds momentum * v - "
                                "lr * grad, with the new v"),
        (_nesterov(book=True), "that is the book's update, momentum**2 * v - (1 + momentum) * "
                               "lr * grad with the new v: use momentum * v - lr * grad"),
    ]
    runs = [({"lr": LR, "momentum": 0.9}, 1.0, 1e-7, 1e-12),
            ({"lr": 0.05, "momentum": 0.5}, 1.0, 1e-7, 1e-12)]
    return run_check("Nesterov", lambda: _compare("Nesterov", nesterov_class, _nesterov(),
                                                  mistakes, runs))


# --- RMSprop -------------------------------------------------------------------------------

def _rmsprop(mistake=None):
    def factory(lr, decay_rate, eps=1e-7):
        def step(p, g, state, t):
            h = _state(state, "h", p)
            if mistake == "sum":
                h = h + g * g
            elif mistake == "no 1 - rho":
                h = decay_rate * h + g * g
            else:
                h = decay_rate * h + (1 - decay_rate) * g * g
            state["h"] = h
            return p - lr * g / (np.sqrt(h) + eps)
        return step
    return factory


def check_rmsprop(rmsprop_class):
    """rmsprop_class(lr=..., decay_rate=...) with update(params, grads) must do
    h <- decay_rate * h + (1 - decay_rate) * g**2;  p <- p - lr * g / (sqrt(h) + eps),
    changing the arrays of params in place."""
    mistakes = [
        (_rmsprop("sum"), "h keeps growing as in AdaGrad: make it a moving average, "
                          "h = decay_rate * h + (1 - decay_rate) * grad**2"),
        (_rmsprop("no 1 - rho"), "weight the new squared gradient by (1 - decay_rate)"),
    ]
    # Lenient tolerances: eps = 1e-8 instead of 1e-7, inside the square root or outside, passes.
    runs = [({"lr": LR, "decay_rate": 0.99}, 1.0, 1e-5, 1e-5),
            ({"lr": 0.05, "decay_rate": 0.9}, 1.0, 1e-5, 1e-5)]
    return run_check("RMSprop", lambda: _compare("RMSprop", rmsprop_class, _rmsprop(),
                                                 mistakes, runs))


# --- Adam ----------------------------------------------------------------------------------

def _adam(mistake=None):
    def factory(lr, beta1, beta2, eps=1e-8):
        counter = [0]  # one counter for all keys, bumped per key: the "t per key" mistake

        def step(p, g, state, t):
            m = beta1 * _state(state, "m", p) + (1 - beta1) * g
            v = beta2 * _state(state, "v", p) + (1 - beta2) * g * g
            state["m"], state["v"] = m, v
            counter[0] += 1
            t = {"t stays 1": 1, "t from 0": t - 1, "t per key": counter[0]}.get(mistake, t)
            if mistake == "no correction":
                m_hat, v_hat = m, v
            elif mistake == "only m":
                m_hat, v_hat = m / (1 - beta1**t), v
            else:
                m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            if mistake == "eps inside":
                return p - lr * m_hat / np.sqrt(v_hat + eps)
            return p - lr * m_hat / (np.sqrt(v_hat) + eps)
        return step
    return factory


def check_adam(adam_class):
    """adam_class(lr=..., beta1=..., beta2=...) with update(params, grads) must count the steps
    t = 1, 2, ... (one counter for all keys) and do m <- beta1 m + (1 - beta1) g;
    v <- beta2 v + (1 - beta2) g**2;  p <- p - lr * m_hat / (sqrt(v_hat) + eps) with
    m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), changing params in place."""
    mistakes = [
        (_adam("no correction"), "no bias correction: divide m by (1 - beta1**t) and v by "
                                 "(1 - beta2**t)"),
        (_adam("only m"), "correct v too: v_hat = v / (1 - beta2**t)"),
        (_adam("t stays 1"), "the step counter t must grow by 1 at every update (t = 1 at the "
                             "first)"),
        (_adam("t from 0"), "the counter is 0 at the first update, which divides by "
                            "1 - beta1**0 = 0: add 1 to t before using it, so that t = 1 at "
                            "the first update"),
        (_adam("t per key"), "t grows once per key, not once per update: bump the one "
                             "counter before the loop over the keys"),
        (_adam("eps inside"), "eps goes outside the square root: m_hat / (sqrt(v_hat) + eps)"),
    ]
    # The third run has gradients of about 1e-3, where sqrt(v_hat) is too, so that eps inside
    # the square root (sqrt(1e-6 + 1e-8)) is 0.5% off while eps = 1e-7 for 1e-8 is 1e-4 off.
    runs = [({"lr": LR, "beta1": 0.9, "beta2": 0.999}, 1.0, 1e-6, 1e-9),
            ({"lr": 0.05, "beta1": 0.8, "beta2": 0.99}, 1.0, 1e-6, 1e-9),
            ({"lr": LR, "beta1": 0.9, "beta2": 0.999}, 1e-3, 1e-3, 1e-9)]

    def check():
        with np.errstate(divide="ignore", invalid="ignore"):  # t = 0 divides by 1 - beta**0
            return _compare("Adam", adam_class, _adam(), mistakes, runs)

    return run_check("Adam", check)
