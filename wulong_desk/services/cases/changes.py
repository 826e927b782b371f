"""The one owner of what a change to a case means: save (create or update), stage changes,
解锁更正 and re-locking, 作废, deletion, history. Qt-free; the editor, every CLI command, case
packages and survey import all change cases through `save_in_session` here. The events after
signing that make money owed or forfeit it — the move (taken to 已搬迁 by a save here) and a
delay of the exchange house — are services/money/moves.py's, run through this owner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from wulong_desk.errors import UserError
from wulong_desk.field_words import LISTS, SINGLE
from wulong_desk.invisible import case_key
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.services.cases.calculation import recompute, stored_figures, yuan_text
from wulong_desk.services.cases.contract import case_to_contract
from wulong_desk.services.cases.form import agreement_of, apply_form, case_to_form, form_to_case
from wulong_desk.services.cases.lifecycle import (
    CONVERT_ONLY,
    TransitionError,
    check_correction_stage,
    check_transition,
    clean_reason,
    label,
    next_stages,
)
from wulong_desk.services.cases.lookup import NotFoundError, get_case, get_project
from wulong_desk.services.cases.search import search_text_for
from wulong_desk.services.cases.versions import (
    content_hash,
    current_version,
    descend,
    extend_trail,
    new_version_id,
    version_before,
)
from wulong_desk.services.money.moves import move_in_session, move_on_server
from wulong_desk.services.money.payments import case_account
from wulong_desk.statuses import DECIDED, VOID, is_frozen, is_out, is_payable, is_signed
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import (
    AuditEntry,
    Case,
    Project,
)
from wulong_desk.store.server_errors import ForbiddenError

if TYPE_CHECKING:
    from wulong_desk.rules.breakdown import Breakdown
    from wulong_desk.rules.inputs import InputError

# the exchange settlement's figures a 重算 records beside the total (房屋价款, 应付差额)
SETTLEMENT_FIGURES = ("exchange_price", "net_payable")
RELOCK_REASON = "更正后保存，自动锁定"
# why an unsigned case was recomputed after its project's settings changed (its 重算 row)
SETTINGS_CHANGED = "项目设置已修改"


class OverpaymentError(UserError):
    """A correction would leave more paid than is owed now: saved only when confirmed (the
    case then shows 应追回)."""

    def __init__(self, case_no: str, paid: Any, due_now: Any, recover: Any):
        self.case_no, self.paid, self.due_now, self.recover = case_no, paid, due_now, recover
        super().__init__(f"更正后案卷 {case_no} 已付 {paid:,.2f} 元，超过现应付 {due_now:,.2f} 元，"
                         f"多付的 {recover:,.2f} 元应追回：请确认后再保存（保存后该户列为"
                         "“应追回”）")


class VersionConflictError(UserError):
    """Someone else saved the case after this save's form was read: nothing was written. Holds
    both versions (forms), so the user can compare them field by field and choose."""

    exit_code = 3

    def __init__(self, case_no: str, mine: dict[str, Any], theirs: dict[str, Any],
                 their_version: int):
        self.case_no = case_no
        self.mine = mine
        self.theirs = theirs
        self.their_version = their_version
        super().__init__(f"案卷 {case_no} 已被别人修改并保存（现在是第 {their_version} 版），"
                         "本次修改没有保存：请比较两个版本后选择保留哪一个")


@dataclass(frozen=True)
class Saved:
    case_id: int
    uuid: str
    ok: bool
    warnings: tuple[str, ...]
    version: int = 1


def _money_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The calc contract's fields that differ (rows added or removed included)."""
    changed = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        path = f"case.{key}"
        name = SINGLE.get(path) or LISTS.get(path) or "其他数据"  # a clerk's words, no code
        if isinstance(old, list) or isinstance(new, list):
            old_rows, new_rows = len(old or []), len(new or [])
            changed.append(f"{name}（{old_rows} 行 → {new_rows} 行）" if old_rows != new_rows
                           else name)
        else:
            changed.append(name)
    return changed


def _audit_figures(session: Session, case: Case, action: str, before: dict[str, int] | None,
                   reason: str | None, *, every_line: bool = False) -> None:
    """old → new for every changed line and total (a 重算 of an unsigned case: the total and,
    for a case with an exchange house, the settlement figures — assigning a house moves those
    and not the total; a recalculation under a new contract revision: every line)."""
    after = stored_figures(case.result)
    if before == after:
        return
    keys = list(after or before or {})
    if action == "recompute" and not every_line:
        keys = ["total"]
        if any(figures and figures["exchange_price"] for figures in (before, after)):
            keys += SETTLEMENT_FIGURES   # for a money case 应付 is the total: said once
    for key in keys:
        old = None if before is None else before.get(key)
        new = None if after is None else after.get(key)
        if old != new:
            audit.record(session, action, case, key, yuan_text(old), yuan_text(new), reason,
                         entity="result")


def _forbid(session: Session, action: str) -> None:
    """Refuse, before anything is written, what this login may not do (on the office server a
    clerk's save that marks 已审核 or goes back or over a stage: a reviewer's, see Store.may;
    the database refuses it too). A local file allows everything."""
    may = session.info.get("may")
    why = may(action) if may is not None else None
    if why:
        raise ForbiddenError(why)


def _unlock(session: Session, case: Case, reason: str) -> None:
    """解锁更正's change and its audit row: on the office server its event does both."""
    if server_events.on_server(session):
        server_events.call(session, "unlock", case.id, reason)
        set_committed_value(case, "unlocked_reason", reason)
        return
    audit.open_event(session, case, "解锁更正")
    case.unlocked_reason = reason
    audit.record(session, "unlock", case, "locked", "true", "false", reason)


def _relock(session: Session, case: Case, reason: str | None) -> None:
    """Lock an unlocked case again, audited: on the office server its event also audits old →
    new for every figure changed since the unlock (here `save_in_session` does that first)."""
    if server_events.on_server(session):
        server_events.call(session, "relock", case.id, reason)
        set_committed_value(case, "unlocked_reason", None)
        return
    case.unlocked_reason = None
    audit.record(session, "relock", case, "locked", "false", "true", reason)


def stage_events(project: Project, old: str, new: str) -> list[tuple[str, str]] | None:
    """The office server's events that take a case from stage `old` to `new` (see
    store/server_events.py), in order: None for a plain step between unsigned stages (the save
    writes it; the database checks who). Over 已审核 to a signature: back to (or over to)
    已审核 first, with the save's reason; a signature only from 已审核."""
    if not is_frozen(old) and not is_frozen(new):
        return None if new in next_stages(project, old) else [("change_stage", new)]
    steps: list[tuple[str, str]] = []
    at = old
    if not is_frozen(at) and at != "reviewed":
        steps.append(("change_stage", "reviewed"))
        at = "reviewed"
    if new == "presigned" or (new in ("signed", "moved") and at in ("reviewed", "presigned")):
        at = "presigned" if new == "presigned" else "signed"
        steps.append(("sign", at))
    if new == "moved" and at in ("signed", DECIDED):
        steps.append(("record_move", "moved"))
    return steps


def _stage_on_server(session: Session, project: Project, case: Case, old: str,
                     reason: str | None) -> None:
    """On the office server a stage change beyond a plain unsigned step is made by the audited
    events, after the rest of the save is written at the stored stage."""
    new = case.status
    steps = stage_events(project, old, new) if new != old else None
    if not steps:
        return
    moved_on = case.moved_on
    set_committed_value(case, "status", old)
    if new == "moved":   # the move's event writes its date
        history = inspect(case).attrs.moved_on.history
        stored = (history.deleted or history.unchanged or [None])[0]
        set_committed_value(case, "moved_on", None if case.id is None else stored)
    session.flush()
    for event, target in steps:
        if event == "change_stage":
            server_events.call(session, event, case.id, target, reason)
        elif event == "sign":
            server_events.call(session, event, case.id, target)
        else:   # the move, with the record a late move leaves (services/money/moves.py)
            move_on_server(session, case, moved_on)
    set_committed_value(case, "status", new)
    if new == "moved":
        set_committed_value(case, "moved_on", moved_on)


def _refuse(case: Case, what: str) -> NoReturn:
    raise CaseLockedError(f"案卷 {case.case_no}（{label(case.status)}）已锁定：不能{what}。"
                          "如确需更正，请先“解锁更正”并写明理由。")


def _presign_stage(form: Any) -> Any:
    """A case put at 预签 is a presign (revision 3's `presign`, which it keeps after it becomes
    已签约): the form says so even when its sender did not tick it."""
    if not isinstance(form, dict):
        return form
    data = form.get("case")
    if form.get("status") == "presigned" and isinstance(data, dict) and not data.get("presign"):
        return {**form, "case": {**data, "presign": True}}
    return form


WHOLE = (("owners", "persons", "至少要有一位被征收人（调查登记必填）"),
         ("case.parts", "parts", "至少要有一处房屋（调查登记必填）"))


def _check_whole(case: Case) -> None:
    """A case is saved whole or not at all: from 调查登记 on it names its household and holds a
    house (a form still being typed stays a draft, services.cases.drafts)."""
    if case.status == VOID:
        return
    missing = [Problem(path, message) for path, rows, message in WHOLE
               if not getattr(case, rows)]
    if missing:
        raise InputError(missing)


def save_in_session(session: Session, project: Project, form: dict[str, Any],
                    case: Case | None = None, *, reason: str | None = None,
                    allow_overpaid: bool = False) -> Case:
    """The one owner of a change to a case, for every path (editor, CLI, packages, survey).

    - a form that is not well formed changes nothing (InputError names every field);
    - a frozen case (预签, 已签约, 已搬迁, 作废) keeps its calculation record: a change to any
      calc input (a row added or removed included) or a step back is refused unless the case
      was unlocked for correction; its figures are never recomputed otherwise;
    - a correction recomputes, audits old → new for every changed line and total with the
      unlock reason, and locks the case again;
    - an unsigned case is recomputed, and a change of its total is audited as 重算;
    - a stage change follows the lifecycle (`services.cases.lifecycle`): back or over a stage needs
      `reason`, and the new stage's data is checked; during a correction only a plain step
      forward is allowed (never back: a signed case must not become deletable);
    - on the office server a stage change beyond a plain unsigned step, an unlock's relock and
      their audit rows are the database's audited events (store/server_events.py), run after
      the rest is written at the stored stage: nothing is flushed before (no autoflush);
    - the agreement's payment terms and payee account are locked with the figures;
    - a case taken to 已搬迁 is moved by the move event (services/money/moves.py: a move after the
      搬迁期限 forfeits after_move, audited);
    - a correction that leaves more paid than is owed now is refused (OverpaymentError)
      unless `allow_overpaid` (the user confirmed it: the case then shows 应追回).
    """
    if not server_events.on_server(session):
        return _save(session, project, form, case, reason, allow_overpaid)
    with session.no_autoflush:
        return _save(session, project, form, case, reason, allow_overpaid)


def _agreement_changed(case: Case, scratch: Case, form: dict[str, Any]) -> bool:
    return "agreement" in form and agreement_of(case) != agreement_of(scratch)


def _check_overpaid(session: Session, case: Case, allow: bool) -> None:
    """After a correction: more paid than owed now is saved only when confirmed."""
    session.flush()
    account = case_account(session, case.id)
    if account is not None and account.overpaid > 0 and not allow:
        raise OverpaymentError(case.case_no, account.paid, account.due_now, account.overpaid)


def _save(session: Session, project: Project, form: dict[str, Any], case: Case | None,
          reason: str | None, allow_overpaid: bool = False) -> Case:
    creating = case is None
    server = server_events.on_server(session)
    session.info.setdefault("form_warnings", [])
    form = _presign_stage(form)
    old_status = "surveyed" if case is None else case.status
    correcting = case is not None and is_frozen(old_status) and bool(case.unlocked_reason)
    frozen = case is not None and case.locked
    if correcting and case is not None:
        # checked before anything is touched: a correction never moves a case back
        check_correction_stage(project, case, old_status, form_to_case(form).status)
    if frozen and case is not None:
        # checked on a scratch copy first, so a refused change touches nothing
        scratch = form_to_case(form)   # raises InputError naming every field
        new_status = scratch.status
        if old_status == "presigned" and new_status in ("signed", "moved"):
            raise TransitionError(CONVERT_ONLY)
        if new_status != old_status and not (new_status in next_stages(project, old_status)
                                             and not is_out(old_status)):
            _refuse(case, f"改为{label(new_status)}")
        changed = _money_changes(case_to_contract(case), case_to_contract(scratch))
        if changed:
            _refuse(case, "修改影响补偿金额的数据（" + "、".join(changed) + "）")
        if _agreement_changed(case, scratch, form):
            _refuse(case, "修改协议约定的付款期限或收款账户")
    if case is None:
        # empty collections up front: a new case has nothing to lazy-load
        case = Case(project=project, persons=[], parts=[], equipment=[], exchange_houses=[],
                    result=None)
        if form.get("uuid"):
            case.uuid = str(form["uuid"])
        case.version_id = new_version_id()   # a new case's trail starts with it (trail_of)
        session.add(case)
        before_hash = before_version = None
        before_figures = None
    else:
        before_hash = content_hash(case_to_form(case))
        before_version = current_version(case)
        before_figures = stored_figures(case.result)
    with session.no_autoflush:
        apply_form(session, case, form)   # raises InputError (naming every field) before writing
        # an ordinary agreement takes effect when signed: written at the signing (or under
        # 解锁更正, with the signing day it corrects), never by a plain save of a locked case
        if is_payable(case.status) and not case.presign and case.decided_on is None \
                and (not is_frozen(old_status) or correcting) \
                and case.effective_on != case.signed_on:
            case.effective_on = case.signed_on
        case.case_key = case_key(case.case_no)
        _check_whole(case)
        duplicate = session.execute(
            select(Case.case_no).where(Case.project_id == project.id,
                                       Case.case_key == case.case_key,
                                       Case.id != (case.id or -1))).scalar()
    if duplicate is not None:
        same = "" if duplicate == case.case_no else f"（与「{duplicate}」只是写法不同）"
        raise UserError(f"case_no: 案卷编号 {case.case_no} 在本项目中已存在{same}")
    case.search_text = search_text_for(case)
    if not frozen:
        audit.allow_refigure(session, case)
        recompute(session, case)  # flushed with the transaction (or by the caller)
    computed = bool(case.result and case.result.ok)
    why = check_transition(project, case, old_status, case.status, None if correcting else reason,
                           computed=computed, recheck=correcting)
    if case.status == "moved" and old_status != "moved":
        audit.open_event(session, case, "登记搬迁")
        assert case.moved_on is not None   # (check_transition: 已搬迁 needs its date)
        move_in_session(session, case, case.moved_on)
    if case.status != old_status:
        if case.status == "reviewed":
            _forbid(session, "标为已审核")
        if why:
            _forbid(session, "退回或跳过阶段")
    if correcting:
        if not server:   # on the office server the relock event audits the figures itself
            _audit_figures(session, case, "correct", before_figures, case.unlocked_reason)
            _relock(session, case, RELOCK_REASON)
    elif not creating and not frozen:
        _audit_figures(session, case, "recompute", before_figures, None)
    if why and not server:   # on the office server the stage event writes it
        audit.record(session, "status", case, "status", old_status, case.status, why)
    if before_version is not None and content_hash(case_to_form(case)) != before_hash:
        descend(case, before_version)   # a save that changes nothing makes none
    if server:
        _stage_on_server(session, project, case, old_status, why)
    if correcting:
        _check_overpaid(session, case, allow_overpaid)
    if server and correcting:
        _relock(session, case, RELOCK_REASON)
    return case


def refigure_in_session(session: Session, case: Case, *, reason: str = SETTINGS_CHANGED,
                        every_line: bool = False,
                        computed: Breakdown | InputError | None = None) -> None:
    """After a project change (or for `recalc`): recompute an unsigned case, its change audited
    as 重算 (the total; with `every_line`, old → new for each line and the contract revision
    the record is computed under); a frozen case keeps its record. `computed`: the case's
    computation the caller already made (`calculation.computation`), stored as it is."""
    if is_frozen(case.status):
        return
    before = stored_figures(case.result)
    old_revision = case.result.contract_revision if case.result is not None else None
    audit.allow_refigure(session, case)
    recompute(session, case, computed)
    session.flush()
    _audit_figures(session, case, "recompute", before, reason, every_line=every_line)
    new_revision = case.result.contract_revision if case.result is not None else None
    if every_line and old_revision != new_revision:
        audit.record(session, "recompute", case, "contract_revision",
                     None if old_revision is None else str(old_revision),
                     None if new_revision is None else str(new_revision), reason,
                     entity="result")


def save_case(store: Store, project_id: int, form: dict[str, Any],
              case_id: int | None = None, *, reason: str | None = None,
              expected_version: int | None = None, allow_overpaid: bool = False) -> Saved:
    """Create (case_id None) or update a case from a form; all in one transaction.

    `expected_version` is the case's version when the form was read (the editor, a sync): if
    someone saved the case since, nothing is written and VersionConflictError holds both
    versions. A save racing another one is caught by the UPDATE itself (`WHERE version = …`,
    see models.Case), on either database."""
    try:
        with store.transaction() as session:
            project = get_project(session, project_id)
            case = get_case(session, case_id) if case_id is not None else None
            if case is not None and case.project_id != project_id:
                raise UserError("案卷不属于该项目")
            if case is not None and expected_version is not None \
                    and case.version != expected_version:
                raise VersionConflictError(case.case_no, form, case_to_form(case), case.version)
            case = save_in_session(session, project, form, case, reason=reason,
                                   allow_overpaid=allow_overpaid)
            session.flush()
            warnings = tuple(session.info.pop("form_warnings", []))
            return Saved(case.id, case.uuid, bool(case.result and case.result.ok), warnings,
                         case.version)
    except StaleDataError as exc:   # another save of this case committed in between
        assert case_id is not None
        with store.read() as session:
            case = get_case(session, case_id)
            raise VersionConflictError(case.case_no, form, case_to_form(case),
                                       case.version) from exc


def set_status(store: Store, case_id: int, status: str, *, reason: str | None = None,
               moved_on: date | None = None) -> None:
    """Move a case to another stage (through the same owner as every save)."""
    if status == "reviewed":
        store.require("标为已审核")
    with store.transaction() as session:
        case = get_case(session, case_id)
        form = case_to_form(case) | {"status": status}
        if moved_on is not None:
            form["moved_on"] = moved_on.isoformat()
        save_in_session(session, case.project, form, case, reason=reason)


def unlock_case(store: Store, case_id: int, reason: str) -> None:
    """解锁更正: allow one correction of a frozen case; the reason is required and audited."""
    store.require("解锁更正")
    reason = clean_reason(reason, "解锁更正")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if not case.locked:
            raise UserError(f"案卷 {case.case_no} 未锁定，无需解锁")
        before = version_before(case)
        _unlock(session, case, reason)
        extend_trail(case, before)


def relock_case(store: Store, case_id: int) -> None:
    """Lock an unlocked case again without a correction (e.g. the editor closed unsaved)."""
    with store.transaction() as session:
        case = get_case(session, case_id)
        if case.unlocked_reason is None:
            return
        before = version_before(case)
        _relock(session, case, None)
        extend_trail(case, before)


def void_case(store: Store, case_id: int, reason: str) -> None:
    """作废: a signed case that no longer stands is kept, marked void, left out of totals."""
    store.require("作废")
    reason = clean_reason(reason, "作废")
    with store.transaction() as session:
        void_in_session(session, get_case(session, case_id), reason)


def void_in_session(session: Session, case: Case, reason: str) -> None:
    """作废 in the caller's transaction (void_case, and a void taken in by package or sync with
    the sender's reason): one audit row 作废 (状态 old → 作废, the reason), and the version
    trail extended."""
    reason = clean_reason(reason, "作废")
    if not is_signed(case.status):
        raise UserError(f"案卷 {case.case_no} 尚未签约：误录的案卷请直接删除，不必作废")
    _forbid(session, "作废")
    before = version_before(case)
    old = case.status
    if server_events.on_server(session):   # the void event writes the change and its row
        server_events.call(session, "void", case.id, reason)
        for key, value in (("status", VOID), ("void_reason", reason), ("unlocked_reason", None)):
            set_committed_value(case, key, value)
    else:
        audit.open_event(session, case, "作废")
        case.status = VOID
        case.void_reason = reason
        case.unlocked_reason = None
        audit.record(session, "void", case, "status", old, VOID, reason,
                     tells=("status", "void_reason"))
    session.flush()
    extend_trail(case, before)


def apply_correction_in_session(session: Session, project: Project, form: dict[str, Any],
                                case: Case, reason: str) -> Case:
    """An audited correction made elsewhere (a package or a sync), taken in with the sender's
    reason: unlocked with that reason (audited), saved through save_in_session (which audits
    old → new for every changed figure and locks the case again)."""
    reason = clean_reason(reason, "解锁更正")
    if not case.locked:
        raise UserError(f"案卷 {case.case_no} 未锁定，不是更正")
    _forbid(session, "解锁更正")
    _unlock(session, case, reason)
    # the sender confirmed what it leaves to recover; the case shows 应追回 here too
    return save_in_session(session, project, form, case, allow_overpaid=True)


def delete_case(store: Store, case_id: int) -> None:
    """Remove an unsigned case entered by mistake; its full content stays in the audit trail."""
    with store.transaction() as session:
        case = get_case(session, case_id)
        if is_frozen(case.status):
            raise UserError(f"案卷 {case.case_no}（{label(case.status)}）不能删除；"
                            "已签约的案卷只能作废（须写明理由）")
        content = json.dumps(case_to_form(case), ensure_ascii=False)
        if server_events.on_server(session):   # the event keeps the form and deletes the case
            server_events.call(session, "remove_case", case.id, content)
            session.expunge(case)
            return
        audit.record(session, "remove", case, "form", content, None, None)
        session.delete(case)


def restore_removed(store: Store, entry_id: int) -> Saved:
    """Bring a deleted case back from its audit entry (a new case with the same content)."""
    with store.read() as session:
        entry = session.get(AuditEntry, entry_id)
        if entry is None or entry.action != "remove" or not entry.old:
            raise NotFoundError(f"修改记录 {entry_id} 不是删除案卷的记录")
        project_id = entry.project_id
        form = json.loads(entry.old)
        if form.get("uuid") and session.execute(
                select(Case.case_no).where(Case.uuid == form["uuid"])).first():
            raise UserError(f"案卷 {form.get('case_no')} 已经恢复过，不能再恢复一次")
    if project_id is None:
        raise NotFoundError("删除记录缺少项目")
    return save_case(store, project_id, form, reason="从修改记录恢复误删的案卷")


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    operator: str
    action: str
    entity: str
    field: str
    old: str | None
    new: str | None
    reason: str | None


def history(store: Store, case_id: int) -> list[HistoryEntry]:
    """The audit trail of one case (the case and its persons, parts, equipment), oldest first."""
    with store.read() as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        ).scalars()
        return [HistoryEntry(e.at.isoformat(sep=" ", timespec="seconds"), e.operator, e.action,
                             e.entity, e.field, e.old, e.new, e.reason) for e in entries]
