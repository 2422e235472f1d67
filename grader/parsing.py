"""CPython's parser, made safe for the judge's threads.

CPython 3.11 keeps the AST constructor's recursion counter in interpreter-wide state, so
``ast.parse`` running in two threads at once can fail with ``SystemError: AST constructor
recursion depth mismatch`` (CPython gh-106905, fixed in later releases). The judge grades
submissions in threads: every parse here holds one lock (numpy's ``.npy`` reader parses its
header with ``ast.literal_eval``, so reading arrays from the sandbox goes through
:func:`guarded` too), and a parse that fails with exactly this error is retried.
Parsing a notebook takes milliseconds.
"""

from __future__ import annotations

import ast
import symtable
import threading
from typing import Literal, overload

parse_lock = threading.RLock()
_RETRIES = 5


@overload
def parse(source: str, mode: Literal["exec"] = "exec") -> ast.Module: ...
@overload
def parse(source: str, mode: Literal["eval"]) -> ast.Expression: ...
def parse(source: str, mode: str = "exec") -> ast.AST:
    """``ast.parse`` under :data:`parse_lock`: a module for ``exec`` (the default), an expression for ``eval``."""
    return guarded(lambda: ast.parse(source, mode=mode))


def symbol_table(source: str) -> symtable.SymbolTable:
    return guarded(lambda: symtable.symtable(source, "<cell>", "exec"))


def guarded(fn):
    for attempt in range(_RETRIES):
        with parse_lock:
            try:
                return fn()
            except SystemError as exc:
                if "recursion depth mismatch" not in str(exc) or attempt == _RETRIES - 1:
                    raise
