"""Two gradings of the same samples give the same results (a refactoring changed no verdict).

    .venv/bin/python benchmarks/compare_results.py BEFORE AFTER

BEFORE and AFTER are folders with one ``<lab>/results.json`` per lab (``grader grade ... --out
BEFORE/<lab>``, e.g. from a checkout of the previous commit and of this one). Each pair is
compared once normalised (:func:`wheel_check.normalised`: no timings, no version, file names
only). Prints per lab ``N submissions, identical: M`` and, for each difference, the student and
the first differing key; exits 1 on any difference or on a lab missing from one side.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wheel_check import normalised


def first_difference(before: object, after: object, path: str = "") -> str | None:
    """The path of the first value that differs, or None when they are equal."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if key not in before or key not in after:
                return f"{path}.{key} (only in {'after' if key in after else 'before'})"
            found = first_difference(before[key], after[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return f"{path} (length {len(before)} != {len(after)})"
        for index, (b, a) in enumerate(zip(before, after, strict=True)):
            found = first_difference(b, a, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if before == after else f"{path}: {before!r} != {after!r}"


def compare(before_dir: Path, after_dir: Path) -> int:
    labs = sorted(
        {p.parent.name for p in before_dir.glob("*/results.json")}
        | {p.parent.name for p in after_dir.glob("*/results.json")}
    )
    failed = not labs
    for lab in labs:
        sides = [folder / lab / "results.json" for folder in (before_dir, after_dir)]
        if not all(p.is_file() for p in sides):
            print(f"{lab}: results.json missing in {', '.join(str(p) for p in sides if not p.is_file())}")
            failed = True
            continue
        before, after = (normalised(json.loads(p.read_text(encoding="utf-8"))) for p in sides)
        old = {s["student"]: s for s in before["submissions"]}
        new = {s["student"]: s for s in after["submissions"]}
        same = sum(1 for student in old if student in new and old[student] == new[student])
        print(f"{lab}: {len(old)} submissions, identical: {same}")
        for student in sorted(set(old) | set(new)):
            difference = first_difference(old.get(student), new.get(student))
            if difference:
                print(f"  {student}: {difference[:300]}")
        rest = first_difference(
            {k: v for k, v in before.items() if k != "submissions"},
            {k: v for k, v in after.items() if k != "submissions"},
        )
        if rest:
            print(f"  (document) {rest[:300]}")
        failed = failed or same != len(old) or len(old) != len(new) or bool(rest)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
