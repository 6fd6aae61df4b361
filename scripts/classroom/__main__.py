"""Command line: `PYTHONPATH=scripts python -m classroom COMMAND [notebooks]`.

COMMAND: slides, html, student, student-kit, nbgrader-course, slide-types, metadata or fit (see
mk/classroom.mk).
"""

import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

from classroom.export import export_all
from classroom.grading import GradingError, total_points, write_course
from classroom.kit import build_kit
from classroom.metadata import apply_to_files
from classroom.slidetypes import assign_slide_types, split_at_headings
from classroom.student import SolutionMarkerError, write_student_copies
from classroom.vendor import VendorError, fetch, install_lib

DEFAULT_OUT = {"slides": "build/slides", "html": "build/html", "student": "build/student",
               "student-kit": "build/student-kit", "nbgrader-course": "build/nbgrader-course"}


def _uncommitted(path):
    """True when git reports changes to `path` (modified, staged or untracked)."""
    done = subprocess.run(["git", "status", "--porcelain", "--", str(path)],
                          capture_output=True, text=True)
    return done.returncode != 0 or bool(done.stdout.strip())


def _slide_types(paths, write, force):
    """Report (and with write=True store) the cells split at headings and the slide types the
    rules give each notebook; returns 1 when a notebook needs changes that were not written."""
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        split = split_at_headings(nb)
        changed = assign_slide_types(nb, overwrite=False)
        todo = f"{split} headings inside a markdown cell, {changed} cells without a slide type"
        if not split and not changed:
            print(f"{path}: every heading starts a cell, slide types complete")
        elif not write:
            print(f"{path}: {todo} (--write splits and stores them)")
            status = 1
        elif _uncommitted(path) and not force:
            print(f"{path}: skipped, it has uncommitted changes (commit first, or --force)")
            status = 1
        else:
            nbformat.write(nb, path)
            print(f"{path}: split {split} cells at headings, stored {changed} slide types")
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m classroom", description=__doc__)
    parser.add_argument("command",
                        choices=["slides", "html", "student", "student-kit", "nbgrader-course",
                                 "slide-types", "metadata", "fit"])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, help="output folder (default: build/<command>)")
    parser.add_argument("--vendor-cache", type=Path, default=Path("build/classroom/npm"),
                        help="where the npm tarballs are kept (slides, html)")
    parser.add_argument("--write", action="store_true",
                        help="slide-types: split cells at headings, store missing slide types; "
                             "metadata: store the presentation metadata (classroom/metadata.py); "
                             "fit: split the slides that do not fit (classroom/fit.py)")
    parser.add_argument("--keep-existing", action="store_true",
                        help="student: leave notebooks already in the output folder alone")
    parser.add_argument("--no-answers", action="store_true",
                        help="student, and the student edition of slides and html: also remove "
                             "the answers to the questions to think about")
    parser.add_argument("--edition", choices=["both", "instructor", "student"], default="both",
                        help="slides, html: the instructor's edition in build/<command>/, the "
                             "students' (from the student copies) in build/<command>-student/")
    parser.add_argument("--assignment",
                        help="nbgrader-course: one assignment of this name holding all the "
                             "notebooks (default: one assignment per notebook)")
    parser.add_argument("--force", action="store_true",
                        help="slide-types --write: also notebooks with uncommitted changes")
    args = parser.parse_intermixed_args(argv)
    paths = sorted(args.notebooks or Path("notebooks").glob("*.ipynb"))
    if not paths:
        parser.error("no notebooks found")
    try:
        if args.command == "metadata":
            changed = apply_to_files(paths, write=args.write)
            return 1 if changed and not args.write else 0
        if args.command == "fit":
            from classroom.fit import fit  # needs Playwright and Chromium (the e2e extra)

            left = fit(paths, write=args.write)
            print(f"fit: {left} slide(s) still reach beyond the 1280x720 view")
            return 1 if left else 0
        if args.command == "slide-types":
            return _slide_types(paths, args.write, args.force)
        elif args.command == "student-kit":
            out = args.out or Path(DEFAULT_OUT["student-kit"])
            archive = out.with_name(out.name + ".zip")
            files = build_kit(paths, out, answers=not args.no_answers, zip_path=archive)
            print(f"student-kit: {len(files)} files in {out}, zipped as {archive} "
                  "(no solutions: hand it out)")
        elif args.command == "nbgrader-course":
            out = args.out or Path(DEFAULT_OUT["nbgrader-course"])
            written = write_course(paths, out, Path("nbgrader_config.py"), args.assignment)
            for name, targets in written.items():
                points = sum(total_points(nbformat.read(t, as_version=4)) for t in targets)
                print(f"nbgrader-course: source/{name}: {len(targets)} notebook(s), "
                      f"{points} points")
            print(f"nbgrader-course: {out} (README: Grading with nbgrader)")
        elif args.command == "student":
            out = args.out or Path(DEFAULT_OUT["student"])
            written = write_student_copies(paths, out, keep_existing=args.keep_existing,
                                           answers=not args.no_answers)
            for target in written:
                print(f"student: {target}")
            for kept in sorted({out / p.name for p in paths} - set(written)):
                print(f"student: kept {kept} as it is (your work)")
        else:
            base = args.out or Path(DEFAULT_OUT[args.command])
            folders = fetch(args.vendor_cache)  # first, so a missing npm fails early
            editions = ["instructor", "student"] if args.edition == "both" else [args.edition]
            for edition in editions:
                out = base if edition == "instructor" else base.with_name(base.name + "-student")
                export_all(paths, out, args.command, edition=edition,
                           answers=not args.no_answers)
                install_lib(folders, out)
                print(f"{args.command} ({edition} edition): open {out / 'index.html'}")
    except (SolutionMarkerError, GradingError, VendorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
