"""数据 → 连接办公室服务器… and 数据 → 与办公室同步: the main window's office-server work (the
connection and the sync run on worker threads; the dialogs on the GUI thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from wulong_desk.logs import log
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.settings import settings

if TYPE_CHECKING:
    from wulong_desk.store import Store
    from wulong_desk.ui.main_window import MainWindow


class ServerActions:
    def __init__(self, window: MainWindow):
        self.window = window

    def _login(self) -> tuple[str, str, bool] | None:
        from wulong_desk.ui.server_login_dialog import ServerLoginDialog

        dialog = ServerLoginDialog(settings().value("server_address", "", str), self.window)
        if not dialog.exec():
            return None
        return dialog.address(), dialog.password.text(), dialog.remember.isChecked()

    def _remember(self, address: str, password: str, remember: bool) -> None:
        from wulong_desk.ui.server_login_dialog import remember_password

        settings().setValue("server_address", address)   # the address only, never a password
        problem = remember_password(address, password if remember else None)
        if problem:
            QMessageBox.information(self.window, "未记住密码", problem)

    # ---- connect: the window works on the server from now on
    def connect_server(self) -> Job | None:
        login = self._login()
        if login is None:
            return None
        address, password, remember = login
        window = self.window

        def opened(store: Store) -> None:
            self._remember(address, password, remember)
            if not window.close_editors():
                store.close()
                return
            if window.store is not None:
                window.store.close()
            window.set_store(store)
            log().info("已连接办公室服务器")

        def open_it(_progress: Any) -> Store:
            from wulong_desk.store.server import open_server

            return open_server(address, password=password)

        job = Job(window, "连接服务器", "正在连接办公室服务器…", open_it, cancellable=False)
        job.succeeded.connect(opened)
        job.failed.connect(lambda message: QMessageBox.warning(window, "无法连接", message))
        job.start()
        return job

    # ---- sync: this computer's file and the office server
    def sync_now(self) -> Job | None:
        window = self.window
        laptop = window.store
        if laptop is None:
            return None
        if laptop.server is not None:
            QMessageBox.information(window, "与办公室同步", "当前直接连接着办公室服务器，"
                                    "修改已经保存在服务器上，不需要同步。")
            return None
        login = self._login()
        if login is None:
            return None
        address, password, remember = login

        def run(_progress: Any) -> Any:
            from wulong_desk.services.exchange.sync import sync
            from wulong_desk.store.server import open_server

            with open_server(address, password=password) as server:
                return sync(laptop, server)

        def done(report: Any) -> None:
            self._remember(address, password, remember)
            window.notice_others(force=True)
            text = f"已推送 {report.pushed} 户，已取回 {report.pulled} 户。"
            if report.problems:
                text += "\n\n未能同步：\n" + "\n".join(report.problems)
            if report.proposed:
                text += ("\n\n待确认（未应用，请审核人员在“数据 → 待确认的更正…”中处理）：\n"
                         + "\n".join(report.proposed))
            if report.conflicts:
                text += ("\n\n以下案卷在本机和服务器上都有修改，两边都没有改动："
                         + "、".join(report.conflicts) + "。接下来逐个比较，请选择保留哪个版本。")
            QMessageBox.information(window, "同步完成", text)
            if report.conflict_uuids:
                self.settle(address, password, report.conflict_uuids)

        job = Job(window, "与办公室同步", "正在与办公室服务器同步…", run, cancellable=False)
        job.succeeded.connect(done)
        job.failed.connect(lambda message: QMessageBox.warning(window, "同步未完成", message))
        job.start()
        return job

    def settle(self, address: str, password: str, uuids: list[str]) -> None:
        """Each conflicting case: both versions side by side; the chosen one goes to both."""
        from wulong_desk.errors import UserError
        from wulong_desk.services.exchange.sync import resolve, versions
        from wulong_desk.store.server import open_server
        from wulong_desk.ui.versions_dialog import VersionsDialog

        window = self.window
        laptop = window.store
        assert laptop is not None
        try:
            server = open_server(address, password=password)
        except UserError as exc:
            QMessageBox.warning(window, "无法连接", str(exc))
            return
        try:
            for uuid in uuids:
                mine, theirs = versions(laptop, server, uuid)
                dialog = VersionsDialog(
                    str(mine.get("case_no")), mine, theirs, mine_label="本机的版本",
                    theirs_label="服务器上的版本", parent=window,
                    intro=f"案卷 {mine.get('case_no')} 在本机和办公室服务器上都有修改。请选择"
                          "保留哪一个版本，另一边会改为这个版本（修改记录中两边的修改都保留）。")
                dialog.exec()
                if dialog.choice is None:
                    continue
                try:
                    resolve(laptop, server, uuid,
                            keep="laptop" if dialog.choice == "mine" else "server")
                except UserError as exc:
                    QMessageBox.warning(window, "未能处理冲突", str(exc))
        finally:
            server.close()
        window.notice_others(force=True)
