"""nbgrader settings for this series (README: "Grading with nbgrader").

nbgrader looks for this file in the directory it runs in. Its ClearSolutions step already
uses our markers (`# BEGIN SOLUTION` / `# END SOLUTION`); the stub below is the one
`make student` writes, so nbgrader's student copies equal ours (tests/tooling/test_nbgrader.py).
"""

c = get_config()  # noqa: F821 - nbgrader's config loader defines get_config

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError"}
