"""The calls the book's ch05, ch06 and ch07 scripts make on `common/` and `dataset/`, made on
scratch with the same arguments (tiny data, few steps); and SimpleConvNet itself.

Each test is a short script of ours that does what one of the book's scripts does, with only
the imports changed (docs/book_scripts.md); where the book's script does something scratch
refuses, the test checks that the error says why. The book's np.random.choice / rand calls
are the rng fixture's here, so that every run is the same.
"""

import numpy as np
import pytest

from scratch.datasets import load_mnist
from scratch.gradient import rel_error
from scratch.layers import Convolution
from scratch.nets import MultiLayerNet, MultiLayerNetExtend, SimpleConvNet, TwoLayerNet
from scratch.optimizers import SGD, AdaGrad, Adam, Momentum
from scratch.trainer import Trainer
from scratch.util import shuffle_dataset, smooth_curve

SMALL_CONV = {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1}


def test_simple_convnet_backprop_matches_numerical_gradients(rng):
    net = SimpleConvNet((2, 6, 6), SMALL_CONV, hidden_size=4, output_size=3,
                        weight_init_std=0.5, rng=1)
    for key in net.params:  # nonzero biases, so that every term of the gradient is exercised
        net.params[key] += 0.1 * rng.standard_normal(net.params[key].shape)
    x, t = rng.standard_normal((3, 2, 6, 6)), np.array([0, 2, 1])
    grads, numeric = net.gradient(x, t), net.numerical_gradient(x, t)
    assert set(grads) == set(numeric) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    errors = {k: rel_error(grads[k], numeric[k]) for k in grads}
    assert max(errors.values()) < 1e-7, errors


def test_simple_convnet_structure_is_the_books():
    net = SimpleConvNet()
    assert list(net.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]
    assert [layer.name for layer in net.layers.values()] == list(net.layers)
    assert type(net.last_layer).__name__ == "SoftmaxWithLoss"
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (30, 1, 5, 5), "b1": (30,), "W2": (30 * 12 * 12, 100), "b2": (100,),
        "W3": (100, 10), "b3": (10,)}
    assert np.std(net.params["W1"]) == pytest.approx(0.01, rel=0.1)
    pool = net.layers["Pool1"]
    assert (pool.pool_h, pool.pool_w, pool.stride) == (2, 2, 2)


def test_simple_convnet_rebinding_dtype_and_errors(rng):
    net = SimpleConvNet((1, 8, 8), SMALL_CONV, hidden_size=5, output_size=2)
    x = rng.standard_normal((4, 1, 8, 8))
    net.params["W3"] = np.zeros((5, 2))
    net.params["b3"] = np.array([1.0, -1.0])
    np.testing.assert_array_equal(net.predict(x), np.tile([1.0, -1.0], (4, 1)))  # no stale W3
    net32 = SimpleConvNet((1, 8, 8), SMALL_CONV, 5, 2, 0.3, dtype=np.float32, rng=2)
    net64 = SimpleConvNet((1, 8, 8), SMALL_CONV, 5, 2, 0.3, dtype=np.float64, rng=2)
    t = np.array([0, 1, 1, 0])
    (loss32, g32), (loss64, g64) = net32.loss_and_gradient(x, t), net64.loss_and_gradient(x, t)
    assert all(g.dtype == np.float32 for g in g32.values()) and loss32 == pytest.approx(loss64)
    assert max(rel_error(g32[k], g64[k]) for k in g64) < 1e-4
    with pytest.raises(ValueError, match=r"SimpleConvNet \(pooling\): \(H \+ 2\*pad - FH\) / "
                                         r"stride \+ 1 = \(25 \+ 2\*0 - 2\) / 2 \+ 1"):
        SimpleConvNet(conv_param={"filter_num": 30, "filter_size": 4, "pad": 0, "stride": 1})
    with pytest.raises(ValueError, match=r"Conv1\.forward: x has 3 channels"):
        net.predict(np.ones((1, 3, 8, 8)))
    with pytest.raises(TypeError, match="dtype must be a float type"):
        SimpleConvNet(dtype=np.int32)
    with pytest.raises(ValueError, match=r"SimpleConvNet: weight_init_std must be a number .* "
                                         r"got 'relu'"):
        SimpleConvNet(weight_init_std="relu")


def test_simple_convnet_accuracy_counts_every_image(rng):
    net = SimpleConvNet((1, 8, 8), SMALL_CONV, hidden_size=5, output_size=3)
    x, t = rng.standard_normal((7, 1, 8, 8)), rng.integers(0, 3, 7)
    want = np.mean(net.predict(x).argmax(axis=1) == t)
    assert net.accuracy(x, t, batch_size=3) == pytest.approx(want)  # batches of 3, 3 and 1
    assert net.accuracy(x, np.eye(3)[t]) == pytest.approx(want)


def test_simple_convnet_save_and_load_params_never_pickle(tmp_path, rng):
    net, other = SimpleConvNet(rng=1), SimpleConvNet(rng=2)
    path = tmp_path / "params.pkl"
    net.save_params(str(path))  # the book's file name, NumPy's .npz format inside
    other.load_params(str(path))
    x = rng.random((2, 1, 28, 28))
    np.testing.assert_array_equal(other.predict(x), net.predict(x))
    import pickle

    path.write_bytes(pickle.dumps({"W1": np.zeros(3)}))  # what the book's params.pkl is
    with pytest.raises(ValueError, match=r"load_params: .* is a pickle, which scratch never "
                                         r"loads: unpickling can run any code"):
        other.load_params(str(path))


# ---- the book's scripts, chapter by chapter


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(normalize=True)


def test_ch05_gradient_check_and_train_neuralnet(rng):
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    # gradient_check.py's calls; hidden_size 5 instead of its 50 (a tenth of the 40,000
    # numerical derivatives, which would take seconds)
    x_batch, t_batch = x_train[:3], t_train[:3]
    checked = TwoLayerNet(input_size=784, hidden_size=5, output_size=10)
    grad_numerical = checked.numerical_gradient(x_batch, t_batch)
    grad_backprop = checked.gradient(x_batch, t_batch)
    for key in grad_numerical:
        assert np.average(np.abs(grad_backprop[key] - grad_numerical[key])) < 1e-9, key
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    losses = []
    for _ in range(30):  # train_neuralnet.py's loop, with its in-place update
        batch_mask = rng.choice(x_train.shape[0], 100)
        grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= 0.1 * grad[key]
        losses.append(network.loss(x_train[batch_mask], t_train[batch_mask]))
    assert losses[-1] < losses[0]
    assert 0.2 < network.accuracy(x_test, t_test) <= 1.0


def test_ch06_optimizer_compare_naive_updates_plain_floats():
    def df(x, y):
        return x / 10.0, 2.0 * y

    results = {}
    for key, optimizer in {"SGD": SGD(lr=0.95), "Momentum": Momentum(lr=0.1),
                           "AdaGrad": AdaGrad(lr=1.5), "Adam": Adam(lr=0.3)}.items():
        params, grads = {}, {}
        params["x"], params["y"] = -7.0, 2.0
        grads["x"], grads["y"] = 0, 0
        for _ in range(30):
            grads["x"], grads["y"] = df(params["x"], params["y"])
            optimizer.update(params, grads)
        # exactly float: np.float64 subclasses float, so isinstance would accept it too
        assert type(params["x"]) is float and type(params["y"]) is float  # noqa: E721
        results[key] = params["x"] ** 2 / 20.0 + params["y"] ** 2
    assert all(f < 2.45 for f in results.values()), results  # f(-7, 2) = 6.45 at the start
    one = {"x": 3.0}
    SGD(lr=0.5).update(one, {"x": 2.0})  # the new value replaces the number in the dict
    assert one == {"x": 2.0}


@pytest.mark.parametrize("cls", [SGD, Momentum, AdaGrad, Adam])
def test_optimizers_update_a_number_as_they_update_an_array(cls):
    as_number, as_array = {"x": -7.0, "y": np.float64(2.0)}, {"x": np.array([-7.0]),
                                                              "y": np.array([2.0])}
    opt_number, opt_array = cls(lr=0.3), cls(lr=0.3)
    for _ in range(5):
        opt_number.update(as_number, {k: 0.5 * v for k, v in as_number.items()})
        opt_array.update(as_array, {k: 0.5 * v for k, v in as_array.items()})
    for key in as_number:
        assert type(as_number[key]) is float and as_number[key] == as_array[key][0]  # noqa: E721
    with pytest.raises(TypeError, match=r"params\['x'\] must be a NumPy array \(updated in "
                                        r"place\) or a number, got bool"):
        cls().update({"x": True}, {"x": 1.0})


@pytest.mark.parametrize("weight_init_std", [0.01, "sigmoid", "relu"])
def test_ch06_weight_init_and_optimizer_compare_mnist(mnist, weight_init_std, rng):
    (x_train, t_train), _ = mnist
    networks = {key: MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100],
                                   output_size=10, weight_init_std=weight_init_std)
                for key in ("SGD", "Momentum", "AdaGrad", "Adam")}
    optimizers = {"SGD": SGD(), "Momentum": Momentum(), "AdaGrad": AdaGrad(), "Adam": Adam()}
    train_loss = {key: [] for key in optimizers}
    for _ in range(12):
        batch_mask = rng.choice(x_train.shape[0], 128)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        for key in optimizers:
            grads = networks[key].gradient(x_batch, t_batch)
            optimizers[key].update(networks[key].params, grads)
            train_loss[key].append(networks[key].loss(x_batch, t_batch))
    for key in optimizers:
        assert smooth_curve(train_loss[key]).shape == (12,)


def test_ch06_overfit_weight_decay_and_batch_norm_test(mnist, rng):
    (x_train, t_train), (x_test, t_test) = mnist
    network = MultiLayerNet(input_size=784, hidden_size_list=[100] * 6, output_size=10,
                            weight_decay_lambda=0.1)
    bn_network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100] * 5,
                                     output_size=10, weight_init_std=0.1, use_batchnorm=True)
    optimizer = SGD(lr=0.01)
    for _ in range(3):
        batch_mask = rng.choice(300, 100)
        for net in (network, bn_network):
            optimizer.update(net.params, net.gradient(x_train[batch_mask], t_train[batch_mask]))
    for net in (network, bn_network):
        assert 0 <= net.accuracy(x_train[:300], t_train[:300]) <= 1
        assert 0 <= net.accuracy(x_test, t_test) <= 1


def test_ch06_batch_norm_test_runs_that_diverge_stop_saying_why(mnist):
    # batch_norm_test.py's largest initial weights (std 1) without batch norm blow up within
    # a few steps; the book's code goes on with inf and nan, scratch stops and says why.
    (x_train, t_train), _ = mnist
    network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100] * 5, output_size=10,
                                  weight_init_std=1.0)
    optimizer = SGD(lr=0.01)
    rng = np.random.default_rng(0)
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(
            ValueError, match=r"overflowed to inf .* as when training diverges: try a smaller "
                              r"learning rate or smaller initial weights"):
        for _ in range(50):
            batch_mask = rng.choice(1000, 100)
            grads = network.gradient(x_train[batch_mask], t_train[batch_mask])
            optimizer.update(network.params, grads)


def test_ch06_batch_norm_gradient_check_on_one_sample_is_refused_saying_why():
    (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)
    network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100], output_size=10,
                                  use_batchnorm=True)
    with pytest.raises(ValueError, match=r"BatchNorm1\.forward: training needs a batch of at "
                                         r"least 2 samples to compute their mean and variance"):
        network.gradient(x_train[:1], t_train[:1])
    grad_backprop = network.gradient(x_train[:2], t_train[:2])  # two samples do
    assert set(grad_backprop) == set(network.params)


def test_ch06_overfit_dropout_trainer_with_the_books_arguments(mnist, capsys):
    (x_train, t_train), (x_test, t_test) = mnist
    network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100] * 6, output_size=10,
                                  use_dropout=True, dropout_ration=0.2)
    assert network.dropout_ratio == 0.2 and network.layers["Dropout1"].dropout_ratio == 0.2
    trainer = Trainer(network, x_train[:300], t_train[:300], x_test[:200], t_test[:200],
                      epochs=2, mini_batch_size=100,
                      optimizer="sgd", optimizer_param={"lr": 0.01}, verbose=True)
    trainer.train()
    printed = capsys.readouterr()
    assert printed.out.count("=== epoch:") == 2 and "test acc:" in printed.out
    assert "train acc:" in printed.out.splitlines()[0]
    assert not printed.err  # verbose, so no progress bar
    assert trainer.batch_size == 100 and len(trainer.train_loss_list) == 6
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 2


def test_ch06_hyperparameter_optimization(mnist, capsys, rng):
    (x_train, t_train), _ = mnist
    x_train, t_train = shuffle_dataset(x_train[:500], t_train[:500])
    x_val, t_val = x_train[:100], t_train[:100]
    x_train, t_train = x_train[100:], t_train[100:]
    weight_decay, lr = 10 ** rng.uniform(-8, -4), 10 ** rng.uniform(-6, -2)
    network = MultiLayerNet(input_size=784, hidden_size_list=[100] * 6, output_size=10,
                            weight_decay_lambda=weight_decay)
    trainer = Trainer(network, x_train, t_train, x_val, t_val, epochs=2, mini_batch_size=100,
                      optimizer="sgd", optimizer_param={"lr": lr}, verbose=False)
    trainer.train()
    assert len(trainer.test_acc_list) == len(trainer.train_acc_list) == 2
    assert capsys.readouterr() == ("", "")


def test_ch07_train_convnet_with_the_books_arguments(tmp_path):
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    assert x_train.shape[1:] == (1, 28, 28)
    max_epochs = 2
    network = SimpleConvNet(input_dim=(1, 28, 28),
                            conv_param={"filter_num": 30, "filter_size": 5, "pad": 0,
                                        "stride": 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01)
    trainer = Trainer(network, x_train[:200], t_train[:200], x_test[:100], t_test[:100],
                      epochs=max_epochs, mini_batch_size=100,
                      optimizer="Adam", optimizer_param={"lr": 0.001},
                      evaluate_sample_num_per_epoch=1000, progress=False)
    trainer.train()
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == max_epochs
    assert trainer.train_loss_list[-1] < trainer.train_loss_list[0]
    network.save_params(str(tmp_path / "params.pkl"))  # then visualize_filter.py's calls
    trained = SimpleConvNet()
    trained.load_params(str(tmp_path / "params.pkl"))
    np.testing.assert_array_equal(trained.params["W1"], network.params["W1"])


def test_ch07_gradient_check_with_the_books_arguments(rng):
    network = SimpleConvNet(input_dim=(1, 10, 10),
                            conv_param={"filter_num": 10, "filter_size": 3, "pad": 0,
                                        "stride": 1},
                            hidden_size=10, output_size=10, weight_init_std=0.01)
    X = rng.random(100).reshape((1, 1, 10, 10))
    T = np.array([1]).reshape((1, 1))  # a column of one label
    grad_num = network.numerical_gradient(X, T)
    grad = network.gradient(X, T)
    for key, val in grad_num.items():
        assert np.abs(val - grad[key]).mean() < 1e-9, key


def test_ch07_apply_filter_convolves_one_image_with_one_filter(rng):
    network = SimpleConvNet(input_dim=(1, 28, 28),
                            conv_param={"filter_num": 30, "filter_size": 5, "pad": 0,
                                        "stride": 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01)
    img = rng.random((16, 20)).astype(np.float32)  # stands in for the grey image it reads
    img = img.reshape(1, 1, *img.shape)
    for i in range(3):
        w = network.params["W1"][i]
        b = 0  # network.params['b1'][i], as the book leaves it
        w = w.reshape(1, *w.shape)
        conv_layer = Convolution(w, b)
        out = conv_layer.forward(img)
        out = out.reshape(out.shape[2], out.shape[3])
        assert out.shape == (12, 16)
        assert out[3, 4] == pytest.approx(np.sum(img[0, 0, 3:8, 4:9] * w[0, 0]), rel=1e-5)
