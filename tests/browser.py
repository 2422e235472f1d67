"""Open HTML reports in headless Debian Chromium (Playwright, never a downloaded browser) and
record anything a student's script could do: dialogs, console errors, page errors, broken images."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageReport:
    path: Path
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    broken_images: int = 0
    requests: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.dialogs or self.console_errors or self.page_errors or self.broken_images)


def require_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing: apt-get install chromium (./dev test installs it when run as root)")
    return pytest.importorskip("playwright.sync_api", reason="playwright missing: pip install playwright")


def open_pages(paths: list[Path]) -> list[PageReport]:
    """Load each file in a fresh page; return what happened on it."""
    sync_api = require_chromium()
    reports = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            for path in paths:
                reports.append(_visit(browser, path))
        finally:
            browser.close()
    return reports


def _visit(browser, path: Path) -> PageReport:
    report = PageReport(path)
    page = browser.new_page()
    page.on("dialog", lambda d: (report.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: report.console_errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: report.page_errors.append(str(e)))
    page.on("request", lambda r: report.requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # give timers and event handlers a chance to fire
    report.broken_images = page.evaluate(
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length"
    )
    page.close()
    return report


EXECUTABLE_TAGS = {"script", "iframe", "frame", "object", "embed", "base", "form"}


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value and "javascript:" in value.lower()):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "src" and value and not value.startswith("data:image/png;base64,"):
                self.found.append(f"<{tag} src={value[:40]!r}>")


def unsafe_markup(html: str) -> list[str]:
    """What in a page could run or load something: executable tags, event handlers,
    javascript: URLs, any src but an inline PNG. An empty list means inert."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found
