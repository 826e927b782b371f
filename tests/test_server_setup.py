"""Setting up the office server as docs/server.md says (issue 24, item 3): steps 2, 4 and 5 run
word for word (only `sudo -u postgres` and the server's address stand in for this machine) on a
fresh cluster, the owner not a superuser; and a database set up by the older `server init` is
brought to the new scheme by running it again."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from wulong_desk.store import open_store

DOCS = Path(__file__).resolve().parent.parent / "docs" / "server.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
OWNER_PASSWORD = "所有者的密码"   # what the page's step 4 exports
CLERK_PASSWORD = "王经办的初始密码"   # what its step 5 pipes in


def step(number: int) -> str:
    """The first shell block of step `number` of docs/server.md, as written there."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"**{number}. ")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block is not None, f"step {number} has no shell block"
    return block[1]


def run_as_written(script: str, cluster, env: dict[str, str], stdin: str = ""):
    """A step's commands through bash, `sudo -u postgres` being this cluster's superuser and
    192.168.1.10:5432 this cluster; no terminal (createuser reads the password from stdin)."""
    script = script.replace("sudo -u postgres ", "").replace(
        "192.168.1.10:5432", f"127.0.0.1:{cluster.port}")
    path = os.pathsep.join([str(cluster.bin), str(Path(sys.executable).parent),
                            os.environ.get("PATH", "")])
    return subprocess.run(["bash", "-e", "-c", script], input=stdin, capture_output=True,
                          text=True, timeout=300, start_new_session=True,
                          env=os.environ | {"PATH": path, "PGHOST": "127.0.0.1",
                                            "PGPORT": str(cluster.port)} | env)


@pytest.fixture
def fresh_cluster():
    """A cluster with nothing but its superuser postgres, as after step 1."""
    from pg_cluster import Cluster, find_binaries

    binaries = find_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    cluster = Cluster(binaries)
    cluster.start(owner=False)
    yield cluster
    cluster.stop()


def test_steps_2_4_and_5_work_as_written_with_an_owner_that_is_not_a_superuser(
        fresh_cluster):
    from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

    assert "--createrole" in step(2) and "server init" in step(4) and "add-user" in step(5)
    made = run_as_written(step(2), fresh_cluster,
                          {"PGUSER": SUPERUSER, "PGPASSWORD": SUPERUSER_PASSWORD},
                          stdin=f"{OWNER_PASSWORD}\n{OWNER_PASSWORD}\n")
    assert made.returncode == 0, made.stderr
    with psycopg.connect(host="127.0.0.1", port=fresh_cluster.port, user=SUPERUSER,
                         password=SUPERUSER_PASSWORD, dbname="postgres") as conn:
        assert conn.execute("SELECT rolsuper, rolcreaterole FROM pg_roles "
                            "WHERE rolname = 'wulong_owner'").fetchone() == (False, True)
        assert conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database "
                            "WHERE datname = 'wulong'").fetchone() == ("wulong_owner",)
    # steps 4 and 5 in one shell, as the person at the server types them (step 4's export holds)
    done = run_as_written(step(4) + step(5), fresh_cluster, {})
    assert done.returncode == 0, done.stderr
    assert "wulong_wulong_clerk（经办人员）" in done.stdout
    assert "已添加登录 wang（经办人员）" in done.stdout
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    # wang works as a clerk of this database (of another office database it is nobody: the
    # attack suite tries)
    address = f"postgresql://wang@127.0.0.1:{fresh_cluster.port}/wulong"
    os.environ["PGPASSWORD"] = CLERK_PASSWORD
    try:
        with open_store(address, "") as store:
            assert (store.role, store.operator) == ("clerk", "wang")
    finally:
        from pg_cluster import OWNER_PASSWORD as TESTS_OWNER_PASSWORD

        os.environ["PGPASSWORD"] = TESTS_OWNER_PASSWORD


def old_scheme():
    spec = importlib.util.spec_from_file_location("server_roles_before_24",
                                                  FIXTURES / "server_roles_before_24.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def set_up_as_before(cluster, name: str) -> str:
    """A database as the older `server init` left it (by its owner), with the older
    `server add-user`'s logins: an admin holding CREATEROLE, a clerk."""
    from wulong_desk.store.server import make_engine, upgrade

    url = cluster.create_database(name, template="wulong_template")
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        old_scheme().install(conn)
    engine.dispose()
    for sql in ("CREATE ROLE old_admin LOGIN CREATEROLE PASSWORD 'old-admin-password'",
                "CREATE ROLE old_clerk LOGIN PASSWORD 'old-clerk-password'",
                "GRANT wulong_admin TO old_admin", "GRANT wulong_clerk TO old_clerk"):
        try:
            cluster.admin_sql(sql)
        except psycopg.errors.DuplicateObject:
            pass   # the second database's logins are the first's (roles are the cluster's)
    return url


def server_init(url: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "server", "init", "--db", url],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_running_server_init_again_brings_an_older_scheme_to_the_new_one(pg_cluster):
    from pg_cluster import SUPERUSER, SUPERUSER_PASSWORD

    def roles() -> dict[str, tuple]:
        with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname="postgres") as conn:
            return {name: (createrole, sorted(groups or [])) for name, createrole, groups in
                    conn.execute(
                        "SELECT m.rolname, m.rolcreaterole, (SELECT array_agg(g.rolname) "
                        " FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                        " WHERE a.member = m.oid) FROM pg_roles m "
                        "WHERE m.rolname IN ('old_admin', 'old_clerk', 'wulong_clerk', "
                        " 'wulong_reviewer', 'wulong_admin')")}

    first = second = None
    try:
        first = set_up_as_before(pg_cluster, "wulong_old_a")
        second = set_up_as_before(pg_cluster, "wulong_old_b")
        assert roles()["old_admin"] == (True, ["wulong_admin"])   # the older scheme's hole
        said = server_init(first).stdout
        assert "old_admin（admin）、old_clerk（clerk）" in said
        assert "其他数据库仍在使用原来的组角色" in said          # wulong_old_b still does
        assert roles()["old_admin"] == (False, ["wulong_admin", "wulong_wulong_old_a_admin"])
        assert roles()["old_clerk"] == (False, ["wulong_clerk", "wulong_wulong_old_a_clerk"])
        said = server_init(second).stdout
        assert "已删除" in said
        assert roles() == {"old_admin": (False, ["wulong_wulong_old_a_admin",
                                                 "wulong_wulong_old_b_admin"]),
                           "old_clerk": (False, ["wulong_wulong_old_a_clerk",
                                                 "wulong_wulong_old_b_clerk"])}
        with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname="wulong_old_a") as conn:
            left = conn.execute("SELECT proname FROM pg_proc WHERE proname IN "
                                "('wulong_reviewing', 'wulong_guard_audit')").fetchall()
            assert left == [] and conn.execute(
                "SELECT to_regclass('wulong_open_cases')").fetchone() == (None,)
        server_init(first)   # and again: nothing left to do, nothing broken
        from store_helpers import case_form, project_form

        from wulong_desk.services.cases import changes as cases
        from wulong_desk.services.projects import project as projects

        with open_store(first, "") as store:
            project_id = projects.create_project(store, project_form())
        os.environ["PGPASSWORD"] = "old-clerk-password"
        with open_store(make_url(first).set(username="old_clerk").render_as_string(False),
                        "") as store:
            assert store.role == "clerk"
            case_id = cases.save_case(store, project_id, case_form()).case_id
            assert {e.operator for e in cases.history(store, case_id)} == {"old_clerk"}
        os.environ["PGPASSWORD"] = "old-admin-password"
        with open_store(make_url(second).set(username="old_admin").render_as_string(False),
                        "") as store:
            assert store.role == "admin"
    finally:
        from pg_cluster import OWNER_PASSWORD

        os.environ["PGPASSWORD"] = OWNER_PASSWORD
        for name in ("wulong_old_a", "wulong_old_b"):
            pg_cluster.drop_database(name)
        for role in ("old_admin", "old_clerk", "wulong_admin", "wulong_reviewer",
                     "wulong_clerk"):
            pg_cluster.admin_sql(f"DROP ROLE IF EXISTS {role}")
