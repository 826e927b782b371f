"""The store's commands end to end: demo, projects, cases, export-cases, import-cases, backup,
restore; and the stored figures agree with an independent reading of the spec."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from reference_calc import reference
from test_cli_calc import run_cli

from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.contract import calc_request
from wulong_desk.store import open_store
from wulong_desk.store.models import Case


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = run_cli(*args, stdin=stdin)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.mark.independent
def test_demo_projects_cases_and_agreement_with_calc(backend):
    db = str(backend)   # a file, and the office server
    proc = cli("demo", "--db", db, "--operator", "测试", "--json")
    assert proc.returncode == 0, proc.stderr
    project_id = json.loads(proc.stdout)["id"]
    projects = json.loads(cli("projects", "--db", db, "--json").stdout)
    assert projects[0]["id"] == project_id and projects[0]["name"]
    rows = json.loads(cli("cases", "--project", str(project_id), "--db", db, "--json").stdout)
    assert len(rows) >= 30
    assert {"id", "case_no", "owner", "method", "status", "total"} <= set(rows[0])
    assert {r["method"] for r in rows} == {"money", "exchange"}
    assert any(r["status"] == "signed" for r in rows)
    store = open_store(db, "t")
    with store.read() as session:
        cases = session.query(Case).order_by(Case.id).all()
        uses = {part.use for case in cases for part in case.parts}
        assert uses == {"residential", "commercial", "production"}
        requests = [calc_request(case.project, case) for case in cases]
        records = [stored_breakdown(case) for case in cases]
    store.close()
    by_id = {r["id"]: r["total"] for r in rows}
    ids = sorted(by_id)
    # every stored figure against the independent plain reading of the spec (tests/
    # reference_calc.py), not against the engine that stored it
    checked = 0
    for case_id, req, record in zip(ids, requests, records, strict=True):
        if by_id[case_id] is None:
            continue
        expected = reference(json.loads(json.dumps(req, default=str)))
        assert by_id[case_id] == expected["totals"]["total"], case_id
        assert record["totals"] == expected["totals"], case_id
        assert record["settlement"] == expected["settlement"], case_id
        assert {line["code"]: line["amount"] for line in record["lines"]} == \
            expected["lines"], case_id
        checked += 1
    assert checked == len(ids) - 1
    # the demo's one unassessed household: the store shows no total, calc names what is missing
    missing = [req for i, req in zip(ids, requests, strict=True) if by_id[i] is None]
    assert len(missing) == 1
    proc = cli("calc", "-", stdin=json.dumps(missing[0], ensure_ascii=False))
    assert proc.returncode == 2 and "unit_price" in proc.stderr


def test_search_from_the_command_line(backend):
    db = str(backend)
    cli("demo", "--db", db)
    rows = json.loads(cli("cases", "--project", "1", "--db", db, "--json").stdout)
    name = rows[3]["owner"].split("、")[0]
    found = json.loads(cli("cases", "--project", "1", "--db", db, "--json", "--search",
                           name).stdout)
    assert rows[3]["id"] in [r["id"] for r in found]
    signed = json.loads(cli("cases", "--project", "1", "--db", db, "--json", "--status",
                            "signed").stdout)
    assert signed and all(r["status"] == "signed" for r in signed)


def test_export_import_round_trip_and_idempotence(tmp_path, backend):
    office, laptop = str(backend), str(tmp_path / "l.sqlite")
    package = str(tmp_path / "p.json")
    cli("demo", "--db", office)
    assert cli("export-cases", "--project", "1", "--out", package, "--db", office).returncode == 0
    proc = cli("import-cases", package, "--db", laptop, "--json")
    first = json.loads(proc.stdout)
    # the demo's signed households wait for the laptop's reviewer (签约待确认): exit 4
    assert proc.returncode == 4 and first["project_created"]
    assert len(first["created"]) + len(first["proposed"]) >= 30 and first["proposed"]
    from wulong_desk.services.exchange.proposals import accept, list_proposals

    with open_store(laptop, "审核") as store:
        for waiting in list_proposals(store):
            accept(store, waiting.id)
    second = json.loads(cli("import-cases", package, "--db", laptop, "--json").stdout)
    assert second["created"] == [] and second["updated"] == [] and second["proposed"] == []
    assert len(second["unchanged"]) == len(first["created"]) + len(first["proposed"])
    a = json.loads(cli("cases", "--project", "1", "--db", office, "--json").stdout)
    b = json.loads(cli("cases", "--project", "1", "--db", laptop, "--json").stdout)
    assert [(r["uuid"], r["total"]) for r in a] == [(r["uuid"], r["total"]) for r in b]


def test_backup_and_restore(tmp_path):
    db = tmp_path / "d.sqlite"
    cli("demo", "--db", str(db))
    out = tmp_path / "manual.sqlite"
    assert cli("backup", "--db", str(db), "--out", str(out)).returncode == 0
    cli("demo", "--db", str(db))  # a second project after the backup
    assert len(json.loads(cli("projects", "--db", str(db), "--json").stdout)) == 2
    proc = cli("restore", str(out), "--db", str(db))
    assert proc.returncode == 0 and "另存" in proc.stdout
    assert len(json.loads(cli("projects", "--db", str(db), "--json").stdout)) == 1
    safety = proc.stdout.split("另存为 ")[1].strip()
    import sqlite3

    assert sqlite3.connect(safety).execute("SELECT count(*) FROM projects").fetchone()[0] == 2


def test_unknown_project_is_a_clear_message(backend):
    proc = cli("cases", "--project", "99", "--db", str(backend))
    assert proc.returncode == 2 and "没有编号为 99 的项目" in proc.stderr


def test_damaged_database_message(tmp_path):
    db = tmp_path / "d.sqlite"
    db.write_bytes(b"garbage" * 1000)
    proc = cli("projects", "--db", str(db))
    assert proc.returncode == 1 and "已损坏" in proc.stderr


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "wulong-desk" in proc.stdout
