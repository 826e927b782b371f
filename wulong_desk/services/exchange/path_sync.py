"""The decision path in case packages and sync (format `wulong-desk-cases/4`): the project's
decision or termination beside its settings, and each case's path beside its content — its
conversion day, the formal values waiting beside a presign, its 补偿决定 (with their appeals and
ends) and its re-valuations. A receiver takes in what it does not hold yet by running the same
events (services/procedure/project_decision.py, appraisal.py, conversion.py, case_decisions.py),
never by writing a frozen case's figures directly:

- the project's decision or termination: taken when ours is still planned and this login may
  record it (an administrator on the office server; a file on this computer); the same on both
  sides says nothing; two different decisions are a conflict; ours already decided or terminated
  while theirs is planned is kept (the sender is behind);
- a case's events: a proposal (待确认) like a correction — taken by itself only in a push by a
  login that may correct (the office server, a reviewer); accepted later they are replayed in
  order: formal values, conversion, decisions and their ends, re-valuations (their values are
  the entry's own, so the record comes out as the sender's). A case new here is made at the
  stage before its events (已审核 for a decision, 预签 for a conversion) and brought through them.
Qt-free.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.dates import DateError, read_iso
from wulong_desk.errors import UserError
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.services.cases.recalc import recompute_unsigned
from wulong_desk.services.procedure.appraisal import PRICED, stage_values_in_session
from wulong_desk.services.procedure.case_decisions import (
    DecisionFacts,
    appeal_in_session,
    decide_in_session,
    decision_record,
    outcome_in_session,
)
from wulong_desk.services.procedure.conversion import (
    convert_in_session,
    read_values,
    revaluations,
    revalue_in_session,
)
from wulong_desk.services.procedure.project_decision import decide_in_session as decide_project
from wulong_desk.services.procedure.project_decision import terminate_in_session
from wulong_desk.store.models import Case, CaseDate, CaseDecision, CaseRevaluation, Project

PLANNED = "planned"


# --- the project ---------------------------------------------------------------------------

def project_path(project: Project) -> dict[str, Any]:
    """The package head's `decision` (and `termination`)."""
    out: dict[str, Any] = {"state": project.decision_state or PLANNED}
    if project.decision_state == "decided":
        out.update(made_on=_iso(project.decision_made_on),
                   announced_on=_iso(project.announced_on), number=project.decision_no)
    if project.decision_state == "terminated":
        out.update(on=_iso(project.terminated_on), number=project.termination_no,
                   reason=project.termination_reason)
    return out


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: Any, path: str) -> date | None:
    if value is None:
        return None
    try:
        return read_iso(value if isinstance(value, str) else repr(value))
    except DateError as exc:
        raise InputError([Problem(path, str(exc))]) from None


def their_state(package: dict[str, Any]) -> str:
    raw = package.get("decision")
    return raw.get("state", PLANNED) if isinstance(raw, dict) else PLANNED


def merge_project(session: Session, project: Project, package: dict[str, Any], *,
                  may_decide: bool) -> list[str]:
    """Take the sender's decision or termination (see the module); returns conflicts."""
    raw = package.get("decision")
    if not isinstance(raw, dict):
        return []
    state = raw.get("state", PLANNED)
    if state not in (PLANNED, "decided", "terminated"):
        raise InputError([Problem("decision.state", "应为 planned、decided 或 terminated")])
    ours = project.decision_state or PLANNED
    name = f"项目 {project.name}"
    if state == PLANNED or (ours != PLANNED and state != ours):
        if ours == PLANNED or state == PLANNED:
            return []
        return [f"{name}：两边的征收决定不一致（本机{ours}，对方{state}）"]
    if state == "decided":
        made, announced = _day(raw.get("made_on"), "decision.made_on"), \
            _day(raw.get("announced_on"), "decision.announced_on")
        number = str(raw.get("number") or "").strip()
        if made is None or announced is None or not number:
            raise InputError([Problem("decision", "已作出的征收决定须有作出日、公告日和文号")])
        if ours == "decided":
            if (project.decision_made_on, project.announced_on, project.decision_no) != (
                    made, announced, number):
                return [f"{name}：两边记录的征收决定不同（作出日、公告日或文号）"]
            return []
        if not may_decide:
            return [f"{name}：对方已记录作出征收决定（{number}），须由管理员在这里记录"]
        moved_date = project.announced_on != announced
        decide_project(session, project, made, announced, number)
        session.flush()
        if moved_date:
            recompute_unsigned(session, project.id, reason=f"作出征收决定（{number}，来自案卷包）")
        return []
    on = _day(raw.get("on"), "decision.on")
    number = str(raw.get("number") or "").strip()
    reason = str(raw.get("reason") or "").strip() or "对方已终止项目"
    if on is None or not number:
        raise InputError([Problem("decision", "终止的项目须有终止日和文号")])
    if ours == "terminated":
        if (project.terminated_on, project.termination_no) != (on, number):
            return [f"{name}：两边记录的终止不同（终止日或文号）"]
        return []
    if not may_decide:
        return [f"{name}：对方已终止项目（{number}），须由管理员在这里办理"]
    presigns = list(session.scalars(select(Case).where(
        Case.project_id == project.id, Case.status == "presigned")).all())
    terminate_in_session(session, project, on, number, reason, presigns)
    return []


# --- a case --------------------------------------------------------------------------------

def case_path(session: Session, case: Case) -> dict[str, Any]:
    """A package entry's `path`."""
    return {
        "converted_on": _iso(case.converted_on),
        "formal_values": [[p.position, f"{p.formal_unit_price:f}",
                           f"{(p.formal_decoration_value or Decimal(0)):f}"]
                          for p in case.parts if p.formal_unit_price is not None],
        "decisions": [decision_record(d) for d in case.decisions],
        "revaluations": revaluations(session, case.id),
    }


def _decisions(path: dict[str, Any]) -> list[dict[str, Any]]:
    raw = path.get("decisions") or []
    if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
        raise InputError([Problem("path.decisions", "应为列表")])
    for index, decision in enumerate(raw):
        for key in ("uuid", "number", "made_on", "move_by", "state"):
            if not decision.get(key):
                raise InputError([Problem(f"path.decisions[{index}].{key}", "必须填写")])
    return sorted(raw, key=lambda d: str(d.get("recorded_at") or ""))


def _facts(raw: dict[str, Any], prefix: str) -> DecisionFacts:
    return DecisionFacts(str(raw["number"]), _day(raw["made_on"], f"{prefix}.made_on"),
                         _day(raw["move_by"], f"{prefix}.move_by"),
                         _day(raw.get("announced_on"), f"{prefix}.announced_on"),
                         _day(raw.get("served_on"), f"{prefix}.served_on"),
                         str(raw.get("ground") or "no_agreement"),
                         bool(raw.get("rights_stated", True)))


def pending_events(case: Case | None, path: Any) -> list[str]:
    """The events the entry carries that the case here has not had, in words (for a proposal
    and the report); [] when none."""
    if not isinstance(path, dict):
        return []
    found = []
    converted = path.get("converted_on")
    if converted and (case is None or case.converted_on is None):
        found.append("转为补偿协议")
    ours = {d.uuid: d for d in case.decisions} if case is not None else {}
    for decision in _decisions(path):
        mine = ours.get(decision["uuid"])
        if mine is None:
            found.append(f"补偿决定 {decision['number']}")
        elif mine.state != decision["state"]:
            found.append(f"补偿决定 {decision['number']} 的结果")
        elif any(decision.get(f"{key}_on") and getattr(mine, f"{key}_on") is None
                 for key in ("review_filed", "review_closed", "suit_filed", "suit_closed")):
            found.append(f"补偿决定 {decision['number']} 的复议或诉讼")
    known = set()
    if case is not None and case.id is not None:
        from sqlalchemy.orm import object_session

        session = object_session(case)
        if session is not None:
            known = set(session.execute(select(CaseRevaluation.uuid).where(
                CaseRevaluation.case_id == case.id)).scalars())
    for revaluation in path.get("revaluations") or []:
        if isinstance(revaluation, dict) and revaluation.get("uuid") not in known:
            found.append("复核或鉴定后重新估价")
    formal = path.get("formal_values") or []
    if formal and not converted and (case is None or case.status == "presigned") and \
            _formal(formal) != {p.position: (p.formal_unit_price, p.formal_decoration_value)
                                for p in (case.parts if case is not None else [])
                                if p.formal_unit_price is not None}:
        found.append("正式评估结果")
    return found


def _formal(rows: Any) -> dict[int, tuple[Decimal, Decimal]]:
    out = {}
    try:
        for position, price, decoration in rows:
            out[int(position)] = (Decimal(str(price)), Decimal(str(decoration)))
    except (TypeError, ValueError, InvalidOperation):
        raise InputError([Problem("path.formal_values", "应为 [[部位, 单价, 装修], …]")]) from None
    return out


def base_form(form: dict[str, Any], path: Any) -> dict[str, Any]:
    """A case new here, at the stage before the events its entry carries (预签 before its
    conversion, 已审核 before its first decision)."""
    if not isinstance(path, dict) or not pending_events(None, path):
        return form
    case = dict(form.get("case") or {})
    if path.get("converted_on"):
        return {**form, "status": "presigned", "moved_on": None, "case": case}
    if _decisions(path):
        case.update(decided_on=None, signed_on=None)
        return {**form, "status": "reviewed", "moved_on": None, "case": case}
    return form


def _entry_values(entry: dict[str, Any], case: Case) -> dict[int, tuple[Decimal, Decimal]]:
    """The entry's own values of the case's priced parts, by position."""
    parts = (entry.get("case") or {}).get("parts") or []
    out = {}
    for part in case.parts:
        if (part.registration or "registered") not in PRICED or part.position >= len(parts):
            continue
        row = parts[part.position]
        try:
            out[part.position] = (Decimal(str(row["unit_price"])),
                                  Decimal(str(row.get("decoration_value") or "0")))
        except (KeyError, InvalidOperation):
            raise InputError([Problem(f"case.parts[{part.position}].unit_price",
                                      "程序事件须有评估单价")]) from None
    return out


def apply_events(session: Session, project: Project, case: Case, entry: dict[str, Any]
                 ) -> None:
    """Replay, in order, the events the entry carries that the case has not had (see the
    module)."""
    path = entry.get("path")
    if not isinstance(path, dict) or not pending_events(case, path):
        return
    formal = _formal(path.get("formal_values") or [])
    converted = _day(path.get("converted_on"), "path.converted_on")
    if case.status == "presigned" and (formal or converted):
        values = _entry_values(entry, case) if converted else formal
        if values:
            stage_values_in_session(session, case, values)
            session.flush()
    if converted is not None and case.converted_on is None and case.status == "presigned":
        served = (entry.get("procedure") or {}).get("dates", {}).get("report_served")
        if served and session.execute(select(CaseDate.id).where(
                CaseDate.case_id == case.id, CaseDate.what == "report_served")).first() is None:
            session.add(CaseDate(case_id=case.id, what="report_served",
                                 on_date=_day(served, "procedure.dates.report_served")))
            session.flush()
        convert_in_session(session, project, case, converted)
        session.flush()
    decisions = _decisions(path)
    for index, raw in enumerate(decisions):
        prefix = f"path.decisions[{index}]"
        mine = next((d for d in case.decisions if d.uuid == raw["uuid"]), None)
        if mine is None:
            if case.status != "reviewed":
                raise UserError(f"案卷 {case.case_no}：对方的补偿决定 {raw['number']} 在本机"
                                "无从作出（本机的案卷已不在已审核）")
            mine = decide_in_session(session, case, _facts(raw, prefix), raw["uuid"])
            session.flush()
        for key in ("review_filed", "review_closed", "suit_filed", "suit_closed"):
            day = _day(raw.get(f"{key}_on"), f"{prefix}.{key}_on")
            if day is not None and getattr(mine, f"{key}_on") is None \
                    and mine.state == "in_force":
                appeal_in_session(session, case, mine, key, day)
                session.flush()
        if raw["state"] != "in_force" and mine.state == "in_force":
            _end(session, case, mine, raw, decisions[index + 1:], entry, prefix)
    known = set(session.execute(select(CaseRevaluation.uuid).where(
        CaseRevaluation.case_id == case.id)).scalars())
    for index, raw in enumerate(path.get("revaluations") or []):
        if not isinstance(raw, dict) or raw.get("uuid") in known:
            continue
        # (the service's checks: the values as 部位序号, the stage, the ground, the day)
        values = read_values({position + 1: value for position, value
                              in _entry_values(entry, case).items()}, case)
        revalue_in_session(session, case, str(raw.get("kind") or "review"),
                           _day(raw.get("served_on"), f"path.revaluations[{index}].served_on")
                           or date.today(), values, str(raw.get("reference") or ""),
                           str(raw["uuid"]))
        session.flush()


def _end(session: Session, case: Case, mine: CaseDecision, raw: dict[str, Any],
         later: list[dict[str, Any]], entry: dict[str, Any], prefix: str) -> None:
    kind = raw["state"]
    on = _day(raw.get("ended_on"), f"{prefix}.ended_on") or mine.made_on
    reference = str(raw.get("ended_by") or "")
    if kind == "superseded":
        signed = _day((entry.get("case") or {}).get("signed_on"), "case.signed_on")
        outcome_in_session(session, case, mine, kind, on, reference, signed_on=signed)
    elif kind == "changed":
        if not later:
            raise UserError(f"案卷 {case.case_no}：对方的补偿决定 {raw['number']} 已变更，但案卷包"
                            "没有变更后的决定")
        outcome_in_session(session, case, mine, kind, on, reference,
                           replacement=_facts(later[0], prefix), replacement_uuid=later[0]["uuid"])
    elif kind == "revoked":
        outcome_in_session(session, case, mine, kind, on, reference)
    else:
        raise InputError([Problem(f"{prefix}.state", "应为 in_force、revoked、changed 或 "
                                  "superseded")])
    session.flush()
