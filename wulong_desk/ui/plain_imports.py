"""Import the store's libraries past PySide6's `__feature__` import layer.

Once PySide6 is loaded it wraps the import function in a layer that reads the whole source
text of every module imported afterwards, to support its optional `from __feature__ import`
syntax, which this program does not use. The store's libraries (SQLAlchemy and the models,
some 200 modules) are imported after the window is on screen, so that layer made the clerk
wait: 245–260 ms against 200–222 ms without it (bench/bench_ui.py, and timing
`import sqlalchemy.orm, wulong_desk.store` after `import PySide6.QtWidgets`). The import
function put in its place for the block is the one PySide6 keeps as `__orig_import__` (in
PySide6 6.12 its own lazy loader, which stays in use); only the feature layer is skipped.
The swap holds for every thread while the block runs, so the block holds import statements
only, and nothing imported inside uses PySide6.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()


@contextmanager
def plain_imports() -> Iterator[None]:
    """Imports inside the block skip PySide6's feature layer (when there is one); the layer is
    restored after, whatever happens. One thread at a time."""
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
