"""Check for notebook 10's exercise 5: batch norm's forward pass in training and in test mode,
with the running averages of the batch statistics.

The reference is written out here, independent of `scratch.layers.BatchNormalization`, which
may not be called while a learner's code runs. Every typical mistake is recognised by the
output or the running averages it produces, and named: the unbiased variance, momentum the
wrong way round, test mode that updates the statistics or normalises with the batch's own.
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.layers import BatchNormalization

__all__ = ["reference_batchnorm_forward", "check_batchnorm_forward"]

EPS = 1e-6


def reference_batchnorm_forward(x, gamma, beta, running, train_flg, momentum=0.9, eps=EPS):
    """(out, new running averages) for x: (N, D); running: {"mean": (D,), "var": (D,)}."""
    if train_flg:
        mu, var = x.mean(axis=0), x.var(axis=0)
        running = {"mean": momentum * running["mean"] + (1 - momentum) * mu,
                   "var": momentum * running["var"] + (1 - momentum) * var}
    else:
        mu, var = running["mean"], running["var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, dict(running)


def _own_work():
    return refusing_calls(
        [BatchNormalization.forward, reference_batchnorm_forward],
        "your code calls scratch's BatchNormalization or this check's reference: write the "
        "forward pass yourself")


def _normalised(x, gamma, beta, mu, var):
    return gamma * (x - mu) / np.sqrt(var + EPS) + beta


def _call(forward, x, gamma, beta, running, train_flg, momentum):
    """The learner's output and running averages (copies), their inputs left as they were."""
    args = [a.copy() for a in (x, gamma, beta)]
    state = {key: value.copy() for key, value in running.items()}
    with _own_work():
        out = forward(args[0], args[1], args[2], state, train_flg, momentum=momentum)
    if any(not np.array_equal(a, b) for a, b in zip(args, (x, gamma, beta))):
        raise Fail("your function changed x, gamma or beta in place")
    if out is None:
        raise Fail("return the output, gamma * x_hat + beta")
    out = np.asarray(out)
    if out.shape != x.shape:
        raise Fail(f"the output should have x's shape {x.shape}, got {out.shape}")
    if set(state) != {"mean", "var"}:
        raise Fail('keep the running averages in running["mean"] and running["var"]')
    return out, {key: np.asarray(value) for key, value in state.items()}


def _close(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-7, atol=1e-9)


def _training_step(forward, x, gamma, beta, running, momentum):
    """One training batch: the output and the new running averages, each mistake named."""
    out, state = _call(forward, x, gamma, beta, running, True, momentum)
    mu, var, unbiased = x.mean(axis=0), x.var(axis=0), x.var(axis=0, ddof=1)
    if not _close(out, _normalised(x, gamma, beta, mu, var)):
        if _close(out, _normalised(x, gamma, beta, mu, unbiased)):
            raise Fail("training mode normalised with the unbiased variance (ddof=1): use the "
                       "biased batch variance, x.var(axis=0), as the book and the paper do")
        if any(_close(out, _normalised(x, gamma, beta, r["mean"], r["var"]))
               for r in (running, state)):  # before or after this batch's update
            raise Fail("training mode normalised with the running averages: in training use "
                       "the batch's own mean and variance")
        raise Fail("training mode: the output should be gamma * (x - mu) / sqrt(var + eps) + "
                   "beta with the batch's mean mu and variance var")
    old_mean, old_var = running["mean"], running["var"]
    expected = {"mean": momentum * old_mean + (1 - momentum) * mu,
                "var": momentum * old_var + (1 - momentum) * var}
    if _close(state["mean"], old_mean) and _close(state["var"], old_var):
        raise Fail('training mode left running["mean"] and running["var"] as they were: '
                   "update them with every training batch")
    wrong_way = {"mean": (1 - momentum) * old_mean + momentum * mu,
                 "var": (1 - momentum) * old_var + momentum * var}
    if any(_close(state[k], wrong_way[k]) and not _close(state[k], expected[k]) for k in state):
        raise Fail("momentum the wrong way round: the running average keeps momentum of its "
                   "old value and takes 1 - momentum of the batch's: momentum * running + "
                   "(1 - momentum) * batch")
    fixed = {"mean": 0.9 * old_mean + 0.1 * mu, "var": 0.9 * old_var + 0.1 * var}
    if momentum != 0.9 and all(_close(state[k], fixed[k]) for k in state):
        raise Fail(f"the check passed momentum={momentum:g} and your running averages used "
                   "0.9: use the momentum argument")
    if _close(state["mean"], mu) and _close(state["var"], var):
        raise Fail("the running averages were replaced by the batch's statistics: average "
                   "them, momentum * running + (1 - momentum) * batch")
    if not _close(state["mean"], expected["mean"]):
        raise Fail('running["mean"] should become momentum * running["mean"] + '
                   "(1 - momentum) * the batch mean")
    if _close(state["var"], momentum * old_var + (1 - momentum) * unbiased):
        raise Fail('running["var"] averaged the unbiased variance (ddof=1), as PyTorch '
                   "stores it: here it averages the biased one that normalised the batch")
    if not _close(state["var"], expected["var"]):
        raise Fail('running["var"] should become momentum * running["var"] + '
                   "(1 - momentum) * the batch variance")
    return state


def _test_step(forward, x, gamma, beta, running, momentum):
    """One test batch: normalised with the running averages, which stay as they were."""
    out, state = _call(forward, x, gamma, beta, running, False, momentum)
    if not (_close(state["mean"], running["mean"]) and _close(state["var"], running["var"])):
        raise Fail("test mode changed the running averages: in testing they are only read, "
                   "never updated")
    if _close(out, _normalised(x, gamma, beta, x.mean(axis=0), x.var(axis=0))):
        raise Fail("test mode normalised with the batch's own statistics: use "
                   'running["mean"] and running["var"], so that an output does not depend on '
                   "the other samples of its batch")
    if not _close(out, _normalised(x, gamma, beta, running["mean"], running["var"])):
        raise Fail('test mode: the output should be gamma * (x - running["mean"]) / '
                   'sqrt(running["var"] + eps) + beta')
    return out


def check_batchnorm_forward(forward):
    """forward(x, gamma, beta, running, train_flg, momentum=0.9) -> out, for x: (N, D) and
    running = {"mean": (D,), "var": (D,)}, updated in the dict in training mode only."""

    def check():
        rng = np.random.default_rng(105)
        gamma, beta = rng.uniform(0.5, 2.0, 3), rng.standard_normal(3)
        running = {"mean": rng.standard_normal(3), "var": rng.uniform(0.5, 2.0, 3)}
        for momentum, n in ((0.9, 6), (0.7, 5)):  # a second batch, size and momentum
            x = np.array([4.0, -2.0, 0.5]) + np.array([3.0, 0.5, 1.0]) * \
                rng.standard_normal((n, 3))
            running = _training_step(forward, x, gamma, beta, running, momentum)
        x = 2.0 * rng.standard_normal((7, 3))
        out = _test_step(forward, x, gamma, beta, running, 0.9)
        alone, _ = _call(forward, x[:1], gamma, beta, running, False, 0.9)
        if not _close(alone, out[:1]):
            raise Fail("test mode: a sample's output must not depend on its batch-mates")
        # Many batches from one distribution: test outputs then have mean beta and std gamma.
        mean, spread = np.array([5.0, -1.0, 0.0]), np.array([2.0, 0.3, 4.0])
        state = {"mean": np.zeros(3), "var": np.zeros(3)}
        with _own_work():
            for _ in range(300):
                batch = mean + spread * rng.standard_normal((50, 3))
                forward(batch, gamma.copy(), beta.copy(), state, True, momentum=0.9)
            out = np.asarray(forward(mean + spread * rng.standard_normal((4000, 3)),
                                     gamma.copy(), beta.copy(), state, False, momentum=0.9))
        if not (np.allclose(out.mean(axis=0), beta, atol=0.1 * gamma.max())
                and np.allclose(out.std(axis=0), gamma, rtol=0.1)):
            raise Fail("after 300 training batches, test outputs should have mean about beta "
                       "and standard deviation about gamma in every feature")
        return "(after 300 batches, test outputs have mean about beta and std about gamma)"

    return run_check("batchnorm_forward", check)
