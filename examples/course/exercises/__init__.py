"""Your implementations of the course's layers, one module per exercise.

Fill in the functions marked ``NotImplementedError`` and run ``autograder check`` to see how
they do on the public cases.
"""
