"""Search in SQL by name, ID number, title number or address and status; the project summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.search import count_cases, search_cases
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store
from wulong_desk.store.models import LINE_COLUMNS

pytestmark = pytest.mark.consistency   # what kind of check: CONTRIBUTING.md


@pytest.fixture
def demo(backend):
    """On a file and on the office server (the same SQL on both)."""
    store = open_store(backend, "测试")
    project_id = create_demo(store)
    yield store, project_id
    store.close()


def test_search_fields(demo):
    store, project_id = demo
    with store.read() as session:
        everyone = search_cases(session, project_id)
        case = cases.get_case(session, everyone[5].id)
        person = case.persons[0]
        for needle in (person.name, person.id_number[-8:], person.id_number.lower()[-6:],
                       case.title_no[-9:], case.address, case.case_no):
            assert case.id in [r.id for r in search_cases(session, project_id, needle)], needle
        assert search_cases(session, project_id, "没有这个人") == []
        assert search_cases(session, project_id, "%") == []  # LIKE wildcards are literal
        signed = search_cases(session, project_id, "", "signed")
        assert signed and all(r.status == "signed" for r in signed)
        assert count_cases(session, project_id, "", "signed") == len(signed)
        ordered = search_cases(session, project_id, sort="total", descending=True, limit=5)
        totals = [r.total for r in ordered if r.total is not None]
        assert totals == sorted(totals, reverse=True)


def test_summary_matches_the_cases(demo):
    store, project_id = demo
    with store.read() as session:
        summary = project_summary(session, project_id)
        rows = search_cases(session, project_id)
        assert summary.households == len(rows)
        assert summary.signed_households == sum(r.status in ("presigned", "signed", "moved")
                                                for r in rows)   # the demo has a presign
        assert summary.area == sum((r.area for r in rows), Decimal(0))
        assert summary.total == sum((r.total for r in rows if r.total is not None), Decimal(0))
        assert summary.total == sum(summary.lines.values())
        assert list(summary.lines) == list(LINE_COLUMNS)
        assert summary.with_problems == sum(1 for r in rows if r.total is None) == 1
        assert summary.household_ratio == (Decimal(summary.signed_households)
                                           / summary.households).quantize(Decimal("0.0001"))
        assert summary.threshold == Decimal("0.90")
