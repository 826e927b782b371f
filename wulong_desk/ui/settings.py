"""Window geometry, last project and operator name, kept in an INI file in the user data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

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


def last_folder() -> Path:
    """Where a file dialog starts: the folder a file was last saved to or read from, else the
    user's documents folder (or home) — never the program's own folder (the working directory
    a relative name would open in)."""
    remembered = settings().value("export_folder", "", str)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_folder(chosen: str | Path) -> None:
    """The chosen file's folder, where the next file dialog starts (last_folder)."""
    remember("export_folder", str(Path(chosen).parent))


def backup_folder() -> Path:
    """Where 备份到文件夹… and a backup file chosen for 恢复 start: the folder last backed up to
    (a USB stick, a shared drive; kept apart from the export folder), else last_folder()."""
    remembered = settings().value("backup_folder", "", str)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return last_folder()
