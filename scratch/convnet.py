"""The book's SimpleConvNet (chapter 7, ch07/simple_convnet.py), built from `scratch.conv` and
`scratch.layers`; exported from `scratch.nets` with the other networks.

Conv1 -> Relu1 -> Pool1 -> Affine1 -> Relu2 -> Affine2 -> SoftmaxWithLoss.
Shapes: x: (N, C, H, W) images; FN filters of FS x FS; the convolution's output
(N, FN, OH, OW), pooled 2 x 2 with stride 2 to (N, FN, OH/2, OW/2); hidden size Hd; C' classes.
Parameters: W1: (FN, C, FS, FS), b1: (FN,), W2: (FN * OH/2 * OW/2, Hd), b2: (Hd,),
W3: (Hd, C'), b3: (C',). As in `scratch.nets`, `params` is the single source of truth: the
layers are handed the current arrays before every forward pass, so `net.params['W1'] = new`
takes effect (the book's layers would keep the old array).
`save_params` and `load_params` keep the book's names but write and read NumPy's .npz format,
never a pickle: loading a pickle can run any code that was put into the file.
"""

from collections import OrderedDict

import numpy as np

from scratch.conv import Convolution, Pooling
from scratch.gradient import DEFAULT_H, numerical_gradient
from scratch.layers import Affine, Relu, SoftmaxWithLoss
from scratch.validation import check_int, check_labels, check_window_sizes

BOOK_CONV_PARAM = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
# which layer uses which parameters, in the book's numbering
PARAM_LAYERS = {"Conv1": ("W1", "b1"), "Affine1": ("W2", "b2"), "Affine2": ("W3", "b3")}


class SimpleConvNet:
    """A convolution, a 2 x 2 max pooling and two fully connected layers.

    input_dim: (C, H, W) of one image; conv_param: dict with filter_num, filter_size, pad and
        stride (None, or any key left out: the book's {'filter_num': 30, 'filter_size': 5,
        'pad': 0, 'stride': 1});
    hidden_size: Hd; output_size: C'; weight_init_std: the std of every initial weight (the
        book's 0.01; biases start at 0).
    rng: np.random.Generator or seed for the weights (default seed 0: reproducible).
    dtype: float32 for fast training, float64 for gradient checks.
    """

    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100,
                 output_size=10, weight_init_std=0.01, *, rng=0, dtype=np.float64):
        where = type(self).__name__
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"{where}: dtype must be a float type, got {dtype}")
        conv_param = {**BOOK_CONV_PARAM, **(conv_param or {})}
        fn, fs = (check_int(conv_param[k], where, k) for k in ("filter_num", "filter_size"))
        stride, pad = conv_param["stride"], conv_param["pad"]
        c, h, w = (check_int(d, where, "input_dim") for d in input_dim)
        # Every size is checked here, before any array is made, so that a misfit says which
        # numbers do not fit (the book's net computes a fractional size and fails later).
        conv_h, conv_w = check_window_sizes((h, w), (fs, fs), stride, pad, where)
        pool_h, pool_w = check_window_sizes((conv_h, conv_w), (2, 2), 2, 0, f"{where} (pooling)")
        sizes = {"W1": (fn, c, fs, fs), "b1": (fn,), "W2": (fn * pool_h * pool_w, hidden_size),
                 "b2": (hidden_size,), "W3": (hidden_size, output_size), "b3": (output_size,)}
        if isinstance(weight_init_std, (str, bool)) or not np.isfinite(weight_init_std):
            raise ValueError(f"{where}: weight_init_std must be a number (the std of the initial "
                             f"weights, the book's 0.01), got {weight_init_std!r}")
        generator = np.random.default_rng(rng)
        self.params = {}
        for key, shape in sizes.items():  # W1, b1, W2, ...: the book's order
            p = weight_init_std * generator.standard_normal(shape) if key[0] == "W" else (
                np.zeros(shape))
            self.params[key] = p.astype(self.dtype)

        self.layers = OrderedDict()
        # input_grad=False for Conv1: the gradient with respect to the images is never needed.
        self.layers["Conv1"] = Convolution(self.params["W1"], self.params["b1"], stride, pad,
                                           name="Conv1", input_grad=False)
        self.layers["Relu1"] = Relu(name="Relu1")
        self.layers["Pool1"] = Pooling(2, 2, stride=2, name="Pool1")
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"], name="Affine1")
        self.layers["Relu2"] = Relu(name="Relu2")
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"], name="Affine2")
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x, train_flg=False):
        """x: (N, C, H, W) -> scores: (N, C'), before softmax. train_flg is accepted for
        Trainer's sake; no layer here behaves differently in training."""
        for name, (w_key, b_key) in PARAM_LAYERS.items():  # the current params (see the top)
            self.layers[name].W, self.layers[name].b = self.params[w_key], self.params[b_key]
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """x: (N, C, H, W); t: (N,) labels or (N, C') one-hot -> the mean loss, a float."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t, batch_size=100):
        """Fraction of x classified correctly, predicted batch_size images at a time (to bound
        the memory); every image counts (the book's version skips a last partial batch)."""
        where = f"{type(self).__name__}.accuracy"
        labels = check_labels(t, len(x), self.params["b3"].shape[0], where)
        batch_size = check_int(batch_size, where, "batch_size")
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start:start + batch_size])
            correct += int(np.sum(scores.argmax(axis=1) == labels[start:start + batch_size]))
        return correct / len(x)

    def loss_and_gradient(self, x, t):
        """One forward and one backward pass -> (loss, grads) with grads named like params."""
        loss = self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {}
        for name, (w_key, b_key) in PARAM_LAYERS.items():
            grads[w_key], grads[b_key] = self.layers[name].dW, self.layers[name].db
        return loss, grads

    def gradient(self, x, t):
        """Gradients of the loss by backpropagation: dict with the keys of `params`."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x, t, h=DEFAULT_H):
        """The same gradients by centred differences: slow, for checking `gradient` (float64)."""
        return {k: numerical_gradient(lambda _: self.loss(x, t), p, h)
                for k, p in self.params.items()}

    def save_params(self, file_name="params.pkl"):
        """Write params to file_name in NumPy's .npz format (under the name given, even the
        book's "params.pkl")."""
        with open(file_name, "wb") as f:  # a file object: np.savez would append ".npz"
            np.savez(f, **self.params)

    def load_params(self, file_name="params.pkl"):
        """Read params written by save_params; each must have the shape of the current one."""
        try:
            with np.load(file_name, allow_pickle=False) as saved:
                loaded = {k: saved[k] for k in saved.files}
        except ValueError as exc:  # numpy's answer to a pickle, such as the book's params.pkl
            raise ValueError(
                f"{type(self).__name__}.load_params: {file_name} is not an .npz file written by "
                f"save_params (the book's params.pkl is a pickle, which scratch never loads: "
                f"unpickling can run any code); train and save_params with scratch first"
            ) from exc
        for key, p in self.params.items():
            if key not in loaded or loaded[key].shape != p.shape:
                raise ValueError(f"{type(self).__name__}.load_params: {file_name} has no {key} "
                                 f"of shape {p.shape}")
        self.params.update({k: loaded[k].astype(self.dtype) for k in self.params})
