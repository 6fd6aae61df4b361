"""Which hints of the exercise checks (scratch/checks/*.py) a test run actually printed.

A hint is a message a check can give a learner ("not yet - <hint>"). Branch coverage cannot
tell them apart: `expect_close(y, f(x), forward_hint)` runs on every test, but its hint is only
shown when a wrong forward reaches it. So this counts hints, not lines:

- statically, every hint text in the topic modules: the message of a `Fail(...)`, the `hint` or
  `message` of `expect_close` / `expect_gradients` / `refusing_calls`, and every string with a
  space passed to a module's own function that raises Fail (a hint table such as
  `_check_activation`'s backward_hints counts each entry); an f-string becomes a pattern whose
  `{...}` parts match anything;
- at run time, every message Fail is constructed with (Fail.__init__ is wrapped);
- a hint is reached when some message matches its pattern, alone or followed by the
  " (shape ...)" that expect_close / expect_gradients append.

Used as a pytest plugin (`-p tests.notebooks.hint_coverage`), it prints the unreached hints at
the end; tests/notebooks/test_hint_coverage.py runs the checks' tests with it and requires
every hint reached.

It also prints each check's catalogue of attempts (the cases its tests hand to
`expect_verdicts`, recorded in tests/notebooks/check_output.py's ATTEMPTS): how many right
solutions, mistakes and shortcuts, and which of the SHORTCUT_KINDS were tried. A check of
scratch/checks that no catalogue names is listed, and test_hint_coverage.py fails on it.
    make hint-coverage       # the report (also: python tests/notebooks/hint_coverage.py)
"""

import ast
import re
import sys
from pathlib import Path

CHECKS = Path(__file__).resolve().parents[2] / "scratch" / "checks"
# Helpers of scratch/checks/__init__.py and the argument that holds their hint.
HINT_ARGS = {"Fail": 0, "expect_close": 2, "expect_gradients": 2, "refusing_calls": 1}
HINT_KEYWORDS = {"hint", "message"}

# Hints that no wrong solution can reach, with the reason (module, the hint's first words).
UNREACHABLE = {
    ("simple_layers.py", "the gradients differ from numerical ones"):
        "the last expect_gradients of graph_backward, muladd_backward, DivLayer and basket "
        "gives the success note; every part was compared just before with the same rel_error "
        "tolerance, and the parts' errors below it imply the whole's (Cauchy-Schwarz)",
    ("initialisation.py", "the activations do not keep their size"):
        "a measurement that shows the formula checked exactly just before at work; a "
        "leaky_he_std that passed the exact values cannot fail it",
    ("batchnorm.py", "dx differs from the numerical gradient"):
        "the success note of check_batchnorm_backward's last expect_gradients: dx was compared "
        "just before with the same max_rel_error and tolerance, in the hint naming every part",
    ("batchnorm.py", "dx differs from the node-by-node gradient"):
        "the success note of check_layer_norm's last expect_gradients, after the same "
        "comparison in the hint naming every part",
    ("regularisation.py", "the mean of the training output should be"):
        "a measurement over 200,000 units that confirms the exact comparison with "
        "x * mask / (1 - p) just before; only a layer that behaves differently on a larger "
        "input could fail it",
    ("batchnorm_modes.py", "after 300 training batches, test outputs should have"):
        "a measurement that shows the exact comparisons of both modes just before at work; a "
        "forward pass that passed them computes the same running averages on any batch",
}


class Hint:
    def __init__(self, module, node, part=False):
        # part: an argument of the module's own helper, which may embed it in a longer hint
        self.module, self.line, self.part = module, node.lineno, part
        self.pattern = _pattern(node)
        self.text = ast.unparse(node)

    def matches(self, message):
        if self.part:
            return self.pattern.search(message) is not None
        return self.pattern.fullmatch(message) is not None or (
            self.pattern.fullmatch(message.split(" (shape ")[0]) is not None
            or self.pattern.fullmatch(message.split(" (gradient shape ")[0]) is not None)

    def unreachable_reason(self):
        return next((why for (module, start), why in UNREACHABLE.items()
                     if module == self.module and self.text.strip("'\"f").startswith(start)),
                    None)

    def __repr__(self):
        return f"{self.module}:{self.line}: {self.text[:110]}"


def _pattern(node):
    if isinstance(node, ast.Constant):
        return re.compile(re.escape(node.value), re.S)
    parts = []
    for value in node.values:  # ast.JoinedStr
        if isinstance(value, ast.Constant):
            parts.append(re.escape(value.value))
        else:
            parts.append(".*?")
    return re.compile("".join(parts), re.S)


def _strings(node):
    """The hint texts inside an argument: string literals and f-strings with a space, in
    lists, tuples and conditional expressions (not inside lambdas or other calls' results)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if " " in node.value else []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [node] if " " in literal.strip() else []
    if isinstance(node, (ast.List, ast.Tuple)):
        return [s for element in node.elts for s in _strings(element)]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.BinOp):  # "a" + "b" is not used; an implicit join is one Constant
        return []
    return []


def _name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _raisers(tree):
    """Names of the module's functions that raise Fail or call such a function (a fixpoint)."""
    functions = {node.name: node for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    raisers = set(HINT_ARGS)
    changed = True
    while changed:
        changed = False
        for name, function in functions.items():
            if name in raisers:
                continue
            if any(isinstance(node, ast.Call) and _name(node) in raisers
                   for node in ast.walk(function)):
                raisers.add(name)
                changed = True
    return raisers - set(HINT_ARGS), functions


def hints():
    """Every hint text of every topic module of scratch/checks (not its __init__)."""
    found = []
    for path in sorted(CHECKS.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        local, _ = _raisers(tree)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call)
            nodes, part = [], False
            if name in HINT_ARGS:
                index = HINT_ARGS[name]
                if len(call.args) > index:
                    nodes += _strings(call.args[index])
                nodes += [s for k in call.keywords if k.arg in HINT_KEYWORDS
                          for s in _strings(k.value)]
            elif name in local:
                part = True
                nodes += [s for arg in call.args for s in _strings(arg)]
                nodes += [s for k in call.keywords for s in _strings(k.value)]
            found += [Hint(path.name, node, part) for node in nodes]
    return found


class HintRecorder:
    """A pytest plugin: records Fail's messages; reports the unreached hints at the end."""

    def __init__(self):
        self.messages = []

    def pytest_configure(self, config):
        from scratch.checks import Fail

        original = Fail.__init__
        messages = self.messages

        def recording_init(fail, *args):
            messages.append(str(args[0]) if args else "")
            original(fail, *args)

        Fail.__init__ = recording_init

    def report(self):
        all_hints = hints()
        unreached = [h for h in all_hints if not h.unreachable_reason()
                     and not any(h.matches(m) for m in self.messages)]
        return all_hints, unreached

    def pytest_terminal_summary(self, terminalreporter):
        self.catalogue_report(terminalreporter.write_line)
        all_hints, unreached = self.report()
        excused = sum(1 for h in all_hints if h.unreachable_reason())
        write = terminalreporter.write_line
        write(f"check hints reached: {len(all_hints) - len(unreached) - excused} of "
              f"{len(all_hints)} ({excused} unreachable by design, see UNREACHABLE); "
              f"unreached: {len(unreached)}")
        for hint in unreached:
            write(f"  unreached: {hint}")


    @staticmethod
    def catalogue_report(write):
        from tests.notebooks.check_output import ATTEMPTS, SHORTCUT_KINDS

        by_check = {}
        for check, kind in ATTEMPTS:
            by_check.setdefault(check, []).append(kind)
        write("catalogue of attempts per check (right, mistakes, shortcuts: kinds tried of "
              f"{len(SHORTCUT_KINDS)}):")
        for check in check_names():
            kinds = by_check.get(check, [])
            tried = sorted({k for k in kinds if k in SHORTCUT_KINDS}, key=SHORTCUT_KINDS.index)
            shortcuts = sum(k in SHORTCUT_KINDS for k in kinds)
            write(f"  {check}: {kinds.count('right')} right, {kinds.count('mistake')} mistakes, "
                  f"{shortcuts} shortcuts: {len(tried)} kinds"
                  + (f" ({', '.join(tried)})" if tried else ""))
        missing = [check for check in check_names() if check not in by_check]
        write(f"checks without a catalogue: {len(missing)}"
              + (f" ({', '.join(missing)})" if missing else ""))


def check_names():
    """Every check function of scratch/checks: each topic module's top-level `check_*`."""
    return [node.name for path in sorted(CHECKS.glob("*.py")) if path.name != "__init__.py"
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("check_")]


_recorder = HintRecorder()


def pytest_configure(config):
    config.pluginmanager.register(_recorder, "hint-recorder")


if __name__ == "__main__":
    import pytest

    tests = Path(__file__).resolve().parent
    sys.path.insert(0, str(tests.parents[1]))  # the repository, so that `tests` imports
    sys.exit(pytest.main(["-q", "-p", "tests.notebooks.hint_coverage", *sys.argv[1:],
                          *map(str, sorted(tests.glob("test_checks_*.py")))]))
