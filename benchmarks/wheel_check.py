"""The wheel, installed outside the checkout, grades exactly as the checkout does.

    .venv/bin/python benchmarks/wheel_check.py [--work DIR]

Builds the wheel from the checkout's files (tracked and untracked, not ignored: what a commit
would hold), installs it with ``--no-deps`` into a fresh virtual environment outside the
checkout, lends that environment the checkout's dependencies through a ``.pth`` file (a path
line: it adds the checkout's site-packages without running the ``.pth`` files inside it, so
the checkout's editable install stays inactive), then grades every sample of every registered
lab (``submissions/<lab>/``) with the installed ``grader`` and with the checkout's, from a
folder outside the checkout, and compares the two ``results.json`` once normalised
(:func:`normalised`). Prints per lab ``N submissions, identical: M``; exits 1 on any
difference. ``tests/test_wheel.py`` runs the same on a few samples per lab.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
# keys whose values depend on when, how fast or by which installation a batch was graded
VOLATILE_KEYS = frozenset({"duration_s", "meta", "grader_version"})


def normalised(document: dict) -> dict:
    """A ``results.json`` document without what legitimately differs between two gradings of
    the same files: timings, ``meta`` (timestamps, jobs), the grader's version; each
    submission's ``file`` is reduced to its name (the folders differ)."""

    def strip(value):
        if isinstance(value, dict):
            return {
                k: (Path(v).name if k == "file" and isinstance(v, str) else strip(v))
                for k, v in value.items()
                if k not in VOLATILE_KEYS
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(document)


def checkout_files() -> list[Path]:
    """The checkout's files a commit would hold (tracked, and untracked but not ignored), relative."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=CHECKOUT,
            capture_output=True,
            check=True,
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    return [Path(p) for p in listed if p and (CHECKOUT / p).is_file()]


def build_wheel(work: Path) -> Path:
    """Build the wheel from a copy of the checkout's files (so no stale ``build/`` output of the
    checkout can slip into it); return the wheel's path."""
    source = work / "source"
    for relative in checkout_files():
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CHECKOUT / relative, target)
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(source), "-w", str(dist)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("grader-*.whl")
    return wheel


def install_wheel(wheel: Path, venv: Path) -> Path:
    """A fresh venv at ``venv`` with only ``wheel`` installed in it and the checkout's
    dependencies on its path (a ``.pth`` path line); return its ``bin`` folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site_packages / "checkout_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv / "bin"


def installed_location(bin_dir: Path, module: str) -> Path:
    """Where the venv's python imports ``module`` from."""
    code = f"import {module}, pathlib; print(pathlib.Path({module}.__file__).resolve())"
    return Path(
        subprocess.run(
            [str(bin_dir / "python"), "-c", code], check=True, capture_output=True, text=True, cwd=bin_dir
        ).stdout.strip()
    )


def grade(grader: Path, lab: str, files: list[Path], out: Path) -> dict:
    """``grader grade FILES --lab LAB`` run from ``out``'s parent (outside the checkout); the
    normalised ``results.json``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    run = subprocess.run(
        [str(grader), "grade", *map(str, files), "--lab", lab, "--out", str(out)],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1):  # 1: some submission did not grade; the comparison says which
        raise RuntimeError(f"{grader} grade --lab {lab} exited {run.returncode}:\n{run.stderr[-4000:]}")
    return normalised(json.loads((out / "results.json").read_text(encoding="utf-8")))


def registered_labs(grader: Path) -> list[str]:
    """The lab ids ``grader labs`` lists (its first column)."""
    listing = subprocess.run([str(grader), "labs"], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in listing.splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", type=Path, help="folder for the wheel, the venv and the reports (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="wheel_check_"))
    bin_dir = install_wheel(build_wheel(work), work / "venv")
    for module in ("grader", "reference"):
        location = installed_location(bin_dir, module)
        if (work / "venv") not in location.parents:
            print(f"{module} is imported from {location}, not from the installed wheel in {work / 'venv'}")
            return 1
    checkout_grader = Path(sys.executable).parent / "grader"
    different = 0
    for lab in registered_labs(bin_dir / "grader"):
        files = sorted((CHECKOUT / "submissions" / lab).glob("*.ipynb"))
        installed = grade(bin_dir / "grader", lab, files, work / "installed" / lab)
        checkout = grade(checkout_grader, lab, files, work / "checkout" / lab)
        pairs = list(zip(installed["submissions"], checkout["submissions"]))
        same = sum(a == b for a, b in pairs)
        rest_same = {k: v for k, v in installed.items() if k != "submissions"} == {
            k: v for k, v in checkout.items() if k != "submissions"
        }
        print(f"{lab}: {len(files)} submissions, identical: {same}")
        for a, b in pairs:
            if a != b:
                print(f"  differs: {a['student']}")
        different += (len(files) - same) + (not rest_same) + (len(installed["submissions"]) != len(files))
    print(f"reports under {work}")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
