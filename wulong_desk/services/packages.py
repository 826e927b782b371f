"""Case packages: hand cases over offline as one JSON file, and take them back in — a sync
protocol that never lets an older or conflicting copy replace newer work.

Format `wulong-desk-cases/2`:
    {"format", "exported_at", "contract_revision", "standard": {"id", "sha256"},
     "project": {identity + the calc contract's project fields},
     "cases": [{"uuid", "case_no", "owners": [...], "case": {…calc contract case…},
                "title_no", "address", "remarks", "status", "moved_on", "exchange_locations",
                "version", "base", "trail", "correction_reason", "void_reason",
                "procedure": {payment term, account, dates, payments}}]}
    ("procedure" is merged beside the content, see services/procedure_sync.py)

A case's version is the hash of what it says (`services.cases.content_hash`); `base` is the
version it was made from and `trail` every earlier version it has had, oldest first.
`correction_reason` is the reason of the case's latest audited correction (解锁更正) and
`void_reason` that of its 作废: a receiver whose copy is locked takes a newer version that
changed the figures (or voided the case) as a correction (or a void) audited with that reason.

Import is all-or-nothing and idempotent; cases match by UUID. A case is applied only when the
receiver does not have it, or still holds one of the versions the incoming one was built on
(its base or an earlier one). A package holding a version the receiver has already moved past
changes nothing (kept local). Anything else is a conflict: listed, nothing imported. Every case
is applied through `services.cases.save_in_session` (the one owner of case changes), so a
signed case's figures are never changed by a package. Exporting changes nothing locally.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.exact_json import JsonTextError, parse_exact
from wulong_desk.fileio import write_atomically
from wulong_desk.rules import default_standards
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.rules.standard import StandardError
from wulong_desk.services.case_form import case_to_form, form_to_case
from wulong_desk.services.cases import (
    CONTENT_KEYS,
    TRAIL_LIMIT,
    apply_correction_in_session,
    content_hash,
    get_project,
    save_in_session,
    trail_of,
    void_in_session,
)
from wulong_desk.services.contract import CONTRACT_REVISION, case_to_contract
from wulong_desk.services.procedure_sync import case_extras, merge_extras
from wulong_desk.services.projects import create_in_session, project_to_dict, read_project_form
from wulong_desk.statuses import VOID, stage_index
from wulong_desk.store import Store
from wulong_desk.store.models import AuditEntry, Case, Project
from wulong_desk.store.server import lock_project

FORMAT = "wulong-desk-cases/2"
SYNC_REASON = "由案卷包同步（对方已逐级办理）"


def _normal(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.get(key) for key in CONTENT_KEYS}


def normalized_hash(entry: dict[str, Any]) -> str:
    """The version of an entry as the store would write it back, so a hand-written or foreign
    package compares like with like (e.g. an exchange block on a money case is dropped)."""
    return content_hash(case_to_form(form_to_case(_normal(entry))))


def _standard_of(project: Project) -> dict[str, str] | None:
    try:
        standard = default_standards().for_date(project.announced_on)
    except StandardError:
        return None
    return {"id": standard.id, "sha256": standard.sha256}


@dataclass
class ImportReport:
    project_id: int
    project_created: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)   # sync: a case that could not be taken

    def to_json(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "project_created": self.project_created,
                "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_local": self.kept_local,
                "failed": self.failed}


class ConflictError(UserError):
    exit_code = 3

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__("以下案卷在两边都有修改，未导入任何内容（请先核对后再交换）：\n"
                         + "\n".join(conflicts))


def export_cases(store: Store, project_id: int, out: Path) -> int:
    """Write a project's cases as a package. Nothing in the database changes."""
    package = build_package(store, project_id)
    write_atomically(out, json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"),
                     private=True)
    return len(package["cases"])


def build_package(store: Store, project_id: int) -> dict[str, Any]:
    """A project's cases as a package (what export writes and sync sends), read in one go."""
    with store.read() as session:
        project = get_project(session, project_id)
        corrected = {case_id: reason for case_id, reason in session.execute(
            select(AuditEntry.case_id, AuditEntry.reason)   # each case's latest correction
            .where(AuditEntry.project_id == project_id, AuditEntry.action == "correct",
                   AuditEntry.reason.is_not(None)).order_by(AuditEntry.id))}
        entries = []
        for case in session.execute(select(Case).where(Case.project_id == project_id)
                                    .order_by(Case.case_no)).scalars():
            entry = case_to_form(case)
            trail = trail_of(case)
            entry["version"] = trail[-1]
            entry["base"] = trail[-2] if len(trail) > 1 else None
            entry["trail"] = trail[:-1]
            entry["procedure"] = case_extras(session, case)
            entry["correction_reason"] = corrected.get(case.id)
            entry["void_reason"] = case.void_reason
            entries.append(entry)
        package = {"format": FORMAT,
                   "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                   "contract_revision": CONTRACT_REVISION, "standard": _standard_of(project),
                   "project": project_to_dict(project), "cases": entries}
    return package


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
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise UserError(f"不是 {FORMAT} 格式的案卷包：{path}")
    if not isinstance(package.get("project"), dict) or not isinstance(package.get("cases"),
                                                                      list):
        raise UserError("案卷包缺少 project 或 cases")
    _check_contract(package)
    _check_duplicates(package["cases"])
    return package


def _check_contract(package: dict[str, Any]) -> None:
    """The package's cases were computed under a standard and a contract revision; a receiver
    without them cannot take the cases in without silently computing something else."""
    revision = package.get("contract_revision")
    if revision != CONTRACT_REVISION:
        raise UserError(f"案卷包按计算规则第 {revision} 版制作，本机软件是第 {CONTRACT_REVISION} "
                        "版：不能导入。请双方使用同一版本的软件。")
    named = package.get("standard")
    if named is None:
        return  # the project's announcement date has no standard on the sender either
    if not isinstance(named, dict) or not isinstance(named.get("id"), str):
        raise UserError("案卷包的 standard（补偿标准）应为 {\"id\", \"sha256\"}")
    standard = default_standards().get(named["id"])
    if standard is None:
        raise UserError(f"本机没有案卷包使用的补偿标准“{named['id']}”：不能导入。"
                        "请先把该标准文件放入标准文件夹。")
    if named.get("sha256") and named["sha256"] != standard.sha256:
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
            key = case_no.strip().casefold()
            if key in seen_no:
                problems.append(Problem(f"cases[{index}].case_no", f"与第{seen_no[key] + 1}户"
                                        f"的案卷编号重复（{case_no}）"))
            seen_no.setdefault(key, index)
    if problems:
        raise InputError(_in_words(problems, entries))


def _in_words(problems: list[Problem], entries: list[Any]) -> list[Problem]:
    """`cases[i]…` problems told as 第i+1户（案卷编号）… (services.field_names)."""
    from wulong_desk.services.field_names import package_problems

    return package_problems(problems, entries)


def _hashes(raw: Any) -> list[str]:
    return [h for h in raw if isinstance(h, str)] if isinstance(raw, list) else []


def import_cases(store: Store, path: Path) -> ImportReport:
    package = _read_package(path)
    try:
        with store.transaction() as session:
            return _import(session, package)
    except InputError as exc:  # told per household in words, never by the package's codes
        raise InputError(_in_words(exc.problems, package["cases"])) from None


def _import(session: Session, package: dict[str, Any],
            conflicted: list[str] | None = None) -> ImportReport:
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
    else:
        ours = read_project_form(project_to_dict(project))
        theirs = read_project_form(incoming_project)
        differing = sorted(k for k in ours if ours[k] != theirs.get(k))
        if differing:
            raise ConflictError([f"项目 {project.name}：项目设置不一致（{'、'.join(differing)}）"])
    report = ImportReport(project.id, created_project)
    conflicts: list[str] = []
    numbers: list[str] = []   # the conflicting cases' numbers
    problems: list[Problem] = []
    for index, entry in enumerate(package["cases"]):
        if not isinstance(entry, dict) or not entry.get("uuid"):
            problems.append(Problem(f"cases[{index}]", "缺少 uuid"))
            continue
        label = f"{entry.get('case_no', '?')}（{entry['uuid']}）"
        if conflicted is not None:   # sync: one case that cannot be taken stops no other
            before = len(conflicts)   # a case in conflict is left alone, whatever it wrote
            failure = _take_alone(session, lambda found, e=entry, i=index: _import_one(
                session, project, e, i, report, conflicts, numbers, found),
                undo=lambda before=before: len(conflicts) > before)
            if failure is not None or len(conflicts) > before:   # listed once, as that
                for listed in (report.created, report.updated, report.unchanged,
                               report.kept_local):
                    if label in listed:
                        listed.remove(label)
            if failure is not None:
                report.failed.append(f"案卷 {label} 未能同步：{failure}")
                numbers.append(str(entry.get("case_no", "?")))
            continue
        _import_one(session, project, entry, index, report, conflicts, numbers, problems)
    if problems:
        raise InputError(problems)
    if conflicts and conflicted is None:
        raise ConflictError(conflicts)
    if conflicted is not None:
        conflicted.extend(numbers)
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

    from wulong_desk.errors import ServerUnreachableError
    from wulong_desk.store.server import server_error

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


def _import_one(session: Session, project: Project, entry: dict[str, Any], index: int,
                report: ImportReport, conflicts: list[str], numbers: list[str],
                problems: list[Problem]) -> None:
    """Take one case of a package in (see _import)."""
    label = f"{entry.get('case_no', '?')}（{entry['uuid']}）"
    case = session.execute(select(Case).where(Case.uuid == str(entry["uuid"]))
                           ).scalar_one_or_none()
    try:
        incoming = normalized_hash(entry)
        # the versions it was built on: its trail, its base, and the version it claims (a
        # package edited after export descends from that one)
        ancestry = _hashes(entry.get("trail")) + _hashes([entry.get("base"),
                                                          entry.get("version")])
        if case is None:
            case = save_in_session(session, project, _normal(entry) | {"uuid": entry["uuid"]},
                                   reason=SYNC_REASON)
            _take_trail(case, ancestry, incoming)
            report.created.append(label)
            extra = merge_extras(session, case, entry.get("procedure"), label, "procedure")
            if extra:
                conflicts += extra
                numbers.append(str(entry.get("case_no", "?")))
            return
        if case.project_id != project.id:
            conflicts.append(f"{label}：该案卷在本机属于另一个项目")
            numbers.append(str(entry.get("case_no", "?")))
            return
        ours = trail_of(case)
        local = ours[-1]
        if local == incoming:
            report.unchanged.append(label)
        elif local in ancestry:   # built on the version we hold: take theirs
            status = str(entry.get("status") or "")
            if status != VOID and stage_index(status) < stage_index(case.status):
                conflicts.append(f"{label}：对方把案卷退回了较早的阶段（退回须在本机写明理由）")
                numbers.append(str(entry.get("case_no", "?")))
                return
            _take_version(session, project, case, entry)
            _take_trail(case, ancestry + ours, incoming)
            report.updated.append(label)
        elif incoming in ours:    # a version we have already moved past: keep ours
            report.kept_local.append(label)
        else:
            conflicts.append(f"{label}：两边都有修改（对方的版本不是基于本机现有的版本）")
            numbers.append(str(entry.get("case_no", "?")))
            return
        extra = merge_extras(session, case, entry.get("procedure"), label, "procedure")
        if extra:
            conflicts += extra
            numbers.append(str(entry.get("case_no", "?")))
    except InputError as exc:
        problems.extend(exc.prefixed(f"cases[{index}].").problems)
    except UserError as exc:
        problems.append(Problem(f"cases[{index}]", f"{label}：{exc}"))


def _take_version(session: Session, project: Project, case: Case,
                  entry: dict[str, Any]) -> None:
    """Take a newer version of a case in, through the one owner of case changes: on a locked
    case a change of the figures is taken as the sender's audited correction and a 作废 as
    the sender's void, each with the sender's reason; anything else as a plain save."""
    form = _normal(entry)
    voiding = form.get("status") == VOID and case.status != VOID
    void_reason = entry.get("void_reason")
    if voiding and (not isinstance(void_reason, str) or not void_reason.strip()):
        raise UserError(f"案卷 {case.case_no}：对方已作废该案卷，但案卷包没有写明作废理由，"
                        "不能在本机作废")
    if voiding:
        form = form | {"status": case.status}   # the rest first, then the void
    reason = entry.get("correction_reason")
    if case.locked and isinstance(reason, str) and reason.strip() and \
            case_to_contract(case) != case_to_contract(form_to_case(form)):
        apply_correction_in_session(session, project, form, case, reason)
    else:
        save_in_session(session, project, form, case, reason=SYNC_REASON)
    if voiding:
        void_in_session(session, case, str(void_reason))


def _take_trail(case: Case, ancestry: list[str], version: str) -> None:
    """After taking a version in: remember every version it was built on (deduplicated)."""
    trail = [h for h in dict.fromkeys([*ancestry, version]) if h != version]
    case.version_trail = json.dumps([*trail, version][-TRAIL_LIMIT:])
