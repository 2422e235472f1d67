"""`grader users` and `grader serve` from the command line: a link that logs in, the refusals
with their exit codes, and the server really listening on 127.0.0.1 only."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
from starlette.testclient import TestClient

from grader.cli import main
from grader.manual import accounts
from grader.serve.app import create_app
from tests.serve_class import make_class
from tests.serve_server import free_port


def test_users_add_prints_a_one_time_link_and_refuses_a_taken_name(tmp_path, capsys):
    make_class(f"sqlite:///{tmp_path}/gradebook.db", 2).close()
    assert main(["users", "add", "Ala Kot", "--role", "ta", "--out", str(tmp_path)]) == 0
    link = re.search(r"http://127\.0\.0\.1:8000/login/(\S+)", capsys.readouterr().out)
    assert link and len(link.group(1)) >= 40
    assert main(["users", "add", "Ala Kot", "--role", "ta", "--out", str(tmp_path)]) == 16
    assert "already has an account" in capsys.readouterr().err
    assert main(["users", "link", "nobody", "--out", str(tmp_path)]) == 16
    assert "has no account" in capsys.readouterr().err
    assert main(["users", "add", "<script>", "--role", "ta", "--out", str(tmp_path)]) == 16
    assert main(["users", "list", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "Ala Kot\tta\n"


def test_a_disabled_account_is_logged_out_and_its_link_is_dead(tmp_path, capsys):
    book = make_class(f"sqlite:///{tmp_path}/gradebook.db", 2)
    accounts.add_user(book, "tb", "ta")
    app = create_app(book, allowed_hosts=["127.0.0.1"])
    c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    origin = {"origin": "http://127.0.0.1"}
    assert c.post("/login", data={"token": accounts.login_link(book, "tb")}, headers=origin).status_code == 303
    unused = accounts.login_link(book, "tb")
    assert c.get("/").status_code == 200
    assert main(["users", "disable", "tb", "--out", str(tmp_path)]) == 0
    assert c.get("/").status_code == 401
    assert c.post("/login", data={"token": unused}, headers=origin).status_code == 403
    assert main(["users", "disable", "tb", "--out", str(tmp_path)]) == 16
    assert accounts.users(book) == []
    book.close()


def test_serve_without_a_gradebook_names_the_fix(tmp_path, capsys):
    assert main(["serve", "--out", str(tmp_path / "nothing")]) == 2
    assert "grade a class first" in capsys.readouterr().err


def test_serve_listens_on_127_0_0_1_and_refuses_another_host_name(tmp_path):
    make_class(f"sqlite:///{tmp_path}/gradebook.db", 2).close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "serve", "--out", str(tmp_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and server.poll() is None, server.stdout.read().decode()
                time.sleep(0.2)
        assert response.status_code == 401 and "login link" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"host": "rebound.example"}).status_code == 400
    finally:
        server.terminate()
        server.communicate(timeout=20)  # reaps it and closes its pipe
