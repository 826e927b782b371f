"""The paper rules every PDF keeps (issue 29 item 4), for every kind the app prints — the money
and exchange agreements, the presign agreement and the settlement sheet (结算单) — of every demo
household and of a household with several parts (the longest): no text below 8 pt (the size
each run of text is drawn at), no line starting with closing punctuation (reportlab's own CJK
wrapping started lines with 「；」 and 「：」), and the signature block on the page of what
precedes it (the 结算单 of a case with several parts put it alone on page 2)."""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader
from test_notice_print import runs_of

from wulong_desk.exports.household_papers import build_pdf
from wulong_desk.exports.pdf_style import wrap_cjk
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.documents.records import load_records
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_memory
from wulong_desk.store.models import Case

CLOSING = "，。、；：？！）》」』】〕〉”’"
OPENING = "（《「『【〔〈“‘"
SIGNATURE = "（签字）"


@pytest.fixture(scope="module")
def documents():
    """Every document of every demo household, and of one with several parts added (a house,
    a shop and a workshop, each with its decoration): the longest there is."""
    store = open_memory("经办")
    project_id = create_demo(store)
    with store.read() as session:
        mixed = session.query(Case).filter(Case.case_no == "FR-0027").one()
        form = case_to_form(mixed)
    parts = form["case"]["parts"]
    for number in range(4):
        extra = dict(parts[number % len(parts)])
        extra["area"] = f"{Decimal(extra['area']) + number:.2f}"
        extra.pop("id", None)
        parts.append(extra)
    form["case_no"] = "FR-0099"
    form.pop("uuid", None)
    cases.save_case(store, project_id, form, reason="测试：几处房屋的案卷")
    with store.read() as session:
        records = load_records(session, project_id)
    out = {}
    for entry in records.entries:
        if entry.status == "void":
            continue
        for kind in (entry.method, "presign", "settlement"):
            out[(entry.case_no, kind)] = build_pdf(kind, records.project, entry)
    store.close()
    return out


def runs(data: bytes) -> list[list[tuple[float, float, float, str]]]:
    """Each page's runs of text: (size in points as printed, x, y, text)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        pages.append(runs_of(page))
    return pages


def test_the_longest_document_is_there_and_runs_to_two_pages(documents):
    assert len(PdfReader(io.BytesIO(documents[("FR-0099", "settlement")])).pages) == 2


def test_no_text_below_8_points(documents):
    for key, data in documents.items():
        sizes = [size for page in runs(data) for size, *_rest in page]
        assert sizes and min(sizes) >= 8, (key, min(sizes))


def test_no_line_starts_with_closing_punctuation(documents, tmp_path):
    """Each line as pdftotext reads the page, a table's cells apart (three spaces or more
    between them): none starts with closing punctuation, none ends with opening punctuation."""
    for key, data in documents.items():
        path = tmp_path / "d.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        for line in text.splitlines():
            for cell in re.split(r"\s{3,}", line.strip()):
                assert not cell or cell[0] not in CLOSING, (key, line)
                assert not cell or cell[-1] not in OPENING, (key, line)


def test_the_signature_block_is_never_alone_on_a_page(documents, tmp_path):
    """The page with the signatures also carries what precedes them: the sum owed and the
    subtotals on a 结算单, the last article on an agreement."""
    for key, data in documents.items():
        path = tmp_path / "d.pdf"
        path.write_bytes(data)
        pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                               text=True, check=True).stdout.split("\f")
        page = next(page for page in pages if SIGNATURE in page)
        above = "".join(page.split(SIGNATURE)[0].split())
        if key[1] == "settlement":
            assert "应付被征收人" in above or "应收被征收人" in above, key
            assert "补偿合计" in above, key
        else:
            assert re.search(r"第[一二三四五六七八九十]+条", above), key   # an article
            assert len(above) > 60, key


ARTICLE = re.compile(r"第[一二三四五六七八九十]+条\s")
HOUSES_TABLE = "价款（元）"   # the header of the list of exchange houses (第四条's table)


def test_an_article_heading_never_ends_a_page_without_its_start(documents, tmp_path):
    """An article's heading stays on the page of its first paragraph (never the last words of
    a page), and 用于产权调换房屋的地点和面积 with the list of houses its first line leads to:
    the heading and 「第1套：…」 sat at the foot of page 1, the houses' table on page 2."""
    for key, data in documents.items():
        path = tmp_path / "d.pdf"
        path.write_bytes(data)
        pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                               text=True, check=True).stdout.split("\f")
        for number, page in enumerate(pages, start=1):
            body = [line.strip() for line in page.splitlines()
                    if line.strip() and " · " not in line]   # (the footer)
            assert not body or not ARTICLE.match(body[-1]), (key, number, body[-1])
            exchange = (key[0], "exchange") in documents   # its houses listed in a table
            if "用于产权调换房屋的地点和面积" in page and key[1] != "settlement" and exchange:
                assert HOUSES_TABLE in page.split("用于产权调换房屋的地点和面积")[1], (
                    key, number)


def test_a_figure_is_never_cut_across_lines():
    lines = wrap_cjk("补足 1.16 × 5400.00 = 6264.00；最低住房保障补足至45平方米（办法第三十七条）："
                     "(45 − 44.49) × 5400.00 = 2754.00", "WQYMicroHei", 10.5, 200)
    joined = "".join(lines)
    assert joined.replace(" ", "") == ("补足 1.16 × 5400.00 = 6264.00；最低住房保障补足至45平方米"
                                       "（办法第三十七条）：(45 − 44.49) × 5400.00 = 2754.00"
                                       ).replace(" ", "")
    for line in lines:
        assert line and line[0] not in CLOSING and line[-1] not in OPENING
        for figure in ("5400.00", "6264.00", "44.49", "2754.00"):
            assert not (figure not in line and any(figure.startswith(line[-k:])
                                                  for k in range(2, len(figure)) if
                                                  line[-k:].strip()))


def test_figures_stand_clear_of_the_cell_borders(documents, tmp_path):
    """A figure in a table ends at least 3 pt before the rule at its right (the cells' padding)."""
    from test_print_ready import figure_gaps

    for key in (("FR-0099", "settlement"), ("FR-0099", "exchange"), ("FR-0001", "money")):
        path = tmp_path / "d.pdf"
        path.write_bytes(documents[key])
        gaps = figure_gaps(path)
        assert len(gaps) >= 5 and min(gaps) >= 3, (key, min(gaps, default=None))
