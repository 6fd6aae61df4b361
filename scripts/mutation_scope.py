"""Prepare build/mutation-<scope>/ for `make mutation SCOPE=<scope>` (checks or widgets).

mutmut reads its settings from ./setup.cfg and writes mutants/ next to it, so each scope runs
in a directory of its own: links to the project's files, and a setup.cfg whose [mutmut] is the
project's [mutmut] with the scope's section ([mutmut.<scope>]) laid over it.
"""

import configparser
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKED = ["scratch", "tests", "data", "notebooks", "scripts", "benchmarks", "pyproject.toml"]


def prepare(scope):
    project = configparser.ConfigParser(interpolation=None)
    project.read(ROOT / "setup.cfg")
    section = f"mutmut.{scope}"
    if section not in project:
        sys.exit(f"no [{section}] in setup.cfg; scopes: core (the default), "
                 + ", ".join(s.split(".", 1)[1] for s in project if s.startswith("mutmut.")))
    scoped = configparser.ConfigParser(interpolation=None)
    scoped["mutmut"] = {**project["mutmut"], **project[section]}
    where = ROOT / "build" / f"mutation-{scope}"
    where.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        if not (where / name).is_symlink():
            (where / name).symlink_to(ROOT / name)
    with open(where / "setup.cfg", "w") as f:
        scoped.write(f)


if __name__ == "__main__":
    prepare(sys.argv[1])
