"""Cases deleted by mistake, as the 修改记录 keeps them: a project's deletions that have not been
brought back yet, in words (who, when, which household), and bringing one back
(`services.cases.changes.restore_removed`, through the one owner of case changes). Qt-free."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from wulong_desk.services.cases.history import beijing
from wulong_desk.store import Store
from wulong_desk.store.models import AuditEntry, Case


@dataclass(frozen=True)
class RemovedCase:
    entry_id: int      # the 修改记录 entry that holds the whole case
    at: str            # Beijing time
    operator: str
    case_no: str
    owners: str        # the households' names, 、-joined
    address: str


def removed_cases(store: Store, project_id: int) -> list[RemovedCase]:
    """The project's deleted cases not brought back since (newest first)."""
    with store.read() as session:
        present = set(session.execute(
            select(Case.uuid).where(Case.project_id == project_id)).scalars())
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.project_id == project_id,
                                     AuditEntry.action == "remove")
            .order_by(AuditEntry.id.desc())).scalars().all()
        found = []
        for entry in entries:
            try:
                form = json.loads(entry.old or "")
            except ValueError:
                continue
            if not isinstance(form, dict) or form.get("uuid") in present:
                continue
            owners = "、".join(str(o.get("name") or "") for o in form.get("owners") or []
                              if isinstance(o, dict) and o.get("name"))
            found.append(RemovedCase(entry.id, beijing(entry.at.isoformat(sep=" ")),
                                     entry.operator, str(form.get("case_no") or ""), owners,
                                     str(form.get("address") or "")))
        return found
