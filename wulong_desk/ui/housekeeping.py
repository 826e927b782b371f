"""Housekeeping from the main window: who the operator is, backup now (or to a folder the user
chooses), restore from a backup, importing a survey sheet, projects made elsewhere shown when
the window is used again, where the data lives and which standard applies, and drafts left by
a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from wulong_desk.errors import UserError
from wulong_desk.logs import log
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.labels import project_label
from wulong_desk.ui.settings import (
    backup_folder,
    last_folder,
    remember,
    remember_folder,
    settings,
)

if TYPE_CHECKING:
    from wulong_desk.services.cases.drafts import Draft
    from wulong_desk.ui.case_editor import CaseEditor
    from wulong_desk.ui.main_window import MainWindow


class _OnActivate(QObject):
    """Calls `then` each time the window becomes the active window again."""

    def __init__(self, window: QWidget, then: Callable[[], object]):
        super().__init__(window)
        self.then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            self.then()
        return False


class Housekeeping:
    def __init__(self, window: MainWindow):
        self.window = window
        # back to the window after the command line was used: it lives as long as the window
        self._activation = _OnActivate(window, self.refresh_projects_if_changed)

    # ---- operator
    def change_operator(self) -> None:
        from wulong_desk.ui.operator_dialog import OperatorDialog

        dialog = OperatorDialog(self.window.store.operator, self.window)
        if dialog.exec():
            self.set_operator(dialog.name())

    def set_operator(self, name: str) -> None:
        self.window.store.operator = name
        settings().setValue("operator", name)
        self.window.setWindowTitle(f"武隆征收补偿案卷系统 — {name}")

    def _on_server(self) -> bool:
        """On the office server backups are the server's job (pg_dump): say so."""
        if self.window.store.server is None:
            return False
        from wulong_desk.store.server import BACKUPS_ARE_THE_SERVERS

        QMessageBox.information(self.window, "备份", BACKUPS_ARE_THE_SERVERS)
        return True

    # ---- backups (the file copies run on a worker thread)
    def backup_now(self) -> Job | None:
        from wulong_desk.store.backups import backup

        if self._on_server():
            return None
        path = self.window.store.path
        if path is None:
            return None
        return self._backup_job(lambda progress: backup(path), "手动备份完成")

    def _backup_job(self, work, logged: str, where: str = "") -> Job:
        """Run a backup on a worker thread; tell the clerk what was made (by its date and kind,
        and the folder when the clerk chose one), or why it failed."""
        from wulong_desk.ui.restore_dialog import describe

        job = Job(self.window, "备份", "正在备份数据库…", work)
        job.succeeded.connect(lambda made: (
            log().info(logged),
            QMessageBox.information(self.window, "备份完成", f"已备份：{describe(made)}"
                                    + (f"\n保存在：{where}" if where else
                                       "\n（“数据 → 从备份恢复…”中可以找到它）"))))
        job.failed.connect(lambda message: QMessageBox.warning(self.window, "备份失败", message))
        job.start()
        return job

    def backup_to_folder(self, folder: Path | None = None) -> Job | None:
        """A copy of the database in a folder the user chooses (a USB stick, a shared drive)."""
        from datetime import datetime

        from PySide6.QtWidgets import QFileDialog

        from wulong_desk.store.backups import backup

        path = self.window.store.path
        if path is None:
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                self.window, "选择备份到的文件夹（如U盘）", str(backup_folder()))
            if not chosen:
                return None
            folder = Path(chosen)
        remember("backup_folder", str(folder))
        target = folder / f"{path.stem}-备份-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
        return self._backup_job(lambda progress: backup(path, out=target), "备份到所选文件夹完成",
                                where=str(folder))

    # ---- survey sheet (read and checked on a worker thread; all rows or none are imported)
    def import_survey_dialog(self, path: Path | None = None) -> Job | None:
        from PySide6.QtWidgets import QFileDialog

        from wulong_desk.services.exchange.survey import import_survey

        project_id = self.window.project_id()
        if project_id is None:
            QMessageBox.information(self.window, "导入调查登记表", "请先新建或选择一个项目")
            return None
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self.window, "导入调查登记表", str(last_folder()),
                "Excel 工作簿 (*.xlsx)")
            if not chosen:
                return None
            remember_folder(chosen)
            path = Path(chosen)
        store = self.window.store
        job = Job(self.window, "导入调查登记表", "正在检查并导入调查登记表…",
                  lambda progress: import_survey(store, project_id, path), cancellable=False)

        def done(created: list[str]) -> None:
            self.window.reload_projects(select=project_id)
            QMessageBox.information(self.window, "导入完成",
                                    f"已导入 {len(created)} 户：{'、'.join(created[:20])}"
                                    + ("…" if len(created) > 20 else ""))

        job.succeeded.connect(done)
        job.failed.connect(lambda message: QMessageBox.warning(
            self.window, "没有导入",
            f"{message}\n\n调查登记表要全部无误才会导入，一户也没有写入。"))
        job.start()
        return job

    # ---- projects made elsewhere (the command line) appear when the window is used again
    def refresh_projects_if_changed(self) -> bool:
        from wulong_desk.services.projects.project import list_projects

        window = self.window
        try:
            projects = list_projects(window.store)
        except UserError:
            return False
        seen = [(window.project_combo.itemData(i), window.project_combo.itemText(i))
                for i in range(window.project_combo.count())]
        now = [(p["id"], project_label(p["name"], p["households"])) for p in projects]
        if seen == now:
            return False
        window.reload_projects(select=window.project_id())
        return True

    def restore_dialog(self) -> None:
        from wulong_desk.ui.restore_dialog import RestoreDialog, describe

        if self._on_server():
            return
        path = self.window.store.path
        if path is None:
            return
        dialog = RestoreDialog(path, self.window)
        if dialog.exec() and dialog.chosen is not None:
            answer = QMessageBox.question(
                self.window, "从备份恢复",
                f"用这个备份替换当前数据库？\n{describe(dialog.chosen)}\n\n当前数据库会先另存一份"
                "（“恢复前的备份”）。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self.restore_from(dialog.chosen)

    def restore_from(self, chosen: Path) -> Job | None:
        """Close the open cases and the database, put the backup in place (on a worker
        thread), reopen. The window is disabled meanwhile."""
        from wulong_desk.store import open_store
        from wulong_desk.store.backups import restore
        from wulong_desk.ui.restore_dialog import describe

        window = self.window
        path, operator = window.store.path, window.store.operator
        if path is None or not window.close_editors():
            return None
        when = describe(chosen)   # (said before the file is moved into place)
        window.store.close()
        window.setEnabled(False)

        def reopen(message: str = "", safety: Path | None = None) -> None:
            try:
                window.set_store(open_store(path, operator))
            finally:
                window.setEnabled(True)
            if message:
                QMessageBox.warning(window, "恢复失败", message)
                return
            log().info("已从备份恢复")
            note = "\n恢复前的数据库已另存为“恢复前的备份”（在“从备份恢复…”中可以找到）。" \
                if safety else ""
            QMessageBox.information(window, "恢复完成", f"已从备份恢复：{when}{note}")

        job = Job(window, "恢复", "正在从备份恢复…", lambda progress: restore(path, chosen))
        job.succeeded.connect(lambda safety: reopen(safety=safety))
        job.failed.connect(lambda message: reopen(message))
        job.start()
        return job

    # ---- where things are
    def data_dialog(self) -> None:
        from wulong_desk.services.projects.standard_info import standard_of
        from wulong_desk.ui.data_dialog import DataDialog

        window = self.window
        standard = None
        if window.project_id() is not None:
            standard = standard_of(window.store, window.project_id())
        DataDialog(window.store.path, standard, window, server=window.store.server).exec()

    # ---- drafts left by a crash
    def drafts(self) -> list[Draft]:
        from wulong_desk.services.cases.drafts import list_drafts

        path = self.window.store.path
        return list_drafts(path) if path is not None else []

    def offer_drafts(self) -> list[CaseEditor]:
        drafts = self.drafts()
        if not drafts:
            return []
        listing = "\n".join(f"· {draft.title}" for draft in drafts[:10])
        answer = QMessageBox.question(
            self.window, "恢复未保存的修改",
            f"有 {len(drafts)} 个案卷的修改还没保存（存为草稿的，或上次没有正常退出时留下的）："
            f"\n{listing}\n\n现在打开它们继续编辑吗？（选“否”将丢弃这些草稿）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            from wulong_desk.services.cases.drafts import discard_draft

            for draft in drafts:
                discard_draft(draft.path)
            return []
        return [editor for draft in drafts if (editor := self.restore_draft(draft))]

    def open_drafts(self) -> list[CaseEditor]:
        """文件 → 草稿…: open every draft of this database to go on with it (nothing discarded)."""
        if self.window.store is None:
            return []
        drafts = self.drafts()
        if not drafts:
            QMessageBox.information(self.window, "草稿", "没有未保存的草稿。")
            return []
        return [editor for draft in drafts if (editor := self.restore_draft(draft))]

    def restore_draft(self, draft: Draft) -> CaseEditor | None:
        window = self.window
        try:
            try:
                editor = window.open_case(draft.case_id, draft.project_id) \
                    if draft.case_id is not None else window.new_case(project_id=draft.project_id)
            except UserError:  # the case was deleted since: its draft becomes a new case
                editor = window.new_case(project_id=draft.project_id)
        except UserError as exc:  # the project is gone: the draft stays on disk
            QMessageBox.warning(window, "草稿无法恢复", f"{draft.title}：{exc}")
            return None
        if editor is None:
            return None
        editor.restore_draft(draft.form, draft.path)
        return editor
