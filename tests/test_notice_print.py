"""Every public notice prints readable (issue 28 item 2): each kind is converted to PDF by
LibreOffice, as a clerk printing it at 100 % would get it, and read back — no text below 8 pt
(the size each glyph run is drawn at, its font size times the text and page matrices), nothing
clipped (every household's number, masked name and building, the last column, the notes and the
seal line are on the paper; no ### for a figure too wide), the header row repeated on every page
and 第 x 页，共 y 页 in the footer."""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from wulong_desk.exports.notice_inputs import DecisionEntry, DecisionFacts, Household
from wulong_desk.exports.notices import build_kind
from wulong_desk.paths import resources_dir
from wulong_desk.services.documents.notices import export_notice
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext")
                                is None, reason="LibreOffice or poppler-utils not installed")
A3_LANDSCAPE = (1190.55, 841.89)
A4_LANDSCAPE = (841.89, 595.30)
# (kind, paper, the last column's header) — compensation-all: the 拟 households included
KINDS = (("compensation", A3_LANDSCAPE, "签约情况"), ("compensation-all", A3_LANDSCAPE, "签约情况"),
         ("survey", A4_LANDSCAPE, "面积"), ("unregistered", A4_LANDSCAPE, "补偿金额"),
         ("appraisal", A4_LANDSCAPE, "装饰装修评估价值"), ("min-housing", A4_LANDSCAPE, "核实日期"),
         ("decision", A3_LANDSCAPE, "搬迁期限"))


def decisions(records) -> list[DecisionEntry]:
    """A hand-made 补偿决定 for each of the demo's first 40 households (the decision path will
    make them from decided cases)."""
    facts = DecisionFacts("武隆府征补决〔2024〕第112号", date(2024, 3, 1), date(2024, 3, 5),
                          None, date(2024, 4, 30))
    rows = []
    for n, entry in enumerate(records.entries[:40]):
        owners = tuple(o["name"] for o in entry.owners if o["role"] == "owner")
        rows.append(DecisionEntry(
            facts, Household(entry.case_no, owners, entry.address), entry.method,
            Decimal(entry.record["totals"]["total"]), moving=Decimal("2000.00"),
            temporary=Decimal("14280.00"), turnover_house=n % 7 == 0,
            interruption=Decimal("0.00"), equipment=Decimal("23500.00"),
            houses=tuple((h["location"] or "芙蓉安置小区12栋1203", Decimal(h["area"]))
                         for h in entry.exchange_houses),
            transition_months=18 if entry.method == "exchange" else None,
            payment_term="决定送达之日起15日内"))
    return rows


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notices")
    store = open_store(folder / "d.sqlite", "制表员")
    project_id = create_demo(store, households=60)   # several pages for the longer kinds
    with store.read() as session:
        records = load_records(session, project_id)
    for entry in records.entries:
        if entry.record["quantities"].get("min_topup", "0") != "0":
            set_case_date(store, entry.case_id, "min_applied", date(2023, 5, 20))
    period = (date(2025, 7, 1), date(2025, 7, 10))
    files = {}
    for kind, _paper, _last in KINDS:
        out = folder / f"{kind}.xlsx"
        if kind == "decision":
            out.write_bytes(build_kind("decision", records.project, decisions(records),
                                       period=(date(2024, 3, 5), None)).data)
        else:
            export_notice(store, project_id, out, kind=kind.removesuffix("-all"),
                          include_unsigned=kind.endswith("-all"), period=period)
        files[kind] = out
    store.close()
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{resources_dir() / "fonts"}</dir><cachedir>{folder / "fc"}</cachedir></fontconfig>""")
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    *map(str, files.values())], check=True, capture_output=True, timeout=300,
                   env=env)
    return records, {kind: folder / f"{kind}.pdf" for kind in files}, files


def runs_of(page) -> list[tuple[float, float, float, str]]:
    """(size in points as printed, x, y, text) of every run of text on a page."""
    found: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append((size * math.sqrt(abs(a * d - b * c)), x, y, text))

    page.extract_text(visitor_text=visit)
    return found


def glyph_sizes(pdf: Path) -> list[tuple[float, str]]:
    return [(size, text) for page in PdfReader(pdf).pages
            for size, _x, _y, text in runs_of(page)]


def pages(pdf: Path) -> list[tuple[tuple[float, float], str]]:
    """Each page's size and its text as drawn, run after run (LibreOffice draws a cell's lines
    one after the other, so a wrapped cell reads whole), spaces removed. Every run starts on the
    paper (nothing pushed off its edge)."""
    found = []
    for page in PdfReader(pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        runs = runs_of(page)
        assert all(0 <= x < width and 0 <= y <= height for _s, x, y, _t in runs)
        found.append(((width, height), squeeze("".join(text for *_rest, text in runs))))
    return found


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(("kind", "paper", "last"), KINDS, ids=[k[0] for k in KINDS])
def test_no_text_below_8_points(printed, kind, paper, last):
    _records, pdfs, _files = printed
    sizes = glyph_sizes(pdfs[kind])
    assert len(sizes) > 50
    smallest = min(sizes)
    assert smallest[0] >= 7.95, smallest      # 8 pt, allowing for the PDF's rounding


@pytest.mark.parametrize(("kind", "paper", "last"), KINDS, ids=[k[0] for k in KINDS])
def test_header_on_every_page_page_numbers_and_nothing_clipped(printed, kind, paper, last):
    _records, pdfs, files = printed
    printed_pages = [p for p in pages(pdfs[kind]) if p[1].strip()]
    assert printed_pages
    total = len(printed_pages)
    for number, (size, text) in enumerate(printed_pages, start=1):
        assert abs(size[0] - paper[0]) < 2 and abs(size[1] - paper[1]) < 2
        assert "序号" in text and last in text            # the header row, first to last column
        assert f"第{number}页，共{total}页" in text
    whole = "".join(text for _size, text in printed_pages)
    assert "###" not in whole
    assert "（盖章）" in printed_pages[-1][1]               # the seal line on the last page
    from openpyxl import load_workbook

    sheet = load_workbook(files[kind]).worksheets[0]
    header_at = next(r for r, row in enumerate(sheet.iter_rows(values_only=True), 1)
                     if row[0] == "序号")
    listed = 0
    for row in sheet.iter_rows(min_row=header_at + 1, values_only=True):
        if not isinstance(row[0], int):
            break
        listed += 1
        for value in row:   # every cell of every row printed whole
            if isinstance(value, str):
                assert squeeze(value) in whole, value
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                assert f"{Decimal(str(value)):,.2f}" in whole or str(value) in whole, value
    assert listed >= (2 if kind == "min-housing" else 3)
    notes = [row[0] for row in sheet.iter_rows(min_row=header_at + listed + 1,
                                               values_only=True) if isinstance(row[0], str)]
    for note in notes:   # the notes and the office's words, wrapped, never cut
        assert squeeze(note) in whole, note
    if kind in ("survey", "appraisal", "compensation-all", "decision"):
        assert total >= 2        # long enough to show the header repeated


@pytest.mark.parametrize(("kind", "paper", "last"), KINDS, ids=[k[0] for k in KINDS])
def test_the_seal_lines_print_with_rows_of_the_table(printed, kind, paper, last):
    """The notes and the 公示单位（盖章） line printed alone on the last page (the header row
    above them, no household): the page breaks now keep the table's last rows with them."""
    from openpyxl import load_workbook

    _records, pdfs, files = printed
    printed_pages = [text for _size, text in pages(pdfs[kind]) if text.strip()]
    sealed = [text for text in printed_pages if "（盖章）" in text]
    assert len(sealed) == 1 and sealed[0] is printed_pages[-1]
    listed = [row for row in load_workbook(files[kind]).worksheets[0].iter_rows(
        values_only=True) if isinstance(row[0], int)]
    last_row = [squeeze(value) for value in listed[-1] if isinstance(value, str)]
    assert last_row and all(text in sealed[0] for text in last_row), (last_row, sealed[0][:300])
