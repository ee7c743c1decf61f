"""Throughput of ``autograder batch`` locally and on a 2-worker Dask cluster on 127.0.0.1, and the per-task overhead.

Run: ``python benchmarks/cluster_speed.py [--students 24]``. One generated class (the mix of
``batch_speed.py``: correct, buggy and faulty submissions) is graded twice on this machine, in one
run: by the local pool (``--jobs 2``) and by a Dask cluster of one ``dask scheduler`` and two
``dask worker --nthreads 1`` processes (started here, the same way the tests start theirs), both
from a cold start (the cluster's worker processes start before the timing, the pool's inside it).
It prints submissions per minute for each and their ratio, then the overhead of one task: the
round trip of an empty task through the scheduler, the client's own work per submission (reading
it into a pack, writing its two files), and the difference of the two batches per submission.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from batch_speed import make_class  # noqa: E402
from builders import dask_cluster  # noqa: E402

from autograder.integrations.batch import envelope, error_result, run_batch  # noqa: E402
from autograder.integrations.cluster import resource_name  # noqa: E402
from autograder.integrations.packing import pack_submission  # noqa: E402
from autograder.reports._files import atomic_write_text  # noqa: E402


def empty_task_seconds(address: str, tasks: int = 100) -> float:
    """Median round trip of an empty grading-slot task, submitted one at a time."""
    from distributed import Client

    times = []
    with Client(address, set_as_default=False) as client:
        for k in range(tasks):
            start = time.perf_counter()
            client.submit(int, k, resources={resource_name(): 1}, pure=False).result()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def client_seconds(classroom: Path, out: Path) -> float:
    """The client's work per submission: reading it into a pack and writing a report and a page."""
    submissions = sorted(classroom.iterdir())
    start = time.perf_counter()
    for path in submissions:
        pack = pack_submission(path)
        data = envelope(error_result(path.name, "x", ("conv",)), {"content_hash": pack.content_hash})
        atomic_write_text(out / path.name / "feedback.html", data["feedback_html"])
        atomic_write_text(out / path.name / "report.json", str(data["report"]))
    return (time.perf_counter() - start) / len(submissions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        classroom = tmp / "class"
        classroom.mkdir()
        kinds = make_class(classroom, args.students)
        local = run_batch(classroom, tmp / "local", jobs=2)
        with dask_cluster(tmp / "dask", workers=2) as cluster:
            remote = run_batch(classroom, tmp / "remote", scheduler=cluster.address)
            empty = empty_task_seconds(cluster.address)
        client = client_seconds(classroom, tmp / "client")
    local_rate, remote_rate = (s.graded / s.seconds * 60 for s in (local, remote))
    print(f"class: {args.students} submissions ({kinds['correct']} correct, {kinds['buggy']} buggy, "
          f"{kinds['faulty']} faulty)")
    print(f"local pool, 2 processes:  {local.seconds:6.1f} s, {local_rate:5.1f} submissions/min")
    print(f"dask, 2 workers:          {remote.seconds:6.1f} s, {remote_rate:5.1f} submissions/min "
          f"({remote_rate / local_rate:.2f}x the local pool)")
    print(f"per task: empty task round trip {empty * 1000:.1f} ms; client pack + write {client * 1000:.1f} ms; "
          f"cluster minus local {(remote.seconds - local.seconds) / args.students * 1000:+.0f} ms per submission")


if __name__ == "__main__":
    main()
