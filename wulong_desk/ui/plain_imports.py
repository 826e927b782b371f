"""Import the store's libraries with Python's own import function.

Once PySide6 is loaded it wraps Python's import function: every module imported afterwards has
its whole source text read and searched, to support PySide6's optional `from __feature__ import`
syntax, which this program does not use. The store's libraries (SQLAlchemy and the models,
some 200 modules) are imported after the window is on screen, so the wrapper made the clerk
wait for it: 245–260 ms against 200–222 ms without it (bench/bench_ui.py, and timing
`import sqlalchemy.orm, wulong_desk.store` after `import PySide6.QtWidgets`). Nothing imported
inside uses PySide6.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()


@contextmanager
def plain_imports() -> Iterator[None]:
    """Imports inside the block skip PySide6's wrapper (when there is one); restored after,
    whatever happens. One thread at a time."""
    original = getattr(builtins, "__orig_import__", None)  # kept there by PySide6's wrapper
    with _lock:
        wrapped = builtins.__import__
        if original is None or wrapped is original:
            yield
            return
        builtins.__import__ = original
        try:
            yield
        finally:
            builtins.__import__ = wrapped
