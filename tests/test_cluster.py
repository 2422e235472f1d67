"""Beyond one machine: a real Dask scheduler and two workers on 127.0.0.1 judge the batch; the
results land in the one gradebook and equal a local run's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.cli import main
from grader.errors import SchedulerUnreachable
from grader.sandbox.isolation import warm_support
from tests.factories import without_timings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"
SAMPLES = ["solution", "blank", "bez_probkowania", "beta_calosc"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    common = dict(cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes = [
        subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--dashboard-address",
                ":0",
                "--scheduler-file",
                str(scheduler_file),
            ],
            **common,
        )
    ]
    try:
        address, deadline = None, time.monotonic() + 60
        while address is None and time.monotonic() < deadline:
            try:  # the scheduler may still be writing its file
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        assert address, f"the Dask scheduler wrote no address to {scheduler_file} in 60 s"
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                    ],
                    **common,
                )
            )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_cluster_grades_like_a_local_run(cluster, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "submissions" / "vae-pyro" / f"{name}.ipynb", folder)
    remote_out, local_out = tmp_path / "remote", tmp_path / "local"
    assert (
        main(
            [
                "grade",
                str(folder),
                "--lab",
                "vae-pyro",
                "--out",
                str(remote_out),
                "--quiet",
                "--lang",
                "en",
                "--scheduler",
                cluster,
            ]
        )
        == 0
    )
    assert main(["grade", str(folder), "--lab", "vae-pyro", "--out", str(local_out), "--quiet", "--lang", "en"]) == 0
    remote = json.loads((remote_out / "results.json").read_text())
    local = json.loads((local_out / "results.json").read_text())
    assert remote["meta"]["scheduler"] == cluster
    assert without_timings(remote) == without_timings(local)
    if warm_support("auto")[0]:  # each Dask worker process started its own warm pool (a zygote subprocess)
        assert {s["environment"]["worker"]["start"] for s in remote["submissions"] if "worker" in s["environment"]} == {
            "warm"
        }
    assert sorted(s["student"] for s in remote["submissions"]) == sorted(SAMPLES)
    import sqlite3

    with sqlite3.connect(remote_out / "gradebook.db") as db:
        assert db.execute("SELECT count(*), count(DISTINCT student) FROM submissions").fetchone() == (4, 4)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("distributed")
    code = main(
        [
            "grade",
            str(ROOT / "submissions" / "vae-pyro" / "blank.ipynb"),
            "--lab",
            "vae-pyro",
            "--out",
            str(tmp_path),
            "--quiet",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ]
    )
    assert code == SchedulerUnreachable.exit_code == 7
    assert "no Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
