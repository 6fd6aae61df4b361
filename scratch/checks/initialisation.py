"""Checks for notebook 09's exercises: He's scale for a leaky ReLU, and Glorot and Bengio's
scale with the weights it draws.

The leaky-ReLU check compares with the formula and also measures: ten layers of leaky ReLUs
started with the learner's scale must keep the mean square of their activations.
"""

import numpy as np

from scratch.checks import Fail, run_check

__all__ = ["check_leaky_he_std", "check_xavier_in_out"]


def _mean_squares(std, alpha, layers=10, units=200, samples=2000):
    """Mean square of every layer's leaky-ReLU activations, for weights of that std."""
    rng = np.random.default_rng(90)
    a = rng.standard_normal((samples, units))
    result = []
    for _ in range(layers):
        z = a @ (std * rng.standard_normal((units, units)))
        a = np.where(z > 0, z, alpha * z)
        result.append(float(np.mean(a * a)))
    return np.array(result)


def check_leaky_he_std(leaky_he_std):
    """leaky_he_std(n, alpha) -> the weight std that keeps the activations' variance constant
    through leaky-ReLU layers with n inputs (compared with the formula the notebook asks for,
    and measured on ten layers)."""

    def check():
        if np.isclose(float(leaky_he_std(100, 0.0)), float(leaky_he_std(100, 1.0))) and \
                np.isclose(float(leaky_he_std(100, 0.0)), np.sqrt(2.0 / 100)):
            raise Fail("your scale does not depend on alpha, but for alpha = 1 the leaky ReLU "
                       "is the identity, which keeps all of z where ReLU keeps half")
        for alpha in (0.0, 0.1, 0.5, 1.0):
            for n in (50, 200):
                got = float(leaky_he_std(n, alpha))
                expected = np.sqrt(2.0 / ((1.0 + alpha**2) * n))
                if alpha == 0.0 and not np.isclose(got, expected):
                    raise Fail(f"for alpha = 0 a leaky ReLU is a ReLU: the scale should be He's "
                               f"sqrt(2 / n) = {expected:.4f} for n = {n}, got {got:.4f}")
                if alpha not in (0.0, 1.0) and np.isclose(got, np.sqrt(2.0 / ((1.0 + alpha) * n))):
                    raise Fail("the negative half contributes alpha**2 * Var(z) / 2 to E[a^2] "
                               "(a = alpha z is squared), not alpha * Var(z) / 2")
                if not np.isclose(got, expected, rtol=1e-6):
                    raise Fail(f"for n = {n}, alpha = {alpha} the scale should keep "
                               f"n Var(w) E[a^2] / Var(z) = 1; yours is {got:.4f}")
        squares = _mean_squares(float(leaky_he_std(200, 0.1)), 0.1)
        if not 0.5 < squares[-1] / squares[0] < 2.0:  # measured, to show that it works
            raise Fail("the activations do not keep their size over ten layers")
        return "(and ten layers keep their activations' size)"

    return run_check("leaky_he_std", check)


def check_xavier_in_out(xavier_in_out, init_weights):
    """xavier_in_out(n_in, n_out) -> sqrt(2 / (n_in + n_out)); init_weights(sizes, rng) -> a
    list of (n_{k-1}, n_k) matrices, rng.standard_normal times that scale."""

    def check():
        for n_in, n_out in ((784, 100), (100, 10), (30, 30)):
            got = float(xavier_in_out(n_in, n_out))
            expected = np.sqrt(2.0 / (n_in + n_out))
            if np.isclose(got, np.sqrt(1.0 / n_in)) and n_in != n_out:
                raise Fail("that is the book's sqrt(1 / n_in): average the two widths, "
                           "sqrt(2 / (n_in + n_out))")
            if np.isclose(got, 2.0 / (n_in + n_out)):
                raise Fail("2 / (n_in + n_out) is the variance: take its square root for the "
                           "standard deviation")
            if not np.isclose(got, expected, rtol=1e-9):
                raise Fail(f"xavier_in_out({n_in}, {n_out}) should be sqrt(2 / (n_in + n_out))"
                           f" = {expected:.4f}, got {got:.4f}")
        sizes = [300, 200, 100, 10]
        weights = init_weights(sizes, np.random.default_rng(91))
        if len(weights) != len(sizes) - 1:
            raise Fail(f"sizes {sizes} describe {len(sizes) - 1} layers, so "
                       f"{len(sizes) - 1} weight matrices; got {len(weights)}")
        rng = np.random.default_rng(91)
        for k, (W, n_in, n_out) in enumerate(zip(weights, sizes, sizes[1:]), start=1):
            if np.shape(W) != (n_in, n_out):
                raise Fail(f"matrix {k} should have shape ({n_in}, {n_out}), got {np.shape(W)}")
            expected = np.sqrt(2.0 / (n_in + n_out)) * rng.standard_normal((n_in, n_out))
            if not np.allclose(W, expected):
                raise Fail(f"matrix {k}: draw rng.standard_normal((n_in, n_out)) in the order "
                           "of the layers and multiply by xavier_in_out(n_in, n_out)")
        return "(the scale and the weights of a 300-200-100-10 network)"

    return run_check("xavier_in_out", check)
