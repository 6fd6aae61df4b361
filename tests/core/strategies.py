"""Hypothesis strategies for gradient checks: small shapes, well-scaled values, no ReLU kinks."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

dims = st.integers(1, 5)


def floats_array(shape, lo=-3.0, hi=3.0, kink_gap=0.0):
    """Float64 arrays of `shape` with values 0 or 1e-3 <= |v| <= 3.

    Tiny nonzero values (1e-14 beside a bias of 1) are left out: their effect on the output is
    below float64 rounding, so no finite difference can measure it, right or wrong.
    kink_gap > 0 also leaves out |v| < kink_gap, 0 included: a centred difference straddling
    ReLU's kink at 0 averages the two slopes and disagrees with the (correct) analytic gradient.
    """
    floor = max(kink_gap, 1e-3)
    elems = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    elems = elems.filter(lambda v: abs(v) >= floor or (v == 0 and not kink_gap))
    return arrays(np.float64, shape, elements=elems)


@st.composite
def matrices(draw, kink_gap=0.0):
    n, d = draw(dims), draw(dims)
    return draw(floats_array((n, d), kink_gap=kink_gap))
