"""The expropriation decision as an event (办法第二十三、二十五条), and the end of a project whose
presign share was not reached (办法第十五、二十二、二十三条). Qt-free; the command line's
`project decide` / `project terminate` and the 程序 menu's dialogs call these.

- Until the decision is recorded a project is `planned`: its `announced_on` is the planned
  announcement (it selects the standard). `decide_project` records 作出日, 公告日 and the
  decision's number — replacing the planned date even with presigns recorded — after checking
  the presign share of a 旧城区改建 project against the whole area's households (at least the
  project's threshold, never below the standard's floor of 90%); refused when a presign falls on
  or after 作出日, when 公告日 is before 作出日, or when the new date would select another
  standard; warned when 公告日 is more than 7 days after 作出日 (第二十五条, counted as the
  程序时限 counts it). Unsigned cases are recomputed (audited as 重算); presigns keep their
  records.
- `terminate_project` ends a 旧城区改建 project after its presign period with the share below the
  threshold, recording the district's number and reason: every presign becomes 不生效 (kept, out
  of every total, audited), nothing more can be signed in it (services/cases/lifecycle.py), and the
  end of the freezes (第十五条's suspension of procedures, 第二十二条第四款's of the exchange
  houses' transfers) is recorded as the day the steps ended.
- Both are an administrator's (Store.require(admin=True); on the office server the events
  `wulong_decide_project` / `wulong_terminate_project`, which only an admin may call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wulong_desk.errors import UserError
from wulong_desk.rules import default_standards
from wulong_desk.rules.inputs import CONTROL_CHARACTERS, InputError
from wulong_desk.rules.standard import StandardError
from wulong_desk.services.cases.field_names import describe_message
from wulong_desk.services.cases.lifecycle import clean_reason
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.cases.recalc import recompute_unsigned
from wulong_desk.services.cases.versions import extend_trail, version_before
from wulong_desk.services.procedure.catalogue import STEP_BY_CODE, project_steps
from wulong_desk.services.procedure.path_events import on_server
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects.project import (
    DECISION_FIELDS,
    presign_floor,
    project_to_dict,
    read_project_form,
)
from wulong_desk.statuses import FROZEN_STATUSES, LAPSED
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.models import Case, ProcedureStep, Project

PLANNED, DECIDED, TERMINATED = "planned", "decided", "terminated"
STATE_LABELS = {PLANNED: "尚未作出征收决定", DECIDED: "已作出征收决定", TERMINATED: "已终止"}
NUMBER_LIMIT = 100


@dataclass(frozen=True)
class PresignShare:
    """Households at 预签 against the whole expropriation area's households (办法第二十三条)."""

    presigned: int
    total: int | None          # 征收范围总户数 (a project field), None until entered
    threshold: Decimal         # the project's, never below the standard's floor

    @property
    def ratio(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.presigned) / Decimal(self.total)).quantize(Decimal("0.0001"))

    @property
    def reached(self) -> bool:
        return bool(self.total) and Decimal(self.presigned) >= self.threshold * self.total

    def words(self) -> str:
        need = f"{(self.threshold * 100).normalize():f}%"
        if not self.total:
            return f"预签 {self.presigned} 户；征收范围总户数未填写（预签比例须达到 {need}）"
        ratio = self.ratio
        assert ratio is not None
        return (f"预签 {self.presigned} 户，征收范围总户数 {self.total} 户，占 "
                f"{(ratio * 100).quantize(Decimal('0.01'))}%（须达到 {need}）")


def presign_share(session: Session, project: Project) -> PresignShare:
    presigned = len(session.execute(select(Case.id).where(
        Case.project_id == project.id, Case.status == "presigned")).all())
    floor = presign_floor().value
    return PresignShare(presigned, project.total_households,
                        max(project.presign_threshold, floor))


def clean_number(number: str | None, what: str) -> str:
    text = (number or "").strip()
    if not text:
        raise UserError(f"number: 必须填写{what}")
    if len(text) > NUMBER_LIMIT or CONTROL_CHARACTERS.search(text):
        raise UserError(f"number: {what}应为不超过{NUMBER_LIMIT}字的文字（不含控制字符）")
    return text


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _planned(project: Project) -> None:
    if project.decision_state == DECIDED:
        raise UserError(f"项目 {project.name} 已于 {project.decision_made_on} 作出征收决定"
                        f"（{project.decision_no}），不能再作出一次")
    if project.decision_state == TERMINATED:
        raise UserError(f"项目 {project.name} 已于 {project.terminated_on} 终止"
                        f"（{project.termination_no}）")


@dataclass
class DecisionCheck:
    share: PresignShare | None
    warnings: list[str] = field(default_factory=list)


def check_decision(session: Session, project: Project, made_on: date, announced_on: date,
                   today: date, calendar: WorkCalendar | None = None) -> DecisionCheck:
    """Why the decision cannot be recorded (UserError), or its warnings."""
    _planned(project)
    if made_on > today:
        raise UserError(f"made_on: 作出日 {made_on} 在今天之后")
    if announced_on < made_on:
        raise UserError(f"announced_on: 公告日 {announced_on} 早于作出日 {made_on}"
                        "（办法第二十五条：作出后公告）")
    try:
        old = default_standards().for_date(project.announced_on)
        new = default_standards().for_date(announced_on)
    except StandardError as exc:
        raise UserError(f"announced_on: {exc}") from None
    if old.id != new.id:
        raise UserError(f"announced_on: 公告日 {announced_on} 适用的是「{new.title}」（第"
                        f"{new.edition}版），而项目按计划的公告日 {project.announced_on} 适用"
                        f"「{old.title}」（第{old.edition}版）：公告日不能改变适用的补偿标准"
                        "（办法第六十条）。请核对公告日")
    late = session.execute(select(Case.case_no, Case.signed_on).where(
        Case.project_id == project.id, Case.presign.is_(True),
        Case.status.in_(FROZEN_STATUSES), Case.status != LAPSED,
        Case.signed_on >= made_on).order_by(Case.case_no)).all()
    if late:
        named = "、".join(f"{no}（{day}）" for no, day in late[:10])
        raise UserError(f"made_on: 预签协议须在征收决定作出之前签订（办法第二十三条），以下预签在"
                        f"作出日 {made_on} 当日或之后：{named}"
                        + (f" 等 {len(late)} 户" if len(late) > 10 else ""))
    try:   # the project's dates still in order with the new ones (the project form's checks)
        read_project_form(project_to_dict(project) | {
            "announced_on": announced_on.isoformat(), "decision_made_on": made_on.isoformat()})
    except InputError as exc:
        raise UserError(describe_message(str(exc)) + "（请先在“项目设置”中调整）") from None
    share = None
    if project.old_town:
        share = presign_share(session, project)
        if not share.total:
            raise UserError("total_households: 旧城区改建项目须先填写征收范围总户数（程序 → 程序"
                            "时限与征求意见…），才能核对预签比例（办法第二十三条）")
        if not share.reached:
            raise UserError(f"预签比例未达到：{share.words()}。办法第二十三条：未达到规定比例的，"
                            "终止征收程序、预签协议不生效（预签期限届满后可“终止项目”）")
    check = DecisionCheck(share)
    step = STEP_BY_CODE["decision"]
    assert step.period is not None
    due = step.period.due(calendar or WorkCalendar.for_user(), made_on)
    if announced_on > due.on:
        check.warnings.append(f"公告日 {_day(announced_on)} 晚于作出后7日（最迟 {due.text()}）："
                              "办法第二十五条要求区人民政府在作出决定后7日内公告")
    return check


@dataclass
class DecisionDone:
    project_id: int
    warnings: list[str]
    share: PresignShare | None
    recomputed: int


def decide_project(store: Store, project_id: int, made_on: date, announced_on: date,
                   number: str, *, today: date | None = None,
                   progress: Callable[[int, int], bool | None] | None = None) -> DecisionDone:
    """作出征收决定 (see the module). `progress(done, total)` after each recomputed case;
    answering False cancels (nothing written)."""
    store.require("作出征收决定", admin=True)
    number = clean_number(number, "征收决定文号")
    with store.transaction() as session:
        project = get_project(session, project_id)
        check = check_decision(session, project, made_on, announced_on, today or date.today())
        old = {key: getattr(project, key) for key in DECISION_FIELDS}
        decide_in_session(session, project, made_on, announced_on, number)
        reason = f"作出征收决定（{number}），公告日 {announced_on}"
        session.flush()
        recomputed = 0
        if old["announced_on"] != announced_on:   # (the date selects the standard in force)
            recomputed = recompute_unsigned(session, project_id, reason=reason,
                                            progress=progress)
        return DecisionDone(project_id, check.warnings, check.share, recomputed)


def decide_in_session(session: Session, project: Project, made_on: date, announced_on: date,
                      number: str) -> None:
    """Record the decision (checked by the caller), with the 征收决定 step of the 程序时限: one
    audit row 作出征收决定 for each field it sets; on the office server by its event."""
    values = {"decision_state": DECIDED, "announced_on": announced_on,
              "decision_made_on": made_on, "decision_no": number}
    if on_server(session):
        session.flush()
        server_events.call_project(session, "decide_project", project.id, made_on, announced_on,
                                   number)
        for key, value in values.items():
            set_committed_value(project, key, value)
        return
    reason = f"{number}，作出日 {made_on}，公告日 {announced_on}"
    for key, value in values.items():
        old = getattr(project, key)
        if old != value:
            audit.record_project(session, "decide", project, key, audit.show(old),
                                 audit.show(value), reason, tells=(key,))
            setattr(project, key, value)
    _step(session, project.id, "decision", started_on=made_on, done_on=announced_on)


def _step(session: Session, project_id: int, code: str, *, started_on: date | None = None,
          done_on: date | None = None, note: str = "") -> None:
    row = project_steps(session, project_id).get(code)
    if row is None:
        row = ProcedureStep(project_id=project_id, step=code, note="")
        session.add(row)
    if started_on is not None:
        row.started_on = started_on
    if done_on is not None:
        row.done_on = done_on
    if note:
        row.note = note


@dataclass
class TerminationDone:
    project_id: int
    lapsed: list[str]          # the presigns' case numbers
    share: PresignShare


def check_termination(session: Session, project: Project, on: date, today: date
                      ) -> PresignShare:
    _planned(project)
    if not project.old_town:
        raise UserError("只有旧城区改建项目因预签比例未达到而终止征收程序（办法第二十三条）")
    if on > today:
        raise UserError(f"on: 终止日 {on} 在今天之后")
    if project.presign_end is None:
        raise UserError("presign_end: 项目没有预签期限：预签期限届满后才能终止")
    if on <= project.presign_end:
        raise UserError(f"on: 终止日 {on} 不在预签期限（至 {project.presign_end}）届满之后："
                        "预签期限届满、预签比例仍未达到的，才终止征收程序（办法第二十三条）")
    share = presign_share(session, project)
    if not share.total:
        raise UserError("total_households: 须先填写征收范围总户数（程序 → 程序时限与征求意见…），"
                        "才能核对预签比例")
    if share.reached:
        raise UserError(f"预签比例已达到：{share.words()}，应作出征收决定，不能终止")
    return share


def terminate_project(store: Store, project_id: int, on: date, number: str, reason: str, *,
                      today: date | None = None) -> TerminationDone:
    """终止项目 (see the module)."""
    store.require("终止项目", admin=True)
    number = clean_number(number, "终止的文号")
    reason = clean_reason(reason, "终止项目")
    with store.transaction() as session:
        project = get_project(session, project_id)
        share = check_termination(session, project, on, today or date.today())
        presigns = session.scalars(select(Case).where(
            Case.project_id == project_id, Case.status == "presigned")
            .order_by(Case.case_no)).all()
        numbers = [case.case_no for case in presigns]
        terminate_in_session(session, project, on, number, reason, presigns)
        return TerminationDone(project_id, numbers, share)


LAPSE_REASON = "项目终止（{number}）：预签比例未达到，预签协议不生效（办法第二十三条）"
FREEZE_NOTE = "项目终止，暂停办理相关手续结束（{article}）"


def terminate_in_session(session: Session, project: Project, on: date, number: str,
                         reason: str, presigns: list[Case]) -> None:
    """Every presign 不生效, the project terminated, the freezes ended (checked by the caller);
    on the office server by its event. Each lapsed case gets a new version."""
    versions = {case.id: version_before(case) for case in presigns}
    values = {"decision_state": TERMINATED, "terminated_on": on, "termination_no": number,
              "termination_reason": reason}
    if on_server(session):
        session.flush()
        server_events.call_project(session, "terminate_project", project.id, on, number, reason)
        for case in presigns:
            set_committed_value(case, "status", LAPSED)
        for key, value in values.items():
            set_committed_value(project, key, value)
    else:
        why = LAPSE_REASON.format(number=number)
        for case in presigns:
            audit.open_event(session, case, "预签不生效")
            audit.record(session, "lapse", case, "status", case.status, LAPSED, why,
                         tells=("status",))
            case.status = LAPSED
        audit.record_project(session, "terminate", project, "decision_state",
                             project.decision_state, TERMINATED, f"{number}：{reason}",
                             tells=tuple(values))
        for key, value in values.items():
            setattr(project, key, value)
        _step(session, project.id, "scope", done_on=on,
              note=FREEZE_NOTE.format(article="办法第十五条"))
        _step(session, project.id, "exchange_freeze", done_on=on,
              note=FREEZE_NOTE.format(article="办法第二十二条第四款"))
    session.flush()
    for case in presigns:
        extend_trail(case, versions[case.id])


def project_path(project: Project) -> str:
    """The project's state on its path, in words (the dashboard, the dialogs)."""
    if project.decision_state == DECIDED:
        return (f"已作出征收决定（{project.decision_no or '文号未填'}，作出日 "
                f"{project.decision_made_on}，公告日 {project.announced_on}）")
    if project.decision_state == TERMINATED:
        return (f"已终止（{project.termination_no}，{project.terminated_on}）：预签协议不生效")
    return f"尚未作出征收决定（计划公告日 {project.announced_on}）"


@dataclass(frozen=True)
class ProjectPath:
    """Where a project stands in law, as the project-level dialogs open on it."""
    said: str                  # its path in words (and, 旧城区改建, its presign share)
    old_town: bool
    state: str                 # planned | decided | terminated
    announced_on: date | None


def project_path_of(store: Store, project_id: int) -> ProjectPath:
    with store.read() as session:
        project = get_project(session, project_id)
        said = project_path(project)
        if project.old_town:
            said += "。" + presign_share(session, project).words()
        return ProjectPath(said, project.old_town, project.decision_state, project.announced_on)
