"""The baseline for bench_conv.py: the book's chapter-7 training step, layer by layer.

Written from the book's algorithm (common/util.py, common/layers.py, ch07/simple_convnet.py,
common/trainer.py, common/optimizer.py) to do the work its code does per step, so that the
speed-up is measured against what a reader of the book actually runs:
- im2col fills a zeroed 6-D float64 array with one strided copy per filter offset, then
  transposes it into one window per row; col2im adds back likewise; both pad with np.pad;
- Convolution multiplies (N*OH*OW, C*FH*FW) by (C*FH*FW, FN) and transposes the result to
  (N, FN, OH, OW); its backward transposes dout back and computes dx even for the first layer;
- Pooling runs im2col, reshapes to one pooling window per row, takes argmax and max; its
  backward scatters dout into a zeroed (outputs, pool_h*pool_w) array and calls col2im;
- float64 weights, batches drawn with np.random.choice, the book's Adam, and the loss computed
  again by a second forward pass after the update (as the book's Trainer logs it).
Not used anywhere but in the benchmark: scratch's own layers are the ones to learn from.
"""

from collections import OrderedDict

import numpy as np
from book_baseline import Affine, Relu, SoftmaxWithLoss


def out_size(size, filter_size, stride, pad):
    return (size + 2 * pad - filter_size) // stride + 1


def book_im2col(x, fh, fw, stride, pad):
    n, c, h, w = x.shape
    oh, ow = out_size(h, fh, stride, pad), out_size(w, fw, stride, pad)
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((n, c, fh, fw, oh, ow))
    for i in range(fh):
        for j in range(fw):
            col[:, :, i, j] = img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def book_col2im(col, shape, fh, fw, stride, pad):
    n, c, h, w = shape
    oh, ow = out_size(h, fh, stride, pad), out_size(w, fw, stride, pad)
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for i in range(fh):
        for j in range(fw):
            img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += col[:, :, i, j]
    return img[:, :, pad:h + pad, pad:w + pad]


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = out_size(h, fh, self.stride, self.pad), out_size(w, fw, self.stride, self.pad)
        self.x, self.col = x, book_im2col(x, fh, fw, self.stride, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = np.dot(self.col, self.col_W) + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(fn, c, fh, fw)
        dcol = np.dot(dout, self.col_W.T)
        return book_col2im(dcol, self.x.shape, fh, fw, self.stride, self.pad)


class Pooling:
    def __init__(self, pool_h, pool_w, stride=2, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = out_size(h, self.pool_h, self.stride, 0), out_size(w, self.pool_w, self.stride, 0)
        col = book_im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)
        self.x, self.arg_max = x, np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape + (size,)).reshape(-1, dout.shape[3] * size)
        return book_col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class BookAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, {}, {}

    def update(self, params, grads):
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params:
            m = self.m.setdefault(key, np.zeros_like(params[key]))
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            m += (1 - self.beta1) * (grads[key] - m)
            v += (1 - self.beta2) * (grads[key] ** 2 - v)
            params[key] -= lr_t * m / (np.sqrt(v) + 1e-7)


class SimpleConvNet:
    def __init__(self, rng, filter_num=30, filter_size=5, hidden=100, std=0.01):
        pool_size = filter_num * ((28 - filter_size + 1) // 2) ** 2
        self.params = {
            "W1": std * rng.standard_normal((filter_num, 1, filter_size, filter_size)),
            "b1": np.zeros(filter_num),
            "W2": std * rng.standard_normal((pool_size, hidden)), "b2": np.zeros(hidden),
            "W3": std * rng.standard_normal((hidden, 10)), "b3": np.zeros(10)}
        self.layers = OrderedDict()
        self.layers["Conv1"] = Convolution(self.params["W1"], self.params["b1"], 1, 0)
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(2, 2, stride=2)
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"])
        self.last_layer = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers.values():
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for i, name in enumerate(("Conv1", "Affine1", "Affine2"), start=1):
            grads[f"W{i}"], grads[f"b{i}"] = self.layers[name].dW, self.layers[name].db
        return grads


def book_conv_step(x, t, rng, batch_size, lr):
    """One step of the book's Trainer on its SimpleConvNet per call (x: (N, 1, 28, 28))."""
    t_onehot = np.eye(10)[t]  # book_baseline's loss takes one-hot labels
    net, optimizer = SimpleConvNet(rng), BookAdam(lr)
    losses = []

    def step(i):
        batch_mask = rng.choice(len(x), batch_size)
        x_batch, t_batch = x[batch_mask], t_onehot[batch_mask]
        optimizer.update(net.params, net.gradient(x_batch, t_batch))
        losses.append(net.loss(x_batch, t_batch))  # the book's Trainer: a second forward pass

    step.losses = losses
    return step
