"""Window geometry, last project and operator name, kept in an INI file in the user data folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from wulong_desk.paths import user_data_dir


def settings() -> QSettings:
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
