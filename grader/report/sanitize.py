"""Turning untrusted student content into HTML that is safe to embed in a report.

Student markdown and notebook outputs are written by someone else and opened by an
instructor: treat them like any web form input. Two layers, so that a bug in one is not enough:

1. markdown-it-py in ``commonmark`` mode with ``html`` off: raw HTML in the markdown becomes
   escaped text, and its link validator refuses ``javascript:``/``vbscript:``/``data:`` links.
2. nh3 (ammonia) cleans the rendered HTML against a small allow-list of tags; ``a`` keeps only
   ``href`` with an http/https/mailto scheme, images are dropped (no tracking pixels, no
   ``onerror``), every link gets ``rel="noopener noreferrer nofollow"``.

The report pages also carry a Content-Security-Policy that forbids scripts (see render.py).

:func:`markdown_with_math_to_safe_html` is the same with ``$...$`` and ``$$...$$`` kept as
``<span class="math inline">`` / ``<div class="math block">`` holding the escaped TeX: what
``grader serve`` renders with its self-hosted KaTeX (``katex.render`` builds the DOM itself, so
the TeX is never parsed as HTML). The only classes allowed are those two.
"""

from __future__ import annotations

import base64
import binascii
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

ALLOWED_TAGS = frozenset(
    {
        "p",
        "em",
        "strong",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "hr",
        "del",
        "s",  # markdown-it renders ~~strike~~ as <s>
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # GitHub-style tables and ~~strike~~ are what students type in Jupyter; both are rules of
    # markdown-it-py's core that the commonmark preset leaves off.
    for rule in ("table", "strikethrough"):
        try:
            md.enable(rule)
        except ValueError:
            pass
    return md


_MD = _markdown()
_MD_MATH = _markdown().use(dollarmath_plugin, allow_space=True, double_inline=True)
# $$...$$ on a line of its own is div.math.block; inside a sentence, div.math.inline
MATH_CLASSES = {"span": {"math", "inline"}, "div": {"math", "block", "inline"}}


def clean_html(html: str) -> str:
    """Reduce ``html`` to the report's allow-list (tags, ``a[href]``, safe URL schemes)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def markdown_to_safe_html(text: str) -> Markup:
    """Render student markdown to sanitised HTML, marked safe for Jinja autoescaping."""
    return Markup(clean_html(_MD.render(text or "")))


def markdown_with_math_to_safe_html(text: str) -> Markup:
    """As :func:`markdown_to_safe_html`, with the TeX of ``$...$`` and ``$$...$$`` kept as
    escaped text in ``span.math.inline`` / ``div.math.block`` for a client-side renderer."""
    html = _MD_MATH.render(text or "")
    return Markup(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS) | {"span", "div"},
            attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
            allowed_classes=MATH_CLASSES,
            url_schemes=set(URL_SCHEMES),
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )


def png_data_uri(b64: str) -> str:
    """A ``data:image/png;base64,`` URI for a stored PNG, or ``""`` if it is not a valid PNG.

    The base64 comes from the student's notebook: re-validate the alphabet and the PNG
    signature and re-encode, so nothing but base64 can reach the ``src`` attribute.
    """
    compact = "".join((b64 or "").split())  # nbformat wraps base64 across lines
    if not compact or not _BASE64.fullmatch(compact):
        return ""
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return ""
    if not raw.startswith(_PNG_MAGIC):
        return ""
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii")
