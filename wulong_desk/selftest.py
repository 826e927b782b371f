"""`wulong-desk --self-test`: prove an installation works, end to end, without touching the
user's data: a temporary database, the spec's four examples entered and checked to the cent,
a ledger and a PDF written and read back, and the main window opened and closed offscreen."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Say = Callable[[str], None]


class SelfTestFailure(Exception):
    pass


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def run_self_test(say: Say = print, gui: bool = True) -> bool:
    """Every step prints one line; True only if all of them passed."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wulong-selftest-") as folder:
        home = os.environ.get("WULONG_DESK_HOME")
        temp = tempfile.tempdir  # (the exports point it into the self-test's private folder)
        os.environ["WULONG_DESK_HOME"] = str(Path(folder) / "home")  # no user data touched
        try:
            _steps(Path(folder), say, gui)
        except Exception as exc:  # any failure, expected or not, fails the self-test
            say(f"自检失败：{type(exc).__name__}: {exc}")
            return False
        finally:
            tempfile.tempdir = temp  # that folder goes with the self-test's
            if home is None:
                os.environ.pop("WULONG_DESK_HOME", None)
            else:
                os.environ["WULONG_DESK_HOME"] = home
    say(f"自检通过（{time.perf_counter() - started:.1f} 秒）")
    return True


def _steps(folder: Path, say: Say, gui: bool) -> None:
    from wulong_desk.fileio import write_atomically
    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.cases.calculation import stored_breakdown
    from wulong_desk.services.documents.exports import build_document, export_ledger
    from wulong_desk.services.documents.verify import verify_ledger
    from wulong_desk.services.projects import examples
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_store

    store = open_store(folder / "selftest.sqlite", "自检")
    try:
        say(f"数据库：已建立并迁移到最新版本（{store.path.name}）")
        first_project = first_case = 0
        for n in examples.NUMBERS:
            request = examples.example(n)
            project_id = projects.create_project(store, examples.project_form(request, n))
            case_id = cases.save_case(store, project_id,
                                      examples.case_form(request, f"EX-{n}")).case_id
            with store.read() as session:
                record = stored_breakdown(cases.get_case(session, case_id))
            _check(record is not None, f"算例{n}未能计算")
            assert record is not None
            want = examples.expected(n)
            got_lines = {line["code"]: line["amount"] for line in record["lines"]}
            _check(got_lines == want["lines"], f"算例{n}分项金额与规则说明不符")
            _check(record["totals"] == want["totals"], f"算例{n}合计与规则说明不符")
            _check(record["settlement"] == want["settlement"], f"算例{n}结算与规则说明不符")
            _check(record["schedule"] == want["schedule"], f"算例{n}应付时间分段与规则说明不符")
            say(f"算例{n}：合计 {record['totals']['total']} 元，"
                f"应付差额 {record['settlement']['net_payable']} 元，与规则说明一致")
            if n == 2:
                first_project, first_case = project_id, case_id

        ledger = folder / "台账.xlsx"
        export_ledger(store, first_project, ledger, public=False, operator="自检")
        with store.read() as session:
            verdict = verify_ledger(session, ledger)
        _check(verdict.matches, "台账与数据库核对不一致")
        say(f"台账：已写出并核对一致（{ledger.stat().st_size} 字节）")
        from openpyxl.xml import DEFUSEDXML

        _check(DEFUSEDXML, "读取外来表格时没有用上 defusedxml（防 XML 炸弹）")
        say("外来表格：以 defusedxml 解析")

        name, data = build_document(store, first_case, "agreement")
        pdf = write_atomically(folder / name, data, private=True).read_bytes()
        _check(pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF"), "PDF 文件不完整")
        _check(b"FontFile2" in pdf, "PDF 未嵌入中文字体")
        say(f"协议：{name} 已写出（{len(pdf)} 字节，字体已嵌入）")

        if gui:
            from wulong_desk.ui.self_check import open_and_close_main_window

            shown = open_and_close_main_window(store, first_project)
            _check(shown == 1, f"主窗口案卷表应显示 1 户，实际 {shown} 户")
            say("主窗口：已在屏幕外打开、显示案卷表并关闭")
    finally:
        store.close()


def main(gui: bool = True) -> int:
    return 0 if run_self_test(lambda line: print(line, flush=True), gui=gui) else 1


if __name__ == "__main__":
    sys.exit(main())
