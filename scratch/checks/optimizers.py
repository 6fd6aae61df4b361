"""Checks for notebook 08's exercises: Momentum and AdaGrad written as classes.

A learner's class is compared with `scratch.optimizers` step by step on the quadratic
loss L = sum_k 0.5 * sum(a_k * p_k**2) (gradient a_k * p_k) with two parameters W: (3, 4)
and b: (4,), the way a network would call it: `opt.update(params, grads)` once per step.
"""

import numpy as np

from scratch.checks import Fail, run_check
from scratch.optimizers import AdaGrad, Momentum

__all__ = ["check_momentum", "check_adagrad"]

STEPS = 10


def _quadratic(rng):
    """Start values and curvatures: params W: (3, 4), b: (4,); curvatures a_k > 0 alike."""
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    curvature = {key: rng.uniform(0.5, 3.0, size=p.shape) for key, p in params.items()}
    return params, curvature


def _compare(candidate, reference, hints, rtol=1e-7, atol=1e-12):
    """Run both optimizers for STEPS steps from the same start; raise Fail at the first step
    where candidate's params differ from reference's. hints: 'first' and 'later' texts."""
    start, curvature = _quadratic(np.random.default_rng(2))
    mine = {key: p.copy() for key, p in start.items()}
    ref = {key: p.copy() for key, p in start.items()}
    for step in range(1, STEPS + 1):
        before = {key: p.copy() for key, p in mine.items()}
        candidate.update(mine, {key: curvature[key] * p for key, p in mine.items()})
        reference.update(ref, {key: curvature[key] * p for key, p in ref.items()})
        for key in ref:
            got = np.asarray(mine[key])
            if got.shape != ref[key].shape:
                raise Fail(f"params[{key!r}] changed shape from {ref[key].shape} to {got.shape}")
            if step == 1 and np.array_equal(got, before[key]):
                raise Fail(f"params[{key!r}] did not change: update it in place, e.g. "
                           "params[key] += ...")
            if not np.allclose(got, ref[key], rtol=rtol, atol=atol):
                raise Fail(hints["first"] if step == 1 else
                           f"step 1 is right but step {step} differs: {hints['later']}")
    return f"(matches scratch.optimizers over {STEPS} steps)"


def check_momentum(momentum_class):
    """momentum_class(lr=..., momentum=...) with update(params, grads) must do
    v <- momentum * v - lr * g;  p <- p + v, with v starting at zero, one per parameter."""
    hints = {
        "first": "v starts at zero, so the first step is v = -lr * grad and then params += v",
        "later": "keep one velocity per key between calls and update it as "
                 "v = momentum * v - lr * grad before adding it to the parameter",
    }

    def check():
        return _compare(momentum_class(lr=0.1, momentum=0.9), Momentum(lr=0.1, momentum=0.9),
                        hints)

    return run_check("Momentum", check)


def check_adagrad(adagrad_class):
    """adagrad_class(lr=...) with update(params, grads) must do h <- h + g**2;
    p <- p - lr * g / (sqrt(h) + eps) with h starting at zero and a small eps (1e-7)."""
    hints = {
        "first": "h starts at zero, so the first step is -lr * grad / (sqrt(grad**2) + 1e-7), "
                 "about -lr * sign(grad)",
        "later": "h must accumulate the squared gradients, h += grad * grad, kept per key "
                 "between calls",
    }

    def check():
        # Lenient tolerances so that eps = 1e-8 instead of 1e-7 passes too: it moves a step by
        # up to lr * 1e-7 / |g|, which matters only where the gradient is tiny.
        return _compare(adagrad_class(lr=0.1), AdaGrad(lr=0.1), hints, rtol=1e-5, atol=1e-5)

    return run_check("AdaGrad", check)
