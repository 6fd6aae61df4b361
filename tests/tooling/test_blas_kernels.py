"""scripts/blas_kernels.py, which chooses the kernels of `make test-matrix` and claims_spread.py:
a kernel runs only where the processor has its instructions, once per distinct kernel, and
never when its matrix product is wrong."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import blas_kernels  # noqa: E402


def test_the_processors_own_kernel_computes_a_right_product():
    chosen, error = blas_kernels.probe(None)
    assert chosen, "OpenBLAS did not name its kernel (OPENBLAS_VERBOSE=2)"
    assert error < 1e-12


def _fake(monkeypatch, flags, runs):
    """cpu_flags() -> flags; probe(kernel) -> runs[kernel] (None: the unforced run)."""
    monkeypatch.setattr(blas_kernels, "cpu_flags", lambda: flags)
    monkeypatch.setattr(blas_kernels, "probe", lambda kernel, python=None: runs[kernel])


def test_kernels_the_processor_lacks_are_skipped_with_the_missing_flags(monkeypatch):
    _fake(monkeypatch, {"avx", "pni"}, {"Sandybridge": ("Sandybridge", 0.0),
                                        "Prescott": ("Katmai", 0.0), None: ("Sandybridge", 0.0)})
    usable, skipped = blas_kernels.usable_kernels()
    assert usable == [("Sandybridge", "Sandybridge"), ("Prescott", "Katmai")]
    reasons = dict(skipped)
    assert "lacks avx512bw, avx512dq, avx512f, avx512vl" in reasons["SkylakeX"]
    assert "lacks avx2, fma" in reasons["Haswell"] and "lacks avx2, fma" in reasons["Zen"]


def test_a_name_that_runs_an_already_tried_kernel_is_run_once(monkeypatch):
    flags = set().union(*blas_kernels.KERNELS.values())
    runs = {k: (k, 0.0) for k in blas_kernels.KERNELS}
    runs["Zen"] = ("Haswell", 0.0)
    runs[None] = ("Cooperlake", 0.0)  # numpy 1.24's own choice on an AVX-512 processor
    _fake(monkeypatch, flags, runs)
    usable, skipped = blas_kernels.usable_kernels()
    assert [k for k, _ in usable] == ["SkylakeX", "Haswell", "Sandybridge", "Prescott",
                                      "Cooperlake"]
    assert dict(skipped) == {"Zen": "OpenBLAS runs its Haswell kernel for it, already tried"}


def test_a_kernel_with_a_wrong_product_or_a_crash_is_skipped(monkeypatch):
    flags = set().union(*blas_kernels.KERNELS.values())
    runs = {k: (k, 0.0) for k in blas_kernels.KERNELS}
    runs["SkylakeX"] = ("SkylakeX", 3e-3)
    runs["Sandybridge"] = (None, "the probe exited with -4: Illegal instruction")
    runs[None] = ("SkylakeX", 3e-3)
    _fake(monkeypatch, flags, runs)
    usable, skipped = blas_kernels.usable_kernels()
    assert [k for k, _ in usable] == ["Haswell", "Zen", "Prescott"]
    assert dict(skipped)["SkylakeX"] == "its matrix product is off by 3.0e-03"
    assert "Illegal instruction" in dict(skipped)["Sandybridge"]
