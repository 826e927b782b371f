"""The case editor (designed in forms/case_editor.ui) with the live, explained breakdown.

Everything typed is checked at once: problems are shown in Chinese at the field that causes
them, and the breakdown beside the form updates as the user types (the same engine that the
store runs when the case is saved).
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.exports.records import standard_name
from wulong_desk.field_words import COLUMNS, SINGLE
from wulong_desk.logs import log
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.rules.model import EXCHANGE, METHODS
from wulong_desk.services.cases import changes as case_service
from wulong_desk.services.cases.drafts import discard_draft as remove_draft_file
from wulong_desk.services.cases.drafts import draft_path, save_draft
from wulong_desk.services.cases.editing import stored_case
from wulong_desk.services.cases.field_names import (
    describe,
    describe_message,
    describe_stored,
    in_words,
)
from wulong_desk.services.cases.lifecycle import needs_reason
from wulong_desk.services.cases.lookup import is_unlocked
from wulong_desk.services.cases.preview import Preview, preview, settlement_note, signing_today_note
from wulong_desk.services.projects.project import project_view
from wulong_desk.statuses import EVENT_STATUSES, PERSON_ROLES, REGISTRATION_LABELS, STAGES, VOID
from wulong_desk.store import Store
from wulong_desk.ui.breakdown_panel import BreakdownPanel
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.editor_comfort import EditorComfort
from wulong_desk.ui.generated.ui_case_editor import Ui_CaseEditor
from wulong_desk.ui.grid import Column, Grid
from wulong_desk.ui.history_dialog import HistoryDialog
from wulong_desk.ui.labels import METHOD_LABELS, PERSON_ROLE_LABELS, STATUS_LABELS, STATUSES
from wulong_desk.ui.reason_dialog import ask_reason


def _titled(table: str) -> Any:
    """Column(key, …) for one table, its title taken from services.cases.field_names."""
    def make(key: str, kind: str = "text", choices: tuple = (), tip: str = "") -> Column:
        return Column(key, COLUMNS[table][key], kind, choices, tip)
    return make


OWNER, PART = _titled("owners"), _titled("case.parts")
EQUIPMENT, HOUSE = _titled("case.equipment"), _titled("case.exchange.houses")
OWNER_COLUMNS = [
    OWNER("role", "choice", tuple((r, PERSON_ROLE_LABELS[r]) for r in PERSON_ROLES)),
    OWNER("name"),
    OWNER("id_number", tip="18位，输入时即校验校验位（GB 11643）"),
    OWNER("phone"),
    OWNER("address"),
]
USE_CHOICES = (("residential", "住宅"), ("commercial", "商业/办公"), ("production", "生产用房"))
# 登记状态 (办法第十八条): a title's own building first (the default of a new row)
REGISTRATION_CHOICES = tuple(REGISTRATION_LABELS.items())
PART_COLUMNS = [
    PART("use", "choice", USE_CHOICES),
    PART("area", "number", tip="平方米，最多两位小数"),
    PART("inner_area", "number", tip="住宅必填；无公摊时与证载面积相同"),
    PART("unit_price", "number", tip="元/平方米（评估后填写）"),
    PART("decoration_value", "number", tip="元（标准第2项）"),
    PART("water_accounts", "number"),
    PART("power_accounts", "number"),
    PART("gas_accounts", "number"),
    PART("gas_cost", "number", tip="非住宅按现行开户标准（标准第3项）"),
    PART("business_eligible", "bool", tip="有营业执照和完税凭证（办法第四十二条）"),
    PART("manufacturing", "bool", tip="只对非住宅部分上浮（办法第四十二条第三款）"),
    PART("registration", "choice", REGISTRATION_CHOICES,
         tip="未经登记的建筑按区政府组织认定的结果填写（办法第十八条）：认定合法的填评估单价；"
             "临时建筑只填面积和核定金额；认定违法的只填面积，不予补偿"),
    PART("temporary_amount", "number",
         tip="临时建筑：征收部门结合剩余期限核定的补偿金额，元（办法第十八条）"),
]
EQUIPMENT_COLUMNS = [
    EQUIPMENT("name"),
    EQUIPMENT("reusable", "bool"),
    EQUIPMENT("net_value", "number"),
    EQUIPMENT("rate", "number", tip="0.10–0.20，不填按项目默认（标准第4项）"),
    EQUIPMENT("assessed_value", "number", tip="搬迁后不能使用的，按评估价值"),
]
HOUSE_COLUMNS = [
    HOUSE("location"),
    HOUSE("area", "number"),
    HOUSE("inner_area", "number", tip="不填按建筑面积"),
    HOUSE("unit_price", "number"),
    HOUSE("use", "choice", USE_CHOICES,
          tip="住宅调换房屋的公摊超出部分由征收部门承担；商业、生产用房按建筑面积计价"),
]
COUNT_KEYS = ("water_accounts", "power_accounts", "gas_accounts")
AUTOSAVE_MS = 2000   # a crash loses at most the last two seconds of typing
PATH = re.compile(r"^(?P<list>owners|case\.parts|case\.equipment|case\.exchange\.houses)"
                  r"\[(?P<index>\d+)\]\.(?P<key>\w+)$")


class _WriteDraft(QRunnable):
    """Writes one draft off the GUI thread (drafts go through a one-thread pool, in order)."""

    def __init__(self, path: Any, project_id: int, case_id: int | None, form: dict[str, Any]):
        super().__init__()
        self.args = (path, project_id, case_id, form)

    def run(self) -> None:
        try:
            save_draft(*self.args)
        except Exception as exc:  # a draft is a convenience: note it, never disturb typing
            log().warning("草稿未能保存：%s", type(exc).__name__)


def _draft_pool() -> QThreadPool:
    pool = getattr(_draft_pool, "pool", None)
    if pool is None:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _draft_pool.pool = pool  # type: ignore[attr-defined]
    return pool


class CaseEditor(QDialog):
    saved = Signal(int)
    closed = Signal()     # the window was closed (a QDialog closed by close() emits no finished)

    def __init__(self, store: Store, project_id: int, case_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.project_id = project_id
        self.case_id = case_id
        self.ui = Ui_CaseEditor()
        self.ui.setupUi(self)
        self.panel = BreakdownPanel(self.ui.breakdownHost)
        QVBoxLayout(self.ui.breakdownHost).addWidget(self.panel)
        self.owners = Grid(self.ui.ownersTable, OWNER_COLUMNS)
        self.parts = Grid(self.ui.partsTable, PART_COLUMNS)
        self.equipment = Grid(self.ui.equipmentTable, EQUIPMENT_COLUMNS)
        self.houses = Grid(self.ui.housesTable, HOUSE_COLUMNS)
        for status in STATUSES:
            # 作废 is its own action (with a reason), 补偿决定 and 不生效 the decision path's
            # events: none is a stage to pick
            if status != VOID and status not in EVENT_STATUSES:
                self.ui.statusCombo.addItem(STATUS_LABELS[status], status)
        if why := self.store.may("标为已审核"):   # office server: a clerk cannot pick 已审核
            item = self.ui.statusCombo.model().item(self.ui.statusCombo.findData("reviewed"))
            item.setEnabled(False)
            item.setToolTip(why)
        self._add_moved_date()
        self._add_premises_check()
        self._add_presign_and_decision()
        self._add_agreement()
        for number, method in enumerate(METHODS, start=1):
            self.ui.methodCombo.addItem(f"{number} {METHOD_LABELS[method]}", method)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self.draft_file = draft_path(store.path, case_id) if store.path else None
        self._wrote_draft = False
        self._keeping_draft = False   # closed by 存为草稿: the draft stays for later
        self._loaded: dict[str, Any] = {}
        self._locked = False
        self._stored: dict[str, Any] | None = None
        self._stored_revision: int | None = None
        self.last_preview = None
        self._wire()
        project = project_view(store, project_id)
        self.project_contract = project.contract
        self.project_name = project.form["name"]
        self.project_old_town = project.form["old_town"]
        self.load()
        self.comfort = EditorComfort(self, self.ui.splitter, self.ui.caseNoEdit,
                                     [self.owners, self.parts, self.equipment, self.houses],
                                     [self.ui.landAreaEdit, self.ui.landPriceEdit])

    # ---- set-up
    def _add_moved_date(self) -> None:
        """搬迁日期: the day the household moved out (needed for 已搬迁); blank until typed."""
        self.ui.signedDate.field = SINGLE["case.signed_on"]
        self.movedDate = DateField(self.ui.basicGroup, SINGLE["moved_on"])
        self.movedDate.setObjectName("movedDate")
        self.movedDate.setToolTip("搬出后填写；未搬出的留空")
        self.ui.basicForm.insertRow(6, SINGLE["moved_on"], self.movedDate)   # under 签约日期
        QWidget.setTabOrder(self.ui.signedDate.edit, self.movedDate.edit)
        QWidget.setTabOrder(self.movedDate.edit, self.ui.movedOnTimeCheck)

    def _add_premises_check(self) -> None:
        """临时经营场所 (revision 2): the business's temporary premises, apart from the
        household's 临时周转房 — one stops the business-interruption pay, the other the
        temporary-housing pay."""
        self.ui.turnoverCheckLabel.setText("临时周转房")
        self.ui.turnoverCheck.setText("征收部门提供临时周转房（不计临时安置补助）")
        self.premisesCheck = QCheckBox("征收部门提供临时经营场所（不计停产停业损失）",
                                       self.ui.exchangeGroup)
        self.premisesCheck.setObjectName("premisesCheck")
        self.ui.exchangeForm.insertRow(2, "临时经营场所", self.premisesCheck)
        self.premisesCheck.toggled.connect(self._changed)

    def _add_presign_and_decision(self) -> None:
        """Revision 3: 预签协议 beside the signing date (the date is then the presign's, kept
        after the presign becomes a 补偿协议), and the 补偿决定's date, shown read-only when the
        case has one (the decision is recorded elsewhere)."""
        self.presignCheck = QCheckBox("预签协议", self.ui.basicGroup)
        self.presignCheck.setObjectName("presignCheck")
        self.presignCheck.setToolTip("签约日期是预签协议的签订日（须在项目的预签期限内、征收决定"
                                     "作出之前，办法第二十三条）；转为补偿协议后仍按预签日计算")
        self.ui.basicForm.insertRow(6, "", self.presignCheck)   # under 签约日期
        QWidget.setTabOrder(self.ui.signedDate.edit, self.presignCheck)
        QWidget.setTabOrder(self.presignCheck, self.movedDate.edit)
        self.presignCheck.toggled.connect(self._changed)
        self.decidedLabel = QLabel(self.ui.basicGroup)
        self.decidedLabel.setObjectName("decidedLabel")
        self.ui.basicForm.insertRow(8, "补偿决定日期", self.decidedLabel)
        self.ui.basicForm.setRowVisible(self.decidedLabel, False)
        self._decided_on: str | None = None
        # the decision path beside the record (issue 27): the formal values waiting for a
        # presign's conversion, the 补偿决定 in force
        self.pathRow = QWidget(self.ui.basicGroup)
        self.pathRow.setObjectName("pathRow")
        column = QVBoxLayout(self.pathRow)
        column.setContentsMargins(0, 0, 0, 0)
        self.pathLabel = QLabel(self.pathRow)
        self.pathLabel.setObjectName("pathLabel")
        self.pathLabel.setWordWrap(True)
        column.addWidget(self.pathLabel)
        buttons = QHBoxLayout()
        column.addLayout(buttons)
        from wulong_desk.ui.case_procedure_buttons import attach_path

        self.decision_text = ""
        self.path_buttons = attach_path(self, buttons)
        self.ui.basicForm.insertRow(9, "程序", self.pathRow)
        self.ui.basicForm.setRowVisible(self.pathRow, False)

    def _add_agreement(self) -> None:
        """付款约定 (办法第二十九条): the payment term of each part of the schedule (a row left at
        按项目默认 follows the project's default terms) and the payee account — the agreement's
        content, locked with the figures once signed. 过渡逾期 is not typed here: the months the
        exchange house was delivered late are added by 逾期交房加付 after they happen."""
        from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit

        from wulong_desk.ui.terms_editor import TermsEditor

        self.ui.overdueSpinLabel.setText("逾期交房（已登记，月）")
        self.ui.overdueSpin.setReadOnly(True)
        self.ui.overdueSpin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        self.ui.overdueSpin.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ui.overdueSpin.setToolTip("签约时为 0；征收部门逾期交付调换房屋的月数，由审核人员在"
                                       "案卷窗口按“逾期交房加付…”逐次登记")
        group = QGroupBox("付款约定（办法第二十九条；签约后锁定）", self.ui.formPane)
        group.setObjectName("agreementGroup")
        form = QFormLayout(group)
        self.termsEditor = TermsEditor(group, empty="按项目默认")
        self.termsEditor.setObjectName("termsEditor")
        form.addRow(self.termsEditor)
        self.legacyTerm = QLabel(group)
        self.legacyTerm.setObjectName("legacyTerm")
        self.legacyTerm.setWordWrap(True)
        self.legacyTerm.setStyleSheet("color: #b00020;")
        form.addRow(self.legacyTerm)
        self.payee: dict[str, QLineEdit] = {}
        for key, label, limit in (("name", "户名", 100), ("bank", "开户行", 200),
                                  ("account", "账号", 60)):
            edit = QLineEdit(group)
            edit.setObjectName(f"payee_{key}")
            edit.setMaxLength(limit)
            edit.textChanged.connect(self._changed)
            form.addRow(f"收款{label}", edit)
            self.payee[key] = edit
        self.payee["account"].setPlaceholderText("数字，可用空格分组")
        self.termsEditor.changed.connect(self._changed)
        layout = self.ui.formPaneLayout
        layout.insertWidget(layout.indexOf(self.ui.exchangeGroup) + 1, group)
        self._legacy: dict[str, str] = {}

    def _fill_agreement(self, agreement: dict[str, Any]) -> None:
        self.termsEditor.blockSignals(True)
        self.termsEditor.set_terms(agreement.get("payment_terms"))
        self.termsEditor.blockSignals(False)
        payee = agreement.get("payee") or {}
        for key, edit in self.payee.items():
            edit.blockSignals(True)
            edit.setText(payee.get(key) or "")
            edit.blockSignals(False)
        self._legacy = {key: agreement[key] for key in ("payment_term_text",
                                                         "bank_account_text")
                        if agreement.get(key)}
        said = []
        if "payment_term_text" in self._legacy:
            said.append(f"付款期限需重新录入：原约定「{self._legacy['payment_term_text']}」"
                        "无法按款项读出，请在上面逐项选择")
        if "bank_account_text" in self._legacy:
            said.append(f"收款账户需重新录入：原文「{self._legacy['bank_account_text']}」，"
                        "请分别填写户名、开户行、账号")
        self.legacyTerm.setText("\n".join(said))
        self.legacyTerm.setVisible(bool(said))

    def _agreement_form(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        terms = self.termsEditor.terms()
        if terms:
            out["payment_terms"] = terms
        payee = {key: edit.text().strip() for key, edit in self.payee.items()
                 if edit.text().strip()}
        if payee:
            out["payee"] = payee
        # a text kept from before the terms were data stays until it is entered again
        if "payment_term_text" in self._legacy and "before_move" not in terms:
            out["payment_term_text"] = self._legacy["payment_term_text"]
        if "bank_account_text" in self._legacy and not payee:
            out["bank_account_text"] = self._legacy["bank_account_text"]
        return out

    def _wire(self) -> None:
        ui = self.ui
        for edit in (ui.caseNoEdit, ui.titleNoEdit, ui.addressEdit, ui.remarksEdit,
                     ui.landAreaEdit, ui.landPriceEdit):
            edit.textChanged.connect(self._changed)
            edit.returnPressed.connect(self.focusNextChild)
        for combo in (ui.statusCombo, ui.methodCombo):
            combo.currentIndexChanged.connect(self._changed)
        for check in (ui.movedOnTimeCheck, ui.minHousingCheck, ui.turnoverCheck):
            check.toggled.connect(self._changed)
        ui.signedDate.changed.connect(self._changed)
        self.movedDate.changed.connect(self._changed)
        for spin in (ui.transitionSpin, ui.interruptionSpin, ui.overdueSpin):
            spin.valueChanged.connect(self._changed)
        for grid in (self.owners, self.parts, self.equipment, self.houses):
            grid.changed.connect(self._changed)
        ui.addOwnerButton.clicked.connect(lambda: self.owners.add_row())
        ui.removeOwnerButton.clicked.connect(self.owners.remove_selected)
        ui.addPartButton.clicked.connect(lambda: self.parts.add_row())
        ui.removePartButton.clicked.connect(self.parts.remove_selected)
        ui.addEquipmentButton.clicked.connect(lambda: self.equipment.add_row())
        ui.removeEquipmentButton.clicked.connect(self.equipment.remove_selected)
        ui.addHouseButton.clicked.connect(lambda: self.houses.add_row())
        ui.removeHouseButton.clicked.connect(self.houses.remove_selected)
        ui.historyButton.clicked.connect(self.show_history)
        ui.unlockButton.clicked.connect(self.unlock)
        box = ui.buttonBox
        box.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self.save)
        box.button(QDialogButtonBox.StandardButton.Save).setText("保存 (Ctrl+S)")
        box.button(QDialogButtonBox.StandardButton.Reset).setText("撤销修改")
        box.button(QDialogButtonBox.StandardButton.Reset).clicked.connect(self.revert)
        box.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        box.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.close)
        self.draft_button = box.addButton("存为草稿", QDialogButtonBox.ButtonRole.ActionRole)
        self.draft_button.setObjectName("keepDraft")
        self.draft_button.setAutoDefault(False)
        self.draft_button.setToolTip("还没填完（例如还没有被征收人或房屋）时先存为草稿并关闭，"
                                     "以后在“文件 → 草稿…”中继续")
        self.draft_button.clicked.connect(lambda _checked=False: self.keep_as_draft())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        from wulong_desk.ui.case_procedure_buttons import attach  # payments, clocks, houses

        self.procedure_buttons = attach(self)

    # ---- loading and reading the form
    def load(self) -> None:
        if self.case_id is None:
            form: dict[str, Any] = {"case_no": "", "status": "surveyed", "owners": [],
                                    "case": {"method": "money", "parts": [], "equipment": []},
                                    "exchange_locations": []}
            locked = False
            self._stored = None
        else:
            case = stored_case(self.store, self.case_id)
            form = case.form
            self._version = case.version   # what a save is built on (optimistic lock)
            locked = case.locked
            unlocked = case.unlocked
            # a locked case shows its stored record (the signed figures, under the contract
            # revision they were computed with), never a recomputation
            self._stored = case.stored
            self._stored_revision = case.stored_revision
            # (the formal values waiting, the decision in force), each "" when there is none
            self.decision_text = case.decision
            path = (case.formal_values, case.decision)
            self.ui.lockLabel.setText("【已解锁更正】" if unlocked else "")
            self.pathLabel.setText("\n".join(text for text in path if text))
            self.pathLabel.setVisible(any(path))
        self._locked = locked
        self._fill(form)
        from wulong_desk.ui.case_procedure_buttons import show_path_buttons

        buttons = show_path_buttons(self, form.get("status"))
        self.ui.basicForm.setRowVisible(self.pathRow, buttons or bool(self.pathLabel.text()))
        self._autosave.stop()  # filling the form is not an edit
        self._loaded = self.form()
        self._apply_lock()
        self.setWindowTitle(f"案卷 {form.get('case_no') or '（新建）'} — {self.project_name}")
        self.refresh()

    def _fill(self, form: dict[str, Any]) -> None:
        ui = self.ui
        widgets = [ui.caseNoEdit, ui.titleNoEdit, ui.addressEdit, ui.remarksEdit,
                   ui.landAreaEdit, ui.landPriceEdit, ui.statusCombo, ui.methodCombo,
                   ui.signedDate, ui.movedOnTimeCheck, ui.minHousingCheck,
                   ui.turnoverCheck, ui.transitionSpin, ui.interruptionSpin, ui.overdueSpin,
                   self.movedDate, self.premisesCheck, self.presignCheck]
        for widget in widgets:
            widget.blockSignals(True)
        case = form.get("case") or {}
        ui.caseNoEdit.setText(form.get("case_no") or "")
        ui.titleNoEdit.setText(form.get("title_no") or "")
        ui.addressEdit.setText(form.get("address") or "")
        ui.remarksEdit.setText(form.get("remarks") or "")
        ui.landAreaEdit.setText(case.get("land_area") or "")
        ui.landPriceEdit.setText(case.get("land_unit_price") or "")
        status = form.get("status")
        if status in (VOID, *EVENT_STATUSES) and ui.statusCombo.findData(status) < 0:
            ui.statusCombo.addItem(STATUS_LABELS[status], status)
        ui.statusCombo.setCurrentIndex(max(0, ui.statusCombo.findData(form.get("status"))))
        self.movedDate.set_date(form.get("moved_on"))
        ui.methodCombo.setCurrentIndex(max(0, ui.methodCombo.findData(case.get("method"))))
        ui.signedDate.set_date(case.get("signed_on"))
        ui.movedOnTimeCheck.setChecked(bool(case.get("moved_on_time")))
        self.presignCheck.setChecked(bool(case.get("presign")))
        self._decided_on = case.get("decided_on")
        self.decidedLabel.setText(self._decided_on or "")
        self.ui.basicForm.setRowVisible(self.decidedLabel, bool(self._decided_on))
        ui.minHousingCheck.setChecked(bool(case.get("min_housing_eligible")))
        exchange = case.get("exchange") or {}
        ui.turnoverCheck.setChecked(bool(exchange.get("turnover_house")))
        self.premisesCheck.setChecked(bool(exchange.get("turnover_premises")))
        ui.transitionSpin.setValue(int(exchange.get("transition_months") or 0))
        ui.interruptionSpin.setValue(int(exchange.get("interruption_months") or 0))
        ui.overdueSpin.setValue(int(exchange.get("overdue_months") or 0))
        for widget in widgets:
            widget.blockSignals(False)
        self.owners.set_rows(form.get("owners") or [])
        self.parts.set_rows(case.get("parts") or [])
        self.equipment.set_rows(case.get("equipment") or [])
        locations = form.get("exchange_locations") or []
        houses = [dict(h, location=locations[i] if i < len(locations) else "")
                  for i, h in enumerate(exchange.get("houses") or [])]
        self.houses.set_rows(houses)
        self._fill_agreement(form.get("agreement") or {})
        self._show_exchange()

    def form(self) -> dict[str, Any]:
        """The form dict (services.cases.form) of what is on screen now."""
        ui = self.ui
        method = ui.methodCombo.currentData()
        owners, self._owner_rows = self.owners.rows()
        parts, self._part_rows = self.parts.rows()
        for part in parts:
            for key in COUNT_KEYS:
                if key in part:
                    part[key] = _count(part[key])
        equipment, self._equipment_rows = self.equipment.rows()
        houses, self._house_rows = self.houses.rows()
        case: dict[str, Any] = {
            "method": method,
            "min_housing_eligible": ui.minHousingCheck.isChecked(),
            "signed_on": ui.signedDate.iso(),   # what cannot be read is refused by name
            "moved_on_time": ui.movedOnTimeCheck.isChecked(),
            "parts": parts,
            "equipment": equipment,
        }
        if self.presignCheck.isChecked():
            case["presign"] = True
        if self._decided_on:
            case["decided_on"] = self._decided_on
        if ui.landAreaEdit.text().strip():
            case["land_area"] = ui.landAreaEdit.text().strip()
        if ui.landPriceEdit.text().strip():
            case["land_unit_price"] = ui.landPriceEdit.text().strip()
        locations = []
        if method == EXCHANGE:
            case["exchange"] = {
                "houses": [{k: v for k, v in h.items() if k != "location"} for h in houses],
                "transition_months": ui.transitionSpin.value(),
                "turnover_house": ui.turnoverCheck.isChecked(),
                "turnover_premises": self.premisesCheck.isChecked(),
                "interruption_months": ui.interruptionSpin.value(),
                "overdue_months": ui.overdueSpin.value(),
            }
            locations = [h.get("location", "") for h in houses]
        return {
            "case_no": ui.caseNoEdit.text().strip(),
            "title_no": ui.titleNoEdit.text().strip(),
            "address": ui.addressEdit.text().strip(),
            "remarks": ui.remarksEdit.text().strip(),
            "status": ui.statusCombo.currentData(),
            "moved_on": self.movedDate.iso(),
            "owners": owners,
            "case": case,
            "exchange_locations": locations,
            "agreement": self._agreement_form(),
        }

    # ---- live checking
    def _changed(self, *args: object) -> None:
        self._show_exchange()
        self._timer.start()
        if not self._autosave.isActive():  # not restarted by each key: saved while typing on
            self._autosave.start()

    # ---- drafts
    def autosave(self) -> None:
        """Keep what is on screen in a draft file (or drop the draft when nothing is unsaved)."""
        self._autosave.stop()
        if self.draft_file is None:
            return
        if self.dirty():
            self._wrote_draft = True
            _draft_pool().start(_WriteDraft(self.draft_file, self.project_id, self.case_id,
                                            self.form()))
        elif self._wrote_draft:  # changes undone by hand: the draft is no longer needed
            self.discard_draft()

    def discard_draft(self) -> None:
        self._autosave.stop()
        if self.draft_file is not None:
            _draft_pool().waitForDone()
            remove_draft_file(self.draft_file)
            self._wrote_draft = False

    def keep_as_draft(self) -> bool:
        """存为草稿: what is on screen is kept as a draft (not saved to the case) and the editor
        closes; 文件 → 草稿… (or the next start) opens it again."""
        if self.draft_file is None:
            QMessageBox.information(self, "存为草稿", "这个数据库不在本机文件中，不能存草稿。")
            return False
        if not self.dirty():
            return self.close()
        self._autosave.stop()
        _draft_pool().waitForDone()
        try:
            save_draft(self.draft_file, self.project_id, self.case_id, self.form())
        except OSError as exc:
            QMessageBox.warning(self, "存为草稿", f"草稿未能保存：{exc.strerror or exc}")
            return False
        self._keeping_draft = True
        return self.close()

    def restore_draft(self, form: dict[str, Any], path: Any) -> None:
        """Put a recovered draft on screen (unsaved, so the user reviews it and saves)."""
        self.draft_file = path
        self._wrote_draft = True  # saving or discarding this case now ends the draft
        self._fill(form)
        self.refresh()

    def _show_exchange(self) -> None:
        exchange = self.ui.methodCombo.currentData() == EXCHANGE
        self.ui.exchangeGroup.setVisible(exchange)
        self.termsEditor.show_exchange(exchange)

    def refresh(self) -> None:
        """Check the form and recompute the breakdown (the engine is fast: no thread needed)."""
        self._timer.stop()
        form = self.form()
        result = preview(self.project_contract, form)
        if self._locked and self._stored is not None:
            result = Preview(self._stored, [])
        problems = result.problems  # ID check digits included: the form checker tests them
        self.last_preview = result
        self.show_problems(problems)
        self.panel.show_result(result.result, [self.describe(p) for p in problems],
                               exchange=form["case"]["method"] == EXCHANGE)
        self.panel.show_notes(
            signing_today_note(self.project_contract, form, date.today()),
            settlement_note(self.project_contract, result.result) if result.result else "")
        if self._locked and self._stored is not None:
            self.panel.status.setText(
                f"已锁定：显示保存的计算记录（按计算规则第{self._stored_revision or 1}版、"
                f"{standard_name(self._stored['standard'])}计算），不随规则更新而改变")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).setEnabled(
            self.dirty() or self.case_id is None)

    def describe(self, problem: Problem) -> str:
        """A problem in words a clerk reads: the field's Chinese name, then the rule."""
        match = PATH.match(problem.path)
        row = None
        if match:
            _grid, rows = self._grid_for(match["list"])
            index = int(match["index"])
            row = rows[index] + 1 if index < len(rows) else None  # blank rows are skipped
        return describe(problem.path, problem.message, row)

    def _grid_for(self, name: str) -> tuple[Grid, list[int]]:
        return {"owners": (self.owners, self._owner_rows),
                "case.parts": (self.parts, self._part_rows),
                "case.equipment": (self.equipment, self._equipment_rows),
                "case.exchange.houses": (self.houses, self._house_rows)}[name]

    def show_problems(self, problems: list[Problem]) -> None:
        ui = self.ui
        single = {"case_no": ui.caseNoEdit, "case.land_area": ui.landAreaEdit,
                  "case.land_unit_price": ui.landPriceEdit, "case.method": ui.methodCombo,
                  "case.signed_on": ui.signedDate, "title_no": ui.titleNoEdit,
                  "moved_on": self.movedDate,
                  "case.exchange.transition_months": ui.transitionSpin,
                  "case.exchange.turnover_house": ui.turnoverCheck,
                  "case.exchange.turnover_premises": self.premisesCheck,
                  "case.presign": self.presignCheck, "case.decided_on": self.decidedLabel}
        for widget in single.values():
            if isinstance(widget, DateField):
                widget.mark(None)
                continue
            widget.setStyleSheet("")
            widget.setToolTip("")
        for grid in (self.owners, self.parts, self.equipment, self.houses):
            grid.clear_marks()
        for problem in problems:
            match = PATH.match(problem.path)
            if match:
                grid, rows = self._grid_for(match["list"])
                index = int(match["index"])
                if index < len(rows):
                    grid.mark(rows[index], match["key"], problem.message)
            elif problem.path in single:
                widget = single[problem.path]
                if isinstance(widget, DateField):   # (its own reading of what was typed)
                    widget.mark(self._date_problem(widget) or self.describe(problem))
                    continue
                widget.setStyleSheet("background: #ffd6d6;")
                widget.setToolTip(in_words(problem.message))

    # ---- lock, history
    def _apply_lock(self) -> None:
        ui = self.ui
        editable = not self._locked
        for widget in (ui.methodCombo, ui.signedDate, ui.movedOnTimeCheck,
                       ui.minHousingCheck, ui.landAreaEdit, ui.landPriceEdit, ui.turnoverCheck,
                       ui.transitionSpin, ui.interruptionSpin,
                       ui.addPartButton, ui.removePartButton, ui.addEquipmentButton,
                       ui.removeEquipmentButton, ui.addHouseButton, ui.removeHouseButton,
                       *self.payee.values()):
            widget.setEnabled(editable)
        self.termsEditor.set_editable(editable)
        self.premisesCheck.setEnabled(editable)
        self.presignCheck.setEnabled(editable)
        for grid in (self.parts, self.equipment, self.houses):
            grid.set_editable(editable)
        ui.unlockButton.setVisible(self._locked)
        why = self.store.may("解锁更正")   # on the office server: reviewers only
        ui.unlockButton.setEnabled(why is None)
        ui.unlockButton.setToolTip(why or "")
        ui.historyButton.setEnabled(self.case_id is not None)
        if self._locked:   # the stage it is locked at: 预签, 已签约, 已搬迁 or 作废
            stage = STATUS_LABELS.get(self._loaded.get("status") or "", "已签约")
            ui.lockLabel.setText(f"【已锁定】{stage}，金额相关数据不能修改")
        # (a line of its own above the buttons, shown when it says something: beside them the
        # row of a signed case was ~1,300 px wide)
        ui.lockLabel.setVisible(bool(ui.lockLabel.text()))

    @property
    def locked(self) -> bool:
        return self._locked

    def unlock(self) -> None:
        if self.case_id is None:
            return
        reason = ask_reason(self, "解锁更正", "请写明更正理由（将记入修改记录）：", "解锁更正")
        if reason is None:
            return
        self.unlock_with(reason)

    def unlock_with(self, reason: str) -> bool:
        assert self.case_id is not None
        try:
            case_service.unlock_case(self.store, self.case_id, reason)
        except UserError as exc:
            QMessageBox.warning(self, "不能解锁", describe_message(str(exc)))
            return False
        current = self.form()
        self.load()
        self._fill(current)
        self.refresh()
        return True

    def saved_elsewhere(self) -> None:
        """A dialog beside the editor (the decision path's, 安置房源, 逾期交房加付) changed the
        stored case: show it (and tell the main window)."""
        if self.dirty():
            QMessageBox.information(self, "案卷已更新", "数据库中的案卷已更新；当前有未保存的"
                                    "修改，请撤销修改后再查看。")
        else:
            self.load()
        if self.case_id is not None:
            self.saved.emit(self.case_id)

    def show_history(self) -> None:
        if self.case_id is not None:
            HistoryDialog(case_service.history(self.store, self.case_id), self).exec()

    # ---- save, revert, close
    def dirty(self) -> bool:
        return self.form() != self._loaded

    def ask_reason(self, title: str, prompt: str) -> str | None:
        return ask_reason(self, title, prompt, title)

    def save(self) -> bool:
        form = self.form()
        reason = None
        old = self._loaded.get("status") if self.case_id is not None else "surveyed"
        new = form["status"]
        if old and new != old and needs_reason(SimpleNamespace(old_town=self.project_old_town),
                                               old, new):
            if why := self.store.may("退回或跳过阶段"):   # office server: a reviewer's, no reason
                QMessageBox.warning(self, "不能保存", why)   # is asked of a clerk
                return False
            back = STAGES.index(new) < STAGES.index(old) if old in STAGES else False
            reason = self.ask_reason(
                "退回" if back else "跳过阶段",
                f"从{STATUS_LABELS[old]}{'退回' if back else '直接改'}到{STATUS_LABELS[new]}，"
                "请写明理由（将记入修改记录）：")
            if reason is None:
                return False
        return self.save_with(reason)

    def _settle_conflict(self, exc: Any, reason: str | None) -> bool:
        """Someone else saved this case meanwhile: show both versions, let the user keep one."""
        from wulong_desk.ui.versions_dialog import VersionsDialog

        dialog = VersionsDialog(exc.case_no, exc.mine, exc.theirs, parent=self)
        dialog.exec()
        if dialog.choice == "theirs":
            self.revert()
            return True
        if dialog.choice == "mine":
            self._version = exc.their_version   # built on theirs now: saved over it, knowingly
            return self.save_with(reason)
        return False

    @staticmethod
    def _date_problem(field: DateField) -> str | None:
        problem = field.problem()
        return f"「{field.field}」：{problem}" if problem else None

    def _dates_readable(self) -> bool:
        """A date that cannot be read is refused at its field (never saved as a guess)."""
        for field in (self.ui.signedDate, self.movedDate):
            if problem := self._date_problem(field):
                field.mark(problem)
                QMessageBox.warning(self, "不能保存", problem)
                field.setFocus()
                return False
        return True

    def save_with(self, reason: str | None, *, allow_overpaid: bool = False) -> bool:
        """Save the form (reason: why a stage was skipped or went back, asked already). A
        correction that leaves more paid than is owed now is saved only once the user confirms
        it (the case then shows 应追回)."""
        if not self._dates_readable():
            return False
        try:
            saved = case_service.save_case(self.store, self.project_id, self.form(),
                                           self.case_id, reason=reason,
                                           expected_version=getattr(self, "_version", None),
                                           allow_overpaid=allow_overpaid)
        except case_service.OverpaymentError as exc:
            answer = QMessageBox.question(
                self, "更正后已付超过应付", f"{exc}\n\n仍然保存这项更正吗？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Save:
                return False
            return self.save_with(reason, allow_overpaid=True)
        except case_service.VersionConflictError as exc:
            return self._settle_conflict(exc, reason)
        except InputError as exc:
            self.show_problems(exc.problems)
            text = "\n".join(self.describe(p) for p in exc.problems)
            if any(p.path in ("owners", "case.parts") for p in exc.problems):
                text += "\n\n还没填完的，可以按“存为草稿”保留，以后在“文件 → 草稿…”中继续。"
            QMessageBox.warning(self, "不能保存", text)
            return False
        except UserError as exc:   # the lifecycle's problems are "path: message; …"
            QMessageBox.warning(self, "不能保存", "\n".join(
                describe_stored(part) for part in str(exc).split("；")))
            return False
        self.case_id = saved.case_id
        self.discard_draft()
        if self.store.path:
            self.draft_file = draft_path(self.store.path, self.case_id)
        self.load()
        self.saved.emit(saved.case_id)
        return True

    def revert(self) -> None:
        self.load()
        self.discard_draft()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._keeping_draft:
            self._relock_unsaved_correction()
            event.accept()
            self.closed.emit()
            return
        if self.dirty():
            answer = QMessageBox.question(
                self, "未保存的修改", "这个案卷有未保存的修改。保存吗？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self.save()):
                event.ignore()
                return
        self.discard_draft()
        self._relock_unsaved_correction()
        event.accept()
        self.closed.emit()

    def _relock_unsaved_correction(self) -> None:
        """An unlocked case closed without saving its correction is locked again."""
        if self.case_id is None:
            return
        if is_unlocked(self.store, self.case_id):
            case_service.relock_case(self.store, self.case_id)

    def reject(self) -> None:  # Esc goes through the same unsaved-changes check
        self.close()


def _count(text: Any) -> Any:
    """Meter counts are whole numbers; anything else is passed on for the checker to name."""
    if isinstance(text, str) and text.isascii() and text.isdigit():
        return int(text)
    return text
