"""Submissions and courses as plain bytes: read once on the instructor's machine, laid out again wherever they are graded.

A batch reads every submission into a :class:`Pack` exactly once: the pack's bytes are hashed
(the content hash that says whether a submission changed) and are what gets graded, on this
machine or on any worker of a cluster, so what is graded is exactly what was hashed. A folder
keeps its layout: regular files with their bytes, symlinks as links (never followed; staging
ignores them), folders and special files (FIFOs, devices) by name only. A course travels the
same way, as the files that decide a grade (:meth:`~autograder.course.model.Course.grading_files`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

MAX_PACK_BYTES = 64 * 2**20
"""Largest submission a batch reads (staging itself takes at most 50 MB of modules)."""
MAX_PACK_ENTRIES = 10_000
"""Most files and folders a submission folder may hold."""
MAX_PACK_DEPTH = 32
"""Deepest folder a submission folder may hold."""

EntryKind = Literal["file", "link", "dir", "other"]


class PackError(ValueError):
    """A submission that cannot be read into a pack; the message says why, for the instructor."""


@dataclass(frozen=True)
class Pack:
    """A submission as bytes.

    Attributes
    ----------
    name : str
        Its name in the batch's folder (``alice``, ``bob.zip``, ``carol.ipynb``).
    folder : bool
        Whether it is a folder (else one file: a zip or a notebook).
    entries : tuple
        ``(relative path, kind, data)`` in order: a file's bytes, a link's target (bytes), or
        ``b""`` for a folder or a special file. A file submission has one entry, its name.
    """

    name: str
    folder: bool
    entries: tuple[tuple[str, EntryKind, bytes], ...]

    @property
    def content_hash(self) -> str:
        """A hash of the names and bytes, so a changed submission is graded again."""
        digest = hashlib.sha256()
        for relative, kind, data in self.entries:
            digest.update(relative.encode() + b"\0")
            if kind == "link":
                digest.update(b"symlink to " + data + b"\0")
            elif kind == "file":
                digest.update(data)
        return digest.hexdigest()[:24]

    @property
    def size(self) -> int:
        return sum(len(data) for _, _, data in self.entries)

    def unpack(self, into: Path) -> Path:
        """Lay the submission out in the folder ``into``; return its path (``into / name``)."""
        target = Path(into) / self.name
        if not self.folder:
            target.write_bytes(self.entries[0][2])
            return target
        target.mkdir()
        for relative, kind, data in self.entries:
            path = target.joinpath(*PurePosixPath(relative).parts)
            if kind == "dir":
                path.mkdir(parents=True, exist_ok=True)
            elif kind == "file":
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            elif kind == "link":
                path.parent.mkdir(parents=True, exist_ok=True)
                path.symlink_to(os.fsdecode(data))
        return target


def pack_submission(path: Path) -> Pack:
    """Read the submission at ``path`` (a folder, a zip or a notebook) into a :class:`Pack`.

    Raises
    ------
    PackError
        When it cannot be read, or is larger, wider or deeper than a submission may be.
    """
    path = Path(path)
    try:
        if not path.is_dir():
            if path.stat().st_size > MAX_PACK_BYTES:
                raise PackError(_too_large(path))
            return Pack(path.name, False, ((path.name, "file", path.read_bytes()),))
        return Pack(path.name, True, tuple(_folder_entries(path)))
    except OSError as error:
        raise PackError(f"{path.name} could not be read: {error.strerror or error}") from None


def _folder_entries(root: Path):
    """Every entry below ``root`` in sorted path order, symlinks never followed."""
    found, total = [], 0
    for directory, folders, files in os.walk(root, followlinks=False):
        depth = len(Path(directory).relative_to(root).parts)
        if depth >= MAX_PACK_DEPTH:
            raise PackError(f"{root.name} holds folders more than {MAX_PACK_DEPTH} levels deep; expected a "
                            f"folder of exercise modules or notebooks")
        for name in folders + files:
            path = Path(directory) / name
            found.append(path.relative_to(root).parts)
            if len(found) > MAX_PACK_ENTRIES:
                raise PackError(f"{root.name} holds more than {MAX_PACK_ENTRIES} files and folders; expected a "
                                f"folder of exercise modules or notebooks")
    entries = []
    for parts in sorted(found):
        path = root.joinpath(*parts)
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            kind, data = "link", os.fsencode(os.readlink(path))
        elif stat.S_ISREG(mode):
            total += path.lstat().st_size
            if total > MAX_PACK_BYTES:
                raise PackError(_too_large(root))
            kind, data = "file", path.read_bytes()
        else:
            kind, data = ("dir" if stat.S_ISDIR(mode) else "other"), b""
        entries.append(("/".join(parts), kind, data))
    return entries


def _too_large(path: Path) -> str:
    return (f"{path.name} is larger than {MAX_PACK_BYTES // 2**20} MB; expected exercise modules or notebooks "
            f"(remove data files and checkpoints from it)")


@dataclass(frozen=True)
class CoursePack:
    """A course as bytes: the files that decide a grade, relative to its folder, and its version."""

    version: str
    files: tuple[tuple[str, bytes], ...]

    def unpack(self, into: Path) -> Path:
        """Write the course's files under the folder ``into``; return it."""
        for relative, data in self.files:
            path = Path(into).joinpath(*PurePosixPath(relative).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return Path(into)


def pack_course(course) -> CoursePack:
    """The :class:`CoursePack` of ``course`` (a :class:`~autograder.course.model.Course`)."""
    files = tuple((file.relative_to(course.root).as_posix(), file.read_bytes())
                  for file in course.grading_files() if file.is_file())
    return CoursePack(course.version, files)
