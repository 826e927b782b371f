"""A project's unsigned cases are recomputed in one place (services/cases/recalc.py,
`recompute_unsigned`), whoever changed what moves their figures: the project's settings, its
decision's 公告日, or the same taken in from a package. Figures: spec example 2 (outer zone,
total 235004.00, R9 14 × 45 × 18 = 11340.00); in the core zone R9 is 20 × 45 × 18 = 16200.00,
so the total is 235004.00 + 4860.00 = 239864.00 and net payable −23746.00 + 4860.00 =
−18886.00 (the exchange price 258750.00 unchanged)."""

from __future__ import annotations

import pytest
from store_helpers import case_form, project_form

from wulong_desk.errors import Cancelled
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_figures, yuan_text
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "recompute.sqlite", "王经办")
    yield s
    s.close()


def recomputed(store, case_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(e.field, e.old, e.new, e.reason) for e in cases.history(store, case_id)
            if e.action == "recompute"]


def total(store, case_id: int) -> str | None:
    with store.read() as session:
        return yuan_text(stored_figures(cases.get_case(session, case_id).result)["total"])


def test_a_settings_change_recomputes_every_unsigned_case_once_audited(store):
    project_id = projects.create_project(store, project_form(2))
    ids = [cases.save_case(store, project_id, case_form(2, number)).case_id
           for number in ("A-001", "A-002")]
    assert [total(store, i) for i in ids] == ["235004.00", "235004.00"]
    answered = []

    def cancel(done: int, of: int) -> bool:
        answered.append((done, of))
        return False

    with pytest.raises(Cancelled):
        projects.update_project(store, project_id, project_form(2, zone="core"),
                                progress=cancel)
    assert answered == [(1, 2)]
    assert [total(store, i) for i in ids] == ["235004.00", "235004.00"]   # nothing written
    seen = []
    projects.update_project(store, project_id, project_form(2, zone="core"),
                            progress=lambda done, of: seen.append((done, of)))
    assert seen == [(1, 2), (2, 2)]
    for case_id in ids:
        assert total(store, case_id) == "239864.00"
        assert recomputed(store, case_id) == [
            ("total", "235004.00", "239864.00", "项目设置已修改"),
            ("net_payable", "-23746.00", "-18886.00", "项目设置已修改")]
