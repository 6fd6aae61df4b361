"""Notebook 10's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np

from scratch.checks.batchnorm import (
    check_batchnorm_backward,
    check_layer_norm,
    reference_batchnorm,
)
from scratch.gradient import eval_numerical_gradient_array, rel_error
from scratch.layers import BatchNormalization
from tests.notebooks.check_output import (
    NOT_IMPLEMENTED,
    expect_verdicts,
    one_line,
    record,
    refuses_a_checks_own_function,
)


def _stub(*args):
    raise NotImplementedError


def test_reference_against_numerical_gradients_on_both_axes(rng):
    x, gamma, beta = rng.standard_normal((5, 4)), rng.standard_normal(4), rng.standard_normal(4)
    dout = rng.standard_normal((5, 4))
    for axis in (0, 1):
        _, grads = reference_batchnorm(x, gamma, beta, dout, axis)
        for got, wrt in zip(grads, (x, gamma, beta)):
            numeric = eval_numerical_gradient_array(
                lambda axis=axis: reference_batchnorm(x, gamma, beta, dout, axis)[0], wrt, dout)
            assert rel_error(got, numeric) < 1e-7


def _compact(dout, x_hat, std, gamma):
    dx_hat = gamma * dout
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def test_batchnorm_backward(capsys):
    def with_scratch(dout, x_hat, std, gamma):
        layer = BatchNormalization(gamma, np.zeros_like(gamma))
        layer.forward(x_hat * std)
        return layer.backward(dout), layer.dgamma, layer.dbeta

    def constants(dout, x_hat, std, gamma):
        return gamma * dout / std, *_compact(dout, x_hat, std, gamma)[1:]

    def mean_only(dout, x_hat, std, gamma):
        dx_hat = gamma * dout
        return (dx_hat - dx_hat.mean(axis=0)) / std, *_compact(dout, x_hat, std, gamma)[1:]

    def recomputes(dout, x_hat, std, gamma):
        # section 3's way: rebuild x, then the batch statistics with its own eps
        x = x_hat * std
        xc = x - x.mean(axis=0)
        own_std = np.sqrt((xc ** 2).mean(axis=0) + 1e-6)
        return _compact(dout, xc / own_std, own_std, gamma)

    def no_std(dout, x_hat, std, gamma):
        dx, dg, db = _compact(dout, x_hat, std, gamma)
        return dx * std, dg, db

    def wrong_axis(dout, x_hat, std, gamma):
        dx, dg, db = _compact(dout, x_hat, std, gamma)
        return dx, (dout * x_hat).sum(axis=1), db

    def mean_beta(dout, x_hat, std, gamma):
        dx, dg, _ = _compact(dout, x_hat, std, gamma)
        return dx, dg, dout.mean(axis=0)

    def in_place(dout, x_hat, std, gamma):
        dout *= gamma
        return _compact(dout / gamma, x_hat, std, gamma)

    def everything_wrong(dout, x_hat, std, gamma):
        dx_hat = gamma * dout
        dx = (dx_hat + x_hat * (dx_hat * x_hat).mean(axis=0)) / std
        return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)

    def not_a_sum(dout, x_hat, std, gamma):
        dx, dg, db = _compact(dout, x_hat, std, gamma)
        return dx + 0.1 * x_hat**2, dg, db

    def sign(dout, x_hat, std, gamma):
        dx, dg, db = _compact(dout, x_hat, std, gamma)
        return -dx, dg, db

    cases = [
        (_compact, None),
        (with_scratch, "your code calls scratch's BatchNormalization", "wrapper"),
        (constants, "dbeta is right; dgamma is right; in dx the direct path dxn / std is right, "
         "the mean's path -mean(dxn) / std is missing, the variance's path -xn * mean(dxn * "
         "xn) / std is missing (in training the mean and the variance depend on x too)"),
        (mean_only, "the mean's path -mean(dxn) / std is right, the variance's path -xn * "
         "mean(dxn * xn) / std is missing"),
        (everything_wrong, "dbeta differs: it is the sum of dout over the batch; dgamma "
         "differs: it is the sum of dout * xn over the batch; in dx the direct path dxn / std "
         "is right, the mean's path -mean(dxn) / std is missing, the variance's path -xn * "
         "mean(dxn * xn) / std has the wrong sign"),
        (no_std, "divide by std"),
        (wrong_axis, "dgamma should have shape (4,), got (6,): sum over the batch"),
        (mean_beta, "dbeta differs: it is the sum of dout over the batch"),
        (in_place, "changed one of its arguments in place"),
        (lambda *a: _compact(*a)[0], "return three arrays"),
        (lambda *a: _compact(*a)[:2], "return three arrays"),
        (sign, "in dx the direct path dxn / std has the wrong sign, the mean's path -mean(dxn) "
         "/ std has the wrong sign"),
        (not_a_sum, "dx differs from the numerical gradient"),
        (recomputes, "with std = sqrt(var + 0.5) your dx differs", "saved reference"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_batchnorm_backward, cases, capsys,
                    "batchnorm_backward: OK (max rel. error < 1e-7)")
    # the check leaves scratch's layer working
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    assert layer.forward(np.array([[0.0, 1.0], [2.0, 3.0]])).shape == (2, 2)


class GoodLayerNorm:
    def __init__(self, gamma, beta, eps=1e-6, axis=1, full_backward=True):
        self.gamma, self.beta, self.eps, self.axis = gamma, beta, eps, axis
        self.full_backward = full_backward

    def forward(self, x):
        mu = x.mean(axis=self.axis, keepdims=True)
        self.std = np.sqrt(x.var(axis=self.axis, keepdims=True) + self.eps)
        self.x_hat = (x - mu) / self.std
        return self.gamma * self.x_hat + self.beta

    def backward(self, dout):
        self.dbeta, self.dgamma = dout.sum(axis=0), (dout * self.x_hat).sum(axis=0)
        dx_hat = self.gamma * dout
        if not self.full_backward:
            return dx_hat / self.std
        a = self.axis
        return (dx_hat - dx_hat.mean(axis=a, keepdims=True)
                - self.x_hat * (dx_hat * self.x_hat).mean(axis=a, keepdims=True)) / self.std


def test_layer_norm(capsys):
    def make(**kwargs):
        return lambda gamma, beta: GoodLayerNorm(gamma, beta, **kwargs)

    class NoDbeta(GoodLayerNorm):
        def backward(self, dout):
            dx = super().backward(dout)
            del self.dbeta
            return dx

    class Transposed(GoodLayerNorm):
        def backward(self, dout):
            return super().backward(dout).T

    class Sub(BatchNormalization):
        pass

    class AroundScratchs(GoodLayerNorm):
        """Composition: scratch's batch norm on the transposed x does the work."""

        def __init__(self, gamma, beta):
            self.inner = BatchNormalization(np.ones(6), np.zeros(6))
            super().__init__(gamma, beta)

        def forward(self, x):
            self.inner.forward(x.T)
            return super().forward(x)

    class Stub(GoodLayerNorm):
        forward = _stub

    cases = [
        (GoodLayerNorm, None),
        (make(axis=0), "that normalises every feature over the batch (axis 0)"),
        (make(eps=1.0), "forward: normalise each row"),
        (make(full_backward=False), "in dx the direct path dxn / std is right, the mean's path "
         "-mean(dxn) / std is missing, the variance's path -xn * mean(dxn * xn) / std is "
         "missing"),
        (NoDbeta, "self.dbeta differs: it is the sum of dout over the batch (axis 0); "
         "self.dgamma is right; dx is right"),
        (Transposed, "dx should have x's shape (6, 4), got (4, 6)"),
        (Sub, "subclasses scratch's BatchNormalization", "subclass"),
        (AroundScratchs, "your code calls scratch's BatchNormalization", "wrapper"),
        (Stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_layer_norm, cases, capsys, "LayerNorm: OK (max rel. error < 1e-7)")


def test_batchnorm_backward_refuses_every_way_around(capsys):
    saved = BatchNormalization.backward  # a reference saved before the check runs

    def saved_method(dout, x_hat, std, gamma):
        layer = BatchNormalization(gamma, 0 * gamma)
        layer.xn, layer.std, layer.train_flg, layer.x_shape = x_hat, std, True, x_hat.shape
        return saved(layer, dout), layer.dgamma, layer.dbeta

    def numerical(dout, x_hat, std, gamma):
        x = x_hat * std

        def f():
            return reference_batchnorm(x, gamma, 0 * gamma, dout)[0]
        return (eval_numerical_gradient_array(f, x, dout), *_compact(dout, x_hat, std, gamma)[1:])

    for solution in (saved_method, numerical):
        assert not check_batchnorm_backward(solution), solution.__name__
        assert "write the formula yourself" in one_line(capsys)


@refuses_a_checks_own_function
def test_batchnorm_backward_refuses_its_reference(capsys):
    def via_reference(dout, x_hat, std, gamma):
        return reference_batchnorm(x_hat * std, gamma, 0 * gamma, dout)[1]

    assert not check_batchnorm_backward(via_reference)
    assert "write the formula yourself" in one_line(capsys)


def test_wrong_values_of_dgamma_and_dx_get_their_hint(capsys):
    def dgamma_mean(dout, x_hat, std, gamma):
        dx, _, db = _compact(dout, x_hat, std, gamma)
        return dx, (dout * x_hat).mean(axis=0), db

    assert not check_batchnorm_backward(dgamma_mean)
    assert one_line(capsys) == ("batchnorm_backward: not yet - dbeta is right; dgamma differs: "
                                "it is the sum of dout * xn over the batch; dx is right")

    class DgammaWithoutXn(GoodLayerNorm):
        def backward(self, dout):
            dx = super().backward(dout)
            self.dgamma = dout.sum(axis=0)
            return dx

    class DxSlightlyOff(GoodLayerNorm):
        def backward(self, dout):
            return 1.01 * super().backward(dout)

    class DxNotASum(GoodLayerNorm):
        def backward(self, dout):
            return super().backward(dout) + 0.1 * self.x_hat**2

    class EpsOfTheBatchSize(GoodLayerNorm):
        """Right for the batch of 6, but its eps grows when the batch shrinks: a sample's
        output then depends on how many samples came with it."""

        def forward(self, x):
            self.eps = 1e-6 * (6 / len(x)) ** 8
            return super().forward(x)

    for cls, hint in [
        (DgammaWithoutXn, "self.dbeta is right; self.dgamma differs: it is the sum of dout * xn "
                          "over the batch (axis 0); dx is right"),
        (DxSlightlyOff, "self.dbeta is right; self.dgamma is right; in dx the direct path dxn "
                        "/ std is 1.01 times what it should be, the mean's path -mean(dxn) / "
                        "std is 1.01 times what it should be, the variance's path -xn * "
                        "mean(dxn * xn) / std is 1.01 times what it should be"),
        (DxNotASum, "self.dbeta is right; self.dgamma is right; dx differs from the "
                    "node-by-node gradient"),
        (EpsOfTheBatchSize, "a sample's output must not depend on the other samples of its "
                            "batch"),
    ]:
        assert not check_layer_norm(cls)
        assert one_line(capsys) == f"LayerNorm: not yet - {hint}"


# --- exercise 5: the forward pass in training and test mode --------------------------------

from scratch.checks.batchnorm_modes import (  # noqa: E402
    check_batchnorm_forward,
    reference_batchnorm_forward,
)

FORWARD_OK = ("batchnorm_forward: OK (after 300 batches, test outputs have mean about beta and "
              "std about gamma)")


def _forward(x, gamma, beta, running, train_flg, momentum=0.9, eps=1e-6, ddof=0, order=None,
             test_updates=False, test_batch=False, out_ddof=None):
    """A right answer, or with one of the typical mistakes switched on."""
    mu, var = x.mean(axis=0), x.var(axis=0)
    if train_flg or test_updates:
        keep = momentum if order is None else order(momentum)
        running["mean"] = keep * running["mean"] + (1 - keep) * mu
        running["var"] = keep * running["var"] + (1 - keep) * x.var(axis=0, ddof=ddof)
    if not train_flg and not test_batch:
        mu, var = running["mean"], running["var"]
    if out_ddof is not None:
        var = x.var(axis=0, ddof=out_ddof)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def test_batchnorm_forward_right_answers_in_several_styles(capsys):
    def in_place(x, gamma, beta, running, train_flg, momentum=0.9, eps=1e-6):
        if train_flg:
            mu = x.mean(axis=0)
            var = ((x - mu) ** 2).mean(axis=0)
            running["mean"] *= momentum
            running["mean"] += (1 - momentum) * mu
            running["var"] *= momentum
            running["var"] += (1 - momentum) * var
        else:
            mu, var = running["mean"], running["var"]
        x_hat = (x - mu) / np.sqrt(var + eps)
        return gamma * x_hat + beta

    def interpolated(x, gamma, beta, running, train_flg, momentum=0.9, eps=1e-6):
        if not train_flg:
            return gamma * (x - running["mean"]) / np.sqrt(running["var"] + eps) + beta
        for key, stat in (("mean", x.mean(axis=0)), ("var", x.var(axis=0))):
            running[key] = running[key] + (1 - momentum) * (stat - running[key])
        return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta

    for solution in (_forward, in_place, interpolated):
        record(check_batchnorm_forward, "right")
        assert check_batchnorm_forward(solution), solution.__name__
        assert one_line(capsys) == FORWARD_OK


def test_batchnorm_forward_mistakes_get_their_hints(capsys):
    def make(**mistake):
        return lambda *args, **kwargs: _forward(*args, **kwargs, **mistake)

    def fixed_momentum(x, gamma, beta, running, train_flg, momentum=0.9):
        return _forward(x, gamma, beta, running, train_flg)

    def replaces(x, gamma, beta, running, train_flg, momentum=0.9):
        return _forward(x, gamma, beta, running, train_flg, momentum=0.0)

    def no_update(x, gamma, beta, running, train_flg, momentum=0.9):
        return _forward(x, gamma, beta, {k: v.copy() for k, v in running.items()}, train_flg)

    def running_in_training(x, gamma, beta, running, train_flg, momentum=0.9):
        _forward(x, gamma, beta, running, train_flg, momentum)
        return _forward(x, gamma, beta, running, False)

    def no_eps(x, gamma, beta, running, train_flg, momentum=0.9):
        return _forward(x, gamma, beta, running, train_flg, momentum, eps=0.01)

    def mean_only_wrong(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x, gamma, beta, running, train_flg, momentum)
        if train_flg:
            running["mean"] = running["mean"] + 0.5
        return out

    def var_wrong(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x, gamma, beta, running, train_flg, momentum)
        if train_flg:
            running["var"] = np.sqrt(running["var"])
        return out

    def test_eps_wrong(x, gamma, beta, running, train_flg, momentum=0.9):
        return _forward(x, gamma, beta, running, train_flg, momentum,
                        eps=1e-6 if train_flg else 0.5)

    def renamed(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x, gamma, beta, running, train_flg, momentum)
        running["variance"] = running.pop("var")
        return out

    def changes_x(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x.copy(), gamma, beta, running, train_flg, momentum)
        x -= x.mean(axis=0)
        return out

    def transposed(*args, **kwargs):
        return _forward(*args, **kwargs).T

    def depends_on_the_batch_size(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x, gamma, beta, running, train_flg, momentum)
        return out if train_flg or len(x) > 1 else out + 1.0

    def forgets_the_gradient(x, gamma, beta, running, train_flg, momentum=0.9):
        _forward(x, gamma, beta, running, train_flg, momentum)

    cases = [
        (make(out_ddof=1), "training mode normalised with the unbiased variance (ddof=1)"),
        (running_in_training, "training mode normalised with the running averages"),
        (no_eps, "training mode: the output should be gamma * (x - mu)"),
        (no_update, 'training mode left running["mean"] and running["var"] as they were'),
        (make(order=lambda m: 1 - m), "momentum the wrong way round"),
        (replaces, "the running averages were replaced by the batch's statistics"),
        (fixed_momentum, "the check passed momentum=0.7 and your running averages used 0.9"),
        (mean_only_wrong, 'running["mean"] should become momentum * running["mean"]'),
        (make(ddof=1), 'running["var"] averaged the unbiased variance (ddof=1), as PyTorch'),
        (var_wrong, 'running["var"] should become momentum * running["var"]'),
        (make(test_updates=True), "test mode changed the running averages"),
        (make(test_batch=True), "test mode normalised with the batch's own statistics"),
        (test_eps_wrong, 'test mode: the output should be gamma * (x - running["mean"])'),
        (depends_on_the_batch_size, "a sample's output must not depend on its batch-mates"),
        (renamed, 'keep the running averages in running["mean"] and running["var"]'),
        (changes_x, "your function changed x, gamma or beta in place"),
        (transposed, "the output should have x's shape (6, 3), got (3, 6)"),
        (forgets_the_gradient, "return the output"),
        (lambda *args, **kwargs: _stub(), NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_batchnorm_forward, cases, capsys, name="batchnorm_forward")


def test_batchnorm_forward_hard_coded_answers_fail(capsys):
    """Outputs and averages of the check's first batch, replayed: the second batch differs."""
    recorded = []

    def recorder(x, gamma, beta, running, train_flg, momentum=0.9):
        out = _forward(x, gamma, beta, running, train_flg, momentum)
        recorded.append((out.copy(), {k: v.copy() for k, v in running.items()}))
        return out

    assert check_batchnorm_forward(recorder)
    capsys.readouterr()
    first_out, first_state = recorded[0]

    def replay(x, gamma, beta, running, train_flg, momentum=0.9):
        running.update({k: v.copy() for k, v in first_state.items()})
        return first_out.copy()

    record(check_batchnorm_forward, "hard-coded")
    assert not check_batchnorm_forward(replay)
    assert "not yet - " in one_line(capsys)


def test_batchnorm_forward_refuses_scratch_and_its_reference(capsys):
    def with_scratch(x, gamma, beta, running, train_flg, momentum=0.9):
        layer = BatchNormalization(gamma, beta, momentum, running["mean"], running["var"])
        out = layer.forward(x, train_flg)
        running["mean"], running["var"] = layer.running_mean, layer.running_var
        return out

    saved = BatchNormalization.forward

    def saved_method(x, gamma, beta, running, train_flg, momentum=0.9):
        layer = BatchNormalization(gamma, beta, momentum, running["mean"], running["var"])
        out = saved(layer, x, train_flg)
        running["mean"], running["var"] = layer.running_mean, layer.running_var
        return out

    for solution, kind in ((with_scratch, "wrapper"), (saved_method, "saved reference")):
        record(check_batchnorm_forward, kind)
        assert not check_batchnorm_forward(solution), solution.__name__
        assert "your code calls scratch's BatchNormalization" in one_line(capsys)


@refuses_a_checks_own_function
def test_batchnorm_forward_refuses_its_reference(capsys):
    def via_reference(x, gamma, beta, running, train_flg, momentum=0.9):
        out, state = reference_batchnorm_forward(x, gamma, beta, running, train_flg, momentum)
        running.update(state)
        return out

    assert not check_batchnorm_forward(via_reference)
    assert "write the forward pass yourself" in one_line(capsys)


def test_batchnorm_forward_reference_matches_scratchs_layer(rng):
    x, gamma, beta = rng.standard_normal((6, 3)), rng.uniform(0.5, 2, 3), rng.standard_normal(3)
    layer = BatchNormalization(gamma, beta, 0.8, np.zeros(3), np.ones(3))
    running = {"mean": np.zeros(3), "var": np.ones(3)}
    for train_flg in (True, True, False):
        out, running = reference_batchnorm_forward(x, gamma, beta, running, train_flg, 0.8)
        np.testing.assert_allclose(out, layer.forward(x, train_flg))
        np.testing.assert_allclose(running["var"], layer.running_var)
        x = 2 * x + 1
