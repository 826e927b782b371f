"""Window geometry, last project and operator name, kept in an INI file in the user data folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from wulong_desk.fileio import private_file
from wulong_desk.paths import user_data_dir


def settings() -> QSettings:
    """The settings file, readable by its owner only (0600; Qt keeps the mode when it saves):
    it names folders, the server's address and the operator."""
    folder = user_data_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "settings.ini"
    private_file(path)   # created owner-only, or an older 0644 file restricted
    return QSettings(str(path), QSettings.Format.IniFormat)


def remember(key: str, value: object) -> None:
    """Keep `value` under `key`, writing the file only when it changes: each write saves the
    whole file to disk (10–20 ms), and the start remembers the operator and the project
    every time (bench/bench_ui.py)."""
    kept = settings()
    if not kept.contains(key) or kept.value(key, None, type(value)) != value:
        kept.setValue(key, value)
