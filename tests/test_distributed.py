"""``autograder batch --scheduler``: a real Dask scheduler and two real worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the distributed extra: pip install -e '.[distributed]'")

from distributed import Client  # noqa: E402

from autograder.integrations.batch import run_batch  # noqa: E402
from autograder.integrations.cluster import PRELOAD, resource_name  # noqa: E402
from builders import build_class, build_submission, dask_cluster, read_gradebook  # noqa: E402

pytestmark = pytest.mark.xdist_group("dask-cluster")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask")) as processes:
        yield processes


def without_times(rows: dict[str, dict]) -> dict[str, dict]:
    return {name: {k: v for k, v in row.items() if k != "seconds"} for name, row in rows.items()}


def report(out: Path, name: str) -> dict:
    data = json.loads((out / "submissions" / name / "report.json").read_text())
    data.pop("seconds")
    return data


def final_lines(out: Path) -> dict[str, int]:
    """How many final journal lines each submission has."""
    counts: dict[str, int] = {}
    for line in (out / "journal.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry["state"] in ("graded", "error"):
            counts[entry["submission"]] = counts.get(entry["submission"], 0) + 1
    return counts


def test_a_batch_on_the_cluster_writes_the_same_gradebook_and_reports_as_the_local_batch(cluster, tmp_path):
    classroom = build_class(tmp_path / "class", students=1)
    local = run_batch(classroom, tmp_path / "local", jobs=2)
    remote = run_batch(classroom, tmp_path / "remote", scheduler=cluster.address)
    assert (remote.graded, remote.errors) == (local.graded, local.errors) == (4, 1)
    assert without_times(read_gradebook(tmp_path / "remote")) == without_times(read_gradebook(tmp_path / "local"))
    for name in ("student0", "buggy", "zipped", "garbage"):
        assert report(tmp_path / "remote", name) == report(tmp_path / "local", name)
    assert "not a readable zip" in report(tmp_path / "remote", "garbage")["reason"]


def test_a_worker_killed_with_sigkill_mid_task_costs_a_retry_and_loses_or_duplicates_nothing(cluster, tmp_path):
    classroom, out = tmp_path / "class", tmp_path / "out"
    names = [f"student{k}" for k in range(5)]
    for name in names:
        build_submission(classroom / name)
    done: dict = {}
    batch = threading.Thread(target=lambda: done.update(summary=run_batch(classroom, out, scheduler=cluster.address)))
    batch.start()
    with Client(cluster.address, set_as_default=False) as client:
        victim = busy_worker(client)
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
    batch.join(timeout=600)
    assert not batch.is_alive()
    rows = read_gradebook(out)
    assert sorted(rows) == names
    assert all(row["status"] == "graded" and row["total"] == row["max_total"] for row in rows.values()), rows
    assert final_lines(out) == dict.fromkeys(names, 1)
    assert (done["summary"].graded, done["summary"].errors) == (5, 0)


def busy_worker(client: Client, timeout: float = 300) -> str:
    """A worker that has been grading one submission for a second (so it is mid-task)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items() if any("autograder-grade" in str(k) for k in keys)]
        if busy:
            time.sleep(1.0)
            still = client.processing().get(busy[0], ())
            if any("autograder-grade" in str(k) for k in still):
                return busy[0]
        time.sleep(0.1)
    raise AssertionError("no worker started grading")


def test_the_client_killed_with_sigkill_and_run_again_resumes_where_it_stopped(cluster, tmp_path):
    classroom, out = build_class(tmp_path / "class", students=4), tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out),
               "--scheduler", cluster.address]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list(out.glob("submissions/*/report.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    graded_before = len(list(out.glob("submissions/*/report.json")))
    assert 0 < graded_before < 7
    resumed = run_batch(classroom, out, scheduler=cluster.address)
    assert resumed.skipped >= graded_before and resumed.graded + resumed.skipped == 7
    assert len(read_gradebook(out)) == 7
    assert not list(out.glob("**/.*.tmp"))
    assert set(final_lines(out).values()) == {1}


def test_a_worker_that_cannot_sandbox_says_why_stops_and_is_never_offered_work(cluster, tmp_path):
    log = tmp_path / "worker.log"
    environment = dict(os.environ, AUTOGRADER_NO_SANDBOX="1")  # bubblewrap unusable, as on a machine without it
    with open(log, "wb") as file:
        worker = subprocess.run([sys.executable, "-m", "dask", "worker", cluster.address, "--preload", PRELOAD,
                                 "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--name", "unsandboxed"],
                                stdout=file, stderr=subprocess.STDOUT, env=environment, timeout=300)
    text = log.read_text()
    assert "this worker refuses to grade: submissions would run unsandboxed here" in text
    assert f"resource {resource_name()}" not in text
    with Client(cluster.address, set_as_default=False) as client:
        names = [w.get("name") for w in client.scheduler_info(n_workers=-1)["workers"].values()]
    assert "unsandboxed" not in names
