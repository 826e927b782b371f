"""Temporary files that may hold personal data stay in a private folder of the user data folder
(owner-only), never in the system's temp folder, and never outlive the export that made them.

* Each process has a folder of its own there, made the standard library's default for
  temporary files (`tempfile.tempdir`) at start and before each export: openpyxl asks
  `tempfile` for the files it streams a sheet through (the ledger: names, ID numbers). openpyxl
  removes them when the workbook is saved; when an export fails or is cancelled,
  `private_temp_files` removes what it left.
* A batch of agreements is built in a hidden staging folder beside its output (so it can be
  moved into place by a rename); while it exists a note in the private folder says where.

A process killed midway leaves these behind; `clean_at_start` removes what belonged to
processes that are gone: every entry of the private folder begins with its owner's process id.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from wulong_desk.paths import user_data_dir

STAGING_NOTE = "staging"
T = TypeVar("T")
_exports = threading.Lock()  # guards _running
_running = 0  # exports under private_temp_files now, in this process


def temp_root(create: bool = True) -> Path:
    root = user_data_dir() / "tmp"
    if create:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(root, 0o700)
    return root


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_at_start() -> int:
    """Remove what killed processes left in the private folder (and the staging folders they
    noted). Returns how many entries were removed."""
    root = temp_root(create=False)
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        head = entry.name.split(".", 1)[0]
        if head.isascii() and head.isdigit() and _alive(int(head)):
            continue
        if entry.is_file() and f".{STAGING_NOTE}." in entry.name:
            _remove_staging(entry)
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def _remove_staging(note: Path) -> None:
    try:
        staging = Path(note.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return
    # only what this app makes: a hidden folder named .<name>.<random>.tmp
    if staging.name.startswith(".") and staging.name.endswith(".tmp") and staging.is_dir() \
            and not staging.is_symlink():
        shutil.rmtree(staging, ignore_errors=True)


def use_private_temp_folder() -> Path:
    """This process's folder in the private folder (owner-only), made the default folder of the
    standard library's temporary files (openpyxl's among them). Returns it."""
    folder = temp_root() / f"{os.getpid()}.process"
    folder.mkdir(mode=0o700, exist_ok=True)
    tempfile.tempdir = str(folder)  # documented: the default `dir` of every tempfile function
    return folder


def private_temp_files(function: Callable[..., T]) -> Callable[..., T]:
    """Run `function` (it writes a workbook) with temporary files in the private folder; if it
    fails or is cancelled, the sheet files openpyxl made meanwhile and left are removed (unless
    another export of this process is writing there at that moment: then they go when the
    process exits, or at the next start)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        global _running
        folder = use_private_temp_folder()
        before = set(folder.glob("openpyxl.*"))
        with _exports:
            _running += 1
        try:
            return function(*args, **kwargs)
        except BaseException:
            with _exports:
                if _running == 1:
                    for left in set(folder.glob("openpyxl.*")) - before:
                        left.unlink(missing_ok=True)
            raise
        finally:
            with _exports:
                _running -= 1

    return wrapper


@contextmanager
def noted_staging(staging: Path) -> Iterator[Path]:
    """While a staging folder exists, a note says where, so a killed batch's folder is removed
    at the next start."""
    note = temp_root() / f"{os.getpid()}.{STAGING_NOTE}.{secrets.token_hex(4)}"
    note.write_text(str(staging), encoding="utf-8")
    try:
        yield staging
    finally:
        note.unlink(missing_ok=True)
