"""Chinese labels the screens share (display only; stored values stay the codes)."""

from __future__ import annotations

from wulong_desk.statuses import (
    METHOD_LABELS,
    PERSON_ROLE_LABELS,
    STATUS_LABELS,
    STATUSES,
    USE_LABELS,
)

__all__ = ["METHOD_LABELS", "PERSON_ROLE_LABELS", "STATUSES", "STATUS_LABELS", "USE_LABELS",
           "money_text", "project_label"]


def project_label(name: str, households: int) -> str:
    """A project as the project box shows it: its name and how many households it holds."""
    return f"{name}（{households}户）"


def money_text(value: object) -> str:
    """1234567.8 → 1,234,567.80 for display (the value itself stays exact)."""
    from decimal import Decimal

    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):,.2f}"
