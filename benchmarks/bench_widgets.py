"""Time the Python side of every explorer: set a control, until its summary and figure are new.

No browser and no kernel: this is the kernel's share of a widget's response (the browser test,
`make e2e`, measures the whole of it, from the input event to the changed page). Explorers are
found, not listed (`scratch.widgets.base.explorer_classes`: every public class of a
`scratch.widgets` module that subclasses `Explorer`), each made with its
`example()`. Its controls are found in its `.widget` tree as the
browser test finds them in the page; each is moved the way the browser test moves it (a slider
one step, then five, like ArrowRight and PageUp; a dropdown or toggle to its next option; a
button clicked), then every slider is dragged 20 steps. Each action records when
`summary.value` changed and when the Output got its new figure.

Prints, per explorer, median / p90 / max in ms over all actions and rounds, the load average
(the machine is shared), and the targets for the whole response in the browser:
median <= 100 ms, p90 <= 150 ms, none over 300 ms. It measures; it asserts nothing.

    python benchmarks/bench_widgets.py              # every explorer, 5 rounds
    python benchmarks/bench_widgets.py --rounds 20 PathExplorer
    python benchmarks/bench_widgets.py --profile    # where the time goes (cProfile, top 25)
"""

import argparse
import cProfile
import math
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the Makefile: one BLAS thread
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402

from scratch.widgets.base import explorer_classes  # noqa: E402

TARGETS = {"median": 100.0, "p90": 150.0, "max": 300.0}  # ms, the whole response
DRAG_STEPS = 20
PAGE = 5  # steps of PageUp on an ipywidgets slider (noUiSlider's keyboard page)
DISPLAY_ONLY = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image, widgets.Output)


def loadavg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def make(cls):
    """An instance of an explorer class, or the reason why none could be made."""
    try:
        return cls.example()
    except TypeError as error:  # the base's example() is cls(): data needed, none given
        return f"skipped: {error}. Give {cls.__name__} an example() classmethod."


def controls(widget):
    """The controls in a widget tree, in display order (as the browser test finds them)."""
    if isinstance(widget, widgets.Box):
        return [c for child in widget.children for c in controls(child)]
    if isinstance(widget, DISPLAY_ONLY) or getattr(widget, "disabled", False):
        return []
    if isinstance(widget, (widgets.ValueWidget, widgets.Button)):
        return [widget]
    return []


def describe(control):
    return f"{type(control).__name__} {getattr(control, 'description', '')!r}"


def slider_step(control, steps):
    """Move a slider `steps` steps (back from its maximum), as the keyboard does."""
    if isinstance(control, widgets.FloatLogSlider):
        exponent = math.log(control.value, control.base)
        up = exponent + steps * control.step <= control.max + 1e-9
        new = exponent + (steps if up else -steps) * control.step
        control.value = control.base ** min(max(new, control.min), control.max)
        return
    up = control.value + steps * control.step <= control.max
    new = control.value + (steps if up else -steps) * control.step
    control.value = min(max(new, control.min), control.max)


def is_slider(control):
    return isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider))


def action(control, kind):
    """A function that performs one action on `control`."""
    if kind == "step":
        return lambda: slider_step(control, 1)
    if kind == "page":
        return lambda: slider_step(control, PAGE)
    if isinstance(control, widgets.Button):
        return control.click
    if hasattr(control, "options"):
        def next_option():
            values = [o[1] if isinstance(o, tuple) else o for o in control.options]
            control.value = values[(values.index(control.value) + 1) % len(values)]
        return next_option
    if isinstance(control.value, bool):
        return lambda: setattr(control, "value", not control.value)
    raise ValueError(f"bench_widgets: do not know how to move {describe(control)}")


def plan(explorer):
    """[(label, kind, function)]: the actions of one round, then one drag per slider."""
    steps = []
    for control in controls(explorer.widget):
        kinds = ("step", "page") if is_slider(control) else ("option",)
        steps += [(describe(control), kind, action(control, kind)) for kind in kinds]
    for control in controls(explorer.widget):
        if is_slider(control):
            steps += [(describe(control), "drag", action(control, "step"))] * DRAG_STEPS
    return steps


def timed(explorer, function):
    """Run one action -> (ms until it returned, ms until the summary changed, ms until the
    figure changed (None if it did not))."""
    marks = {}
    start = time.perf_counter()

    def mark(name):
        return lambda _change: marks.setdefault(name, time.perf_counter())

    on_summary, on_figure = mark("summary"), mark("figure")
    explorer.summary.observe(on_summary, names="value")
    explorer.out.observe(on_figure, names="outputs")
    try:
        function()
    finally:
        end = time.perf_counter()
        explorer.summary.unobserve(on_summary, names="value")
        explorer.out.unobserve(on_figure, names="outputs")
    ms = {k: round((t - start) * 1e3, 2) for k, t in marks.items()}
    return round((end - start) * 1e3, 2), ms.get("summary"), ms.get("figure")


def percentile(values, q):
    values = sorted(values)
    pos = (len(values) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def row(name, totals, summaries, drags):
    if not totals:
        return f"{name:<22} {'-':>7}"
    med = statistics.median
    return (f"{name:<22} {len(totals):>7} {med(totals):>7.1f} {percentile(totals, 90):>7.1f} "
            f"{max(totals):>7.1f} {med(summaries) if summaries else float('nan'):>11.1f} "
            f"{med(drags) if drags else float('nan'):>10.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="explorer class names (default: all)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="profile the actions with cProfile and print the top functions")
    args = parser.parse_args()
    load_before = loadavg()
    classes = [(n, c) for n, c in explorer_classes() if not args.names or n in args.names]
    print(f"{'explorer':<22} {'actions':>7} {'median':>7} {'p90':>7} {'max':>7} "
          f"{'summary med':>11} {'drag med':>10}   (ms, Python side only)")
    everything, all_summaries, all_drags = [], [], []
    profiler = cProfile.Profile() if args.profile else None
    for name, cls in classes:
        explorer = make(cls)
        if isinstance(explorer, str):
            print(f"{name:<22} {explorer}")
            continue
        totals, summaries, drags = [], [], []
        for _ in range(args.rounds):
            for _label, kind, function in plan(explorer):
                if profiler:
                    profiler.enable()
                total, summary, _figure = timed(explorer, function)
                if profiler:
                    profiler.disable()
                (drags if kind == "drag" else totals).append(total)
                if summary is not None and kind != "drag":
                    summaries.append(summary)
        everything += totals
        all_summaries += summaries
        all_drags += drags
        print(row(name, totals, summaries, drags))
    print(row("all", everything, all_summaries, all_drags))
    print(f"load average {load_before:.2f} before, {loadavg():.2f} after "
          f"({os.cpu_count()} cores); targets for the whole response in the browser "
          f"(make e2e): median <= {TARGETS['median']:.0f}, p90 <= {TARGETS['p90']:.0f}, "
          f"max <= {TARGETS['max']:.0f} ms")
    if profiler:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
