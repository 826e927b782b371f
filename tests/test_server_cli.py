"""Setting up the office server from the command line (issue 18, items 1–2): `server init` on an
empty database, `server add-user` from standard input, a staff login using it, and the clear
messages: a password in the address, backups on a server, a wrong password."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url
from test_cli_calc import run_cli


def cli(*args: str, stdin: str | None = None):
    proc = run_cli(*args, stdin=stdin)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def empty_db(pg_cluster, monkeypatch):
    from pg_cluster import OWNER_PASSWORD

    pg_cluster.drop_database("wulong_cli")
    url = pg_cluster.create_database("wulong_cli")
    monkeypatch.setenv("PGPASSWORD", OWNER_PASSWORD)
    yield url
    pg_cluster.drop_database("wulong_cli")


def test_init_add_user_and_work_as_that_user(empty_db, monkeypatch):
    before = cli("projects", "--db", empty_db)
    assert before.returncode == 1 and "server init" in before.stderr   # not set up yet
    init = cli("server", "init", "--db", empty_db)
    assert init.returncode == 0, init.stderr
    assert "wulong_wulong_cli_clerk（经办人员）" in init.stdout
    assert cli("server", "init", "--db", empty_db).returncode == 0   # again: harmless
    # (an administrator: the demo records its project's expropriation decision, issue 27)
    added = cli("server", "add-user", "zhou", "--role", "admin", "--password-stdin",
                "--db", empty_db, stdin="zhou-password-9\n")
    assert added.returncode == 0, added.stderr
    short = cli("server", "add-user", "wu", "--role", "clerk", "--password-stdin",
                "--db", empty_db, stdin="short\n")
    assert short.returncode == 2 and "至少8个字符" in short.stderr
    as_zhou = make_url(empty_db).set(username="zhou").render_as_string(False)
    monkeypatch.setenv("PGPASSWORD", "zhou-password-9")
    demo = cli("demo", "--db", as_zhou, "--json")
    assert demo.returncode == 0, demo.stderr
    project_id = json.loads(demo.stdout)["id"]
    history = json.loads(cli("history", "--case", "1", "--db", as_zhou, "--json").stdout)
    assert history and {e["operator"] for e in history} == {"zhou"}   # the login, always
    assert json.loads(cli("projects", "--db", as_zhou, "--json").stdout)[0]["id"] == project_id
    monkeypatch.setenv("PGPASSWORD", "wrong-password")
    refused = cli("projects", "--db", as_zhou)
    assert refused.returncode == 1 and "用户名或密码不对" in refused.stderr


def test_clear_messages_for_what_a_server_does_not_do(empty_db):
    with_password = empty_db.replace("wulong_owner@", "wulong_owner:secret@")
    proc = cli("projects", "--db", with_password)
    assert proc.returncode == 2 and "不要把密码写在服务器地址里" in proc.stderr
    assert "secret" not in proc.stderr
    proc = cli("backup", "--db", empty_db)
    assert proc.returncode == 2 and "pg_dump" in proc.stderr
    proc = cli("restore", "x.sqlite", "--db", empty_db)
    assert proc.returncode == 2 and "pg_restore" in proc.stderr
