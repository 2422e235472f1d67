"""One lock around CPython's parser: ``ast.parse``, ``symtable`` and ``compile`` are not safe to
call from several threads at once in CPython 3.11 (``SystemError: AST constructor recursion depth
mismatch``), and the judge runs submissions in threads. Parsing a notebook takes milliseconds."""
from __future__ import annotations

import threading

parse_lock = threading.RLock()
