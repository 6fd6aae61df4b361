"""An exercise that asks for a class scratch already has must refuse scratch's class.

Each check whose argument is a class (`layer_class`, `nesterov_class`, ...) asks the learner
to write the class its line names (run_check's first argument, e.g. "Tanh"). When
scratch.layers or scratch.optimizers has a class of that name (or ALIASES names the one that
does the same), a learner's class built on it (a subclass) or handing its work to it (a
wrapper) must get "not yet". So adding to scratch a class that an exercise asks learners to
write fails here until that exercise's check refuses it.
"""

import ast
import importlib
from pathlib import Path

import pytest

import scratch.layers
import scratch.optimizers
from tests.notebooks.check_output import one_line, record

CHECKS = Path(__file__).resolve().parents[2] / "scratch" / "checks"
# The class an exercise asks for: the scratch class that does the same under another name.
ALIASES = {"InvertedDropout": "Dropout"}


def _scratch_classes():
    found = {}
    for module in (scratch.layers, scratch.optimizers):
        found |= {name: obj for name, obj in vars(module).items()
                  if isinstance(obj, type) and obj.__module__ == module.__name__
                  and not name.startswith("_")}
    return found


def _class_checks():
    """[(module name, check name, the class it asks for)] for every check taking a class."""
    found = []
    for path in sorted(CHECKS.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("check_")
                    and node.args.args and node.args.args[0].arg.endswith("_class")):
                continue
            asked = [call.args[0].value for call in ast.walk(node)
                     if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "run_check"
                     and call.args and isinstance(call.args[0], ast.Constant)]
            assert len(asked) == 1, f"{path.name}: {node.name} names no single exercise"
            found.append((path.stem, node.name, asked[0].split(".")[0]))
    return found


def _refusable():
    scratch_classes = _scratch_classes()
    return [(module, check, scratch_classes[ALIASES.get(asked, asked)])
            for module, check, asked in _class_checks()
            if ALIASES.get(asked, asked) in scratch_classes]


def test_the_finder_sees_every_check_that_asks_for_a_class():
    asked = {asked for _, _, asked in _class_checks()}
    assert {"LeakyRelu", "Tanh", "DivLayer", "TorchStyleAffine", "LayerNorm", "ThreeLayerNet",
            "Nesterov", "RMSprop", "Adam", "InvertedDropout"} <= asked
    assert {cls.__name__ for _, _, cls in _refusable()} >= {"Nesterov", "RMSprop", "Adam",
                                                           "Dropout"}


def _subclass(cls):
    return type(f"My{cls.__name__}", (cls,), {})


def _wrapper(cls):
    class Wrapper:
        """Hands every attribute, methods included, to an instance of scratch's class."""

        def __init__(self, *args, **kwargs):
            self._inner = cls(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._inner, name)

    Wrapper.__name__ = f"My{cls.__name__}"
    return Wrapper


@pytest.mark.parametrize("make", [_subclass, _wrapper], ids=["subclass", "wrapper"])
@pytest.mark.parametrize(("module", "check", "cls"), _refusable(),
                         ids=[f"{check}-{cls.__name__}" for _, check, cls in _refusable()])
def test_a_class_built_on_scratchs_own_is_refused(module, check, cls, make, capsys):
    check_function = getattr(importlib.import_module(f"scratch.checks.{module}"), check)
    record(check_function, "subclass" if make is _subclass else "wrapper")
    passed = check_function(make(cls))
    line = one_line(capsys)
    assert not passed and " not yet - " in line and "scratch" in line, line
