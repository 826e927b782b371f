"""Every document a household receives states what 办法第二十九条 requires (issue 28): each
agreement kind (money, exchange, presign), the 结算单 and the 补偿决定书, read back from the PDF's
text; one 乙方 signature line per 被征收人; a project's 预签协议 only for its presigns; an exchange
case without a house refused on save, on print and on the command line; no readings, gazette
talk or formulas on anything a household gets."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from store_helpers import case_form, project_form, walk_to

from wulong_desk.errors import UserError
from wulong_desk.exports.household_papers import build_pdf
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.lifecycle import TransitionError
from wulong_desk.services.documents.exports import build_document, export_documents
from wulong_desk.services.documents.records import load_case
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

# 办法第二十九条第二款, the items an agreement must state — written once, from the article
ITEMS_29 = ("补偿方式", "补偿金额和支付期限", "用于产权调换房屋的地点和面积", "搬迁费",
            "临时安置费或者周转房", "停产停业损失", "设施设备损失", "搬迁期限",
            "过渡方式和过渡期限")
# the items a money case has nothing for: printed, as 无
NONE_FOR_MONEY = ("用于产权调换房屋的地点和面积", "过渡方式和过渡期限")
# the 结算单 is the calculation: it carries the money items as its lines (and, for an exchange,
# the houses), each under the label it prints
SETTLEMENT_ITEMS = {"补偿方式": "补偿方式", "搬迁费": "搬迁补助费",
                    "临时安置费或者周转房": "临时安置补助", "停产停业损失": "停产停业损失补偿",
                    "设施设备损失": "设施设备补偿",
                    "补偿金额": "补偿合计"}
NEVER_FOR_A_HOUSEHOLD = ("读法", "max(", "min(", "公报", "所印")
FORMULA_SIGNS = ("×", "÷", "=")


def text_of(data: bytes) -> str:
    return "".join("".join(page.extract_text().split())
                   for page in PdfReader(io.BytesIO(data)).pages)


def section(text: str, item: str) -> str:
    """What an article (第N条 / N、) named `item` says, up to the next article."""
    match = re.search(rf"(?:(?<!办法)第[一二三四五六七八九十]+条|[一二三四五六七八九十]+、){item}",
                      text)
    assert match, f"「{item}」 is not an article of the document"
    rest = text[match.end():]   # (a citation reads 办法第N条: not an article of the document)
    end = re.search(r"(?<!办法)第[一二三四五六七八九十]+条|(?<![第、])[一二三四五六七八九十]+、",
                    rest)
    return rest[:end.start()] if end else rest


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("demo") / "demo.sqlite", "经办")
    project_id = create_demo(store)
    with store.read() as session:
        found = {case.case_no: (case.id, case.status, case.method,
                                len([p for p in case.persons if p.role == "owner"]))
                 for case in session.execute(select(Case).where(
                     Case.project_id == project_id)).scalars()}
    yield store, project_id, found
    store.close()


def document(store, case_id: int, kind: str) -> str:
    return text_of(build_document(store, case_id, kind)[1])


def first(found: dict, status: str, method: str | None = None) -> int:
    return next(case_id for case_id, at, how, _ in found.values()
                if at == status and (method is None or how == method))


@pytest.mark.parametrize("method", ["money", "exchange"])
def test_an_agreement_states_every_item_of_article_29_with_none_where_it_does_not_apply(
        demo, method):
    store, _, found = demo
    text = document(store, first(found, "signed", method), method)
    for item in ITEMS_29:
        said = section(text, item)
        assert said, item
        if method == "money" and item in NONE_FOR_MONEY:
            assert said.startswith("无"), (item, said)
    assert "停产停业期限" in section(text, "停产停业损失")
    if method == "exchange":
        houses = section(text, "用于产权调换房屋的地点和面积")
        assert "第1套：" in houses and "建筑面积" in houses and "平方米" in houses
        assert "交付日期：甲方应当自乙方搬迁交房之日起" in houses and "按月加付" in houses
        assert "过渡期限：" in section(text, "过渡方式和过渡期限")
        money = section(text, "差价和应付净额")
        assert "差价（办法第二十八条）为" in money and "应付净额：" in money
        assert "停产停业期限" in section(text, "停产停业损失") and "个月" in text
    # title deeds at signing (第三十二条); performance and 第三十条's route, never another
    assert "在签订本协议时将被征收房屋的土地房屋权属证书" in section(text, "搬迁期限")
    dispute = section(text, "履行和争议")
    assert "履行" in dispute and "行政诉讼" in dispute and "行政复议" in dispute
    assert "仲裁" not in text and "民事" not in text
    assert "按期搬迁的另付" in text


def test_a_money_agreement_says_nothing_about_paying_back_a_difference(demo):
    store, _, found = demo
    text = document(store, first(found, "signed", "money"), "money")
    assert "补交" not in text and "差价" not in text


def test_the_presign_is_the_article_23_agreement(tmp_path):
    store = open_store(tmp_path / "presign.sqlite", "经办")
    project_id = create_demo(store, stage="presign")
    with store.read() as session:
        presigned = session.execute(select(Case.id).where(
            Case.project_id == project_id, Case.status == "presigned")).scalars().all()
        total = session.execute(select(Case.id).where(
            Case.project_id == project_id)).scalars().all()
    assert 0 < len(presigned) < len(total)
    text = document(store, presigned[0], "presign")
    for item in ITEMS_29:
        assert section(text, item), item
    assert "征收决定（" not in text and "文号" not in text   # no decision exists yet
    assert "在房屋征收决定作出之前" in text
    effect = section(text, "生效条件")
    assert "自征收决定作出之日起生效" in effect
    assert "终止房屋征收程序，本协议不生效" in effect
    assert "以正式的分户评估报告为准" in text
    assert "转为补偿协议时，乙方应将被征收房屋的土地房屋权属证书" in text   # 第三十二条
    # a project's export makes one 预签协议 per presign, not one per case
    result = export_documents(store, project_id, tmp_path / "预签", kind="presign")
    assert result.count == len(presigned) == len(result.files)
    assert all(path.name.endswith("-预签协议.pdf") for path in result.files)
    store.close()


def test_a_signed_case_gets_no_presign_and_a_project_without_presigns_exports_none(demo,
                                                                                    tmp_path):
    store, project_id, found = demo
    assert not [case_id for case_id, status, _, _ in found.values() if status == "presigned"]
    with pytest.raises(UserError, match="没有处于「预签」阶段的案卷"):   # (its presigns converted)
        export_documents(store, project_id, tmp_path / "预签", kind="presign")
    assert not (tmp_path / "预签").exists()
    with pytest.raises(UserError, match="不能出具预签协议"):
        build_document(store, first(found, "signed"), "presign")


def test_the_decision_is_the_district_s_act_with_every_item_and_the_rights(demo):
    store, _, found = demo
    text = document(store, first(found, "decided"), "decision")
    assert "重庆市武隆区人民政府" in text and "补偿决定书" in text
    for item in ITEMS_29:
        assert section(text, item), item
    assert re.search(r"\d{4}年\d+月\d+日前搬迁完毕", section(text, "搬迁期限"))
    rights = section(text, "复议和诉讼的权利")
    assert "60日内向重庆市人民政府申请行政复议" in rights
    assert "6个月内向有管辖权的中级人民法院提起行政诉讼" in rights
    assert "仲裁" not in text and "权属证书交回" not in text   # no hand-over duty (第三十二条)
    # a decision has no agreement: its payment terms count from the decision, part by part with
    # the amount, and a part that comes to nothing is not named (the demo's terms: 15 days)
    terms = re.search(r"支付期限：(.*?)。", text).group(1)
    assert "协议" not in terms and "签约" not in terms
    assert re.search(r"搬迁前应付[\d,]+\.\d\d元，本决定作出之日起15日内", terms), terms


@pytest.mark.parametrize("method", ["money", "exchange"])
def test_the_settlement_sheet_carries_the_money_items_in_plain_words(demo, method):
    store, _, found = demo
    case_id = first(found, "signed", method)
    text = document(store, case_id, "settlement")
    for item, label in SETTLEMENT_ITEMS.items():
        assert label in text, item
    if method == "exchange":
        assert "产权调换房屋：第1套：" in text and "建筑面积" in text
        assert "差价（办法第二十八条" in text and "应付净额：" in text


def test_no_household_document_talks_of_readings_the_gazette_or_formulas(demo):
    store, _, found = demo
    for case_id, status, method, _ in found.values():
        if status in ("signed", "moved", "decided"):
            kinds = ("decision" if status == "decided" else method, "settlement")
        elif status == "presigned":
            kinds = ("presign", "settlement")
        else:
            continue
        for kind in kinds:
            text = document(store, case_id, kind)
            for word in NEVER_FOR_A_HOUSEHOLD:
                assert word not in text, (case_id, kind, word)
            if kind != "settlement":   # the 结算单 keeps each line's calculation
                for sign in FORMULA_SIGNS:
                    assert sign not in text, (case_id, kind, sign)


def test_each_co_owner_signs_on_a_line_of_their_own(demo):
    store, _, found = demo
    co_owned = {no: value for no, value in found.items() if value[3] > 1}
    assert {"FR-0003", "FR-0009", "FR-0027"} <= set(co_owned)
    for case_no in ("FR-0003", "FR-0009", "FR-0027"):
        case_id, status, method, owners = co_owned[case_no]
        with store.read() as session:
            names = [p.name for p in session.get(Case, case_id).persons if p.role == "owner"]
        kind = "decision" if status == "decided" else method
        if kind == "decision":
            continue
        text = document(store, case_id, kind)
        assert text.count("（签字）：") == owners == len(names)
        for name in names:
            assert f"乙方（被征收人）：{name}（签字）：" in text
        sheet = document(store, case_id, "settlement")
        for name in names:
            assert f"被征收人：{name}（签字）：" in sheet


def exchange_without_location(store, project_id: int, **extra):
    form = case_form(2, "X-1", exchange_locations=[""], **extra)
    return cases.save_case(store, project_id, form)


def test_an_exchange_case_without_a_house_is_refused_on_save_print_and_command_line(tmp_path):
    db = tmp_path / "cases.sqlite"
    store = open_store(db, "经办")
    project_id = projects.create_project(store, project_form(2))
    saved = exchange_without_location(store, project_id)
    walk_to(store, saved.case_id, "reviewed")
    with pytest.raises(TransitionError, match="调换房屋第1行「位置」未填写，不能标为已签约"):
        cases.set_status(store, saved.case_id, "signed")
    form = case_form(2, "X-2", status="signed")
    form["case"]["exchange"]["houses"] = []
    with pytest.raises(TransitionError, match="至少要有一套调换房屋"):
        cases.save_case(store, project_id, form, reason="补录已签订的协议")
    with store.read() as session:
        project, entry = load_case(session, saved.case_id)
    for kind in ("exchange", "decision"):
        with pytest.raises(UserError, match="调换房屋第1行「位置」未填写"):
            build_pdf(kind, project, dataclasses.replace(entry, decision={"move_by": None}))
    with pytest.raises(UserError, match="没有调换房屋"):
        build_pdf("exchange", project, dataclasses.replace(entry, exchange_houses=[]))
    store.close()
    run = subprocess.run([sys.executable, "-m", "wulong_desk", "agreement", "--case",
                          str(saved.case_id), "--kind", "exchange", "--out",
                          str(tmp_path / "a.pdf"), "--db", str(db)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 2 and "「位置」未填写" in run.stderr
    assert not (tmp_path / "a.pdf").exists()
