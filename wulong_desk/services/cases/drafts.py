"""Autosaved drafts of case forms that were being edited and not yet saved.

The editor writes its form here a moment after each change; saving, reverting or closing the
case removes the draft. A draft still here at the next start means the app did not close
normally (a crash, a power cut): the app offers it back. Drafts hold personal data, so they
live in the user's data folder, readable by the owner only, and one folder per database.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wulong_desk.fileio import write_atomically
from wulong_desk.paths import user_data_dir

VERSION = 1


@dataclass(frozen=True)
class Draft:
    path: Path
    project_id: int
    case_id: int | None
    saved_at: datetime
    form: dict[str, Any]

    @property
    def title(self) -> str:
        number = self.form.get("case_no") or "（新建案卷）"
        return f"{number}，{self.saved_at:%Y-%m-%d %H:%M:%S}"


def drafts_dir(db_path: Path) -> Path:
    """One folder per database file (by the hash of its full path, no names in it)."""
    key = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8")).hexdigest()[:16]
    return user_data_dir() / "drafts" / key


def draft_path(db_path: Path, case_id: int | None) -> Path:
    """The file an editor writes to: one per case, or a fresh one for a new case."""
    name = f"case-{case_id}" if case_id is not None else f"new-{uuid.uuid4().hex[:12]}"
    return drafts_dir(db_path) / f"{name}.json"


def save_draft(path: Path, project_id: int, case_id: int | None, form: dict[str, Any],
               now: datetime | None = None) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = {"version": VERSION, "project_id": project_id, "case_id": case_id,
            "saved_at": (now or datetime.now()).isoformat(timespec="seconds"), "form": form}
    data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    return write_atomically(path, data, private=True)


def discard_draft(path: Path) -> None:
    path.unlink(missing_ok=True)


def list_drafts(db_path: Path) -> list[Draft]:
    """The drafts left for this database, oldest first; unreadable files are skipped (and
    kept, so nothing is thrown away behind the user's back)."""
    folder = drafts_dir(db_path)
    if not folder.is_dir():
        return []
    drafts = []
    for path in sorted(folder.glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            drafts.append(Draft(path, int(body["project_id"]), body.get("case_id"),
                                datetime.fromisoformat(body["saved_at"]), dict(body["form"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(drafts, key=lambda d: d.saved_at)
