"""The README and the package's docstring name what the package has, and every test path the
configuration and the docs name exists."""

import re
from pathlib import Path

import pytest

import scratch
import scratch.layers
import scratch.nets
import scratch.optimizers

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _public_classes(module):
    """The classes a learner uses: defined in the module, public, not a base class."""
    bases = {"Layer", "Optimizer"}
    return sorted(name for name, obj in vars(module).items()
                  if isinstance(obj, type) and obj.__module__ == module.__name__
                  and not name.startswith("_") and name not in bases)


def _readme_row(module_name):
    row = next((line for line in README.splitlines() if f"| `{module_name}` |" in line), None)
    assert row, f"README's package table has no row for {module_name}"
    return row


@pytest.mark.parametrize("module", [scratch.layers, scratch.nets, scratch.optimizers],
                         ids=lambda m: m.__name__)
def test_the_readme_and_the_package_docstring_name_every_class(module):
    classes = _public_classes(module)
    row = _readme_row(module.__name__)
    assert [c for c in classes if f"`{c}`" not in row] == [], row
    assert [c for c in classes if not re.search(rf"\b{c}\b", scratch.__doc__)] == []


def test_every_test_path_the_configuration_and_the_docs_name_exists():
    files = [ROOT / name for name in ("setup.cfg", "Makefile", "README.md", "CONTRIBUTING.md",
                                      "nbgrader_config.py", "data/README.md")]
    files += sorted((ROOT / "mk").glob("*.mk")) + sorted((ROOT / "docs").glob("*.md"))
    missing = {}
    for path in files:
        for named in re.findall(r"tests/[\w/]+\.(?:py|js)\b", path.read_text(encoding="utf-8")):
            if not (ROOT / named).exists():
                missing.setdefault(path.name, []).append(named)
    assert missing == {}
