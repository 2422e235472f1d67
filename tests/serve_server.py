"""``grader serve``'s app run by uvicorn on 127.0.0.1 (a free port) in a thread, for browser tests
and the benchmark: the real server, the real sockets, stopped at the end."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from grader.gradebook import Gradebook
from grader.manual import accounts
from grader.serve.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    base_url: str
    gradebook: Gradebook

    def login_url(self, name: str, role: str = "ta") -> str:
        """A new account's one-time login link (or a new link for an existing account)."""
        if accounts.find_user(self.gradebook, name) is None:
            accounts.add_user(self.gradebook, name, role)
        return f"{self.base_url}/login/{accounts.login_link(self.gradebook, name)}"


@contextlib.contextmanager
def serving(gradebook: Gradebook, lang: str = "en") -> Iterator[Running]:
    port = free_port()
    app = create_app(gradebook, allowed_hosts=["127.0.0.1"], lang=lang)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start on 127.0.0.1")
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", gradebook)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
