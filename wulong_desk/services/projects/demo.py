"""A demo project with varied, entirely fictional households (names, IDs and phones are made up;
ID numbers carry valid check digits so the forms accept them)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from wulong_desk.idcard import check_digit
from wulong_desk.paths import user_data_dir
from wulong_desk.rules.decimals import CENT
from wulong_desk.services.cases.changes import _unlock, save_in_session
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.money.moves import apply_delay
from wulong_desk.services.money.payments import PAY, add_payment, case_account
from wulong_desk.services.procedure import case_decisions
from wulong_desk.services.procedure.appraisal import stage_values_in_session
from wulong_desk.services.procedure.case_decisions import DecisionFacts
from wulong_desk.services.procedure.conversion import convert_in_session
from wulong_desk.services.procedure.project_decision import decide_in_session
from wulong_desk.services.projects.project import create_in_session
from wulong_desk.store import Store, open_store
from wulong_desk.store.models import CaseDate, Project

DEMO_DB_NAME = "演示数据.sqlite"

SURNAMES = "陈李王张刘杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = ["建华", "秀英", "志强", "丽娟", "国平", "小红", "文斌", "桂兰", "德明", "海燕", "永福",
         "春梅", "明轩", "思雨", "光荣", "淑珍", "家豪", "玉兰", "成林", "晓东"]
STREETS = ["芙蓉路", "建设中路", "巷口街", "白马山路", "乌江北路", "仙女东路"]

DEMO_PROJECT = {
    "name": "武隆区芙蓉路片区旧城改造项目（演示）",
    "decision_no": "武隆征〔2023〕演示1号",
    "announced_on": "2023-05-10",
    # revision 3: the presign period of this 旧城区改建 project, before the decision was made
    # (办法第二十三条), and the day it was made
    "presign_start": "2023-04-10",
    "presign_end": "2023-05-06",
    "decision_made_on": "2023-05-08",
    "signing_start": "2023-05-20",
    "signing_deadline": "2023-08-31",
    "move_deadline": "2023-10-31",
    "department": "武隆区房屋征收管理中心（演示）",
    "implementer": "芙蓉街道办事处（演示）",
    "appraiser": "某房地产估价有限公司（演示）",
    "old_town": True,
    "presign_threshold": "0.90",
    "zone": "core",
    "guide_reward_for": "both",
    "residential_extra_area": "3",
    "nonresidential_guide_rate": "0.05",
    "manufacturing_uplift": "0.2",
    "equipment_rate": "0.15",
    "maintenance_fund_rate": "40",
    # the default payment terms of each part of the schedule (办法第二十九条)
    "payment_terms": {
        "before_move": {"from": "effective", "days": 15, "workdays": False},
        "transition": {"monthly": True, "days": 10, "workdays": False},
        "after_move": {"from": "move", "days": 15, "workdays": False},
        "overdue": {"from": "handover", "days": 30, "workdays": False},
        "house_price": {"from": "handover", "days": 10, "workdays": True},
    },
}


def fake_id(rng: random.Random) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
    first17 = f"500232{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_digit(first17)


def household(rng: random.Random, n: int, deadline: date) -> dict[str, Any]:
    kind = ["residential"] * 5 + ["shop"] * 2 + ["workshop", "mixed"]
    pick = kind[n % len(kind)]
    parts: list[dict[str, Any]] = []
    equipment: list[dict[str, Any]] = []
    if pick in ("residential", "mixed"):
        area = Decimal(rng.randint(3200, 13000)).scaleb(-2)
        ratio = Decimal(rng.choice(["1.08", "1.12", "1.15", "1.18", "1.25"]))
        parts.append({"use": "residential", "area": f"{area:.2f}",
                      "inner_area": f"{(area / ratio).quantize(CENT)}",
                      "unit_price": str(rng.randrange(4200, 6800, 50)),
                      "decoration_value": str(rng.randrange(5000, 40000, 500)),
                      "water_accounts": 1, "power_accounts": 1,
                      "gas_accounts": rng.choice([0, 1])})
    if pick in ("shop", "mixed"):
        parts.append({"use": "commercial", "area": f"{rng.randint(2000, 12000) / 100:.2f}",
                      "unit_price": str(rng.randrange(8000, 14000, 100)),
                      "decoration_value": str(rng.randrange(10000, 60000, 1000)),
                      "water_accounts": 1, "power_accounts": 1,
                      "business_eligible": rng.random() < 0.8})
    if pick == "workshop":
        parts.append({"use": "production", "area": f"{rng.randint(8000, 30000) / 100:.2f}",
                      "unit_price": str(rng.randrange(2500, 4000, 100)),
                      "water_accounts": 1, "power_accounts": 2, "gas_accounts": 1,
                      "gas_cost": "2800", "business_eligible": True, "manufacturing": True})
        equipment = [{"name": "数控车床", "reusable": True, "net_value": "48000"},
                     {"name": "烘干线", "reusable": False, "assessed_value": "15000"}]
    method = "exchange" if n % 3 == 1 else "money"
    signed = n % 4 != 3
    moved_late = signed and n % 5 == 0   # moved out after the 搬迁期限 (a record after the move)
    case: dict[str, Any] = {
        "method": method,
        "min_housing_eligible": bool(parts and parts[0]["use"] == "residential"
                                     and Decimal(parts[0]["area"]) < 45),
        "signed_on": (deadline - timedelta(days=rng.randint(0, 60))).isoformat()
        if signed else None,
        # revision 3: a case is computed at signing with the undertaking to move on time; a
        # late move forfeits it through its own audited event (services/money/moves.py)
        "moved_on_time": True,
        "parts": parts, "equipment": equipment,
    }
    locations = []
    if method == "exchange":
        house_area = Decimal(rng.choice(["68.50", "82.30", "95.60", "112.40"]))
        house_inner = (house_area / Decimal("1.2")).quantize(CENT)
        case["exchange"] = {"houses": [{"area": f"{house_area}", "inner_area": f"{house_inner}",
                                        "unit_price": str(rng.randrange(4000, 5200, 50))}],
                            "transition_months": rng.choice([12, 18, 24]),
                            "turnover_house": n % 7 == 0, "interruption_months": 6,
                            "overdue_months": 0}
        locations = [f"芙蓉安置小区{rng.randint(1, 12)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}"]
    status_override = _revision_2_kinds(n, case, locations)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    owners = [{"role": "owner", "name": name, "id_number": fake_id(rng),
               "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
               "address": f"武隆区{rng.choice(STREETS)}{rng.randint(1, 200)}号"}]
    status = "signed" if signed else rng.choice(["surveyed", "assessed", "reviewed"])
    moved_on = None
    if moved_late:
        status, moved_on = "moved", LATE_MOVE
    status = status_override or status
    if n == 35:  # one household still waiting for its assessment: no price yet
        for part in parts:
            part.pop("unit_price", None)
        case["signed_on"] = None
        status = "surveyed"
    if n % 6 == 2:
        owners.append({"role": "owner", "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                       "id_number": fake_id(rng), "phone": "", "address": owners[0]["address"]})
    return {
        "case_no": f"FR-{n + 1:04d}",
        "title_no": f"渝（2019）武隆区不动产权第{rng.randint(1000000, 9999999)}号",
        "address": f"武隆区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
        "status": status, "moved_on": moved_on if status == "moved" else None,
        # (the agreement's own terms: none — the project's default terms apply)
        "owners": owners, "case": case, "exchange_locations": locations,
    }


def _revision_2_kinds(n: int, case: dict[str, Any], locations: list[str]) -> str | None:
    """Every kind calc contract revisions 2 and 3 added, on fixed households (fixed values: the
    random draws of the others stay as they were). Returns a stage to use instead, if any."""
    parts = case["parts"]
    if n == 0:   # a building without a title recognized as lawful (办法第十八条)
        parts.append({"use": "residential", "registration": "recognized", "area": "12.00",
                      "unit_price": "2000", "decoration_value": "1000"})
    elif n == 9:   # a temporary building within its approved term
        parts.append({"use": "commercial", "registration": "temporary", "area": "8.00",
                      "temporary_amount": "4500"})
    elif n == 18:   # a building found unlawful: listed, not paid
        parts.append({"use": "production", "registration": "illegal", "area": "20.00"})
    elif n == 26:   # a mixed title exchanged, its shop given temporary premises
        case["method"] = "exchange"
        case["exchange"] = {"houses": [{"area": "82.30", "inner_area": "68.58",
                                        "unit_price": "4600"}],
                            "transition_months": 18, "turnover_house": False,
                            "turnover_premises": True, "interruption_months": 6,
                            "overdue_months": 0}
        locations[:] = ["芙蓉安置小区3栋502"]
    elif n == 1:   # an exchange whose house is delivered late: moved on time, then a delay
        #              (`create_demo`)
        pass
    elif n == 25:   # a workshop exchanged for a commercial house
        case["exchange"]["houses"][0]["use"] = "commercial"
    elif n == 4:   # a presign, in its period and before the decision was made (办法第二十三条)
        case["signed_on"] = "2023-04-28"
        case["presign"] = True
        return "presigned"
    elif n == 13:   # a presign that became a 补偿协议: still computed from its presign day
        case["signed_on"] = "2023-05-02"
        case["presign"] = True
        return "signed"
    return None


DEMO_REASON = "演示数据：虚构住户直接建在当前阶段"
LATE_MOVE = "2023-11-15"   # after the demo's 搬迁期限 2023-10-31: forfeits after_move
ON_TIME_MOVE = "2023-10-20"
PAID_ON = "2023-11-20"
MOVED_ON_TIME = (1, 6)     # households moved out on time (FR-0002 is then delayed)
DELAY_MONTHS = 2
OVERPAID = 12              # FR-0013: paid before a correction lowered its figures (应追回)
PRESIGN_SERVED = "2023-05-20"   # the presigns' 分户评估报告 served (办法第五十三条)
# the one household that never signed: the district's 补偿决定 (办法第三十一条)
DECIDED_N = 3
DEMO_DECISION = {"number": "武隆府征补决〔2023〕演示1号", "made_on": "2023-09-15",
                 "announced_on": "2023-09-18", "served_on": "2023-09-20",
                 "move_by": "2023-10-31"}
STAGES = ("decided", "presign")


def create_demo(store: Store, households: int = 36, seed: int = 2023, *,
                stage: str = "decided", today: date | None = None) -> int:
    """Create the demo project; returns its id. `stage` "decided": a 旧城区改建 project after its
    decision (its presigns converted to 补偿协议 with the formal values, cases at every stage,
    one 补偿决定); "presign": one before its decision, its presign period just ended (two weeks
    before `today`) with at least 90% of the area's households presigned and a few not — to
    rehearse 作出征收决定, 导入正式评估结果, 转为补偿协议 or 终止项目. After the decision it also
    shows the money over time: moves on time and late (a late one forfeits its after_move), a
    delay of an exchange house, payments filling the buckets, and one household overpaid after a
    correction (应追回)."""
    if stage == "presign":
        return _create_presign_demo(store, households, seed, today or date.today())
    # it records an expropriation decision: an administrator's act on the office server
    store.require("创建征收决定作出后的演示项目", admin=True)

    rng = random.Random(seed)
    deadline = date.fromisoformat(DEMO_PROJECT["signing_deadline"])
    forms = [household(rng, n, deadline) for n in range(households)]
    if households > DECIDED_N:   # (its prices known: the district can decide it)
        forms[DECIDED_N]["status"] = "reviewed"
        forms[DECIDED_N]["case"]["signed_on"] = None
    with store.transaction() as session:
        project = create_in_session(session, dict(DEMO_PROJECT))
        presigns = [form for form in forms if form["status"] == "presigned"]
        converted = [form for form in forms if form["case"].get("presign")
                     and form["status"] == "signed"]
        for form in converted:   # both presigned first (before the decision), converted below
            form["status"] = "presigned"
        saved = {}
        for form in presigns + converted:
            saved[form["case_no"]] = save_in_session(session, project, form, reason=DEMO_REASON)
        # the decision, recorded as the office records it (the demo's share is not checked)
        decide_in_session(session, project, date.fromisoformat(DEMO_PROJECT["decision_made_on"]),
                          date.fromisoformat(DEMO_PROJECT["announced_on"]),
                          DEMO_PROJECT["decision_no"])
        for form in forms:
            if form["case_no"] not in saved:
                saved[form["case_no"]] = save_in_session(session, project, form,
                                                         reason=DEMO_REASON)
        session.flush()
        _convert(session, project, [saved[form["case_no"]] for form in presigns + converted])
        if households > DECIDED_N:
            _decide(session, saved[forms[DECIDED_N]["case_no"]])
        session.flush()
        _money_over_time(session, project.id,
                         {n: saved[form["case_no"]] for n, form in enumerate(forms)})
        return project.id


def _convert(session: Any, project: Any, presigns: list[Any]) -> None:
    """The presigns' formal values (one corrected upward by the formal report), served, and
    each converted to its 补偿协议."""
    for number, case in enumerate(presigns):
        values = {part.position: (part.unit_price + (100 if number == 0 else 0),
                                  part.decoration_value)
                  for part in case.parts if part.unit_price is not None}
        stage_values_in_session(session, case, values)
        session.add(CaseDate(case_id=case.id, what="report_served",
                             on_date=date.fromisoformat(PRESIGN_SERVED)))
        session.flush()
        convert_in_session(session, project, case)


def _decide(session: Any, case: Any) -> None:
    facts = DecisionFacts(DEMO_DECISION["number"],
                          date.fromisoformat(DEMO_DECISION["made_on"]),
                          date.fromisoformat(DEMO_DECISION["move_by"]),
                          date.fromisoformat(DEMO_DECISION["announced_on"]),
                          date.fromisoformat(DEMO_DECISION["served_on"]))
    case_decisions.decide_in_session(session, case, facts)


PRESIGN_SHARE = Decimal("0.92")   # of the households, at least (the floor is the standard's)


def presign_demo_project(today: date) -> dict[str, Any]:
    """The presign demo's project: its presign period ended two weeks before `today`, the
    decision planned (its announcement a week ahead), the 签约期限 after it."""
    project = {key: value for key, value in DEMO_PROJECT.items()
               if key not in ("decision_made_on",)}
    announced = today + timedelta(days=7)
    project.update(name="武隆区白马山路片区旧城改造项目（演示：征收决定作出前）",
                   decision_no="", presign_start=(today - timedelta(days=60)).isoformat(),
                   presign_end=(today - timedelta(days=14)).isoformat(),
                   announced_on=announced.isoformat(),
                   signing_start=(announced + timedelta(days=10)).isoformat(),
                   signing_deadline=(announced + timedelta(days=90)).isoformat(),
                   move_deadline=(announced + timedelta(days=150)).isoformat())
    return project


def _create_presign_demo(store: Store, households: int, seed: int, today: date) -> int:
    rng = random.Random(seed)
    project_form = presign_demo_project(today)
    first = date.fromisoformat(project_form["presign_start"])
    last = date.fromisoformat(project_form["presign_end"])
    deadline = date.fromisoformat(project_form["signing_deadline"])
    forms = [household(rng, n, deadline) for n in range(households)]
    needed = math.ceil(households * PRESIGN_SHARE)
    with store.transaction() as session:
        project = create_in_session(session, project_form)
        project.total_households = households
        presigned = 0
        for form in forms:
            case = form["case"]
            case.pop("presign", None)
            priced = all(part.get("unit_price") or part.get("temporary_amount")
                         or part.get("registration") == "illegal" for part in case["parts"])
            form["moved_on"] = None
            case["moved_on_time"] = True
            if "exchange" in case:   # nothing delivered late before the decision
                case["exchange"] = dict(case["exchange"], overdue_months=0)
            if priced and presigned < needed:
                day = first + timedelta(days=rng.randint(0, (last - first).days))
                case.update(signed_on=day.isoformat(), presign=True)
                form["status"] = "presigned"
                presigned += 1
            else:
                case["signed_on"] = None
                form["status"] = "reviewed" if priced else "surveyed"
            save_in_session(session, project, form, reason=DEMO_REASON)
        return project.id


def _money_over_time(session: Any, project_id: int, made: dict[int, Any]) -> None:
    project = get_project(session, project_id)
    session.flush()
    for n in MOVED_ON_TIME:
        case = made.get(n)
        if case is not None and case.status == "signed":
            save_in_session(session, project, case_to_form(case) | {
                "status": "moved", "moved_on": ON_TIME_MOVE}, case)
    session.flush()
    delayed = made.get(1)
    if delayed is not None and delayed.status == "moved":
        apply_delay(session, delayed, DELAY_MONTHS, f"逾期交房加付 {DELAY_MONTHS} 个月（累计 "
                    f"{DELAY_MONTHS} 个月）：演示：安置小区未按期竣工交付", today=date.today())
    number = 0
    for n in (0, 1, 5, 6, OVERPAID):   # payments by bucket: what is owed now, in part or whole
        case = made.get(n)
        account = case_account(session, case.id) if case is not None else None
        if account is None:
            continue
        for key in ("before_move", "transition", "after_move"):
            amount = account.owed[key] if n != 5 else (account.owed[key] / 2).quantize(CENT)
            if amount > 0:
                number += 1
                add_payment(session, case, PAY, amount, date.fromisoformat(PAID_ON),
                            f"演示付-{number:03d}", "出纳（演示）")
    case = made.get(OVERPAID)
    if case is not None and case.status == "signed":   # a correction after the payment
        form = case_to_form(case)
        part = form["case"]["parts"][0]
        part["decoration_value"] = str(Decimal(part["decoration_value"]) - 5000)
        _unlock(session, case, "演示：装修评估值复核后调减 5,000 元")
        save_in_session(session, project, form, case, allow_overpaid=True)


def demo_db_path() -> Path:
    """The demo database: its own file in the user data folder, never the user's cases."""
    return user_data_dir() / DEMO_DB_NAME


def open_demo_store(operator: str) -> Store:
    """Open (and on first use fill) the separate demo database."""
    from sqlalchemy import select

    path = demo_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(path, operator)
    with store.read() as session:
        empty = session.execute(select(Project.id).limit(1)).first() is None
    if empty:
        create_demo(store)
    return store
