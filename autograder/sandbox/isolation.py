"""How the worker process is started: the sandbox, the account it runs as, its limits and its environment.

Where bubblewrap (``bwrap``) works, the worker runs in fresh namespaces (a user namespace where
it is uid 1000 without capabilities, no network, its own process tree that dies with the
grader, a private ``/tmp``) and sees only the Python runtime, numpy, the two worker files and
the submission, read-only; ``/proc/sys`` and the like belong to a root it is not. bubblewrap's
own arguments go through a file descriptor, so no host path shows in the sandbox's
``/proc/1/cmdline``. Everywhere, the worker

- runs as an unprivileged account of its own when the grader runs as root
  (:mod:`~autograder.sandbox.privileges`), never as root;
- gets a cgroup of its own where the machine offers one (:mod:`~autograder.sandbox.cgroups`):
  memory (shared memory and children included), CPU and processes for everything it starts;
- gets resource limits per process (address space, CPU time, file size, open files; processes
  through ``RLIMIT_NPROC`` when no pids cgroup is used), an empty environment and a process
  group of its own that is killed as a whole.

:attr:`Sandbox.description` says which of these held; every report shows it.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from autograder.results import UNSANDBOXED
from autograder.sandbox import cgroups
from autograder.sandbox.cgroups import Cgroup
from autograder.sandbox.privileges import (SANDBOX_GID, SANDBOX_UID, Account, PrivilegeError, Reach, candidate_ids,
                                           drop, grant, kill_everything_of, lease, protect, readable_by_others,
                                           remove_everything_of, running_as_root)

WORKER_DIR = Path(__file__).resolve().parent / "worker"
NO_SANDBOX_ENV = "AUTOGRADER_NO_SANDBOX"
"""Set to 1 to grade without bubblewrap even where it works (the worker still runs unprivileged)."""
STAGED_PREFIX = "autograder-submission-"
"""The prefix of the folders :func:`~autograder.sandbox.staging.stage` stages submissions in."""


class SandboxError(RuntimeError):
    """The sandbox cannot run a worker on this machine; the message says why and how to fix it."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker.

    Attributes
    ----------
    call_seconds : float
        Wall-clock time one call may take.
    submission_seconds : float
        Wall-clock time a submission may take, staging and every call together.
    memory_bytes : int
        Address space of each of the worker's processes and, where a memory cgroup is used, the
        memory of the worker and everything it starts together (shared memory and tmpfs included).
    cpus : float or None
        CPU cores the worker and its children may use together, with a cpu cgroup; None: no cap, but
        still an equal share against every other worker, however many processes each one runs.
    cpu_seconds : int
        CPU time of each worker process over its whole life.
    file_bytes : int
        Largest file the worker may write.
    open_files : int
    processes : int
        Processes and threads the worker may run at once.
    """

    call_seconds: float = 10.0
    submission_seconds: float = 120.0
    memory_bytes: int = 2 * 2**30
    cpus: float | None = None
    cpu_seconds: int = 300
    file_bytes: int = 16 * 2**20
    open_files: int = 256
    processes: int = 64


@dataclass
class Started:
    """A started worker and what it holds: its cgroup, its scratch folder, its account."""

    process: subprocess.Popen
    cgroup: Cgroup | None
    scratch: tempfile.TemporaryDirectory
    account: Account | None = None
    unsandboxed: bool = False
    released: bool = field(default=False, repr=False)

    def release(self) -> None:
        """Kill what is left in the cgroup, remove what the account left without bubblewrap, give the account
        back, remove the scratch folder (once)."""
        if self.released:
            return
        self.released = True
        if self.cgroup is not None:
            self.cgroup.kill_all()
        if self.account is not None:
            kill_everything_of(self.account)
            if self.unsandboxed:
                remove_everything_of(self.account)
            self.account.release()
        self.scratch.cleanup()


def _bwrap_argv_probe(path: str) -> list[str]:
    return [path, "--unshare-all", "--unshare-user", *(["--disable-userns"] if _bwrap_knows(path, "--disable-userns")
                                                         else []),
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID), "--ro-bind", "/", "/", "--die-with-parent", "true"]


@functools.lru_cache(maxsize=1)
def bubblewrap() -> str | None:
    """The path of a working ``bwrap``, or None when it is missing or cannot create namespaces here.

    It is tried as the worker would run it: as an unprivileged account when the grader runs as root.
    """
    path = shutil.which("bwrap")
    if path is None or os.environ.get(NO_SANDBOX_ENV) == "1":
        return None
    return path if bubblewrap_probe(path)[0] else None


def bubblewrap_probe(path: str) -> tuple[bool, str]:
    """Whether ``bwrap`` at ``path`` creates its namespaces as the worker's account, and what it said."""
    account = lease() if running_as_root() else None
    try:
        probe = subprocess.run(_bwrap_argv_probe(path), capture_output=True, timeout=30, cwd="/",
                               preexec_fn=(lambda: drop(account, no_new_privileges=False)) if account else None)
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error)
    finally:
        if account:
            account.release()
    return probe.returncode == 0, probe.stderr.decode(errors="replace").strip()


def _bwrap_knows(path: str, option: str) -> bool:
    """Whether this bubblewrap has ``option`` (``--size`` and ``--disable-userns`` came in 0.8)."""
    return option in _bwrap_help(path)


@functools.lru_cache(maxsize=4)
def _bwrap_help(path: str) -> str:
    return subprocess.run([path, "--help"], capture_output=True, text=True).stdout


class Sandbox:
    """Builds the worker's command line and starts it with its account and its limits.

    Parameters
    ----------
    limits : Limits
    use_bubblewrap : bool or None
        None picks bubblewrap whenever it works on this machine.

    Raises
    ------
    SandboxError
        When bubblewrap was requested and does not work, or the worker cannot be run unprivileged
        here (``autograder doctor`` says why).
    """

    def __init__(self, limits: Limits | None = None, use_bubblewrap: bool | None = None):
        self.limits = limits or Limits()
        self.bwrap = bubblewrap() if use_bubblewrap in (None, True) else None
        if use_bubblewrap and self.bwrap is None:
            raise SandboxError("bubblewrap was requested but `bwrap` is missing or cannot create namespaces here "
                               "(run `autograder doctor`)")
        self.python = os.path.realpath(sys.executable)
        self.numpy_dir = Path(numpy.__file__).resolve().parent
        self.cgroups = cgroups.support()
        self.root = running_as_root()
        self.reach = _reach(self.runtime_paths()) if self.root else Reach()
        self.description = self._describe()

    def runtime_paths(self) -> list[Path]:
        """The folders the worker's account must read: the Python runtime, numpy, the worker's files."""
        return [Path(sys.base_prefix).resolve(), Path(self.python).parent, *self._numpy_packages(), WORKER_DIR]

    def start(self, submission_dir: Path, forbidden: tuple[str, ...] = (), private: tuple[Path, ...] = ()) -> Started:
        """Start a worker on ``submission_dir`` that refuses to import ``forbidden``.

        ``private`` are the course's files the worker must never read (the reference, the rubrics,
        the secret's key file ...): when there is no bubblewrap, they are taken from other users.
        """
        submission_dir = Path(submission_dir)
        scratch = tempfile.TemporaryDirectory(prefix="autograder-worker-")
        home = Path(scratch.name)
        account = lease() if self.root else None
        cgroup = None
        try:
            if account is not None:
                self._hand_over(submission_dir, home, account, private)
                home = home / "home"
            if self.cgroups.version:
                cgroup = Cgroup(self.limits.memory_bytes, self.limits.cpus, self.limits.processes, self.cgroups)
            if self.bwrap:
                modules = _module_files(submission_dir)
                arguments = _arguments_file(self._bwrap_options(submission_dir, modules))
                argv = [self.bwrap, "--args", str(arguments), *self._worker_argv()]
                pass_fds = [arguments, *(fd for fd, _ in modules or ())]
            else:
                argv, pass_fds = self._plain_argv(submission_dir, Path(scratch.name), forbidden), []
            if self.bwrap:
                argv += ["--forbid", *forbidden]
            hold = Path(scratch.name) / "hold"
            self.reach.prepare(hold)
            setup = functools.partial(_child_setup, self.limits, cgroup, self.reach, hold, account,
                                      self.bwrap is None)
            process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       cwd=home, env=self._environment("/tmp" if self.bwrap else str(home)),
                                       close_fds=True, pass_fds=pass_fds, start_new_session=True, preexec_fn=setup)
            for fd in pass_fds:
                os.close(fd)
        except BaseException:
            Started(None, cgroup, scratch, account, unsandboxed=self.bwrap is None).release()
            raise
        return Started(process, cgroup, scratch, account, unsandboxed=self.bwrap is None)

    def _hand_over(self, submission: Path, scratch: Path, account: Account, private: tuple[Path, ...]) -> None:
        """Let ``account`` read the submission and own a home folder; without bubblewrap, hide ``private``."""
        if submission.parent.name.startswith(STAGED_PREFIX):
            grant(submission, account)
        elif not readable_by_others(submission):
            raise SandboxError(f"{submission}: the worker's account cannot read it; grade a staged submission "
                               f"(autograder.sandbox.staging.stage)")
        scratch.chmod(0o711)
        home = scratch / "home"
        home.mkdir(mode=0o700)
        os.chown(home, account.uid, account.gid)
        if not self.bwrap:
            protect(private)

    def _worker_argv(self, submission: str = "/sandbox/submission", site: str = "/sandbox/site",
                     worker: str = "/sandbox/worker") -> list[str]:
        return [self.python, "-I", "-S", "-B", f"{worker}/worker.py", "--submission", submission, "--site", site]

    def _plain_argv(self, submission: Path, scratch: Path, forbidden: tuple[str, ...]) -> list[str]:
        site = scratch / "site"
        site.mkdir()
        site.chmod(0o755)
        for package in self._numpy_packages():
            (site / package.name).symlink_to(package)
        return self._worker_argv(str(submission), str(site), str(WORKER_DIR)) + ["--forbid", *forbidden]

    def _bwrap_options(self, submission: Path, modules: list[tuple[int, str]] | None = None) -> list[str]:
        """bubblewrap's options (everything before the command), passed through a file descriptor.

        ``modules`` are the submission's files, open (see :func:`_module_files`): each is copied into the
        sandbox, so that no host path of the submission shows in its mount table; None binds the folder.
        """
        prefix = Path(sys.base_prefix).resolve()
        argv = ["--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID),
                "--hostname", "sandbox", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if _bwrap_knows(self.bwrap, "--disable-userns"):
            argv.append("--disable-userns")
        argv += ["--ro-bind", "/usr", "/usr"]
        for name in ("lib", "lib64", "bin", "sbin"):
            path = Path("/") / name
            if path.is_symlink():
                argv += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                argv += ["--ro-bind", str(path), str(path)]
        if not str(prefix).startswith("/usr/"):
            argv += ["--ro-bind", str(prefix), str(prefix)]
        if not Path(self.python).is_relative_to(prefix) and not self.python.startswith("/usr/"):
            argv += ["--ro-bind", str(Path(self.python).parent), str(Path(self.python).parent)]
        for site_packages in prefix.glob("lib/python3*/site-packages"):
            # Hide the grader's packages behind an empty tmpfs, read-only: tmpfs pages are shared memory
            # that RLIMIT_AS does not count, so every writable tmpfs must be bounded.
            argv += ["--tmpfs", str(site_packages), "--remount-ro", str(site_packages)]
        for package in self._numpy_packages():
            argv += ["--ro-bind", str(package), f"/sandbox/site/{package.name}"]
        argv += ["--ro-bind", str(WORKER_DIR / "worker.py"), "/sandbox/worker/worker.py",
                 "--ro-bind", str(WORKER_DIR / "wire.py"), "/sandbox/worker/wire.py",
                 *(["--ro-bind", str(submission), "/sandbox/submission"] if modules is None else
                   ["--dir", "/sandbox/submission",
                    *(a for fd, name in modules for a in ("--ro-bind-data", str(fd), f"/sandbox/submission/{name}"))]),
                 "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                 "--proc", "/proc", "--dev", "/dev"]
        size = ["--size", str(self.limits.file_bytes * 4)] if _bwrap_knows(self.bwrap, "--size") else []
        argv += [*size, "--tmpfs", "/tmp", *size, "--tmpfs", "/dev/shm", "--chdir", "/tmp"]
        # bubblewrap's root (``/``, ``/sandbox``) and ``--dev`` are unbounded tmpfs: once the mounts are in
        # place, make them read-only (not recursive), so only the bounded /tmp and /dev/shm take writes.
        return argv + ["--remount-ro", "/dev", "--remount-ro", "/"]

    def _numpy_packages(self) -> list[Path]:
        """numpy's package folder and, where the wheel has one, its bundled libraries."""
        libs = self.numpy_dir.parent / "numpy.libs"
        return [self.numpy_dir] + ([libs] if libs.is_dir() else [])

    @staticmethod
    def _environment(home: str) -> dict[str, str]:
        return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

    def _describe(self) -> str:
        """One paragraph, for reports, on how a submission is isolated and which limits are enforced."""
        limits, found = self.limits, self.cgroups
        if self.root:
            ids = candidate_ids()
            who = f"as an unprivileged user (host uid {ids.start}{'+' if len(ids) > 1 else ''})"
        else:
            who = "as an unprivileged user" if self.bwrap else "as the user running the grader"
        enforced = cgroups.describe(found.version, found.controllers, limits.memory_bytes, limits.cpus,
                                    limits.processes) if found.version else []
        if "pids" not in found.controllers:
            enforced.append(f"{limits.processes} processes (RLIMIT_NPROC)")
        enforced += [f"per process: address space {cgroups._size(limits.memory_bytes)}, CPU time "
                     f"{limits.cpu_seconds} s, files up to {cgroups._size(limits.file_bytes)}"]
        limits_text = "Limits enforced: " + "; ".join(enforced) + "."
        if self.bwrap:
            return f"Sandboxed with bubblewrap {who}: no capabilities, no network, submission read-only. {limits_text}"
        hidden = (" The course's private files and the secret were made unreadable to it." if self.root else "")
        return (f"{UNSANDBOXED}: bubblewrap is not available here, so the submission ran as a separate process {who}, "
                f"able to read the files that user can read.{hidden} {limits_text} Official grades use the sandbox.")


def _reach(paths: list[Path]) -> Reach:
    """How the worker's account reaches ``paths`` (checked once: a plan that cannot work raises SandboxError)."""
    unreadable = [str(p) for p in paths if not _readable_itself(p)]
    if unreadable:
        raise SandboxError(f"the worker runs as an unprivileged user, who cannot read {', '.join(unreadable)}: make "
                           f"them readable by other users (chmod -R o+rX), or install Python and numpy where they are")
    reach = Reach.plan(paths)
    if reach.covers:
        _check_reach(reach)
    return reach


def _readable_itself(path: Path) -> bool:
    mode = Path(path).stat().st_mode
    return bool(mode & 0o004) and bool(mode & 0o001)


@functools.lru_cache(maxsize=4)
def _check_reach(reach: Reach) -> None:
    """Run the Python runtime once as a worker's account through ``reach``, or raise SandboxError."""
    account = lease()
    with tempfile.TemporaryDirectory(prefix="autograder-reach-") as scratch:
        hold = Path(scratch) / "hold"
        reach.prepare(hold)

        def setup():
            reach.apply(hold)
            drop(account, no_new_privileges=True)

        numpy_parent = str(Path(numpy.__file__).resolve().parent.parent)
        try:
            done = subprocess.run([os.path.realpath(sys.executable), "-I", "-S", "-c",
                                   "import sys; sys.path[:0] = sys.argv[1:]; import numpy", numpy_parent],
                                  cwd="/", env={"PATH": "/usr/bin:/bin"}, capture_output=True, timeout=60,
                                  preexec_fn=setup)
            ok, said = done.returncode == 0, done.stderr.decode(errors="replace")[-300:]
        except (OSError, subprocess.SubprocessError) as error:
            ok, said = False, str(error)
        finally:
            account.release()
    if not ok:
        tops = ", ".join(str(top) for top, _ in reach.covers)
        raise SandboxError(f"the worker runs as an unprivileged user, who cannot enter {tops}, and no private mount "
                           f"namespace could be made to reach the Python runtime below it ({said.strip()}): install "
                           f"Python where other users can read it (/usr, /opt), or allow them in: chmod o+x {tops}")


def _module_files(submission: Path) -> list[tuple[int, str]] | None:
    """The files of a staged (flat) submission folder, each open for reading, with its name; None when the
    folder holds anything but plain files (then it is bound as it is)."""
    entries = list(os.scandir(submission))
    if not all(entry.is_file(follow_symlinks=False) for entry in entries):
        return None
    return [(os.open(entry.path, os.O_RDONLY | os.O_CLOEXEC), entry.name) for entry in sorted(entries, key=lambda e: e.name)]


def _arguments_file(arguments: list[str]) -> int:
    """A file descriptor holding ``arguments`` NUL-separated, read from its start (bubblewrap's ``--args``)."""
    fd = os.memfd_create("bwrap-arguments", 0)
    os.write(fd, b"".join(argument.encode() + b"\0" for argument in arguments))
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _child_setup(limits: Limits, cgroup: Cgroup | None, reach: Reach, hold: Path, account: Account | None,
                 plain: bool) -> None:
    """Runs in the worker's process between fork and exec: join the cgroup, set the limits, become the account."""
    if cgroup is not None:
        cgroup.enter()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if cgroup is None or "pids" not in cgroup.controllers:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    if account is not None:
        if reach.covers:
            reach.apply(hold)
        drop(account, no_new_privileges=plain)


__all__ = ["Limits", "PrivilegeError", "Sandbox", "SandboxError", "Started", "bubblewrap"]
