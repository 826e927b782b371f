"""Deterministic generated households for the benchmarks (no hypothesis, a seeded RNG)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any


def _money(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo * 100, hi * 100) / 100:.2f}"  # bench-only text; parsed as Decimal


def household(rng: random.Random, announced: date) -> dict[str, Any]:
    parts = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        use = rng.choice(("residential", "residential", "commercial", "production"))
        area = rng.randint(2000, 20000)
        part: dict[str, Any] = {"use": use, "area": f"{area / 100:.2f}",
                                "unit_price": _money(rng, 1500, 12000),
                                "decoration_value": _money(rng, 0, 50000),
                                "water_accounts": rng.randint(0, 2),
                                "power_accounts": rng.randint(0, 2),
                                "gas_accounts": rng.randint(0, 1)}
        if use == "residential":
            part["inner_area"] = f"{area * rng.randint(75, 100) / 10000:.2f}"
        else:
            part["business_eligible"] = rng.random() < 0.7
            part["manufacturing"] = use == "production" and rng.random() < 0.5
        parts.append(part)
    method = rng.choice(("money", "exchange"))
    case: dict[str, Any] = {
        "method": method, "min_housing_eligible": rng.random() < 0.2,
        "signed_on": (announced + timedelta(days=rng.randint(5, 70))).isoformat(),
        "moved_on_time": rng.random() < 0.8, "parts": parts,
        "equipment": [{"name": "设备", "reusable": True, "net_value": _money(rng, 1000, 90000)}]
        if rng.random() < 0.2 else [],
    }
    if method == "exchange":
        case["exchange"] = {"houses": [{"area": "80.00", "inner_area": "66.00",
                                        "unit_price": _money(rng, 3000, 7000)}],
                            "transition_months": rng.randint(6, 36),
                            "turnover_house": rng.random() < 0.2,
                            "interruption_months": rng.randint(0, 6), "overdue_months": 0}
    return case


def requests(count: int, seed: int = 2023) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    announced = date(2023, 5, 1)
    project = {"announced_on": announced.isoformat(), "signing_deadline": "2023-07-31",
               "zone": "core", "guide_reward_for": "both", "residential_extra_area": "3",
               "maintenance_fund_rate": "40"}
    return [{"project": project, "case": household(rng, announced)} for _ in range(count)]
