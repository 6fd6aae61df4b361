"""The student kit: what to hand out to a class, without the solutions.

`make student-kit` writes build/student-kit/ and build/student-kit.zip:

    pyproject.toml, LICENSE   the package's build files, as in the repository
    README.md                 how to install and start (STUDENT_README below)
    scratch/                  the package, as in the repository
    data/mnist-sample.npz     the offline MNIST sample the notebooks load
    notebooks/                the student copies (student.py): solutions stubbed, answers to
                              the questions in closed boxes (answers=False: removed)

and nothing else: no solved notebooks, no tests, scripts, docs or decks. Inside the unpacked kit,
`pip install -e ".[notebooks]"` installs `scratch` so that it finds `data/` beside it (the
package looks for the data next to its own folder, which is why the kit is a source tree and
not a wheel), and `jupyter lab notebooks` opens the exercises.
"""

import shutil
import zipfile
from pathlib import Path

from classroom.student import BEGIN, write_student_copies

ROOT = Path(__file__).resolve().parents[2]
# (notebooks/matplotlibrc: the figures drawn in the students' notebooks look like the series')
COPIED = ["pyproject.toml", "LICENSE", "scratch", "data/mnist-sample.npz", "data/README.md",
          "notebooks/matplotlibrc"]

STUDENT_README = """\
# Backpropagation from scratch: the exercises

The notebooks in `notebooks/` teach backpropagation in NumPy; each exercise cell says
`# YOUR CODE HERE` / `raise NotImplementedError`, and the check cell after it prints
`<exercise>: OK ...` once your code is right, or `<exercise>: not yet - <hint>`.

## Install (once; Python 3.10 or newer)

    python3 -m venv .venv
    .venv/bin/python -m pip install -e ".[notebooks]"        (Windows: .venv\\Scripts\\python)

This installs the package `scratch` (the notebooks import it) with JupyterLab, matplotlib,
ipywidgets and tqdm. Keep this folder where it is after installing: `scratch` reads the MNIST
sample from `data/` beside it.

## Work

    .venv/bin/jupyter lab notebooks

Work through the notebooks in order, 00 first. Save your work in these files; keep a copy of
the folder before you hand it in.
"""


def build_kit(notebooks, out_dir, answers=True, zip_path=None):
    """Write the kit to out_dir (replacing what was there) and, if zip_path, a zip of it.

    notebooks: the notebook paths to include as student copies. Returns the written files.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        elif source.exists():
            shutil.copy2(source, target)
    (out_dir / "README.md").write_text(STUDENT_README, encoding="utf-8")
    write_student_copies(notebooks, out_dir / "notebooks", answers=answers)
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    leaked = [p for p in files if p.suffix in (".ipynb", ".py", ".md")
              and BEGIN in p.read_text(encoding="utf-8", errors="replace")]
    if leaked:
        raise RuntimeError(f"student kit: solution markers in {leaked}")
    if zip_path:
        zip_path = Path(zip_path)
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, Path(out_dir.name) / path.relative_to(out_dir))
    return files
