"""The course as data: exercises, their functions and inputs, assignments, rubrics, the catalogue, plug-ins.

Nothing here runs a submission; it reads course folders (see :mod:`autograder.course.model`).
"""

from autograder.course.model import (ALL, BUILTIN_ROOT, COURSE_ENV, Course, CourseError, Exercise, FunctionSpec,
                                     load_course)

__all__ = ["ALL", "BUILTIN_ROOT", "COURSE_ENV", "Course", "CourseError", "Exercise", "FunctionSpec", "load_course"]
