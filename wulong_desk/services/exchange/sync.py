"""A laptop and the office server, in step: for every project the laptop holds (matched by the
project's uuid), the laptop's changes go up and the server's come down, by the case package's
rules (`services.exchange.packages`): a case changed on one side only is taken; changed on both, it
is a conflict — listed, neither side overwritten, resolved by choosing one of the two versions.

Each half is one transaction (push: the server's; pull: the laptop's), so a sync killed at any
point leaves both sides consistent, and the next sync completes it (what was pushed is then
"unchanged", what was not is pushed again). Within it each case is taken in a savepoint (on the
server and on the laptop's file alike): a case that fails half-way is named and leaves nothing
of itself, and the other cases are still taken. Versions are ids, so a laptop's old copy never
overwrites what the server has moved past, and two laptops converge or are told of a conflict.

What the receiving side's login may not take by itself becomes a proposal there (services/
packages.py `_refusal`): on the server by its role rules (a clerk's 已审核 or correction waits
for a reviewer); on the laptop's file a signing or correction made on the server waits for
the laptop's `corrections accept`. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from wulong_desk.errors import ServerUnreachableError, UserError
from wulong_desk.services.cases.changes import save_in_session
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.versions import trail_of
from wulong_desk.services.exchange.packages import (
    SYNC_REASON,
    _import,
    _normal,
    build_package,
    receiver_of,
    take_trail,
)
from wulong_desk.store import Store
from wulong_desk.store.models import Case, Project


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # whole projects that could not sync
    conflict_uuids: list[str] = field(default_factory=list)   # for resolving, one by one
    proposed: list[str] = field(default_factory=list)   # 待确认, on the server or the laptop

    def to_json(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts,
                "proposed": self.proposed}


def _project_uuids(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as session:
        return [tuple(row) for row in session.execute(   # type: ignore[misc]
            select(Project.id, Project.uuid, Project.name).order_by(Project.id))]


def sync(laptop: Store, server: Store) -> SyncReport:
    """Push then pull every project the laptop holds."""
    if laptop.server is not None or server.server is None:
        raise UserError("同步：--db 应为本机的数据库文件，--server 应为办公室服务器地址")
    report = SyncReport()
    for project_id, uuid, name in _project_uuids(laptop):
        conflicted: list[str] = []
        try:
            package = build_package(laptop, project_id)
            with server.transaction() as session:
                pushed = _import(session, package, conflicted, receiver_of(server, "push"))
            report.pushed += len(pushed.created) + len(pushed.updated)
            server_id = pushed.project_id
            package = build_package(server, server_id)
            with laptop.transaction() as session:
                pulled = _import(session, package, [], receiver_of(laptop, "pull"))
            report.pulled += len(pulled.created) + len(pulled.updated)
            report.problems += pushed.failed + pulled.failed   # a case each, named
            report.proposed += [f"服务器：{line}" for line in pushed.proposed]
            report.proposed += [f"本机：{line}" for line in pulled.proposed]
        except ServerUnreachableError:   # the server went away: said as that, nothing else
            raise
        except UserError as exc:   # the project's own settings differ, or it cannot go at all
            report.problems.append(f"项目 {name}（{uuid}）：{exc}")
            continue
        report.conflicts.extend(dict.fromkeys(conflicted))
        if conflicted:
            with laptop.read() as session:
                report.conflict_uuids += session.execute(select(Case.uuid).where(
                    Case.project_id == project_id, Case.case_no.in_(conflicted))).scalars()
    return report


def _entry(store: Store, case_uuid: str) -> tuple[dict[str, Any], list[str]]:
    with store.read() as session:
        case = session.execute(select(Case).where(Case.uuid == case_uuid)).scalar_one_or_none()
        if case is None:
            raise UserError(f"没有这个案卷（{case_uuid}）")
        return case_to_form(case), trail_of(case)


def versions(laptop: Store, server: Store, case_uuid: str) -> tuple[dict[str, Any],
                                                                     dict[str, Any]]:
    """The two versions of a conflicting case (laptop's, server's), for the comparison."""
    return _entry(laptop, case_uuid)[0], _entry(server, case_uuid)[0]


def resolve(laptop: Store, server: Store, case_uuid: str, keep: str) -> None:
    """Settle a conflict: `keep` is "laptop" or "server"; the other side takes that version
    (through the one owner of case changes, so a signed case still refuses a money change)
    and both remember both histories, so the next sync sees them equal."""
    if keep not in ("laptop", "server"):
        raise UserError("keep: 应为 laptop 或 server")
    winner, loser = (laptop, server) if keep == "laptop" else (server, laptop)
    form, trail = _entry(winner, case_uuid)
    with loser.transaction() as session:
        case = session.execute(select(Case).where(Case.uuid == case_uuid)).scalar_one()
        ours = trail_of(case)
        save_in_session(session, case.project, _normal(form), case,
                        reason=SYNC_REASON if keep == "server" else "同步冲突：保留本机的版本")
        take_trail(case, trail[:-1] + ours, trail[-1])
