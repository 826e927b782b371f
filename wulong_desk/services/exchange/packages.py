"""Case packages: hand cases over offline as one JSON file, and take them back in — a sync
protocol in which nothing old overwrites anything new and nothing from outside corrects or
signs a case by itself (docs/exchange.md says it for people).

Format `wulong-desk-cases/4`:
    {"format", "exported_at", "exported_by", "contract_revision",
     "standard": {"id", "sha256"},
     "project": {identity (default payment terms included) + the calc contract's project
                 fields},
     "decision": {"state", "made_on", "announced_on", "number" | "on", "number", "reason"},
     "cases": [{"uuid", "case_no", "owners": [...], "case": {…calc contract case…},
                "title_no", "address", "remarks", "status", "moved_on", "exchange_locations",
                "agreement": {payment terms, payee account},
                "version", "trail", "correction_reason", "correction_by", "void_reason",
                "procedure": {dates, payments, agreement number},
                "money_events": [{"uuid", "kind", "on", "months", "late", "amount", "reason",
                                  "by", "at", "inferred"}],
                "path": {"converted_on", "formal_values", "decisions", "revaluations"}}]}
    ("procedure" is merged beside the content, see services/exchange/procedure_sync.py; "decision"
    and "path" — the decision path: the project's decision or termination, a case's conversion,
    formal values, 补偿决定 and re-valuations — are taken by running their events, see
    services/exchange/path_sync.py; a `wulong-desk-cases/3` package, without them, is still read)

Money events (issue 26, `money_events`): a signed case's move and the delays of its exchange
house change its figures through their own audited events (services/money/moves.py), never as a
correction. A version whose only money difference from ours is explained by them is taken by
running the same events here: its move (已签约 → 已搬迁: a late one forfeits after_move by our
own 搬迁期限, which the project settings share) and each of its delays we do not hold (by uuid)
whose months add up exactly to the difference — never twice. A delay is a reviewer's: a login
that may not do it gets a proposal (逾期交房加付待确认). A package of format /3 is still read: its
cases carry no events (a move still travels by its stage and date; a delay then is a
correction), its payment term and account are free text (services/exchange/procedure_sync.py).

`version` is the id of the case's current version — a fresh id for each saved change
(`services.cases.changes.current_version`), never a hash of the content, so a case edited back to
what it said before is a newer version — and `trail` the ids it descends from, oldest first.

Import is idempotent; cases match by UUID (and a number that is another case's here, under
the normalised key, is refused). For each case, with L our current version and T our trail:
- its version is L: unchanged;
- its version is in T (we have been there and moved on): kept local;
- L is in its trail (it was built on what we hold): taken — unless it is something the
  receiving login may not do by itself (below), which becomes a proposal;
- it says exactly what our case says: unchanged (its id is remembered as the same version);
- anything else is a conflict: listed, nothing imported (a sync leaves that one case alone).

Outside input never outranks the receiver (`_refusal`): a stage goes only forward by the
lifecycle's plain steps; a case enters a signed stage (预签, 已签约, 已搬迁) from a package or
from the office server only if our copy was signed already (a sync's push: by the server's
role rules, which let any login sign); passing 已审核 needs a login that may review; and a
signed case's figures change from outside only as a correction — from a package or into a
local file always a proposal, from a push only for a login that may 解锁更正. A proposal keeps
the whole version untouched in `proposals` until a reviewer accepts it (applied then through
`services.cases.changes`, audited as theirs and naming the sender) or refuses it
(`services.exchange.proposals`).

A package of the previous format (`wulong-desk-cases/2`, versions named by content hash) is
still read, but a hash cannot tell A → B → A from A: its case is taken only when it is new
here or says exactly what ours says; any other difference is a conflict. A package without a
standard is refused. Exporting changes nothing locally and streams: the file is written a
case at a time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload

from wulong_desk.errors import ServerUnreachableError, UserError
from wulong_desk.exact_json import JsonTextError, parse_exact
from wulong_desk.fileio import write_streamed
from wulong_desk.invisible import case_key
from wulong_desk.rules import default_standards
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.rules.standard import StandardError
from wulong_desk.services.cases.calculation import stored_figures, yuan_text
from wulong_desk.services.cases.changes import (
    apply_correction_in_session,
    save_in_session,
    void_in_session,
)
from wulong_desk.services.cases.contract import CONTRACT_REVISION, case_to_contract
from wulong_desk.services.cases.form import case_to_form, form_to_case
from wulong_desk.services.cases.history import label
from wulong_desk.services.cases.lifecycle import label as stage_label
from wulong_desk.services.cases.lifecycle import next_stages
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.cases.versions import (
    CONTENT_KEYS,
    TRAIL_LIMIT,
    content_hash,
    current_version,
    trail_of,
)
from wulong_desk.services.exchange.events_sync import (
    Explained,
    delay_in_session,
    explain_events,
    explain_new,
    keep_events,
    money_events_of,
)
from wulong_desk.services.exchange.package_problems import package_problems
from wulong_desk.services.exchange.path_sync import (
    apply_events,
    base_form,
    case_path,
    merge_project,
    pending_events,
    project_path,
    their_state,
)
from wulong_desk.services.exchange.procedure_sync import case_extras, merge_extras
from wulong_desk.services.projects.project import (
    DECISION_FIELDS,
    create_in_session,
    project_to_dict,
    read_project_form,
)
from wulong_desk.statuses import VOID, is_frozen, is_signed, stage_index
from wulong_desk.store import Store
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import AuditEntry, Case, Project, Proposal
from wulong_desk.store.server import lock_project
from wulong_desk.store.server_errors import ForbiddenError, server_error

FORMAT = "wulong-desk-cases/4"
PREVIOUS_FORMAT = "wulong-desk-cases/3"   # read: without money events or the decision path
OLD_FORMAT = "wulong-desk-cases/2"   # read: versions are content hashes (see the module)
SYNC_REASON = "由案卷包同步（对方已逐级办理）"
EXPORT_BATCH = 500   # cases read at a time while a package is written


def _normal(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.get(key) for key in CONTENT_KEYS}


def normalized_hash(entry: dict[str, Any]) -> str:
    """What an entry says, hashed as the store would write it back, so a hand-written or
    foreign package compares like with like (e.g. an exchange block on a money case is
    dropped)."""
    return content_hash(case_to_form(form_to_case(_normal(entry))))


def _standard_of(project: Project) -> dict[str, str] | None:
    try:
        standard = default_standards().for_date(project.announced_on)
    except StandardError:
        return None
    return {"id": standard.id, "sha256": standard.sha256}


@dataclass(frozen=True)
class Receiver:
    """Who takes a package in, and by which way: `via` is "package" (a file), "push" (a
    laptop's sync, taken in by the office server under the login's role) or "pull" (the
    server's cases, taken into the laptop's file)."""

    via: str = "package"
    may_review: bool = True    # this login may mark 已审核
    may_correct: bool = True   # this login may correct a signed case (解锁更正)
    may_decide: bool = True    # this login may record the project's decision (an admin)


def receiver_of(store: Store, via: str = "package") -> Receiver:
    return Receiver(via, store.may("标为已审核") is None, store.may("解锁更正") is None,
                    store.may("作出征收决定", admin=True) is None)


@dataclass
class ImportReport:
    project_id: int
    project_created: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)   # sync: a case that could not be taken
    proposed: list[str] = field(default_factory=list)   # 待确认: what, why, figures

    def to_json(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "project_created": self.project_created,
                "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_local": self.kept_local,
                "failed": self.failed, "proposed": self.proposed}


class ConflictError(UserError):
    exit_code = 3

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__("以下案卷在两边都有修改，未导入任何内容（请先核对后再交换）：\n"
                         + "\n".join(conflicts))


def export_cases(store: Store, project_id: int, out: Path) -> int:
    """Write a project's cases as a package, a case at a time (memory stays small for any
    number of cases). Nothing in the database changes."""
    with store.read() as session:
        head = _package_head(store, get_project(session, project_id))
        counted = [0]

        def chunks() -> Iterator[bytes]:
            text = json.dumps(head, ensure_ascii=False, indent=1)
            yield text[:text.rindex("]")].encode("utf-8")   # ... "cases": [
            for entry in package_entries(session, project_id):
                yield (("\n" if counted[0] == 0 else ",\n")
                       + json.dumps(entry, ensure_ascii=False)).encode("utf-8")
                counted[0] += 1
            yield b"\n]\n}\n"

        write_streamed(out, chunks(), private=True)
    return counted[0]


def _package_head(store: Store, project: Project) -> dict[str, Any]:
    return {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exported_by": store.operator or "", "contract_revision": CONTRACT_REVISION,
            "standard": _standard_of(project), "project": project_to_dict(project),
            "decision": project_path(project), "cases": []}


def build_package(store: Store, project_id: int) -> dict[str, Any]:
    """A project's cases as a package in memory (what a sync sends)."""
    with store.read() as session:
        package = _package_head(store, get_project(session, project_id))
        package["cases"] = list(package_entries(session, project_id))
    return package


def package_entries(session: Session, project_id: int) -> Iterator[dict[str, Any]]:
    """Each case of a project as a package entry, in case-number order, read a batch at a time
    (the session forgets each batch once it is written)."""
    corrected: dict[int, tuple[str, str]] = {
        case_id: (reason, operator) for case_id, reason, operator in session.execute(
            select(AuditEntry.case_id, AuditEntry.reason, AuditEntry.operator)
            .where(AuditEntry.project_id == project_id, AuditEntry.action == "correct",
                   AuditEntry.reason.is_not(None)).order_by(AuditEntry.id))}
    ids = list(session.execute(select(Case.id).where(Case.project_id == project_id)
                               .order_by(Case.case_no)).scalars())
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start:start + EXPORT_BATCH]
        events = money_events_of(session, batch)
        loaded = {case.id: case for case in session.execute(
            select(Case).where(Case.id.in_(batch)).options(
                selectinload(Case.persons), selectinload(Case.parts),
                selectinload(Case.equipment), selectinload(Case.exchange_houses),
                selectinload(Case.decisions))).scalars()}
        for case_id in batch:
            case = loaded[case_id]
            entry = case_to_form(case)
            trail = trail_of(case)
            entry["version"] = trail[-1]
            entry["trail"] = trail[:-1]
            entry["procedure"] = case_extras(session, case)
            reason, by = corrected.get(case.id, (None, None))
            entry["correction_reason"] = reason
            entry["correction_by"] = by
            entry["void_reason"] = case.void_reason
            entry["money_events"] = events.get(case.id, [])
            entry["path"] = case_path(session, case)
            yield entry
        session.expunge_all()


def _read_package(path: Path) -> dict[str, Any]:
    try:
        package = parse_exact(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UserError(f"找不到案卷包：{path}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"案卷包不是 UTF-8 编码的文件：{path}") from exc
    except OSError as exc:
        raise UserError(f"无法读取案卷包 {path}：{exc.strerror or exc}") from exc
    except JsonTextError as exc:
        raise UserError(f"案卷包不是有效的 JSON 文件：{path}（{exc}）") from exc
    if isinstance(package, dict) and package.get("format") == "wulong-desk-cases/1":
        raise UserError(f"案卷包是旧格式（wulong-desk-cases/1），不带案卷的版本信息，不能安全导入："
                        f"{path}。请对方用新版软件重新导出。")
    if not isinstance(package, dict) or package.get("format") not in (FORMAT, PREVIOUS_FORMAT,
                                                                      OLD_FORMAT):
        raise UserError(f"不是 {FORMAT} 格式的案卷包：{path}")
    if not isinstance(package.get("project"), dict) or not isinstance(package.get("cases"),
                                                                      list):
        raise UserError("案卷包缺少 project 或 cases")
    _check_contract(package)
    _check_duplicates(package["cases"])
    return package


def _check_contract(package: dict[str, Any]) -> None:
    """The package's cases were computed under a standard and a contract revision; a receiver
    without them cannot take the cases in without silently computing something else. A package
    that names no standard is refused: nothing would tell what its figures were computed by."""
    revision = package.get("contract_revision")
    if revision != CONTRACT_REVISION:
        raise UserError(f"案卷包按计算规则第 {revision} 版制作，本机软件是第 {CONTRACT_REVISION} "
                        "版：不能导入。请双方使用同一版本的软件。")
    named = package.get("standard")
    if named is None:
        raise UserError("案卷包没有写明使用的补偿标准（standard）：无法核对计算依据，不能导入。"
                        "请对方用本软件重新导出（项目的征收决定公告日须在某个补偿标准的适用期内）。")
    if not isinstance(named, dict) or not isinstance(named.get("id"), str) \
            or not isinstance(named.get("sha256"), str):
        raise UserError("案卷包的 standard（补偿标准）应为 {\"id\", \"sha256\"}")
    standard = default_standards().get(named["id"])
    if standard is None:
        raise UserError(f"本机没有案卷包使用的补偿标准“{named['id']}”：不能导入。"
                        "请先把该标准文件放入标准文件夹。")
    if named["sha256"] != standard.sha256:
        raise UserError(f"本机的补偿标准“{named['id']}”与案卷包使用的不是同一份文件"
                        "（文件指纹不同）：不能导入。请核对标准文件。")


def _check_duplicates(entries: list[Any]) -> None:
    seen_uuid: dict[str, int] = {}
    seen_no: dict[str, int] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        uuid, case_no = entry.get("uuid"), entry.get("case_no")
        if isinstance(uuid, str) and uuid:
            if uuid in seen_uuid:
                problems.append(Problem(f"cases[{index}].uuid", f"与第{seen_uuid[uuid] + 1}户"
                                        "的案卷标识相同：一个案卷包里每户只能出现一次"))
            seen_uuid.setdefault(uuid, index)
        if isinstance(case_no, str) and case_no:
            key = case_key(case_no)
            if key in seen_no:
                problems.append(Problem(f"cases[{index}].case_no", f"与第{seen_no[key] + 1}户"
                                        f"的案卷编号重复（{case_no}）"))
            seen_no.setdefault(key, index)
    if problems:
        raise InputError(_in_words(problems, entries))


def _in_words(problems: list[Problem], entries: list[Any]) -> list[Problem]:
    """`cases[i]…` problems told as 第i+1户（案卷编号）… (services.cases.field_names)."""
    return package_problems(problems, entries)


def _hashes(raw: Any) -> list[str]:
    return [h for h in raw if isinstance(h, str)] if isinstance(raw, list) else []


def import_cases(store: Store, path: Path) -> ImportReport:
    """Take a package in, all or nothing (a conflict imports nothing). What the receiving login
    may not take by itself is kept as a proposal (report.proposed; the CLI exits 4)."""
    package = _read_package(path)
    try:
        with store.transaction() as session:
            return _import(session, package, receiver=receiver_of(store))
    except InputError as exc:  # told per household in words, never by the package's codes
        raise InputError(_in_words(exc.problems, package["cases"])) from None


@dataclass
class _Run:
    """One package being taken in: its project, where it goes, what has been found."""

    session: Session
    project: Project
    receiver: Receiver
    legacy: bool
    sender: str
    report: ImportReport
    conflicts: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)   # the conflicting cases' numbers

    def conflict(self, label: str, why: str, entry: dict[str, Any]) -> None:
        self.conflicts.append(f"{label}：{why}")
        self.numbers.append(str(entry.get("case_no", "?")))


def _import(session: Session, package: dict[str, Any], conflicted: list[str] | None = None,
            receiver: Receiver | None = None) -> ImportReport:
    """Take a package in. With `conflicted` (sync), a case changed on both sides is listed
    there by its number and left alone on both sides, and the others are still taken."""
    incoming_project = package["project"]
    lock_project(session, incoming_project.get("uuid"))   # one import or sync at a time
    project = None
    if incoming_project.get("uuid"):
        project = session.execute(select(Project).where(
            Project.uuid == str(incoming_project["uuid"]))).scalar_one_or_none()
    created_project = project is None
    if project is None:
        project = create_in_session(session, incoming_project)
    receiver = receiver or Receiver()
    path_conflicts = merge_project(session, project, package, may_decide=receiver.may_decide)
    if path_conflicts:
        raise ConflictError(path_conflicts)
    if not created_project:
        ours = read_project_form(project_to_dict(project))
        theirs = read_project_form(incoming_project)
        ahead = project.decision_state != their_state(package)   # ours decided, theirs not yet
        # (a package of format /3 says nothing of the default payment terms)
        differing = sorted(k for k in ours if ours[k] != theirs.get(k)
                           and not (ahead and k in DECISION_FIELDS)
                           and (k != "payment_terms" or k in theirs))
        if differing:
            raise ConflictError([f"项目 {project.name}：项目设置不一致（{'、'.join(differing)}）"])
    sender = package.get("exported_by")
    run = _Run(session, project, receiver,
               package.get("format") == OLD_FORMAT,
               sender.strip()[:100] if isinstance(sender, str) and sender.strip() else "",
               ImportReport(project.id, created_project))
    report = run.report
    problems: list[Problem] = []
    for index, entry in enumerate(package["cases"]):
        if not isinstance(entry, dict) or not entry.get("uuid"):
            problems.append(Problem(f"cases[{index}]", "缺少 uuid"))
            continue
        label = f"{entry.get('case_no', '?')}（{entry['uuid']}）"
        if conflicted is not None:   # sync: one case that cannot be taken stops no other
            before = len(run.conflicts)   # a case in conflict is left alone, whatever it wrote
            failure = _take_alone(session, lambda found, e=entry, i=index: _import_one(
                run, e, i, found), undo=lambda before=before: len(run.conflicts) > before)
            if failure is not None or len(run.conflicts) > before:   # listed once, as that
                for listed in (report.created, report.updated, report.unchanged,
                               report.kept_local, report.proposed):
                    for line in [x for x in listed if x.startswith(label)]:
                        listed.remove(line)
            if failure is not None:
                report.failed.append(f"案卷 {label} 未能同步：{failure}")
                run.numbers.append(str(entry.get("case_no", "?")))
            continue
        _import_one(run, entry, index, problems)
    if problems:
        raise InputError(problems)
    if run.conflicts and conflicted is None:
        raise ConflictError(run.conflicts)
    if conflicted is not None:
        conflicted.extend(run.numbers)
    return report


class _LeftAlone(Exception):
    """Leaves a case's savepoint undone: the case is in conflict (not a failure)."""


def _take_alone(session: Session, take: Any, undo: Any = lambda: False) -> str | None:
    """Run one case's import on its own, in a savepoint (on PostgreSQL and on a SQLite file
    alike, see store.database): a case that fails half-way leaves nothing of itself behind,
    and on PostgreSQL a refused statement does not abort the whole transaction. When undo()
    says so once it has run (a conflict found, e.g. in its procedure data, after the case was
    written), its writes are undone too. Returns its failure, in words, or None. An error of
    the SQLite file itself (a full disk) is no one case's failure: it stops the whole
    transaction."""
    from sqlalchemy.exc import DBAPIError

    problems: list[Problem] = []
    try:
        with session.begin_nested():
            take(problems)
            if problems:   # leave the savepoint by an error, so its writes are undone
                raise InputError(list(problems))
            if undo():
                raise _LeftAlone
    except _LeftAlone:
        return None
    except InputError as exc:
        return "；".join(p.message for p in exc.problems)
    except UserError as exc:
        return str(exc)
    except DBAPIError as exc:
        if session.get_bind().dialect.name != "postgresql":
            raise
        mapped = server_error(exc, "")
        if mapped is exc or isinstance(mapped, ServerUnreachableError):
            raise   # the server went away: not this case's failure (the store says it)
        return str(mapped)
    return None


def _import_one(run: _Run, entry: dict[str, Any], index: int,
                problems: list[Problem]) -> None:
    """Take one case of a package in (see the module's rules)."""
    session, report = run.session, run.report
    label = f"{entry.get('case_no', '?')}（{entry['uuid']}）"
    case = session.execute(select(Case).where(Case.uuid == str(entry["uuid"]))
                           ).scalar_one_or_none()
    try:
        said = normalized_hash(entry)
        incoming = said if run.legacy else entry.get("version")
        if not isinstance(incoming, str) or not incoming or len(incoming) > 64:
            raise UserError("案卷包缺少有效的版本标识（version）")
        ancestry = [] if run.legacy else _hashes(entry.get("trail"))
        earlier = _earlier(session, entry, incoming, said)
        if case is not None and case.project_id != run.project.id:
            run.conflict(label, "该案卷在本机属于另一个项目", entry)
            return
        if earlier is not None and earlier.state in ("pending", "rejected"):
            _told_again(report, earlier, label)
            return
        if case is None:
            if _take(run, None, entry, incoming, ancestry, label):
                report.created.append(label)
            return
        local = current_version(case)
        ours = trail_of(case)
        same = content_hash(case_to_form(case)) == said
        if incoming == local and not same and not run.legacy:
            # edited by hand after it was exported: a version built on the one it names
            edited = hashlib.sha256(f"{incoming}:{said}".encode()).hexdigest()[:32]
            if _take(run, case, entry, edited, [*ancestry, incoming], label):
                report.updated.append(label)
            return
        if incoming == local:
            report.unchanged.append(label)
        elif run.legacy:
            if not same:
                run.conflict(label, f"对方的案卷包是旧格式（{OLD_FORMAT}），它的版本不能说明"
                             "先后；两边内容不同，未导入。请对方用新版软件重新导出后再交换", entry)
                return
            report.unchanged.append(label)
        elif incoming in ours:
            if local in ancestry:
                run.conflict(label, "两边的版本记录互相矛盾，无法判断哪边更新", entry)
                return
            (report.unchanged if same else report.kept_local).append(label)
        elif local in ancestry:   # built on the version we hold
            if _take(run, case, entry, incoming, ancestry, label):
                report.updated.append(label)
            return
        elif same:   # the same words reached by two ways: one version, remembered as such
            _remember(case, incoming)
            report.unchanged.append(label)
        else:
            run.conflict(label, "两边都有修改（对方的版本不是基于本机现有的版本）", entry)
            return
        _merge(run, case, entry, label)
    except InputError as exc:
        problems.extend(exc.prefixed(f"cases[{index}].").problems)
    except UserError as exc:
        problems.append(Problem(f"cases[{index}]", f"{label}：{exc}"))


def _earlier(session: Session, entry: dict[str, Any], version: str,
             said: str) -> Proposal | None:
    """This very version (its id and what it says) kept as a proposal before, if it was."""
    for proposal in session.execute(select(Proposal).where(
            Proposal.case_uuid == str(entry["uuid"]), Proposal.version_id == version)
            .order_by(Proposal.id.desc())).scalars():
        if normalized_hash(json.loads(proposal.entry_json)) == said:
            return proposal
    return None


def _supersede(session: Session, case: Case) -> None:
    """Another version of the case was taken in: what waited for it can no longer apply."""
    for proposal in session.execute(select(Proposal).where(
            Proposal.case_uuid == case.uuid, Proposal.state == "pending")).scalars():
        proposal.state = "superseded"
        proposal.decided_at = now_utc()
        proposal.decision_reason = "之后已导入这一户的其他版本"


def _told_again(report: ImportReport, earlier: Proposal, label: str) -> None:
    """A version already kept as a proposal: listed again while it waits, else kept local."""
    if earlier.state == "pending":
        report.proposed.append(f"{label}：{earlier.what}（已在待确认列表中，编号 {earlier.id}）")
    elif earlier.state == "rejected":
        report.kept_local.append(f"{label}（对方的这个版本已被拒绝）")
    else:
        report.unchanged.append(label)


def _merge(run: _Run, case: Case, entry: dict[str, Any], label: str) -> None:
    extra = merge_extras(run.session, case, entry.get("procedure"), label, "procedure")
    if extra:
        run.conflicts.extend(extra)
        run.numbers.append(str(entry.get("case_no", "?")))


def _plain_steps(project: Project, start: str, end: str) -> bool:
    """Can `end` be reached from `start` by the lifecycle's plain steps forward?"""
    seen, todo = {start}, [start]
    while todo:
        for after in next_stages(project, todo.pop()):
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return end in seen


def _refusal(run: _Run, case: Case | None, entry: dict[str, Any]) -> tuple[str, str] | None:
    """Why the receiving login may not take this version in by itself — (kind, in words) — or
    None. Raises UserError for a stage no lifecycle step reaches."""
    project, receiver = run.project, run.receiver
    events = pending_events(case, entry.get("path"))
    if events:   # the decision path's events: a reviewer's, like a correction
        if receiver.via == "push" and receiver.may_correct:
            return None
        return ("path", "程序事件待确认：" + "、".join(events))
    old = case.status if case is not None else None
    start = old or "surveyed"
    new = str(entry.get("status") or "surveyed")
    if new != VOID and new != start:
        if stage_index(new) < stage_index(start):
            raise _Backwards
        if not _plain_steps(project, start, new):
            raise UserError(f"对方的案卷从{stage_label(start)}到{stage_label(new)}，"
                            "不是生命周期中按顺序的步骤，不能导入")
        if is_signed(new) and not is_signed(old) and receiver.via != "push":
            return ("stage", f"签约待确认：对方的案卷已是{stage_label(new)}，本机是"
                    f"{stage_label(old) if old else '（没有这一户）'}")
        if stage_index(start) < stage_index("reviewed") <= stage_index(new) \
                and not receiver.may_review:
            return ("stage", f"审核待确认：对方的案卷已是{stage_label(new)}，经过已审核，"
                    "当前登录不能标为已审核")
    if case is not None and case.locked:
        explained = explain_events(case, entry)
        # a delay changes signed figures: taken from outside as a correction is
        if explained.delays and (receiver.via != "push" or not receiver.may_correct):
            return ("correction", "逾期交房加付待确认")
        entry = explained.entry
    if case is not None and case.locked and \
            case_to_contract(case) != case_to_contract(form_to_case(_normal(entry))):
        reason = entry.get("correction_reason")
        if not isinstance(reason, str) or not reason.strip():
            return None   # no correction: save_in_session refuses the money change, naming it
        if receiver.via != "push" or not receiver.may_correct:
            return ("correction", "更正待确认")
    return None


class _Backwards(Exception):
    """The sender moved the case back: a conflict (a step back is written down here)."""


def _take(run: _Run, case: Case | None, entry: dict[str, Any], incoming: str,
          ancestry: list[str], label: str) -> bool:
    """Take a newer (or new) version in, or keep it as a proposal. True when taken."""
    try:
        refusal = _refusal(run, case, entry)
    except _Backwards:
        run.conflict(label, "对方把案卷退回了较早的阶段（退回须在本机写明理由）", entry)
        return False
    if refusal is not None:
        _propose(run, case, entry, incoming, *refusal, label)
        return False
    ours = trail_of(case) if case is not None else []
    case = apply_version(run.session, run.project, case, entry, SYNC_REASON)
    take_trail(case, [*ancestry, *ours], incoming)
    if run.receiver.may_review:   # (on the server only a reviewer changes a proposal)
        _supersede(run.session, case)
    _merge(run, case, entry, label)
    return True


def apply_version(session: Session, project: Project, case: Case | None,
                  entry: dict[str, Any], reason: str) -> Case:
    """Write a version from outside through the one owner of case changes: a new case is
    created; on a locked case a change of the figures is taken as the sender's audited
    correction and a 作废 as the sender's void, each with the sender's reason; anything else
    as a plain save (a stage change audited with `reason`)."""
    form = _normal(entry)
    path = entry.get("path")
    if (case is None or not is_frozen(case.status)) and pending_events(case, path):
        # new here, or not yet signed here: brought to the stage before the events the sender
        # ran (预签 before its conversion, 已审核 before its decision, signed before a 重新估价),
        # then through them — each event's own checks hold, as they did for the sender
        # (without its delays: they run after, as the sender ran them — explain_events below)
        base = base_form(_normal(explain_new(entry).entry), path)
        case = save_in_session(session, project, base | {"uuid": entry["uuid"]}, case,
                               reason=reason)
        session.flush()
    if case is None:
        born = explain_new(entry)   # its delays run after the save, as the sender ran them
        form = _normal(born.entry)
        made = save_in_session(session, project, form | {"uuid": entry["uuid"]}, reason=reason)
        session.flush()
        for delay in born.delays:
            delay_in_session(session, made, delay)
        keep_events(session, made, entry)
        return made
    apply_events(session, project, case, entry)
    explained = explain_events(case, entry) if case.locked else Explained(entry, [])
    form = _normal(explained.entry)
    voiding = form.get("status") == VOID and case.status != VOID
    void_reason = entry.get("void_reason")
    if voiding and (not isinstance(void_reason, str) or not void_reason.strip()):
        raise UserError(f"案卷 {case.case_no}：对方已作废该案卷，但案卷包没有写明作废理由，"
                        "不能在本机作废")
    if voiding:
        form = form | {"status": case.status}   # the rest first, then the void
    correction = entry.get("correction_reason")
    if case.locked and isinstance(correction, str) and correction.strip() and \
            case_to_contract(case) != case_to_contract(form_to_case(form)):
        apply_correction_in_session(session, project, form, case, correction)
    else:
        save_in_session(session, project, form, case, reason=reason)
    for delay in explained.delays:   # (after the move the save made, if any)
        delay_in_session(session, case, delay)
    if voiding:
        void_in_session(session, case, str(void_reason))
    return case


class _Undo(Exception):
    pass


def _propose(run: _Run, case: Case | None, entry: dict[str, Any], incoming: str, kind: str,
             what: str, label: str) -> None:
    """Keep a version as a proposal: checked by applying it in a savepoint that is then undone
    (so a proposal that could never be applied is refused now, and the figures it would move
    are known), nothing of it kept."""
    session = run.session
    earlier = _earlier(session, entry, incoming, normalized_hash(entry))
    if earlier is not None and earlier.state in ("pending", "rejected"):   # the same again
        _told_again(run.report, earlier, label)
        return
    base = current_version(case) if case is not None else None
    before = stored_figures(case.result) if case is not None else None
    after: dict[str, int] | None = None
    tried = True
    try:
        with session.begin_nested():
            applied = apply_version(session, run.project, case, entry, SYNC_REASON)
            session.flush()
            after = stored_figures(applied.result)
            raise _Undo
    except _Undo:
        pass
    except (DBAPIError, ForbiddenError):   # the office server refuses this login even the
        tried = False    # trial (the app's role check or its guards): the reviewer's acceptance
        #                  will check it
    figures = _moved(before, after) if tried else []
    reason = entry.get("correction_reason") if kind == "correction" else None
    sender = str(entry.get("correction_by") or "") if kind == "correction" else ""
    proposal = Proposal(
        project_id=run.project.id, case_uuid=str(entry["uuid"]),
        case_no=str(entry.get("case_no") or "")[:50], kind=kind, version_id=incoming,
        base_version=base,
        entry_json=json.dumps(entry, ensure_ascii=False),
        sender=(sender or run.sender or "对方")[:100],
        reason=str(reason or ""), what=what, figures_json=json.dumps(figures, ensure_ascii=False),
        state="pending", created_at=now_utc())
    session.add(proposal)
    session.flush()
    run.report.proposed.append(f"{label}：{proposal_words(proposal)}（待确认编号 {proposal.id}）")


def _moved(before: dict[str, int] | None, after: dict[str, int] | None) -> list[list[str]]:
    """The figures that would move, [label, old, new] in yuan ("" for none)."""
    moved = []
    # a household new here: its total (every line would "move" from nothing)
    keys = ["total"] if before is None and after is not None else list(after or before or {})
    for key in keys:
        old = None if before is None else before.get(key)
        new = None if after is None else after.get(key)
        if old != new:
            moved.append([label("result", key), yuan_text(old) or "", yuan_text(new) or ""])
    return moved


def proposal_words(proposal: Proposal) -> str:
    """A proposal in a clerk's words: what, the sender's reason, the figures that would move."""
    text = proposal.what
    if proposal.reason:
        text += f"；{proposal.sender}的理由：「{proposal.reason}」"
    elif proposal.sender:
        text += f"；来自{proposal.sender}"
    figures = json.loads(proposal.figures_json or "[]")
    if figures:
        text += "；将变动：" + "、".join(
            f"{name} {old or '（无）'} → {new or '（无）'}" for name, old, new in figures)
    return text


def _remember(case: Case, version: str) -> None:
    """Another computer's id for the version we hold (it says the same): kept in our trail
    just before our own, so its later versions are seen to descend from ours."""
    trail = trail_of(case)
    case.version_trail = json.dumps([*trail[:-1], version, trail[-1]][-TRAIL_LIMIT:])


def take_trail(case: Case, ancestry: list[str], version: str) -> None:
    """After taking a version in: it is our current version (its id), descending from every
    version it was built on and every version we had (deduplicated)."""
    trail = [h for h in dict.fromkeys([*ancestry, version]) if h != version]
    case.version_id = version
    case.version_trail = json.dumps([*trail, version][-TRAIL_LIMIT:])
