"""The project dialog: every project field and option. Each option's widget is bounded by the
range in the standard file (never hard-coded here) and its tooltip cites the article. The
readings (sentences the gazette leaves open) each show their two choices, the article, what the
gazette says (in our words) and the money the choice moves; a change is audited like any
project field and recomputes only unsigned cases.

Saving 项目设置 recomputes the project's unsigned cases: it runs on a worker thread with progress
(ui/jobs.py), the form and its buttons disabled meanwhile; the dialog closes only once it is
saved, and a refusal or a cancel leaves it open with everything typed still there."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.rules import default_standards
from wulong_desk.rules.inputs import InputError
from wulong_desk.rules.standard import Option, Reading, Standard
from wulong_desk.services.cases.field_names import describe, project_label
from wulong_desk.services.projects import project as project_service
from wulong_desk.store import Store
from wulong_desk.ui.buttons import Button, ok_cancel
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.terms_editor import TermsEditor

TEXT_FIELDS = ("name", "decision_no", "department", "implementer", "appraiser",
               "agreement_prefix", "agreement_year")
# the dates in the order they must fall (the service checks it, naming the rule); a date
# option a newer standard file adds is shown after these, in the file's order
DATE_ORDER = ("presign_start", "presign_end", "decision_made_on", "announced_on", "signing_start",
              "signing_deadline", "move_deadline")
DATE_RULE = ("依次不早于前一个日期：预签期限首日 ≤ 预签期限末日；征收决定作出日 ≤ 征收决定公告日 ≤ "
             "签约期限首日 ≤ 签约期限届满日 ≤ 搬迁期限")
WIDTH, HEIGHT = 1000, 900   # what the whole form wants; a smaller screen scrolls it


def _range(option: Option) -> str:
    """The option's range from the standard file, as a hint in the empty field."""
    low = f"{option.min:f}" if option.min is not None else ""
    return f"{low}–{option.max:f}" if option.max is not None else f"不小于 {low}"


class ProjectDialog(QDialog):
    """The form scrolls inside the dialog (a 768-pixel screen shows part of it); 保存 and 取消
    stay below it, always on screen."""

    def __init__(self, store: Store, project_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.project_id = project_id
        self.setWindowTitle("项目设置" if project_id else "新建项目")
        self.standard: Standard = max(default_standards(), key=lambda s: s.effective_from)
        basics = QGroupBox("项目")
        form = QFormLayout(basics)
        self.texts: dict[str, QLineEdit] = {}
        for key in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"{key}Edit")
            self.texts[key] = edit
            if key == "agreement_prefix":
                edit.setPlaceholderText("不填则为 武隆征补")
                edit.setToolTip("协议编号如 武隆征补〔2023〕第0012号")
            elif key == "agreement_year":
                edit.setPlaceholderText("不填则为征收决定公告的年份")
            form.addRow(project_label(key), edit)

        dates_box = QGroupBox("期限")
        dates_box.setToolTip(DATE_RULE)
        dates_form = QFormLayout(dates_box)
        order = [key for key in DATE_ORDER if key == "move_deadline"
                 or key in self.standard.options]
        order += [name for name, option in self.standard.options.items()
                  if option.kind == "date" and name not in order]
        self.dates: dict[str, DateField] = {}
        for key in order:
            field = DateField(None, project_label(key))
            field.setObjectName(f"{key}Date")
            option = self.standard.options.get(key)
            if option is not None:
                field.set_help(f"{option.help}（{option.cite}）")
            self.dates[key] = field
            dates_form.addRow(project_label(key), field)
        rule = QLabel(DATE_RULE)
        rule.setWordWrap(True)
        dates_form.addRow(rule)

        presign_box = QGroupBox("旧城区改建")
        presign_form = QFormLayout(presign_box)
        self.old_town = QCheckBox("旧城区改建（需先签预签协议，办法第二十三条）")
        self.old_town.setObjectName("oldTownCheck")
        presign_form.addRow(self.old_town)
        floor = project_service.presign_floor(self.standard)
        self.threshold = QLineEdit(f"{floor.value:f}")
        self.threshold.setObjectName("presignThresholdEdit")
        self.threshold.setPlaceholderText(f"{floor.value:f}–1")
        self.threshold.setToolTip(f"{floor.help}（不低于 {floor.value:f}，{floor.cite}）")
        presign_form.addRow(project_label("presign_threshold"), self.threshold)

        options_box = QGroupBox(f"补偿选项（{self.standard.title}）")
        options_form = QFormLayout(options_box)
        self.options: dict[str, QWidget] = {}
        for name, option in self.standard.options.items():
            if option.kind == "date":   # (with the other dates, in their order)
                continue
            widget = self._option_widget(option)
            widget.setObjectName(f"option_{name}")
            widget.setToolTip(f"{option.help}（{option.cite}）")
            label = QLabel(option.label + (f"（{option.unit}）" if option.unit else ""))
            label.setToolTip(widget.toolTip())
            label.setBuddy(widget)
            options_form.addRow(label, widget)
            self.options[name] = widget
        terms_box = QGroupBox("默认付款期限（办法第二十九条；协议未另行约定的款项按此）")
        terms_layout = QVBoxLayout(terms_box)
        self.terms = TermsEditor(terms_box, empty="未约定")
        self.terms.setObjectName("projectTerms")
        terms_layout.addWidget(self.terms)
        readings_box = QGroupBox("读法（公报未明确的规定由项目选定，写入明细、台账和协议）")
        readings_form = QVBoxLayout(readings_box)
        self.readings: dict[str, QComboBox] = {}
        for key, reading in self.standard.readings.items():
            readings_form.addWidget(self._reading_widget(key, reading))

        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(basics)
        left.addWidget(presign_box)
        left.addStretch(1)
        right.addWidget(dates_box)
        right.addWidget(options_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        content = QWidget()
        content.setObjectName("projectForm")
        body = QVBoxLayout(content)
        body.addLayout(columns)
        body.addWidget(terms_box)
        body.addWidget(readings_box)
        body.addStretch(1)
        self.scroll = QScrollArea()   # a long form scrolls; the buttons below stay in view
        self.scroll.setObjectName("projectScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        self.scroll.setMinimumWidth(content.minimumSizeHint().width()
                                    + self.scroll.verticalScrollBar().sizeHint().width())
        self.note = QLabel()
        self.note.setObjectName("saveNote")
        self.note.setWordWrap(True)
        self.buttons = ok_cancel(self, "保存", ok=Button.Save, on_ok=self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._inputs: tuple[QWidget, ...] = (self.scroll, self.buttons)
        self.saved_id: int | None = None
        self.job: Job | None = None
        fit_to_screen(self, WIDTH, HEIGHT)
        if project_id is not None:
            self._load()

    def _reading_widget(self, key: str, reading: Reading) -> QWidget:
        """The reading's two choices, its article, the sentence and the money it moves."""
        box = QWidget()
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        combo = QComboBox()
        combo.setObjectName(f"reading_{key}")
        combo.addItem(f"{reading.default_label}（默认）", reading.default)
        combo.addItem(reading.alternative_label, reading.alternative)
        combo.setToolTip(f"{reading.sentence}（{reading.cite}）")
        self.readings[key] = combo
        title = QLabel(f"{reading.label}（{reading.cite}）")
        title.setToolTip(combo.toolTip())
        explain = QLabel(f"{reading.sentence}\n金额影响：{reading.money}")
        explain.setWordWrap(True)
        explain.setMinimumWidth(420)
        explain.setObjectName(f"reading_{key}_explain")
        rows.addWidget(title)
        rows.addWidget(combo)
        rows.addWidget(explain)
        return box

    def _option_widget(self, option: Option) -> QWidget:
        if option.kind == "choice":
            combo = QComboBox()
            for code, label in zip(option.choices, option.choice_labels, strict=True):
                combo.addItem(label, code)
            return combo
        # a number is carried as the text typed, never through a float: the service reads it
        # with the one number reader and checks it against the standard's range, naming the field
        edit = QLineEdit(f"{option.default:f}" if option.default is not None else "")
        edit.setPlaceholderText(_range(option))
        return edit

    def _load(self) -> None:
        view = project_service.project_view(self.store, self.project_id or 0)
        data, state = view.form, view.state
        for key, edit in self.texts.items():
            edit.setText(str(data.get(key) or ""))
        for key, field in self.dates.items():
            field.set_date(data.get(key) or None)
        if state != "planned":   # recorded by 作出征收决定 (or 终止项目): facts, not settings
            why = ("已由“程序 → 作出征收决定…”记录，不在这里修改" if state == "decided"
                   else "项目已终止")
            for key in project_service.DECISION_FIELDS:
                widget = self.texts.get(key) or self.dates.get(key)
                if widget is not None:
                    widget.setEnabled(False)
                    widget.setToolTip(why)
        self.old_town.setChecked(bool(data.get("old_town")))
        self.terms.set_terms(data.get("payment_terms"))
        if data.get("presign_threshold"):
            self.threshold.setText(str(data["presign_threshold"]))
        for name, widget in self.options.items():
            value = data.get(name)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QLineEdit) and value is not None:
                widget.setText(str(value))
        for key, combo in self.readings.items():
            value = data.get(key)
            for index in range(combo.count()):
                if str(combo.itemData(index)) == str(value):
                    combo.setCurrentIndex(index)

    def form(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: edit.text().strip() for key, edit in self.texts.items()}
        for key, field in self.dates.items():
            data[key] = field.iso()   # None when blank; what cannot be read is refused by name
        data["old_town"] = self.old_town.isChecked()
        data["presign_threshold"] = self.threshold.text()
        data["payment_terms"] = self.terms.terms()
        for name, widget in self.options.items():
            if isinstance(widget, QComboBox):
                data[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                # exactly the text typed (filled with the standard's default at first); the
                # service reads it and names the field when it is blank or not a number
                data[name] = widget.text()
        for key, combo in self.readings.items():
            value = combo.currentData()
            data[key] = f"{value:f}" if isinstance(value, Decimal) else value
        return data

    def save(self) -> Job | None:
        """新建项目 is written at once (it has no case to recompute). 项目设置 runs as a job
        (returned): the dialog is accepted when it has saved, and stays open otherwise."""
        if self.saving():
            return self.job
        self.note.clear()
        for field in self.dates.values():   # refused at the field, never saved as a guess
            if problem := field.problem():
                field.mark(f"「{field.field}」：{problem}")
                QMessageBox.warning(self, "不能保存", f"「{field.field}」：{problem}")
                self.scroll.ensureWidgetVisible(field)
                field.setFocus()
                return None
        form = self.form()
        if self.project_id is None:
            try:
                self.saved_id = project_service.create_project(self.store, form)
            except UserError as exc:
                QMessageBox.warning(self, "不能保存", refusal(exc))
                return None
            self.accept()
            return None
        store, project_id = self.store, self.project_id

        def work(progress: Callable[[int, int], bool]) -> None:
            try:
                project_service.update_project(store, project_id, form, progress=progress)
            except InputError as exc:   # (its fields, named as on every other form)
                raise UserError(refusal(exc)) from exc

        job = Job(self, "保存项目设置", "正在保存项目设置，并重算本项目未签约的案卷…", work)
        job.succeeded.connect(self._saved)
        job.failed.connect(self._refused)
        job.cancelled.connect(self._cancelled)
        self.job = job
        self._set_busy(True)
        job.start()
        return job

    def saving(self) -> bool:
        return self.job is not None and self.job.running

    def _set_busy(self, busy: bool) -> None:
        for widget in self._inputs:
            widget.setEnabled(not busy)
        if busy:
            self.note.setText("正在保存，请稍候…")

    def _saved(self, _result: object) -> None:
        self._set_busy(False)
        self.saved_id = self.project_id
        self.accept()

    def _refused(self, message: str) -> None:
        self._set_busy(False)
        self.note.clear()
        QMessageBox.warning(self, "不能保存", message)

    def _cancelled(self) -> None:
        self._set_busy(False)
        self.note.setText("已取消保存：项目设置和案卷都没有改动，填写的内容仍在。")

    def reject(self) -> None:
        """Esc, 取消 or the window's close button do nothing while a save is running (the
        progress dialog's 取消 stops it)."""
        if not self.saving():
            super().reject()


def refusal(exc: UserError) -> str:
    """Why the project was not saved: each wrong field by its Chinese name."""
    if isinstance(exc, InputError):
        return "\n".join(describe(p.path, p.message) for p in exc.problems)
    return str(exc)
