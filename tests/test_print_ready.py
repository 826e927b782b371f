"""The ledger, the public notice and the payment ledger print right first time: each workbook is
converted to PDF by LibreOffice (as a clerk printing it at 100 % would get it), then the pages
are measured — the paper of each sheet kind, no text below 8 pt (the size each run of text is
drawn at), nothing clipped (every column's header on every 汇总 page, every cell's text on the
paper, no ### for a figure too wide), a household's signature lines never on a page of their
own; the payment ledger (its four buckets, owed now, paid, outstanding and 应追回) one page wide."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_helpers import pages as household_pages
from ledger_helpers import table, write_ledger
from openpyxl import load_workbook
from pypdf import PdfReader
from test_notice_print import runs_of

from wulong_desk.exports.ledger_layout import DETAIL_SHEET, SUMMARY_SHEET, VOID_SHEET
from wulong_desk.exports.payments_ledger import DETAIL_HEADERS, HEADERS
from wulong_desk.paths import resources_dir
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.documents.exports import export_ledger, export_payments
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext")
                                is None, reason="LibreOffice or poppler-utils not installed")
A3_LANDSCAPE = (1190.55, 841.89)
A4_LANDSCAPE = (841.89, 595.30)
A4_PORTRAIT = (595.30, 841.89)
LONG_PAYEE = {"name": "张丽娟", "bank": "重庆农村商业银行武隆支行",
              "account": "6217 0000 1234 5678 901"}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    store = open_store(folder / "d.sqlite", "制表员")
    project_id = create_demo(store)
    with store.read() as session:
        records = load_records(session, project_id)
        last_signed = session.query(Case.id).filter(Case.status == "signed").order_by(
            Case.id.desc()).limit(1).scalar()
    signed = next(e for e in records.entries if e.status == "signed")
    cases.unlock_case(store, signed.case_id, "补录收款账户（协议约定）")
    with store.read() as session:
        form = case_to_form(session.get(Case, signed.case_id))
    form["agreement"] = {"payee": LONG_PAYEE,
                         "payment_terms": {"before_move": {"from": "signing", "days": 15}}}
    cases.save_case(store, project_id, form, signed.case_id)
    assert last_signed != signed.case_id
    cases.void_case(store, last_signed, "协议解除，另行重签")
    payments_ledger = folder / "拨付.xlsx"
    export_payments(store, project_id, payments_ledger, operator="制表员")
    ledger, notice = folder / "台账.xlsx", folder / "公示.xlsx"
    export_ledger(store, project_id, ledger, public=False, operator="制表员")
    with store.read() as session:
        records = load_records(session, project_id)
    store.close()
    write_ledger(records, notice, public=True, operator="制表员")
    # the demo's figures in the columns a 50,000-household project needs (its census: the
    # totals some 2,000 times as large)
    from dataclasses import replace

    from wulong_desk.exports.records import StatusCensus, census_of

    large = {status: StatusCensus(counted.count, {key: value * 2000 for key, value in
                                                  counted.magnitude.items()}, counted.standards)
             for status, counted in census_of(records.entries).items()}
    write_ledger(replace(records, census=large), folder / "大项目台账.xlsx", public=False,
                 operator="制表员")
    # the bundled CJK font, so LibreOffice draws (and pdftotext reads) the Chinese text
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{resources_dir() / "fonts"}</dir><cachedir>{folder / "fc"}</cachedir></fontconfig>""")
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(ledger), str(notice), str(payments_ledger),
                    str(folder / "大项目台账.xlsx")], check=True,
                   capture_output=True, timeout=300, env=env)
    return records, folder / "台账.pdf", folder / "公示.pdf", ledger, folder / "拨付.pdf"


def read_pages(pdf: Path) -> list[tuple[tuple[float, float], str, float]]:
    """Each page: its size, its text as drawn (spaces removed), its smallest text in points.
    Every run starts on the paper (nothing pushed off its edge)."""
    found = []
    for page in PdfReader(pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        runs = runs_of(page)
        assert all(0 <= x < width and 0 <= y <= height for _s, x, y, _t in runs)
        found.append(((width, height), squeeze("".join(text for *_rest, text in runs)),
                      min((size for size, *_rest in runs), default=99.0)))
    return found


def pages(pdf: Path) -> list[tuple[tuple[float, float], str]]:
    info = subprocess.run(["pdfinfo", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page") and "size:" in line:
            parts = line.split("size:")[1].split()
            sizes.append((round(float(parts[0]), 1), round(float(parts[2]), 1)))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return list(zip(sizes, text.split("\f"), strict=False))


def squeeze(text: str) -> str:
    return "".join(str(text).split())


def close(size: tuple[float, float], paper: tuple[float, float]) -> bool:
    return abs(size[0] - paper[0]) < 2 and abs(size[1] - paper[1]) < 2


def shown(value) -> str:
    """A figure as the ledger prints it."""
    return f"{Decimal(str(value)):,.2f}"


def test_no_text_below_8_points_on_any_sheet(printed):
    _records, ledger_pdf, notice_pdf, _ledger, payments_pdf = printed
    for pdf in (ledger_pdf, notice_pdf, payments_pdf):
        smallest = min(page[2] for page in read_pages(pdf))
        assert smallest >= 7.95, (pdf.name, smallest)   # 8 pt, allowing for the PDF's rounding


def test_a_large_projects_summary_still_prints_at_8_points(printed):
    """A 50,000-household project's totals need wider figure columns: its 汇总 narrows its
    text columns and still prints at 8 pt or more (measured: 8.5 pt)."""
    _records, ledger_pdf, _notice, _ledger, _payments = printed
    pages = read_pages(ledger_pdf.parent / "大项目台账.pdf")
    summary = [page for page in pages if close(page[0], A3_LANDSCAPE)]
    assert summary and min(page[2] for page in summary) >= 7.95
    assert "###" not in "".join(page[1] for page in summary)


def test_each_sheet_kind_prints_on_its_paper(printed):
    _records, pdf, _notice, _ledger, _payments = printed
    printed_pages = read_pages(pdf)
    kinds = {}
    for size, text, _smallest in printed_pages:
        if "分户补偿台账（汇总）" in text or ("案卷编号" in text and "补偿合计" in text and
                                      "被征收人签字" in text):
            kinds.setdefault("汇总", []).append(size)
        elif "作废案卷" in text and "作废理由" in text:
            kinds.setdefault("作废案卷", []).append(size)
        elif "分户补偿明细" in text:
            kinds.setdefault("分户明细", []).append(size)
        elif "分户补偿台账参数" in text:
            kinds.setdefault("参数", []).append(size)
    assert set(kinds) == {"汇总", "作废案卷", "分户明细", "参数"}
    assert all(close(size, A3_LANDSCAPE) for size in kinds["汇总"])
    assert all(close(size, A4_LANDSCAPE) for size in kinds["作废案卷"])
    assert all(close(size, A4_PORTRAIT) for size in kinds["分户明细"] + kinds["参数"])


def test_the_summary_prints_every_column_and_every_cell_whole(printed):
    _records, pdf, _notice, ledger, _payments = printed
    summary = [p for p in read_pages(pdf) if close(p[0], A3_LANDSCAPE)]
    headers, body, totals, _top = table(load_workbook(ledger)[SUMMARY_SHEET])
    for number, (_size, text, _smallest) in enumerate(summary, start=1):
        assert all(squeeze(h) in text for h in headers)   # the header row, on every page
        assert f"第{number}页" in text
    whole = "".join(text for _size, text, _smallest in summary)
    assert "###" not in whole
    for row in body.values():
        for value in row:
            if isinstance(value, str):
                assert squeeze(value) in whole, value
            elif value is not None:
                assert shown(value).replace(",", "") in whole.replace(",", ""), value
    for value in totals[5:]:   # the totals: LibreOffice's sums, printed whole
        if isinstance(value, str) and value.startswith("=SUM"):
            continue
    assert "制表人" in whole and "负责人" in whole


def test_every_household_page_prints_whole_and_signs_beside_its_figures(printed):
    """Each 分户明细 page: every cell's text on the paper; the signature lines on a page that
    also holds the household's figures (a long page goes on to a second one under its name
    again, the signatures with what precedes them)."""
    records, pdf, _notice, ledger, _payments = printed
    detail = [p for p in read_pages(pdf) if "分户补偿明细" in p[1]]
    written = household_pages(load_workbook(ledger))
    assert len(written) == len([e for e in records.entries if e.status != "void"])
    by_case: dict[str, str] = {}
    for _size, text, _smallest in detail:
        case_no = next(no for no in written if no in text)
        by_case[case_no] = by_case.get(case_no, "") + text
        if "被征收人（签字）" in text:   # never alone: figures or words of the page beside it
            assert "金额（元）" in text or "已交材料" in text
    for case_no, page in written.items():
        text = by_case[case_no]
        assert "###" not in text
        for row in page:
            for value in row:
                if isinstance(value, str):
                    assert squeeze(value) in text, (case_no, value)
                elif value is not None:
                    assert shown(value) in text or f"{Decimal(str(value)):.2f}" in text, value


def test_the_void_and_parameter_sheets_print_whole(printed):
    _records, pdf, _notice, ledger, _payments = printed
    wb = load_workbook(ledger)
    printed_pages = read_pages(pdf)
    void_text = "".join(t for size, t, _s in printed_pages if close(size, A4_LANDSCAPE))
    for row in wb[VOID_SHEET].iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str):
                assert squeeze(value) in void_text, value
    params_text = "".join(t for _size, t, _s in printed_pages if "分户补偿台账参数" in t
                          or "计算规则版本" in t)
    for row in wb["参数"].iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str):
                assert squeeze(value) in params_text, value
    assert DETAIL_SHEET in wb.sheetnames


def test_notice_prints_on_one_a3_page_with_every_column(printed):
    """One A3 page wide; its 35 households fill a page nearly to the foot, so the seal lines go
    over to a second page with the last rows rather than risk standing alone there (as they
    did with other fonts: exports/print_pages)."""
    records, _pdf, notice, _ledger, _payments = printed
    printed_pages = [p for p in pages(notice) if p[1].strip()]
    assert len(printed_pages) <= 2 and all(close(p[0], A3_LANDSCAPE) for p in printed_pages)
    text = "".join(squeeze(page) for _size, page in printed_pages)
    assert "序号" in text and "签约情况" in text and "（盖章）" in text and "公示期" in text
    last = squeeze(printed_pages[-1][1])
    assert "（盖章）" in last and "签约情况" in last and settled(records)[-1].case_no in last
    assert f"{len(settled(records))}户" in text   # the settled households (issue 28)


def settled(records) -> list:
    """The households the 分户补偿情况公示 lists by default: signed, moved, or settled by a
    补偿决定 (办法第三十一条: the decision states the compensation as an agreement does)."""
    return [e for e in records.entries if e.status in ("signed", "moved", "decided")]


def words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(left, top, right, text) of every word LibreOffice printed, in points."""
    import re

    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    return [(float(left), float(top), float(right), text) for left, top, right, text in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="[\d.]+">([^<]*)</word>', boxes)]


def test_notice_words_stand_clear_of_the_figures_before_them(printed):
    """补偿方式 and 签约情况 once printed 1 pt after the amount in the column before them
    (“657,777.04货币补偿”, “0.00已签约”): centred, each stands clear of it."""
    from wulong_desk.statuses import METHOD_LABELS, STATUS_LABELS

    records, _pdf, notice, _ledger, _payments = printed
    printed_words = words(notice)
    labels = set(METHOD_LABELS.values()) | set(STATUS_LABELS.values()) | {"未签约"}
    gaps = []
    for left, top, _right, text in printed_words:
        if text in labels:
            before = [right for x, y, right, _t in printed_words
                      if abs(y - top) < 1 and right <= left + 0.1]
            if before:
                gaps.append(left - max(before))
    assert len(gaps) >= 2 * len(settled(records))  # both columns, every household listed
    assert min(gaps) >= 4                      # points: more than half a character


def test_summary_method_stands_clear_of_the_area_before_it(printed):
    """补偿方式 sits between 坐落 and the figures in 汇总: centred, clear of what is beside it."""
    from wulong_desk.statuses import METHOD_LABELS

    _records, ledger_pdf, _notice, _ledger, _payments = printed
    printed_words = words(ledger_pdf)
    gaps = []
    for _left, top, right, text in printed_words:
        if text in METHOD_LABELS.values():
            after = [x for x, y, _r, _t in printed_words if abs(y - top) < 1 and x >= right - 0.1]
            if after:
                gaps.append(min(after) - right)
    assert len(gaps) >= 30
    assert min(gaps) >= 4


def vertical_lines(pdf: Path) -> list[list[tuple[float, float, float]]]:
    """Each page's vertical rules as LibreOffice draws the cell borders: (x, top, bottom) in
    points from the page's top (as pdftotext measures), read from the drawing operators."""
    from pypdf.generic import ContentStream

    reader = PdfReader(pdf)
    out = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        matrix = [(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)]
        found = []
        start = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                matrix.append(matrix[-1])
            elif operator == b"Q":
                matrix.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(v) for v in operands)
                a0, b0, c0, d0, e0, f0 = matrix[-1]
                matrix[-1] = (a * a0 + b * c0, a * b0 + b * d0, c * a0 + d * c0,
                              c * b0 + d * d0, e * a0 + f * c0 + e0, e * b0 + f * d0 + f0)
            elif operator in (b"m", b"l"):
                a0, b0, c0, d0, e0, f0 = matrix[-1]
                x, y = (float(v) for v in operands)
                point = (a0 * x + c0 * y + e0, b0 * x + d0 * y + f0)
                if operator == b"l" and start is not None and abs(point[0] - start[0]) < 0.01:
                    top, bottom = sorted((height - start[1], height - point[1]))
                    found.append((point[0], top, bottom))
                start = point
        out.append(found)
    return out


def figure_gaps(pdf: Path) -> list[float]:
    """How far each printed figure (1,234.56) ends before the border at its right."""
    import re

    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    rules = vertical_lines(pdf)
    gaps = []
    for number, page in enumerate(boxes.split("<page ")[1:]):
        for top, right, bottom, text in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>", page):
            if not re.fullmatch(r"-?[\d,]+\.\d\d", text):
                continue
            middle = (float(top) + float(bottom)) / 2
            borders = [x for x, up, down in rules[number] if up <= middle <= down
                       and x >= float(right) - 0.5]
            if borders:
                gaps.append(min(borders) - float(right))
    return gaps


def test_figures_stand_clear_of_the_border_at_their_right(printed):
    """A figure used to end a point from the cell's border (the 资金拨付台账's most of all):
    the money format keeps a space's width free at the right, in every sheet."""
    _records, ledger_pdf, _notice, _ledger, payments_pdf = printed
    for pdf in (ledger_pdf, payments_pdf):
        gaps = figure_gaps(pdf)
        assert len(gaps) > 20 and min(gaps) >= 3, (pdf.name, min(gaps, default=None))


def test_payment_ledger_prints_one_a3_page_wide_with_every_column(printed):
    """It used to print as the spreadsheet's grid: no borders or page set-up, its columns
    spread over several pages. With the four buckets, owed now and 应追回 it takes A3 landscape
    one page wide, every column on the page and no text below 8 pt."""
    from test_notice_print import glyph_sizes

    records, _pdf, _notice, _ledger, payments_pdf = printed
    printed_pages = pages(payments_pdf)
    main = [p for p in printed_pages if close(p[0], A3_LANDSCAPE)]
    detail = [p for p in printed_pages if close(p[0], A4_PORTRAIT)]
    assert len(main) == 1 and len(printed_pages) == len(main) + len(detail)
    text = squeeze(main[0][1])
    assert all(squeeze(header) in text for header in HEADERS)   # every column on the page
    payable = [entry.case_no for entry in records.entries if entry.status in ("signed", "moved")]
    assert payable and all(case_no in text for case_no in payable)
    assert "资金拨付台账" in text and "第1页，共" in text and "合计" in text
    assert "户名张丽娟；开户行" in text and "567890" in text  # the long account, both its lines
    for _size, page in detail:
        assert all(squeeze(header) in squeeze(page) for header in DETAIL_HEADERS) or \
            not page.strip()
    smallest = min(glyph_sizes(payments_pdf))
    assert smallest[0] >= 7.95, smallest      # 8 pt, allowing for the PDF's rounding


def test_payment_ledger_signature_lines_print_with_its_last_rows(tmp_path):
    """With 60 households the 资金拨付台账's 制表人/审核人/负责人 lines printed alone on page 2
    (below the repeated header row): the page breaks now keep its last rows and 合计 with them."""
    store = open_store(tmp_path / "d.sqlite", "制表员")
    project_id = create_demo(store, households=60)
    with store.read() as session:
        records = load_records(session, project_id)
    out = tmp_path / "拨付.xlsx"
    export_payments(store, project_id, out, operator="制表员")
    store.close()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{resources_dir() / "fonts"}</dir><cachedir>{tmp_path / "fc"}</cachedir></fontconfig>""")
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(out)], check=True, capture_output=True, timeout=300, env=env)
    main = [squeeze(text) for size, text in pages(tmp_path / "拨付.pdf")
            if close(size, A3_LANDSCAPE)]
    assert len(main) >= 2                                  # long enough to need a break
    signed = [text for text in main if "制表人" in text]
    assert len(signed) == 1 and signed[0] is main[-1]
    payable = [entry.case_no for entry in records.entries if entry.status in ("signed", "moved")]
    assert payable[-1] in signed[0] and "合计" in signed[0], signed[0][:300]
    for number, text in enumerate(main, start=1):          # each page whole: no page of its own
        assert f"第{number}页，共" in text                  # added by the program
