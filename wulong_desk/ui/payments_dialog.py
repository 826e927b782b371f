"""A case's money over time: its schedule's four parts, how much of each is owed now and paid,
what is outstanding or to be recovered (应追回, red), the agreement's payment terms and payee
account (shown: they are the agreement's content, changed only by 解锁更正 in the case window),
every payment (or receipt), and recording a new one. Keyboard: Tab through the fields, Enter
records."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
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
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.services.money import payments
from wulong_desk.services.money.account_view import account_view
from wulong_desk.store import Store
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.labels import money_text

RED = "color: #b00020;"


class PaymentsDialog(QDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.setWindowTitle("付款与收款")
        self.resize(760, 600)
        self.summary = QLabel()
        self.summary.setObjectName("paymentSummary")
        self.summary.setWordWrap(True)
        self.recover = QLabel()
        self.recover.setObjectName("paymentRecover")
        self.recover.setStyleSheet(RED)
        self.recover.setWordWrap(True)
        self.buckets = QTableWidget(len(SCHEDULE_KEYS), 5)
        self.buckets.setObjectName("paymentBuckets")
        self.buckets.setHorizontalHeaderLabels(["款项", "协议金额（元）", "现应付（元）",
                                                "已付（元）", "付款期限"])
        self.buckets.verticalHeader().setVisible(False)
        self.buckets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.buckets.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.buckets.setMaximumHeight(150)
        self.terms = QLabel()
        self.terms.setObjectName("paymentTerms")
        self.terms.setWordWrap(True)
        agreed = QGroupBox("协议约定（办法第二十九条；修改须“解锁更正”）")
        QVBoxLayout(agreed).addWidget(self.terms)

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
        # Enter acts on the field it is pressed in (records), never on a default button as well
        for button in (self.record_button, *buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.recover)
        layout.addWidget(self.buckets)
        layout.addWidget(agreed)
        layout.addWidget(self.table, 1)
        layout.addWidget(new)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        view = account_view(self.store, self.case_id)
        self.setWindowTitle(f"付款与收款 — {view.case_no}")
        words, line, payee_line, account = (view.term_words, view.terms_line, view.payee_line,
                                            view.account)
        self.terms.setText(f"付款期限：{line or '未约定'}\n收款账户：{payee_line or '未填写'}")
        if account is None:
            self.summary.setText("这个案卷还没有生效的补偿协议（已签约、已搬迁），或计算不完整，"
                                 "还不能登记付款。")
            self.recover.setText("")
            self.record_button.setEnabled(False)
            self.table.setRowCount(0)
            return
        self.record_button.setEnabled(bool(account.outstanding or account.recover))
        price = (f"，减调换房屋价款 {money_text(account.set_off)} 元" if account.set_off
                 else "")
        self.summary.setText(f"现应付 {money_text(account.due_now)} 元{price}，已付 "
                             f"{money_text(account.paid)} 元，未付 "
                             f"{money_text(account.outstanding)} 元")
        recover = []
        if account.overpaid:
            recover.append(f"应追回 {money_text(account.overpaid)} 元（已付超过现应付的补偿款）")
        if account.household_owes:
            recover.append(f"住户应补交调换房屋差价 {money_text(account.household_owes)} 元")
        self.recover.setText("；".join(recover))
        self.recover.setVisible(bool(recover))
        filled = account.filled()
        for r, key in enumerate(SCHEDULE_KEYS):
            for c, text in enumerate((SCHEDULE_LABELS[key], money_text(account.buckets[key]),
                                      money_text(account.owed[key]), money_text(filled[key]),
                                      words.get(key) or "未约定")):
                self.buckets.setItem(r, c, QTableWidgetItem(text))
        self.buckets.resizeColumnsToContents()
        self.table.setRowCount(len(account.payments))
        for r, p in enumerate(account.payments):
            for c, text in enumerate((p.paid_on.isoformat(), payments.KIND_LABELS[p.kind],
                                      money_text(p.amount), p.voucher, p.operator)):
                self.table.setItem(r, c, QTableWidgetItem(text))

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
