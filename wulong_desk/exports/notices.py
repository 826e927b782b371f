"""The writers of the public notices that take their own records (`notice_inputs`), one
`Writer` a kind (its layout and its row); the 分户补偿情况公示 is `exports.notice`. The kinds
themselves — codes, titles, articles, 公示期 — are exports/notice_kinds.py's `KINDS` (re-exported
here), the one list the command line and the export dialog read too: a new kind is one entry
there, one input record and one `Writer` here. Headings and notes are the team's own words; the
minimum comes from the project's timeline step (`services.procedure.catalogue.STEPS`), never
from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wulong_desk.errors import UserError
from wulong_desk.exports.notice import (
    building_of,
    masked_names,
    prices_value,
    uses_text,
)
from wulong_desk.exports.notice_inputs import (
    AppraisalEntry,
    DecisionEntry,
    Household,
    MinHousingEntry,
    SurveyEntry,
    UnregisteredEntry,
)
from wulong_desk.exports.notice_kinds import KINDS, NoticeKind
from wulong_desk.exports.notice_sheet import (
    AREA,
    CENTRED,
    MONEY,
    NOT_APPLICABLE,
    Column,
    Heading,
    Layout,
    NoticeFile,
    day_text,
    write_notice,
)
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS

DISTRICT_GOVERNMENT = "重庆市武隆区人民政府"
# where a household may seek review of a 补偿决定, and in what time (行政复议法第二十条、第二十四条;
# 行政诉讼法第十五条、第四十六条: the act of a district government goes to the 中级人民法院)
REVIEW_BODY, REVIEW_DAYS = "重庆市人民政府", 60
COURT, COURT_MONTHS = "有管辖权的中级人民法院", 6


def issuer(kind: NoticeKind, project: dict[str, Any]) -> str:
    if kind.government:
        return DISTRICT_GOVERNMENT
    return project.get("department") or "房屋征收部门"


def _who(household: Household) -> dict[str, Any]:
    return {"case_no": household.case_no, "owner": masked_names(household.owners),
            "building": building_of(household.address)}


WHO = (
    Column("index", "序号", 4, CENTRED),
    Column("case_no", "案卷编号", 9, grow=16),
    Column("owner", "被征收人", 8, grow=20),
    Column("building", "房屋坐落（至楼栋）", 16, grow=24),
)

# --- 调查登记结果 (第十七条) ------------------------------------------------------------------

SURVEY_COLUMNS = (*WHO,
                  Column("title", "权属证书", 6, CENTRED),
                  Column("uses", "用途", 6, grow=10),
                  Column("area", "证载建筑面积", 9, AREA, summed=True),
                  Column("unregistered", "未经登记建筑面积", 9, AREA, summed=True))


def survey_row(entry: SurveyEntry) -> dict[str, Any]:
    return {**_who(entry.household), "title": "有" if entry.has_title else "无",
            "uses": uses_text(entry.uses) or NOT_APPLICABLE, "area": entry.area,
            "unregistered": entry.unregistered_area or NOT_APPLICABLE}


def survey_notes(project: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    department = project.get("department") or "房屋征收部门"
    return (
        "以上是入户调查登记的被征收房屋权属、区位、用途和建筑面积（办法第十七条）；被征收人"
        "不配合调查的，按不动产登记簿登记。",
        "“未经登记建筑面积”只是调查到的面积，是否合法、能否补偿，以区人民政府组织认定并公示的"
        "结果为准（办法第十八条）。",
        f"被征收人对本户登记结果有异议的，请以书面形式向{department}提出，由其依法核实处理。",
    )


# --- 未经登记建筑认定和处理结果 (第十八条) ----------------------------------------------------

FINDINGS = {
    "recognized": ("认定为合法建筑", "给予补偿"),
    "temporary": ("未超过批准期限的临时建筑", "结合剩余期限适当补偿"),
    "illegal": ("认定为违法建筑或超过批准期限的临时建筑", "不予补偿"),
}
UNREGISTERED_COLUMNS = (*WHO,
                        Column("use", "用途", 6, grow=10),
                        Column("area", "建筑面积", 8, AREA, summed=True),
                        Column("finding", "认定结果", 14, grow=20),
                        Column("treatment", "处理结果", 14, grow=22),
                        Column("amount", "补偿金额", 11, MONEY, summed=True))


def unregistered_row(entry: UnregisteredEntry) -> dict[str, Any]:
    finding, treatment = FINDINGS.get(entry.registration, (entry.registration, ""))
    amount: Decimal | str = NOT_APPLICABLE
    if entry.registration == "temporary" and entry.temporary_amount is not None:
        amount = entry.temporary_amount
    elif entry.registration == "recognized":
        amount = "按评估价值"
    return {**_who(entry.household), "use": USE_LABELS.get(entry.use, "其他"),
            "area": entry.area, "finding": finding, "treatment": treatment, "amount": amount}


def unregistered_notes(project: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return (
        "以上是区人民政府组织有关部门对征收范围内未经登记建筑的合法性集体会审后作出的认定和"
        "处理结果（办法第十八条）：合法建筑给予补偿；未超过批准期限的临时建筑，结合剩余期限"
        "适当补偿；违法建筑和超过批准期限的临时建筑，不予补偿。",
        "本公示不少于7个工作日。对认定和处理结果有异议的，请在公示期届满前向"
        f"{DISTRICT_GOVERNMENT}提出，由其核实。",
    )


# --- 分户初步评估结果 (第五十二条) --------------------------------------------------------------

APPRAISAL_COLUMNS = (*WHO,
                     Column("uses", "用途", 6, grow=10),
                     Column("area", "证载建筑面积", 9, AREA, summed=True),
                     Column("prices", "评估单价（元/平方米）", 10, MONEY),
                     Column("house_value", "房屋评估价值", 13, MONEY, summed=True),
                     Column("decoration", "装饰装修评估价值", 12, MONEY, summed=True))


def appraisal_row(entry: AppraisalEntry) -> dict[str, Any]:
    return {**_who(entry.household), "uses": uses_text(entry.uses) or NOT_APPLICABLE,
            "area": entry.area, "prices": prices_value(entry.unit_prices),
            "house_value": entry.house_value, "decoration": entry.decoration}


def appraisal_notes(project: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    appraiser = project.get("appraiser") or "评估机构"
    return (
        f"以上是{appraiser}对被征收房屋作出的分户初步评估结果，公示7个工作日（办法第五十二条）。"
        "房屋评估价值为证载建筑面积乘以评估单价；一户有几种用途的，评估单价依次列出。",
        "公示期间，参与评估的注册房地产估价师在现场说明解释；对初步评估结果有异议的，可向"
        "估价师提出，由其当场记录，结果确有错误的由评估机构修正。",
        "公示期满后，评估机构出具正式的分户评估报告并送达；对评估报告有异议的，可自收到之日起"
        "10日内申请复核评估（办法第五十三、五十四条）。",
    )


# --- 最低住房保障 (第三十七条) -------------------------------------------------------------------

MIN_HOUSING_COLUMNS = (*WHO,
                       Column("area", "证载建筑面积", 9, AREA, summed=True),
                       Column("topup", "保障补足面积", 9, AREA, summed=True),
                       Column("floor", "按此面积补偿", 9, AREA),
                       Column("applied_on", "申请日期", 11, CENTRED),
                       Column("verified_on", "核实日期", 11, CENTRED))


def min_housing_row(entry: MinHousingEntry) -> dict[str, Any]:
    return {**_who(entry.household), "area": entry.area, "topup": entry.topup,
            "floor": entry.floor,
            "applied_on": day_text(entry.applied_on) if entry.applied_on else NOT_APPLICABLE,
            "verified_on": day_text(entry.verified_on) if entry.verified_on else NOT_APPLICABLE}


def min_housing_notes(project: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    department = project.get("department") or "房屋征收部门"
    floors = sorted({f"{row['floor']:f}" for row in rows})
    floor = "、".join(floors)
    return (
        f"以上被征收人申请按最低住房保障补偿，经{department}核实：被征收房屋为住宅，按办法"
        f"第三十六条第一款计算的应补偿面积不足{floor}平方米，且在征收项目公布前本人及配偶在本区"
        f"没有其他国有土地上的产权住宅（办法第三十七条）。现予公示，拟按建筑面积{floor}平方米"
        "补偿，补足面积按评估单价计入价值补偿。",
        f"对公示的情况有异议的，请以书面形式向{department}反映。",
    )


# --- 补偿决定公告 (第三十一条) --------------------------------------------------------------------

DECISION_COLUMNS = (
    Column("index", "序号", 4, CENTRED),
    Column("decision_no", "补偿决定文号", 10, grow=16),
    Column("made_on", "作出日期", 10, CENTRED),
    Column("owner", "被征收人", 8, grow=16),
    Column("building", "房屋坐落（至楼栋）", 16, grow=22),
    Column("method", "补偿方式", 8, CENTRED),
    Column("total", "补偿金额", 10, MONEY, summed=True),
    Column("moving", "搬迁费", 8, MONEY, summed=True),
    Column("temporary", "临时安置费", 8, MONEY, summed=True),
    Column("interruption", "停产停业损失", 8, MONEY, summed=True),
    Column("equipment", "设施设备损失", 8, MONEY, summed=True),
    Column("houses", "产权调换房屋地点和面积", 14, grow=20),
    Column("transition", "过渡方式和过渡期限", 10, grow=12),
    Column("payment_term", "支付期限", 10, grow=14),
    Column("move_by", "搬迁期限", 10, CENTRED),
)


def decision_row(entry: DecisionEntry) -> dict[str, Any]:
    facts = entry.facts
    exchange = entry.method == "exchange"
    # each house to its building, as every address on a notice (no unit or room)
    houses = "\n".join(f"{building_of(location) if location else '地点待定'}，{area:f}平方米"
                       for location, area in entry.houses)
    if not exchange:
        transition = NOT_APPLICABLE
    elif entry.turnover_house:
        transition = "提供周转房" + (f"，{entry.transition_months}个月"
                                     if entry.transition_months else "")
    else:
        transition = (f"自行过渡，{entry.transition_months}个月" if entry.transition_months
                      else "自行过渡")
    return {"decision_no": facts.decision_no, "made_on": day_text(facts.made_on),
            "owner": masked_names(entry.household.owners),
            "building": building_of(entry.household.address),
            "method": METHOD_LABELS.get(entry.method, NOT_APPLICABLE), "total": entry.total,
            "moving": entry.moving,
            "temporary": "提供周转房" if entry.turnover_house else entry.temporary,
            "interruption": entry.interruption, "equipment": entry.equipment,
            "houses": houses if exchange else NOT_APPLICABLE, "transition": transition,
            "payment_term": entry.payment_term or NOT_APPLICABLE,
            "move_by": day_text(facts.move_by)}


def decision_notes(project: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return (
        "在征收补偿方案规定的签约期限内没有达成补偿协议（或者被征收房屋所有权人不明确）的，"
        f"经房屋征收部门申请，{DISTRICT_GOVERNMENT}依照征收补偿方案对以上被征收人作出补偿决定，"
        "现予公告（办法第三十一条）。每户的补偿决定书载明补偿方式、补偿金额和支付期限、产权"
        "调换房屋的地点和面积、搬迁费、临时安置费或者周转房、停产停业损失、设施设备损失、"
        "搬迁期限、过渡方式和过渡期限，送达被征收人。",
        f"被征收人对补偿决定不服的，可以自知道该决定之日起{REVIEW_DAYS}日内向{REVIEW_BODY}申请"
        f"行政复议，也可以自知道该决定之日起{COURT_MONTHS}个月内向{COURT}提起行政诉讼。",
        "被征收人在法定期限内不申请行政复议、不提起行政诉讼，又在补偿决定规定的搬迁期限内不"
        "搬迁的，区人民政府将发出催告书；自催告书送达之日起10个工作日内仍不搬迁的，区人民政府"
        "可以依法申请人民法院强制执行。",
    )


@dataclass(frozen=True)
class Writer:
    columns: tuple[Column, ...]
    row: Callable[[Any], dict[str, Any]]
    notes: Callable[[dict[str, Any], list[dict[str, Any]]], tuple[str, ...]]
    counted: str = "户"
    empty: str = "没有可公示的内容"


WRITERS = {
    "survey": Writer(SURVEY_COLUMNS, survey_row, survey_notes,
                     empty="没有可公布的调查登记结果：本项目还没有案卷"),
    "unregistered": Writer(UNREGISTERED_COLUMNS, unregistered_row, unregistered_notes, "处",
                           empty="没有可公示的认定结果：本项目的案卷中没有登记为“认定合法”"
                                 "“临时建筑”或“认定违法”的未经登记建筑"),
    "appraisal": Writer(APPRAISAL_COLUMNS, appraisal_row, appraisal_notes,
                        empty="没有可公示的初步评估结果：本项目还没有填好评估单价、计算完整的"
                              "案卷"),
    "min-housing": Writer(MIN_HOUSING_COLUMNS, min_housing_row, min_housing_notes,
                          empty="没有可公示的最低住房保障：本项目没有经核实适用最低住房保障"
                                "（应补偿面积不足保障面积）的户"),
    "decision": Writer(DECISION_COLUMNS, decision_row, decision_notes,
                       empty="本项目还没有补偿决定"),
}


def build_kind(code: str, project: dict[str, Any], entries: Iterable[Any], *,
               period: Any = None, tick: Callable[[int], None] | None = None) -> NoticeFile:
    """The notice of kind `code` (not compensation: `exports.notice.build_notice`) as xlsx,
    from its input records; `period` is (start, end or None), or for the decision the
    (公告日, None); None leaves it blank. Refused, naming why, when there is nothing to post."""
    kind, writer = KINDS[code], WRITERS[code]
    rows = []
    for number, entry in enumerate(entries, start=1):
        if tick is not None:
            tick(number)
        rows.append(writer.row(entry))
    if not rows:
        raise UserError(writer.empty)
    decision = code == "decision"
    layout = Layout(kind.title, kind.article, writer.columns, writer.notes(project, rows),
                    counted=writer.counted, period_label="公告日期" if decision else "公示期",
                    issuer_label="公告单位" if decision else "公示单位")
    heading = Heading(project["name"], project.get("decision_no") or "", issuer(kind, project),
                      period)
    return write_notice(layout, heading, rows)
