"""数据 → 连接办公室服务器…: the server's address and a staff login. The password is never
written to settings.ini or a log; it may be remembered in the system's keyring (Windows
Credential Manager) when the user ticks the box."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.server_address import ServerAddress, split_address

KEYRING_SERVICE = "wulong-desk"


def remembered_password(address: str) -> str | None:
    """The password the keyring holds for this address (login included), or None."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, address)
    except Exception:   # no keyring on this system: simply not remembered
        return None


def remember_password(address: str, password: str | None) -> str | None:
    """Store (or, with None, forget) the password; returns why it could not, or None."""
    try:
        import keyring

        if password is None:
            try:
                keyring.delete_password(KEYRING_SERVICE, address)
            except keyring.errors.PasswordDeleteError:
                pass
        else:
            keyring.set_password(KEYRING_SERVICE, address, password)
    except Exception as exc:
        return f"本机无法保存密码（{type(exc).__name__}），下次连接时请再输入"
    return None


class ServerLoginDialog(QDialog):
    def __init__(self, address: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("连接办公室服务器")
        self.host = QLineEdit()
        self.host.setPlaceholderText("服务器的名称或 IP 地址，如 192.168.1.10")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("wulong")
        self.login = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("在本机记住密码（保存在系统的凭据管理器中）")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        if address:
            parts = split_address(address)
            self.host.setText(parts.host)
            self.port.setValue(parts.port)
            self.database.setText(parts.database)
            self.login.setText(parts.login)
            saved = remembered_password(self.address())
            if saved:
                self.password.setText(saved)
                self.remember.setChecked(True)
        form = QFormLayout()
        form.addRow("服务器：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库：", self.database)
        form.addRow("登录名：", self.login)
        form.addRow("密码：", self.password)
        hint = QLabel("登录名和密码由办公室的管理员分配。连接后，所有修改直接保存在服务器上，"
                      "修改记录以登录名署名。")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("连接")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def address(self) -> str:
        """postgresql://login@host:port/database — never with the password."""
        return ServerAddress(self.host.text().strip(), self.port.value(),
                             self.database.text().strip(), self.login.text().strip()).text()

    def _accept(self) -> None:
        for widget, name in ((self.host, "服务器"), (self.database, "数据库"),
                             (self.login, "登录名"), (self.password, "密码")):
            if not widget.text().strip():
                self.problem.setText(f"请填写{name}")
                widget.setFocus()
                return
        self.accept()
