"""A conv.py that reads the course's private files and the secret by the paths a student could guess
(the grader's repository layout is public): it prints what it could read and raises it."""

TARGETS = @TARGETS@


def _read_all():
    found = []
    for path in TARGETS:
        try:
            with open(path) as source:
                found.append(f"READ {path}: {source.read(60)!r}")
        except OSError as error:
            found.append(f"denied {path}: {type(error).__name__}")
    return found


def conv2d_forward(x, w, b, stride=1, pad=0):
    report = "PRIVATE FILES " + " | ".join(_read_all())
    print(report)
    raise ValueError(report)


def conv2d_backward(dout, cache):
    raise ValueError("no")
