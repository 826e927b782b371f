"""Several people at once (issue 18, item 4): 8 processes × 200 saves on overlapping cases, on
a file and on the office server — no lost update (every save is applied with a version of its
own, or reported as a conflict), no duplicate case number, an audit entry for every applied
save."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry, Case

WRITERS = 8
SAVES = 200
SHARED = 5   # cases every writer saves, in turn


def test_eight_writers_lose_no_update_and_duplicate_no_case_number(backend):
    store = open_store(backend, "准备")
    project_id = projects.create_project(store, project_form())
    case_ids = [cases.save_case(store, project_id, case_form(case_no=f"S-{i}")).case_id
                for i in range(SHARED)]
    store.close()
    worker = Path(__file__).with_name("concurrency_worker.py")
    env = os.environ | {"PYTHONPATH": str(worker.parent)}
    procs = [subprocess.Popen([sys.executable, str(worker), str(backend), str(w), str(SAVES),
                               str(project_id), json.dumps(case_ids)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for w in range(WRITERS)]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-3000:]
        outcomes.append(json.loads(out))

    applied = [tuple(a) for o in outcomes for a in o["applied"]]
    conflicts = [c for o in outcomes for c in o["conflicts"]]
    busy = [c for o in outcomes for c in o["busy"]]
    assert len(applied) + len(conflicts) + len(busy) == WRITERS * SAVES  # applied or reported
    assert applied and conflicts   # the writers did overlap

    store = open_store(backend, "核对")
    try:
        with store.read() as session:
            for case_id in case_ids:
                case = session.get(Case, case_id)
                mine = sorted(v for c, v, _ in applied if c == case_id)
                # every applied save wrote a version of its own, one after another: none was
                # built on a version another save had already replaced
                assert mine == list(range(2, case.version + 1)), case_id
                last = next(m for c, v, m in applied if c == case_id and v == case.version)
                assert case.remarks == last
                # the audit has every applied save's change of the remarks, in order
                logged = session.execute(
                    select(AuditEntry.new).where(AuditEntry.case_id == case_id,
                                                 AuditEntry.action == "update",
                                                 AuditEntry.field == "remarks")
                    .order_by(AuditEntry.id)).scalars().all()
                assert logged == [m for _, _, m in sorted(
                    (a for a in applied if a[0] == case_id), key=lambda a: a[1])]
            numbers = session.execute(select(Case.case_no, func.count()).where(
                Case.project_id == project_id).group_by(Case.case_no)).all()
        assert all(count == 1 for _, count in numbers)
        created = Counter(n for o in outcomes for n in o["created"])
        assert all(count == 1 for count in created.values())
        attempted = {n for o in outcomes for n in o["created"] + o["duplicates"]}
        assert attempted == set(created)   # each number taken once, refused to the others
        assert set(created) == {number for number, _ in numbers if number.startswith("N-")}
    finally:
        store.close()
