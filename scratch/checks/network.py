"""Checks for notebook 06's exercises: backprop through a layer stack, a third Affine layer,
and a gradient check that reports every parameter's error.

Every check compares with `reference_mlp` below: the forward and backward pass of a ReLU
network written out as plain NumPy formulas, independent of `scratch.layers` and
`scratch.nets`, so that calling scratch's networks cannot pass a check.
"""

import inspect
from collections import OrderedDict

import numpy as np

from scratch import nets
from scratch.checks import Fail, expect_gradients, refusing_calls, run_check
from scratch.gradient import numerical_gradient, rel_error
from scratch.layers import Affine, Relu, SoftmaxWithLoss
from scratch.nets import MultiLayerNet

__all__ = ["reference_mlp", "check_input_gradient", "check_three_layer_net",
           "check_gradient_errors"]


def reference_mlp(x, t, weights, biases, weight_decay_lambda=0.0, *, decay_factor=1.0):
    """Loss and gradients of Affine -> ReLU -> ... -> Affine -> softmax cross-entropy.

    x: (N, D); t: (N,) integer labels; weights: [W1: (D, H1), ..., WL: (H_{L-1}, C)];
    biases: [b1: (H1,), ..., bL: (C,)]. The loss is the mean cross-entropy plus
    0.5 * lambda * sum of every W**2. Returns (loss, grads, dx) with grads named W1, b1, ...
    and dx: (N, D). decay_factor scales lambda * W in the gradient, to recognise the mistake
    of differentiating 0.5 * lambda * W**2 as 0.5 * lambda * W.
    """
    n = x.shape[0]
    inputs, a = [], x
    for i, (W, b) in enumerate(zip(weights, biases)):
        inputs.append(a)
        a = a @ W + b
        if i < len(weights) - 1:
            a = np.maximum(a, 0.0)
    scores = a - a.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    decay = 0.5 * weight_decay_lambda * sum(float(np.sum(W * W)) for W in weights)
    loss = -log_probs[np.arange(n), t].mean() + decay
    dout = np.exp(log_probs)
    dout[np.arange(n), t] -= 1.0
    dout /= n
    grads = {}
    for i in reversed(range(len(weights))):
        grads[f"W{i + 1}"] = inputs[i].T @ dout + decay_factor * weight_decay_lambda * weights[i]
        grads[f"b{i + 1}"] = dout.sum(axis=0)
        dout = dout @ weights[i].T
        if i > 0:  # back through the ReLU: inputs[i] is its output, > 0 where it let x through
            dout = dout * (inputs[i] > 0)
    in_order = {key: grads[key] for i in range(1, len(weights) + 1) for key in (f"W{i}", f"b{i}")}
    return loss, in_order, dout


def _problem(sizes, rng, n=6):
    """Random x: (N, sizes[0]), labels, and weights/biases for the given layer sizes."""
    x = rng.standard_normal((n, sizes[0]))
    t = rng.integers(0, sizes[-1], size=n)
    weights = [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]
    biases = [0.1 * rng.standard_normal(b) for b in sizes[1:]]
    return x, t, weights, biases


def _refuse_built_on(cls, net, what):
    """Fail if the learner's network comes from scratch.nets or from the notebook's DeepNet."""
    if isinstance(net, MultiLayerNet) or (isinstance(cls, type) and issubclass(cls, MultiLayerNet)):
        raise Fail(f"{what} is a network of scratch.nets: build it from the notebook's LayerNet "
                   "and scratch.layers instead")
    if any(base.__name__ == "DeepNet" for base in type(net).__mro__) or hasattr(
            net, "weight_decay_lambda"):
        raise Fail(f"{what} is built with DeepNet: write its layers by hand, in LayerNet's way")


def _methods(cls):
    return [f for f in vars(cls).values() if inspect.isfunction(f)]


def _notebook_deepnet(solution):
    """The notebook's DeepNet, found in the namespace the learner's code (or a base class of
    theirs, such as the notebook's LayerNet) was written in."""
    functions = ([f for cls in solution.__mro__ for f in _methods(cls)]
                 if isinstance(solution, type) else [solution])
    for function in functions:
        deep = getattr(function, "__globals__", {}).get("DeepNet")
        if isinstance(deep, type):
            return deep
    return None


def _refusing_networks(solution):
    """While the learner's code runs (construction included), scratch.nets' networks, the
    notebook's DeepNet and this module's reference_mlp refuse to be called: a network that
    builds one of them inside and hands out its params and layers would otherwise pass."""
    functions = [reference_mlp, *(f for cls in vars(nets).values()
                                  if isinstance(cls, type) and cls.__module__ == nets.__name__
                                  for f in _methods(cls))]
    deep = _notebook_deepnet(solution)
    if deep is not None:
        functions += _methods(deep)
    return refusing_calls(functions, "your code uses a network of scratch.nets or the notebook's "
                                     "DeepNet (or this check's reference): write its layers by "
                                     "hand, in LayerNet's way")


def check_input_gradient(input_gradient):
    """input_gradient(layers, last_layer, x, t) -> dx: (N, D), the gradient of the loss with
    respect to the input x. layers: an OrderedDict Affine1, Relu1, Affine2, Relu2, Affine3
    (scratch.layers); last_layer: a SoftmaxWithLoss. Each layer's backward must be called once,
    in reverse order, after the forward pass."""

    def check():
        x, t, weights, biases = _problem([5, 6, 4, 3], np.random.default_rng(60))
        calls = []
        layers = OrderedDict()
        for i, (W, b) in enumerate(zip(weights, biases), start=1):
            layers[f"Affine{i}"] = Affine(W.copy(), b.copy())
            if i < len(weights):
                layers[f"Relu{i}"] = Relu()
        last_layer = SoftmaxWithLoss()
        for name, layer in [*layers.items(), ("last_layer", last_layer)]:
            layer.backward = _logged(layer.backward, name, calls)
        with _refusing_networks(input_gradient):
            dx = input_gradient(layers, last_layer, x.copy(), t)
        expected_order = ["last_layer", *reversed(layers)]
        if not calls:
            raise Fail("no layer's backward was called: start with dout = "
                       "last_layer.backward(1.0), then go through the layers")
        if calls[0] != "last_layer":
            raise Fail("start the backward pass at the loss: dout = last_layer.backward(1.0)")
        skipped = [name for name in expected_order if name not in calls]
        if skipped:
            raise Fail(f"backward skipped {', '.join(skipped)}: every layer of the forward "
                       "pass must pass the gradient on")
        if calls != expected_order:
            raise Fail(f"call backward once per layer, in reverse order {expected_order}; "
                       f"yours called {calls}")
        _, _, expected = reference_mlp(x, t, weights, biases)
        if np.shape(dx) != x.shape:
            raise Fail(f"dx must have x's shape {x.shape}, got {np.shape(dx)}: return the "
                       "dout that comes out of Affine1.backward")
        return expect_gradients(dx, expected, "dx should be what Affine1.backward returns")

    return run_check("input_gradient", check)


def _logged(backward, name, calls):
    def logged_backward(dout=1.0):
        calls.append(name)
        return backward(dout)
    return logged_backward


THREE_LAYER_KEYS = ["W1", "b1", "W2", "b2", "W3", "b3"]
THREE_LAYER_LAYERS = ["Affine1", "Relu1", "Affine2", "Relu2", "Affine3"]


def check_three_layer_net(net_class):
    """net_class(input_size, hidden1, hidden2, output_size, weight_init_std=0.01, rng=0): a
    LayerNet with params W1, b1, W2, b2, W3, b3 and layers Affine1, Relu1, Affine2, Relu2,
    Affine3 whose Affine layers use the arrays in params; loss and gradient as LayerNet's."""

    def check():
        sizes = [5, 6, 4, 3]
        with _refusing_networks(net_class):
            net = net_class(*sizes, weight_init_std=0.1, rng=0)
        _refuse_built_on(net_class, net, "ThreeLayerNet")
        params = getattr(net, "params", None)
        if not isinstance(params, dict) or sorted(params) != sorted(THREE_LAYER_KEYS):
            got = sorted(params) if isinstance(params, dict) else type(params).__name__
            raise Fail(f"params should have the keys {THREE_LAYER_KEYS}, got {got}")
        shapes = {f"W{i}": (a, b) for i, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1)}
        shapes.update({f"b{i}": (b,) for i, b in enumerate(sizes[1:], start=1)})
        for key, shape in shapes.items():
            if np.shape(params[key]) != shape:
                raise Fail(f"params[{key!r}] should have shape {shape} for sizes "
                           f"{tuple(sizes)}, got {np.shape(params[key])}")
        for key in ("b1", "b2", "b3"):
            if np.any(params[key] != 0):
                raise Fail(f"params[{key!r}] should start at zeros, as in LayerNet")
        names = list(getattr(net, "layers", {}))
        if names != THREE_LAYER_LAYERS:
            raise Fail(f"layers should be {THREE_LAYER_LAYERS} in this order, got {names}")
        with _refusing_networks(net_class):
            _check_initial_weights(net_class)
        x, t, weights, biases = _problem(sizes, np.random.default_rng(61))
        for i, (W, b) in enumerate(zip(weights, biases), start=1):
            params[f"W{i}"][...], params[f"b{i}"][...] = W, b  # in place, as an optimizer does
        loss, expected, _ = reference_mlp(x, t, weights, biases)
        with _refusing_networks(net_class):
            got_loss, grads = net.loss(x, t), net.gradient(x, t)
        if not np.isclose(got_loss, loss, rtol=1e-9):
            raise Fail("the loss differs from the reference: do the Affine layers use the "
                       "arrays in self.params (not copies)?")
        note = ""
        for key in THREE_LAYER_KEYS:
            note = expect_gradients(grads.get(key, np.zeros(0)), expected[key],
                                    f"grads[{key!r}] differs from the reference")
        return note

    return run_check("ThreeLayerNet", check)


def _check_initial_weights(net_class):
    """Weights of std weight_init_std from np.random.default_rng(rng): the same for one seed."""
    sizes = [60, 50, 40, 10]  # enough weights to measure their spread within a few percent
    first = net_class(*sizes, weight_init_std=0.2, rng=3)
    again = net_class(*sizes, weight_init_std=0.2, rng=3)
    other = net_class(*sizes, weight_init_std=0.2, rng=4)
    for key in ("W1", "W2", "W3"):
        std = float(np.std(first.params[key]))
        if not 0.18 < std < 0.22:
            raise Fail(f"params[{key!r}] should be weight_init_std times a standard normal "
                       f"sample: with weight_init_std=0.2 its spread is {std:.3f}")
        if not np.array_equal(first.params[key], again.params[key]):
            raise Fail("draw the weights from np.random.default_rng(rng), so that the same rng "
                       "gives the same weights")
        if np.array_equal(first.params[key], other.params[key]):
            raise Fail("another rng should give other weights: use np.random.default_rng(rng)")


class _ReferenceNet:
    """A network with params, loss and gradient from reference_mlp, and optionally one planted
    bug: the gradient of `bad_key` is off by a random array of its own size."""

    def __init__(self, sizes, rng, bad_key=None):
        self.x, self.t, weights, biases = _problem(sizes, rng)
        self.params = {}
        for i, (W, b) in enumerate(zip(weights, biases), start=1):
            self.params[f"W{i}"], self.params[f"b{i}"] = W, b
        self.bad_key = bad_key
        self.error = 0.5 * rng.standard_normal(self.params[bad_key].shape) if bad_key else None

    def _weights_biases(self):
        n = len(self.params) // 2
        return ([self.params[f"W{i}"] for i in range(1, n + 1)],
                [self.params[f"b{i}"] for i in range(1, n + 1)])

    def loss(self, x, t):
        return reference_mlp(x, t, *self._weights_biases())[0]

    def gradient(self, x, t):
        grads = reference_mlp(x, t, *self._weights_biases())[1]
        if self.bad_key:
            grads[self.bad_key] = grads[self.bad_key] + self.error
        return grads


def check_gradient_errors(gradient_errors):
    """gradient_errors(net, x, t) -> {key: rel_error(backprop, numerical)} for every key of
    net.params, with numerical gradients of net.loss(x, t) by centred differences."""

    def check():
        sizes = [5, 6, 4, 3]
        for bad_key in (None, "W2", "b3"):
            net = _ReferenceNet(sizes, np.random.default_rng(63), bad_key)
            before = {key: p.copy() for key, p in net.params.items()}
            errors = gradient_errors(net, net.x, net.t)
            if any(not np.array_equal(net.params[k], before[k]) for k in before):
                raise Fail("net.params changed: put every nudged entry back (numerical_gradient "
                           "does)")
            if not isinstance(errors, dict) or sorted(errors) != sorted(net.params):
                got = sorted(errors) if isinstance(errors, dict) else type(errors).__name__
                raise Fail(f"return a dict with one error per key of net.params "
                           f"{sorted(net.params)}, got {got}")
            if any(np.ndim(e) != 0 for e in errors.values()):
                raise Fail("each value is one number: rel_error(backprop[key], numeric)")
            if all(float(e) == 0.0 for e in errors.values()):
                raise Fail("every error is exactly 0: compare the backprop gradient with the "
                           "numerical one, numerical_gradient(lambda _: net.loss(x, t), "
                           "net.params[key], h=1e-5)")
            if all(np.isclose(float(e), 1.0, rtol=1e-6) for e in errors.values()):
                # rel_error(a, 0) is exactly 1: the numerical gradients were all zero
                raise Fail("every error is 1, which rel_error gives against a numerical "
                           "gradient of 0: nudging the entries did not change net.loss. Was "
                           "numerical_gradient given a copy of net.params[key]? net.loss reads "
                           "the array in net.params, so nudge that array itself")
            _compare_errors(net, errors)
        return "(a correct network and two with one wrong gradient)"

    return run_check("gradient_errors", check)


def _compare_errors(net, errors):
    """Fail unless `errors` flags exactly net.bad_key, with the relative error it really has."""
    backprop = net.gradient(net.x, net.t)
    for key, p in net.params.items():
        numeric = numerical_gradient(lambda _: net.loss(net.x, net.t), p, h=1e-5)
        expected = rel_error(backprop[key], numeric)
        got = float(errors[key])
        if key == net.bad_key and not got > 1e-2:
            raise Fail(f"this network's gradient of {key!r} is wrong, but your error for it is "
                       f"{got:.1e}: compare net.gradient(x, t)[{key!r}] with the numerical "
                       "gradient of the same parameter")
        if key != net.bad_key and not got < 1e-7:
            raise Fail(f"the gradient of {key!r} is right, but your error for it is {got:.1e} "
                       f"(rel_error of net.gradient(x, t)[{key!r}] and a centred-difference "
                       f"gradient of net.params[{key!r}] with h=1e-5 is {expected:.0e})")
        if key == net.bad_key and not np.isclose(got, expected, rtol=1e-3):
            raise Fail(f"your error for {key!r} is {got:.3e}, but rel_error(backprop, numeric) "
                       f"is {expected:.3e}")
