"""``grader serve``: the web app in which instructors and TAs grade the answers a person scores.

Server-rendered pages (Jinja2) over the use cases of :mod:`grader.manual` and :mod:`grader.service`;
they work without JavaScript, and one small self-hosted script adds the keyboard shortcuts.
The app reads and writes the gradebook ``grader grade`` wrote, and never runs student code.

:mod:`.security` holds what stands between a hostile answer or a foreign page and the
gradebook (Host check, CSRF token and Origin check, strict CSP and the other headers, login rate
limit); :mod:`.app` assembles the routes. docs/serve.md walks an instructor through it,
docs/security.md has its threat model.
"""
