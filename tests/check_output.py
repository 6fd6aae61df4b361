"""What the exercise checks (scratch.checks.*) print, shared by their tests."""

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
