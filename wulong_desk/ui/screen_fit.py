"""Windows that fit a clerk's laptop (1366×768 with a taskbar): a window opens at the size it
wants, or at what the screen's free area holds, title bar and taskbar allowed for."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# a window frame's title bar and borders, and a taskbar the platform may not report
FRAME_WIDTH, FRAME_HEIGHT = 16, 80


def free_size(window: QWidget) -> tuple[int, int]:
    """The largest client area a window can have on its screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    return free.width() - FRAME_WIDTH, free.height() - FRAME_HEIGHT


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to width × height, or smaller where the screen's free area is smaller."""
    most_width, most_height = free_size(window)
    window.resize(min(width, most_width), min(height, most_height))
