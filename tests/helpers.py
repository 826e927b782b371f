"""Small builders for calc requests used across the tests."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def example(n: int) -> dict[str, Any]:
    return json.loads((FIXTURES / f"example-{n}.json").read_text(encoding="utf-8"),
                      parse_float=Decimal)


def request(project: dict[str, Any] | None = None, case: dict[str, Any] | None = None,
            **case_fields: Any) -> dict[str, Any]:
    base_project = {"announced_on": "2023-06-01", "signing_deadline": "2023-08-31",
                    "zone": "core", "guide_reward_for": "none"}
    base_case: dict[str, Any] = {
        "method": "money", "min_housing_eligible": False, "signed_on": None,
        "moved_on_time": False,
        "parts": [{"use": "residential", "area": "80.00", "inner_area": "70.00",
                   "unit_price": "5000"}],
    }
    base_project.update(project or {})
    base_case.update(copy.deepcopy(case) if case else {})
    base_case.update(case_fields)
    return {"project": base_project, "case": base_case}


def residential(area: str, inner: str, price: str = "4000", **extra: Any) -> dict[str, Any]:
    return {"use": "residential", "area": area, "inner_area": inner, "unit_price": price, **extra}
