"""Minibatch training loop with whole-number epochs (the book's `common/trainer.py`, fixed).

An epoch is one pass over a fresh random permutation of the training set, cut into
ceil(N / batch_size) minibatches (the last one smaller when batch_size does not divide N).
The book instead draws batches with replacement and counts epochs with a float
(`iter % 468.75` for 60,000 / 128), so some "epochs" are never evaluated.
"""

import math

import numpy as np

from scratch.optimizers import get_optimizer
from scratch.validation import check_int


class Trainer:
    """Trains `network` (anything with loss_and_gradient, accuracy and params) by minibatch.

    x_train: (N, D), t_train: (N,) or (N, C); x_test, t_test likewise for the test set.
    epochs: passes over the training set; batch_size: samples per step.
    optimizer: a name ('sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam') with
        optimizer_param (e.g. {'lr': 0.1}), or an optimizer instance.
    evaluate_sample_num_per_epoch: accuracy is measured on the first this-many samples of each
        set at the end of every epoch (None: all of them).
    rng: np.random.Generator or seed for the batch order; progress: show a progress bar.
    After train(): train_loss_list (one loss per step), train_acc_list and test_acc_list (one
    accuracy per epoch).
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20, batch_size=100,
                 optimizer="sgd", optimizer_param=None, evaluate_sample_num_per_epoch=None,
                 *, rng=0, progress=True):
        where = "Trainer"
        for name, x, t in (("train", x_train, t_train), ("test", x_test, t_test)):
            if len(x) != len(t):
                raise ValueError(
                    f"{where}: x_{name} has {len(x)} samples but t_{name} has {len(t)} labels"
                )
        self.network = network
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.epochs = check_int(epochs, where, "epochs")
        self.batch_size = check_int(batch_size, where, "batch_size")
        self.optimizer = get_optimizer(optimizer, **(optimizer_param or {}))
        self.eval_num = evaluate_sample_num_per_epoch
        if self.eval_num is not None:
            self.eval_num = check_int(self.eval_num, where, "evaluate_sample_num_per_epoch")
        self.rng = np.random.default_rng(rng)
        self.progress = progress
        self.iters_per_epoch = math.ceil(len(x_train) / self.batch_size)
        self.max_iter = self.epochs * self.iters_per_epoch
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list, self.train_acc_list, self.test_acc_list = [], [], []

    def train_step(self, x_batch, t_batch):
        """One forward/backward pass and one update on a minibatch; returns its loss."""
        loss, grads = self.network.loss_and_gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        self.train_loss_list.append(loss)
        self.current_iter += 1
        return loss

    def evaluate(self):
        """Append (and return) the train and test accuracies on the evaluation samples."""
        n = self.eval_num
        train_acc = self.network.accuracy(self.x_train[:n], self.t_train[:n])
        test_acc = self.network.accuracy(self.x_test[:n], self.t_test[:n])
        self.train_acc_list.append(train_acc)
        self.test_acc_list.append(test_acc)
        return train_acc, test_acc

    def train(self):
        """Run all epochs. Prints nothing; the progress bar shows the loss and accuracies."""
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
                train_acc, test_acc = self.evaluate()
                if bar is not None:
                    bar.set_postfix(epoch=self.current_epoch, loss=f"{loss:.3f}",
                                    train_acc=f"{train_acc:.3f}", test_acc=f"{test_acc:.3f}")
        finally:
            if bar is not None:
                bar.close()
