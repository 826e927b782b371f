"""A date typed the way people type it: one text box (2026-12-01, 2026/12/01, 2026.12.01,
20261201, 2026年12月1日 — the one date reader, wulong_desk.dates) with a calendar beside it.

- A blank date stays blank until something is typed or picked: the hint 如 2026-12-01 is the
  box's placeholder, never part of the value, and Tab always moves on.
- What is read is shown back as 2026-12-01 when the box is left; what cannot be read (or lies
  outside 1990–2100) stays as typed, the box turns red and says why, and the form that reads it
  refuses to save naming the field. It is never replaced by today or by a guess.
- The calendar (the button, or Alt+↓ / F4 in the box) only suggests: nothing is written until a
  day is clicked (or chosen with Enter).

`DateDelegate` does the same for the date cells of a table."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.dates import FIRST_YEAR, LAST_YEAR, DateError, parse_date
from wulong_desk.errors import UserError

HINT = "如 2026-12-01"
WRONG = "background: #ffd6d6;"
WRONG_BRUSH = QBrush(QColor("#ffd6d6"))


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class CalendarPopup(QWidget):
    """The calendar under a date box (a popup window: a click outside or Esc closes it)."""

    picked = Signal(object)   # a datetime.date

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("datePopup")
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("datePopupCalendar")
        self.calendar.setGridVisible(True)
        self.calendar.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        box = QVBoxLayout(self)
        box.setContentsMargins(1, 1, 1, 1)
        box.addWidget(self.calendar)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(day.toPython())

    def open_at(self, anchor: QWidget, shown: date | None) -> None:
        self.calendar.setSelectedDate(_qdate(shown or date.today()))
        self.adjustSize()
        where = anchor.mapToGlobal(QPoint(0, anchor.height()))
        screen = anchor.screen().availableGeometry()
        x = min(where.x(), screen.right() - self.width())
        y = where.y() if where.y() + self.height() <= screen.bottom() \
            else anchor.mapToGlobal(QPoint(0, 0)).y() - self.height()
        self.move(max(x, screen.left()), max(y, screen.top()))
        self.show()
        self.calendar.setFocus()


class DateField(QWidget):
    """A date box and its calendar button. `field` names it in messages (the form label)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, field: str = "日期"):
        super().__init__(parent)
        self.field = field
        self.edit = QLineEdit(self)
        self.edit.setObjectName("dateText")
        self.edit.setPlaceholderText(HINT)
        self.help = f"可写作 {HINT[2:]}、2026/12/01、20261201 或 2026年12月1日；Alt+↓ 打开日历"
        self.edit.setToolTip(self.help)
        self.edit.setMaxLength(40)
        self.button = QToolButton(self)
        self.button.setObjectName("calendarButton")
        self.button.setText("▾")
        self.button.setToolTip("从日历中选择（Alt+↓）")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Tab goes to the next field
        self.button.clicked.connect(lambda _checked=False: self.open_calendar())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026年12月31日") + 16)
        self.popup: CalendarPopup | None = None
        self._problem: str | None = None
        self.edit.textChanged.connect(self._typed)
        self.edit.editingFinished.connect(self.tidy)
        self.edit.installEventFilter(self)

    # ---- the value
    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)
        self.tidy(quiet=True)

    def set_date(self, day: date | str | None) -> None:
        """Show a stored date (ISO text or a date); None leaves the box blank."""
        if isinstance(day, str):
            day = date.fromisoformat(day) if day else None
        self.setText(day.isoformat() if day else "")

    def clear(self) -> None:
        self.setText("")

    def problem(self) -> str | None:
        """Why what is typed cannot be taken (None when blank or readable)."""
        text = self.edit.text()
        if not text.strip():
            return None
        try:
            parse_date(text)
        except DateError as exc:
            return str(exc)
        return None

    def day(self) -> date | None:
        """The date typed, None when blank; UserError 「field」：… when it cannot be read."""
        text = self.edit.text()
        if not text.strip():
            return None
        try:
            return parse_date(text)
        except DateError as exc:
            raise UserError(f"「{self.field}」：{exc}") from None

    def iso(self) -> str | None:
        """For a form: the date as 2026-12-01, None when blank, and what was typed when it
        cannot be read (so the form's checker refuses it naming the field, never a guess)."""
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return parse_date(text).isoformat()
        except DateError:
            return text

    def set_help(self, text: str) -> None:
        """What the field is for (an option's help and article), shown while nothing is wrong."""
        self.help = text
        if self._problem is None:
            self.edit.setToolTip(text)

    # ---- marks
    def mark(self, message: str | None) -> None:
        """Red with the reason (or plain again with None)."""
        self._problem = message
        self.edit.setStyleSheet(WRONG if message else "")
        self.setToolTip(message or "")
        self.edit.setToolTip(message or self.help)

    def tidy(self, quiet: bool = False) -> None:
        """Leaving the box: a readable date is shown as 2026-12-01; an unreadable one stays
        as typed, marked, and (unless quiet) its reason is shown beside the box."""
        text = self.edit.text()
        if not text.strip():
            self.mark(None)
            return
        try:
            day = parse_date(text)
        except DateError as exc:
            self.mark(f"「{self.field}」：{exc}")
            if not quiet and self.isVisible():
                QToolTip.showText(self.edit.mapToGlobal(QPoint(0, self.edit.height())),
                                  self._problem or "", self.edit)
            return
        self.mark(None)
        if text != day.isoformat():
            self.edit.setText(day.isoformat())

    def _typed(self, _text: str) -> None:
        if self._problem and self.problem() is None:
            self.mark(None)
        self.changed.emit()

    # ---- the calendar
    def open_calendar(self) -> CalendarPopup:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        try:
            shown = parse_date(self.edit.text()) if self.edit.text().strip() else None
        except DateError:
            shown = None
        self.popup.open_at(self.edit, shown)
        return self.popup

    def _picked(self, day: date) -> None:
        self.edit.setText(day.isoformat())
        self.mark(None)
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            alt_down = event.key() == Qt.Key.Key_Down \
                and event.modifiers() & Qt.KeyboardModifier.AltModifier
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)


class DateDelegate(QStyledItemDelegate):
    """Date cells of a table read like a DateField: a readable date is written back as
    2026-12-01; what cannot be read stays as typed, red, its reason in the tooltip (the
    dialog's save names the cell)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setPlaceholderText(HINT)
        return editor

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex) -> None:
        text = editor.text() if isinstance(editor, QLineEdit) else ""
        shown, problem = text.strip(), None
        if shown:
            try:
                shown = parse_date(text).isoformat()
            except DateError as exc:
                problem = str(exc)
        model.setData(index, shown, Qt.ItemDataRole.EditRole)
        model.setData(index, WRONG_BRUSH if problem else None, Qt.ItemDataRole.BackgroundRole)
        model.setData(index, problem, Qt.ItemDataRole.ToolTipRole)
