"""Which OpenBLAS kernels this processor can run, for `make test-matrix` and claims_spread.py.

numpy's bundled OpenBLAS picks a kernel for the processor by itself; OPENBLAS_CORETYPE forces
another one, and a learner's machine may use any of them. Each kernel computes the same
products with the additions in another order, so training runs differ in their last digits.

    python scripts/blas_kernels.py            one usable kernel a line (stdout); each skipped
                                              one, and why, on stderr
    python scripts/blas_kernels.py --default  the kernel OpenBLAS uses when nothing is forced

A kernel is usable when the processor has the instructions it needs (forcing a kernel the
processor lacks crashes the process), numpy's OpenBLAS accepts the name (an unknown name
falls back to another kernel, and some names share one kernel: each kernel is run once), and
a matrix product computed with it matches one computed in plain Python (some older OpenBLAS
builds compute wrong results on some processors; such a kernel is skipped, with the reason).
"""

import argparse
import os
import subprocess
import sys

# The kernels `make test-matrix` tries, and the processor flags (from /proc/cpuinfo) each needs;
# the kernel OpenBLAS picks when none is forced is tried too.
KERNELS = {
    "SkylakeX": {"avx512f", "avx512bw", "avx512vl", "avx512dq"},
    "Haswell": {"avx2", "fma"},
    "Zen": {"avx2", "fma"},
    "Sandybridge": {"avx"},
    "Prescott": {"pni"},  # SSE3 is called pni in /proc/cpuinfo
}

# Run in a fresh interpreter with the kernel forced: OpenBLAS reads the variable once, on load.
PROBE = r"""
import math, numpy as np
rng = np.random.default_rng(0)
a, b = rng.standard_normal((64, 48)), rng.standard_normal((48, 40))
exact = [[math.fsum(a[i, k] * b[k, j] for k in range(48)) for j in range(40)] for i in range(64)]
print("max error", float(np.abs(a @ b - np.array(exact)).max()))
"""


def cpu_flags():
    """The processor's flags, or None where /proc/cpuinfo cannot be read (then try them all)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def probe(kernel, python=sys.executable):
    """Run the probe with `kernel` forced (None: unset) -> (OpenBLAS's kernel name, max error)."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    env["OPENBLAS_VERBOSE"] = "2"  # OpenBLAS then prints "Core: <name>" on load
    result = subprocess.run([python, "-c", PROBE], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return None, f"the probe exited with {result.returncode}: {result.stderr.strip()[-200:]}"
    chosen = None
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("Core: "):
            chosen = line.split(": ", 1)[1].strip()
    error = float(result.stdout.rsplit("max error", 1)[1])
    return chosen, error


def usable_kernels(python=sys.executable):
    """-> ([(kernel, what OpenBLAS runs)], [(kernel, reason skipped)])."""
    flags, usable, skipped = cpu_flags(), [], []
    for kernel, needs in KERNELS.items():
        if flags is not None and not needs <= flags:
            skipped.append((kernel, "the processor lacks " + ", ".join(sorted(needs - flags))))
            continue
        chosen, error = probe(kernel, python)
        if chosen is None:
            skipped.append((kernel, error))
        elif isinstance(error, float) and error > 1e-12:
            skipped.append((kernel, f"its matrix product is off by {error:.1e}"))
        elif chosen in [c for _, c in usable]:
            skipped.append((kernel, f"OpenBLAS runs its {chosen} kernel for it, already tried"))
        else:
            usable.append((kernel, chosen))
    # The processor's own choice, when it is none of the above (numpy 1.24's OpenBLAS picks
    # Cooperlake on some AVX-512 processors): under its name, which forces it again.
    chosen, error = probe(None, python)
    if chosen and chosen not in [c for _, c in usable] and isinstance(error, float):
        if error > 1e-12:
            skipped.append((chosen, f"its matrix product is off by {error:.1e}"))
        else:
            usable.append((chosen, chosen))
    return usable, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--default", action="store_true", help="print the kernel used unforced")
    args = parser.parse_args()
    if args.default:
        print(probe(None)[0])
        return
    usable, skipped = usable_kernels()
    for kernel, chosen in usable:
        print(kernel)
        if chosen != kernel:
            print(f"note: OPENBLAS_CORETYPE={kernel} runs OpenBLAS's {chosen} kernel",
                  file=sys.stderr)
    for kernel, reason in skipped:
        print(f"skipped {kernel}: {reason}", file=sys.stderr)


if __name__ == "__main__":
    main()
