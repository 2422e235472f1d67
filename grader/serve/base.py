"""What the page modules (:mod:`.instructor`, :mod:`.rounds`) use of the app's state: a
Protocol, so that they depend on this contract and :mod:`.app`, which registers them, on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from ..gradebook import Gradebook
from ..manual.accounts import Session, User


class Pages(Protocol):
    gradebook: Gradebook
    lang: str
    out_dir: Path | None

    def course(self, assignment: str) -> Any: ...
    def item(self, course: Any, item_id: str) -> Any: ...
    def answer(self, course: Any, item: Any, alias: str) -> Any: ...
    def answer_context(self, course: Any, item: Any, alias: str, user: User, **extra: Any) -> dict: ...
    def student_of(self, course: Any, alias: str) -> str: ...
    def release_dir(self, assignment: str) -> Path: ...
    def page(
        self, request: Request, template: str, session: Session | None, status: int = 200, **context: Any
    ) -> Response: ...
    def forbidden(self, request: Request, session: Session) -> Response: ...
    def redirect(self, *parts: str) -> Response: ...
