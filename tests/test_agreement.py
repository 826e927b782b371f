"""Agreement drafts and settlement sheets: the stored figures in words and numbers, the font
embedded as a subset, a page that renders, the presign clause only where it belongs, and the
same bytes for the same data."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader
from store_helpers import case_form, project_form

from wulong_desk.errors import UserError
from wulong_desk.exports.agreement import PRESIGN_MARK, build_pdf, write_pdf
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.services import cases, projects
from wulong_desk.services.records import load_case
from wulong_desk.store import open_memory

CAPITALS = [
    ("0", "零元整"), ("0.05", "伍分"), ("0.50", "伍角"), ("10.10", "壹拾元壹角"),
    ("100000.00", "壹拾万元整"), ("1000001.00", "壹佰万零壹元整"),
    ("235004.00", "贰拾叁万伍仟零肆元整"), ("-23746.00", "贰万叁仟柒佰肆拾陆元整"),
    ("-0.05", "伍分"),
]


@pytest.mark.parametrize(("amount", "words"), CAPITALS)
def test_capitals(amount, words):
    assert rmb_capitals(Decimal(amount)) == words


@pytest.fixture(scope="module")
def example2():
    store = open_memory("经办")
    project_id = projects.create_project(store, project_form(2, department="武隆区房屋征收中心",
                                                             move_deadline="2023-09-30"))
    saved = cases.save_case(store, project_id, case_form(2, exchange_locations=["安置小区1栋101"]))
    with store.read() as session:
        project, entry = load_case(session, saved.case_id)
    yield store, project, entry, saved.case_id
    store.close()


def text_of(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_exchange_agreement_reads_the_stored_figures(example2):
    _, project, entry, _ = example2
    text = squeeze(text_of(build_pdf("exchange", project, entry)))
    assert "李四" in text and "11010519491231002X" in text
    for line in entry.record["lines"]:
        if Decimal(line["amount"]):
            assert f"{Decimal(line['amount']):,.2f}" in text, line["code"]
    assert "235,004.00" in text and "贰拾叁万伍仟零肆元整" in text
    assert "258,750.00" in text and "57.50" in text          # payable area after the 15 % cap
    assert "乙方应向甲方补交差价23,746.00" in text          # who pays the difference
    assert "贰万叁仟柒佰肆拾陆元整" in text
    assert "武隆府发〔2023〕5号" in text and "武隆府办发〔2023〕8号" in text
    assert "行政复议" in text and "行政诉讼" in text
    assert "1,440.00" in text and "960.00" in text           # maintenance fund split
    assert "草稿" in text                                      # not yet reviewed
    assert PRESIGN_MARK not in text


def test_presign_clause_only_in_the_presign_kind(example2):
    _, project, entry, _ = example2
    presign = squeeze(text_of(build_pdf("presign", project, entry)))
    assert PRESIGN_MARK in presign and "办法第二十三条" in presign and "90%" in presign
    assert PRESIGN_MARK not in squeeze(text_of(build_pdf("settlement", project, entry)))


def test_settlement_sheet_lists_every_line_with_formula(example2):
    _, project, entry, _ = example2
    text = squeeze(text_of(build_pdf("settlement", project, entry)))
    for line in entry.record["lines"]:
        assert squeeze(line["label"]) in text
    assert squeeze("20×(1−0.3)×max(43.05,45)×18=11340.00") in text
    assert "应收被征收人：23,746.00元" in text and "经办" in text and "审核" in text


def test_money_kind_is_refused_for_an_exchange_case(example2):
    _, project, entry, _ = example2
    with pytest.raises(UserError, match="产权调换"):
        build_pdf("money", project, entry)


def test_same_data_same_bytes(example2):
    _, project, entry, _ = example2
    assert build_pdf("exchange", project, entry) == build_pdf("exchange", project, entry)


def test_reviewed_case_has_no_draft_mark(example2):
    store, _, _, case_id = example2
    cases.set_status(store, case_id, "reviewed")
    with store.read() as session:
        project, entry = load_case(session, case_id)
    assert "草稿" not in text_of(build_pdf("settlement", project, entry))


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_font_embedded_as_subset_and_page_renders(example2, tmp_path):
    _, project, entry, _ = example2
    pdf = write_pdf("exchange", project, entry, tmp_path / "a.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYiMicroHei" in line]
    assert cjk and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in cjk)
    assert all("+" in line.split()[0] for line in cjk)       # subset prefix, e.g. AAAAAA+
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000                        # a real page, not blank


def test_cli_single_and_batch(tmp_path):
    from test_cli_calc import run_cli

    db = str(tmp_path / "d.sqlite")
    run_cli("demo", "--db", db)
    out = tmp_path / "one.pdf"
    proc = run_cli("agreement", "--case", "1", "--kind", "settlement", "--out", str(out),
                   "--db", db)
    assert proc.returncode == 0 and out.read_bytes().startswith(b"%PDF")
    folder = tmp_path / "batch"
    proc = run_cli("agreement", "--project", "1", "--out-dir", str(folder), "--db", db)
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 35 and any(f.endswith("-产权调换协议.pdf") for f in files)
    proc = run_cli("agreement", "--case", "1", "--out", str(out), "--db", db)
    assert proc.returncode == 2 and "--kind" in proc.stderr
