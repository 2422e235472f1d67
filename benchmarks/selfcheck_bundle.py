"""The self-check bundle, installed where the repository cannot be reached, checks exactly as the
instructor's ``grader check`` does; and how long a cold self-check takes from it.

    .venv/bin/python benchmarks/selfcheck_bundle.py [--lab LAB ...] [--cold-only] [--work DIR]

For each lab: ``grader handout LAB --selfcheck`` (built and verified by grader/bundle.py), the
two wheels installed with ``--no-deps --no-index`` into a fresh virtual environment outside the
checkout, which borrows the frameworks from the checkout's environment through a hard-linked copy
of its site-packages *without* the grader's own distribution (a ``.pth`` path line: no ``.pth``
inside it runs, so the editable install of ``grader`` and ``reference`` stays out, and no entry
point of the instructor's lab packs is seen). Then, from a folder outside the checkout with an
empty environment: ``import reference`` must fail; every sample ``submissions/<lab>/*`` (and, for
the first lab, ``submissions/broken/*``) is self-checked by the bundle's ``grader check`` and by
the checkout's, and the two outputs must be equal, character for character, in English and
Polish. Prints per lab ``N notebooks, identical: M`` and the cold self-check's time of the lab's
solution (the median of three, each a new process: imports, the sandbox, the checks); exits 1 on
any difference. ``tests/test_selfcheck_bundle.py`` runs the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
if str(CHECKOUT) not in sys.path:
    sys.path.insert(0, str(CHECKOUT))

from grader.bundle import Bundle, write_selfcheck_bundle  # noqa: E402
from grader.labs import find_lab  # noqa: E402
from grader.settings import load_settings  # noqa: E402

LABS = ("generative-tf", "vae-pyro", "autoencoders-keras")


def build(lab_name: str, out: Path) -> Bundle:
    settings = load_settings({"lang": "en"})
    return write_selfcheck_bundle(find_lab(lab_name, settings), out, settings, force=True)


def frameworks_folder() -> Path:
    """A copy, by hard links, of the checkout environment's site-packages without the grader itself
    (its distribution, whose entry points name ``reference.*``, its editable finder, every ``.pth``).
    Hard links, not symbolic ones: a sandbox under bubblewrap binds this folder, and a link into
    the checkout's ``.venv`` would point at nothing there. Kept inside ``.venv`` (one filesystem,
    made once per set-up: ``.venv/.setup-stamp`` names it)."""
    source = Path(sysconfig.get_path("purelib"))
    stamp = Path(sys.prefix) / ".setup-stamp"
    # named site-packages, as in a student's venv: the sandbox binds back the sys.path entries so named
    folder = Path(sys.prefix) / "selfcheck-frameworks" / "site-packages"
    mark = folder / ".made-for"
    wanted = stamp.read_text() if stamp.is_file() else "no stamp"
    if mark.is_file() and mark.read_text() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    entries = [
        str(entry)
        for entry in sorted(source.iterdir())
        if not entry.name.startswith(("grader-", "grader_", "__editable__")) and entry.suffix != ".pth"
    ]
    subprocess.run(["cp", "-al", *entries, str(folder)], check=True)
    mark.write_text(wanted)
    return folder


def install(bundle: Bundle, venv: Path) -> Path:
    """A fresh venv with the bundle's two wheels and nothing else of the grader; its ``bin``."""
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheels = [str(bundle.engine_wheel), str(bundle.lab_wheel)]
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*pip, "--disable-pip-version-check", *wheels], check=True, capture_output=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "frameworks.pth").write_text(f"{frameworks_folder()}\n")
    return venv / "bin"


def student_env(home: Path) -> dict[str, str]:
    """What a student's shell has: no GRADER_*, no PYTHONPATH, a HOME of their own."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2", "LANG": "C.UTF-8"}


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return f"exit {done.returncode}\n{done.stdout}" + (done.stderr if done.returncode else "")


def reaches_repository(bin_dir: Path, cwd: Path) -> list[str]:
    """What of the repository the venv's python can import or sees on its path (nothing, if sound;
    the borrowed frameworks' folder lies in the checkout's ``.venv`` but holds no grader)."""
    code = (
        "import importlib.util, sys, grader; "
        f"repo, frameworks = {str(CHECKOUT)!r}, {str(frameworks_folder())!r}; "
        "print('reference' if importlib.util.find_spec('reference') else ''); "
        "print('grader from repo' if grader.__file__.startswith(repo) else ''); "
        "print(*[p for p in sys.path if p.startswith(repo) and p != frameworks])"
    )
    out = subprocess.run(
        [str(bin_dir / "python"), "-c", code],
        cwd=cwd,
        env=student_env(cwd / "home"),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def compare(bin_dir: Path, lab: str, notebooks: list[Path], cwd: Path, lang: str) -> list[str]:
    """The notebooks whose ``grader check`` output differs between the bundle and the checkout."""
    checkout_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    checkout_grader = str(Path(sys.executable).parent / "grader")

    def pair(notebook: Path) -> tuple[Path, str, str]:
        args = ["check", str(notebook), "--lab", lab, "--lang", lang]
        bundled = run([str(bin_dir / "grader"), *args], cwd, student_env(cwd / "home"))
        return notebook, bundled, run([checkout_grader, *args], cwd, checkout_env)

    with ThreadPoolExecutor(max_workers=max(os.cpu_count() or 1, 1)) as pool:
        return [nb.name for nb, bundled, instructor in pool.map(pair, notebooks) if bundled != instructor]


def cold_seconds(bin_dir: Path, notebook: Path, cwd: Path, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run([str(bin_dir / "grader"), "check", str(notebook), "--lang", "en"], cwd, student_env(cwd / "home"))
        times.append(time.perf_counter() - start)
        if not out.startswith("exit 0\n") or "ERROR" in out:  # a fast failure is not a figure
            raise RuntimeError(f"the timed self-check of {notebook.name} did not check it:\n{out[-3000:]}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", action="append", choices=LABS, help="only these labs (default: every lab)")
    parser.add_argument("--cold-only", action="store_true", help="only the cold self-check's time")
    parser.add_argument("--work", type=Path, help="folder for the bundles and venvs (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="selfcheck_bundle_"))
    different = 0
    for index, lab in enumerate(args.lab or LABS):
        bundle = build(lab, work / lab / "bundle")
        bin_dir = install(bundle, work / lab / "venv")
        cwd = work / lab / "student"
        cwd.mkdir(parents=True, exist_ok=True)
        leaks = reaches_repository(bin_dir, cwd)
        if leaks:
            print(f"{lab}: the installed bundle reaches the repository: {leaks}")
            return 1
        solution = CHECKOUT / "submissions" / lab / "solution.ipynb"
        print(
            f"{lab}: cold self-check of {solution.name} from the bundle: {cold_seconds(bin_dir, solution, cwd):.1f} s"
        )
        if args.cold_only:
            continue
        notebooks = sorted((CHECKOUT / "submissions" / lab).iterdir())
        if index == 0:
            notebooks += sorted((CHECKOUT / "submissions" / "broken").iterdir())
        for lang in ("en", "pl"):
            differs = compare(bin_dir, lab, notebooks, cwd, lang)
            print(f"{lab} ({lang}): {len(notebooks)} notebooks, identical: {len(notebooks) - len(differs)}")
            for name in differs:
                print(f"  differs: {name}")
            different += len(differs)
    print(f"bundles and venvs under {work}")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
