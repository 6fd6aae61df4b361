"""Every hint of every exercise check is printed by some test with a wrong solution.

Runs the checks' tests (tests/notebooks/test_checks_*.py) with tests/notebooks/hint_coverage.py as a
plugin, which records every message Fail is raised with and matches them against every hint
text of scratch/checks/*.py. A new hint without a test that reaches it fails here, by name.
"""

import subprocess
import sys
from pathlib import Path

from tests.notebooks import hint_coverage

TESTS = Path(__file__).resolve().parent


def test_the_hint_finder_sees_the_hints_of_every_check_module():
    hints = hint_coverage.hints()
    modules = {h.module for h in hints}
    expected = {p.name for p in hint_coverage.CHECKS.glob("*.py")} - {"__init__.py"}
    assert modules == expected
    assert len(hints) > 150
    # a hint table entry, an f-string and a hint passed to expect_close are all found
    texts = [h.text for h in hints]
    assert any("slopes are swapped" in t for t in texts)
    assert any("should have shape {shape}" in t for t in texts)
    assert any("forward should return x / y" in t for t in texts)


def test_a_pattern_matches_its_formatted_hint_and_nothing_else():
    hint = next(h for h in hint_coverage.hints() if "self.dW must have W's shape" in h.text)
    assert hint.matches("self.dW must have W's shape (2, 4), got (2, 3)")
    assert not hint.matches("self.db must have b's shape (2,): sum dout over the batch axis")


def test_every_hint_of_every_check_is_reached_by_a_test():
    run = subprocess.run([sys.executable, str(TESTS / "hint_coverage.py")],
                         capture_output=True, text=True, cwd=TESTS.parents[1], timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = [line for line in run.stdout.splitlines() if "check hints reached" in line]
    assert summary and summary[0].endswith("unreached: 0"), run.stdout[-3000:]
    # Every check has a catalogue of attempts: right answers and mistakes at least.
    assert "checks without a catalogue: 0" in run.stdout, run.stdout[-3000:]
    rows = [line.strip() for line in run.stdout.splitlines()
            if line.startswith("  check_") and " right, " in line]
    assert len(rows) == len(hint_coverage.check_names()), rows
    lacking = [row for row in rows if row.split(": ")[1].startswith("0 right")
               or " 0 mistakes" in row]
    assert not lacking, lacking
