"""What plugs the grader into other tools and workflows: the student release and its notebooks,
nbgrader, Gradescope, and batches of a whole class."""
