"""Who the worker runs as: never root, and never able to read what it must not.

When the grader runs as root (CI runners, Gradescope, Docker-based JupyterHub), every worker
gets an unprivileged account of its own, leased for its life: a uid and a gid from
:data:`UIDS_ENV`'s range (by default ``2000000000``-``2000004095``, where no real account
lives; ``nobody`` if that range is not mapped in this user namespace), so that two workers
graded at once cannot signal, trace or read each other. The worker's process joins its cgroup
and takes its resource limits as root, then drops every group and switches to that account
before it executes bubblewrap (which then maps the sandbox's uid 1000 to that account) or the
worker itself; it keeps no capability.

The account must reach what the worker runs: the Python runtime, numpy, the worker's files and
the staged submission. The submission is handed to the account's group (:func:`grant`). A
runtime below a folder other users cannot enter (a Python under ``/root``, say) is made
reachable in a mount namespace of the worker's own (:class:`Reach`): the folder is covered by
an empty tmpfs holding only the runtime's folders, bound back in place.

Without bubblewrap the worker sees the host's files as that account does, so
:func:`protect` takes from other users the course's private files (the reference, the
rubrics, the misconception catalogue, the course's git history) and the secret's key file.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

UIDS_ENV = "AUTOGRADER_SANDBOX_UIDS"
"""The uids (and gids, the same numbers) workers run as when the grader runs as root: ``FIRST-LAST``
or one number. Default: :data:`DEFAULT_UIDS` when this user namespace maps it, else ``nobody``."""
DEFAULT_UIDS = range(2_000_000_000, 2_000_000_000 + 4096)
NOBODY = 65534
SANDBOX_UID = SANDBOX_GID = 1000
"""The uid and gid the worker has inside bubblewrap's user namespace (mapped to its account)."""

CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = 7, -4, -5
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine)
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")
"""The world-writable folders an account leaves files in when no sandbox gives it folders of its own."""


class PrivilegeError(RuntimeError):
    """The worker cannot be made to run unprivileged here; the message says why and what to do."""


@dataclass
class Account:
    """An unprivileged uid and gid leased to one worker; :meth:`release` gives them back."""

    uid: int
    gid: int
    _lease: socket.socket | None = field(default=None, repr=False)

    def release(self) -> None:
        if self._lease is not None:
            self._lease.close()
            self._lease = None


def running_as_root() -> bool:
    return os.geteuid() == 0


def candidate_ids() -> range:
    """The uids a worker may run as (see :data:`UIDS_ENV`).

    Raises
    ------
    PrivilegeError
        When :data:`UIDS_ENV` is malformed or names root.
    """
    text = os.environ.get(UIDS_ENV, "").strip()
    if text:
        try:
            first, _, last = text.partition("-")
            ids = range(int(first), int(last or first) + 1)
        except ValueError:
            raise PrivilegeError(f"{UIDS_ENV}={text!r}: expected FIRST-LAST or one uid, such as 2000000000-2000004095")
        if not ids or ids.start <= 0:
            raise PrivilegeError(f"{UIDS_ENV}={text!r}: expected uids above 0 (never root)")
        return ids
    if _mapped(DEFAULT_UIDS, "uid_map") and _mapped(DEFAULT_UIDS, "gid_map"):
        return DEFAULT_UIDS
    return range(NOBODY, NOBODY + 1)


def _mapped(ids: range, which: str) -> bool:
    """Whether every id of ``ids`` exists in this user namespace (``/proc/self/uid_map`` or ``gid_map``)."""
    try:
        extents = [tuple(map(int, line.split())) for line in Path(f"/proc/self/{which}").read_text().splitlines()]
    except (OSError, ValueError):
        return False
    return any(start <= ids.start and ids.stop <= start + count for start, _, count in extents)


def lease() -> Account:
    """An account for one worker: the first free id of :func:`candidate_ids`, held until released.

    An id is held by binding an abstract unix socket named after it, which the kernel frees when
    the grader exits, however it exits. A range of one id is shared by every worker.
    """
    ids = candidate_ids()
    if len(ids) == 1:
        return Account(ids.start, ids.start)
    start = os.getpid() % len(ids)
    for k in range(len(ids)):
        uid = ids[(start + k) % len(ids)]
        holder = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            holder.bind(f"\0autograder-sandbox-uid-{uid}")
        except OSError:
            holder.close()
            continue
        return Account(uid, uid, holder)
    raise PrivilegeError(f"every uid of {ids.start}-{ids.stop - 1} ({UIDS_ENV}) is in use by another worker")


def kill_everything_of(account: Account) -> None:
    """Kill every process that runs as ``account`` (a daemon a worker left, in a new session, outside any cgroup),
    before the account goes to another worker; an account shared by every worker is left alone."""
    if account._lease is None:
        return
    kill = shutil.which("kill", path="/usr/bin:/bin")
    if kill is not None:
        subprocess.run([kill, "-9", "-1"], cwd="/", env={}, capture_output=True, timeout=30,
                       preexec_fn=lambda: drop(account, no_new_privileges=True))


def remove_everything_of(account: Account) -> None:
    """Remove what ``account`` may have left on the machine besides processes, before the account goes to
    another worker: its files in :data:`SHARED_FOLDERS`, its System V IPC objects (shared memory holds
    memory no cgroup counts once its worker is gone) and its kernel keyrings. Done as the account, so
    nothing else can be touched; needed only without bubblewrap, whose folders, IPC and keyrings die with
    it. An account shared by every worker is left alone."""
    if account._lease is None:
        return
    find, ipcrm = (shutil.which(name, path="/usr/bin:/bin") for name in ("find", "ipcrm"))
    folders = [folder for folder in SHARED_FOLDERS if os.path.isdir(folder)]
    commands = ([[find, *folders, "-xdev", "-user", str(account.uid), "-delete"]] if find and folders else [])
    commands += [[ipcrm, "--all"]] if ipcrm else []

    def become():
        drop(account, no_new_privileges=True)
        if SYS_KEYCTL is not None:
            for keyring in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING):
                _libc().syscall(SYS_KEYCTL, KEYCTL_CLEAR, keyring)

    for command in commands:
        try:
            subprocess.run(command, cwd="/", env={}, capture_output=True, timeout=60, preexec_fn=become)
        except (OSError, subprocess.SubprocessError):
            pass


def drop(account: Account, no_new_privileges: bool) -> None:
    """Become ``account`` for good: no supplementary group, every uid and gid replaced, hence no capability.

    Runs in the worker's process between fork and exec. ``no_new_privileges`` also stops any later
    program from gaining privileges (setuid binaries, file capabilities); bubblewrap sets it itself.
    """
    if no_new_privileges and _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    os.setgroups([])
    os.setresgid(account.gid, account.gid, account.gid)
    os.setresuid(account.uid, account.uid, account.uid)
    if os.getuid() == 0 or os.geteuid() == 0 or os.getgroups():
        raise PrivilegeError("the worker kept root's ids after dropping them")


def grant(folder: Path, account: Account) -> None:
    """Let ``account`` (and nobody else) read the staged submission ``folder``: it and its parent belong to
    the account's group, folders ``rwxr-x---``, files ``rw-r-----``."""
    os.chown(folder.parent, 0, account.gid)
    os.chmod(folder.parent, 0o750)
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, 0, account.gid)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)


def protect(paths: tuple[Path, ...]) -> None:
    """Take every permission of other users from ``paths`` (folders are then not even entered)."""
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if not stat.S_ISLNK(mode) and mode & 0o007:
            os.chmod(path, stat.S_IMODE(mode) & ~0o007)


def readable_by_others(path: Path) -> bool:
    """Whether a user of no group of ``path``'s can read it (every folder above entered, the path itself read)."""
    path = Path(os.path.realpath(path))
    try:
        if any(not p.stat().st_mode & stat.S_IXOTH for p in path.parents):
            return False
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


@dataclass(frozen=True)
class Reach:
    """How a worker's account reaches runtime folders below folders it may not enter.

    ``covers`` maps each such top-most folder to the needed folders below it. In a mount
    namespace of the worker's own, each is bound aside (to a folder of ``hold``), covered by an
    empty tmpfs, and the needed folders are bound back at their own paths, so their paths do not
    change (a Python's library path is often absolute). The host's mounts are never touched.
    """

    covers: tuple[tuple[Path, tuple[Path, ...]], ...] = ()

    @classmethod
    def plan(cls, needed: list[Path]) -> "Reach":
        """The covers that make ``needed`` (folders readable by others themselves) reachable by any user."""
        closed: dict[Path, list[Path]] = {}
        for path in (Path(os.path.realpath(p)) for p in needed):
            shut = [p for p in reversed(path.parents) if not p.stat().st_mode & stat.S_IXOTH]
            if shut:
                closed.setdefault(shut[0], []).append(path)
        merged: dict[Path, list[Path]] = {}
        for top in sorted(closed, key=lambda p: len(p.parts)):
            outer = next((t for t in merged if top.is_relative_to(t)), top)
            merged.setdefault(outer, []).extend(closed[top])
        return cls(tuple((top, tuple(dict.fromkeys(paths))) for top, paths in merged.items()))

    def prepare(self, hold: Path) -> None:
        """Create the folders the covers are bound aside to (in the grader, before the fork)."""
        _libc()
        for k in range(len(self.covers)):
            (hold / str(k)).mkdir(mode=0o700, parents=True, exist_ok=True)

    def apply(self, hold: Path) -> None:
        """Make the covers in a new mount namespace (runs as root in the worker's process before exec)."""
        libc = _libc()
        if libc.unshare(CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        _mount(None, Path("/"), None, MS_REC | MS_PRIVATE)
        for k, (top, paths) in enumerate(self.covers):
            aside = hold / str(k)
            _mount(top, aside, None, MS_BIND | MS_REC)
            _mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
            for path in paths:
                path.mkdir(mode=0o755, parents=True, exist_ok=True)
                _mount(aside / path.relative_to(top), path, None, MS_BIND | MS_REC)
            if libc.umount2(str(aside).encode(), MNT_DETACH) != 0:
                raise OSError(ctypes.get_errno(), f"umount {aside}")


def _mount(source, target: Path, fstype, flags: int, data: str | None = None) -> None:
    encode = lambda value: None if value is None else str(value).encode()  # noqa: E731
    if _libc().mount(encode(source), encode(target), encode(fstype), flags, encode(data)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC
