"""environment.yml (conda) lists what pyproject.toml declares, with the same versions.

No conda channel is reachable on the project's machines, so the file cannot be solved here;
this keeps its package list in step with pyproject.toml instead: Python's range, numpy, and
every package of the extras `notebooks`, `test` and `dev` (what `make` installs), nothing
else but conda's own tools (make, pip) and the editable install of this package. A package
that may not be on conda-forge is installed by pip from PyPI (environment.yml's `pip:` list).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from lowest_constraints import declared, normalise, parse, tomllib  # noqa: E402

# Packages whose conda-forge name differs from PyPI's: {PyPI name: conda name}.
CONDA_NAMES = {}
CONDA_TOOLS = {"make", "pip"}
# Packages environment.yml installs with pip from PyPI (not sure to be on conda-forge).
PIP_ONLY = {"jupyterlab-celltagsclasses"}


def _conda_packages():
    """{name: specifier} of environment.yml's conda dependencies, and its pip entries."""
    conda, pip, in_pip = {}, [], False
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].rstrip()
        if not text:
            continue
        if text == "dependencies:":
            in_deps = True
            continue
        if not in_deps:
            continue
        item = re.match(r"^(\s*)- (.*)$", text)
        assert item, f"environment.yml: cannot read {line!r}"
        indent, entry = len(item.group(1)), item.group(2).strip()
        if entry == "pip:":
            in_pip = True
            continue
        if in_pip and indent > 2:
            pip.append(entry)
            continue
        in_pip = False
        name, spec = re.match(r"^([A-Za-z0-9._-]+)\s*(.*)$", entry).groups()
        conda[normalise(name)] = spec.replace(" ", "")
    return conda, pip


def _specifier(requirement):
    """'>=3.0,<3.0.11' of 'jupyterlab_widgets >= 3.0, < 3.0.11': the versions, no name."""
    return re.sub(r"^[A-Za-z0-9._-]+(\[[^]]*\])?", "", requirement).replace(" ", "")


def _pyproject():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def test_environment_yml_lists_the_declared_packages_with_their_versions():
    pyproject = _pyproject()
    build = set(normalise(parse(r)[0]) for r in pyproject["build-system"]["requires"])
    expected_pip = []
    expected = {"python": pyproject["project"]["requires-python"].replace(" ", "")}
    for requirement in declared(pyproject, ["dev"]):
        name = parse(requirement)[0]
        if normalise(name) in PIP_ONLY:
            expected_pip.append(normalise(name) + _specifier(requirement))
        elif normalise(name) not in build:
            expected[CONDA_NAMES.get(normalise(name), normalise(name))] = _specifier(requirement)
    conda, pip = _conda_packages()
    listed = {name: spec for name, spec in conda.items() if name not in CONDA_TOOLS}
    assert listed == expected, (
        "environment.yml and pyproject.toml disagree; make environment.yml list "
        f"{sorted(f'{k}{v}' for k, v in expected.items())}")
    assert CONDA_TOOLS <= set(conda)
    assert pip == [*expected_pip, "-e ."]
