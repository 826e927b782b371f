"""Window geometry, last project and operator name, kept in an INI file in the user data folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from wulong_desk.paths import user_data_dir


def settings() -> QSettings:
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def remember(key: str, value: object) -> None:
    """Keep `value` under `key`, writing the file only when it changes: each write saves the
    whole file to disk (10–20 ms), and the start remembers the operator and the project
    every time (bench/bench_ui.py)."""
    kept = settings()
    if not kept.contains(key) or kept.value(key, None, type(value)) != value:
        kept.setValue(key, value)
