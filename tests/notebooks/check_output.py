"""What the exercise checks (scratch.checks.*) print, shared by their tests."""

import pytest

# The line's tail when the learner's stub still raises NotImplementedError.
NOT_IMPLEMENTED = "not yet - not implemented: replace the `# YOUR CODE HERE` stub"


def one_line(capsys):
    """The single line a check printed, without its newline; fails on zero or several lines."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.rstrip("\n")


def expect_verdicts(check, cases, capsys, ok_line=None, name=None):
    """Each (solution, hint) of cases: hint None must pass and print ok_line; a hint must fail
    with "<name>: not yet - ..." containing it (name: ok_line's text before the colon, or given
    when every case is a wrong answer)."""
    name = name or ok_line.split(":")[0]
    for solution, hint in cases:
        passed, line = check(solution), one_line(capsys)
        if hint is None:
            assert passed and line == ok_line, f"{solution.__name__}: {line}"
        else:
            assert not passed and line.startswith(f"{name}: not yet - ") and hint in line, \
                f"{solution.__name__}: {line}"


# `make mutation SCOPE=checks` (mutmut, which sets MUTANT_UNDER_TEST) calls every function of
# scratch/checks/ through a wrapper that forwards to a copy of it, so refusing_calls, which
# watches the function's own code, cannot see a learner call the check's own reference there.
# A test of that refusal is skipped under mutmut only; every normal run runs it.
refuses_a_checks_own_function = pytest.mark.skipif(
    "'MUTANT_UNDER_TEST' in os.environ",
    reason="under mutmut a check's own functions are wrapped, which hides their calls")
