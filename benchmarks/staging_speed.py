"""How long staging takes on hostile archives: a small zip of deeply nested folders, a zip a thousand folders deep.

Run: ``python benchmarks/staging_speed.py [--members 14] [--depth 400]``. It writes, in a temporary
folder, (1) a zip of ``--members`` Python files each ``--depth`` folders deep along its own branch
(about 22 KB by default), (2) a zip holding one ``conv.py`` 1000 folders deep, (3) a plain submission
of the reference modules, and prints how long :func:`autograder.sandbox.staging.stage` takes on each
and what it said. It uses whichever ``autograder`` Python imports, so the same script measures another
checkout when run with that checkout's Python (``/path/to/checkout/.venv/bin/python``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from autograder.course.model import load_course
from autograder.sandbox.staging import Rules, stage

COURSE = load_course()


def nested_zip(path: Path, members: int, depth: int) -> Path:
    """``members`` files, each ``depth`` folders deep, every one along a branch of its own."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for k in range(members):
            archive.writestr("/".join([f"b{k}"] + ["d"] * depth + ["conv.py"]), "x = 1\n")
    return path


def deep_zip(path: Path, depth: int = 1000) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("/".join(["d"] * depth + ["conv.py"]), (COURSE.reference_dir / "conv.py").read_text())
    return path


def plain(folder: Path) -> Path:
    folder.mkdir()
    for name in COURSE.assignment():
        shutil.copyfile(COURSE.reference_dir / f"{name}.py", folder / f"{name}.py")
    return folder


def timed(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        with stage(path, Rules(COURSE.names, COURSE.forbidden)) as staged:
            outcome = f"staged; conv: {staged.notes.get('conv') or 'found'}"
    except Exception as error:  # the point is to see what happens, a traceback included
        outcome = f"{type(error).__name__}: {str(error)[:160]}"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=14)
    parser.add_argument("--depth", type=int, default=400)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = {f"zip of {options.members} files {options.depth} folders deep":
                 nested_zip(Path(folder) / "nested.zip", options.members, options.depth),
                 "zip of conv.py 1000 folders deep": deep_zip(Path(folder) / "deep.zip"),
                 "plain folder of the reference modules": plain(Path(folder) / "plain")}
        for name, path in cases.items():
            size = f"{path.stat().st_size / 1024:.1f} KB" if path.is_file() else "folder"
            seconds, outcome = timed(path)
            print(f"{name} ({size}): {seconds:.3f} s -- {outcome}")


if __name__ == "__main__":
    main()
