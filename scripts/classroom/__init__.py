"""Classroom editions of the notebooks: offline slides, HTML handouts, student copies.

Run as `PYTHONPATH=scripts python -m classroom <command>` (the make targets in mk/classroom.mk
do this): `slides`, `html`, `student`, `slide-types`. See `python -m classroom --help`.
"""
