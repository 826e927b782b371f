"""Review findings 4, 5 and 11 on the public notice: a voided case is not published nor counted,
the 签约情况 column follows the case's stage (not a typed date), text from outside is never a
live formula (only the totals row's own sums are), and the footer names no computer login."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from store_helpers import case_form, project_form, walk_to

from wulong_desk.exports.notice import HEADER_ROWS
from wulong_desk.services import cases, projects
from wulong_desk.services.exports import export_ledger
from wulong_desk.store import open_store


def _notice(tmp_path, operator: str = "公示测试"):
    store = open_store(tmp_path / "n.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2))
    ids = {}
    for case_no in ("A-001", "A-002", "A-003"):
        ids[case_no] = cases.save_case(store, project_id, case_form(2, case_no)).case_id
    walk_to(store, ids["A-001"], "signed")
    walk_to(store, ids["A-002"], "signed")
    cases.void_case(store, ids["A-002"], "协议解除，另行重签")
    # A-003 stays unsigned although a signing date was typed in
    form = case_form(2, "A-003")
    form["signed_on"] = "2023-08-01"
    cases.save_case(store, project_id, form, ids["A-003"])
    out = tmp_path / "公示.xlsx"
    export_ledger(store, project_id, out, public=True, operator=operator,
                  notice_period=(date(2023, 7, 3), date(2023, 7, 11)))
    store.close()
    return load_workbook(out).worksheets[0]


def _table(ws):
    header = [c.value for c in ws[HEADER_ROWS]]
    rows = []
    for row in ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True):
        if row[0] == "合计":
            return header, rows, row
        rows.append(row)
    raise AssertionError("no totals row")


def test_voided_case_is_left_out_and_signed_follows_the_stage(tmp_path):
    ws = _notice(tmp_path)
    header, rows, totals = _table(ws)
    number, signed, total = (header.index(k) for k in ("案卷编号", "签约情况", "补偿合计"))
    assert [r[number] for r in rows] == ["A-001", "A-003"]      # A-002 (作废) is not published
    assert [r[signed] for r in rows] == ["已签约", "未签约"]      # a typed date is not a signature
    assert totals[number] == "2户"
    letter = ws.cell(row=HEADER_ROWS, column=total + 1).column_letter
    sums = ws.cell(row=HEADER_ROWS + 3, column=total + 1)
    assert sums.data_type == "f" and sums.value == f"=SUM({letter}5:{letter}6)"
    assert sum(Decimal(str(r[total])) for r in rows) > 0


def test_case_number_like_a_sum_is_text(tmp_path):
    store = open_store(tmp_path / "n.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2))
    cases.save_case(store, project_id, case_form(2, "=SUM(1)+HYPERLINK(C5)"))
    out = tmp_path / "公示.xlsx"
    export_ledger(store, project_id, out, public=True, operator="公示测试")
    store.close()
    ws = load_workbook(out).worksheets[0]
    cell = ws.cell(row=HEADER_ROWS + 1, column=2)
    assert cell.value == "=SUM(1)+HYPERLINK(C5)" and cell.data_type == "s"


def test_footer_without_operator_names_nobody(tmp_path):
    ws = _notice(tmp_path, operator="")
    footer = [c for row in ws.iter_rows(values_only=True) for c in row
              if isinstance(c, str) and c.startswith("导出：")]
    assert len(footer) == 1 and footer[0].endswith(footer[0][3:19]) and "  " not in footer[0]


def _footer_texts(path) -> list[str]:
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
            if isinstance(c, str) and c.startswith("导出：")]


def test_cli_ledger_and_notice_never_print_the_login_name(tmp_path, monkeypatch):
    import getpass

    from wulong_desk.cli import main

    monkeypatch.delenv("WULONG_DESK_OPERATOR", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "loginname")
    db = tmp_path / "c.sqlite"
    store = open_store(db, "建档人")
    project_id = projects.create_project(store, project_form(2))
    cases.save_case(store, project_id, case_form(2, "A-001"))
    store.close()
    for public in (False, True):
        out = tmp_path / f"{public}.xlsx"
        argv = ["--db", str(db), "ledger", "--project", str(project_id), "--out", str(out)]
        assert main(argv + (["--public"] if public else [])) == 0
        footers = _footer_texts(out)
        assert footers and all("loginname" not in f and not f.endswith(" ") for f in footers)
    out = tmp_path / "named.xlsx"
    assert main(["--db", str(db), "--operator", "张三", "ledger", "--project", str(project_id),
                 "--out", str(out), "--public"]) == 0
    assert _footer_texts(out)[0].endswith("  张三")
