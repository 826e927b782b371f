"""The calculation record: fourteen explained lines, totals, the exchange settlement, warnings.

This one record feeds the screen, the ledger and the agreement; nothing downstream recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from wulong_desk.rules.decimals import money, num, plain

if TYPE_CHECKING:
    from wulong_desk.rules.standard import Template

GROUPS = ("value", "loss", "reward")  # each line's group, as the standard file declares it
TOTAL_KEYS = (*GROUPS, "total")
SETTLEMENT_KEYS = (
    "exchange_price", "value_difference", "net_payable", "fund_department", "fund_household",
)
# revision 3: when each part of the total falls due (spec "When each amount falls due")
SCHEDULE_KEYS = ("before_move", "transition", "after_move", "overdue")
SCHEDULE_LABELS = {"before_move": "搬迁前应付", "transition": "过渡期间应付",
                   "after_move": "按期搬迁后应付", "overdue": "逾期交房加付"}
TOTAL_LABELS = {"value": "价值补偿小计", "loss": "损失补偿小计", "reward": "奖励补助小计",
                "total": "补偿合计"}
SETTLEMENT_LABELS = {
    "exchange_price": "产权调换房屋价款",
    "value_difference": "价值补偿与调换房价差",
    "net_payable": "应付被征收人（负数为应收）",
    "fund_department": "维修资金（征收部门交纳）",
    "fund_household": "维修资金（被征收人交纳）",
}


Value = Decimal | int | str
Term = tuple["Template", dict[str, Value]]


def _show(value: Value) -> str:
    return num(value) if isinstance(value, Decimal) else str(value)


def fill(template: Template, values: dict[str, Value]) -> str:
    """A formula template with the case's numbers written in as num() shows them."""
    return template.head + "".join(_show(values[name]) + after for name, after in template.rest)


def shown_terms(terms: tuple[Term, ...]) -> str:
    """A line's terms with their numbers filled in, joined by " + " (its formula before "=")."""
    return " + ".join(fill(template, values) for template, values in terms)


class Line(NamedTuple):
    """One of the fourteen lines. The formula text is rendered from its terms when asked for."""

    code: str
    group: str
    label: str
    amount: Decimal
    citation: str
    note: str
    terms: tuple[Term, ...] = ()

    @property
    def inputs(self) -> tuple[dict[str, str], ...]:
        """The named numbers each term of the formula used, as shown."""
        return tuple({k: _show(v) for k, v in values.items()} for _, values in self.terms)

    @property
    def formula(self) -> str:
        """The formula with the numbers used, ending in "= amount" (e.g. 0.12 × 172200.00 = …)."""
        amount = plain(self.amount)
        return f"{shown_terms(self.terms)} = {amount}" if self.terms else amount

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "amount": plain(self.amount),
            "formula": self.formula,
            "citation": self.citation,
            "note": self.note,
        }


@dataclass(slots=True)
class Breakdown:
    standard_id: str
    standard_sha256: str
    lines: tuple[Line, ...]
    totals: dict[str, Decimal]
    settlement: dict[str, Decimal]
    warnings: tuple[str, ...]
    # derived areas and price the documents show (证载面积, 补偿面积 incl. top-ups, P_R)
    quantities: dict[str, Decimal] = field(default_factory=dict)
    # each exchange house: area, payable area after the shared-area cap, price (办法第三十六条)
    houses: tuple[dict[str, Decimal], ...] = ()
    # the total split by the event that makes each part owed (SCHEDULE_KEYS, revision 3)
    schedule: dict[str, Decimal] = field(default_factory=dict)

    def line(self, code: str) -> Line:
        for line in self.lines:
            if line.code == code:
                return line
        raise KeyError(code)

    @property
    def total(self) -> Decimal:
        return self.totals["total"]

    def to_json(self) -> dict[str, Any]:
        """The calc contract's output object (amounts as two-decimal strings)."""
        return {
            "standard": self.standard_id,
            "lines": [line.to_json() for line in self.lines],
            "totals": {key: money(self.totals[key]) for key in TOTAL_KEYS},
            "settlement": {key: money(self.settlement[key]) for key in SETTLEMENT_KEYS},
            "schedule": {key: money(self.schedule[key]) for key in SCHEDULE_KEYS},
            "warnings": list(self.warnings),
        }

    def to_record(self, engine_version: str) -> dict[str, Any]:
        """What the store keeps: the contract output plus the standard's hash and engine version."""
        record = self.to_json()
        record["standard_sha256"] = self.standard_sha256
        record["engine_version"] = engine_version
        record["quantities"] = {key: f"{value:f}" for key, value in self.quantities.items()}
        record["houses"] = [{key: f"{value:f}" for key, value in house.items()}
                            for house in self.houses]
        record["inputs"] = [list(line.inputs) for line in self.lines]
        return record
