"""Two documents built at the same moment (the preview switched quickly from one document to
another, a preview beside an export batch: jobs run two at a time) each come out whole.

reportlab subsets the bundled TrueType font through one read cursor shared by every document;
two builds interleaving there failed with a KeyError (tests/test_working_day.py's preview test
did, once, under load) or could embed the wrong glyphs. The second build must wait at the font's
door while the first is inside reportlab's subsetting."""

from __future__ import annotations

import threading

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile
from store_helpers import case_form, project_form

from wulong_desk.exports import pdf_style
from wulong_desk.exports.household_papers import build_pdf
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.records import load_case
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory

HANG_GUARD = 60  # seconds: only so a broken build cannot hang the run; nothing waits this long


class WatchedLock:
    """The font's lock, telling when a thread has to wait at it."""

    def __init__(self, waiting: threading.Event):
        self._lock = threading.RLock()
        self._waiting = waiting

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            self._waiting.set()
            self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


@pytest.fixture(scope="module")
def exchange_case():
    store = open_memory("经办")
    project_id = projects.create_project(store, project_form(2, department="武隆区房屋征收中心"))
    saved = cases.save_case(store, project_id, case_form(2, exchange_locations=["安置小区1栋101"]))
    with store.read() as session:
        project, entry = load_case(session, saved.case_id)
    yield project, entry
    store.close()


def test_a_second_document_waits_while_the_first_subsets_the_font(exchange_case, monkeypatch):
    project, entry = exchange_case
    # one at a time, the same data gives the same bytes: what each must come out as
    expected = {kind: build_pdf(kind, project, entry) for kind in ("exchange", "settlement")}
    first_inside, second_inside, second_arrived, go_on = (threading.Event() for _ in range(4))
    built: dict[str, bytes | Exception] = {}
    real_subset = TTFontFile.makeSubset

    def watched_subset(face, subset):
        if threading.current_thread().name == "first":
            first_inside.set()
            go_on.wait(HANG_GUARD)   # the first stays inside until the second has arrived
        else:
            second_inside.set()
            second_arrived.set()
        return real_subset(face, subset)

    monkeypatch.setattr(TTFontFile, "makeSubset", watched_subset)
    monkeypatch.setattr(pdf_style, "_FONT_IN_USE", WatchedLock(second_arrived), raising=False)

    def build(kind: str) -> None:
        try:
            built[kind] = build_pdf(kind, project, entry)
        except Exception as exc:  # shown by the assertion below
            built[kind] = exc

    first = threading.Thread(target=build, args=("exchange",), name="first")
    second = threading.Thread(target=build, args=("settlement",), name="second")
    try:
        first.start()
        assert first_inside.wait(HANG_GUARD)
        second.start()
        assert second_arrived.wait(HANG_GUARD)  # at the font's door, or inside beside the first
        assert not second_inside.is_set(), "two documents were inside the font at once"
    finally:
        go_on.set()
        first.join(HANG_GUARD)
        second.join(HANG_GUARD)
    assert built == expected
