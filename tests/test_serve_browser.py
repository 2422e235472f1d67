"""``grader serve`` in a real browser: headless Debian Chromium (Playwright, never a downloaded
browser, tests/browser.py) against the real app served by uvicorn on 127.0.0.1 (tests/serve_server.py),
over a SQLite gradebook of a hand-built class of lab generative-tf (tests/serve_class.py).

What only a browser shows: that keys.js grades a whole queue from the keyboard, that the pages run
under their Content Security Policy without a single violation, that two graders' saves of one
answer meet on the conflict screen, that an instructor's criteria edit previews and applies what
the gradebook says, that hostile student answers stay inert (no dialog, no script, no request
leaving 127.0.0.1), and that logging out ends the session for good (its cookie replayed is refused).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest

from grader import export
from grader.gradebook import Gradebook
from grader.manual import accounts
from grader.manual.answers import ClassAnswers, gradable_items, manual_grades
from grader.manual.criteria import item_rubric
from grader.manual.grading import save_grade
from grader.outcomes import Figure, Outcome
from grader.scoring import score
from tests.browser import CHROMIUM, FLAGS, require_chromium, unsafe_markup
from tests.security.catalogue import HTML_MORE, HTML_PAYLOADS, HTML_PROSE_PAYLOADS
from tests.serve_class import lab, make_class, student_result
from tests.serve_server import Running, serving

ASSIGNMENT = "generative-tf"
ITEM = "1.1"  # prose, criteria range (+0.15, key 1) and loss (+0.1, key 2)
CLASS_SIZE = 15
CSP_MARK = "Content Security Policy"
# Chromium's console line for any response >= 400; for a page itself (a 409, a 401) the test
# asserts the status, for anything else (a missing favicon, script or image) it is an error
LOAD_FAILED = "Failed to load resource"
APP_SCRIPTS = "Array.from(document.scripts, s => s.src)"
APP_SCRIPT_PATHS = ["/static/katex/katex.min.js", "/static/math.js", "/static/keys.js"]
#: an image/png that is not a PNG, and one that would break out of src="..." (catalogue's HTML_OUTPUTS)
HOSTILE_FIGURES = ("PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", 'iVBORw0KGgo=" onerror="alert(1)')


# --- the browser and what it saw ---------------------------------------------------------------


@dataclass
class Watch:
    """Everything a page did that a clean grading page never does."""

    base_url: str
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)  # the pages opened (their own status is asserted)

    def attach(self, page) -> None:
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", self._request)

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        if CSP_MARK in message.text:
            self.csp_violations.append(message.text)
        elif message.type == "error" and not (message.text.startswith(LOAD_FAILED) and url in self.documents):
            self.console_errors.append(f"{message.text} ({url})")

    def _request(self, request) -> None:
        url = request.url
        if request.resource_type == "document":
            self.documents.add(url)
        if not (url.startswith(self.base_url + "/") or url.startswith("data:")):
            self.foreign_requests.append(url)

    def assert_clean(self) -> None:
        assert not self.dialogs, f"a page opened a dialog: {self.dialogs}"
        assert not self.csp_violations, f"the CSP blocked something: {self.csp_violations}"
        assert not self.page_errors, f"a script failed: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.foreign_requests, f"requests left the app: {self.foreign_requests}"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = require_chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def gradebook(tmp_path) -> Gradebook:
    return make_class(f"sqlite:///{tmp_path}/g.db", CLASS_SIZE)


@pytest.fixture
def app(gradebook) -> Iterator[Running]:
    with serving(gradebook) as running:
        yield running


def logged_in(browser, app: Running, name: str, role: str = "ta"):
    """A new browser context logged in as ``name`` by its one-time link (the keyboard presses
    the autofocused #login button); its page, on the start page, and its Watch."""
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(app.base_url)
    watch.attach(page)
    page.goto(app.login_url(name, role))
    assert page.locator("#login").is_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == app.base_url + "/", f"{name}'s login landed on {page.url}: {page.locator('body').inner_text()}"
    assert page.locator("#logout").is_visible()
    return page, watch


# --- the gradebook's side ----------------------------------------------------------------------


def item_of(item_id: str = ITEM):
    return next(i for i in gradable_items(lab()) if i.id == item_id)


def answer_views(gradebook: Gradebook, item_id: str = ITEM):
    item = item_of(item_id)
    version = item_rubric(gradebook, ASSIGNMENT, item).version
    return ClassAnswers(gradebook, lab(), ASSIGNMENT).answers(item, version)


def to_grade(gradebook: Gradebook, item_id: str = ITEM):
    return [v for v in answer_views(gradebook, item_id) if v.state == "ungraded"]


def answer_url(app: Running, alias: str, item_id: str = ITEM) -> str:
    return f"{app.base_url}/a/{ASSIGNMENT}/{item_id}/{alias}"


def queue_url(app: Running, item_id: str = ITEM) -> str:
    return f"{app.base_url}/a/{ASSIGNMENT}/{item_id}/"


# --- 1. a TA grades ten answers from the keyboard ----------------------------------------------


def test_a_ta_grades_ten_answers_with_the_keyboard_only(browser, app, gradebook):
    assert len(to_grade(gradebook)) >= 10, "the class needs ten answers of 1.1 to grade"
    page, watch = logged_in(browser, app, "ta-kasia")
    page.goto(queue_url(app))
    with page.expect_navigation():
        page.keyboard.press("Enter")  # #grade-next
    expected: dict[str, float] = {}
    seen: list[str] = []
    by_alias = {v.alias: v.student for v in answer_views(gradebook)}
    for n in range(10):
        alias = page.locator("#alias").inner_text()
        assert page.locator("#state").inner_text() == "ungraded", f"answer {n + 1} ({alias}) was offered graded"
        assert alias not in seen, f"answer {alias} was offered twice"
        seen.append(alias)
        page.keyboard.press("1")
        both = n % 3 == 0
        if both:
            page.keyboard.press("2")
        assert page.locator('input[data-digit="1"]').is_checked()
        assert page.locator('input[data-digit="2"]').is_checked() is both
        expected[by_alias[alias]] = 0.25 if both else 0.15
        with page.expect_navigation():
            page.keyboard.press("Enter")  # #save: save and next
    grades = manual_grades(gradebook, ASSIGNMENT, ITEM)
    mine = {student: g for student, g in grades.items() if g.graded_by == "ta-kasia"}
    assert len(mine) == 10 == len(grades), f"grades stored: {sorted(grades)}"
    assert {s: g.points for s, g in mine.items()} == pytest.approx(expected)
    assert all(set(g.criteria) == ({"range", "loss"} if expected[s] == 0.25 else {"range"}) for s, g in mine.items())
    page.goto(queue_url(app))
    views = answer_views(gradebook)
    assert sum(v.state == "graded" for v in views) == 10
    done = sum(v.state in ("graded", "auto-0") for v in views)  # the page counts empty answers as done
    progress = page.locator("#progress").inner_text()
    assert re.search(rf"\b{done}/{len(views)} graded", progress), progress
    watch.assert_clean()


# --- 2. two TAs save one answer: the conflict screen --------------------------------------------


def test_two_tas_saving_one_answer_meet_on_the_conflict_screen(browser, app, gradebook):
    view = to_grade(gradebook)[0]
    first, first_watch = logged_in(browser, app, "ta-ala")
    second, second_watch = logged_in(browser, app, "ta-ola")
    for page in (first, second):
        page.goto(answer_url(app, view.alias))
        assert page.locator("#alias").inner_text() == view.alias
    first.keyboard.press("1")  # range: 0.15
    second.keyboard.press("2")  # loss: 0.1
    with first.expect_navigation():
        first.keyboard.press("Enter")
    with second.expect_navigation() as navigation:
        second.keyboard.press("Enter")
    assert navigation.value.status == 409
    assert second.locator("#conflict").is_visible()
    theirs = second.locator("#theirs").inner_text()
    assert "0.15 points by ta-ala" in theirs and "range" in theirs, theirs
    assert "loss" in second.locator("#yours").inner_text()
    assert second.locator("#keep-theirs").get_attribute("href").endswith("/" + view.alias)
    stored = manual_grades(gradebook, ASSIGNMENT, ITEM)[view.student]
    assert (stored.graded_by, stored.points, stored.version) == ("ta-ala", pytest.approx(0.15), 1)

    with second.expect_navigation() as navigation:
        second.locator("#save-mine").click()
    assert navigation.value.ok, f"saving over theirs answered {navigation.value.status}"
    assert "/a/" in second.url and not second.locator("#conflict").count()
    stored = manual_grades(gradebook, ASSIGNMENT, ITEM)[view.student]
    assert (stored.graded_by, stored.criteria, stored.points, stored.version) == (
        "ta-ola",
        ("loss",),
        pytest.approx(0.1),
        2,
    )
    first_watch.assert_clean()
    second_watch.assert_clean()


# --- 3. an instructor edits a criterion's points ------------------------------------------------


def test_an_instructor_previews_and_applies_a_criterion_edit(browser, app, gradebook):
    item = item_of()
    rubric = item_rubric(gradebook, ASSIGNMENT, item)
    ta = accounts.add_user(gradebook, "ta-ewa", "ta")
    applied = [("range",)] * 4 + [("range", "loss"), ("loss",)]
    for view, criteria in zip(to_grade(gradebook), applied, strict=False):
        save_grade(gradebook, lab(), ASSIGNMENT, item, view, ta, criteria, 0.0, "", 0)
    before = manual_grades(gradebook, ASSIGNMENT, ITEM)
    assert len(before) == len(applied)
    new_points = {"range": 0.2, "loss": 0.1}

    def recomputed(criteria) -> float:  # positive scoring, clamped to the item's 0.25
        return round(min(sum(new_points[c] for c in criteria), rubric.share), 6)

    changed = {s for s, g in before.items() if abs(recomputed(g.criteria) - g.points) > 1e-9}
    assert changed and len(changed) < len(before), "the edit must change some grades and leave others"

    page, watch = logged_in(browser, app, "prof-nowak", "instructor")
    page.goto(queue_url(app))
    with page.expect_navigation():
        page.locator("#edit-criteria").click()
    row = page.locator("#criteria-form tr").filter(has=page.locator('input[name="id"][value="range"]'))
    assert row.count() == 1
    assert row.locator('input[name="points"]').input_value() == "0.15"
    row.locator('input[name="points"]').fill("0.2")
    with page.expect_navigation():
        page.locator("#preview-button").click()
    assert page.locator("#preview").is_visible()
    assert int(page.locator("#answers-changed").inner_text()) == len(changed)
    assert int(page.locator("#students-changed").inner_text()) == len(changed)
    assert manual_grades(gradebook, ASSIGNMENT, ITEM) == before, "a preview wrote to the gradebook"

    with page.expect_navigation():
        page.locator("#apply").click()
    assert page.url == queue_url(app)
    after = manual_grades(gradebook, ASSIGNMENT, ITEM)
    assert {s: g.points for s, g in after.items()} == pytest.approx(
        {s: recomputed(g.criteria) for s, g in before.items()}
    )
    assert {s for s, g in after.items() if g.version == 2} == changed
    assert item_rubric(gradebook, ASSIGNMENT, item).criterion("range").points == pytest.approx(0.2)
    states = {v.student: v.state for v in answer_views(gradebook)}
    assert {s for s in before if states[s] == "needs-review"} == changed
    watch.assert_clean()


# --- 4. hostile answers are inert ---------------------------------------------------------------

#: every markup payload of the catalogue, and its combined "further remarks" cell
PAYLOADS = (*HTML_PAYLOADS, *HTML_MORE, "Dodatkowe uwagi: " + " ".join(HTML_PAYLOADS))


def hostile_class(url: str) -> Gradebook:
    """One student per payload: every prose answer (and every manual part of a code item) is a
    payload, and the figures include images that are not PNGs."""
    the_lab = lab()
    rng = random.Random(0)
    gradebook = Gradebook(url)
    prose = {i.id for i in the_lab.rubric.items if i.kind == "prose"}
    offset = dict(HTML_PROSE_PAYLOADS)
    for n, payload in enumerate(PAYLOADS):
        student = f"student{n:03d}"
        result = student_result(the_lab, student, rng)
        items = []
        for position, item_result in enumerate(result.items):
            if item_result.item_id in prose or item_result.answer:
                text = PAYLOADS[(n + offset.get(item_result.item_id, position)) % len(PAYLOADS)]
                status = Outcome.MANUAL if item_result.item_id in prose else item_result.status
                item_result = replace(item_result, status=status, answer=text + "\n\n" + payload)
            if item_result.item_id in prose:
                figures = tuple(Figure(3, png, "stored") for png in HOSTILE_FIGURES)
                item_result = replace(item_result, figures=item_result.figures + figures)
            items.append(item_result)
        result = replace(result, items=tuple(items))
        grade = score(result, the_lab.rubric, {}, the_lab.rubric_hash)
        gradebook.record(
            grade, export.submission_document(grade, "pl"), export.grader_version(), "k1", assignment=ASSIGNMENT
        )
    return gradebook


def test_hostile_answers_are_inert_in_the_browser(browser, tmp_path):
    gradebook = hostile_class(f"sqlite:///{tmp_path}/hostile.db")
    item = item_of()
    ta = accounts.add_user(gradebook, "ta-zosia", "ta")
    views = answer_views(gradebook)
    assert len(views) == len(PAYLOADS)
    # a grader's hostile comment reaches every later page (the comment list, the current grade)
    save_grade(gradebook, lab(), ASSIGNMENT, item, views[0], ta, ["range"], 0.0, HTML_PAYLOADS[0] + HTML_MORE[6], 0)
    with serving(gradebook) as app:
        page, watch = logged_in(browser, app, "prof-kowalska", "instructor")
        pages = [queue_url(app)] + [answer_url(app, v.alias) for v in views]
        pages += [answer_url(app, v.alias, i.id) for i in gradable_items(lab()) if i.id != ITEM for v in views[:2]]
        for url in pages:
            response = page.goto(url, wait_until="load")
            assert response.ok, f"{url} answered {response.status}"
            page.wait_for_timeout(50)  # let a timer or an event handler fire if one got in
            watch.assert_clean()
            assert page.evaluate(APP_SCRIPTS) == [app.base_url + path for path in APP_SCRIPT_PATHS], (
                f"{url}: a script got in"
            )
            assert page.evaluate("getComputedStyle(document.body).display") != "none", f"{url}: a style got in"
            if "/a/" in url and not url.endswith("/"):
                answer = page.locator("#answer")
                assert answer.inner_text().strip() and not answer.locator(".empty").count(), f"{url}: no answer shown"
                assert unsafe_markup(answer.inner_html()) == [], f"{url}: live markup in the answer"
                # a figure that is not a PNG keeps an empty src (inert: no request, only a broken image)
                for image in page.locator("img").all():
                    source = image.get_attribute("src") or ""
                    assert source == "" or source.startswith("data:image/png;base64,"), f"{url}: image {source[:60]}"
        watch.assert_clean()


# --- 5. logging out ends access -----------------------------------------------------------------


def test_logout_ends_the_session_and_its_cookie(browser, app, gradebook):
    alias = to_grade(gradebook)[0].alias
    page, watch = logged_in(browser, app, "ta-basia")
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == ["grader_session"]
    replay = browser.new_context()
    replay.add_cookies(cookies)
    replayed = replay.new_page()
    assert replayed.goto(app.base_url + "/").status == 200, "a live cookie in another context must work"

    with page.expect_navigation():
        page.locator("#logout").click()
    assert page.locator("h1").inner_text() == "Logged out"
    assert page.context.cookies() == []
    for url in (app.base_url + "/", answer_url(app, alias), queue_url(app)):
        response = page.goto(url)
        assert response.status == 401, f"{url} after logout answered {response.status}"
        assert "grader users link" in page.content()
        assert not page.locator("#logout").count()
    for url in (app.base_url + "/", answer_url(app, alias)):
        response = replayed.goto(url)
        assert response.status == 401, f"the ended session's cookie still opens {url} ({response.status})"
    replay.close()
    watch.assert_clean()


# --- 6. LaTeX in answers ------------------------------------------------------------------------

TEX_ANSWERS = (
    r"The KL term is $\frac{1}{2}\sum_i (\mu_i^2 + \sigma_i^2 - \log \sigma_i^2 - 1)$ and $$x_1 < x_2$$",
    r"Links are not followed: $\href{javascript:alert(1)}{click}$ $\url{javascript:alert(2)}$",
    r"Nor is HTML: $</span><img src=x onerror=alert(3)>$ $\htmlClass{evil}{x}$ $$\htmlStyle{display:none}{y}$$",
)


def test_tex_is_rendered_by_the_self_hosted_katex_and_hostile_tex_stays_inert(browser, tmp_path):
    the_lab = lab()
    gradebook = Gradebook(f"sqlite:///{tmp_path}/tex.db")
    rng = random.Random(0)
    for n, text in enumerate(TEX_ANSWERS):
        result = student_result(the_lab, f"student{n:03d}", rng)
        items = tuple(replace(r, status=Outcome.MANUAL, answer=text) if r.item_id == ITEM else r for r in result.items)
        grade = score(replace(result, items=items), the_lab.rubric, {}, the_lab.rubric_hash)
        gradebook.record(
            grade, export.submission_document(grade, "pl"), export.grader_version(), "k1", assignment=ASSIGNMENT
        )
    with serving(gradebook) as app:
        page, watch = logged_in(browser, app, "ta-tex")
        for view in answer_views(gradebook):
            page.goto(answer_url(app, view.alias), wait_until="load")
            page.wait_for_timeout(50)
            watch.assert_clean()  # no dialog, no CSP violation (KaTeX styles through the CSSOM), no request out
            answer = page.locator("#answer")
            assert answer.locator(".katex").count() >= 1, f"{view.answer}: not rendered"
            assert answer.locator("img, a[href^='javascript'], .evil").count() == 0, answer.inner_html()
            if view.answer.startswith("The KL"):
                assert answer.locator(".katex-display").count() == 1 and answer.locator("mfrac").count() == 1
    gradebook.close()
