"""The baseline for bench_train.py: the book's chapter-5 training loop, layer by layer.

Written to do exactly the work the book's code does per step (ch05/two_layer_net.py,
ch05/train_neuralnet.py and common/layers.py, common/functions.py), bugs aside, so that the
speed-up is measured against what a reader of the book actually runs:
- float32 images (the book's load_mnist(normalize=True)) times float64 weights, one-hot float64
  labels, batches drawn with np.random.choice (with replacement);
- layer objects in an OrderedDict; every Affine computes dx, even the first one, whose dx
  (the gradient with respect to the images) nobody uses;
- softmax takes exp twice; the loss is recomputed by a second forward pass after the update.
Not used anywhere but in the benchmark: scratch's own layers are the ones to learn from.
"""

from collections import OrderedDict

import numpy as np


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    t = t.argmax(axis=1)  # one-hot labels back to indices, as the book does
    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7)) / y.shape[0]


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0  # the book's in-place write into the caller's array
        return dout


class SoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        return cross_entropy_error(self.y, t)

    def backward(self, dout=1):
        return (self.y - self.t) / self.t.shape[0]


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, rng, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}


def book_step(x, t, rng, batch_size, hidden, lr):
    """One step of the book's train_neuralnet.py loop per call (x: (N, 784), t: (N,) labels)."""
    x = x.astype(np.float32)
    t_onehot = np.eye(10)[t]
    net = TwoLayerNet(x.shape[1], hidden, 10, rng)
    losses = []

    def step(i):
        batch_mask = rng.choice(len(x), batch_size)
        x_batch, t_batch = x[batch_mask], t_onehot[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= lr * grad[key]
        losses.append(net.loss(x_batch, t_batch))

    step.losses = losses
    return step
