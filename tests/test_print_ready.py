"""The ledger, the public notice and the payment ledger print right first time: each workbook is
converted to PDF by LibreOffice (as a clerk printing it would get it), then the pages are counted
and measured — the ledger on one A3 landscape page width, the 明细 and 参数 sheets on A4, every
column on every page (nothing cut at the right edge), every 产权证号 and 坐落 printed whole; the
payment ledger (its four buckets, owed now, paid, outstanding and 应追回) on A3 one page wide, no
text below 8 pt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from wulong_desk.exports.ledger import write_ledger
from wulong_desk.exports.payments_ledger import DETAIL_HEADERS, HEADERS
from wulong_desk.paths import resources_dir
from wulong_desk.services import cases
from wulong_desk.services.case_form import case_to_form
from wulong_desk.services.demo import create_demo
from wulong_desk.services.exports import export_payments
from wulong_desk.services.records import load_records
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
    signed = next(e for e in records.entries if e.status == "signed")
    cases.unlock_case(store, signed.case_id, "补录收款账户（协议约定）")
    with store.read() as session:
        form = case_to_form(session.get(Case, signed.case_id))
    form["agreement"] = {"payee": LONG_PAYEE,
                         "payment_terms": {"before_move": {"from": "signing", "days": 15}}}
    cases.save_case(store, project_id, form, signed.case_id)
    payments_ledger = folder / "拨付.xlsx"
    export_payments(store, project_id, payments_ledger, operator="制表员")
    store.close()
    ledger, notice = folder / "台账.xlsx", folder / "公示.xlsx"
    write_ledger(records, ledger, public=False, operator="制表员")
    write_ledger(records, notice, public=True, operator="制表员")
    # the bundled CJK font, so LibreOffice draws (and pdftotext reads) the Chinese text
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{resources_dir() / "fonts"}</dir><cachedir>{folder / "fc"}</cachedir></fontconfig>""")
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(ledger), str(notice), str(payments_ledger)], check=True,
                   capture_output=True, timeout=300, env=env)
    return records, folder / "台账.pdf", folder / "公示.pdf", ledger, folder / "拨付.pdf"


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
    return "".join(text.split())


def close(size: tuple[float, float], paper: tuple[float, float]) -> bool:
    return abs(size[0] - paper[0]) < 2 and abs(size[1] - paper[1]) < 2


def test_ledger_prints_on_one_a3_page_width_with_every_column(printed):
    records, pdf, _notice, ledger, _payments = printed
    printed_pages = pages(pdf)
    detail_rows = 13 * len(records.entries)
    a3 = [p for p in printed_pages if close(p[0], A3_LANDSCAPE)]
    detail = [p for p in printed_pages if close(p[0], A4_LANDSCAPE)]
    params = [p for p in printed_pages if close(p[0], A4_PORTRAIT)]
    assert len(a3) == 1                                   # 35 households: one A3 sheet
    assert 1 <= len(params) <= 1 and 3 <= len(detail) <= detail_rows // 25
    assert len(printed_pages) == len(a3) + len(detail) + len(params)
    header = [c.value for c in load_workbook(ledger).worksheets[0][4]]
    text = squeeze(a3[0][1])
    # the first and the last column on the page: no column cut off at the right
    assert squeeze(header[0]) in text and squeeze(header[-1]) in text
    assert "维修资金" in text and "第1页，共" in text
    for entry in records.entries:                         # 产权证号 and 坐落 printed whole
        assert squeeze(entry.title_no) in text and squeeze(entry.address) in text
    for _size, page in detail:                            # titles repeated, nothing cut
        assert "案卷编号" in page and "说明" in page and "依据" in page


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
    """The households the 分户补偿情况公示 lists by default: signed or moved."""
    return [e for e in records.entries if e.status in ("signed", "moved")]


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


def test_ledger_method_stands_clear_of_the_total_before_it(printed):
    """补偿方式 follows 补偿合计 in the signed ledger: centred, it stands clear of it."""
    from wulong_desk.statuses import METHOD_LABELS

    records, ledger_pdf, _notice, _ledger, _payments = printed
    printed_words = words(ledger_pdf)
    gaps = []
    for left, top, _right, text in printed_words:
        if text in METHOD_LABELS.values():
            before = [right for x, y, right, _t in printed_words
                      if abs(y - top) < 1 and right <= left + 0.1]
            if before:
                gaps.append(left - max(before))
    assert len(gaps) >= len(records.entries)
    assert min(gaps) >= 4


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
