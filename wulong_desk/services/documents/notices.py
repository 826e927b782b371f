"""The public notices as a use case, shared by the command line (`notice`, `ledger --public`) and
the export dialog: read what a kind lists from the store a batch at a time, settle its 公示期
(`procedure.notice_period`), write the workbook, and say what was done.

How the 公示期 was set (the dates as entered or from the project's timeline; a start alone run to
the 办法's minimum and how that minimum is counted) is the export's own note: it is returned for
the command line and the export dialog and written to the app's log, never printed on a notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.errors import UsageError, UserError
from wulong_desk.exports import templates
from wulong_desk.exports.notice_inputs import (
    AppraisalEntry,
    DecisionEntry,
    Household,
    MinHousingEntry,
    SurveyEntry,
    UnregisteredEntry,
    household_of,
)
from wulong_desk.exports.notice_kinds import KINDS, NoticeKind
from wulong_desk.exports.notice_sheet import NoticeFile
from wulong_desk.exports.records import CaseEntry
from wulong_desk.fileio import write_atomically
from wulong_desk.logs import log
from wulong_desk.rules import default_standards
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.documents.output import ExportResult, Progress, check_target, tick
from wulong_desk.services.documents.records import STREAM_BATCH, load_records, stream_records
from wulong_desk.services.procedure.notice_period import NoticePeriod, notice_period
from wulong_desk.services.projects.project import project_to_dict
from wulong_desk.statuses import VOID, is_out
from wulong_desk.store import Store
from wulong_desk.store.models import Case, CaseDate

REGISTERED = "registered"
TICK_EVERY = 200


def kind_of(code: str) -> NoticeKind:
    kind = KINDS.get(code)
    if kind is None:
        raise UsageError(f"未知的公示种类：{code}（可用：{'、'.join(KINDS)}）")
    return kind


def export_notice(store: Store, project_id: int, out: Path, *, kind: str = "compensation",
                  period: tuple[date | None, date | None] | None = None,
                  include_unsigned: bool = False, case_ids: list[int] | None = None,
                  progress: Progress | None = None) -> ExportResult:
    """Write the notice of `kind` for the project (or the chosen cases) to `out` (xlsx).
    `period` is (from, to) as the office entered it; for the 补偿决定公告, from is its 公告日."""
    notice = kind_of(kind)
    check_target(out)
    if kind == "compensation":
        templates.load(templates.NOTICE)  # a bad template is named before any work
    start, end = period or (None, None)
    if kind == "decision" and end is not None:
        raise UserError("补偿决定公告没有公示期，只有公告日期：请只给开始日（公告日）")
    if kind != "compensation" and include_unsigned:
        raise UserError("“含未签约的户”只用于分户补偿情况公示")
    with store.read() as session:
        project = project_to_dict(get_project(session, project_id))
        if kind == "decision":
            settled = NoticePeriod(start, None, "公告日期：所填日期") if start else None
        else:
            settled = notice_period(session, project_id, start, end, step_code=notice.step,
                                    article=notice.article)
        printed = (settled.start, settled.end) if settled else None
        built, incomplete = _build(session, project_id, kind, project, case_ids, printed,
                                   include_unsigned, progress)
    write_atomically(Path(out), built.data, private=False)  # masked: the public may read it
    said = _period_said(kind, settled)
    log().info("已导出%s：%d 行；%s", notice.title, built.rows, said)
    return ExportResult(Path(out), built.rows, incomplete, [Path(out)], notice=said,
                        unit="处" if kind == "unregistered" else "户")


def _period_said(kind: str, settled: NoticePeriod | None) -> str:
    if settled is None:
        return "未定（表上留空待填）"
    if kind == "decision":
        return f"公告日期 {settled.start.isoformat()}"
    end = settled.end.isoformat() if settled.end else "（留空待填）"
    return f"{settled.start.isoformat()} 至 {end}（{settled.basis}）"


def _build(session: Session, project_id: int, kind: str, project: dict[str, Any],
           case_ids: list[int] | None,
           period: tuple[date, date | None] | None, include_unsigned: bool,
           progress: Progress | None) -> tuple[NoticeFile, list[str]]:
    """The workbook, and the cases left out because their computation is incomplete (for the
    kinds that print computed figures)."""
    from wulong_desk.exports.notice import build_notice
    from wulong_desk.exports.notices import build_kind

    incomplete: list[str] = []
    if kind in ("compensation", "appraisal", "min-housing"):
        records = stream_records(session, project_id, case_ids)
        total, incomplete = len(records.entries), records.incomplete
    else:
        ids = _case_ids(session, project_id, case_ids)
        total = len(ids)

    def step(done: int) -> None:
        if done % TICK_EVERY == 0 or done == total:
            tick(progress, done, total)   # may raise Cancelled: nothing is on disk yet

    tick(progress, 0, total)
    if kind == "compensation":
        if not records.entries:
            raise UserError(_nothing_computed(records.incomplete))
        built = build_notice(records, include_unsigned=include_unsigned, period=period,
                             tick=step)
    else:
        if kind in ("survey", "unregistered"):
            cases = _cases(session, ids, step)
        if kind == "appraisal":
            entries: Iterator[Any] = _appraisals(_counted(records.entries, step))
        elif kind == "min-housing":
            entries = _min_housing(session, project_id, _counted(records.entries, step))
        elif kind == "survey":
            entries = (_survey(case) for case in cases)
        elif kind == "unregistered":
            entries = (entry for case in cases for entry in _unregistered(case))
        else:
            entries = iter(decided_entries(session, project_id, case_ids))
        built = build_kind(kind, project, entries, period=period)
    tick(progress, total, total)  # the last chance to cancel
    return built, incomplete


def _counted(items: Iterable[Any], tick: Callable[[int], None]) -> Iterator[Any]:
    for number, item in enumerate(items, start=1):
        tick(number)
        yield item


def _nothing_computed(incomplete: list[str]) -> str:
    if incomplete:
        return (f"没有可公示的户：{len(incomplete)} 户的计算数据都不完整"
                f"（{'、'.join(incomplete[:10])}{'…' if len(incomplete) > 10 else ''}），请先补全")
    return "没有可公示的户：这个项目（或所选范围）还没有案卷"


# --- cases read as they are (survey results and buildings without a title need no computation)

def _case_ids(session: Session, project_id: int, case_ids: list[int] | None) -> list[int]:
    query = (select(Case.id).where(Case.project_id == project_id,
                                   Case.status.not_in((VOID, "lapsed")))
             .order_by(Case.case_no))
    ids = list(session.execute(query).scalars())
    if case_ids is not None:
        chosen = set(case_ids)
        ids = [i for i in ids if i in chosen]
    return ids


def _cases(session: Session, ids: list[int], tick: Callable[[int], None]) -> Iterator[Case]:
    """The cases with their people and parts, a batch at a time (each batch forgotten once the
    next is read): a notice of any size holds one batch of cases."""
    yield from _counted(_batches(session, ids), tick)


def _batches(session: Session, ids: list[int]) -> Iterator[Case]:
    for start in range(0, len(ids), STREAM_BATCH):
        batch = ids[start:start + STREAM_BATCH]
        loaded = {case.id: case for case in session.execute(
            select(Case).where(Case.id.in_(batch))
            .options(selectinload(Case.persons), selectinload(Case.parts))).scalars()}
        cases = [loaded[i] for i in batch]
        yield from cases
        session.expunge_all()


def _household(case: Case) -> Household:
    owners = [p.name for p in case.persons if p.role == "owner"] or \
        [p.name for p in case.persons]
    return Household(case.case_no, tuple(owners), case.address)


def _survey(case: Case) -> SurveyEntry:
    registered = [p for p in case.parts if (p.registration or REGISTERED) == REGISTERED]
    others = [p for p in case.parts if (p.registration or REGISTERED) != REGISTERED]
    return SurveyEntry(_household(case), bool(case.title_no.strip()),
                       tuple(p.use for p in registered),
                       sum((p.area for p in registered), Decimal("0.00")),
                       sum((p.area for p in others), Decimal("0.00")))


def _unregistered(case: Case) -> list[UnregisteredEntry]:
    return [UnregisteredEntry(_household(case), part.use, part.area, part.registration,
                              part.temporary_amount)
            for part in case.parts if (part.registration or REGISTERED) != REGISTERED]


# --- computed records (the appraisal and the 45 m² floor are the record's own figures) -------

def _line(record: dict[str, Any], code: str) -> Decimal:
    for line in record["lines"]:
        if line["code"] == code:
            return Decimal(line["amount"])
    return Decimal("0.00")


def _appraisals(entries: Iterable[CaseEntry]) -> Iterator[AppraisalEntry]:
    for entry in entries:
        if is_out(entry.status) or not entry.unit_prices:
            continue
        quantities = entry.record.get("quantities", {})
        yield AppraisalEntry(household_of(entry), tuple(entry.uses),
                             Decimal(quantities.get("area", "0")), tuple(entry.unit_prices),
                             _line(entry.record, "V_AREA"), _line(entry.record, "L2_DECOR"))


def _min_housing(session: Session, project_id: int, entries: Iterable[CaseEntry]
                 ) -> Iterator[MinHousingEntry]:
    dates: dict[int, dict[str, date]] = {}
    for row in session.execute(
            select(CaseDate).join(Case, Case.id == CaseDate.case_id)
            .where(Case.project_id == project_id,
                   CaseDate.what.in_(("min_applied", "min_verified")))).scalars():
        dates.setdefault(row.case_id, {})[row.what] = row.on_date
    standards = default_standards()
    for entry in entries:
        quantities = entry.record.get("quantities", {})
        topup = Decimal(quantities.get("min_topup", "0"))
        if is_out(entry.status) or topup <= 0:
            continue
        standard = standards.get(entry.record.get("standard", ""))
        if standard is None:
            raise UserError(f"案卷 {entry.case_no} 的计算标准已不在本机，无法确定最低住房保障面积")
        own = dates.get(entry.case_id, {})
        yield MinHousingEntry(household_of(entry), Decimal(quantities.get("area", "0")), topup,
                              standard.p("min_housing_area"), own.get("min_applied"),
                              own.get("min_verified"))


# --- 补偿决定 (办法第三十一条) --------------------------------------------------------------------

def decided_entries(session: Session, project_id: int, case_ids: list[int] | None = None
                    ) -> list[DecisionEntry]:
    """The project's 补偿决定 in force, one row each (办法第三十一条), from each decided case's
    stored record and its decision (services/procedure/case_decisions.py): the cases still at
    补偿决定 or moved under one."""
    from wulong_desk.exports.notice_inputs import DecisionFacts, decision_entry
    ids = list(session.execute(select(Case.id).where(
        Case.project_id == project_id, Case.status.in_(("decided", "moved")))).scalars())
    if case_ids is not None:
        chosen = set(case_ids)
        ids = [case_id for case_id in ids if case_id in chosen]
    if not ids:
        return []
    found = []
    for entry in load_records(session, project_id, ids).entries:
        decision = entry.decision
        if not decision:
            continue
        facts = DecisionFacts(decision["number"], date.fromisoformat(decision["made_on"]),
                              _day(decision.get("announced_on")),
                              _day(decision.get("served_on")),
                              date.fromisoformat(decision["move_by"]))
        found.append(decision_entry(entry, facts))
    return found


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
