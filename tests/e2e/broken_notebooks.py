"""Write deliberately broken notebooks, one per failure mode the browser test must catch.

    .venv/bin/python tests/e2e/broken_notebooks.py build/e2e-broken
    SCRATCH_E2E_NOTEBOOKS=build/e2e-broken make e2e      # every one of them must fail

Each notebook displays one widget (a slider, an HTML summary and a figure in an Output), like
the explorers of scratch/widgets; all but one thing about it is right:
- echo_only: the summary repeats the slider's value, nothing else changes;
- settles_back: the view changes while computing, then returns to the view before;
- check_raised: a check line "not yet - your code raised ..." on stdout;
- stderr_warning: a warning on stderr;
- traceback_in_output: a callback's traceback shown inside the widget's Output;
- callback_raises: a callback raises outside any Output (JupyterLab's log console gets it).
A seventh, `good`, is right and must pass (the test is not failing for another reason).
"""

import sys
from pathlib import Path

import nbformat

WIDGET = '''
import time
import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

slider = widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description="lr")
summary = widgets.HTML()
out = widgets.Output()

def draw(lr):
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot(np.arange(10), (1 - lr / 4) ** np.arange(10))
    with out:
        out.clear_output(wait=True)
        display(fig)

def update(change=None):
    lr = slider.value
    {body}

slider.observe(update, names="value")
update()
display(widgets.VBox([slider, summary, out]))
'''

BODIES = {
    "good": 'summary.value = f"lr = {lr:.1f}: loss after 10 steps {(1 - lr / 4) ** 10:.4f}"\n'
            "    draw(lr)",
    "echo_only": 'summary.value = f"lr = {lr:.1f}: loss after 10 steps 0.0563"\n'
                 "    draw(1.0) if change is None else None",
    "settles_back": "if change is None:\n"
                    '        summary.value = "loss after 10 steps 0.0563"\n'
                    "        draw(1.0)\n"
                    "        return\n"
                    '    old = summary.value\n'
                    '    summary.value = "computing 1 2 3"\n'
                    "    time.sleep(1.0)\n"
                    "    summary.value = old",
    "traceback_in_output": 'summary.value = f"lr = {lr:.1f}: loss {(1 - lr / 4) ** 10:.4f}"\n'
                           "    draw(lr)\n"
                           "    if change is not None:\n"
                           "        with out:\n"
                           '            raise ValueError("lr out of range")',
    "callback_raises": 'summary.value = f"lr = {lr:.1f}: loss {(1 - lr / 4) ** 10:.4f}"\n'
                       "    draw(lr)\n"
                       "    if change is not None:\n"
                       '        raise ValueError("lr out of range")',
}
EXTRA_CELLS = {
    "check_raised": 'print("Tanh: not yet - your code raised ValueError: shapes differ")',
    "stderr_warning": 'import warnings\nwarnings.warn("this is deprecated")',
}


def write(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in [*BODIES, *EXTRA_CELLS]:
        body = BODIES.get(name, BODIES["good"])
        cells = [nbformat.v4.new_markdown_cell(f"# Broken on purpose: {name}"),
                 nbformat.v4.new_code_cell(WIDGET.replace("{body}", body).strip())]
        if name in EXTRA_CELLS:
            cells.append(nbformat.v4.new_code_cell(EXTRA_CELLS[name]))
        notebook = nbformat.v4.new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        nbformat.write(notebook, folder / f"{name}.ipynb")
    return folder


if __name__ == "__main__":
    print(write(sys.argv[1] if len(sys.argv) > 1 else "build/e2e-broken"))
