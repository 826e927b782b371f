"""Register the bundled CJK font with Qt, so the UI reads the same on any office PC."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from wulong_desk.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"


def register_fonts(app: QApplication) -> str | None:
    """Load the bundled font and make it the application font; returns its family name."""
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / FONT_FILE))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    font = QFont(families[0])
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return families[0]
