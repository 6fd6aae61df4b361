"""Fully connected networks built from `scratch.layers` (the book's TwoLayerNet and
MultiLayerNet, section 5.7.2).

Shapes: x: (N, D) (or (N, d1, ...), flattened by the first Affine), hidden sizes H1, H2, ...,
scores: (N, C). Parameters are named W1, b1, W2, b2, ... with W{i}: (H{i-1}, H{i}).
As in the book, `layers` is an OrderedDict of the layers in forward order ("Affine1", "Relu1",
"Affine2", ...) and `last_layer` the SoftmaxWithLoss. One difference: `params` is the single
source of truth. The Affine layers are handed the current arrays from `params` before every
forward pass, so `net.params['W1'] = new_array` takes effect (the book's layers would keep
computing with the old array).
The book's convolutional SimpleConvNet (chapter 7) lives in `scratch.convnet` and is imported
from here too: `from scratch.nets import SimpleConvNet`.
"""

from collections import OrderedDict

import numpy as np

from scratch.convnet import SimpleConvNet as SimpleConvNet  # the convolutional net, re-exported
from scratch.gradient import DEFAULT_H, numerical_gradient
from scratch.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss
from scratch.validation import check_choice, check_labels

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}
INIT_SCALES = {"relu": 2.0, "he": 2.0, "sigmoid": 1.0, "xavier": 1.0}


class MultiLayerNet:
    """Affine -> activation -> ... -> Affine -> SoftmaxWithLoss.

    input_size: D; hidden_size_list: [H1, H2, ...]; output_size: C.
    activation: 'relu' or 'sigmoid'.
    weight_init_std: 'relu'/'he' (std sqrt(2 / fan_in)), 'sigmoid'/'xavier' (sqrt(1 / fan_in)),
        or a number used as the std of every layer.
    weight_decay_lambda: L2 penalty 0.5 * lambda * sum(W**2) added to the loss (biases excluded).
    rng: np.random.Generator or seed for the initial weights (default seed 0: reproducible).
    dtype: float32 for fast training, float64 for gradient checks.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, *, rng=0, dtype=np.float64):
        where = type(self).__name__
        check_choice(activation, sorted(ACTIVATIONS), where, "activation")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"{where}: dtype must be a float type, got {dtype}")
        self.sizes = [int(input_size), *map(int, hidden_size_list), int(output_size)]
        if min(self.sizes) < 1:
            raise ValueError(f"{where}: layer sizes must be >= 1, got {self.sizes}")
        self.hidden_layer_num = len(self.sizes) - 2
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.params = self._init_params(weight_init_std, np.random.default_rng(rng))

        self.layers = OrderedDict()
        for i in range(1, self.hidden_layer_num + 2):
            # input_grad=False for Affine1: the gradient with respect to x is never needed.
            self.layers[f"Affine{i}"] = Affine(self.params[f"W{i}"], self.params[f"b{i}"],
                                               name=f"Affine{i}", input_grad=i > 1)
            if i <= self.hidden_layer_num:
                name = f"{activation.title()}{i}"
                self.layers[name] = ACTIVATIONS[activation](name=name)
        self.last_layer = SoftmaxWithLoss()

    def _init_params(self, weight_init_std, rng):
        params = {}
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:]), start=1):
            if isinstance(weight_init_std, str):
                if weight_init_std.lower() not in INIT_SCALES:
                    raise ValueError(
                        f"{type(self).__name__}: weight_init_std must be a number or one of "
                        f"{sorted(INIT_SCALES)}, got {weight_init_std!r}"
                    )
                std = np.sqrt(INIT_SCALES[weight_init_std.lower()] / fan_in)
            else:
                std = float(weight_init_std)
            w = std * rng.standard_normal((fan_in, fan_out))
            params[f"W{i}"] = w.astype(self.dtype)
            params[f"b{i}"] = np.zeros(fan_out, dtype=self.dtype)
        return params

    def predict(self, x, train_flg=False):
        """x: (N, D) -> scores: (N, C), before softmax (the largest score is the prediction).

        train_flg: True while training, for the layers that behave differently then (batch
        normalisation and dropout, in MultiLayerNetExtend); the other layers ignore it.
        """
        for i in range(1, self.hidden_layer_num + 2):  # the current params (see the top)
            affine = self.layers[f"Affine{i}"]
            affine.W, affine.b = self.params[f"W{i}"], self.params[f"b{i}"]
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers.values():
            x = layer.forward(x, train_flg) if layer.train_dependent else layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """x: (N, D); t: (N,) labels or (N, C) one-hot -> mean loss (+ weight decay), a float."""
        weight_decay = 0.0
        if self.weight_decay_lambda:  # (without it, squaring every weight would be wasted time)
            for i in range(1, self.hidden_layer_num + 2):
                W = self.params[f"W{i}"]
                weight_decay += 0.5 * self.weight_decay_lambda * float(np.sum(W**2))
        return self.last_layer.forward(self.predict(x, train_flg), t) + weight_decay

    def accuracy(self, x, t):
        """x: (N, D); t: (N,) labels or (N, C) one-hot -> fraction classified correctly."""
        scores = self.predict(x)
        labels = check_labels(t, scores.shape[0], scores.shape[1],
                              f"{type(self).__name__}.accuracy")
        return float(np.mean(scores.argmax(axis=1) == labels))

    def loss_and_gradient(self, x, t):
        """One forward and one backward pass -> (loss, grads) with grads named like params."""
        # forward, in training mode
        loss = self.loss(x, t, train_flg=True)

        # backward
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)

        grads = {}
        for i in range(1, self.hidden_layer_num + 2):
            affine = self.layers[f"Affine{i}"]
            grads[f"W{i}"] = affine.dW
            if self.weight_decay_lambda:  # d/dW of 0.5 * lambda * sum(W**2) (no copy without it)
                grads[f"W{i}"] = affine.dW + self.weight_decay_lambda * affine.W
            grads[f"b{i}"] = affine.db
        return loss, grads

    def gradient(self, x, t):
        """Gradients of the loss by backpropagation: dict with the keys of `params`."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x, t, h=DEFAULT_H):
        """The same gradients by centred differences: slow, for checking `gradient` (float64)."""
        return {k: numerical_gradient(lambda _: self.loss(x, t, train_flg=True), p, h)
                for k, p in self.params.items()}


class TwoLayerNet(MultiLayerNet):
    """The book's TwoLayerNet: Affine1 -> Relu1 -> Affine2 -> SoftmaxWithLoss.

    input_size: D; hidden_size: H; output_size: C; W1: (D, H), b1: (H,), W2: (H, C), b2: (C,).
    Weights start as weight_init_std * standard normal (the book's 0.01), biases at 0.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, *, rng=0,
                 dtype=np.float64):
        super().__init__(input_size, [hidden_size], output_size, "relu", weight_init_std,
                         rng=rng, dtype=dtype)


class MultiLayerNetExtend(MultiLayerNet):
    """MultiLayerNet with batch normalisation and dropout (the book's sections 6.3 and 6.4).

    With use_batchnorm, every hidden Affine is followed by BatchNorm{i} (parameters gamma{i}:
    (H{i},) starting at 1 and beta{i}: (H{i},) at 0), before its activation; with use_dropout,
    every activation by Dropout{i} (ratio dropout_ratio; the book's `dropout_ration`, spelled
    right; `dropout_ration=` is accepted too, for the book's scripts). predict/loss take
    train_flg (False by default: test mode); `gradient` and `numerical_gradient` differentiate
    the training-mode loss, as the book does. The dropout masks come from the same rng as the
    weights, after them.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, use_dropout=False,
                 dropout_ratio=0.5, use_batchnorm=False, *, dropout_ration=None, rng=0,
                 dtype=np.float64):
        if dropout_ration is not None:  # the book's spelling
            dropout_ratio = dropout_ration
        generator = np.random.default_rng(rng)
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std,
                         weight_decay_lambda, rng=generator, dtype=dtype)
        self.use_dropout, self.dropout_ratio = use_dropout, dropout_ratio
        self.use_batchnorm = use_batchnorm
        plain, self.layers = self.layers, OrderedDict()
        for name, layer in plain.items():  # Affine1, Relu1, Affine2, ...: insert the new layers
            self.layers[name] = layer
            i = int(name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
            if use_batchnorm and isinstance(layer, Affine) and i <= self.hidden_layer_num:
                self.params[f"gamma{i}"] = np.ones(self.sizes[i], dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(self.sizes[i], dtype=self.dtype)
                self.layers[f"BatchNorm{i}"] = BatchNormalization(
                    self.params[f"gamma{i}"], self.params[f"beta{i}"], name=f"BatchNorm{i}")
            if use_dropout and not isinstance(layer, Affine):  # after every activation
                self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, rng=generator,
                                                     name=f"Dropout{i}")

    def predict(self, x, train_flg=False):
        """x: (N, D) -> scores: (N, C); train_flg=True uses batch statistics and drops units."""
        for i in range(1, self.hidden_layer_num + 1) if self.use_batchnorm else ():
            norm = self.layers[f"BatchNorm{i}"]  # the current params, as for the Affine layers
            norm.gamma, norm.beta = self.params[f"gamma{i}"], self.params[f"beta{i}"]
        return super().predict(x, train_flg)

    def loss_and_gradient(self, x, t):
        """As MultiLayerNet's, with the gradients of every gamma{i} and beta{i} as well."""
        loss, grads = super().loss_and_gradient(x, t)
        for i in range(1, self.hidden_layer_num + 1) if self.use_batchnorm else ():
            norm = self.layers[f"BatchNorm{i}"]
            grads[f"gamma{i}"], grads[f"beta{i}"] = norm.dgamma, norm.dbeta
        return loss, grads
