"""The exercise checks of notebooks 01 and 02: right answers pass, typical bugs get their hint,
stubs get the 'not implemented' line, and nothing ever raises."""

import numpy as np

from scratch.checks.simple_layers import (
    check_basket,
    check_div_layer,
    check_graph_backward,
    check_muladd_backward,
)
from scratch.layers import AddLayer, MulLayer
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line

STUB = NOT_IMPLEMENTED + "\n"


def stub(*args):
    raise NotImplementedError


def test_graph_backward(capsys):
    def right(x, y, z):
        s = x * y + z
        return s + x * y, x * x, x

    cases = [
        (right, None),
        (lambda x, y, z: (x * y + z + x * y, x * x, 1.0), "df/dz: the + node passes on"),
        (lambda x, y, z: (x * y + z + x * y, x, x), "df/dy: the gradient reaching x * y is x"),
        (lambda x, y, z: (x * y + z, x * x, x), "df/dx: x is used twice. The last × gives"),
        (lambda x, y, z: (x * y, x * x, x), "df/dx: x is used twice. The first × gives"),
        (lambda x, y, z: (2 * x * y, x * x, x), "the gradients differ from numerical ones"),
        (lambda x, y, z: x, "return 3 values (df/dx, df/dy, df/dz), got one float"),
        (stub, "not implemented"),
    ]
    expect_verdicts(check_graph_backward, cases, capsys,
                    "graph_backward: OK (max rel. error < 1e-7)")


def test_muladd_backward(capsys):
    assert check_muladd_backward(lambda a, b, c, dout: (dout * b, dout * a, dout))
    assert capsys.readouterr().out == "muladd_backward: OK (max rel. error < 1e-7)\n"
    assert not check_muladd_backward(lambda a, b, c, dout: (b, a, np.ones_like(c)))
    assert "multiply the local derivatives by dout" in capsys.readouterr().out
    assert not check_muladd_backward(lambda a, b, c, dout: (dout * a, dout * b, dout))
    assert "da and db: the × part swaps its inputs" in capsys.readouterr().out
    for forgets_dout_once in (lambda a, b, c, dout: (b, dout * a, dout),
                              lambda a, b, c, dout: (dout * b, a, dout)):
        assert not check_muladd_backward(forgets_dout_once)
        assert "multiply the local derivatives by dout" in capsys.readouterr().out
    assert not check_muladd_backward(lambda a, b, c, dout: (dout * b, dout * b, dout))
    assert "da and db: the × part swaps its inputs" in capsys.readouterr().out
    assert not check_muladd_backward(lambda a, b, c, dout: (dout * b, dout * a, dout * c))
    assert "dc: the + passes dout through unchanged" in capsys.readouterr().out
    assert not check_muladd_backward(stub)
    assert capsys.readouterr().out == "muladd_backward: " + STUB


class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout * self.x / self.y**2


class SignBugDivLayer(DivLayer):
    def backward(self, dout):
        return dout / self.y, dout * self.x / self.y**2


class StubDivLayer:
    def forward(self, x, y):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError


def test_div_layer(capsys):
    assert check_div_layer(DivLayer)
    assert capsys.readouterr().out == "DivLayer: OK (max rel. error < 1e-7)\n"
    assert not check_div_layer(SignBugDivLayer)
    assert capsys.readouterr().out == (
        "DivLayer: not yet - dy has the wrong sign: d(x/y)/dy = -x / y**2\n")
    assert not check_div_layer(MulLayer)
    assert capsys.readouterr().out == "DivLayer: not yet - forward should return x / y\n"
    assert not check_div_layer(StubDivLayer)
    assert capsys.readouterr().out == "DivLayer: " + STUB


def basket(apple, apple_num, banana, banana_num, bag, tax, forget_tax=False):
    mul_apple, mul_banana, add_fruit, add_bag, mul_tax = (
        MulLayer(), MulLayer(), AddLayer(), AddLayer(), MulLayer())
    fruit = add_fruit.forward(mul_apple.forward(apple, apple_num),
                              mul_banana.forward(banana, banana_num))
    price = mul_tax.forward(add_bag.forward(fruit, bag), tax)
    dtotal, dtax = mul_tax.backward(1.0)
    if forget_tax:
        dtotal = 1.0
    dfruit, dbag = add_bag.backward(dtotal)
    dapple_price, dbanana_price = add_fruit.backward(dfruit)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    dbanana, dbanana_num = mul_banana.backward(dbanana_price)
    return price, dict(apple=dapple, apple_num=dapple_num, banana=dbanana,
                       banana_num=dbanana_num, bag=dbag, tax=dtax)


def test_basket(capsys):
    assert check_basket(basket)
    assert capsys.readouterr().out == "basket: OK (max rel. error < 1e-7)\n"
    assert not check_basket(lambda *a: basket(*a, forget_tax=True))
    assert "its gradients are multiplied by tax" in capsys.readouterr().out
    assert not check_basket(lambda *a: (basket(*a)[0], {"apple": 1.0}))
    assert "grads should be a dict with the keys apple, apple_num" in capsys.readouterr().out
    assert not check_basket(lambda *a: basket(*a)[0])
    assert capsys.readouterr().out == "basket: not yet - return two values: (price, grads)\n"

    def wrong_bag(*a):
        price, grads = basket(*a)
        return price, {**grads, "bag": 1.0}

    assert not check_basket(wrong_bag)
    assert capsys.readouterr().out == (
        "basket: not yet - grads['bag'] differs from the numerical gradient\n")
    assert not check_basket(stub)
    assert capsys.readouterr().out == "basket: " + STUB


def test_basket_must_use_the_layers(capsys):
    def by_formula(apple, apple_num, banana, banana_num, bag, tax):
        total = apple * apple_num + banana * banana_num + bag
        return total * tax, dict(apple=apple_num * tax, apple_num=apple * tax,
                                 banana=banana_num * tax, banana_num=banana * tax, bag=tax,
                                 tax=total)

    def one_layer_for_two_nodes(apple, apple_num, banana, banana_num, bag, tax):
        mul = MulLayer()
        price, grads = basket(apple, apple_num, banana, banana_num, bag, tax)
        mul.forward(apple, apple_num)
        return price, grads

    assert not check_basket(by_formula)
    assert one_line(capsys) == (
        "basket: not yet - build it from the layers, one per node: 3 MulLayer and 2 AddLayer, "
        "each forward once and backward once; yours called MulLayer forward/backward 0/0 "
        "times, AddLayer 0/0")
    assert not check_basket(one_layer_for_two_nodes)
    assert "MulLayer forward/backward 4/3 times" in one_line(capsys)


def test_wrong_shapes_and_wrong_values_get_their_hint(capsys):
    """The hints not reached above: one return value instead of several, a gradient of the
    wrong shape, a wrong dx or dy that is not just a sign, a wrong price."""

    def lines(check, solution):
        assert not check(solution)
        return capsys.readouterr().out

    assert lines(check_muladd_backward, lambda a, b, c, dout: dout * b) == (
        "muladd_backward: not yet - return 3 values (da, db, dc), got one ndarray\n")
    assert lines(check_muladd_backward, lambda a, b, c, dout: (dout * b, dout * a, dout[:2])) == (
        "muladd_backward: not yet - dc should have the shape of c (4,), got (2,)\n")

    class OneGradient(DivLayer):
        def backward(self, dout):
            return dout / self.y

    class DxTimesY(DivLayer):
        def backward(self, dout):
            return dout * self.y, super().backward(dout)[1]

    class DyWithoutSquare(DivLayer):
        def backward(self, dout):
            return dout / self.y, -dout * self.x / self.y

    assert lines(check_div_layer, OneGradient) == (
        "DivLayer: not yet - return 2 values (dx, dy) from backward, got one ndarray\n")
    assert lines(check_div_layer, DxTimesY) == (
        "DivLayer: not yet - dx: d(x/y)/dx = 1/y, times dout\n")
    assert lines(check_div_layer, DyWithoutSquare) == (
        "DivLayer: not yet - dy: d(x/y)/dy = -x / y**2, times dout\n")

    def no_bag_in_price(apple, apple_num, banana, banana_num, bag, tax):
        price, grads = basket(apple, apple_num, banana, banana_num, bag, tax)
        return price - bag * tax, grads

    assert lines(check_basket, no_bag_in_price) == (
        "basket: not yet - price should be (apple * apple_num + banana * banana_num + bag) "
        "* tax\n")


# --- the catalogue: right answers in other styles and the shortcuts ------------------------

def _numerical_graph(x, y, z):
    from scratch.gradient import numerical_gradient

    return tuple(numerical_gradient(lambda p: (p[0] * p[1] + p[2]) * p[0], np.array([x, y, z])))


def test_graph_backward_catalogue(capsys):
    def expanded(x, y, z):  # f = x**2 y + x z, differentiated as a polynomial
        return 2 * x * y + z, x**2, x

    cases = [
        (expanded, None),
        (_numerical_graph, "your code calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_graph_backward, cases, capsys,
                    "graph_backward: OK (max rel. error < 1e-7)")


def test_muladd_backward_catalogue(capsys):
    def with_layers(a, b, c, dout):
        mul, add = MulLayer(), AddLayer()
        add.forward(mul.forward(a, b), c)
        dab, dc = add.backward(dout)
        return (*mul.backward(dab), dc)

    def numerical(a, b, c, dout):
        from scratch.gradient import eval_numerical_gradient_array

        return tuple(eval_numerical_gradient_array(lambda: a * b + c, v, dout) for v in (a, b, c))

    cases = [
        (lambda a, b, c, dout: (dout * b, dout * a, dout), None),
        (with_layers, None),
        (lambda a, b, c, dout: (b, a, np.ones_like(c)), "multiply the local derivatives by dout"),
        (lambda a, b, c, dout: (dout * a, dout * b, dout), "the × part swaps its inputs"),
        (numerical, "your code calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_muladd_backward, cases, capsys,
                    "muladd_backward: OK (max rel. error < 1e-7)")


class DivLayerByReciprocal(DivLayer):
    """Another right style: x * (1 / y), with the chain rule through the reciprocal."""

    def backward(self, dout):
        r = 1.0 / self.y
        return dout * r, dout * self.x * (-r * r)


class NumericalDivLayer(DivLayer):
    def backward(self, dout):
        from scratch.gradient import eval_numerical_gradient_array

        x, y = self.x.copy(), self.y.copy()
        return tuple(eval_numerical_gradient_array(lambda: x / y, v, dout) for v in (x, y))


def test_div_layer_catalogue(capsys):
    cases = [
        (DivLayer, None),
        (DivLayerByReciprocal, None),
        (SignBugDivLayer, "dy has the wrong sign"),
        (MulLayer, "forward should return x / y"),
        (NumericalDivLayer, "your code calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_div_layer, cases, capsys, "DivLayer: OK (max rel. error < 1e-7)")


def test_basket_catalogue(capsys):
    def numerical(*prices):
        from scratch.gradient import numerical_gradient

        result = basket(*prices)
        grads = numerical_gradient(lambda p: (p[0] * p[1] + p[2] * p[3] + p[4]) * p[5],
                                   np.array(prices))
        return result[0], dict(zip(result[1], grads))

    cases = [
        (basket, None),
        (lambda *a: basket(*a, forget_tax=True), "its gradients are multiplied by tax"),
        (numerical, "your code calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_basket, cases, capsys, "basket: OK (max rel. error < 1e-7)")
