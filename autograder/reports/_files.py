"""Writing report files atomically, so a reader never sees half a report."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` in one step.

    The text goes to a temporary file in the same directory, which then replaces ``path``
    with :func:`os.replace`; on any error the temporary file is removed and ``path`` is left
    as it was. Missing parent directories are created. Newlines are written as given.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    text : str
        Its new content, written as UTF-8.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("x", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
