"""Optimizers: `update(params, grads)` changes every array in `params` in place.

A parameter that is a plain number (a Python float, as in the book's two-variable examples)
cannot be changed in place: `update` puts the new value into the dict instead, as a float,
so code holding the dict sees it and code holding the old number does not.

params and grads are dicts with the same keys (e.g. 'W1', 'b1'); per-parameter state
(velocities, squared-gradient averages) is kept under those keys, so a network may rebind
`params[key]` to a new array of the same shape. Notation: p a parameter, g its gradient,
lr the learning rate, t the step number (from 1).
"""

import numpy as np


class Optimizer:
    """Base class: the input checks and the per-parameter state every optimizer shares."""

    n_slots = 0  # how many state arrays (shaped like the parameter) the optimizer keeps

    def __init__(self, lr):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"{type(self).__name__}: lr must be a positive number, got {lr}")
        self.lr = lr
        self.state = {}
        self.t = 0

    def update(self, params, grads):
        if set(params) != set(grads):
            raise ValueError(
                f"{type(self).__name__}.update: params and grads must have the same keys, got "
                f"{sorted(params)} and {sorted(grads)}"
            )
        self.t += 1
        for key, p in list(params.items()):
            number = not isinstance(p, np.ndarray)
            if number:  # e.g. the book's params['x'] = -7.0 (ch06/optimizer_compare_naive.py)
                if isinstance(p, bool) or not isinstance(p, (int, float, np.number)):
                    raise TypeError(
                        f"{type(self).__name__}.update: params[{key!r}] must be a NumPy array "
                        f"(updated in place) or a number, got {type(p).__name__}"
                    )
                p = np.array(p, dtype=np.float64)  # a 0-d array, which step can update
            g = np.asarray(grads[key])
            if g.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.update: grads[{key!r}] has shape {g.shape}, "
                    f"but params[{key!r}] has shape {p.shape}"
                )
            slots = self.state.get(key)
            # Fresh state for a new key, or for a parameter rebound to a new shape (all of a
            # parameter's slots have its shape, so checking the first is enough).
            if slots is None or (slots and slots[0].shape != p.shape):
                slots = self.state[key] = tuple(np.zeros_like(p) for _ in range(self.n_slots))
            self.step(p, g, *slots)
            if number:  # a number cannot change in place: the dict gets the new one instead
                params[key] = float(p)

    def step(self, p, g, *slots):
        """Update one parameter array `p` in place from its gradient `g` and state `slots`."""
        raise NotImplementedError


class SGD(Optimizer):
    """p <- p - lr * g."""

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def step(self, p, g):
        p -= self.lr * g


class Momentum(Optimizer):
    """v <- momentum * v - lr * g;  p <- p + v.

    A ball rolling downhill: steps keep part of their previous direction, which damps the
    zig-zag across a narrow valley and speeds up travel along it.
    """

    n_slots = 1

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = momentum

    def step(self, p, g, v):
        v *= self.momentum
        v -= self.lr * g
        p += v


class Nesterov(Momentum):
    """v <- momentum * v - lr * g;  p <- p + momentum * v - lr * g  (v is the *new* velocity).

    Momentum that looks ahead: the step uses the gradient as if the velocity had already been
    applied. This is PyTorch's SGD(nesterov=True) with the velocity scaled by lr. (The book's
    version adds momentum**2 * v - (1 + momentum) * lr * g, which is a different update.)
    """

    def step(self, p, g, v):
        v *= self.momentum
        v -= self.lr * g
        p += self.momentum * v - self.lr * g


class AdaGrad(Optimizer):
    """h <- h + g**2;  p <- p - lr * g / (sqrt(h) + eps).

    Each parameter gets its own learning rate, shrinking as its gradients accumulate.
    """

    n_slots = 1

    def __init__(self, lr=0.01, eps=1e-7):
        super().__init__(lr)
        self.eps = eps

    def step(self, p, g, h):
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class RMSprop(Optimizer):
    """h <- decay_rate * h + (1 - decay_rate) * g**2;  p <- p - lr * g / (sqrt(h) + eps).

    AdaGrad with a moving average instead of a sum, so old gradients are forgotten and the
    learning rate does not decay to zero.
    """

    n_slots = 1

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        super().__init__(lr)
        self.decay_rate, self.eps = decay_rate, eps

    def step(self, p, g, h):
        h *= self.decay_rate
        h += (1 - self.decay_rate) * g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    """m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g**2;
    p <- p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1**t) and
    v_hat = v / (1 - beta2**t) (bias correction; Kingma & Ba's algorithm 1, as in PyTorch).

    Momentum (m) plus RMSprop-style per-parameter scaling (v).
    """

    n_slots = 2

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def step(self, p, g, m, v):
        m += (1 - self.beta1) * (g - m)
        v += (1 - self.beta2) * (g * g - v)
        m_hat = m / (1 - self.beta1**self.t)
        v_hat = v / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {cls.__name__.lower(): cls
              for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)}


def get_optimizer(optimizer, **kwargs):
    """An optimizer instance from a name ('sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop',
    'adam'; any case) and its keyword arguments, or an instance passed through unchanged."""
    if isinstance(optimizer, Optimizer):
        if kwargs:
            raise ValueError("get_optimizer: keyword arguments given with an optimizer instance")
        return optimizer
    key = str(optimizer).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"get_optimizer: unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}"
        )
    return OPTIMIZERS[key](**kwargs)
