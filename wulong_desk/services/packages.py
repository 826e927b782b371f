"""Case packages: hand cases over offline as one JSON file, and take them back in.

Format `wulong-desk-cases/1`:
    {"format", "exported_at", "project": {identity + the calc contract's project fields},
     "cases": [{"uuid", "case_no", "owners": [...], "case": {…calc contract case…},
                "title_no", "address", "remarks", "status", "exchange_locations", "base",
                "procedure": {payment term, account, dates, payments}}]}
    ("procedure" is merged beside the content, see services/procedure_sync.py)

Import is all-or-nothing and idempotent. Cases match by UUID. Each side remembers the content
hash at the last exchange (`exchanged_hash`); a case that changed on both sides since then is a
conflict: reported, never overwritten, and nothing is imported.
"""

from __future__ import annotations

import hashlib
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
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.services.case_form import apply_form, case_to_form
from wulong_desk.services.cases import get_project, save_in_session
from wulong_desk.services.procedure_sync import case_extras, merge_extras
from wulong_desk.services.projects import create_in_session, project_to_dict, read_project_form
from wulong_desk.store import Store
from wulong_desk.store.models import Case, Project

FORMAT = "wulong-desk-cases/1"
CONTENT_KEYS = ("case_no", "title_no", "address", "remarks", "status", "owners", "case",
                "exchange_locations")


def content_hash(entry: dict[str, Any]) -> str:
    """A stable hash of what a case says (not of when or where it was written)."""
    content = {key: entry.get(key) for key in CONTENT_KEYS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normal(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.get(key) for key in CONTENT_KEYS}


def normalized_hash(session: Session, entry: dict[str, Any]) -> str:
    """The hash of an entry as the store would write it back, so a hand-written or foreign
    package compares like with like (e.g. an exchange block on a money case is dropped)."""
    scratch = Case(status="surveyed")  # transient: never added to the session
    with session.no_autoflush:
        apply_form(session, scratch, _normal(entry))
    session.info.pop("form_warnings", None)
    return content_hash(case_to_form(scratch))


@dataclass
class ImportReport:
    project_id: int
    project_created: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "project_created": self.project_created,
                "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_local": self.kept_local}


class ConflictError(UserError):
    exit_code = 3

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__("以下案卷在两边都有修改，未导入任何内容（请先核对后再交换）：\n"
                         + "\n".join(conflicts))


def export_cases(store: Store, project_id: int, out: Path) -> int:
    """Write a project's cases as a package; marks them as exchanged at this content."""
    with store.transaction() as session:
        project = get_project(session, project_id)
        entries = []
        for case in session.execute(select(Case).where(Case.project_id == project_id)
                                    .order_by(Case.case_no)).scalars():
            entry = case_to_form(case)
            digest = content_hash(entry)
            entry["base"] = digest
            entry["procedure"] = case_extras(session, case)
            case.exchanged_hash = digest
            entries.append(entry)
        package = {"format": FORMAT,
                   "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                   "project": project_to_dict(project), "cases": entries}
        write_atomically(out, json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"),
                         private=True)
    return len(entries)


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
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise UserError(f"不是 {FORMAT} 格式的案卷包：{path}")
    if not isinstance(package.get("project"), dict) or not isinstance(package.get("cases"),
                                                                      list):
        raise UserError("案卷包缺少 project 或 cases")
    return package


def import_cases(store: Store, path: Path) -> ImportReport:
    package = _read_package(path)
    with store.transaction() as session:
        return _import(session, package)


def _import(session: Session, package: dict[str, Any]) -> ImportReport:
    incoming_project = package["project"]
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
    problems: list[Problem] = []
    for index, entry in enumerate(package["cases"]):
        if not isinstance(entry, dict) or not entry.get("uuid"):
            problems.append(Problem(f"cases[{index}]", "缺少 uuid"))
            continue
        label = f"{entry.get('case_no', '?')}（{entry['uuid']}）"
        case = session.execute(select(Case).where(Case.uuid == str(entry["uuid"]))
                               ).scalar_one_or_none()
        try:
            incoming = normalized_hash(session, entry)
            if case is None:
                case = save_in_session(session, project, _normal(entry) | {"uuid": entry["uuid"]})
                case.exchanged_hash = content_hash(case_to_form(case))
                report.created.append(label)
                conflicts += merge_extras(session, case, entry.get("procedure"), label,
                                          "procedure")
                continue
            if case.project_id != project.id:
                conflicts.append(f"{label}：该案卷在本机属于另一个项目")
                continue
            local = content_hash(case_to_form(case))
            if local == incoming:
                case.exchanged_hash = local
                report.unchanged.append(label)
            elif case.exchanged_hash == local:   # only they changed it: take theirs
                save_in_session(session, project, _normal(entry), case)
                case.exchanged_hash = content_hash(case_to_form(case))
                report.updated.append(label)
            elif incoming == case.exchanged_hash:  # only we changed it: keep ours
                report.kept_local.append(label)
            else:
                conflicts.append(f"{label}：两边都有修改")
                continue
            conflicts += merge_extras(session, case, entry.get("procedure"), label,
                                      "procedure")
        except InputError as exc:
            problems.extend(exc.prefixed(f"cases[{index}].").problems)
    if problems:
        raise InputError(problems)
    if conflicts:
        raise ConflictError(conflicts)
    return report
