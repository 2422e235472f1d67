"""The grader imports and sets its limits where the Linux-only parts are missing (macOS has no
unshare or prctl, Windows no CDLL(None) and no geteuid), and a Linux laptop's threads do not
count against a sandbox's own process budget."""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import sys
import threading
import types

import pytest

from grader import selfcheck
from grader.errors import SelfCheckError
from grader.sandbox import namespaces
from grader.settings import Settings, user_tasks


def test_importing_the_sandbox_needs_no_linux_only_libc_call(monkeypatch):
    class NoUnshare:  # macOS's libc: dlopen works, dlsym(unshare) fails
        def __init__(self, *_args, **_kwargs):
            pass

        def __getattr__(self, name):
            raise AttributeError(f"dlsym(RTLD_DEFAULT, {name}): symbol not found")

    monkeypatch.setattr(ctypes, "CDLL", NoUnshare)
    try:
        reloaded = importlib.reload(namespaces)
        importlib.import_module("grader.selfcheck")  # the student's entry point imports the chain
        with pytest.raises(AttributeError, match="symbol not found"):
            reloaded._libc()  # only the forked Linux child ever asks for it
    finally:
        monkeypatch.undo()
        importlib.reload(namespaces)


def test_limits_are_set_without_geteuid(monkeypatch):
    monkeypatch.delattr(os, "geteuid")
    limits = Settings().sandbox_limits()
    assert "RLIMIT_NPROC" not in limits and limits["RLIMIT_CORE"] == 0


def test_a_users_own_threads_do_not_eat_the_sandbox_budget(monkeypatch):
    """RLIMIT_NPROC counts every thread of the user: the limit is what runs now plus the budget."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    stop = threading.Event()
    threads = [threading.Thread(target=stop.wait) for _ in range(50)]
    for t in threads:
        t.start()
    try:
        now = user_tasks()
        limit = Settings(max_processes=64).sandbox_limits()["RLIMIT_NPROC"]
        assert now >= 50 and now <= limit - 64 + 5  # the threads started here are counted
        assert limit >= 64 + 50
    finally:
        stop.set()
        for t in threads:
            t.join()


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_the_self_check_stops_where_its_sandbox_is_untested_and_names_what_works(monkeypatch, tmp_path, platform):
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv(selfcheck.TRY_ANYWAY, raising=False)
    for lang, words in (("en", "Use Colab, WSL2 or the course's web self-check"), ("pl", "Użyj Colab, WSL2")):
        with pytest.raises(SelfCheckError, match=words) as caught:
            selfcheck.run_self_check(tmp_path / "lab.ipynb", "generative-tf", Settings(lang=lang))
        assert platform in str(caught.value) and selfcheck.TRY_ANYWAY in str(caught.value)
    assert selfcheck.supported_platform("linux")
    monkeypatch.setenv(selfcheck.TRY_ANYWAY, "1")
    assert selfcheck.supported_platform(platform)


def test_on_colab_the_notebook_comes_from_the_editor(monkeypatch, tmp_path):
    """Colab keeps the notebook in the browser, not on the runtime's disk: grader.check() asks the
    editor (get_ipynb) for what it shows, and checks that."""
    shown = {"cells": [], "metadata": {"grader": {"lab": "generative-tf"}}, "nbformat": 4, "nbformat_minor": 5}
    asked = []

    def blocking_request(request, timeout_sec):
        asked.append((request, timeout_sec))
        return {"ipynb": shown}

    monkeypatch.setitem(sys.modules, "google.colab._message", types.SimpleNamespace(blocking_request=blocking_request))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    path = selfcheck._current_notebook()
    assert asked == [("get_ipynb", 30)] and json.loads(path.read_text()) == shown
    assert selfcheck.lab_from_metadata(path) == "generative-tf"


def test_without_colab_or_a_saved_notebook_the_fix_is_named(monkeypatch):
    def broken(request, timeout_sec):
        raise TimeoutError("no reply from the editor")

    monkeypatch.setitem(sys.modules, "google.colab._message", types.SimpleNamespace(blocking_request=broken))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    with pytest.raises(SelfCheckError, match="save the notebook"):
        selfcheck._current_notebook()
