"""The window's first look at the database: the projects and the first page of cases, read
straight from SQLite, read-only, so the case table is painted before SQLAlchemy has loaded.

Only an up-to-date database is looked at this way (anything else — no file yet, an older or
newer schema, an unreadable file — gives None and the window waits for the store, which
migrates, checks and explains). The rows are put together by the same code the store's search
uses (services.case_rows) from the same three reads, and a test holds the two equal. Nothing is
computed here: totals are the stored calculation records'.

sound() is the store's integrity check made ahead of the store, with sqlite3 alone: the app runs
it on one thread while another loads SQLAlchemy (SQLite checks without holding Python's lock).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from wulong_desk.schema_version import SCHEMA_HEAD
from wulong_desk.services.case_rows import PAGE, CaseRow, assemble_rows


class ProjectEntry(NamedTuple):
    id: int
    name: str
    households: int


class FirstLook(NamedTuple):
    projects: tuple[ProjectEntry, ...]
    project_id: int | None  # the project shown (the wanted one when it still exists)
    rows: tuple[CaseRow, ...]  # its first page, in case-number order


def first_look(path: Path, wanted_project: int | None = None, page: int = PAGE
               ) -> FirstLook | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, wanted_project, page)
    except (sqlite3.Error, ArithmeticError, ValueError):
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, wanted: int | None, page: int) -> FirstLook | None:
    version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if version != [(SCHEMA_HEAD,)]:
        return None
    counts = dict(conn.execute("SELECT project_id, count(*) FROM cases GROUP BY project_id"))
    projects = tuple(ProjectEntry(pid, name, counts.get(pid, 0)) for pid, name in
                     conn.execute("SELECT id, name FROM projects ORDER BY id"))
    if not projects:
        return FirstLook((), None, ())
    ids = [project.id for project in projects]
    project_id = wanted if wanted in ids else ids[0]
    cases = conn.execute(
        "SELECT cases.id, cases.uuid, cases.case_no, cases.address, cases.method, cases.status,"
        " case_results.ok, case_results.total_cents FROM cases"
        " LEFT OUTER JOIN case_results ON case_results.case_id = cases.id"
        " WHERE cases.project_id = ? ORDER BY cases.case_no ASC, cases.id LIMIT ?",
        (project_id, page)).fetchall()
    if not cases:
        return FirstLook(projects, project_id, ())
    marks = ", ".join("?" * len(cases))
    case_ids = [case[0] for case in cases]
    people = conn.execute(f"SELECT case_id, name FROM persons WHERE case_id IN ({marks})"
                          " ORDER BY case_id, position", case_ids).fetchall()
    parts = [(case_id, use, Decimal(str(area))) for case_id, use, area in conn.execute(
        f"SELECT case_id, use, area FROM house_parts WHERE case_id IN ({marks})"
        " AND registration = 'registered'"   # 证载面积, as services/search.py reads it
        " ORDER BY case_id, position", case_ids)]
    return FirstLook(projects, project_id, tuple(assemble_rows(cases, people, parts)))


def sound(path: Path) -> bool:
    """True when SQLite's full integrity check of the file says "ok" (the check the store makes
    at open, store.backups.check_file). Anything else — a finding, an error — is False, and the
    store checks again and explains."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
