"""Concurrency and outages on the office server, said plainly (issue 24, item 5): imports and
syncs of one project wait for each other (an advisory lock per project) and then find nothing
to do; a connection the server drops in the middle of a command ends in 「无法连接办公室服务器」
with nothing half-written; no message calls a thing 「数据」."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from store_helpers import case_form, project_form
from test_sync import decoration, edit

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange import packages
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.database import _integrity_message
from wulong_desk.store.models import AuditEntry, Case, Project

NUMBERS = ("A-001", "A-002", "A-003", "A-004")


@pytest.fixture
def laptop(tmp_path):
    path = tmp_path / "laptop.sqlite"
    with open_store(path, "外业") as store:
        project_id = projects.create_project(store, project_form())
        for number in NUMBERS:
            cases.save_case(store, project_id, case_form(case_no=number))
    return path


def superuser(cluster, database: str) -> psycopg.Connection:
    from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

    return psycopg.connect(host="127.0.0.1", port=cluster.port, user=SUPERUSER,
                           password=SUPERUSER_PASSWORD, dbname=database, autocommit=True)


def test_four_concurrent_imports_of_one_package_all_end_well(pg_url, laptop, tmp_path):
    """One takes the project and its cases in; the other three wait for it (the project's
    lock), then find every case unchanged — none fails on a duplicate."""
    package = tmp_path / "cases.json"
    with open_store(laptop, "外业") as local:
        packages.export_cases(local, 1, package)
    start = threading.Barrier(4)
    reports: list[packages.ImportReport] = []
    failures: list[BaseException] = []

    def one_import() -> None:
        store = open_store(pg_url, "")
        try:
            start.wait()
            reports.append(packages.import_cases(store, package))
        except BaseException as exc:
            failures.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=one_import) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == [] and len(reports) == 4
    assert sorted(len(r.created) for r in reports) == [0, 0, 0, len(NUMBERS)]
    assert sorted(len(r.unchanged) for r in reports) == [0, len(NUMBERS), len(NUMBERS),
                                                         len(NUMBERS)]
    assert [r.project_created for r in reports].count(True) == 1
    with open_store(pg_url, "") as server, server.read() as session:
        assert session.query(Project).count() == 1
        assert sorted(c.case_no for c in session.query(Case)) == list(NUMBERS)


def blocked_backend(cluster, database: str) -> int:
    """The pid of the app's connection once it waits for a lock, within 60 s."""
    with superuser(cluster, database) as conn:
        for _ in range(600):
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
                "'Lock' AND application_name = 'wulong-desk'", (database,)).fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
    raise AssertionError("the command never waited for the lock")


@pytest.mark.parametrize("command", ["sync", "import-cases"])
def test_a_connection_dropped_mid_command_is_said_plainly_and_leaves_nothing_half_written(
        pg_url, pg_cluster, laptop, tmp_path, command):
    """The laptop's four changes go up: the server's session is cut (pg_terminate_backend)
    while it waits for the third case, after writing two. The command says 「无法连接办公室
    服务器」 — no internal error — and the server holds none of the four changes."""
    from sqlalchemy.engine import make_url
    from test_sync import sync_cli

    assert sync_cli(laptop, pg_url).returncode == 0   # the server has the four cases
    with open_store(laptop, "外业") as local:
        for number in NUMBERS:
            edit(local, number, "7300")
        packages.export_cases(local, 1, tmp_path / "cases.json")
    with open_store(pg_url, "") as server, server.read() as session:
        before = [decoration(server, number)[0] for number in NUMBERS]
        entries = session.query(AuditEntry).count()
    database = make_url(pg_url).database
    holder = superuser(pg_cluster, database)
    holder.execute("BEGIN")
    holder.execute("SELECT 1 FROM cases WHERE case_no = 'A-003' FOR UPDATE")
    argv = (["sync", "--db", str(laptop), "--server", pg_url, "--json"] if command == "sync"
            else ["import-cases", str(tmp_path / "cases.json"), "--db", pg_url])
    proc = subprocess.Popen([sys.executable, "-m", "wulong_desk", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = blocked_backend(pg_cluster, database)
        with superuser(pg_cluster, database) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        out, err = proc.communicate(timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, (out, err)
    assert "无法连接办公室服务器" in err
    for word in ("内部错误", "Traceback", "PendingRollback", "数据」"):
        assert word not in err + out
    with open_store(pg_url, "") as server, server.read() as session:
        assert [decoration(server, number)[0] for number in NUMBERS] == before
        assert session.query(AuditEntry).count() == entries
    if command == "sync":
        assert json.loads(sync_cli(laptop, pg_url).stdout)["pushed"] == len(NUMBERS)


def test_a_clash_of_identities_names_the_thing(tmp_path):
    """A record clashing with one already stored names it (a 案卷's or a 项目's 识别码), never
    a 「数据」 or a field code."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    for message, thing in (("UNIQUE constraint failed: cases.uuid", "案卷"),
                           ('duplicate key value violates unique constraint "cases_uuid_key"',
                            "案卷"),
                           ("UNIQUE constraint failed: projects.uuid", "项目")):
        said = str(_integrity_message(IntegrityError("INSERT", {}, sqlite3.IntegrityError(
            message))))
        assert f"识别码相同的{thing}" in said and "数据" not in said and "uuid" not in said
    said = str(_integrity_message(IntegrityError("INSERT", {}, sqlite3.IntegrityError("x"))))
    assert "数据" not in said and "未保存任何修改" in said
    from wulong_desk.services.cases.field_names import describe

    assert describe("no.such.field", "记录编号重复") == "记录编号重复"
