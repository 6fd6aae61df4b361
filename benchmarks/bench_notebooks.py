"""Execute every notebook in notebooks/ in a fresh kernel and print how long each one takes.

The kernel gets the environment of the Makefile and nbval (PYTHONHASHSEED=0, one BLAS thread,
the project's matplotlib config), and runs in the notebook's folder. Notebooks are executed in
memory: the files are not changed. Prints each notebook's wall time (kernel start included),
the total, and the total as a fraction of the target for the whole nbval suite (90 s; each
notebook should stay under 20 s). It measures; it asserts nothing about the times.

    python benchmarks/bench_notebooks.py                        # every notebook
    python benchmarks/bench_notebooks.py notebooks/07_*.ipynb   # some of them
"""

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
SUITE_TARGET, NOTEBOOK_TARGET = 90.0, 20.0  # seconds
# The same variables the Makefile exports for `make test` and `make notebooks`.
ENV = {
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLCONFIGDIR": str(ROOT / ".venv" / "mplconfig"),
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


def execute(path, timeout=600):
    """Run the notebook at `path` top to bottom in a new kernel -> (seconds, error or None)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        error = None
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1]
    return time.perf_counter() - start, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    # The kernel is a child process: it inherits these (PYTHONHASHSEED must be set before
    # its interpreter starts, so setting it inside the kernel would be too late).
    os.environ.update(ENV)
    Path(ENV["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)

    total, failed = 0.0, []
    width = max(len(p.name) for p in paths)
    for path in paths:
        seconds, error = execute(path)
        total += seconds
        note = f"  ({seconds / NOTEBOOK_TARGET:.2f} of the {NOTEBOOK_TARGET:.0f} s per notebook)"
        if error:
            failed.append(path.name)
            note = f"  FAILED: {error}"
        print(f"{path.name:{width}s} {seconds:7.1f} s{note}", flush=True)
    print(f"{'total':{width}s} {total:7.1f} s  ({total / SUITE_TARGET:.2f} of the "
          f"{SUITE_TARGET:.0f} s target for the whole suite, {len(paths)} notebooks)")
    if failed:
        print("failed to execute:", ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
