"""Minibatch training loop with whole-number epochs (the book's `common/trainer.py`, fixed).

An epoch is one pass over a fresh random permutation of the training set, cut into
ceil(N / batch_size) minibatches (the last one smaller when batch_size does not divide N).
The book instead draws batches with replacement and counts epochs with a float
(`iter % 468.75` for 60,000 / 128), so some "epochs" are never evaluated.

`split_validation` holds out part of the training data as a validation set (the book's
`shuffle_dataset` and split, section 6.5.1), for choosing hyperparameters without the test set.
"""

import math

import numpy as np

from scratch.optimizers import get_optimizer
from scratch.validation import check_int


def split_validation(x, t, validation_rate=0.2, rng=0):
    """Shuffle (x, t), then cut it in two: returns ((x_train, t_train), (x_val, t_val)).

    x: (N, ...), t: (N,) or (N, C). int(N * validation_rate) samples go to the validation set
    and the rest to training, as pairs (an image keeps its label); no sample lands in both.
    Shuffled first because a data set may be sorted (by class, by writer, by date), and the
    last 20% of a sorted set is not like the rest. rng: np.random.Generator or seed.
    The inputs are not modified (fancy indexing copies).
    """
    if len(x) != len(t):
        raise ValueError(f"split_validation: x has {len(x)} samples but t has {len(t)} labels")
    if not 0 < validation_rate < 1:
        raise ValueError(f"split_validation: validation_rate must be in (0, 1), got "
                         f"{validation_rate!r}")
    order = np.random.default_rng(rng).permutation(len(x))
    n_val = int(len(x) * validation_rate)
    val, train = order[:n_val], order[n_val:]
    return (x[train], t[train]), (x[val], t[val])


class Trainer:
    """Trains `network` (anything with loss_and_gradient, accuracy and params) by minibatch.

    x_train: (N, D), t_train: (N,) or (N, C); x_test, t_test likewise for the test set
        (optional: None measures no test accuracy, as when choosing hyperparameters);
    x_val, t_val: an optional validation set (see `split_validation`), measured likewise.
    epochs: passes over the training set; batch_size: samples per step.
    optimizer: a name ('sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam') with
        optimizer_param (e.g. {'lr': 0.1}), or an optimizer instance.
    evaluate_sample_num_per_epoch: accuracy is measured on the first this-many samples of each
        set at the end of every epoch (None: all of them).
    rng: np.random.Generator or seed for the batch order; progress: show a progress bar
        (None: yes, unless verbose is given).
    lr_decay: after every epoch the optimizer's learning rate is multiplied by this (cs231n's
        Solver; 1.0, the default, keeps it), so epoch e (from 1) trains with lr * lr_decay**(e-1).
    best_params: keep a copy of the parameters of the epoch with the highest validation accuracy
        (the first such epoch on a tie; needs x_val) and write them back into network.params
        *in place* at the end of train(), so that layers holding those arrays see them;
        best_val_acc and best_epoch say which (cs231n's Solver keeps its best_params likewise).
        Batch norm's running averages are not in params and are not restored.
    The book's names work too: mini_batch_size for batch_size, and verbose (True prints one
        line per epoch with the accuracies, the book's "=== epoch:1, train acc:..., test
        acc:... ===", and the final test accuracy; False prints nothing).
    After train(): train_loss_list (one loss per step), train_acc_list, val_acc_list and
    test_acc_list (one accuracy per epoch; empty for a set that was not given). Accuracies are
    measured in test mode (`network.accuracy`: no dropout, batch norm's running averages).
    """

    def __init__(self, network, x_train, t_train, x_test=None, t_test=None, epochs=20,
                 batch_size=100, optimizer="sgd", optimizer_param=None,
                 evaluate_sample_num_per_epoch=None, *, x_val=None, t_val=None, rng=0,
                 progress=None, mini_batch_size=None, verbose=None, lr_decay=1.0,
                 best_params=False):
        where = "Trainer"
        if mini_batch_size is not None:  # the book's name
            batch_size = mini_batch_size
        for name, x, t in (("train", x_train, t_train), ("test", x_test, t_test),
                           ("val", x_val, t_val)):
            if (x is None) != (t is None):
                raise ValueError(f"{where}: give both x_{name} and t_{name}, or neither")
            if x is not None and len(x) != len(t):
                raise ValueError(
                    f"{where}: x_{name} has {len(x)} samples but t_{name} has {len(t)} labels"
                )
        self.network = network
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.x_val, self.t_val = x_val, t_val
        self.epochs = check_int(epochs, where, "epochs")
        self.batch_size = check_int(batch_size, where, "batch_size")
        self.optimizer = get_optimizer(optimizer, **(optimizer_param or {}))
        self.eval_num = evaluate_sample_num_per_epoch
        if self.eval_num is not None:
            self.eval_num = check_int(self.eval_num, where, "evaluate_sample_num_per_epoch")
        if not (isinstance(lr_decay, (int, float)) and 0 < lr_decay <= 1):
            raise ValueError(f"{where}: lr_decay must be a number in (0, 1], got {lr_decay!r}")
        self.lr_decay = float(lr_decay)
        if best_params and x_val is None:
            raise ValueError(f"{where}: best_params=True needs a validation set (x_val, t_val)")
        self.keep_best = bool(best_params)
        self.best_params, self.best_val_acc, self.best_epoch = None, -1.0, None
        self.rng = np.random.default_rng(rng)
        self.verbose = bool(verbose)
        self.progress = verbose is None if progress is None else progress
        self.iters_per_epoch = math.ceil(len(x_train) / self.batch_size)
        self.max_iter = self.epochs * self.iters_per_epoch
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list, self.train_acc_list, self.test_acc_list = [], [], []
        self.val_acc_list = []

    def train_step(self, x_batch, t_batch):
        """One forward/backward pass and one update on a minibatch; returns its loss."""
        loss, grads = self.network.loss_and_gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        self.train_loss_list.append(loss)
        self.current_iter += 1
        return loss

    def evaluate(self):
        """Append the accuracies on the evaluation samples of every set given; return them as a
        dict {"train_acc": ..., "val_acc": ..., "test_acc": ...} (only the sets given)."""
        n, accuracies = self.eval_num, {}
        for name, x, t, history in (("train", self.x_train, self.t_train, self.train_acc_list),
                                    ("val", self.x_val, self.t_val, self.val_acc_list),
                                    ("test", self.x_test, self.t_test, self.test_acc_list)):
            if x is not None:
                accuracies[f"{name}_acc"] = self.network.accuracy(x[:n], t[:n])
                history.append(accuracies[f"{name}_acc"])
        return accuracies

    def train(self):
        """Run all epochs. The progress bar shows the loss and accuracies; prints only when
        verbose."""
        bar = None
        if self.progress:
            try:  # imported only here: the core needs numpy alone
                from tqdm.auto import tqdm
            except ImportError as exc:
                raise ImportError(
                    "Trainer: the progress bar needs tqdm (pip install tqdm, or the package's "
                    "'notebooks' extra); or pass progress=False"
                ) from exc
            bar = tqdm(total=self.max_iter, desc="training", unit="step", leave=True)
        try:
            for _ in range(self.epochs):
                order = self.rng.permutation(len(self.x_train))
                for start in range(0, len(order), self.batch_size):
                    idx = order[start:start + self.batch_size]
                    loss = self.train_step(self.x_train[idx], self.t_train[idx])
                    if bar is not None:
                        bar.update(1)
                self.current_epoch += 1
                accuracies = self.evaluate()
                if self.keep_best and accuracies["val_acc"] > self.best_val_acc:
                    self.best_val_acc, self.best_epoch = accuracies["val_acc"], self.current_epoch
                    self.best_params = {k: p.copy() for k, p in self.network.params.items()}
                self.optimizer.lr *= self.lr_decay
                if bar is not None:
                    bar.set_postfix(epoch=self.current_epoch, loss=f"{loss:.3f}",
                                    **{k: f"{v:.3f}" for k, v in accuracies.items()})
                if self.verbose:
                    print(f"=== epoch:{self.current_epoch}, "
                          + ", ".join(f"{k.replace('_', ' ')}:{v:.4f}"
                                      for k, v in accuracies.items()) + " ===")
        finally:
            if bar is not None:
                bar.close()
        if self.keep_best and self.best_params is not None:
            for key, value in self.best_params.items():
                self.network.params[key][...] = value  # in place: the layers see it
        if self.verbose and self.x_test is not None:
            print(f"test acc: {self.network.accuracy(self.x_test, self.t_test):.4f}")
