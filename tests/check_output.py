"""What the exercise checks (scratch.checks.*) print, shared by their tests."""

# The line's tail when the learner's stub still raises NotImplementedError.
NOT_IMPLEMENTED = "not yet - not implemented: replace the `# YOUR CODE HERE` stub"


def one_line(capsys):
    """The single line a check printed, without its newline; fails on zero or several lines."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.rstrip("\n")
