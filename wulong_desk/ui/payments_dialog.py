"""A signed case's money: the payment term and bank account as agreed, every payment (or
receipt), and recording a new one. Keyboard: Tab through the fields, Enter records."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.services import payments
from wulong_desk.services.cases import get_case
from wulong_desk.services.procedure import payment_due
from wulong_desk.services.workdays import WorkCalendar
from wulong_desk.store import Store
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.labels import money_text


class PaymentsDialog(QDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.setWindowTitle("付款与收款")
        self.resize(720, 520)
        self.summary = QLabel()
        self.summary.setObjectName("paymentSummary")
        self.summary.setWordWrap(True)
        self.term = QLineEdit()
        self.term.setObjectName("paymentTerm")
        self.term.setPlaceholderText("如：签约后15日内、签约后10个工作日内，或 2026-03-01")
        self.account = QLineEdit()
        self.account.setObjectName("bankAccount")
        self.account.setPlaceholderText("户名、开户行、账号")
        save_terms = QPushButton("保存约定(&S)")
        save_terms.clicked.connect(self.save_terms)
        terms = QGroupBox("付款约定（办法第二十九条）")
        form = QFormLayout(terms)
        form.addRow("付款期限(&T)：", self.term)
        form.addRow("收款账户(&A)：", self.account)
        form.addRow("", save_terms)

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("paymentsTable")
        self.table.setHorizontalHeaderLabels(["日期", "类别", "金额（元）", "凭证号", "经办人"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.amount = QLineEdit()
        self.amount.setObjectName("paymentAmount")
        self.amount.setPlaceholderText("元，最多两位小数")
        self.on = DateField(None, "日期")   # blank until typed: never today by default
        self.on.setObjectName("paymentDate")
        self.voucher = QLineEdit()
        self.voucher.setObjectName("paymentVoucher")
        self.record_button = QPushButton("登记(&R)")
        self.record_button.setObjectName("recordPayment")
        self.record_button.clicked.connect(self.record)
        for edit in (self.amount, self.on.edit, self.voucher):
            edit.returnPressed.connect(self.record)
        new = QGroupBox("登记一笔")
        row = QHBoxLayout(new)
        for label, widget in (("金额(&M)：", self.amount), ("日期(&D)：", self.on),
                              ("凭证号(&V)：", self.voucher)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
        row.addWidget(self.record_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter acts on the field it is pressed in (records, or saves the terms), never on a
        # default button as well
        for button in (save_terms, self.record_button, *buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        for edit in (self.term, self.account):
            edit.returnPressed.connect(self.save_terms)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(terms)
        layout.addWidget(self.table, 1)
        layout.addWidget(new)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        with self.store.read() as session:
            case = get_case(session, self.case_id)
            self.setWindowTitle(f"付款与收款 — {case.case_no}")
            self.term.setText(case.payment_term or "")
            self.account.setText(case.bank_account or "")
            account = payments.case_account(session, self.case_id)
        if account is None:
            self.summary.setText("这个案卷尚未签约或计算不完整，还不能登记付款。")
            self.record_button.setEnabled(False)
            self.table.setRowCount(0)
            return
        self.record_button.setEnabled(account.outstanding != 0)
        due_text = ""
        if account.payment_term:
            try:
                due = payment_due(account.payment_term, account.signed_on,
                                  WorkCalendar.for_user())
            except UserError as exc:
                due_text = f"；{exc}"
            else:
                due_text = f"；付款期限届满日 {due.text()}" if due else ""
        owes = "（负数：住户应缴差价）" if account.due < 0 else ""
        self.summary.setText(f"应付 {money_text(account.due)} 元{owes}，已付 "
                             f"{money_text(account.paid)} 元，未付 "
                             f"{money_text(account.outstanding)} 元{due_text}")
        self.table.setRowCount(len(account.payments))
        for r, p in enumerate(account.payments):
            for c, text in enumerate((p.paid_on.isoformat(), payments.KIND_LABELS[p.kind],
                                      money_text(p.amount), p.voucher, p.operator)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def save_terms(self) -> None:
        try:
            payments.set_payment_terms(self.store, self.case_id, self.term.text(),
                                       self.account.text())
        except UserError as exc:
            QMessageBox.warning(self, "付款约定", str(exc))
            return
        self.load()

    def record(self) -> None:
        try:
            try:
                amount = read_number(self.amount.text(), typed=True, plain=True)
            except NumberError as exc:
                raise UserError(f"「金额」：{exc}") from None
            on = self.on.day()
            if on is None:
                raise UserError("「日期」：必须填写（付款或收款的日期）")
            payments.record_payment(self.store, self.case_id, amount, on, self.voucher.text())
        except UserError as exc:
            QMessageBox.warning(self, "登记付款", str(exc))
            return
        self.amount.clear()     # (the date stays: several payments are often made on one day)
        self.voucher.clear()
        self.load()
        self.amount.setFocus()
