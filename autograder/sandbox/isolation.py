"""How the worker process is started: the sandbox, the resource limits and the environment.

Where bubblewrap (``bwrap``) works, the worker runs in fresh namespaces (no network, its own
process tree that dies with the grader, a private ``/tmp``) and sees only the Python runtime,
numpy, the two worker files and the submission, read-only. Everywhere, the worker gets
resource limits (address space, CPU time, file size, open files; processes through a pids
cgroup when the grader runs as root, through ``RLIMIT_NPROC`` otherwise), an empty environment
and a process group of its own that is killed as a whole.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy


WORKER_DIR = Path(__file__).resolve().parent / "worker"
PIDS_CGROUP_ROOT = Path("/sys/fs/cgroup/pids")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker.

    Attributes
    ----------
    call_seconds : float
        Wall-clock time one call may take.
    submission_seconds : float
        Wall-clock time all the calls of one submission may take together.
    memory_bytes : int
        Address space of the worker.
    cpu_seconds : int
        CPU time of the worker over its whole life.
    file_bytes : int
        Largest file the worker may write.
    open_files : int
    processes : int
        Processes and threads the worker may run at once.
    """

    call_seconds: float = 10.0
    submission_seconds: float = 120.0
    memory_bytes: int = 2 * 2**30
    cpu_seconds: int = 300
    file_bytes: int = 16 * 2**20
    open_files: int = 256
    processes: int = 64


@functools.lru_cache(maxsize=1)
def bubblewrap() -> str | None:
    """The path of a working ``bwrap``, or None when it is missing or cannot create namespaces."""
    path = shutil.which("bwrap")
    if path is None or os.environ.get("AUTOGRADER_NO_SANDBOX") == "1":
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True, timeout=30)
    return path if probe.returncode == 0 else None


def describe_isolation(use_bubblewrap: bool) -> str:
    """One sentence, for reports, on how the submission was isolated."""
    if use_bubblewrap:
        return ("Sandboxed with bubblewrap: no network, read-only view of the submission, private /tmp, "
                "resource limits.")
    return ("NOT sandboxed: bubblewrap is not available here, so the submission ran as a separate process "
            "with resource limits only, able to read the files this user can read. Official grades use the sandbox.")


class PidsCgroup:
    """A pids cgroup (cgroup v1) that caps and later kills every process a worker starts.

    Used only when the grader runs as root, where ``RLIMIT_NPROC`` does not apply.
    """

    def __init__(self, limit: int):
        _sweep_once()
        self.path = PIDS_CGROUP_ROOT / f"autograder-{uuid.uuid4().hex[:12]}"
        self.path.mkdir()
        (self.path / "pids.max").write_text(str(limit))

    @staticmethod
    def available() -> bool:
        return os.geteuid() == 0 and os.access(PIDS_CGROUP_ROOT, os.W_OK)

    def enter(self) -> None:
        """Move the calling process into the cgroup (runs in the child before exec)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self, seconds: float = 5.0) -> None:
        """Kill every process left in the cgroup until it is empty, then remove it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                return
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            if not pids:
                try:
                    self.path.rmdir()
                    return
                except OSError:
                    pass
            time.sleep(0.01)

    @staticmethod
    def sweep() -> None:
        """Remove the empty cgroups, older than ten minutes, that killed graders left behind."""
        for path in PIDS_CGROUP_ROOT.glob("autograder-*"):
            try:
                if path.stat().st_mtime < time.time() - 600 and not (path / "cgroup.procs").read_text().strip():
                    path.rmdir()
            except OSError:
                pass


@functools.lru_cache(maxsize=1)
def _sweep_once() -> None:
    PidsCgroup.sweep()


@functools.lru_cache(maxsize=4)
def _bwrap_knows_size(path: str) -> bool:
    """Whether this bubblewrap can bound a tmpfs (``--size``, bubblewrap 0.8 and later)."""
    help_text = subprocess.run([path, "--help"], capture_output=True, text=True).stdout
    return "--size" in help_text


class Sandbox:
    """Builds the worker's command line and starts it with its limits.

    Parameters
    ----------
    limits : Limits
    use_bubblewrap : bool or None
        None picks bubblewrap whenever it works on this machine.
    """

    def __init__(self, limits: Limits | None = None, use_bubblewrap: bool | None = None):
        self.limits = limits or Limits()
        self.bwrap = bubblewrap() if use_bubblewrap in (None, True) else None
        if use_bubblewrap and self.bwrap is None:
            raise RuntimeError("bubblewrap was requested but `bwrap` is missing or cannot create namespaces here")
        self.python = os.path.realpath(sys.executable)
        self.numpy_dir = Path(numpy.__file__).resolve().parent

    @property
    def description(self) -> str:
        return describe_isolation(self.bwrap is not None)

    def start(self, submission_dir: Path, forbidden: tuple[str, ...] = ()
              ) -> tuple[subprocess.Popen, PidsCgroup | None, tempfile.TemporaryDirectory]:
        """Start a worker on ``submission_dir`` that refuses to import ``forbidden``; return it, its cgroup
        (if any) and its scratch folder."""
        scratch = tempfile.TemporaryDirectory(prefix="autograder-worker-")
        cgroup = PidsCgroup(self.limits.processes) if PidsCgroup.available() else None
        if self.bwrap:
            argv = self._bwrap_argv(Path(submission_dir), forbidden)
        else:
            argv = self._plain_argv(Path(submission_dir), Path(scratch.name), forbidden)
        process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=scratch.name, env=self._environment(scratch.name), close_fds=True,
            start_new_session=True, preexec_fn=functools.partial(_child_setup, self.limits, cgroup),
        )
        return process, cgroup, scratch

    def _worker_args(self, submission: str, site: str, worker: str, forbidden: tuple[str, ...]) -> list[str]:
        return [self.python, "-I", "-S", "-B", f"{worker}/worker.py", "--submission", submission,
                "--site", site, "--forbid", *forbidden]

    def _plain_argv(self, submission: Path, scratch: Path, forbidden: tuple[str, ...]) -> list[str]:
        site = scratch / "site"
        site.mkdir()
        for package in self._numpy_packages():
            (site / package.name).symlink_to(package)
        return self._worker_args(str(submission), str(site), str(WORKER_DIR), forbidden)

    def _bwrap_argv(self, submission: Path, forbidden: tuple[str, ...]) -> list[str]:
        prefix = Path(sys.base_prefix).resolve()
        argv = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr"]
        for name in ("lib", "lib64", "bin", "sbin"):
            path = Path("/") / name
            if path.is_symlink():
                argv += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                argv += ["--ro-bind", str(path), str(path)]
        if not str(prefix).startswith("/usr/"):
            argv += ["--ro-bind", str(prefix), str(prefix)]
        for site_packages in prefix.glob("lib/python3*/site-packages"):
            # Hide the grader's packages behind an empty tmpfs, read-only: tmpfs pages are shared memory
            # that RLIMIT_AS does not count, so every writable tmpfs must be bounded.
            argv += ["--tmpfs", str(site_packages), "--remount-ro", str(site_packages)]
        for package in self._numpy_packages():
            argv += ["--ro-bind", str(package), f"/sandbox/site/{package.name}"]
        argv += ["--ro-bind", str(WORKER_DIR / "worker.py"), "/sandbox/worker/worker.py",
                 "--ro-bind", str(WORKER_DIR / "wire.py"), "/sandbox/worker/wire.py",
                 "--ro-bind", str(submission), "/sandbox/submission",
                 "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                 "--proc", "/proc", "--dev", "/dev"]
        size = ["--size", str(self.limits.file_bytes * 4)] if _bwrap_knows_size(self.bwrap) else []
        argv += [*size, "--tmpfs", "/tmp", *size, "--tmpfs", "/dev/shm", "--chdir", "/tmp"]
        # bubblewrap's root (``/``, ``/sandbox``) and ``--dev`` are unbounded tmpfs: once the mounts are in
        # place, make them read-only (not recursive), so only the bounded /tmp and /dev/shm take writes.
        argv += ["--remount-ro", "/dev", "--remount-ro", "/"]
        return argv + self._worker_args("/sandbox/submission", "/sandbox/site", "/sandbox/worker", forbidden)

    def _numpy_packages(self) -> list[Path]:
        """numpy's package folder and, where the wheel has one, its bundled libraries."""
        libs = self.numpy_dir.parent / "numpy.libs"
        return [self.numpy_dir] + ([libs] if libs.is_dir() else [])

    @staticmethod
    def _environment(home: str) -> dict[str, str]:
        return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _child_setup(limits: Limits, cgroup: PidsCgroup | None) -> None:
    """Runs in the worker's process between fork and exec: join the cgroup, set the limits."""
    if cgroup is not None:
        cgroup.enter()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if os.geteuid() != 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
