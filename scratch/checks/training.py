"""Checks for notebook 07's exercises: one SGD step and an accuracy function."""

import numpy as np

from scratch.checks import Fail, expect_close, run_check

__all__ = ["check_sgd_step", "check_accuracy"]


def _params_and_grads(rng):
    """A small network-like dict: W: (3, 4), b: (4,), with gradients of the same shapes."""
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    grads = {key: rng.standard_normal(p.shape) for key, p in params.items()}
    return params, grads


def check_sgd_step(sgd_step):
    """sgd_step(params, grads, lr) must leave params[key] == old - lr * grads[key] for every key.

    Updating in place and assigning a new array to params[key] are both accepted (the nets in
    `scratch.nets` read their weights from `params` on every forward pass).
    """

    def check():
        rng = np.random.default_rng(0)
        params, grads = _params_and_grads(rng)
        old = {key: p.copy() for key, p in params.items()}
        lr = 0.1
        sgd_step(params, grads, lr)
        if sorted(params) != sorted(old):
            raise Fail(f"params should keep its keys {sorted(old)}, got {sorted(params)}")
        for key in old:
            new = np.asarray(params[key])
            if new.shape == old[key].shape:
                if np.allclose(new, old[key], rtol=0, atol=0):
                    raise Fail(f"params[{key!r}] did not change: write the result back, e.g. "
                               "params[key] -= lr * grads[key]")
                if np.allclose(new, old[key] + lr * grads[key]):
                    raise Fail("the step went uphill: subtract lr * grads[key], do not add it")
                if np.allclose(new, old[key] - grads[key]):
                    raise Fail("scale the gradient by the learning rate: lr * grads[key]")
            expect_close(new, old[key] - lr * grads[key],
                         f"params[{key!r}] should become params[{key!r}] - lr * grads[{key!r}]")
        return "(every parameter moved by -lr * gradient)"

    return run_check("sgd_step", check)


def check_accuracy(accuracy):
    """accuracy(scores, t) with scores: (N, C) and t: (N,) labels or (N, C) one-hot must
    return the fraction of rows whose largest score is at the true class (a number in [0, 1])."""

    def check():
        rng = np.random.default_rng(1)
        n, c = 60, 10
        scores = rng.standard_normal((n, c))
        t = rng.integers(0, c, size=n)
        t[: n // 3] = scores[: n // 3].argmax(axis=1)  # make about 40% right, not 10%
        expected = float(np.mean(scores.argmax(axis=1) == t))
        try:
            got = accuracy(scores, t)
        except (ValueError, IndexError) as exc:  # e.g. argmax over axis 0: (C,) vs (N,)
            raise Fail("each row's prediction is its largest score: scores.argmax(axis=1) "
                       f"(your code raised {type(exc).__name__})") from exc
        if np.ndim(got) != 0:
            raise Fail(f"return one number, the fraction correct (got shape {np.shape(got)})")
        got = float(got)
        if np.isclose(got, expected * n):
            raise Fail("divide the number of correct predictions by the number of samples N")
        if not np.isclose(got, expected):
            raise Fail("the accuracy is the mean of (scores.argmax(axis=1) == t)")
        one_hot = np.eye(c)[t]
        try:
            got_one_hot = float(accuracy(scores, one_hot))
        except Exception as exc:  # most likely comparing (N,) with (N, C)
            raise Fail("t may also be one-hot (N, C): turn it into labels with "
                       f"t.argmax(axis=1) first (your code raised {type(exc).__name__})") from exc
        if not np.isclose(got_one_hot, expected):
            raise Fail("t may also be one-hot (N, C): turn it into labels with t.argmax(axis=1) "
                       "first")
        return "(integer and one-hot labels)"

    return run_check("accuracy", check)
