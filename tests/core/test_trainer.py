"""Trainer: whole-number epochs, histories, determinism, silence."""

import numpy as np
import pytest

from scratch.nets import TwoLayerNet
from scratch.optimizers import Adam
from scratch.trainer import Trainer, split_validation


def blobs(n, rng):
    """Three well-separated Gaussian clusters in 2-D: easy to learn."""
    t = rng.integers(0, 3, n)
    centers = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 4.0]])
    return centers[t] + rng.standard_normal((n, 2)), t


def make(epochs=3, batch_size=128, n_train=1000, **kw):
    rng = np.random.default_rng(0)
    (x, t), (xt, tt) = blobs(n_train, rng), blobs(200, rng)
    net = TwoLayerNet(2, 8, 3, weight_init_std=0.5)
    if "optimizer" not in kw:
        kw["optimizer_param"] = {"lr": 0.1}
    return Trainer(net, x, t, xt, tt, epochs=epochs, batch_size=batch_size, progress=False, **kw)


def test_integer_epoch_accounting_with_a_partial_last_batch(capsys):
    trainer = make(epochs=3, batch_size=128)  # 1000 / 128 = 7.8125: 8 steps an epoch
    trainer.train()
    assert trainer.iters_per_epoch == 8 and trainer.max_iter == 24
    assert len(trainer.train_loss_list) == 24 == trainer.current_iter
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 3
    assert capsys.readouterr() == ("", "")  # nothing printed per iteration (or at all)


def test_it_learns_and_is_deterministic():
    a, b = make(epochs=5), make(epochs=5)
    a.train()
    b.train()
    assert a.train_loss_list == b.train_loss_list
    assert a.test_acc_list[-1] > 0.95
    assert np.mean(a.train_loss_list[-8:]) < np.mean(a.train_loss_list[:8])


def test_every_sample_is_used_once_per_epoch():
    trainer = make(epochs=3, batch_size=300)
    batches = []
    step = trainer.train_step
    trainer.train_step = lambda xb, tb: (batches.append((xb.copy(), tb.copy())), step(xb, tb))[1]
    trainer.train()
    assert [len(xb) for xb, _ in batches] == [300, 300, 300, 100] * 3
    # Which training samples each epoch used: the rows of x_train are distinct points, so a
    # row identifies its sample. Each epoch must be a permutation of all 1000, labels with them.
    index = {row.tobytes(): i for i, row in enumerate(trainer.x_train)}
    assert len(index) == len(trainer.x_train)
    orders = []
    for epoch in range(3):
        xs = np.concatenate([xb for xb, _ in batches[4 * epoch:4 * epoch + 4]])
        ts = np.concatenate([tb for _, tb in batches[4 * epoch:4 * epoch + 4]])
        order = np.array([index[row.tobytes()] for row in xs])
        np.testing.assert_array_equal(np.sort(order), np.arange(len(trainer.x_train)))
        np.testing.assert_array_equal(ts, trainer.t_train[order])
        orders.append(order)
    # shuffled: not the data's order, and a new order every epoch
    assert not np.array_equal(orders[0], np.arange(len(trainer.x_train)))
    assert not np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[1], orders[2])


def test_optimizer_instance_and_evaluation_subset():
    opt = Adam(lr=0.01)
    trainer = make(epochs=1, optimizer=opt, evaluate_sample_num_per_epoch=50)
    trainer.train()
    assert trainer.optimizer is opt and opt.t == trainer.max_iter
    assert (trainer.train_acc_list[0] * 50).is_integer()


def test_trainer_errors():
    with pytest.raises(ValueError, match="Trainer: epochs must be a positive integer, got 2.5"):
        make(epochs=2.5)
    with pytest.raises(ValueError, match="Trainer: batch_size must be a positive integer, got 0"):
        make(batch_size=0)
    net, x = TwoLayerNet(2, 2, 2), np.zeros((5, 2))
    with pytest.raises(ValueError, match="Trainer: x_train has 5 samples but t_train has 4"):
        Trainer(net, x, np.zeros(4, int), x, np.zeros(5, int))
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprpo'"):
        make(optimizer="rmsprpo")


def test_a_validation_set_is_measured_and_the_test_set_is_optional():
    rng = np.random.default_rng(1)
    (x, t), (xv, tv) = blobs(300, rng), blobs(100, rng)
    net = TwoLayerNet(2, 8, 3, weight_init_std=0.5)
    trainer = Trainer(net, x, t, epochs=2, batch_size=50, optimizer_param={"lr": 0.1},
                      x_val=xv, t_val=tv, progress=False)
    trainer.train()
    assert len(trainer.train_acc_list) == len(trainer.val_acc_list) == 2
    assert trainer.test_acc_list == []
    assert trainer.val_acc_list[-1] == net.accuracy(xv, tv)
    assert set(trainer.evaluate()) == {"train_acc", "val_acc"}
    with_test = make(epochs=1)
    with_test.train()
    assert with_test.val_acc_list == [] and len(with_test.test_acc_list) == 1
    with pytest.raises(ValueError, match="Trainer: give both x_val and t_val, or neither"):
        Trainer(net, x, t, x_val=xv)
    with pytest.raises(ValueError, match="Trainer: x_val has 100 samples but t_val has 99"):
        Trainer(net, x, t, x_val=xv, t_val=tv[:99])


def test_split_validation_is_a_shuffled_partition_of_pairs():
    x = np.arange(50.0).reshape(25, 2)  # row i is (2i, 2i + 1): every row unique
    t = np.arange(25)  # sorted, as a data set sorted by class would be
    before = x.copy()
    (x_train, t_train), (x_val, t_val) = split_validation(x, t, 0.2, rng=3)
    assert len(x_val) == len(t_val) == 5 and len(x_train) == len(t_train) == 20
    np.testing.assert_array_equal(x_train[:, 0], 2 * t_train)  # pairs kept together
    np.testing.assert_array_equal(x_val[:, 0], 2 * t_val)
    assert sorted([*t_train, *t_val]) == list(range(25))  # every sample once, none in both
    assert list(t_val) != [20, 21, 22, 23, 24]  # shuffled, not the sorted tail
    np.testing.assert_array_equal(x, before)
    again = split_validation(x, t, 0.2, rng=3)
    np.testing.assert_array_equal(again[1][1], t_val)  # the seed decides
    with pytest.raises(ValueError, match=r"split_validation: validation_rate must be in \(0, 1\)"):
        split_validation(x, t, 1.0)
    with pytest.raises(ValueError, match="split_validation: x has 25 samples but t has 24"):
        split_validation(x, t[:24])


def test_lr_decay_multiplies_the_learning_rate_after_every_epoch():
    trainer = make(epochs=4, batch_size=250, optimizer="sgd", optimizer_param={"lr": 0.2},
                   lr_decay=0.5)
    seen = []
    step = trainer.train_step
    trainer.train_step = lambda xb, tb: (seen.append(trainer.optimizer.lr), step(xb, tb))[1]
    trainer.train()
    # 1000 / 250 = 4 steps an epoch; epoch e (from 1) uses 0.2 * 0.5**(e - 1), exactly
    assert seen == [0.2] * 4 + [0.1] * 4 + [0.05] * 4 + [0.025] * 4
    assert trainer.optimizer.lr == 0.2 * 0.5**4  # decayed after the last epoch too, as Solver
    plain = make(epochs=2)
    plain.train()
    assert plain.optimizer.lr == 0.1  # the default 1.0 keeps it
    for bad in (0, -0.5, 1.5, "0.9"):
        with pytest.raises(ValueError, match="Trainer: lr_decay must be a number in"):
            make(lr_decay=bad)


def _with_val(epochs=6, **kw):
    rng = np.random.default_rng(2)
    (x, t), (xv, tv) = blobs(300, rng), blobs(60, rng)
    net = TwoLayerNet(2, 8, 3, weight_init_std=0.5, rng=1)
    kw.setdefault("optimizer_param", {"lr": 2.0})  # large: the accuracy goes up and down
    return net, Trainer(net, x, t, epochs=epochs, batch_size=30, x_val=xv, t_val=tv,
                        progress=False, **kw)


def test_best_params_are_those_of_the_best_validation_epoch_restored_in_place():
    net, trainer = _with_val(best_params=True)
    arrays = {k: p for k, p in net.params.items()}  # the arrays the layers hold
    snapshots = []
    evaluate = trainer.evaluate

    def recording_evaluate():
        result = evaluate()
        snapshots.append({k: p.copy() for k, p in net.params.items()})
        return result

    trainer.evaluate = recording_evaluate
    trainer.train()
    val = trainer.val_acc_list
    best = int(np.argmax(val))  # the first epoch with the highest accuracy
    assert trainer.best_epoch == best + 1 and trainer.best_val_acc == val[best]
    for key, p in net.params.items():
        assert p is arrays[key]  # restored in place, not replaced
        np.testing.assert_array_equal(p, snapshots[best][key])
    assert net.accuracy(trainer.x_val, trainer.t_val) == val[best]
    # the test needs a run whose best epoch is not the last, or restoring would prove nothing
    assert best + 1 < trainer.epochs and val[-1] < val[best]


def test_layers_holding_the_arrays_see_the_restored_parameters():
    net, trainer = _with_val(best_params=True)
    trainer.train()
    scores = net.predict(trainer.x_val)  # the layers read their own references to W, b
    assert (scores.argmax(axis=1) == trainer.t_val).mean() == trainer.best_val_acc


def test_without_best_params_the_last_epoch_stays_and_best_params_needs_a_validation_set():
    net, trainer = _with_val(best_params=False)
    trainer.train()
    assert trainer.best_params is None and trainer.best_epoch is None
    assert net.accuracy(trainer.x_val, trainer.t_val) == trainer.val_acc_list[-1]
    with pytest.raises(ValueError, match="best_params=True needs a validation set"):
        make(best_params=True)


def test_the_books_arguments_keep_working(capsys):
    rng = np.random.default_rng(0)
    (x, t), (xt, tt) = blobs(400, rng), blobs(100, rng)
    net = TwoLayerNet(2, 8, 3, weight_init_std=0.5)
    # the book's positional order and names: network, x_train, t_train, x_test, t_test, epochs,
    # mini_batch_size, optimizer, optimizer_param, evaluate_sample_num_per_epoch, verbose
    trainer = Trainer(net, x, t, xt, tt, epochs=2, mini_batch_size=100, optimizer="SGD",
                      optimizer_param={"lr": 0.1}, evaluate_sample_num_per_epoch=50,
                      verbose=True)
    trainer.train()
    out = capsys.readouterr().out
    assert out.count("=== epoch:") == 2 and "test acc:" in out
    assert trainer.iters_per_epoch == 4 and len(trainer.test_acc_list) == 2
