"""Reports of a :class:`~autograder.results.SubmissionResult`: one module per format.

JSON (the contract's report), Markdown and HTML (the student's feedback), Gradescope's
``results.json``, and the instructors' CSV gradebook. Every writer writes atomically.
"""

from .gradebook import write_gradebook
from .gradescope import write_gradescope
from .html import write_html
from .json_report import write_json
from .markdown import write_markdown

__all__ = ["write_gradebook", "write_gradescope", "write_html", "write_json", "write_markdown"]
