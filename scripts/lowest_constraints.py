"""Pip constraints that pin every dependency pyproject.toml declares to its declared minimum.

    python scripts/lowest_constraints.py [--extras dev] > constraints.txt

Reads [build-system] requires, [project] dependencies and the extras asked for (following
self-references such as "scratch[test]"), and prints `name==minimum` for each, so
`make test-oldest` installs the oldest versions the project claims to support, straight from
the declarations (nothing to keep in step by hand). A requirement without a `>=` lower bound
is an error: every dependency names the oldest version that is tested.
"""

import argparse
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        sys.exit("lowest_constraints.py needs Python >= 3.11 (tomllib) or `pip install tomli`")

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*)(;.*)?$")


def normalise(name):
    """PEP 503 name: lower case, runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement):
    """(name, extras, minimum, marker) of a requirement string such as 'numpy>=1.24'."""
    match = REQUIREMENT.match(requirement)
    if not match:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name, extras, specifiers, marker = match.groups()
    minimum = None
    for spec in filter(None, (s.strip() for s in specifiers.split(","))):
        if spec.startswith(">="):
            minimum = spec[2:].strip()
    extras = [e.strip() for e in (extras or "").split(",") if e.strip()]
    return name, extras, minimum, (marker or "").strip()


def declared(pyproject, extras):
    """Every requirement string of the build, the package and the extras (transitively)."""
    project = pyproject["project"]
    optional = project.get("optional-dependencies", {})
    found = list(pyproject.get("build-system", {}).get("requires", []))
    found += project.get("dependencies", [])
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        if extra not in optional:
            raise ValueError(f"pyproject.toml has no extra {extra!r}; it has {sorted(optional)}")
        seen.add(extra)
        for requirement in optional[extra]:
            name, sub_extras, _, _ = parse(requirement)
            if normalise(name) == normalise(project["name"]):
                todo.extend(sub_extras)  # "scratch[test]": the project's own extra
            else:
                found.append(requirement)
    return found


def lowest_constraints(pyproject, extras):
    """Lines `name==minimum[ ; marker]`, one per declared dependency, sorted by name."""
    lines = {}
    for requirement in declared(pyproject, extras):
        name, _, minimum, marker = parse(requirement)
        if minimum is None:
            raise ValueError(f"{requirement!r} declares no minimum (>=): which version is tested?")
        lines[normalise(name)] = f"{normalise(name)}=={minimum}" + (f" {marker}" if marker else "")
    return [lines[name] for name in sorted(lines)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="dev", help="comma-separated extras (default dev)")
    parser.add_argument("--pyproject", default=str(ROOT / "pyproject.toml"))
    args = parser.parse_args(argv)
    with open(args.pyproject, "rb") as f:
        pyproject = tomllib.load(f)
    extras = [e for e in args.extras.split(",") if e]
    print("\n".join(lowest_constraints(pyproject, extras)))


if __name__ == "__main__":
    main()
