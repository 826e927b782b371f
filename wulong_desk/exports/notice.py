"""The 分户补偿情况公示 (办法第二十九条: each household's compensation is published within the
expropriation area), xlsx, laid out by `notice_sheet`.

It lists the households whose compensation is settled — 已签约, 已搬迁 (and, once the decision
path records them, those settled by a 补偿决定) — and, only when asked (`include_unsigned`), the
others with 「拟」 in 签约情况. Per household: the case number, the masked name (every name,
one-character names too), the 坐落 cut to the building (no unit or room), the uses and areas, the
评估单价, the compensation by group with the 未经登记建筑 amount (办法第十八条) named inside the
value group, the total, the chosen method and the exchange settlement — never an ID number, a
phone, a 产权证号, the internal 备注, the computation notes, the exporter or how the app counted
the 公示期. The sentences under the table come from the office's template (公示文字.txt).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from wulong_desk.errors import UserError
from wulong_desk.exports import templates
from wulong_desk.exports.notice_kinds import COMPENSATION, KINDS
from wulong_desk.exports.notice_sheet import (
    AREA,
    CENTRED,
    MONEY,
    NOT_APPLICABLE,
    Column,
    Heading,
    Layout,
    NoticeFile,
    write_notice,
)
from wulong_desk.exports.records import CaseEntry, ProjectRecords, owners_of
from wulong_desk.idcard import mask_name
from wulong_desk.rules.model import EXCHANGE, METHOD_LABELS, USE_LABELS
from wulong_desk.statuses import STATUS_LABELS, is_out

TITLE, ARTICLE = KINDS[COMPENSATION].title, KINDS[COMPENSATION].article
HEADER_ROWS = 5          # title, basis, period, group row, column row
# the stages whose compensation is settled and published as it stands (the decision path adds
# its status here: a household settled by a 补偿决定)
PUBLISHED = ("signed", "moved", "decided")
PROPOSED = "拟"

COLUMNS = (
    Column("index", "序号", 4, CENTRED),
    Column("case_no", "案卷编号", 9, grow=16),
    Column("owner", "被征收人", 8, grow=14),
    Column("building", "房屋坐落（至楼栋）", 16, grow=22),
    Column("uses", "用途", 6, grow=10),
    Column("area", "证载面积", 8, AREA, summed=True),
    Column("comp_area", "补偿面积", 8, AREA, summed=True),
    Column("prices", "评估单价（元/平方米）", 10, MONEY),
    Column("value", "价值补偿", 10, MONEY, summed=True),
    Column("unregistered", "其中：未经登记建筑", 9, MONEY, summed=True),
    Column("loss", "损失补偿", 9, MONEY, summed=True),
    Column("reward", "奖励补助", 9, MONEY, summed=True),
    Column("total", "补偿合计", 10, MONEY, summed=True),
    Column("method", "补偿方式", 8, CENTRED),
    Column("exchange_price", "产权调换房屋价款", 10, MONEY, summed=True),
    Column("net_payable", "应付/应收差额", 10, MONEY, summed=True),
    Column("signed", "签约情况", 8, CENTRED),
)
SETTLEMENT = ("exchange_price", "net_payable")  # only a household taking a house has these
SETTLEMENT_NOTE = ("注：产权调换房屋价款和应付/应收差额只涉及选择产权调换的户（货币补偿的户为"
                   "“—”）；差额为正数的，由征收部门付给被征收人，为负数的，由被征收人补交。")
PRICE_NOTE = ("评估单价是被征收房屋证载部分的评估单价，一户有几种用途的依次列出；“其中：未经登记"
              "建筑”是经认定给予补偿的未经登记建筑的补偿额（办法第十八条），已含在价值补偿内。")
PROPOSED_NOTE = ("签约情况为“拟”的户尚未签订补偿协议，所列为拟补偿情况，以最终签订的补偿协议"
                 "或作出的补偿决定为准。")


def layout(proposed: bool) -> Layout:
    notes = (SETTLEMENT_NOTE, PRICE_NOTE) + ((PROPOSED_NOTE,) if proposed else ())
    return Layout(TITLE, ARTICLE, COLUMNS, notes,
                  groups=(("value", "total", "补偿金额"), ("exchange_price", "net_payable",
                                                         "产权调换结算")))


# a unit, floor or room and everything after it: 3单元, 5层, 502室, 附1号, 2-3, 5楼3号 …
_BELOW_BUILDING = re.compile(
    r"(?:[0-9０-９一二三四五六七八九十]+\s*(?:单元|层|室|户|楼(?!栋))|附|[-－—]\s*[0-9０-９]"
    r"|[（(]).*$")
_LONG_NUMBER = re.compile(r"[0-9０-９Xx]{6,}")
_UP_TO_BUILDING = re.compile(r"^(.*[0-9０-９一二三四五六七八九十]\s*(?:号楼|号院|栋|幢|号))")


def building_of(address: str) -> str:
    """坐落 cut to the building: 武隆区芙蓉路12号3单元502室 → 武隆区芙蓉路12号; any run of six or
    more digits (an ID number or phone typed into the address) is removed."""
    value = _BELOW_BUILDING.sub("", address.strip())
    value = _LONG_NUMBER.sub("", value)
    building = _UP_TO_BUILDING.match(value)
    if building:  # whatever follows the last building number is below the building
        value = building.group(1)
    return value.rstrip(" ,，、;；:：-－—") or "—"


def masked_names(names: list[str] | tuple[str, ...]) -> str:
    return "、".join(mask_name(name) for name in names)


def owner_names(entry: CaseEntry) -> list[str]:
    owners = owners_of(entry)
    return [o["name"] for o in owners]


def uses_text(uses: list[str] | tuple[str, ...]) -> str:
    return "、".join(dict.fromkeys(USE_LABELS.get(u, "其他") for u in uses))


def prices_value(prices: list[str] | tuple[str, ...]) -> Decimal | str:
    """One 评估单价 as a number; several (one per use) as text, a line each, in order."""
    if len(prices) == 1:
        return Decimal(prices[0])
    if not prices:
        return NOT_APPLICABLE
    return "\n".join(f"{Decimal(p):,.2f}" for p in prices)


def line_amount(record: dict[str, Any], code: str) -> Decimal:
    """A line's amount in the stored record (a record made before a line existed had none)."""
    for line in record["lines"]:
        if line["code"] == code:
            return Decimal(line["amount"])
    return Decimal("0.00")


def signed_word(status: str) -> str:
    if status in PUBLISHED:
        return STATUS_LABELS.get(status, "补偿决定")
    if status == "presigned":
        return f"{STATUS_LABELS[status]}（{PROPOSED}）"
    return PROPOSED


def _values(entry: CaseEntry) -> dict[str, Any]:
    record = entry.record
    quantities = record.get("quantities", {})
    totals = record["totals"]
    return {
        "case_no": entry.case_no, "owner": masked_names(owner_names(entry)),
        "building": building_of(entry.address), "uses": uses_text(entry.uses),
        "area": Decimal(quantities.get("area", "0")),
        "comp_area": Decimal(quantities.get("comp_area", "0")),
        "prices": prices_value(entry.unit_prices),
        "value": Decimal(totals["value"]), "unregistered": line_amount(record, "V_UNREG"),
        "loss": Decimal(totals["loss"]), "reward": Decimal(totals["reward"]),
        "total": Decimal(totals["total"]),
        "method": METHOD_LABELS.get(entry.method, NOT_APPLICABLE),
        **{key: Decimal(record["settlement"][key]) if entry.method == EXCHANGE
           else NOT_APPLICABLE for key in SETTLEMENT},
        "signed": signed_word(entry.status),
    }


def published(entries: Iterable[CaseEntry], include_unsigned: bool,
              tick: Callable[[int], None] | None = None) -> Iterator[CaseEntry]:
    """The households the notice lists: never a voided case; the unsigned ones only when asked.
    `tick(n)` is called for every entry read (it may raise to cancel)."""
    for number, entry in enumerate(entries, start=1):
        if tick is not None:
            tick(number)
        if is_out(entry.status):
            continue
        if include_unsigned or entry.status in PUBLISHED:
            yield entry


def build_notice(records: ProjectRecords, *, include_unsigned: bool = False,
                 period: Any = None, tick: Callable[[int], None] | None = None
                 ) -> NoticeFile:
    """The notice (xlsx); `period` is (start, end or None) as the office entered it, or
    None to leave it blank. Refused when there is no household to publish."""
    project = records.project
    department = project.get("department") or "房屋征收部门"
    wording = {"公示单位": department, "征收决定文号": project.get("decision_no") or "—",
               "项目名称": project["name"]}
    paragraphs = tuple(templates.fill(paragraph, wording)  # the office's own words
                       for paragraph in templates.load(templates.NOTICE).preamble)
    heading = Heading(project["name"], project.get("decision_no") or "", department, period,
                      paragraphs)
    # the rows' printed values (a streamed project is read a batch at a time; only these stay)
    values = [_values(entry) for entry in published(records.entries, include_unsigned,
                                                      tick)]
    if not values:
        raise UserError("没有可公示的户：本项目还没有已签约或已搬迁的户（要列入尚未签约的户、"
                        "标为「拟」，请选择“含未签约的户”）")
    proposed = any(PROPOSED in row["signed"] for row in values)
    return write_notice(layout(proposed), heading, values)
