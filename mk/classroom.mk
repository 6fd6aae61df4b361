# Classroom and self-study editions (code in scripts/classroom/, outputs in the git-ignored build/):
#   make slides         reveal.js decks of the notebooks: the instructor's edition in build/slides/,
#                       the students' (from the student copies) in build/slides-student/
#                       (offline: open index.html; EDITION=instructor or student builds one)
#   make html           HTML handouts in build/html/ and build/html-student/ likewise
#   make student        student copies in build/student/: solutions replaced by stubs
#                       (NO_ANSWERS=1: the questions' answer blocks removed too)
#   make student-kit    what to hand out to a class, without any solution: build/student-kit/ and
#                       build/student-kit.zip (the package, the data, the student copies and a
#                       README: `pip install -e ".[notebooks]"` inside it; scripts/classroom/kit.py)
#   make nbgrader-course  an nbgrader course folder in build/nbgrader-course/: exercise and check
#                       cells tagged "Autograded answer" / "Autograded tests" (10 points per check,
#                       `assert` before it), one assignment per notebook (ASSIGNMENT=name: all in
#                       one); README "Grading with nbgrader" (scripts/classroom/grading.py)
#   make student-test   run every student copy in a fresh kernel: each check must say "not yet"
#   make slide-types    cut markdown cells before each #/## heading and store the slide types
#                       of the rules (scripts/classroom/slidetypes.py) where they are missing
#   make slide-metadata store the presentation metadata of scripts/classroom/metadata.py: import
#                       cells skipped on slides, drawing helpers' code hidden (output kept),
#                       the sub-slides that keep slides within the view (cell metadata only;
#                       re-run it after merging notebook edits)
#   make slide-fit      measure every slide of the decks in Chromium and split the ones that reach
#                       below the view: a code cell starts a sub-slide (scripts/classroom/
#                       splits.json), a markdown cell taller than a slide is cut into two; reports
#                       a cell too tall on its own (scripts/classroom/fit.py; needs the e2e extra)
#   make exercises      learners: student copies in exercises/ (kept once made), in JupyterLab
# slides and html need npm once (Node.js): they fetch pinned reveal.js, require.js, jQuery,
# MathJax 2 and the ipywidgets HTML manager from the npm registry into build/classroom/npm/.
# NB=notebooks/03_*.ipynb limits any of them to some notebooks.
CLASSROOM := PYTHONPATH=$(CURDIR)/scripts $(BIN)/python -m classroom

.PHONY: slides html student student-kit nbgrader-course student-test slide-types slide-metadata slide-fit classroom exercises

slides: $(STAMP)
	$(CLASSROOM) slides $(if $(NO_ANSWERS),--no-answers) $(if $(EDITION),--edition $(EDITION)) $(NB)

html: $(STAMP)
	$(CLASSROOM) html $(if $(NO_ANSWERS),--no-answers) $(if $(EDITION),--edition $(EDITION)) $(NB)

student: $(STAMP)
	$(CLASSROOM) student $(if $(NO_ANSWERS),--no-answers) $(NB)

student-kit: $(STAMP)
	$(CLASSROOM) student-kit $(if $(NO_ANSWERS),--no-answers) $(NB)

nbgrader-course: $(STAMP)
	$(CLASSROOM) nbgrader-course $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(NB)

student-test: $(STAMP)
	CLASSROOM_STUDENT_ALL=1 $(BIN)/python -m pytest tests/notebooks/test_classroom_student.py

slide-types: $(STAMP)
	$(CLASSROOM) slide-types --write $(NB)

slide-metadata: $(STAMP)
	$(CLASSROOM) metadata --write $(NB)

slide-fit: $(STAMP)
	@$(BIN)/python -c "import playwright.sync_api" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -e ".[dev,e2e]"
	$(CLASSROOM) fit --write $(NB)

classroom: slides html student student-kit

# Learners: your own student copies in $(EXERCISES)/ (made once; a notebook already there is
# never overwritten, so your answers stay), opened in JupyterLab.
EXERCISES ?= exercises

exercises: $(STAMP)
	$(CLASSROOM) student --keep-existing --out $(EXERCISES) $(NB)
	$(BIN)/jupyter lab --notebook-dir=$(EXERCISES) $(LAB_FLAGS)
