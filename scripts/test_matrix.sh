#!/usr/bin/env bash
# The unit tests and nbval under each OpenBLAS kernel (see `make test-matrix` in mk/portability.mk
# for the variables). Usage: test_matrix.sh PYTHON NBVAL-OPTIONS...
set -uo pipefail
python=$1; shift
threads_all=${MATRIX_THREADS:-1 2}
usable=$("$python" scripts/blas_kernels.py) || exit 1
kernels=$usable
if [ -n "${MATRIX_KERNELS:-}" ]; then  # the requested ones that this processor can run
    kernels=""
    for kernel in $MATRIX_KERNELS; do
        if grep -qx "$kernel" <<< "$usable"; then kernels="$kernels $kernel"
        else echo "test-matrix: skipped $kernel: not usable here (scripts/blas_kernels.py)"; fi
    done
fi
[ -n "$kernels" ] || { echo "test-matrix: no usable kernel" >&2; exit 1; }
echo "== test-matrix: $("$python" -c 'import numpy; print("numpy", numpy.__version__)'), kernels:" $kernels
times=()
run() {  # run LABEL COMMAND...: the command, timed; stop at the first failure
    local label=$1 start=$SECONDS; shift
    echo "== test-matrix: $label"
    "$@" || { echo "test-matrix failed: $label" >&2; exit 1; }
    times+=("$label: $((SECONDS - start)) s")
}
i=0
for kernel in $kernels; do
    if [ "${MATRIX_UNIT:-1}" != 0 ]; then
        run "unit tests, $kernel, 1 thread" env OPENBLAS_CORETYPE="$kernel" \
            "$python" -m pytest -q -p no:cacheprovider --ignore=tests/e2e tests
    fi
    read -r -a counts <<< "$threads_all"
    if [ -n "${MATRIX_ALTERNATE:-}" ]; then counts=("${counts[i % ${#counts[@]}]}"); fi
    for t in "${counts[@]}"; do
        run "nbval, $kernel, $t BLAS threads" env OPENBLAS_CORETYPE="$kernel" \
            OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" \
            "$python" -m pytest -q -p no:cacheprovider "$@" notebooks
    done
    i=$((i + 1))
done
printf '%s\n' "== test-matrix times" "${times[@]}"
