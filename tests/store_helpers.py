"""Builders for store tests: a project form and case forms from the spec's examples."""

from __future__ import annotations

import copy
from typing import Any

from helpers import example

from wulong_desk.services import cases, projects
from wulong_desk.store import Store


def project_form(n: int = 2, **extra: Any) -> dict[str, Any]:
    return {"name": f"示例项目{n}", "decision_no": f"武隆征〔2023〕{n}号",
            **{k: str(v) for k, v in example(n)["project"].items()}, **extra}


def case_form(n: int = 2, case_no: str = "A-001", **extra: Any) -> dict[str, Any]:
    raw = copy.deepcopy(example(n)["case"])
    form = {"case_no": case_no, "title_no": f"渝不动产权第{case_no}号",
            "address": "武隆区芙蓉路1号",
            "owners": [{"role": "owner", "name": "李四", "id_number": "11010519491231002X",
                        "phone": "13912345678"}],
            "case": _strings(raw)}
    form.update(extra)
    return form


def _strings(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def project_with_case(store: Store, n: int = 2) -> tuple[int, int]:
    project_id = projects.create_project(store, project_form(n))
    saved = cases.save_case(store, project_id, case_form(n))
    return project_id, saved.case_id
