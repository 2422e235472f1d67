"""Take the screenshots of docs/serve.md: the queue, the grading screen and the criteria edit's
preview of ``grader serve``, 1280x900, from the real app in headless Debian Chromium.

Run from the repository root: ``.venv/bin/python docs/screenshots/take.py``. It builds a small
hand-made class of lab generative-tf in a temporary SQLite gradebook (tests/serve_class.py), serves
it on 127.0.0.1 (tests/serve_server.py), logs in as an instructor by a one-time link, grades a few
answers of item 1.1 from the keyboard so the queue shows progress, and writes queue.png,
answer.png and criteria.png next to this file. Nothing outside a temporary folder and these PNGs
is written; the same class gives the same pictures (the class is seeded, the order is a hash).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # tests/ is a package of the checkout, not an installed one

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, FLAGS  # noqa: E402
from tests.serve_class import make_class  # noqa: E402
from tests.serve_server import serving  # noqa: E402

ASSIGNMENT = "generative-tf"
ITEM = "1.1"  # prose, criteria range (+0.15, key 1) and loss (+0.1, key 2)
CLASS_SIZE = 24
GRADED = 7
SIZE = {"width": 1280, "height": 900}
# a palette of this many colours keeps the committed PNGs small (the pages are flat colours and text)
COLOURS = 64


def shrink(path: Path) -> None:
    """Re-save ``path`` with a small palette when Pillow is there (it comes with matplotlib)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def grade_some(page, base: str) -> None:
    """Grade ``GRADED`` answers of the item from the keyboard, as a TA would: 1 (and now and then
    2), Enter saves and opens the next answer."""
    page.goto(f"{base}/a/{ASSIGNMENT}/{ITEM}/")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Grade next answer
    for n in range(GRADED):
        page.keyboard.press("1")
        if n % 3 == 0:
            page.keyboard.press("2")
        if n == 1:
            page.locator("#comment").fill("Right, and say why the loss needs probabilities.")
            page.locator("#comment").press("Escape")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Save and next


def shoot(page, name: str) -> Path:
    path = HERE / f"{name}.png"
    page.screenshot(path=str(path))
    shrink(path)
    return path


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        gradebook = make_class(f"sqlite:///{tmp}/gradebook.db", CLASS_SIZE)
        try:
            with serving(gradebook) as app, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
                page = browser.new_context(viewport=SIZE).new_page()
                page.goto(app.login_url("prof-nowak", "instructor"))
                with page.expect_navigation():
                    page.locator("#login").click()
                grade_some(page, app.base_url)
                # the answer the last save opened, with a criterion ticked and a comment offered
                page.keyboard.press("1")
                page.locator("#comment").fill("Right")
                page.locator("#comment").press("Escape")
                taken = [shoot(page, "answer")]
                page.goto(f"{app.base_url}/a/{ASSIGNMENT}/{ITEM}/")
                taken.append(shoot(page, "queue"))
                page.goto(f"{app.base_url}/a/{ASSIGNMENT}/{ITEM}/criteria")
                row = page.locator("#criteria-form tr").filter(has=page.locator('input[name="id"][value="range"]'))
                row.locator('input[name="points"]').fill("0.2")
                with page.expect_navigation():
                    page.locator("#preview-button").click()
                taken.append(shoot(page, "criteria"))
                browser.close()
        finally:
            gradebook.close()
    for path in taken:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
