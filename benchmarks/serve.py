"""Response times of ``grader serve`` (the manual-grading web app) on a class-sized gradebook.

    .venv/bin/python benchmarks/serve.py [--students 800] [--saves 100] [--queue-loads 30]
                                         [--cold-runs 3] [--item 1.1] [--backend sqlite|postgres|both]
                                         [--profile]

For each backend (SQLite in a temp file; PostgreSQL: a throwaway server from tests/postgres.py):

0. A gradebook of ``--students`` hand-built graded students of generative-tf, every item
   (tests/serve_class.py): the build time is printed on its own, it is not the app's.
1. The app under uvicorn on 127.0.0.1 in a thread (tests/serve_server.py), driven by httpx over
   real sockets as a logged-in TA. Times are round trips seen by the client (what a person
   waits, an upper bound on the server's time), redirects never followed automatically.
2. Cold: the first request of a freshly started app pays for reading every kept result into
   memory (``grader.manual.answers.ClassAnswers``), loading the lab and compiling the templates.
   ``--cold-runs`` fresh apps each time their first queue page, and as many their first "next".
3. Warm, on one app: ``--queue-loads`` queue pages of ``--item``, then ``--saves`` rounds of the
   grading loop: POST .../next (303 to an answer), GET that answer page, POST .../save with one
   criterion (timed alone, without its redirect), GET the page it redirects to (the next answer).

Prints a table (backend, operation, n, p50, p95, max, target, PASS/FAIL, and the mean number
of SQL statements the request sent: a figure that load on the machine does not blur), and the
garbage collector's pauses during the warm phase; exits 1 if a target fails, or if a backend
asked for cannot be measured. Targets (issue 15), on the warm app: "next answer" (POST next + GET
its page) p95 at most 100 ms, queue page p95 at most 300 ms, a save (its POST alone) p95 at most
50 ms. Cold figures are reported, not judged. ``--profile`` also prints, per operation, where the
time of the database work goes (cProfile of the functions the app runs in its thread pool).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import grader.serve.app as serve_app  # noqa: E402
from grader.manual.answers import manual_grades  # noqa: E402
from tests.serve_class import make_class  # noqa: E402
from tests.serve_server import Running, serving  # noqa: E402

ASSIGNMENT = "generative-tf"
TARGETS_MS = {"next answer (POST next + GET page)": 100.0, "queue page": 300.0, "save (POST only)": 50.0}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
CRITERION = re.compile(r'name="criterion" value="([^"]+)"')


class BackendUnavailable(RuntimeError):
    """The database server asked for cannot be started here."""


@dataclass
class Timings:
    """Milliseconds per operation, in the order the table prints them."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, list[int]] = field(default_factory=dict)

    def add(self, operation: str, ms: float, statements: int) -> None:
        self.samples.setdefault(operation, []).append(ms)
        self.statements.setdefault(operation, []).append(statements)


class StatementCounter:
    """SQL statements the gradebook's engine sends (each one a round trip to a database server):
    a count that load on the machine does not blur, unlike the times."""

    def __init__(self, gradebook) -> None:
        self.count = 0
        event.listen(gradebook.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile, interpolated between the nearest samples (the sample itself for one)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


class Grader:
    """One logged-in TA's browser: an httpx client with the session cookie and the CSRF token."""

    def __init__(self, running: Running, counter: StatementCounter, name: str = "bench-ta"):
        self.base, self.counter = running.base_url, counter
        self.client = httpx.Client(base_url=self.base, headers={"Origin": self.base}, timeout=60)
        link = running.login_url(name, "ta")
        self.client.get(link).raise_for_status()
        token = link.rsplit("/", 1)[1]
        login = self.client.post("/login", data={"token": token})
        if login.status_code != 303 or "grader_session" not in self.client.cookies:
            raise RuntimeError(f"login failed: {login.status_code} {login.text[:300]}")
        self.csrf = ""

    def timed(self, method: str, url: str, **kwargs) -> tuple[httpx.Response, float, int]:
        """The response, its round trip in ms and the SQL statements the app sent meanwhile."""
        counted = self.counter.count
        started = time.perf_counter()
        response = self.client.request(method, url, **kwargs)
        elapsed_ms = (time.perf_counter() - started) * 1000
        statements = self.counter.count - counted
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response, elapsed_ms, statements

    def close(self) -> None:
        self.client.close()


def location(response: httpx.Response) -> str:
    if response.status_code != 303:
        raise RuntimeError(f"expected a 303 redirect, got {response.status_code}: {response.text[:300]}")
    return response.headers["location"]


def cold(gradebook, counter: StatementCounter, item: str, runs: int, timings: Timings) -> None:
    """Each run a fresh app timed on its first queue page, and another on its first next answer."""
    for _ in range(runs):
        with serving(gradebook) as running:
            browser = Grader(running, counter)
            _, ms, statements = browser.timed("GET", f"/a/{ASSIGNMENT}/{item}/")
            timings.add("cold: queue page (first request)", ms, statements)
            browser.close()
        with serving(gradebook) as running:
            browser = Grader(running, counter)
            token = token_without_warming(browser, item)
            moved, ms_next, sql_next = browser.timed("POST", f"/a/{ASSIGNMENT}/{item}/next", data={"csrf": token})
            _, ms_page, sql_page = browser.timed("GET", location(moved))
            timings.add("cold: next answer (POST next + GET page)", ms_next + ms_page, sql_next + sql_page)
            browser.close()


def token_without_warming(browser: Grader, item: str) -> str:
    """The session's CSRF token from a page that reads no results: a POST with a stale token is
    refused (403) before the course is loaded, on a page whose logout form carries the real one."""
    refused = browser.client.post(f"/a/{ASSIGNMENT}/{item}/next", data={"csrf": "stale"})
    found = CSRF.search(refused.text)
    if refused.status_code != 403 or not found:
        raise RuntimeError(f"expected a 403 page with the session's CSRF token, got {refused.status_code}")
    return found.group(1)


def warm(gradebook, counter: StatementCounter, item: str, queue_loads: int, saves: int, timings: Timings) -> None:
    queue = f"/a/{ASSIGNMENT}/{item}/"
    with serving(gradebook) as running:
        browser = Grader(running, counter)
        browser.timed("GET", queue)  # fills the cache: not counted
        for _ in range(queue_loads):
            timings.add("queue page", *browser.timed("GET", queue)[1:])
        for _ in range(saves):
            moved, ms_next, sql_next = browser.timed(
                "POST", f"/a/{ASSIGNMENT}/{item}/next", data={"csrf": browser.csrf}
            )
            answer_url = location(moved)
            if answer_url.rstrip("/").endswith(f"/{item}"):
                raise RuntimeError(f"nothing left to grade in {item}: lower --saves or raise --students")
            page, ms_page, sql_page = browser.timed("GET", answer_url)
            timings.add("POST next (303)", ms_next, sql_next)
            timings.add("GET answer page", ms_page, sql_page)
            timings.add("next answer (POST next + GET page)", ms_next + ms_page, sql_next + sql_page)
            version = VERSION.search(page.text)
            criteria = CRITERION.findall(page.text)
            if version is None or not criteria:
                raise RuntimeError(f"the answer page {answer_url} has no grading form (version, criteria)")
            form = {"csrf": browser.csrf, "version": version.group(1), "criterion": criteria[0], "comment": ""}
            saved, ms_save, sql_save = browser.timed("POST", f"{answer_url}/save", data=form)
            timings.add("save (POST only)", ms_save, sql_save)
            _, ms_after, sql_after = browser.timed("GET", location(saved))
            timings.add("page after save (its redirect)", ms_after, sql_after)
        browser.close()


# --- where the server's time goes (--profile) -------------------------------------------------


class GcPauses:
    """The garbage collector's pauses while the context is open (every thread's: they stop the
    whole process), by generation: with 800 results in memory a full collection is not free."""

    def __init__(self) -> None:
        self.pauses_ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms[info["generation"]].append((time.perf_counter() - self._started) * 1000)

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        gc.callbacks.append(self._callback)
        try:
            yield
        finally:
            gc.callbacks.remove(self._callback)

    def summary(self) -> str:
        return ", ".join(
            f"gen{generation}: {len(pauses)} ({sum(pauses):.0f} ms, max {max(pauses, default=0):.1f} ms)"
            for generation, pauses in self.pauses_ms.items()
        )


class ThreadPoolProfile:
    """cProfile of every function the app hands to its thread pool (the database work), grouped by
    the request's route, collected while the context is open."""

    def __init__(self) -> None:
        self.stats: dict[str, pstats.Stats] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        original: Callable = serve_app.run_in_threadpool

        async def profiled(func, *args, **kwargs):
            name = getattr(func, "__qualname__", repr(func))

            def call():
                profile = cProfile.Profile()
                profile.enable()
                try:
                    return func(*args, **kwargs)
                finally:
                    profile.disable()
                    with self._lock:
                        if name in self.stats:
                            self.stats[name].add(profile)
                        else:
                            self.stats[name] = pstats.Stats(profile)

            return await original(call)

        serve_app.run_in_threadpool = profiled
        try:
            yield
        finally:
            serve_app.run_in_threadpool = original

    def print(self, top: int = 18) -> None:
        for name, stats in sorted(self.stats.items()):
            out = io.StringIO()
            stats.stream = out  # type: ignore[attr-defined]
            stats.sort_stats("cumulative").print_stats(top)
            print(f"\n--- profile of {name} (thread-pool work, all calls together) ---")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


# --- the run --------------------------------------------------------------------------------


@contextlib.contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """An empty gradebook URL on ``backend``; PostgreSQL's server is stopped and deleted after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'gradebook.sqlite'}"
        return
    import pytest

    from tests.postgres import running_postgres

    try:
        with running_postgres() as server:
            yield server.create_database("bench")
    except (pytest.skip.Exception, pytest.fail.Exception) as unavailable:
        raise BackendUnavailable(f"no PostgreSQL server for the benchmark: {unavailable}") from None


def run_backend(backend: str, args: argparse.Namespace, table: list[tuple]) -> None:
    with tempfile.TemporaryDirectory(prefix="grader-serve-bench-") as tmp, database(backend, Path(tmp)) as url:
        started = time.perf_counter()
        gradebook = make_class(url, args.students)
        print(f"{backend}: built {args.students} graded students in {time.perf_counter() - started:.1f} s (make_class)")
        try:
            timings, counter = Timings(), StatementCounter(gradebook)
            cold(gradebook, counter, args.item, args.cold_runs, timings)
            profile = ThreadPoolProfile()
            pauses = GcPauses()
            with profile.installed() if args.profile else contextlib.nullcontext(), pauses.watching():
                warm(gradebook, counter, args.item, args.queue_loads, args.saves, timings)
            print(f"{backend}: garbage collections during the warm phase (whole process): {pauses.summary()}")
            # the saves were real: every one left its grade (a refused or lost save fails the run)
            graded = len(manual_grades(gradebook, ASSIGNMENT, args.item))
            if graded != args.saves:
                raise RuntimeError(f"{args.saves} saves sent, {graded} grades of item {args.item} stored")
            for operation, values in timings.samples.items():
                table.append((backend, operation, values, statistics.mean(timings.statements[operation])))
            if args.profile:
                profile.print()
        finally:
            gradebook.close()


def print_table(rows: list[tuple]) -> bool:
    header = f"{'backend':<9} {'operation':<42} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>8}"
    print(f"\n{header}  {'result':<6} {'SQL':>4}")
    passed = True
    for backend, operation, values, statements in rows:
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        target = TARGETS_MS.get(operation)
        verdict = "-" if target is None else ("PASS" if p95 <= target else "FAIL")
        passed &= verdict != "FAIL"
        shown = f"{target:.0f}" if target is not None else "-"
        figures = f"{len(values):>4} {p50:>8.1f} {p95:>8.1f} {max(values):>8.1f} {shown:>8}"
        print(f"{backend:<9} {operation:<42} {figures}  {verdict:<6} {statements:>4.0f}")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=800)
    parser.add_argument("--saves", type=int, default=100, help="rounds of next, answer page, save, following page")
    parser.add_argument("--queue-loads", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh apps timed on their first request")
    parser.add_argument("--item", default="1.1", help="the item graded (a prose item of generative-tf)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="print where the warm requests' thread-pool time goes")
    args = parser.parse_args()
    rows: list[tuple] = []
    missing = []
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        try:
            run_backend(backend, args, rows)
        except BackendUnavailable as unavailable:
            print(f"{backend}: not measured: {unavailable}")
            missing.append(backend)
    passed = print_table(rows) and not missing
    if missing:
        print(f"\nnot measured (counts as a failure): {', '.join(missing)}")
    print("\nall targets met" if passed else "\nsome targets FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
