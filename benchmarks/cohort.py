"""A class in minutes: grading speed on a generated cohort, against running notebooks top to
bottom as nbgrader/otter-grader do, and a student's self-check from a cold start.

    .venv/bin/python benchmarks/cohort.py [--size 100] [--jobs 2] [--baseline 3] [--pools auto,cold]
                                          [--cohort representative|samples] [--only SAMPLE]

0. Starting one sandbox (start + ``init`` answered), warm (forked from the zygote) and cold (a
   fresh interpreter under bubblewrap), for the generative-tf lab's framework.
1. A cohort of ``--size`` generative-tf notebooks, each copy made a distinct file (its own
   student id and a changed first cell), graded with ``--jobs``, once per ``--pools`` (warm
   pool, then cold starts): wall time, seconds per notebook amortized, per-notebook times, peak
   resident memory of one sandbox worker (its process tree, sampled every 0.2 s), and each
   code item's mean and max time from results.json (``duration_s``: the sum of its checks';
   the first item probed, 1.2, also pays for starting the sandbox and loading its snapshot).
   The cohort (``--cohort``, printed before grading):
   - ``representative`` (the default): 60% in the students' real styles (``REALISTIC``: the
     ``styl_*`` and ``seed00*`` samples, seed 001's code as written and its bugs, and
     ``LARGER`` variants: seed-style notebooks whose Cond_CVAE, generator and discriminator are
     replaced by deeper ones: nested ``Sequential`` blocks, more filters, BatchNormalization,
     a DCGAN-sized generator with ``Dense(7*7*256)``), 40% the other samples (mutants, the
     reference, the blank template, a syntax error, a 200-epoch notebook), interleaved;
   - ``samples``: every sample of ``submissions/generative-tf`` in turn, equally (the cohort
     of the figures before issue 12);
   - ``--only SAMPLE``: copies of one sample (or one ``LARGER`` variant), to profile a style.
2. ``--size`` blank templates: seconds per notebook.
3. The baseline: ``--baseline`` of those notebooks run top to bottom with nbclient, epochs
   reduced to 1 (``epochs = N`` rewritten), a 60 s cell timeout, errors allowed, MNIST served
   locally (no internet here): seconds per notebook and the ratio to (1). ``--baseline 0``
   skips it (it takes minutes per notebook).
4. ``grader check`` of one complete notebook in a fresh process (cold start).
Targets (issue 12, item 6): (1) at most 2 s per notebook amortized with --jobs 2 on 2 cores on
the representative cohort, worker memory under 1.5 GiB, results identical to a cold-pool run;
(2) at most 1 s per notebook; (4) under 15 s. Per-notebook CPU of each probe and snapshot load:
``benchmarks/profile_items.py``.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "generative-tf"
GRADER = [sys.executable, "-m", "grader"]
sys.path.insert(0, str(ROOT))

from tests.factories import without_timings  # noqa: E402 - the same comparison the test suite makes


def _comparable(doc: dict) -> list:
    """A results document's submissions without timings and without how their sandboxes started."""
    return without_timings(
        [
            dict(
                sub,
                environment={k: v for k, v in sub.get("environment", {}).items() if k not in ("worker", "isolation")},
            )
            for sub in doc["submissions"]
        ]
    )


# -- the cohort ----------------------------------------------------------------------------------

#: Samples written in the students' real styles: subclassed layers, nested Sequential, own helper
#: names, Keras 2 idioms (styl_*), the seed notebooks' layouts (seed00*), seed 001's code as
#: written and its bugs. Globs are read when the benchmark runs: new samples join by name.
REALISTIC_GLOBS = ("styl_*", "seed00*")
REALISTIC_NAMED = ("generator_concatenate_seed001", "conditioned_wrong_loop", "kl_plus_logvar")
REALISTIC_SHARE = 0.6  # of the representative cohort; the rest: the other samples

#: Larger real-style models: variant name -> the sample it is made from, its Cond_CVAE encoder and
#: decoder, generator and discriminator replaced by the deeper ones below (all still correct).
LARGER = {
    "wiekszy_seed001_poprawiony": "seed001_poprawiony",
    "wiekszy_seed000_uklad": "seed000_uklad",
    "wiekszy_styl_sequential": "styl_sequential",
}

LARGER_ENCODER = """def prepare_encoder(self):
    input_img = tf.keras.layers.Input(shape=(42, 42, 1))
    input_cond = tf.keras.layers.Input(shape=(12, ))

    def block(filters, strides):
        return tf.keras.Sequential([
            tf.keras.layers.Conv2D(filters, 3, strides=strides, padding='same', use_bias=False),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.LeakyReLU(),
        ])

    features = tf.keras.Sequential([block(64, 2), block(128, 2), block(128, 1), tf.keras.layers.Flatten()],
                                   name='image_features')
    cond_features = tf.keras.Sequential([tf.keras.layers.Dense(64, activation='relu'),
                                         tf.keras.layers.Dense(64, activation='relu')], name='cond_features')
    x = tf.keras.layers.Concatenate()([features(input_img), cond_features(input_cond)])
    x = tf.keras.layers.Dense(256, activation='relu')(x)
    # No activation
    x = tf.keras.layers.Dense(latent_dim + latent_dim)(x)
    return tf.keras.Model([input_img, input_cond], [x])
"""

LARGER_DECODER = """def prepare_decoder(self):
    input_latent = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(12, ))
    inputs = tf.keras.layers.Concatenate()([input_latent, input_cond])

    def up(filters, strides):
        return tf.keras.Sequential([
            tf.keras.layers.Conv2DTranspose(filters, 3, strides=strides, padding='same', use_bias=False),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.ReLU(),
        ])

    x = tf.keras.Sequential([tf.keras.layers.Dense(7 * 7 * 128, activation='relu'),
                             tf.keras.layers.Reshape((7, 7, 128))], name='project')(inputs)
    x = tf.keras.Sequential([up(128, 2), up(64, 3), up(32, 1)], name='upsample')(x)
    x = tf.keras.layers.Conv2DTranspose(filters=1, kernel_size=3, strides=1, padding='same')(x)
    return tf.keras.Model([input_latent, input_cond], [x])
"""

LARGER_GENERATOR = """def prepare_generator(latent_dim, cond_dim):
    input_img = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    inputs = tf.keras.layers.Concatenate(axis=1)([input_img, input_cond])

    x1 = tf.keras.layers.Dense(7*7*256, use_bias=False)(inputs)
    x1 = tf.keras.layers.BatchNormalization()(x1)
    x1 = tf.keras.layers.LeakyReLU()(x1)
    x1 = tf.keras.layers.Reshape((7, 7, 256))(x1)

    def up(filters, strides):
        return tf.keras.Sequential([
            tf.keras.layers.Conv2DTranspose(filters, (5, 5), strides=strides, padding='same', use_bias=False),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.LeakyReLU(),
        ])

    x1 = tf.keras.Sequential([up(256, (1, 1)), up(128, (1, 1)), up(64, (2, 2))], name='upsample')(x1)
    x1 = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh')(x1)

    return tf.keras.Model([input_img, input_cond], x1, name='generator')
"""

LARGER_DISCRIMINATOR = """def prepare_discriminator(img_shape, cond_dim):
    input_img = tf.keras.layers.Input(shape=img_shape)
    features = tf.keras.Sequential([
        tf.keras.Sequential([tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same'),
                             tf.keras.layers.LeakyReLU(), tf.keras.layers.Dropout(0.3)]),
        tf.keras.Sequential([tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same'),
                             tf.keras.layers.LeakyReLU(), tf.keras.layers.Dropout(0.3)]),
        tf.keras.Sequential([tf.keras.layers.Conv2D(256, (3, 3), strides=(1, 1), padding='same'),
                             tf.keras.layers.LeakyReLU(), tf.keras.layers.Dropout(0.3)]),
        tf.keras.layers.Flatten(),
    ], name='features')
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Concatenate(axis=1)([features(input_img), input_cond])

    x = tf.keras.layers.Dense(256)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Dense(1)(x)

    return tf.keras.Model([input_img, input_cond], x, name='discriminator')
"""


def _replace_def(source: str, name: str, new: str, within: str | None = None) -> str | None:
    """``source`` with the definition of ``name`` (a method of class ``within``, or a top-level
    function) replaced by ``new``, indented to its place; None when it has no such definition."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    body = tree.body
    if within is not None:
        body = next((n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == within), [])
    node = next((n for n in body if isinstance(n, ast.FunctionDef) and n.name == name), None)
    if node is None:
        return None
    lines = source.splitlines(keepends=True)
    start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    indent = " " * node.col_offset
    replacement = "".join(indent + line if line.strip() else line for line in new.splitlines(keepends=True))
    return "".join(lines[:start]) + replacement + "".join(lines[node.end_lineno :])


def larger_variant(source: Path) -> nbformat.NotebookNode:
    """The notebook ``source`` with the deeper Cond_CVAE encoder/decoder, generator and
    discriminator (``LARGER_*``) in place of the student's; every other cell as it was."""
    nb = nbformat.read(source, as_version=4)
    wanted = [
        ("prepare_encoder", LARGER_ENCODER, "Cond_CVAE"),
        ("prepare_decoder", LARGER_DECODER, "Cond_CVAE"),
        ("prepare_generator", LARGER_GENERATOR, None),
        ("prepare_discriminator", LARGER_DISCRIMINATOR, None),
    ]
    for name, new, within in wanted:
        replaced = 0
        for cell in nb.cells:
            if cell.cell_type == "code":
                changed = _replace_def(cell.source, name, new, within)
                if changed is not None:
                    cell.source, replaced = changed, replaced + 1
        if not replaced:
            raise ValueError(f"{source.name}: no definition of {name} to replace")
    return nb


def cohort_sources(kind: str, only: str | None = None) -> list[tuple[str, str]]:
    """The cohort's notebooks in order, as (name, group), before the copies are made ``--size``."""
    samples = sorted(p.stem for p in SAMPLES.glob("*.ipynb"))
    if only:
        if only not in samples and only not in LARGER:
            raise SystemExit(f"--only: no sample or larger variant named {only!r}")
        return [(only, "only")]
    if kind == "samples":
        return [(name, "samples") for name in samples]
    realistic = sorted(
        {p.stem for pattern in REALISTIC_GLOBS for p in SAMPLES.glob(f"{pattern}.ipynb")}
        | {n for n in REALISTIC_NAMED if n in samples}
    )
    larger = [name for name, base in LARGER.items() if base in samples]
    others = [name for name in samples if name not in realistic]
    return [(n, "realistic") for n in realistic] + [(n, "larger") for n in larger] + [(n, "other") for n in others]


def make_cohort(size: int, folder: Path, only: str | None = None, kind: str = "representative") -> list[Path]:
    """``size`` distinct notebooks (see the module's docstring for the composition)."""
    sources = cohort_sources(kind, only)
    if kind == "representative" and not only:
        real = [s for s in sources if s[1] != "other"]
        other = [s for s in sources if s[1] == "other"]
        # interleaved: the k-th notebook is realistic when the running share of realistic ones falls behind
        order, r, o = [], 0, 0
        for k in range(size):
            if not other or (real and int((k + 1) * REALISTIC_SHARE) > int(k * REALISTIC_SHARE)):
                order.append(real[r % len(real)])
                r += 1
            else:
                order.append(other[o % len(other)])
                o += 1
    else:
        order = [sources[k % len(sources)] for k in range(size)]
    paths = []
    for k, (name, _) in enumerate(order):
        nb = (
            larger_variant(SAMPLES / f"{LARGER[name]}.ipynb")
            if name in LARGER
            else nbformat.read(SAMPLES / f"{name}.ipynb", as_version=4)
        )
        first = nbformat.v4.new_markdown_cell(f"Student {k:03d}")  # a distinct file
        first.id = f"benchmark-student-{k:03d}"  # the same bytes on every run
        nb.cells.insert(0, first)
        path = folder / f"s{k:03d}_{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def composition(paths: list[Path], kind: str, only: str | None = None) -> str:
    """What the cohort is made of, by group and sample, for the printout and the docs."""
    groups = {name: group for name, group in cohort_sources(kind, only)}
    counts: dict[str, dict[str, int]] = {}
    for path in paths:
        name = path.stem.split("_", 1)[1]
        counts.setdefault(groups[name], {}).setdefault(name, 0)
        counts[groups[name]][name] += 1
    titles = {
        "realistic": "real styles (styl_*, seed00*, seed 001 as written and its bugs)",
        "larger": "larger real-style models (deeper Cond_CVAE, generator, discriminator)",
        "other": "the other samples (mutants, reference, blank, broken, 200 epochs)",
        "samples": "every sample, equally",
        "only": "one sample",
    }
    lines = []
    for group, names in sorted(counts.items(), key=lambda kv: list(titles).index(kv[0])):
        total = sum(names.values())
        lines.append(
            f"   {total:3d} ({100 * total / len(paths):.0f}%) {titles[group]}: "
            + ", ".join(f"{n} x{c}" for n, c in names.items())
        )
    return "\n".join(lines)


def item_costs(doc: dict) -> dict[str, tuple[float, float, int]]:
    """Each code item's (mean, max, count) of ``duration_s`` over the submissions where its checks ran."""
    times: dict[str, list[float]] = {}
    for sub in doc["submissions"]:
        for item in sub.get("items", []):
            if item.get("kind") == "code" and item.get("checks") and item.get("duration_s"):
                times.setdefault(item["id"], []).append(float(item["duration_s"]))
    return {k: (statistics.mean(v), max(v), len(v)) for k, v in times.items()}


class PeakWorkerMemory:
    """Largest resident memory (MiB) of one sandbox worker with its children, while running;
    only workers under ``self.root`` (the grader process started, once set), not those of other
    graders or test suites running on the same machine."""

    def __init__(self):
        self.peak = 0.0
        self.root: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(0.2):
            for proc in self._workers():
                try:
                    rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
                    self.peak = max(self.peak, rss / (1 << 20))
                except psutil.Error:
                    pass

    def _workers(self) -> list[psutil.Process]:
        """Cold workers (``python -m grader.sandbox.worker``) and warm ones: the third generation
        under a zygote (zygote -> sandbox set-up -> PID 1 of its namespace -> worker)."""
        if self.root is None:
            return []
        try:
            descendants = psutil.Process(self.root).children(recursive=True)
        except psutil.Error:
            return []
        found = []
        for proc in descendants:
            try:
                line = " ".join(proc.cmdline() or [])
                if "grader.sandbox.worker" in line:
                    found.append(proc)
                elif "grader.sandbox.zygote" in line and "grader.sandbox.zygote" not in " ".join(
                    proc.parent().cmdline()
                ):
                    found += [w for setup in proc.children() for init in setup.children() for w in init.children()]
            except (psutil.Error, AttributeError):
                pass
        return found


def sandbox_starts(count: int = 10) -> dict[str, float]:
    """Median seconds to start a generative-tf sandbox and have its ``init`` answered, per pool."""
    from grader.labs import find_lab
    from grader.runtime import sandbox_spec
    from grader.sandbox.supervisor import Sandbox
    from grader.settings import load_settings

    settings = load_settings()
    lab = find_lab("generative-tf", settings)
    medians = {}
    for pool in ("auto", "cold"):
        spec = sandbox_spec(lab, replace(settings, pool=pool))
        with Sandbox(spec) as first:  # the zygote starts here (once per batch), not counted
            first._start()
        times = []
        for _ in range(count):
            with Sandbox(spec) as sb:
                started = time.monotonic()
                sb._start()
                times.append(time.monotonic() - started)
                assert sb.environment["worker"]["start"] == ("warm" if pool == "auto" else "cold"), sb.environment
        medians[pool] = statistics.median(times)
    return medians


def grade(folder: Path, jobs: int, pool: str = "auto") -> tuple[float, dict, float]:
    out = Path(tempfile.mkdtemp(prefix="bench-cohort-out-"))
    with PeakWorkerMemory() as memory:
        started = time.monotonic()
        proc = subprocess.Popen(
            [
                *GRADER,
                "grade",
                str(folder),
                "--lab",
                "generative-tf",
                "--out",
                str(out),
                "--jobs",
                str(jobs),
                "--quiet",
                "--pool",
                pool,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        memory.root = proc.pid
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args)
        wall = time.monotonic() - started
    return wall, json.loads((out / "results.json").read_text()), memory.peak


PRELUDE = """# benchmark baseline: MNIST served locally (no internet on this machine), nothing else changed
import tensorflow as _tf
from grader.data.mnist import load_mnist as _load
_tf.keras.datasets.mnist.load_data = lambda *a, **k: _load()
"""


def baseline(paths: list[Path]) -> list[float]:
    """Each notebook top to bottom with nbclient, epochs reduced to 1, 60 s per cell."""
    from nbclient import NotebookClient

    times = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = re.sub(
                    r"^(\s*(?:epochs|EPOCHS|num_epochs|n_epochs)\s*=\s*)\d+", r"\g<1>1", cell.source, flags=re.MULTILINE
                )
        nb.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
        client = NotebookClient(
            nb,
            timeout=60,
            allow_errors=True,
            kernel_name="python3",
            resources={"metadata": {"path": tempfile.mkdtemp()}},
        )
        started = time.monotonic()
        try:
            client.execute()
        except Exception as exc:  # noqa: BLE001 - a timeout stops nbclient: that is what the baseline does
            print(f"    {path.name}: stopped: {type(exc).__name__}")
        times.append(time.monotonic() - started)
        print(f"    {path.name}: {times[-1]:.1f} s")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--baseline",
        type=int,
        default=3,
        help="notebooks run top to bottom for the baseline (0: skip it, it takes minutes each)",
    )
    parser.add_argument("--pools", default="auto,cold", help="how sandboxes start, in turn: auto (warm) and/or cold")
    parser.add_argument(
        "--cohort",
        choices=("representative", "samples"),
        default="representative",
        help="representative: 60%% real styles and larger models, 40%% the other samples; "
        "samples: every sample equally (the cohort before issue 12)",
    )
    parser.add_argument("--only", metavar="SAMPLE", help="a cohort of copies of one sample or larger variant")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep each pool's results.json there")
    args = parser.parse_args()
    pools = [p for p in args.pools.split(",") if p]
    work = Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    print(
        f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / (1 << 30):.0f} GiB, "
        f"load average {' '.join(f'{x:.1f}' for x in psutil.getloadavg())}; jobs {args.jobs}"
    )

    starts = sandbox_starts()
    print(
        f"\n0. starting one generative-tf sandbox (start + init answered), median of 10: "
        f"warm {starts['auto'] * 1000:.0f} ms, cold {starts['cold'] * 1000:.0f} ms"
    )

    cohort = work / "cohort"
    cohort.mkdir()
    paths = make_cohort(args.size, cohort, only=args.only, kind=args.cohort)
    label = f"--only {args.only}" if args.only else f"{args.cohort} cohort"
    print(f"\n1. {len(paths)} generative-tf notebooks ({label}), --jobs {args.jobs}:")
    print(composition(paths, args.cohort, args.only))
    results = {}
    for pool in pools:
        wall, doc, peak = results[pool] = grade(cohort, args.jobs, pool)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"results-{pool}.json").write_text(json.dumps(doc))
        per = sorted(s["duration_s"] for s in doc["submissions"])
        amortized = wall / len(paths)
        kind = "warm pool" if pool == "auto" else "cold starts"
        print(f"\n   {kind} (--pool {pool}):")
        print(
            f"   wall {wall:.1f} s = {amortized:.2f} s per notebook amortized (target <= 2 s: "
            f"{'met' if amortized <= 2 else 'NOT met'})"
        )
        print(f"   per notebook: median {statistics.median(per):.2f} s, max {per[-1]:.2f} s")
        print(f"   peak memory of one worker: {peak:.0f} MiB (target < 1536: {'met' if peak < 1536 else 'NOT met'})")
        costs = item_costs(doc)
        print(
            "   per code item (results.json duration_s, s): "
            + ", ".join(f"{k} {mean:.2f}/{top:.2f}" for k, (mean, top, _) in costs.items())
            + " (mean/max)"
        )
    if len(results) == 2:
        same = _comparable(results["auto"][1]) == _comparable(results["cold"][1])
        print(
            f"   warm vs cold: {results['cold'][0] / results['auto'][0]:.2f}x faster; "
            f"results identical: {'yes' if same else 'NO'}"
        )
    wall = results[pools[0]][0]
    amortized = wall / len(paths)

    blanks = work / "blank"
    blanks.mkdir()
    make_cohort(args.size, blanks, only="blank")
    wall_blank, _, _ = grade(blanks, args.jobs, pools[0])
    print(
        f"\n2. {args.size} blank templates: {wall_blank:.1f} s = {wall_blank / args.size:.2f} s per notebook "
        f"(target <= 1 s: {'met' if wall_blank / args.size <= 1 else 'NOT met'})"
    )

    # complete notebooks (the reference and two students' styles): what a class mostly hands in
    names = ("solution", "styl_podklasy", "kl_plus_logvar", "styl_sequential")
    chosen = [
        p
        for p in (next((p for p in paths if p.name.endswith(f"_{name}.ipynb")), None) for name in names)
        if p is not None
    ][: args.baseline]
    if chosen:
        print(f"\n3. baseline: {len(chosen)} notebooks top to bottom with nbclient (epochs -> 1, 60 s cell timeout)")
        times = baseline(chosen)
        mean = statistics.mean(times)
        print(
            f"   {mean:.1f} s per notebook: {mean / amortized:.0f}x the grader's amortized time; a class of "
            f"{args.size} would take {mean * args.size / 60:.0f} min serially, "
            f"{mean * args.size / 60 / args.jobs:.0f} min on {args.jobs} cores, against {wall / 60:.1f} min"
        )
    else:
        print("\n3. baseline: skipped (--baseline 0)")

    started = time.monotonic()
    subprocess.run(
        [*GRADER, "check", str(SAMPLES / "solution.ipynb"), "--lab", "generative-tf"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cold = time.monotonic() - started
    print(
        f"\n4. grader check of a complete notebook, cold start: {cold:.1f} s (target < 15 s: "
        f"{'met' if cold < 15 else 'NOT met'})"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
