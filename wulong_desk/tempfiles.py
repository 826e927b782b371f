"""Temporary files that may hold personal data stay in a private folder of the user data folder
(owner-only), never in the system's temp folder, and never outlive the export that made them.

* openpyxl streams a write-only workbook (the ledger: names, ID numbers) through temporary
  files; they are made in a folder of their own for each export, removed when it ends.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from wulong_desk.paths import user_data_dir

_FOLDER: ContextVar[Path | None] = ContextVar("openpyxl_temp_folder", default=None)
STAGING_NOTE = "staging"
T = TypeVar("T")


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


def _openpyxl_temporary_file(suffix: str = "") -> str:
    """openpyxl's temporary file for a write-only sheet, made in the private folder."""
    from openpyxl.worksheet import _writer

    folder = _FOLDER.get()
    if folder is None:  # a workbook written outside `private_temp_files`: the process's own
        folder = temp_root() / f"{os.getpid()}.process"
        folder.mkdir(mode=0o700, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=suffix, prefix="openpyxl.", dir=folder)
    os.close(fd)
    _writer.ALL_TEMP_FILES.append(name)
    return name


def _redirect_openpyxl() -> None:
    from openpyxl.worksheet import _writer

    _writer.create_temporary_file = _openpyxl_temporary_file


@contextmanager
def openpyxl_temp() -> Iterator[Path]:
    """A private folder for openpyxl's temporary files during one export, removed after it."""
    _redirect_openpyxl()
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}.", suffix=".xlsx",
                                   dir=temp_root()))
    token = _FOLDER.set(folder)
    try:
        yield folder
    finally:
        _FOLDER.reset(token)
        shutil.rmtree(folder, ignore_errors=True)


def private_temp_files(function: Callable[..., T]) -> Callable[..., T]:
    """Run `function` with openpyxl's temporary files in a private folder of their own."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with openpyxl_temp():
            return function(*args, **kwargs)

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
