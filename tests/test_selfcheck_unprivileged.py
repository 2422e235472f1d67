"""The self-check on a Linux laptop: an ordinary user (not root) whose desktop already runs
hundreds of threads, without bubblewrap. RLIMIT_NPROC counts every thread of the user, so the
fixed limit of 512 killed the worker there (with a fixed limit this test fails: the item is
ERROR, the worker aborted); now the limit is what the user runs plus the sandbox's budget.

As root (CI) the check runs as ``nobody`` through a small venv of Debian's world-executable
python whose ``.pth`` points at this checkout and its packages (the project's own interpreter
may sit under root's home, which nobody can enter). As another user it runs as that user."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "submissions" / "generative-tf" / "solution.ipynb"
SYSTEM_PYTHON = Path("/usr/bin/python3")
BUSY_THREADS = 600
HOLD = """
import threading, time
stop = threading.Event()
for _ in range({n}):
    threading.Thread(target=stop.wait, daemon=True).start()
print("ready", flush=True)
time.sleep(600)
"""

pytestmark = pytest.mark.slow


def _as_nobody_venv(tmp_path: Path) -> Path:
    """A venv of Debian's python whose site-packages points at the project's."""
    if not SYSTEM_PYTHON.exists() or not shutil.which("runuser"):
        pytest.skip("needs /usr/bin/python3 and runuser to run as nobody")
    version = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    if version.stdout.strip() != str(sys.version_info[:2]):
        pytest.skip(f"/usr/bin/python3 is {version.stdout.strip()}, the project's {sys.version_info[:2]}")
    venv = tmp_path / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "project.pth").write_text(f"{ROOT}\n{sysconfig.get_paths()['purelib']}\n")
    for path in [tmp_path, *tmp_path.parents]:
        if path == Path("/"):
            break
        os.chmod(path, os.stat(path).st_mode | 0o005)  # pytest's tmp folders are 0700
    return venv / "bin" / "python"


def test_an_ordinary_user_with_hundreds_of_threads_gets_the_same_verdict(tmp_path, capsys):
    assert main(["check", str(NOTEBOOK), "--lab", "generative-tf", "--item", "3.data", "--lang", "en"]) == 0
    expected = capsys.readouterr().out
    home = tmp_path / "home"
    home.mkdir()
    if os.geteuid() == 0:
        python = _as_nobody_venv(tmp_path)
        os.chown(home, 65534, 65534)
        prefix = [str(shutil.which("runuser")), "-u", "nobody", "--"]
    else:
        python, prefix = Path(sys.executable), []
    # no bubblewrap on the PATH, as on most laptops: its user namespace would give the worker a
    # fresh process count and hide the limit this test is about
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"HOME": str(home), "PATH": str(empty), "LANG": "C.UTF-8", "TF_CPP_MIN_LOG_LEVEL": "2"}
    busy = subprocess.Popen(
        [*prefix, str(python), "-c", HOLD.format(n=BUSY_THREADS)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        start_new_session=True,  # runuser's child too is killed with the group
    )
    try:
        assert busy.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        done = subprocess.run(
            [
                *prefix,
                str(python),
                "-m",
                "grader",
                "check",
                str(NOTEBOOK),
                "--lab",
                "generative-tf",
                "--item",
                "3.data",
                "--lang",
                "en",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
            timeout=300,
        )
    finally:
        os.killpg(busy.pid, signal.SIGKILL)
        busy.communicate()
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == expected
    assert "worker died" not in done.stdout and "ERRORED" not in done.stdout.upper()
