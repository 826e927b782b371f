"""One of the writers of tests/test_concurrent_saves.py: SAVES saves on the shared cases (each
read, changed and saved with the version it read) and a few new cases whose numbers collide
with other writers'. Prints what happened as JSON: applied saves (case, version written),
conflicts reported, case numbers refused as duplicates, and saves refused because a database
file stayed busy past its wait (SQLite on a very loaded machine: reported, nothing written)."""

from __future__ import annotations

import json
import sys

from store_helpers import case_form

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.store import open_store


def main(target: str, writer: int, saves: int, project_id: int, case_ids: list[int]) -> None:
    store = open_store(target, f"写入者{writer}")
    applied: list[tuple[int, int, str]] = []
    conflicts: list[int] = []
    duplicates: list[str] = []
    created: list[str] = []
    busy: list[int] = []
    busy_numbers: list[str] = []
    try:
        for k in range(saves):
            case_id = case_ids[(writer + k) % len(case_ids)]
            with store.read() as session:
                case = cases.get_case(session, case_id)
                form, version = case_to_form(case), case.version
            mark = f"w{writer}-{k}"
            form["remarks"] = mark   # every save says something new: its version moves
            form["case"]["parts"][0]["decoration_value"] = str(1000 + writer * 1000 + k)
            try:
                saved = cases.save_case(store, project_id, form, case_id,
                                        expected_version=version)
                applied.append((case_id, saved.version, mark))
            except cases.VersionConflictError:
                conflicts.append(case_id)
            except UserError as exc:   # a file kept busy past the wait: reported, not lost
                assert "正被另一个程序使用" in str(exc), exc
                busy.append(case_id)
            if k % 20 == 0:   # a new household; numbers collide across writers on purpose
                number = f"N-{k // 20:03d}"
                try:
                    cases.save_case(store, project_id, case_form(case_no=number))
                    created.append(number)
                except UserError as exc:
                    assert "已存在" in str(exc) or "正被另一个程序使用" in str(exc), exc
                    (duplicates if "已存在" in str(exc) else busy_numbers).append(number)
    finally:
        store.close()
    print(json.dumps({"applied": applied, "conflicts": conflicts, "created": created,
                      "duplicates": duplicates, "busy": busy, "busy_numbers": busy_numbers}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
         json.loads(sys.argv[5]))
