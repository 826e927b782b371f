"""A presign becomes the 补偿协议 (办法第二十九条), and a frozen case's value is corrected after
复核 or 鉴定 (办法第五十四至五十六条): the two audited events, besides 解锁更正, that move a frozen
case's house value. Qt-free; `presign convert`, `appraisal revalue` and their dialogs call these.

- `convert_presigns`, only after the decision: each presign is recomputed with the formal values
  waiting beside it (services/procedure/appraisal.py), old → new recorded for every figure in one
  audited event (转为补偿协议), and it moves to 已签约 — still a presign in the record (signed on
  its presign day, spec example 4). All or nothing: refused, naming each, while any presign asked
  for has no formal values yet or no recorded service of its 分户评估报告. The agreement takes
  effect (`converted_on`) on the later of the decision's 作出日 and that service (第五十三条) —
  never on the day the command ran; it is also the agreement's `effective_on` (协议生效), which its
  payment terms count from.
- `revalue_case`: for a converted, signed, moved or decided case, the corrected report's values
  as their own audited event (复核/鉴定后重新估价), the record recomputed under the rules it was
  made with.
Both are a reviewer's (on the office server: the open_refigure event, then convert / revalue).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.errors import Cancelled, UserError
from wulong_desk.rules.inputs import MAX_AMOUNT, MAX_PRICE
from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.procedure.appraisal import PRICED, formal_values
from wulong_desk.services.procedure.path_events import begin, on_server, record_status
from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.store import Store, audit
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import Case, CaseDate, CaseRevaluation, Project

CONVERT_REASON = "转为补偿协议：按正式的分户评估报告修正房屋价值（办法第二十七、二十九条）"
REVALUE_KINDS = {"review": "复核评估", "expert": "专家鉴定"}
REVALUE_STAGES = ("signed", "moved", "decided")


def served_on(session: Session, case: Case) -> date | None:
    return session.execute(select(CaseDate.on_date).where(
        CaseDate.case_id == case.id, CaseDate.what == "report_served")).scalar()


@dataclass
class Converted:
    case_id: int
    case_no: str
    effective_on: date
    moved: list[tuple[str, str, str]]      # (figure, old, new) yuan, every figure

    def total(self) -> tuple[str, str]:
        for key, old, new in self.moved:
            if key == "total":
                return old, new
        return "", ""


def _served_dates(session: Session, project_id: int) -> dict[int, date]:
    """The recorded service of each presign's 分户评估报告 in the project, in one query."""
    rows = session.execute(select(CaseDate.case_id, CaseDate.on_date).join(
        Case, Case.id == CaseDate.case_id).where(
        Case.project_id == project_id, Case.status == "presigned",
        CaseDate.what == "report_served"))
    return {case_id: on for case_id, on in rows}


def _not_ready(case: Case, served: date | None) -> list[str]:
    """Why a presign cannot be converted yet ([] when it can): the one rule, for the refusal
    and for what the dialog says beforehand."""
    why = []
    if formal_values(case) is None:
        missing = [str(p.position + 1) for p in case.parts
                   if (p.registration or "registered") in PRICED
                   and p.formal_unit_price is None]
        why.append(f"第{'、'.join(missing)}处房屋还没有正式评估结果（导入正式评估结果）")
    if served is None:
        why.append("未记录分户评估报告送达日（办法第五十三条）")
    return why


def _decided(project: Project) -> bool:
    return project.decision_state == "decided" and project.decision_made_on is not None


def _presigns(project_id: int) -> Select[tuple[Case]]:
    return (select(Case).where(Case.project_id == project_id, Case.status == "presigned")
            .options(selectinload(Case.parts)).order_by(Case.case_no))


def _refusals(session: Session, project_id: int, cases: list[Case]) -> list[str]:
    served = _served_dates(session, project_id)
    found = []
    for case in cases:
        why = _not_ready(case, served.get(case.id))
        if why:
            found.append(f"{case.case_no}：{'；'.join(why)}")
    return found


@dataclass(frozen=True)
class PresignReadiness:
    """What 转为补偿协议 may do in a project now (its dialog reads this once, on opening)."""
    decided: bool           # the 征收决定 is made (not planned, not terminated)
    presigns: int           # presigns waiting for their conversion
    ready: int              # of them, those with formal values and the report's service
    chosen_id: int | None   # the case asked about, when it is one of those presigns
    chosen_no: str          # its 案卷编号 ("" when none)


def presign_readiness(store: Store, project_id: int, case_id: int | None = None
                      ) -> PresignReadiness:
    """The project's presigns and how many could be converted now, by the rule
    `convert_presigns` refuses by; `case_id` (the case selected in the window) is named when
    it is one of them. Three queries, whatever the number of cases."""
    with store.read() as session:
        project = get_project(session, project_id)
        presigns = list(session.execute(_presigns(project_id)).scalars())
        served = _served_dates(session, project_id)
        ready = sum(1 for case in presigns if not _not_ready(case, served.get(case.id)))
        chosen = next((case for case in presigns if case.id == case_id), None)
        return PresignReadiness(_decided(project), len(presigns), ready,
                                chosen.id if chosen is not None else None,
                                chosen.case_no if chosen is not None else "")


def convert_presigns(store: Store, project_id: int, case_id: int | None = None, *,
                     progress: Callable[[int, int], bool | None] | None = None
                     ) -> list[Converted]:
    """转为补偿协议 for every presign of the project (or the one case): see the module."""
    store.require("转为补偿协议")
    with store.transaction() as session:
        project = get_project(session, project_id)
        if not _decided(project):
            raise UserError("征收决定尚未作出（或项目已终止）：预签协议在征收决定作出后才转为补偿"
                            "协议（办法第二十三、二十九条）")
        query = _presigns(project_id)
        if case_id is not None:
            case = get_case(session, case_id)
            if case.project_id != project_id:
                raise UserError("案卷不属于该项目")
            if case.status != "presigned":
                raise UserError(f"案卷 {case.case_no} 是{STATUS_LABELS.get(case.status)}，"
                                "不是等待转换的预签")
            query = query.where(Case.id == case_id)
        presigns = list(session.execute(query).scalars())
        if not presigns:
            raise UserError("这个项目没有等待转为补偿协议的预签")
        refused = _refusals(session, project_id, presigns)
        if refused:
            raise UserError(f"以下 {len(refused)} 户预签还不能转为补偿协议，未转换任何一户：\n"
                            + "\n".join(refused))
        done = []
        for number, case in enumerate(presigns, start=1):
            done.append(convert_in_session(session, project, case))
            if progress is not None and progress(number, len(presigns)) is False:
                raise Cancelled()
        return done


def convert_in_session(session: Session, project: Project, case: Case,
                       effective_on: date | None = None) -> Converted:
    """One presign converted (checked by the caller). `effective_on`: the day its agreement took
    effect as another computer recorded it (a package); else the later of the decision and the
    report's service."""
    values = formal_values(case)
    served = served_on(session, case)
    assert values is not None and project.decision_made_on is not None
    if effective_on is None:
        effective_on = max(project.decision_made_on, served or project.decision_made_on)
    event = begin(session, case, "convert")
    by_position = {n - 1: (price, decoration) for n, price, decoration in values}
    for part in case.parts:
        if part.position in by_position:
            part.unit_price, part.decoration_value = by_position[part.position]
        part.formal_unit_price = part.formal_decoration_value = None
    event.recompute()
    reason = f"{CONVERT_REASON}，自 {effective_on} 生效"
    record_status(session, case, "convert", "presigned", "signed", reason)
    moved = event.finish(reason, every=True, server_event=("convert", (effective_on,)),
                         committed={"status": "signed", "converted_on": effective_on,
                                    "effective_on": effective_on})
    return Converted(case.id, case.case_no, effective_on, moved)


# --- 复核 / 鉴定 ---------------------------------------------------------------------------------

@dataclass
class Revalued:
    case_no: str
    moved: list[tuple[str, str, str]]


def read_values(values: dict[int, tuple[Decimal, Decimal | None]], case: Case
                ) -> dict[int, tuple[Decimal, Decimal]]:
    """The corrected values by part position (部位序号 1-based in, 0-based out), checked."""
    priced = {p.position + 1: p for p in case.parts
              if (p.registration or "registered") in PRICED}
    out = {}
    for number, (price, decoration) in values.items():
        part = priced.get(number)
        if part is None:
            raise UserError(f"部位序号 {number}：案卷 {case.case_no} 没有这一处有评估单价的房屋")
        if not 0 < price <= MAX_PRICE or price != price.quantize(Decimal("0.01")):
            raise UserError(f"部位序号 {number}：「评估单价」应为大于 0 的数，最多两位小数")
        decoration = part.decoration_value if decoration is None else decoration
        if not 0 <= decoration <= MAX_AMOUNT or decoration != decoration.quantize(
                Decimal("0.01")):
            raise UserError(f"部位序号 {number}：「装饰装修评估值」应为不小于 0 的数，最多两位小数")
        out[part.position] = (price, decoration)
    if not out:
        raise UserError("没有给出新的评估值")
    return out


def revalue_case(store: Store, case_id: int, kind: str, served: date,
                 values: dict[int, tuple[Decimal, Decimal | None]], reference: str = "", *,
                 today: date | None = None) -> Revalued:
    """复核/鉴定后重新估价 (see the module): `values` by 部位序号 (1-based), decoration None
    keeps the current one."""
    store.require("复核或鉴定后重新估价")
    today = today or date.today()
    reference = (reference or "").strip()[:200]
    with store.transaction() as session:
        case = get_case(session, case_id)
        check_revaluation(case, kind, served, today)
        checked = read_values(values, case)
        if all((part.unit_price, part.decoration_value) == checked[part.position]
               for part in case.parts if part.position in checked):
            raise UserError("新的评估值与案卷现有的相同，无需重新估价")
        return Revalued(case.case_no, revalue_in_session(
            session, case, kind, served, checked, reference, today=today))


def check_revaluation(case: Case, kind: str, served: date, today: date) -> None:
    """What 重新估价 needs, whoever asks for it (`revalue_case`, a package's replay): a known
    ground, a report served by today, a frozen case at a stage it applies to, not being
    corrected; else UserError naming why."""
    if kind not in REVALUE_KINDS:
        raise UserError(f"kind: 重新估价的依据应为 {'、'.join(REVALUE_KINDS.values())} 之一")
    if served > today:
        raise UserError(f"served_on: 修改后的评估报告送达日 {served} 在今天之后")
    if case.status not in REVALUE_STAGES:
        raise UserError(f"案卷 {case.case_no} 是{STATUS_LABELS.get(case.status)}：复核、鉴定后"
                        "重新估价只用于已签约（含转为补偿协议的预签）、已搬迁或补偿决定的案卷；"
                        "尚未签约的案卷直接修改评估值，预签的请重新导入正式评估结果")
    if case.unlocked_reason:
        raise UserError(f"案卷 {case.case_no} 正在解锁更正，请先保存或重新锁定")


def revalue_in_session(session: Session, case: Case, kind: str, served: date,
                       values: dict[int, tuple[Decimal, Decimal]], reference: str,
                       event_uuid: str | None = None, *, today: date | None = None
                       ) -> list[tuple[str, str, str]]:
    """The revaluation event in the caller's transaction, checked first (`check_revaluation`;
    `values` by part position, 0-based, read by the caller with `read_values`)."""
    check_revaluation(case, kind, served, today or date.today())
    event_uuid = event_uuid or str(uuid.uuid4())
    event = begin(session, case, "revalue")
    for part in case.parts:
        if part.position in values:
            part.unit_price, part.decoration_value = values[part.position]
    event.recompute()
    reason = (f"{REVALUE_KINDS[kind]}后重新估价（{reference or '评估报告'}，{served} 送达；"
              "办法第五十四至五十六条）")
    if not on_server(session):
        session.add(CaseRevaluation(uuid=event_uuid, case_id=case.id, kind=kind,
                                    served_on=served, reference=reference,
                                    recorded_at=now_utc()))
        audit.record(session, "revalue", case, "report", None, reason, reason)
    moved = event.finish(reason, server_event=("revalue", (kind, served, reference, event_uuid)))
    # the clock the corrected report closes (第五十四、五十六条), where not recorded yet
    code = "review_replied" if kind == "review" else "report_corrected"
    if session.execute(select(CaseDate.id).where(CaseDate.case_id == case.id,
                                                 CaseDate.what == code)).first() is None:
        session.add(CaseDate(case_id=case.id, what=code, on_date=served))
    return moved


def revaluations(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [{"uuid": r.uuid, "kind": r.kind, "served_on": r.served_on.isoformat(),
             "reference": r.reference, "recorded_at": r.recorded_at.isoformat()}
            for r in session.execute(select(CaseRevaluation).where(
                CaseRevaluation.case_id == case_id).order_by(CaseRevaluation.id)).scalars()]


@dataclass(frozen=True)
class PricedPart:
    """A priced part of a case as the 重新估价 table shows it (its number counted from 1)."""
    number: int
    use: str
    area: Decimal
    unit_price: Decimal | None
    decoration_value: Decimal


@dataclass(frozen=True)
class RevalueView:
    case_no: str
    status: str
    parts: tuple[PricedPart, ...]


def revalue_view(store: Store, case_id: int) -> RevalueView:
    with store.read() as session:
        case = get_case(session, case_id)
        return RevalueView(case.case_no, case.status, tuple(
            PricedPart(p.position + 1, p.use, p.area, p.unit_price, p.decoration_value)
            for p in case.parts if (p.registration or "registered") in PRICED))
