"""Classroom editions on a projector: no solution code and no answer is visible until opened.

Every real notebook is exported (in memory, as `make slides` / `make html` export it) in the
students' edition (from its student copy) and the instructor's. What a page shows before anyone
clicks is its text outside closed `<details>` boxes (a box's `<summary>` shows), scripts and
styles left out; the page is parsed as a whole, as a browser parses it.

- Student editions: no `# BEGIN SOLUTION` anywhere in the page, not even folded away; the
  stubs are there; every answer to a question is inside a closed box (or, with answers=False,
  absent from the page).
- Instructor editions: the solutions are there but folded into closed "Solution" boxes, and the
  answers are folded too (nbconvert used to print them below an empty box: see export.py).
"""

import os
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import bs4
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.__main__ import main  # noqa: E402
from classroom.export import export_notebook  # noqa: E402
from classroom.student import BEGIN, STUB  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ANSWER = re.compile(r"<details><summary>Answer[^<]*</summary>(.*?)</details>", re.S)


@lru_cache(maxsize=None)
def _page(path, kind, edition, answers=True):
    return export_notebook(path, kind, edition=edition, answers=answers)


def visible_text(page, opened=False):
    """The text a reader sees before opening anything: closed <details> show their summary
    (opened=True: every box opened). Scripts and styles left out, whitespace squeezed."""
    soup = bs4.BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(["script", "style", "template"]):
        tag.decompose()
    for box in [] if opened else soup.find_all("details"):
        if box.has_attr("open"):
            continue
        for child in list(box.children):
            if getattr(child, "name", None) != "summary":
                child.extract()
    return re.sub(r"\s+", " ", soup.get_text(" "))


def _in(line, text):
    """`line` in `text`, ignoring whitespace (highlighted code is split into spans)."""
    return re.sub(r"\s+", "", line) in re.sub(r"\s+", "", text)


def _answers(path):
    """Distinctive words of each answer in the notebook: its longest line without maths."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for body in ANSWER.findall(cell.source):
            lines = [line.strip() for line in body.splitlines()
                     if line.strip() and not re.search(r"[$`*_<>&\\|\[\]]", line)]
            if lines:
                found.append(max(lines, key=len))
    return found


def _solution_lines(path):
    """Lines of solution code (inside the markers) long enough to be distinctive and found
    nowhere else in the notebook (not in its other code, prose or outputs)."""
    nb = nbformat.read(path, as_version=4)
    lines, elsewhere = [], []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if cell.cell_type == "code" and line.strip() == BEGIN:
                inside = True
            elif cell.cell_type == "code" and line.strip() == "# END SOLUTION":
                inside = False
            elif inside:
                if len(line.strip()) > 25 and not re.search(r"[<>&\"']", line):
                    lines.append(line.strip())
            else:
                elsewhere.append(line)
        elsewhere.extend(str(output) for output in cell.get("outputs", []))
    rest = re.sub(r"\s+", "", "\n".join(elsewhere))
    return [line for line in lines if re.sub(r"\s+", "", line) not in rest]


def test_visible_text_leaves_out_closed_boxes_only():
    page = ("<p>Question?</p><details><summary>Answer</summary>\n<p>Secret.</p>\n</details>"
            "<details open><summary>Shown</summary><p>Open box.</p></details><script>x</script>")
    text = visible_text(page)
    assert "Question?" in text and "Answer" in text and "Open box." in text
    assert "Secret." not in text and "x" not in text.split()


def test_an_answer_exports_inside_its_box(tmp_path):
    """The block nbconvert's image embedding broke: <details> opened in one raw HTML block,
    markdown in between, </details> in another."""
    nb = new_notebook(cells=[new_markdown_cell(
        "**1.** Why?\n\n<details><summary>Answer (open after trying)</summary>\n\n"
        "Because $x$ *is* so.\n</details>\n\n**2.** Next.")])
    for kind in ("slides", "html"):
        page = _export_node(nb, kind, tmp_path)
        text = visible_text(page)
        assert "Why?" in text and "Next." in text and "Answer (open after trying)" in text
        assert "is so" not in text
        assert "is</em> so" in page  # the answer is there, rendered, inside the box


def _export_node(nb, kind, tmp):
    path = tmp / f"node_{kind}.ipynb"
    nbformat.write(nb, path)
    return export_notebook(path, kind)


def test_a_solution_cell_folds_and_hide_input_hides_code_only(tmp_path):
    solution = new_code_cell("def f(x):\n    # BEGIN SOLUTION\n    return x + 12345\n"
                             "    # END SOLUTION\n", execution_count=1)
    helper = new_code_cell("def draw_helper_xyz():\n    pass\ndraw_helper_xyz()",
                           execution_count=2, metadata={"tags": ["hide-input"]})
    helper.outputs = [nbformat.v4.new_output("stream", name="stdout", text="helper output\n")]
    nb = new_notebook(cells=[new_markdown_cell("# T"), solution, helper])
    for kind in ("slides", "html"):
        page = _export_node(nb, kind, tmp_path)
        text = visible_text(page)
        assert "12345" in visible_text(page, opened=True) and "12345" not in text
        assert "Solution (open after trying)" in text
        assert "helper output" in text and "draw_helper_xyz" not in page


@pytest.mark.parametrize("kind", ["slides", "html"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_edition_shows_no_solution_and_no_answer(path, kind):
    page = _page(path, kind, "student")
    assert BEGIN not in page
    text = visible_text(page)
    leaked = [line for line in _solution_lines(path) if _in(line, visible_text(page, True))]
    assert not leaked, f"solution code in the student {kind}: {leaked[:3]}"
    if _solution_lines(path):
        assert STUB[1] in text
    shown = [answer for answer in _answers(path) if _in(answer, text)]
    assert not shown, f"answers visible in the student {kind}: {shown[:2]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_edition_without_answers_has_none_in_the_page(path):
    page = _page(path, "slides", "student", answers=False)
    assert "<details><summary>Answer" not in page
    assert not [answer for answer in _answers(path) if _in(answer, visible_text(page, True))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_instructor_deck_folds_solutions_and_answers(path):
    page = _page(path, "slides", "instructor")
    text = visible_text(page)
    answers, solutions = _answers(path), _solution_lines(path)
    assert not [line for line in solutions if _in(line, text)]
    assert not [answer for answer in answers if _in(answer, text)]
    # ... and they are in the page, to be opened.
    everything = visible_text(page, opened=True)
    assert all(_in(line, everything) for line in solutions)
    assert all(_in(answer, everything) for answer in answers)


def test_every_notebook_has_answers_and_most_have_solutions():
    """The tests above are not vacuous."""
    assert all(_answers(path) for path in NOTEBOOKS)
    assert sum(bool(_solution_lines(path)) for path in NOTEBOOKS) >= len(NOTEBOOKS) - 2


def test_command_line_builds_both_editions(tmp_path, monkeypatch, capsys):
    import classroom.__main__ as cli

    monkeypatch.setattr(cli, "fetch", lambda cache: {})
    monkeypatch.setattr(cli, "install_lib", lambda folders, out: None)
    nb = NOTEBOOKS[1]
    assert main(["html", str(nb), "--out", str(tmp_path / "html")]) == 0
    teacher = (tmp_path / "html" / f"{nb.stem}.html").read_text(encoding="utf-8")
    student = (tmp_path / "html-student" / f"{nb.stem}.html").read_text(encoding="utf-8")
    assert BEGIN in teacher and BEGIN not in student
    assert "student edition" in (tmp_path / "html-student" / "index.html").read_text()
    assert "student edition" in capsys.readouterr().out


# --- the student kit: what a class is given --------------------------------------------------

def test_student_kit_holds_the_package_data_and_stubbed_notebooks_only(tmp_path):
    import subprocess
    import zipfile

    from classroom.kit import build_kit

    out, archive = tmp_path / "kit", tmp_path / "kit.zip"
    files = build_kit(NOTEBOOKS[:2], out, zip_path=archive)
    names = {p.relative_to(out).as_posix() for p in files}
    assert {"README.md", "pyproject.toml", "LICENSE", "data/mnist-sample.npz",
            f"notebooks/{NOTEBOOKS[1].name}", "notebooks/matplotlibrc",
            "scratch/__init__.py"} <= names
    assert not [n for n in names if n.split("/")[0] not in
                ("README.md", "pyproject.toml", "LICENSE", "data", "notebooks", "scratch")]
    assert not [n for n in names if n.endswith(".ipynb") and not n.startswith("notebooks/")]
    for path in files:
        if path.suffix in (".ipynb", ".py", ".md", ".toml"):
            assert BEGIN not in path.read_text(encoding="utf-8"), path
    stubbed = nbformat.read(out / "notebooks" / NOTEBOOKS[1].name, as_version=4)
    assert any(STUB[1] in cell.source for cell in stubbed.cells)
    with zipfile.ZipFile(archive) as z:
        assert len(z.namelist()) == len(files)
    # The kit's own package, run from the kit, finds the data beside it.
    done = subprocess.run(
        [sys.executable, "-c", "import scratch; from scratch.datasets import load_mnist; "
         "(x, t), _ = load_mnist(); print(scratch.__file__, len(x))"],
        cwd=out, env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    where, count = done.stdout.split()
    assert Path(where).resolve().is_relative_to(out.resolve()) and int(count) == 8000
    # A kernel in the kit's notebooks/ draws with the series' figure settings.
    assert _font_size_in(out / "notebooks") == 14


def _font_size_in(folder):
    """matplotlib's font size for a Python started in `folder` (as a notebook's kernel is),
    without the user's own matplotlib settings."""
    import subprocess

    with tempfile.TemporaryDirectory() as config:
        done = subprocess.run(
            [sys.executable, "-c", "import matplotlib; print(matplotlib.rcParams['font.size'])"],
            cwd=folder, env={**os.environ, "MPLBACKEND": "agg", "MPLCONFIGDIR": config},
            capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


def test_the_notebooks_figures_are_drawn_with_larger_text():
    """notebooks/matplotlibrc: 14 pt text in every figure a notebook draws (matplotlib's default,
    10 pt, is what a Python started elsewhere gets)."""
    assert _font_size_in(ROOT / "notebooks") == 14
    assert _font_size_in(ROOT) == 10


def test_speaker_notes_from_cell_metadata_are_in_the_deck_not_on_the_slide(tmp_path):
    cell = new_markdown_cell("## Explore\n\nMove the slider.",
                             metadata={"speaker_notes": "Ask: *where* does it stop?"})
    page = _export_node(new_notebook(cells=[new_markdown_cell("# T"), cell]), "slides",
                        tmp_path)
    soup = bs4.BeautifulSoup(page, "html.parser")
    notes = soup.select("section aside.notes")
    assert len(notes) == 1 and "where" in notes[0].get_text()
    assert notes[0].find("em") is not None  # markdown rendered
    assert "where" not in visible_text(page.replace(str(notes[0]), ""))
    assert "aside" not in _export_node(new_notebook(cells=[cell]), "html", tmp_path)
