"""Optimizer paths on the book's test function f(x, y) = x**2 / 20 + y**2 (figure 6-8).

The valley is 20 times steeper across (y) than along (x): a learning rate large enough to move
along x quickly makes plain SGD zig-zag across y. The minimum is at (0, 0); every path starts
at (-7, 2) as in the book. `rotation` (degrees) turns the whole landscape, start included,
about the minimum: the same valley, no longer lined up with the axes x and y.
"""

import matplotlib.pyplot as plt
import numpy as np

from scratch.optimizers import get_optimizer
from scratch.validation import check_int

START = (-7.0, 2.0)
# The learning rates of the book's figure 6-8, plus Nesterov and RMSprop (our choice).
BOOK_LRS = {"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5, "rmsprop": 0.1,
            "adam": 0.3}
# Fixed plot limits, so paths of different optimizers are drawn on the same map.
XLIM, YLIM = (-10.0, 10.0), (-5.0, 5.0)


def f(x, y):
    """f(x, y) = x**2 / 20 + y**2; x, y: numbers or arrays of one shape (e.g. a meshgrid)."""
    return x**2 / 20.0 + y**2


def grad_f(x, y):
    """The gradient (df/dx, df/dy) = (x / 10, 2 y)."""
    return x / 10.0, 2.0 * y


def _rotation(degrees):
    """The 2 x 2 matrix that turns a point by `degrees` counterclockwise."""
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    return np.array([[c, -s], [s, c]])


def optimizer_path(optimizer, steps=30, start=START, rotation=0.0, **optimizer_param):
    """Run an optimizer on f from `start` and return the visited points.

    optimizer: a name from `scratch.optimizers.OPTIMIZERS` ('sgd', 'momentum', 'nesterov',
        'adagrad', 'rmsprop', 'adam') with its keyword arguments (e.g. lr=0.1), or a fresh
        optimizer instance (one that has not been used yet: it keeps its state).
    steps: number of updates. rotation: degrees by which f and `start` are turned about the
    minimum (the gradient at p is then R grad_f(R^T p)). Returns path: (steps + 1, 2), row i the
    point (x, y) after i updates (row 0 is the start). A diverging run gives huge numbers (or
    inf) rather than a warning.
    """
    steps = check_int(steps, "optimizer_path", "steps", low=0)
    if np.shape(start) != (2,):
        raise ValueError(f"optimizer_path: start must be a point (x, y), got {start!r}")
    opt = get_optimizer(optimizer, **optimizer_param)
    # One (2,) parameter holding x and y: every optimizer here acts element by element, so
    # this is the same as the book's two separate parameters 'x' and 'y'.
    turn = _rotation(rotation)
    params = {"xy": turn @ np.array(start, dtype=np.float64)}
    path = np.empty((steps + 1, 2))
    path[0] = params["xy"]
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, steps + 1):
            x, y = turn.T @ params["xy"]  # the point in the valley's own axes
            opt.update(params, {"xy": turn @ np.array(grad_f(x, y))})
            path[i] = params["xy"]
    return path


def distance_to_minimum(path):
    """Euclidean distance of the last point of path: (n, 2) to the minimum (0, 0)."""
    return float(np.hypot(*np.asarray(path)[-1]))


def plot_path(path, ax=None, title=None, rotation=0.0):
    """Draw f's contour lines (turned by `rotation` degrees), the minimum (+) and path: (n, 2)
    as connected dots on `ax`.

    The view is fixed to XLIM x YLIM so that paths can be compared; points outside are clipped.
    Returns the Axes.
    """
    if ax is None:
        ax = plt.gca()
    xs, ys = np.meshgrid(np.linspace(*XLIM, 201), np.linspace(*YLIM, 101))
    turn = _rotation(rotation)
    along, across = (turn.T @ np.stack([xs.ravel(), ys.ravel()])).reshape(2, *xs.shape)
    ax.contour(xs, ys, f(along, across), levels=np.geomspace(0.05, 25, 12), colors="0.75",
               linewidths=0.8, zorder=1)  # under every path, whichever is drawn first
    path = np.asarray(path)
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
    ax.plot(0, 0, "+", color="black", markersize=10)
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    return ax
