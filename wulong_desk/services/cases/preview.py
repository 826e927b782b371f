"""The live breakdown while a case is being typed: the same engine, on the form's inputs.

Nothing is stored here. The form becomes the engine's request through the same translation the
store uses when saving (`cases.form.form_to_request`), so the panel shows what will be saved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from wulong_desk import ENGINE_VERSION
from wulong_desk.rules import InputError, compute, default_standards, read_request
from wulong_desk.rules.inputs import Problem
from wulong_desk.services.cases.form import form_to_request


@dataclass
class Preview:
    result: dict[str, Any] | None             # the calc contract output, when computable
    problems: list[Problem] = field(default_factory=list)   # what blocks or is wrong


def preview(project_contract: dict[str, Any], form: dict[str, Any]) -> Preview:
    try:
        request = form_to_request(project_contract, form)
    except InputError as exc:
        return Preview(None, exc.problems)
    try:
        options, inputs, standard = read_request(request, default_standards())
    except InputError as exc:
        return Preview(None, exc.problems)
    # the record as the store would keep it (with areas and houses, for the explanations)
    return Preview(compute(inputs, options, standard).to_record(ENGINE_VERSION), [])


def signing_today_note(project_contract: dict[str, Any], form: dict[str, Any],
                       today: date) -> str:
    """For a case not yet signed: what 单户提前签约奖励 signing today would pay (the same
    engine on the same inputs with today as the signing date); empty when signed or not
    computable."""
    case = form.get("case") or {}
    if case.get("signed_on"):
        return ""
    trial = copy.deepcopy(form)
    trial["case"]["signed_on"] = today.isoformat()
    result = preview(project_contract, trial).result
    if result is None:
        return ""
    early = next((line for line in result["lines"] if line["code"] == "R6_EARLY"), None)
    if early is None:
        return ""
    amount = Decimal(early["amount"])
    if not amount:
        return f"今天（{today:%Y-%m-%d}）签约：已无单户提前签约奖励（{early['citation']}）"
    return (f"今天（{today:%Y-%m-%d}）签约：单户提前签约奖励 {amount:,.2f} 元"
            f"（{early['formula']}；{early['citation']}）；每晚签一天，奖励相应减少")


def settlement_note(project_contract: dict[str, Any], result: dict[str, Any]) -> str:
    """How the exchange figures come about, with the record's own numbers: the price of each
    house from its payable area, and the split of the 维修资金 by the areas it compares."""
    houses = result.get("houses") or []
    if not houses:
        return ""
    parts = [f"{Decimal(h['payable_area']):f} m² × {Decimal(h['unit_price']):,.2f} 元 = "
             f"{Decimal(h['price']):,.2f} 元"
             + ("（公摊超过15%的部分不计，由征收部门承担，办法第三十六条）"
                if Decimal(h["payable_area"]) != Decimal(h["area"]) else "")
             for h in houses]
    area_e = sum((Decimal(h["area"]) for h in houses), Decimal(0))
    own = Decimal(result["quantities"]["area"])
    rate = Decimal(str(project_contract.get("maintenance_fund_rate") or 0))
    settlement = result["settlement"]
    return ("产权调换房屋价款＝各套应付面积×单价之和：" + "；".join(parts) + "。"
            f"维修资金（办法第三十九条，{rate:f} 元/m²）：调换房屋 {area_e:f} m² 中，不超过被征收"
            f"房屋面积 {own:f} m² 的部分由征收部门交纳 "
            f"{Decimal(settlement['fund_department']):,.2f} 元，超出的部分由被征收人交纳 "
            f"{Decimal(settlement['fund_household']):,.2f} 元。")
