"""The core needs numpy only: run tests/core/core_only.py with every other package blocked."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_core_imports_and_trains_with_numpy_alone():
    result = subprocess.run([sys.executable, str(HERE / "core_only.py"), "--block"],
                            capture_output=True, text=True, timeout=120, cwd=HERE.parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("core with numpy only:"), result.stdout


def test_the_blocker_really_blocks():
    code = ("import sys; sys.path.insert(0, 'tests/core'); "
            "import core_only; sys.meta_path.insert(0, core_only.Blocker()); import tqdm")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=HERE.parents[1])
    assert result.returncode != 0 and "tqdm is blocked" in result.stderr
