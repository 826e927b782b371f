"""Agreement drafts and settlement sheets: the stored figures in words and numbers, the font
embedded as a subset, a page that renders, the presign clause only where it belongs, and the
same bytes for the same data."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader
from store_helpers import case_form, project_form, walk_to

from wulong_desk.errors import UserError
from wulong_desk.exports.agreement import PRESIGN_MARK
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.exports.household_papers import build_pdf
from wulong_desk.fileio import write_atomically
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.records import load_case
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md

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
    # the value difference (办法第二十八条: value − house price) and the net amount, apart
    assert "差价（办法第二十八条）为−78,750.00元" in text
    assert "应付净额：乙方应向甲方补交23,746.00元" in text   # who pays the net amount
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
    # the calculation in plain words: the larger of two figures said so, never max(…)
    assert squeeze("20×(1−0.3)×45（取43.05与45中较大者）×18=11340.00") in text
    assert "max(" not in text and "读法" not in text
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
    walk_to(store, case_id, "reviewed")
    with store.read() as session:
        project, entry = load_case(session, case_id)
    assert "草稿" not in text_of(build_pdf("settlement", project, entry))


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_font_embedded_as_subset_and_page_renders(example2, tmp_path):
    _, project, entry, _ = example2
    pdf = write_atomically(tmp_path / "a.pdf", build_pdf("exchange", project, entry))
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


# --- print-ready: number, payment, signatures, attachments, fonts, templates ----------------

def pages_of(data: bytes) -> list[str]:
    import io

    return [squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_signatures_share_a_page_with_the_last_clause_and_attachments_are_listed(example2):
    _, project, entry, _ = example2
    for kind in ("exchange", "presign"):
        pages = pages_of(build_pdf(kind, project, entry))
        signed = [text for text in pages if "（签字）" in text]
        assert len(signed) == 1 and "其他" in signed[0] and "一式四份" in signed[0]
        after = "".join(pages[pages.index(signed[0]):])   # the attachments follow the signatures
        assert "附件" in after and "评估报告" in after


def test_number_payment_and_account_printed_when_known(example2):
    import dataclasses

    _, project, entry, _ = example2
    blank = squeeze(text_of(build_pdf("exchange", project, entry)))
    # each part of the money with its amount (spec example 2's schedule) and a term to fill in
    # by hand; the account too
    assert "（一）搬迁前应付211,664.00元，＿＿" in blank and "收款账户：＿" in blank
    assert "过渡期间应付11,340.00元" in blank
    # the conditional sums as conditions with their amounts (R9 per month: 14 × 45.00 = 630.00)
    assert ("按期搬迁的另付12,000.00元：乙方在搬迁期限内搬迁交房的，单户按期搬迁奖励10,000.00元，"
            "＿") in blank
    # the second move is owed at the hand-over: its term runs from there, never from the move
    assert ("；第二次搬迁补助2,000.00元于乙方接房后支付，期限自接房之日起同样计算；逾期搬迁的不付"
            ) in blank
    assert "逾期交房的按月加付" in blank and "临时安置补助每月630.00元" in blank
    assert "逾期搬迁的不付" in blank and "产权调换房屋价款接房时与补偿款相抵" in blank
    assert "协议编号：＿" in blank
    full = dataclasses.replace(
        entry, terms={"before_move": "协议生效之日起15个工作日内",
                      "house_price": "签约时与补偿款相抵"},
        bank_account="户名 李四；开户行 重庆农村商业银行武隆支行；账号 6217990000012345678")
    text = squeeze(text_of(build_pdf("exchange", project, full, number="武隆征补〔2023〕第0012号")))
    assert "搬迁前应付211,664.00元，协议生效之日起15个工作日内支付" in text
    assert "产权调换房屋价款签约时与补偿款相抵" in text
    assert "6217990000012345678" in text and "武隆征补〔2023〕第0012号" in text


def test_signed_case_prints_its_signing_date_and_no_draft_mark(example2):
    import dataclasses

    _, project, entry, _ = example2
    draft = squeeze(text_of(build_pdf("exchange", project, entry)))
    assert "（草拟稿）" in draft and "日期：2023年6月30日" not in draft
    signed = dataclasses.replace(entry, status="signed")  # example 2 is signed on 2023-06-30
    text = squeeze(text_of(build_pdf("exchange", project, signed)))
    assert "（草拟稿）" not in text and "草稿" not in text
    assert "日期：2023年6月30日" in text


def test_presigned_prints_its_date_and_a_void_case_does_not(example2):
    """Review finding 9: 预签 is a signature (its date printed), 作废 is not one in force."""
    import dataclasses

    _, project, entry, _ = example2
    presigned = dataclasses.replace(entry, status="presigned")
    text = squeeze(text_of(build_pdf("exchange", project, presigned)))
    assert "日期：2023年6月30日" in text and "草拟稿" not in text
    void = dataclasses.replace(entry, status="void")
    text = squeeze(text_of(build_pdf("exchange", project, void)))
    assert "日期：2023年6月30日" not in text and "日期：年月日" in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_is_embedded(example2, tmp_path):
    _, project, entry, _ = example2
    for kind in ("exchange", "settlement"):
        pdf = write_atomically(tmp_path / f"{kind}.pdf", build_pdf(kind, project, entry))
        rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                              check=True).stdout.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), rows
        assert not any("Helvetica" in row for row in rows)


def test_numbers_are_given_once_and_kept(tmp_path):
    from wulong_desk.services.cases.agreement_numbers import assign_numbers

    store = open_memory("经办")
    project_id = projects.create_project(store, project_form(
        2, agreement_prefix="武隆征补", agreement_year="2023"))
    first = cases.save_case(store, project_id, case_form(2, "A-002")).case_id
    second = cases.save_case(store, project_id, case_form(2, "A-001")).case_id
    assert assign_numbers(store, project_id, [first]) == {first: "武隆征补〔2023〕第0001号"}
    both = assign_numbers(store, project_id)
    assert both == {first: "武隆征补〔2023〕第0001号", second: "武隆征补〔2023〕第0002号"}
    assert assign_numbers(store, project_id) == both           # reprinting never renumbers
    store.close()


def test_agreement_number_settings_are_checked():
    from wulong_desk.errors import InputError

    store = open_memory("经办")
    with pytest.raises(InputError, match="agreement_year"):
        projects.create_project(store, project_form(2, agreement_year="１９"))
    with pytest.raises(InputError, match="agreement_prefix"):
        projects.create_project(store, project_form(2, agreement_prefix="武隆〔征补〕"))
    store.close()


def test_office_template_wins_and_a_bad_one_is_refused_at_load(example2, isolated_home):
    from wulong_desk.exports import templates

    _, project, entry, _ = example2
    shipped = (templates.resources_dir() / "templates" / templates.AGREEMENT).read_text("utf-8")
    own = isolated_home / "templates"
    own.mkdir()
    (own / templates.AGREEMENT).write_text(
        shipped.replace("【履行和争议】",
                        "【本单位补充条款】\n乙方另享有本街道自定的搬家服务。\n【履行和争议】"),
        encoding="utf-8")
    assert templates.load(templates.AGREEMENT).office
    text = squeeze(text_of(build_pdf("exchange", project, entry)))
    assert "本单位补充条款" in text and "乙方另享有本街道自定的搬家服务" in text
    assert any("本单位自定模板" in line for line in templates.describe_in_use())
    (own / templates.AGREEMENT).write_text("【付款】\n付款期限：{付款日期}\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"第2行：不认识的占位符 \{付款日期\}"):
        templates.load(templates.AGREEMENT)
    assert any("有错误" in line for line in templates.describe_in_use())
