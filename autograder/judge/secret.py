"""The built-in default secret for hidden cases, kept apart so the student release can leave it out.

``autograder release`` writes its own version of this module, with ``DEFAULT_SECRET = None``:
a student's copy of the grader never holds a secret, so it cannot draw hidden cases.
"""

DEFAULT_SECRET: bytes | None = b"autograder-built-in-default-secret"
"""Used when neither ``AUTOGRADER_SECRET`` nor ``AUTOGRADER_SECRET_FILE`` is set; fine for local use only."""
