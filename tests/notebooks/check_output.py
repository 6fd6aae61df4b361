"""What the exercise checks (scratch.checks.*) print, shared by their tests.

The cases handed to `expect_verdicts` are each check's catalogue of attempts: right solutions
in several styles, the typical mistakes, and the shortcuts a learner might try. A case may
name its kind as a third element (one of SHORTCUT_KINDS, or "right" / "mistake", which are
inferred when left out); every case is recorded in ATTEMPTS, which `make hint-coverage`
reports per check (tests/notebooks/hint_coverage.py).
"""

import pytest

# The line's tail when the learner's stub still raises NotImplementedError.
NOT_IMPLEMENTED = "not yet - not implemented: replace the `# YOUR CODE HERE` stub"

# The kinds of shortcut of issue 25: scratch's class subclassed; scratch's class (or function,
# or the check's reference) called from inside, by composition or delegation; a reference to
# it saved before the check runs; the answer computed once and returned again (hard-coded);
# an array that must change in place rebound to a new one; a hyperparameter ignored.
SHORTCUT_KINDS = ("subclass", "wrapper", "saved reference", "hard-coded", "rebinding",
                  "ignores a hyperparameter")

# (check name, kind, passed as expected) of every case run, in the order run.
ATTEMPTS = []


def one_line(capsys):
    """The single line a check printed, without its newline; fails on zero or several lines."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.rstrip("\n")


def record(check, kind):
    """Count an attempt on `check` (a check function) of `kind` for the report."""
    assert kind in ("right", "mistake", *SHORTCUT_KINDS), kind
    ATTEMPTS.append((getattr(check, "__name__", str(check)), kind))


def expect_verdicts(check, cases, capsys, ok_line=None, name=None):
    """Each (solution, hint[, kind]) of cases: hint None must pass and print ok_line; a hint
    must fail with "<name>: not yet - ..." containing it (name: ok_line's text before the
    colon, or given when every case is a wrong answer)."""
    name = name or ok_line.split(":")[0]
    for solution, hint, *kind in cases:
        record(check, kind[0] if kind else ("right" if hint is None else "mistake"))
        passed, line = check(solution), one_line(capsys)
        label = getattr(solution, "__name__", repr(solution))
        if hint is None:
            assert passed and line == ok_line, f"{label}: {line}"
        else:
            assert not passed and line.startswith(f"{name}: not yet - ") and hint in line, \
                f"{label}: {line}"


# `make mutation SCOPE=checks` (mutmut, which sets MUTANT_UNDER_TEST) calls every function of
# scratch/checks/ through a wrapper that forwards to a copy of it, so refusing_calls, which
# watches the function's own code, cannot see a learner call the check's own reference there.
# A test of that refusal is skipped under mutmut only; every normal run runs it.
refuses_a_checks_own_function = pytest.mark.skipif(
    "'MUTANT_UNDER_TEST' in os.environ",
    reason="under mutmut a check's own functions are wrapped, which hides their calls")
