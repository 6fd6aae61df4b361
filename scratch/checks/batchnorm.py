"""Checks for notebook 10's exercises: batch norm's compact backward, and a layer normalisation.

The references are written out here node by node (the graph of notebook 10), independent of
`scratch.layers.BatchNormalization`, which may not be called while a learner's code runs.
"""

import numpy as np

from scratch.checks import Fail, expect_gradients, refusing_calls, run_check
from scratch.gradient import eval_numerical_gradient_array, max_rel_error, numerical_gradient
from scratch.layers import BatchNormalization

__all__ = ["reference_batchnorm", "check_batchnorm_backward", "check_layer_norm"]

EPS = 1e-6


def reference_batchnorm(x, gamma, beta, dout, axis=0):
    """out and (dx, dgamma, dbeta), node by node: normalise over `axis` (0: the batch, as batch
    norm; 1: the features of each sample, as layer norm); gamma, beta act per feature."""
    n = x.shape[axis]
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu
    var = (xc**2).mean(axis=axis, keepdims=True)
    std = np.sqrt(var + EPS)
    istd = 1.0 / std
    xn = xc * istd
    out = gamma * xn + beta
    dbeta, dgamma = dout.sum(axis=0), (dout * xn).sum(axis=0)
    dxn = dout * gamma
    dxc = dxn * istd  # the times node, first input
    distd = (dxn * xc).sum(axis=axis, keepdims=True)  # ... its second input, used n times
    dstd = -distd / std**2  # 1/x
    dvar = dstd / (2 * std)  # sqrt, after the +eps that passes the gradient on
    dxc = dxc + 2 * xc * dvar / n  # the mean of the squares, then the square
    dmu = -dxc.sum(axis=axis, keepdims=True)  # the subtraction's second input
    dx = dxc + dmu / n  # x is used twice: by the subtraction and by the mean
    return out, (dx, dgamma, dbeta)


def _own_work():
    """While the learner's code runs, scratch's batch norm, its numerical gradients and this
    module's reference refuse to be called."""
    return refusing_calls(
        [BatchNormalization.forward, BatchNormalization.backward, reference_batchnorm,
         eval_numerical_gradient_array, numerical_gradient],
        "your code calls scratch's BatchNormalization, a numerical gradient or this check's "
        "reference: write the formula yourself")


def _case(rng, n=6, d=4):
    x = 2.0 + 3.0 * rng.standard_normal((n, d))
    return x, rng.uniform(0.5, 2.0, d), rng.standard_normal(d), rng.standard_normal((n, d))


PATHS = ("the direct path dxn / std", "the mean's path -mean(dxn) / std",
         "the variance's path -xn * mean(dxn * xn) / std")


def _path_report(dx, dxn, xn, std, axis):
    """What each of dx's three paths is, as a list of texts, or None when dx is not a sum of
    the three (up to a factor on each). Compact form: dx = (dxn - mean(dxn) -
    xn * mean(dxn * xn)) / std, the means over `axis` (0: batch norm, 1: layer norm)."""
    paths = [dxn / std, -np.broadcast_to(dxn.mean(axis=axis, keepdims=True), dxn.shape) / std,
             -xn * (dxn * xn).mean(axis=axis, keepdims=True) / std]
    basis = np.stack([p.ravel() for p in paths], axis=1)
    factors = np.linalg.lstsq(basis, dx.ravel(), rcond=None)[0]
    if not max_rel_error(basis @ factors, dx.ravel()) < 1e-7:
        return None
    texts = []
    for name, factor in zip(PATHS, factors):
        if abs(factor - 1) < 1e-6:
            texts.append(f"{name} is right")
        elif abs(factor) < 1e-6:
            texts.append(f"{name} is missing")
        elif abs(factor + 1) < 1e-6:
            texts.append(f"{name} has the wrong sign")
        else:
            texts.append(f"{name} is {factor:.3g} times what it should be")
    return texts


def _verdict(parts, dx_paths, dx_right, dx_fallback):
    """One hint naming every part at once: parts [(name, right, what it is)], then dx."""
    if all(right for _, right, _ in parts) and dx_right:
        return None
    texts = [f"{name} is right" if right else f"{name} differs: it is {what}"
             for name, right, what in parts]
    if dx_right:
        texts.append("dx is right")
    elif dx_paths is None:
        texts.append(dx_fallback)
    else:
        missing = any(t.endswith("is missing") for t in dx_paths[1:])
        texts.append("in dx " + ", ".join(dx_paths) + (
            " (in training the mean and the variance depend on x too)" if missing else ""))
    return "; ".join(texts)


def _right(got, expected):
    got = np.asarray(got if got is not None else np.zeros(0), dtype=float)
    return got.shape == expected.shape and max_rel_error(got, expected) < 1e-7


def check_batchnorm_backward(batchnorm_backward):
    """batchnorm_backward(dout, xn, std, gamma) -> (dx, dgamma, dbeta) for a training-mode
    forward pass with xn = (x - mean) / std, std = sqrt(var + eps) per feature: (D,). A wrong
    answer hears about every part at once: dbeta, dgamma and each of dx's three paths."""

    def check():
        x, gamma, beta, dout = _case(np.random.default_rng(100))
        _, (dx_ref, dgamma_ref, dbeta_ref) = reference_batchnorm(x, gamma, beta, dout)
        std = np.sqrt(x.var(axis=0) + EPS)
        xn = (x - x.mean(axis=0)) / std
        before = [a.copy() for a in (dout, xn, std, gamma)]
        with _own_work():
            result = batchnorm_backward(dout, xn, std, gamma)
        if any(not np.array_equal(a, b) for a, b in zip((dout, xn, std, gamma), before)):
            raise Fail("your function changed one of its arguments in place")
        if not isinstance(result, tuple) or len(result) != 3:
            raise Fail("return three arrays: (dx, dgamma, dbeta)")
        dx, dgamma, dbeta = (np.asarray(r) for r in result)
        for name, got, shape in (("dx", dx, x.shape), ("dgamma", dgamma, gamma.shape),
                                 ("dbeta", dbeta, gamma.shape)):
            if got.shape != shape:
                raise Fail(f"{name} should have shape {shape}, got {got.shape}"
                           + (": sum over the batch, axis 0" if name != "dx" else ""))
        dxn = dout * gamma
        if np.allclose(dx, dxn - dxn.mean(axis=0) - xn * (dxn * xn).mean(axis=0)):
            raise Fail("divide by std: xn = xc / std")
        numeric = eval_numerical_gradient_array(
            lambda: reference_batchnorm(x, gamma, beta, dout)[0], x, dout)
        hint = _verdict([("dbeta", _right(dbeta, dbeta_ref), "the sum of dout over the batch"),
                         ("dgamma", _right(dgamma, dgamma_ref),
                          "the sum of dout * xn over the batch")],
                        _path_report(dx, dxn, xn, std, axis=0), _right(dx, numeric),
                        "dx differs from the numerical gradient")
        if hint:
            raise Fail(hint)
        note = expect_gradients(dx, numeric, "dx differs from the numerical gradient")
        # Once more with another eps: an answer that recomputes the batch statistics from
        # xn * std (with its own eps) instead of using xn and std alone fails here.
        std2 = np.sqrt(x.var(axis=0) + 0.5)
        xn2 = (x - x.mean(axis=0)) / std2
        with _own_work():
            result2 = batchnorm_backward(dout, xn2, std2, gamma)
        dxn2 = dout * gamma
        dx2 = (dxn2 - dxn2.mean(axis=0) - xn2 * (dxn2 * xn2).mean(axis=0)) / std2
        if not np.allclose(np.asarray(result2[0]), dx2, rtol=1e-7, atol=1e-10):
            raise Fail("with std = sqrt(var + 0.5) your dx differs: compute dx from dout, xn, "
                       "std and gamma alone, without recomputing the batch statistics")
        return note

    return run_check("batchnorm_backward", check)


def check_layer_norm(layer_class):
    """layer_class(gamma, beta) with forward(x) -> out and backward(dout) -> dx, setting
    dgamma and dbeta: every sample normalised over its own D features, then gamma * xn + beta.
    A wrong backward hears about every part at once: dbeta, dgamma and dx's three paths."""

    def check():
        if isinstance(layer_class, type) and issubclass(layer_class, BatchNormalization):
            raise Fail("LayerNorm subclasses scratch's BatchNormalization: write it yourself")
        x, gamma, beta, dout = _case(np.random.default_rng(101))
        out_ref, (dx_ref, dgamma_ref, dbeta_ref) = reference_batchnorm(x, gamma, beta, dout,
                                                                      axis=1)
        over_batch = reference_batchnorm(x, gamma, beta, dout, axis=0)[0]
        with _own_work():
            layer = layer_class(gamma.copy(), beta.copy())
            out = np.asarray(layer.forward(x.copy()))
            if out.shape == x.shape and np.allclose(out, over_batch):
                raise Fail("that normalises every feature over the batch (axis 0), as batch "
                           "norm does: layer norm normalises every sample over its features "
                           "(axis 1)")
            _expect_out(out, out_ref)
            alone = np.asarray(layer.forward(x[:1].copy()))
            if not np.allclose(alone, out_ref[:1]):
                raise Fail("a sample's output must not depend on the other samples of its batch")
            layer.forward(x.copy())
            dx = np.asarray(layer.backward(dout.copy()))
        if dx.shape != x.shape:
            raise Fail(f"dx should have x's shape {x.shape}, got {dx.shape}")
        std = np.sqrt(x.var(axis=1, keepdims=True) + EPS)
        xn = (x - x.mean(axis=1, keepdims=True)) / std
        hint = _verdict([("self.dbeta", _right(getattr(layer, "dbeta", None), dbeta_ref),
                          "the sum of dout over the batch (axis 0)"),
                         ("self.dgamma", _right(getattr(layer, "dgamma", None), dgamma_ref),
                          "the sum of dout * xn over the batch (axis 0)")],
                        _path_report(dx, dout * gamma, xn, std, axis=1), _right(dx, dx_ref),
                        "dx differs from the node-by-node gradient")
        if hint:
            raise Fail(hint)
        return expect_gradients(dx, dx_ref, "dx differs from the node-by-node gradient")

    return run_check("LayerNorm", check)


def _expect_out(out, expected):
    if out.shape != expected.shape:
        raise Fail(f"forward should return x's shape {expected.shape}, got {out.shape}")
    if not np.allclose(out, expected, atol=1e-6):
        raise Fail("forward: normalise each row, xn = (x - its mean) / sqrt(its variance + "
                   "1e-6), then return gamma * xn + beta")
