"""``autograder batch DIR --out OUT --scheduler ADDRESS``: a batch graded on a Dask cluster.

The client (the instructor's ``autograder batch``) reads every submission into a
:class:`~autograder.integrations.packing.Pack` and submits each as one Dask task. A worker grades
it in its own machine's sandbox and returns plain data (the JSON report and the feedback page);
the client alone writes OUT, every file atomically, and keeps the journal, so a cluster that runs
a task twice still gets it written once, and a rerun after the client died resumes.

Workers are started with this module as a preload::

    dask worker tcp://scheduler:8786 --preload autograder.integrations.cluster --nthreads 1 --nworkers auto

Before a worker takes any work, the preload checks that it can sandbox (:func:`worker_problem`)
and refuses to start if it cannot; a worker that can offers the Dask resource
``autograder-<engine version>``, which every grading task requires. So only checked workers
running this very version of the grader ever receive a submission; a plain ``dask worker``, or one
with another version installed, gets none.

The course travels with the batch: the files that decide a grade and the secret of the hidden
cases, in one task every grading task depends on (recomputed by Dask if the worker holding it is
lost), unpacked once per worker process. Workers need the project installed, not the course.

Failures: a submission's own fault (a crash in its sandbox, an endless loop, a broken zip) is a
grade, returned like any other, never retried. A worker lost mid-task (killed, out of memory, its
machine gone) is infrastructure: the scheduler runs the task again on another worker, up to
``distributed.scheduler.allowed-failures`` times (3 by default); a submission whose every try
killed its worker gets an error row with the reason, and the next run tries it again.

Environment: ``AUTOGRADER_ALLOW_UNSANDBOXED=1`` on a worker lets it grade without bubblewrap
(every report then says so); never for real grades.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import os
import shutil
import socket
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from autograder.course.model import load_course
from autograder.course.rubric import load_rubrics
from autograder.integrations.batch import BatchError, GradingContext, Job, Lost, Outcome, grade_one
from autograder.integrations.packing import CoursePack, pack_course
from autograder.judge.cases import Secret

ALLOW_UNSANDBOXED = "AUTOGRADER_ALLOW_UNSANDBOXED"
PRELOAD = "autograder.integrations.cluster"
ENGINE_DIR = Path(__file__).resolve().parent.parent
logger = logging.getLogger("distributed.autograder")


class WorkerRefused(RuntimeError):
    """A worker that cannot grade (no sandbox) was handed a submission; it refused."""


def worker_problem() -> str | None:
    """Why this machine must not grade, or None when it may.

    ``autograder doctor``'s diagnosis (:func:`~autograder.sandbox.doctor.diagnose`, once per
    process: it runs a real worker in the sandbox): a worker grades only where submissions run in
    bubblewrap as an unprivileged user, unless ``AUTOGRADER_ALLOW_UNSANDBOXED=1`` says to grade
    without it.
    """
    if os.environ.get(ALLOW_UNSANDBOXED) == "1":
        return None
    diagnosis = _diagnosis()
    if diagnosis.usable:
        return None
    failed = "; ".join(f"{f.part}: {f.detail}" for f in diagnosis.findings if f.ok is False) or diagnosis.description
    return (f"submissions would run unsandboxed here ({failed}): run `autograder doctor` on this machine for the "
            f"fixes, or set {ALLOW_UNSANDBOXED}=1 to grade unsandboxed anyway (never for real grades)")


@lru_cache(maxsize=1)
def _diagnosis():
    from autograder.sandbox.doctor import diagnose

    return diagnose()


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A short hash of the grader's own files: two machines grade alike only when theirs are the same."""
    digest = hashlib.sha256()
    for path in sorted(ENGINE_DIR.rglob("*")):
        if path.suffix in (".py", ".json", ".j2") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ENGINE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def resource_name() -> str:
    """The Dask resource a checked worker of this engine version offers and every grading task needs."""
    return f"autograder-{engine_version()}"


def dask_setup(worker) -> None:
    """The worker preload: a worker that cannot sandbox (see :func:`worker_problem`) says why and shuts
    down (its nanny too), offering nothing; any other offers one grading slot per thread."""
    problem = worker_problem()
    if problem:
        logger.error("autograder: this worker refuses to grade: %s", problem)
        asyncio.get_running_loop().call_later(0.1, lambda: asyncio.ensure_future(
            worker.close(nanny=True, reason="autograder: no sandbox")))
        return
    slots = worker.state.nthreads
    worker.state.total_resources[resource_name()] = slots
    worker.state.available_resources[resource_name()] = slots
    logger.info("autograder: sandbox checked; offering %d grading slot(s) as resource %s", slots, resource_name())


# -- the worker's side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterContext:
    """What every grading task of a batch shares: the course, the exercises graded, the secret, the cells."""

    course: CoursePack
    exercises: tuple[str, ...]
    secret: Secret
    notebook_cells: str


def share(context: ClusterContext) -> ClusterContext:
    """The task that holds the batch's context on a worker (Dask runs it again if that worker is lost)."""
    return context


def grade_remote(context: ClusterContext, job: Job) -> dict:
    """Grade ``job`` on this worker: the envelope of :func:`~autograder.integrations.batch.grade_one`.

    Raises
    ------
    WorkerRefused
        When this worker cannot sandbox.
    """
    problem = worker_problem()
    if problem:
        raise WorkerRefused(f"{socket.gethostname()}: {problem}")
    return grade_one(job, _grading_context(context))


_contexts: dict[tuple, GradingContext] = {}


def _grading_context(context: ClusterContext) -> GradingContext:
    """The course of ``context`` unpacked and loaded once per worker process."""
    key = (context.course.version, context.exercises, context.notebook_cells, context.secret)
    if key not in _contexts:
        folder = Path(tempfile.mkdtemp(prefix="autograder-course-"))
        atexit.register(shutil.rmtree, folder, True)
        course = load_course(context.course.unpack(folder))
        if course.version != context.course.version:
            raise RuntimeError(f"the course unpacked on {socket.gethostname()} has version {course.version}, the "
                               f"batch's is {context.course.version}")
        _contexts[key] = GradingContext(course, load_rubrics(course, context.exercises), context.secret,
                                        context.notebook_cells)
    return _contexts[key]


# -- the client's side -----------------------------------------------------------------------------


def run_on_cluster(address: str, todo: list[Job], context: GradingContext, accept: Outcome, lost: Lost,
                   console: Console) -> None:
    """Grade ``todo`` on the Dask cluster whose scheduler is at ``address``.

    Raises
    ------
    BatchError
        When distributed is not installed, the scheduler cannot be reached, or it is lost mid-batch.
    """
    if not todo:
        return
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("--scheduler needs Dask: pip install -e \".[distributed]\"") from None
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise BatchError(f"could not reach the Dask scheduler at {address}: {error}") from None
    with client:
        _warn_without_workers(client, address, console)
        shared = ClusterContext(pack_course(context.course), tuple(r.exercise for r in context.rubrics),
                                context.secret, context.notebook_cells)
        resources, run = {resource_name(): 1}, uuid.uuid4().hex[:8]
        held = client.submit(share, shared, key=f"autograder-context-{run}", resources=resources, pure=False)
        pending, jobs, running = iter(enumerate(todo)), {}, as_completed(loop=client.loop)
        window = max(16, 4 * _slots(client))

        def submit_next() -> None:
            number, job = next(pending, (None, None))
            if job is not None:
                future = client.submit(grade_remote, held, job, key=f"autograder-grade-{run}-{number}",
                                       resources=resources, pure=False, retries=0)
                jobs[future.key] = job
                running.add(future)

        for _ in range(window):
            submit_next()
        for future in running:
            job = jobs.pop(future.key)
            _settle(future, job, accept, lost, address)
            future.release()
            submit_next()


def _settle(future, job: Job, accept: Outcome, lost: Lost, address: str) -> None:
    """Hand a finished task's result to the writer, or say why the cluster could not grade it."""
    from distributed import CancelledError, KilledWorker

    try:
        result = future.result()
    except KilledWorker as error:
        lost(job, f"could not be graded: the worker grading it died on every try (the last at "
                  f"{getattr(error.last_worker, 'address', '?')}); it may exhaust the worker's memory; the next run "
                  f"tries it again")
    except WorkerRefused as error:
        lost(job, f"could not be graded: a worker refused it: {error}")
    except CancelledError:
        raise BatchError(f"lost the Dask scheduler at {address} mid-batch; what was graded is kept: run the same "
                         f"command again to grade the rest") from None
    except Exception as error:  # the cluster, not the submission, failed (grade_one never raises for a submission)
        lost(job, f"could not be graded: the cluster failed: {type(error).__name__}: {error}")
    else:
        accept(job, result)


def _slots(client) -> int:
    """Grading slots of the cluster's checked workers of this engine version."""
    try:
        info = client.scheduler_info(n_workers=-1)  # every worker (recent distributed lists a few by default)
    except TypeError:
        info = client.scheduler_info()
    return int(sum(w.get("resources", {}).get(resource_name(), 0) for w in info.get("workers", {}).values()))


def _warn_without_workers(client, address: str, console: Console) -> None:
    if _slots(client):
        return
    console.print(f"[yellow]warning:[/yellow] no worker of the cluster at {escape(address)} offers the resource "
                  f"{resource_name()} yet, so nothing is graded until one does: start workers with `dask worker "
                  f"{escape(address)} --preload {PRELOAD} --nthreads 1` on machines with this same version of the "
                  f"grader installed and a working sandbox (see docs/cluster.md)")
