"""A case's versions: what it says (hashed), the id of each saved change and the trail of ids it
descends from — how packages and sync tell a newer copy from an older one and a conflict from
either. Every change of what a case says ends with a new version (`descend`, `extend_trail`)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from wulong_desk.services.cases.form import case_to_form
from wulong_desk.store.models import Case

# what a case says: its version is the hash of these (names, figures' inputs, stage, and the
# agreement's payment terms and payee account — hashed only when there are any, so a case
# without them hashes as before)
CONTENT_KEYS = ("case_no", "title_no", "address", "remarks", "status", "moved_on", "owners",
                "case", "exchange_locations", "agreement")
OPTIONAL_CONTENT = ("agreement",)
TRAIL_LIMIT = 200


def content_hash(form: dict[str, Any]) -> str:
    """A stable hash of what a case says (not of when or where): tells whether a save changed
    anything, and two copies that say the same. Not a version's identity (see current_version):
    a case edited back to what it said before says the same but is newer."""
    content = {key: form.get(key) for key in CONTENT_KEYS
               if key not in OPTIONAL_CONTENT or form.get(key)}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_version_id() -> str:
    """A fresh version id (never a hash of the content: A → B → A gives three ids)."""
    return uuid.uuid4().hex


def current_version(case: Case) -> str:
    """The id of the case's current version: the one its last saved change got, or — for a case
    unchanged since before version ids (migration 0009) — its content hash, which every copy of
    it shares."""
    return case.version_id or content_hash(case_to_form(case))


def trail_of(case: Case) -> list[str]:
    """The ids of the versions the case has had here (and those it was taken in from), oldest
    first, ending with its current one."""
    trail = [h for h in json.loads(case.version_trail or "[]") if isinstance(h, str)]
    current = current_version(case)
    if not trail or trail[-1] != current:
        trail.append(current)
    return trail[-TRAIL_LIMIT:]


def descend(case: Case, before: str) -> None:
    """After a change of what the case says: a fresh id, descending from `before`."""
    trail = [h for h in json.loads(case.version_trail or "[]") if isinstance(h, str)]
    if not trail or trail[-1] != before:
        trail.append(before)
    case.version_id = new_version_id()
    case.version_trail = json.dumps([*trail, case.version_id][-TRAIL_LIMIT:])
    case.version = (case.version or 1) + 1


def extend_trail(case: Case, before: tuple[str, str]) -> None:
    """After a change made outside save_in_session (作废, 解锁, 锁定): if what the case says
    changed, a new version descending from the one before (`version_before`)."""
    before_hash, before_version = before
    if content_hash(case_to_form(case)) != before_hash:
        descend(case, before_version)


def version_before(case: Case) -> tuple[str, str]:
    return content_hash(case_to_form(case)), current_version(case)




def new_version(case: Case) -> None:
    """A new version for a change beside what the case says (a presign's formal values waiting
    for its conversion): another computer sees it is newer and takes it."""
    descend(case, current_version(case))
