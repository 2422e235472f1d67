"""HTML reports: escaping of everything a student controls, CSP, languages, dashboard numbers."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from grader.i18n import Text
from grader.outcomes import CheckResult, Feedback, Figure, Outcome, Table
from grader.report import markdown_to_safe_html, png_data_uri, render_dashboard, render_student_report, write_reports
from grader.report.dashboard import histogram
from grader.report.files import safe_filename
from tests.factories import PNG_1X1, RUBRIC_ITEMS, make_check, make_grade

HOSTILE_ANSWER = """My answer <script>alert(1)</script>

<img src=x onerror=alert(1)>

[click me](javascript:alert(1)) and [docs](https://example.org/x)

<iframe src="https://evil.example"></iframe>

| a | b |
|---|---|
| 1 | 2 |
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def assert_inert(html: str) -> TagCollector:
    """No script, iframe, event handler, javascript: URL or non-data image in ``html``."""
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered
    parsed = TagCollector(html)
    names = {name for name, _ in parsed.tags}
    assert not names & {"script", "iframe", "object", "embed", "form", "base"}
    for name, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (name, attrs)
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:"))
    for img in parsed.named("img"):
        assert img["src"].startswith("data:image/png;base64,")
    return parsed


def hostile_grade():
    check = make_check(
        status=Outcome.FAILED,
        expected="<b>bold</b>",
        got="<b onmouseover=x>",
        traceback="Traceback\n  <script>alert(2)</script>\nValueError: <i>",
    )
    return make_grade(
        student='evil"><script>alert(3)</script>',
        answer=HOSTILE_ANSWER,
        code_status=Outcome.FAILED,
        checks=(check,),
        file="<img src=x onerror=alert(4)>.ipynb",
        figures=(Figure(cell=7, png_base64=PNG_1X1), Figure(cell=8, png_base64='x" onerror="alert(5)')),
    )


def test_student_report_escapes_everything_the_student_controls():
    html = render_student_report(hostile_grade(), "en", "Autoencoders", {})
    parsed = assert_inert(html)
    assert "b" not in {name for name, _ in parsed.tags}  # expected/got <b> stays text
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # traceback shown, escaped
    links = parsed.named("a")
    assert [a["href"] for a in links] == ["https://example.org/x"]
    assert links[0]["rel"] == "noopener noreferrer nofollow"
    assert len(parsed.named("img")) == 1  # the valid figure; the forged one is dropped
    assert parsed.named("table")  # markdown table rendered


def test_the_graders_feedback_is_shown_in_both_languages_and_sanitised_like_student_text():
    """A TA's comment is untrusted too (a paste from anywhere): it goes through the same
    sanitiser; the criteria applied are shown with their points, in the report's language."""
    grade = make_grade(manual_points=0.5)
    feedback = Feedback(
        criteria=(("range", 0.5, Text("Zakres [0, 1]", "The [0, 1] range")),),
        comment="**Good.** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
        adjustment=-0.25,
    )
    items = tuple(dataclasses.replace(i, feedback=feedback) if i.id == "q1" else i for i in grade.items)
    grade = dataclasses.replace(grade, items=items)
    for lang, label, text in (
        ("en", "The grader&#39;s feedback", "The [0, 1] range"),
        ("pl", "Ocena prowadzącego", "Zakres [0, 1]"),
    ):
        html = render_student_report(grade, lang, "Lab", {})
        parsed = assert_inert(html)
        assert label in html and f"<strong>+0.5</strong> {text}" in html and "<strong>-0.25</strong>" in html
        assert "<strong>Good.</strong>" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not parsed.named("img") and all("javascript" not in a.get("href", "") for a in parsed.named("a"))


def test_every_page_has_csp_and_lang():
    for lang in ("pl", "en"):
        for html in (
            render_student_report(make_grade(), lang, "Lab", {}),
            render_dashboard([make_grade()], lang, "Lab", RUBRIC_ITEMS, {}, {}),
        ):
            parsed = TagCollector(html)
            metas = [m for m in parsed.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
            assert [m["content"] for m in metas] == [CSP]
            assert parsed.named("html") == [{"lang": lang}]
            assert not parsed.named("script") and not parsed.named("link")


def test_polish_and_english_labels_differ():
    figure = (Figure(cell=3, png_base64=PNG_1X1),)
    pl = render_student_report(make_grade(figures=figure), "pl", "Lab", {})
    en = render_student_report(make_grade(figures=figure), "en", "Lab", {})
    assert pl != en
    assert "zapisany wynik, komórka 4 (nie uruchamiany ponownie)" in pl  # cell index 3 is the 4th cell
    assert "stored output, cell 4 (not re-run)" in en
    assert "Oczekiwano" not in en and "Suma" in pl and "Total" in en
    assert "Koder" in pl and "Encoder" in en
    assert "<th>Status</th>" in en and "<th>Plik</th>" in pl and "<th>File</th>" in en
    assert "zaliczone" in pl and "ocena ręczna" in pl and "manual" in en


def test_student_report_header_error_and_standin_note():
    grade = make_grade("anna", error=Text(pl="Plik jest pusty", en="The file is empty"))
    html = render_student_report(grade, "en", "Lab", {"generated": "2024-01-01"})
    assert 'class="error"' in html and "The file is empty" in html
    assert "anna" in html and "ababababab" in html and "2 / 3" in html
    assert "MNIST stand-in built from scikit-learn digits" in html
    plain = render_student_report(make_grade(environment={"mnist": "/data/mnist.npz"}), "en", "Lab", {})
    assert "stand-in" not in plain and "/data/mnist.npz" in plain
    assert 'class="error"' not in plain


def test_failed_check_shows_expected_got_and_hint_hidden_check_does_not():
    public = make_check(status=Outcome.FAILED, expected="(None, 42)", got="(None, 21)")
    hidden = CheckResult(
        id="secret",
        title=Text.same("Secret"),
        status=Outcome.FAILED,
        public=False,
        expected="THE-ANSWER",
        got="nope",
        hint=Text.same("SECRET-HINT"),
    )
    html = render_student_report(make_grade(code_status=Outcome.FAILED, checks=(public, hidden)), "en", "Lab", {})
    assert "(None, 42)" in html and "(None, 21)" in html and "Check the stride" in html
    assert "THE-ANSWER" not in html and "SECRET-HINT" not in html and "hidden check" in html


def test_pending_prose_shows_awaiting_and_rendered_answer():
    html = render_student_report(make_grade(answer="**bold** claim"), "en", "Lab", {})
    assert "awaiting scoring" in html and "<strong>bold</strong>" in html


def test_markdown_sanitiser_drops_dangerous_markup():
    html = str(markdown_to_safe_html(HOSTILE_ANSWER + "\n![x](https://t.example/p.png)"))
    assert_inert(html)
    assert "<img" not in html and "<table>" in html
    assert "&lt;script&gt;" in html  # raw HTML in markdown is shown as text


@pytest.mark.parametrize("payload", ["", "not base64!", 'AAAA" onerror="x', "aGVsbG8="])
def test_png_data_uri_rejects_non_png(payload):
    assert png_data_uri(payload) == ""


def test_png_data_uri_accepts_wrapped_png():
    wrapped = PNG_1X1[:20] + "\n" + PNG_1X1[20:]
    assert png_data_uri(wrapped) == "data:image/png;base64," + PNG_1X1


def test_histogram_bins():
    assert histogram([0, 1, 2, 3, 3, 3.5], 3.0) == [1, 0, 0, 1, 0, 0, 1, 0, 0, 3]
    assert histogram([], 10.0) == [0] * 10
    assert histogram([0.0, 0.0], 0.0) == [2] + [0] * 9


def _grades_for_dashboard():
    broken = CheckResult(id="check_x", title=Text.same("X"), status=Outcome.GRADER_ERROR)
    return [
        make_grade("s1", duration_s=5.0),
        make_grade("s2", code_status=Outcome.FAILED, duration_s=9.0, answer=None),
        make_grade("s3", code_status=Outcome.GRADER_ERROR, checks=(broken,), duration_s=1.0),
        make_grade(
            "s4", error=Text(pl="Pusty plik", en="Empty file"), answer=None, code_status=Outcome.MISSING, duration_s=0.5
        ),
    ]


def test_dashboard_histogram_rates_lists_and_links():
    grades = _grades_for_dashboard()
    links = {g.student: f"students/{g.student}.html" for g in grades}
    html = render_dashboard(grades, "en", "Autoencoders", RUBRIC_ITEMS, {}, links)
    parsed = assert_inert(html)
    assert len(parsed.named("svg")) == 1
    counts = [int(r["data-count"]) for r in parsed.named("rect")]
    assert counts == histogram([g.total for g in grades], 3.0) == [3, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert "1 / 4 (25%)" in html  # encoder passed by s1 only
    assert "2 / 4 (50%)" in html  # q1 answered by s1 and s3
    assert html.count('href="students/s1.html"') == 2  # submissions + slowest
    attention = html.split("Needs attention")[1].split("<h2>")[0]
    assert "s3" in attention and "grader error in encoder" in attention
    assert "s4" in attention and "Empty file" in attention and "s1" not in attention
    slowest = html.split("Slowest submissions")[1]
    assert slowest.index("s2") < slowest.index("s1") < slowest.index("s3")
    assert "9.0 s" in slowest
    assert "mean check time [s]" in html


def test_write_reports_writes_safe_files(tmp_path):
    grades = [hostile_grade(), make_grade("a b"), make_grade("a_b"), make_grade("../etc")]
    index = write_reports(tmp_path, grades, "pl", "Lab", RUBRIC_ITEMS, {"run": "1"})
    pages = sorted(p.name for p in (tmp_path / "students").iterdir())
    assert index == tmp_path / "index.html" and len(pages) == 4
    assert all(set(p) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") for p in pages)
    assert "a_b.html" in pages and "a_b-2.html" in pages and "_etc.html" in pages
    dashboard = index.read_text(encoding="utf-8")
    hrefs = [a["href"] for a in TagCollector(dashboard).named("a")]
    assert {h for h in hrefs} == {f"students/{p}" for p in pages}
    for page in [index, *(tmp_path / "students").iterdir()]:
        assert_inert(page.read_text(encoding="utf-8"))


def test_safe_filename():
    assert safe_filename("Jan Kowalski/ż") == "Jan_Kowalski__"
    assert safe_filename("..") == "student"
    assert safe_filename(".hidden") == "hidden"


def test_information_tables_are_shown_escaped_and_marked_not_scored():
    grade = make_grade()
    code = grade.items[0]
    table = Table(
        Text("Wynik odniesienia", "Reference result"),
        (Text("wejście", "input"), Text("dokładność", "accuracy")),
        (("<script>alert(6)</script>", "0.804"),),
        note=Text("notka <b>", "note <b>"),
    )
    item = dataclasses.replace(code, result=dataclasses.replace(code.result, tables=(table,)))
    html = render_student_report(dataclasses.replace(grade, items=(item, *grade.items[1:])), "en", "Lab", {})
    parsed = assert_inert(html)
    assert "Reference result" in html and "not scored" in html and "0.804" in html
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in html and "note &lt;b&gt;" in html
    assert "b" not in {name for name, _ in parsed.tags}


def test_dashboard_shows_each_code_items_mean_check_time():
    grades = [
        make_grade("s1", checks=(make_check(duration_s=1.5), make_check("check_b", duration_s=0.5))),
        make_grade("s2", checks=(make_check(duration_s=4.0),)),
    ]
    html = render_dashboard(grades, "en", "Lab", RUBRIC_ITEMS, {}, {})
    encoder_row = html.split("<code>encoder</code>")[1].split("</tr>")[0]
    assert "<td>3.00</td>" in encoder_row  # mean of 2.0 and 4.0 s
    q1_row = html.split("<code>q1</code>")[1].split("</tr>")[0]
    assert "<td></td>" in q1_row  # a prose item has no checks to time


def test_environment_lists_and_mappings_read_as_text():
    env = {"isolation": ["process", "warm-fork"], "worker": {"start": "warm", "why": "forked from the <tf> zygote"}}
    html = render_student_report(make_grade(environment=env), "en", "Lab", {})
    assert "process, warm-fork" in html and "start: warm; why: forked from the &lt;tf&gt; zygote" in html
    assert "['process'" not in html and "{'" not in html
