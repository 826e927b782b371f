"""The signed ledger (分户补偿台账): 汇总 (one row per household), a 分户明细 page per
household, 作废案卷, 参数 and the hidden 核对 sheet. Every figure is the stored record's; the
totals are SUM formulas (also as LibreOffice recalculates them); nothing on paper is a UUID or
hex; a case's outcome chooses its sheet; the public notice keeps personal numbers out."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_helpers import page_line, pages, params, plain, table, write_ledger
from openpyxl import load_workbook

from wulong_desk.errors import UserError
from wulong_desk.exports import ledger_layout
from wulong_desk.exports.ledger import build_ledger
from wulong_desk.exports.ledger_layout import (
    CHECK_SHEET,
    DETAIL_SHEET,
    SUMMARY_SHEET,
    VOID_SHEET,
    Outcome,
)
from wulong_desk.exports.records import short_code
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_schedule
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.documents.records import load_records, stream_records
from wulong_desk.services.documents.verify import verify_ledger
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.statuses import METHOD_LABELS
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HEX = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,}\b", re.I)
CLOSING = "，。、；：？！）》」』】〕〉”"
# the exchange settlement's column says who pays (a bare 产权调换应付差额 with a sign did not)
NET = "应付差额正数：征收部门付负数：被征收人付"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo project with one signed case voided, its ledger exported as the app does
    (streamed), and the public notice."""
    folder = tmp_path_factory.mktemp("ledger")
    store = open_store(folder / "d.sqlite", "制表员")
    project_id = create_demo(store)
    with store.read() as session:
        voided = session.query(Case).filter(Case.status == "signed").order_by(
            Case.id.desc()).first()
        voided_id = voided.id
    cases.void_case(store, voided_id, "协议解除，另行重签")
    internal, public = folder / "ledger.xlsx", folder / "notice.xlsx"
    export_ledger(store, project_id, internal, public=False, operator="制表员")
    with store.read() as session:
        records = load_records(session, project_id)
    write_ledger(records, public, public=True, operator="制表员")
    yield store, project_id, records, internal, public
    store.close()


def counted(records):
    return [e for e in records.entries if e.status != "void"]


def test_the_summary_has_a_row_per_household_with_the_stored_figures(demo):
    _store, _, records, internal, _ = demo
    wb = load_workbook(internal)
    assert wb.sheetnames[0] == SUMMARY_SHEET
    headers, body, _totals, _top = table(wb[SUMMARY_SHEET])
    assert len(headers) <= 16
    assert headers[:6] == ["案卷编号", "被征收人", "身份证号", "坐落", "补偿方式", "证载面积（m²）"]
    assert "被征收人签字" in headers and "签约日期" in headers
    assert len(body) == len(counted(records)) == 34   # FR-0036 is incomplete, one is void
    for entry in counted(records):
        row = body[entry.case_no]
        record = entry.record

        def at(title: str, row=row):
            return row[headers.index(title)]

        for title, key in (("价值补偿", "value"), ("损失补偿", "loss"), ("奖励补助", "reward"),
                           ("补偿合计", "total")):
            assert Decimal(str(at(title))) == Decimal(record["totals"][key])
        if entry.method == "exchange":
            assert Decimal(str(at(NET))) == Decimal(record["settlement"]["net_payable"])
        else:
            assert at(NET) == "—"
        owners = [o for o in entry.owners if o["role"] == "owner"]
        assert plain(at("被征收人")) == "、".join(o["name"] for o in owners)
        assert str(at("身份证号")).split("\n") == [o["id_number"] for o in owners]
        assert plain(at("坐落")) == entry.address
        assert at("补偿方式") == METHOD_LABELS[entry.method]
        if entry.decision and not entry.signed_on:   # settled by a 补偿决定: nobody signs
            assert (at("签约日期"), at("被征收人签字")) == (entry.decision["made_on"], "补偿决定")
        else:
            assert (at("签约日期") or None) == entry.signed_on
        assert Decimal(str(at("证载面积（m²）"))) == Decimal(record["quantities"]["area"])


def test_the_net_payable_header_says_who_pays_on_lines_of_its_own(demo):
    _, _, _, internal, _ = demo
    ws = load_workbook(internal)[SUMMARY_SHEET]
    headers, _body, _totals, top = table(ws)
    cell = ws.cell(row=top, column=headers.index(NET) + 1)
    assert cell.value.split("\n") == ["应付差额", "正数：征收部门付", "负数：被征收人付"]
    assert ws.row_dimensions[top].height >= 3 * 14     # three lines of 10-point text
    note = "".join(plain(c.value) for row in ws.iter_rows(min_row=top) for c in row
                   if isinstance(c.value, str) and c.value.startswith("应付差额："))
    assert "正数由征收部门付给被征收人，负数由被征收人补交" in note.replace("\n", "")


def test_totals_are_sums_over_exactly_the_household_rows(demo):
    _, _, records, internal, _ = demo
    headers, body, totals, top = table(load_workbook(internal)[SUMMARY_SHEET])
    first, last = top + 1, top + len(body)
    column = headers.index("补偿合计")
    assert re.fullmatch(rf"=SUM\([A-Z]+{first}:[A-Z]+{last}\)", totals[column])
    assert totals[1] == f"{len(body)}户"
    assert sum(Decimal(str(row[column])) for row in body.values()) == sum(
        Decimal(e.record["totals"]["total"]) for e in counted(records))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_same_totals(demo, tmp_path):
    _, _, _, internal, _ = demo
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(internal)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    ws = load_workbook(tmp_path / internal.name, data_only=True)[SUMMARY_SHEET]
    headers, body, totals, _top = table(ws)
    for name in ("补偿合计", "价值补偿", "奖励补助", NET, "证载面积（m²）"):
        column = headers.index(name)
        expected = sum(Decimal(str(row[column])) for row in body.values()
                       if row[column] != "—")
        assert Decimal(str(totals[column])).quantize(Decimal("0.01")) == expected


def test_print_setup(demo):
    _, _, _, internal, _ = demo
    wb = load_workbook(internal)
    ws = wb[SUMMARY_SHEET]
    _headers, _body, _totals, top = table(ws)
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A3)
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${top}:${top}"
    assert ws.row_dimensions[top + 1].height >= 30  # room to sign
    text = "\n".join(plain(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "制表人" in text and "审核人" in text and "负责人" in text
    assert "武隆府办发〔2023〕8号" in text and "wulong-2023" not in text
    for sheet in (DETAIL_SHEET, "参数"):
        assert str(wb[sheet].page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert wb[sheet].page_setup.orientation == "portrait"
    assert wb[CHECK_SHEET].sheet_state == "hidden"


def test_each_household_has_a_page_with_every_line_its_amount_and_basis(demo):
    _, _, records, internal, _ = demo
    wb = load_workbook(internal)
    by_case = pages(wb)
    assert set(by_case) == {e.case_no for e in counted(records)}
    breaks = {b.id for b in wb[DETAIL_SHEET].row_breaks.brk}
    assert len(breaks) >= len(by_case)      # a page break after each household at least
    for entry in counted(records):
        page = by_case[entry.case_no]
        for line in entry.record["lines"]:
            row = page_line(page, line["label"])
            assert Decimal(str(row[3])) == Decimal(line["amount"])
            assert plain(row[2]) == line["citation"]        # its basis, in words
            assert plain(row[1])                             # how, or why not
            # the household signs this page: no max(…), no formula repeating its amount
            assert "max(" not in plain(row[1]), plain(row[1])
            assert not re.fullmatch(r"[\d.,]+ = [\d.,]+", plain(row[1])), plain(row[1])
        total = page_line(page, "补偿合计")
        assert Decimal(str(total[3])) == Decimal(entry.record["totals"]["total"])
        assert "大写" in plain(total[1])
        text = "".join(plain(c) for row in page for c in row if c)
        assert "被征收人（签字）" in text and "经办人" in text and "审核人" in text
        identity = {plain(row[0]): plain(row[1]) for row in page}
        assert identity["产权证号"] == entry.title_no
        assert identity["坐落"] == entry.address
        prices = identity["评估单价（元/m²）"]
        assert all(f"{Decimal(p):,.2f}" in prices for p in entry.unit_prices)


def test_each_page_says_when_each_part_is_owed_from_the_stored_schedule(demo):
    store, _, records, internal, _ = demo
    by_case = pages(load_workbook(internal))
    with store.read() as session:
        stored = {c.case_no: stored_schedule(c.result) for c in session.query(Case)
                  if c.result is not None and c.result.ok}
    seen_kinds = set()
    for entry in counted(records):
        page = by_case[entry.case_no]
        owed = stored[entry.case_no]
        listed = Decimal(0)
        for key in SCHEDULE_KEYS:
            rows = [row for row in page if plain(row[0]) == SCHEDULE_LABELS[key]]
            if owed[key] or key == "before_move":
                assert Decimal(str(rows[0][3])) == owed[key]
                listed += owed[key]
                seen_kinds.add(key)
            else:
                assert rows == []
        assert listed == Decimal(entry.record["totals"]["total"])
    assert seen_kinds == set(SCHEDULE_KEYS)   # the demo has every kind of schedule


def test_a_voided_case_has_its_own_sheet_with_title_reason_and_date(demo):
    _store, _, records, internal, _ = demo
    ws = load_workbook(internal)[VOID_SHEET]
    assert "作废案卷" in str(ws["A1"].value)
    headers, body, closing, _top = table(ws)
    voided = [e for e in records.entries if e.status == "void"]
    assert list(body) == [e.case_no for e in voided] and closing[1] == "1户"
    row = body[voided[0].case_no]
    assert row[headers.index("作废理由")] == "协议解除，另行重签"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[headers.index("作废日期")])
    assert Decimal(str(row[headers.index("原补偿合计（不计入合计）")])) == Decimal(
        voided[0].record["totals"]["total"])
    summary = table(load_workbook(internal)[SUMMARY_SHEET])[1]
    assert voided[0].case_no not in summary


def test_no_uuid_or_hex_on_paper_the_fingerprint_as_a_short_code(demo):
    _, _, records, internal, _ = demo
    wb = load_workbook(internal)
    code = short_code(records.fingerprint)
    assert len(code) <= 12 and not HEX.search(code)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        texts = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        texts += [ws.oddFooter.left.text or "", ws.oddFooter.right.text or ""]
        joined = "\n".join(texts)
        assert not UUID.search(joined) and not HEX.search(joined), ws.title
        assert code in (ws.oddFooter.right.text or ""), ws.title
    hidden = {r[0]: r[1] for r in wb[CHECK_SHEET].iter_rows(values_only=True) if r[0]}
    assert hidden["数据指纹"] == records.fingerprint
    assert hidden["项目识别码"] == records.project["uuid"]
    assert params(wb)["核对码"] == code


def test_wrapped_text_breaks_by_the_chinese_rules_and_rows_are_tall_enough(demo):
    """No line of a cell starts with closing punctuation; a row is tall enough for its lines
    (the 参数 sheet's long values used to overprint the row under them)."""
    _, _, _, internal, _ = demo
    wb = load_workbook(internal)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            lines = 1
            for cell in row:
                if isinstance(cell.value, str):
                    parts = cell.value.split("\n")
                    assert not any(part and part[0] in CLOSING for part in parts[1:]), \
                        cell.value
                    lines = max(lines, len(parts))
            if lines > 1 and ws.sheet_state == "visible":
                height = ws.row_dimensions[row[0].row].height
                assert height is not None and height >= 10 * lines, (ws.title, row[0].row)


def test_money_stands_clear_of_the_right_border_in_every_sheet(demo, tmp_path):
    from wulong_desk.exports.sheet_style import MONEY_FORMAT
    from wulong_desk.services.documents.exports import export_payments

    store, project_id, _, internal, _ = demo
    export_payments(store, project_id, tmp_path / "拨付.xlsx", operator="制表员")
    for path in (internal, tmp_path / "拨付.xlsx"):
        wb = load_workbook(path)
        formats = {c.number_format for ws in wb.worksheets for row in ws.iter_rows()
                   for c in row if isinstance(c.value, (int, float)) or
                   (isinstance(c.value, str) and c.value.startswith("=SUM"))}
        money = {f for f in formats if "0.00" in f}
        assert money and all(f.endswith("_)") for f in money), formats
    assert MONEY_FORMAT.endswith("_)")


def test_streamed_and_loaded_records_write_the_same_ledger(demo, tmp_path):
    from datetime import datetime

    store, project_id, records, _, _ = demo
    at = datetime(2024, 1, 2, 3, 4)
    loaded = build_ledger(records, public=False, operator="甲", exported_at=at)
    with store.read() as session:
        streamed = build_ledger(stream_records(session, project_id), public=False,
                                operator="甲", exported_at=at)

    def cells(data: bytes) -> list:
        import io

        wb = load_workbook(io.BytesIO(data))
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]

    assert cells(loaded) == cells(streamed)


def test_a_large_project_spreads_its_pages_over_several_sheets(demo, tmp_path, monkeypatch):
    store, project_id, _, _, _ = demo
    monkeypatch.setattr(ledger_layout, "PAGES_PER_DETAIL_SHEET", 10)
    out = tmp_path / "l.xlsx"
    export_ledger(store, project_id, out, public=False, operator="甲")
    wb = load_workbook(out)
    assert [n for n in wb.sheetnames if n.startswith(DETAIL_SHEET)] == [
        DETAIL_SHEET, f"{DETAIL_SHEET}2", f"{DETAIL_SHEET}3", f"{DETAIL_SHEET}4"]
    assert len(pages(wb)) == 34
    with store.read() as session:
        verdict = verify_ledger(session, out)
    assert verdict.matches, verdict.details[:5]


def test_an_outcome_sheet_is_one_entry_in_the_mapping(demo, tmp_path, monkeypatch):
    """How a new outcome gets its own sheet: one entry in OUTCOMES. Here the households settled
    by a 补偿决定 are listed apart, in the totals of their own."""
    store, project_id, records, _, _ = demo
    decided = ledger_layout.Outcome("补偿决定", "补偿决定户", ledger_layout.SUMMARY_COLUMNS,
                                    counted=True, detail=True)
    monkeypatch.setitem(ledger_layout.OUTCOMES, "decided", decided)
    out = tmp_path / "l.xlsx"
    export_ledger(store, project_id, out, public=False, operator="甲")
    wb = load_workbook(out)
    # in the mapping's order (不生效预签: none in the demo)
    assert [n for n in wb.sheetnames if not n.startswith(DETAIL_SHEET)][:3] == [
        SUMMARY_SHEET, VOID_SHEET, "补偿决定"]
    listed = table(wb["补偿决定"])[1]
    assert list(listed) == [e.case_no for e in records.entries if e.status == "decided"] != []
    assert not set(listed) & set(table(wb[SUMMARY_SHEET])[1])
    with store.read() as session:
        verdict = verify_ledger(session, out)
    assert verdict.matches, verdict.details[:5]
    assert isinstance(decided, Outcome)


def test_public_notice_has_no_personal_numbers(demo):
    store, _project_id, _records, _, public = demo
    wb = load_workbook(public)
    text = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)
    with store.read() as session:
        people = [(p.name, p.id_number, p.phone) for c in session.query(Case).all()
                  for p in c.persons]
    for name, id_number, phone in people:
        assert id_number not in text
        if phone:
            assert phone not in text
        assert name not in text
    from wulong_desk.exports.notice import HEADER_ROWS as NOTICE_HEADER

    ws = load_workbook(public).worksheets[0]
    header = [c.value for c in ws[NOTICE_HEADER]]
    assert "被征收人签字" not in header and "产权证号" not in header
    assert "身份证号" not in header and "备注" not in header
    owners = []
    for row in ws.iter_rows(min_row=NOTICE_HEADER + 1, values_only=True):
        if row[0] == "合计":
            break
        owners.append(row[header.index("被征收人")])
    assert len(owners) >= 20 and all("*" in name for name in owners)


def test_verify_ledger_matches_then_notices_a_change(demo, tmp_path):
    store, project_id, records, internal, _ = demo
    copy = tmp_path / "copy.xlsx"
    shutil.copy(internal, copy)
    with store.read() as session:
        verdict = verify_ledger(session, copy)
    assert verdict.matches and verdict.file_fingerprint == records.fingerprint
    with store.read() as session:
        case = session.query(Case).filter(Case.status.in_(("surveyed", "assessed", "reviewed")),
                                          Case.case_no != "FR-0036").order_by(Case.id).first()
        form, case_id, case_no = case_to_form(case), case.id, case.case_no
    before = Decimal(form["case"]["parts"][0].get("decoration_value") or "0")
    form["case"]["parts"][0]["decoration_value"] = str(before + 100)
    cases.save_case(store, project_id, form, case_id)
    try:
        with store.read() as session:
            verdict = verify_ledger(session, copy)
        assert not verdict.matches and verdict.differing == [case_no]
        assert verdict.file_fingerprint != verdict.database_fingerprint
    finally:
        form["case"]["parts"][0]["decoration_value"] = str(before)
        cases.save_case(store, project_id, form, case_id)


def test_cli_ledger_and_unwritable_target(tmp_path):
    from test_cli_calc import run_cli

    db = str(tmp_path / "d.sqlite")
    run_cli("demo", "--db", db)
    out = tmp_path / "l.xlsx"
    proc = run_cli("ledger", "--project", "1", "--out", str(out), "--db", db)
    assert proc.returncode == 0 and out.exists()
    assert "FR-0036" in proc.stderr  # the household without a complete computation
    proc = run_cli("verify-ledger", str(out), "--db", db)
    assert proc.returncode == 0 and "一致" in proc.stdout
    folder = tmp_path / "out"
    (folder / "taken.xlsx").mkdir(parents=True)  # a target that cannot be replaced, even by root
    proc = run_cli("ledger", "--project", "1", "--out", str(folder / "taken.xlsx"), "--db", db)
    assert proc.returncode == 2 and "无法写入" in proc.stderr   # a folder as the target
    assert "Traceback" not in proc.stderr
    assert [p.name for p in folder.iterdir()] == ["taken.xlsx"]  # no partial or temporary file


def test_write_atomically_leaves_nothing_on_failure(tmp_path, monkeypatch):
    from wulong_desk import fileio

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "x.xlsx"
    target.write_bytes(b"old")

    def boom(tmp, final):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fileio, "replace_atomically", boom)
    with pytest.raises(UserError, match="Excel、WPS"):
        fileio.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["x.xlsx"]


def test_records_json_is_what_the_store_keeps(demo):
    store, _project_id, records, _, _ = demo
    with store.read() as session:
        case = session.get(Case, records.entries[0].case_id)
        assert json.loads(case.result.breakdown_json) == records.entries[0].record


def test_every_printed_sheet_has_page_numbers_and_one_font(demo):
    _, _, _, internal, _ = demo
    wb = load_workbook(internal)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"宋体"}, ws.title
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(sizes) >= 9, ws.title


def test_a_cancelled_export_closes_every_sheet_it_began(demo, tmp_path, monkeypatch):
    """Cancelled midway, the streamed sheets are finished before their files are removed:
    nothing is written later to a closed file (openpyxl's "I/O operation on closed file",
    reported when the half-written sheets were collected)."""
    import gc
    import sys

    from wulong_desk.errors import Cancelled
    from wulong_desk.exports import ledger

    store, project_id, _, _, _ = demo
    monkeypatch.setattr(ledger, "PROGRESS_EVERY", 1)
    raised: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: raised.append(repr(hook.exc_value)))
    with pytest.raises(Cancelled):
        export_ledger(store, project_id, tmp_path / "l.xlsx", public=False, operator="甲",
                      progress=lambda done, total: done < 5)
    gc.collect()
    assert raised == []
    assert not (tmp_path / "l.xlsx").exists()


def test_an_old_ledger_is_refused_with_a_reason(demo, tmp_path):
    store, _, _, _, _ = demo
    from openpyxl import Workbook

    old = Workbook()
    old.active.title = "分户补偿台账"
    old.create_sheet("参数").append(["数据指纹", "ab" * 32])
    old.save(tmp_path / "old.xlsx")
    with store.read() as session, pytest.raises(UserError, match="旧版格式"):
        verify_ledger(session, tmp_path / "old.xlsx")
    assert Path(tmp_path / "old.xlsx").exists()


def test_a_ledger_of_selected_households_verifies_against_them(demo, tmp_path):
    """The export dialog can export the selected rows only: the hidden 核对 sheet names them,
    and verify-ledger holds the file against those households, not the whole project."""
    store, project_id, records, _, _ = demo
    chosen = [entry.case_id for entry in records.entries[:5]]
    out = tmp_path / "选定.xlsx"
    export_ledger(store, project_id, out, public=False, operator="甲", case_ids=chosen)
    assert len(table(load_workbook(out)[SUMMARY_SHEET])[1]) == len(
        [e for e in records.entries[:5] if e.status != "void"])
    with store.read() as session:
        verdict = verify_ledger(session, out)
    assert verdict.matches, verdict.details[:5]
