"""Review findings 4, 5 and 11 on the public notice: a voided case is not published nor counted,
the 签约情况 column follows the case's stage (not a typed date), text from outside is never a
live formula (only the totals row's own sums are); and (issue 28) the notice names no exporter at
all — neither the operator nor the computer's login."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from store_helpers import case_form, project_form, walk_to

from wulong_desk.exports.notice import HEADER_ROWS
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.documents.notices import export_notice
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store


def _notice(tmp_path, operator: str = "公示测试", include_unsigned: bool = False):
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
    if include_unsigned:
        export_notice(store, project_id, out, include_unsigned=True,
                      period=(date(2023, 7, 3), date(2023, 7, 11)))
    else:
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
    ws = _notice(tmp_path, include_unsigned=True)
    header, rows, totals = _table(ws)
    number, signed, total = (header.index(k) for k in ("案卷编号", "签约情况", "补偿合计"))
    assert [r[number] for r in rows] == ["A-001", "A-003"]      # A-002 (作废) is not published
    assert [r[signed] for r in rows] == ["已签约", "拟"]         # a typed date is not a signature
    assert totals[number] == "2户"
    letter = ws.cell(row=HEADER_ROWS, column=total + 1).column_letter
    sums = ws.cell(row=HEADER_ROWS + 3, column=total + 1)
    first = HEADER_ROWS + 1
    assert sums.data_type == "f" and sums.value == f"=SUM({letter}{first}:{letter}{first + 1})"
    assert sum(Decimal(str(r[total])) for r in rows) > 0


def test_by_default_only_settled_households_are_published(tmp_path):
    """Issue 28: the 分户补偿情况公示 published households still at 调查登记; by default it lists
    only 已签约 / 已搬迁, and says nothing about the others."""
    ws = _notice(tmp_path)
    header, rows, totals = _table(ws)
    number, signed = header.index("案卷编号"), header.index("签约情况")
    assert [(r[number], r[signed]) for r in rows] == [("A-001", "已签约")]
    assert totals[number] == "1户"
    text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "A-003" not in text and "“拟”" not in text


def test_case_number_like_a_sum_is_text(tmp_path):
    store = open_store(tmp_path / "n.sqlite", "公示测试")
    project_id = projects.create_project(store, project_form(2))
    cases.save_case(store, project_id, case_form(2, "=SUM(1)+HYPERLINK(C5)"))
    out = tmp_path / "公示.xlsx"
    export_notice(store, project_id, out, include_unsigned=True)
    store.close()
    ws = load_workbook(out).worksheets[0]
    cell = ws.cell(row=HEADER_ROWS + 1, column=2)
    assert cell.value == "=SUM(1)+HYPERLINK(C5)" and cell.data_type == "s"


def _texts(path) -> list[str]:
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
            if isinstance(c, str)]


def _export_lines(path) -> list[str]:
    """Each 导出 line of a workbook, its label and its stamp joined (they are cells apart)."""
    out = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            texts = [c for c in row if isinstance(c, str)]
            if texts and texts[0].startswith("导出："):
                out.append("".join(texts))
    return out


def test_the_notice_names_no_exporter(tmp_path):
    ws = _notice(tmp_path, operator="王科员")
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(t.startswith("导出：") or "王科员" in t or "公示测试" in t for t in texts)


def test_cli_ledger_and_notice_never_print_the_login_name(tmp_path, monkeypatch):
    import getpass

    from wulong_desk.cli import main

    monkeypatch.delenv("WULONG_DESK_OPERATOR", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "loginname")
    db = tmp_path / "c.sqlite"
    store = open_store(db, "建档人")
    project_id = projects.create_project(store, project_form(2))
    walk_to(store, cases.save_case(store, project_id, case_form(2, "A-001")).case_id, "signed")
    store.close()
    for public in (False, True):
        out = tmp_path / f"{public}.xlsx"
        argv = ["--db", str(db), "ledger", "--project", str(project_id), "--out", str(out)]
        assert main(argv + (["--public"] if public else [])) == 0
        footers = _export_lines(out)
        assert all("loginname" not in f and not f.endswith(" ") for f in footers)
        assert bool(footers) is not public    # the signed ledger has its export line
    out = tmp_path / "named.xlsx"
    assert main(["--db", str(db), "--operator", "张三", "ledger", "--project", str(project_id),
                 "--out", str(out), "--public"]) == 0
    assert not any("张三" in t for t in _texts(out))
    assert main(["--db", str(db), "--operator", "张三", "ledger", "--project", str(project_id),
                 "--out", str(out)]) == 0
    assert _export_lines(out) and all(line.endswith("  张三") for line in _export_lines(out))
