"""The untrusted side of grading: a process that imports a submission and calls its functions.

``worker.py`` runs as a script inside the sandbox and ``wire.py`` is the message format both
sides speak. Neither imports the rest of the grader, so the sandbox needs only these two files.
"""
