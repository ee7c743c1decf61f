"""A control group per worker: memory, CPU and processes counted for the worker and all it starts.

A worker gets a cgroup of its own, created below the grader's own cgroup (so any limit a
container or a batch system puts on the grader still holds), that bounds

- **memory**: every page the worker and its children use, shared memory and tmpfs pages
  included (``memory.max``, or ``memory.limit_in_bytes`` in v1), with no swap beyond it;
- **CPU**: an equal share against every other worker, however many processes each runs (the
  cgroup's default weight), and optionally a quota of cores over a 100 ms period (``cpu.max``, or
  ``cpu.cfs_quota_us`` in v1);
- **processes**: how many may run at once (``pids.max``).

cgroup v2 is used where the grader's cgroup can hand those controllers to a child (the unified
hierarchy lists them and they are, or can be, enabled in its ``cgroup.subtree_control``); else
cgroup v1, one hierarchy per controller (``/sys/fs/cgroup/memory`` ...). Creating cgroups needs
write access to the grader's cgroup: in practice, running as root. :func:`support` says what
this machine offers, and why not; the worker's cgroup is killed as a whole and removed after it.
"""

from __future__ import annotations

import functools
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

CONTROLLERS = ("memory", "cpu", "pids")
PERIOD_US = 100_000
"""The CPU quota's period, in microseconds (the kernel's default)."""
PREFIX = "autograder-"
OPTIONAL = frozenset({"memory.memsw.limit_in_bytes", "memory.swap.max"})
"""Settings that exist only with swap (accounting) enabled; without swap there is none to bound."""
STALE_SECONDS = 600
"""Empty cgroups of this prefix older than this were left by a killed grader and are removed."""


@dataclass(frozen=True)
class Support:
    """What cgroups this machine gives the sandbox.

    Attributes
    ----------
    version : {1, 2} or None
        The hierarchy used, or None when no controller can be used.
    parents : dict
        For each usable controller, the folder the workers' cgroups are created in.
    reasons : tuple of str
        Why a controller (or cgroup v2) is not used, for ``autograder doctor``.
    """

    version: Literal[1, 2] | None
    parents: dict[str, Path] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()

    @property
    def controllers(self) -> tuple[str, ...]:
        return tuple(c for c in CONTROLLERS if c in self.parents)


@dataclass(frozen=True)
class Mount:
    """A mounted cgroup hierarchy: where it is, the cgroup path of its root, and its controllers (v1)."""

    point: Path
    root: str
    version: Literal[1, 2]
    controllers: frozenset[str] = frozenset()


def mounts(mountinfo: str) -> list[Mount]:
    """The cgroup hierarchies of ``/proc/self/mountinfo``'s text."""
    found = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        point = Path(fields[4].replace("\\040", " "))
        if tail[0] == "cgroup2":
            found.append(Mount(point, fields[3], 2))
        else:
            options = set(tail[2].split(","))
            found.append(Mount(point, fields[3], 1, frozenset(options & set(CONTROLLERS))))
    return found


def own_cgroups(proc_cgroup: str) -> dict[str, str]:
    """The grader's cgroup path in each hierarchy, from ``/proc/self/cgroup``'s text: ``{"memory": "/a/b",
    ..., "": "/c"}`` (the empty key is cgroup v2)."""
    paths = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                paths[controller] = parts[2]
    return paths


def _below(mount: Mount, path: str) -> Path:
    """The folder of the cgroup ``path`` in the hierarchy mounted at ``mount``."""
    root = mount.root.rstrip("/")
    inside = path[len(root):] if root and path.startswith(root) else ("" if root else path)
    return mount.point / inside.lstrip("/")


def find_support(mountinfo: str, proc_cgroup: str, can_write=lambda path: os.access(path, os.W_OK)) -> Support:
    """What cgroups the grader can give its workers, from its mount table and its cgroups."""
    own, reasons = own_cgroups(proc_cgroup), []
    hierarchies = mounts(mountinfo)
    for mount in (m for m in hierarchies if m.version == 2):
        parent = _below(mount, own.get("", "/"))
        support = _v2(parent, reasons, can_write)
        if support is not None:
            return support
    parents = {}
    for controller in CONTROLLERS:
        mount = next((m for m in hierarchies if m.version == 1 and controller in m.controllers), None)
        if mount is None:
            reasons.append(f"cgroup v1: no {controller} hierarchy is mounted")
            continue
        parent = _below(mount, own.get(controller, "/"))
        if parent.is_dir() and can_write(parent):
            parents[controller] = parent
        else:
            reasons.append(f"cgroup v1: {parent} is not writable by this user (run the grader as root)")
    return Support(1 if parents else None, parents, tuple(reasons))


def _v2(parent: Path, reasons: list[str], can_write) -> Support | None:
    try:
        available = set((parent / "cgroup.controllers").read_text().split())
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
    except OSError:
        reasons.append(f"cgroup v2: {parent} cannot be read")
        return None
    missing = [c for c in CONTROLLERS if c not in available]
    if missing:
        reasons.append(f"cgroup v2: the controllers {', '.join(missing)} are not available in {parent} "
                       f"(they are bound to cgroup v1 hierarchies, or not delegated)")
        return None
    if not can_write(parent):
        reasons.append(f"cgroup v2: {parent} is not writable by this user (run the grader as root, or delegate it)")
        return None
    for controller in (c for c in CONTROLLERS if c not in enabled):
        try:
            (parent / "cgroup.subtree_control").write_text(f"+{controller}")
        except OSError as error:
            reasons.append(f"cgroup v2: cannot enable {controller} in {parent / 'cgroup.subtree_control'} "
                           f"({error.strerror}: the grader's cgroup holds processes; run it in a cgroup of its own)")
            return None
    return Support(2, {c: parent for c in CONTROLLERS}, tuple(reasons))


@functools.lru_cache(maxsize=1)
def support() -> Support:
    """What cgroups this machine gives the sandbox (probed once per process)."""
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text()
        proc_cgroup = Path("/proc/self/cgroup").read_text()
    except OSError as error:
        return Support(None, {}, (f"cannot read the mount table or the grader's cgroups: {error}",))
    return find_support(mountinfo, proc_cgroup)


def describe(version: int, controllers: tuple[str, ...], memory_bytes: int, cpus: float | None,
             processes: int) -> list[str]:
    """The limits a cgroup of these controllers enforces, as phrases for a report."""
    cpu = "an equal CPU share with every other worker" + (f", at most {cpus:g} CPU cores" if cpus else "")
    words = {"memory": f"memory {_size(memory_bytes)} for the worker and all it starts, shared memory included",
             "cpu": cpu,
             "pids": f"{processes} processes"}
    return [f"{words[c]} (cgroup v{version})" for c in controllers]


def _size(count: int) -> str:
    return f"{count / 2**30:g} GiB" if count >= 2**30 else f"{count / 2**20:g} MiB"


class Cgroup:
    """The cgroup of one worker: created with its limits, entered by the worker before exec, killed after.

    Parameters
    ----------
    memory_bytes, cpus, processes
        The limits (see :class:`~autograder.sandbox.isolation.Limits`).
    found : Support, optional
        Default: :func:`support`.
    """

    def __init__(self, memory_bytes: int, cpus: float | None, processes: int, found: Support | None = None):
        found = found or support()
        self.version, self.controllers = found.version, found.controllers
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        self.paths: list[Path] = []
        for parent in dict.fromkeys(found.parents.values()):
            _sweep_once(parent)
            (parent / name).mkdir()
            self.paths.append(parent / name)
        try:
            settings = _v2_settings if self.version == 2 else _v1_settings
            for controller, parent in found.parents.items():
                for key, value in settings(controller, memory_bytes, cpus, processes):
                    target = parent / name / key
                    if key not in OPTIONAL or target.exists():
                        target.write_text(value)
        except OSError:
            self.remove()
            raise

    def enter(self) -> None:
        """Move the calling process into the cgroup (runs in the worker's process before exec)."""
        for path in self.paths:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self, seconds: float = 5.0) -> None:
        """Kill every process left in the cgroup until it is empty, then remove it.

        No process may start in it any more first, so that a fork bomb cannot refill it while it is killed.
        """
        deadline = time.monotonic() + seconds
        for path in self.paths:
            if (path / "pids.max").exists():
                try:
                    (path / "pids.max").write_text("0")
                except OSError:
                    pass
        while self.paths and time.monotonic() < deadline:
            if self.version == 2 and (self.paths[0] / "cgroup.kill").exists():
                try:
                    (self.paths[0] / "cgroup.kill").write_text("1")
                except OSError:
                    pass
            pids = set()
            for path in self.paths:
                try:
                    pids |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            if not pids:
                self.remove()
            else:
                time.sleep(0.01)

    def remove(self) -> None:
        """Remove the cgroup's folders that are empty."""
        for path in list(self.paths):
            try:
                path.rmdir()
                self.paths.remove(path)
            except FileNotFoundError:
                self.paths.remove(path)
            except OSError:
                pass


def _v1_settings(controller: str, memory_bytes: int, cpus: float | None, processes: int) -> list[tuple[str, str]]:
    if controller == "memory":
        # memsw (memory plus swap) exists only with swap accounting; set after the memory limit it must exceed.
        return [("memory.limit_in_bytes", str(memory_bytes)), ("memory.memsw.limit_in_bytes", str(memory_bytes))]
    if controller == "cpu":
        return [("cpu.cfs_period_us", str(PERIOD_US)), ("cpu.cfs_quota_us", str(int(cpus * PERIOD_US)))] if cpus else []
    return [("pids.max", str(processes))]


def _v2_settings(controller: str, memory_bytes: int, cpus: float | None, processes: int) -> list[tuple[str, str]]:
    if controller == "memory":
        return [("memory.max", str(memory_bytes)), ("memory.swap.max", "0")]
    if controller == "cpu":
        return [("cpu.max", f"{int(cpus * PERIOD_US)} {PERIOD_US}")] if cpus else []
    return [("pids.max", str(processes))]


@functools.lru_cache(maxsize=None)
def _sweep_once(parent: Path) -> None:
    """Remove the empty cgroups, older than :data:`STALE_SECONDS`, that killed graders left in ``parent``."""
    for path in parent.glob(f"{PREFIX}*"):
        try:
            if path.stat().st_mtime < time.time() - STALE_SECONDS and not (path / "cgroup.procs").read_text().strip():
                path.rmdir()
        except OSError:
            pass
