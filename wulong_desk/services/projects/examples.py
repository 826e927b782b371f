"""The spec's four hand-checked examples as a project form and a case form (for the self-test,
and for tests that put them in the store), with the figures the spec gives for them."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from wulong_desk.paths import resources_dir

NUMBERS = (1, 2, 3, 4)
# a fictional household (the check digit is valid; no real person)
OWNER = {"role": "owner", "name": "李四", "id_number": "11010519491231002X",
         "phone": "13912345678"}


def example(n: int) -> dict[str, Any]:
    """The calc request of example n (numbers as exact decimals)."""
    path = resources_dir() / "examples" / f"example-{n}.json"
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def expected(n: int) -> dict[str, Any]:
    """The spec's figures for example n: lines, totals and settlement as two-decimal strings."""
    path = resources_dir() / "examples" / "expected.json"
    return json.loads(path.read_text(encoding="utf-8"))["examples"][str(n)]


def project_form(request: dict[str, Any], n: int, **extra: Any) -> dict[str, Any]:
    return {"name": f"示例项目{n}", "decision_no": f"武隆征〔2023〕{n}号",
            **{k: str(v) for k, v in request["project"].items()}, **extra}


def case_form(request: dict[str, Any], case_no: str = "A-001", **extra: Any) -> dict[str, Any]:
    """The example's household as a case form; an exchange house gets a location (an exchange
    agreement names each house by its location and area, 办法第二十九条)."""
    houses = (request["case"].get("exchange") or {}).get("houses") or []
    form = {"case_no": case_no, "title_no": f"渝不动产权第{case_no}号",
            "address": "武隆区芙蓉路1号", "owners": [dict(OWNER)],
            "case": _strings(copy.deepcopy(request["case"]))}
    if houses:
        form["exchange_locations"] = [f"武隆区示例安置小区{i}号楼" for i in
                                      range(1, len(houses) + 1)]
    form.update(extra)
    return form


def _strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
