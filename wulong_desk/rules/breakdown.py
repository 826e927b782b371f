"""The calculation record: thirteen explained lines, totals, the exchange settlement, warnings.

This one record feeds the screen, the ledger and the agreement; nothing downstream recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring as _json_str  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any, NamedTuple

from wulong_desk.rules.decimals import ZERO_AMOUNT, money, num, plain

if TYPE_CHECKING:
    from wulong_desk.rules.standard import Template

TOTAL_KEYS = ("value", "loss", "reward", "total")
SETTLEMENT_KEYS = (
    "exchange_price", "value_difference", "net_payable", "fund_department", "fund_household",
)
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
# the totals' and the settlement's JSON with their amounts left as {} (in the keys' order)
_TOTALS_TEXT = ", ".join(f'"{key}": "{{}}"' for key in TOTAL_KEYS)
_SETTLEMENT_TEXT = ", ".join(f'"{key}": "{{}}"' for key in SETTLEMENT_KEYS)
# each line's constant JSON pieces (opening, closing, the whole line when zero without terms)
# by (code, label, citation, note)
_PIECES: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
_PIECES_KEPT = 2048
Term = tuple["Template", dict[str, Value]]


def _show(value: Value) -> str:
    return num(value) if type(value) is Decimal else str(value)


def fill(template: Template, values: dict[str, Value]) -> str:
    """A formula template with the case's numbers written in as num() shows them. (Some thirty
    numbers a household: a number that already has two decimals, the usual case, is taken as
    str() writes it without calling num().)"""
    text = template.head
    for name, after in template.rest:
        value = values[name]
        if type(value) is Decimal:
            shown = str(value)
            if shown[-3:-2] != ".":  # not exactly two decimals (or an exponent): see num()
                shown = num(value)
        else:
            shown = str(value)
        text += shown + after
    return text


def shown_terms(terms: tuple[Term, ...]) -> str:
    """A line's terms with their numbers filled in, joined by " + " (its formula before "=");
    a single term, the usual case, needs no join."""
    if len(terms) == 1:
        return fill(*terms[0])
    return " + ".join([fill(template, values) for template, values in terms])


def _pieces(key: tuple[str, str, str, str]) -> tuple[str, str, str]:
    """A line's JSON around its amount and formula, escaped once and kept (bounded: notes
    with numbers in them vary), and the whole line when it is zero and has no terms (the
    amount, which needs no escaping, is then the formula)."""
    code, label, citation, note = key
    head = (f'{{"code": {_json_str(code)}, "label": {_json_str(label)}, '
            '"amount": "')
    tail = f', "citation": {_json_str(citation)}, "note": {_json_str(note)}}}'
    zero = plain(ZERO_AMOUNT)
    known = (head, tail, f'{head}{zero}", "formula": "{zero}"{tail}')
    if len(_PIECES) < _PIECES_KEPT:
        _PIECES[key] = known
    return known


class Line(NamedTuple):
    """One of the thirteen lines. The formula text is rendered from its terms when asked for."""

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
            "warnings": list(self.warnings),
        }

    def to_json_text(self) -> str:
        """The same object as to_json(), written straight to JSON text: exactly what
        `json.dumps(self.to_json(), ensure_ascii=False)` gives (a test holds it to that), without
        building the dictionaries first. This is the batch command's hot path, so it is one
        loop: each line's parts fixed by its code, label, citation and note are escaped once
        and kept, and a line without terms has its amount for formula, which needs no escaping
        (digits, point, sign)."""
        pieces = _PIECES
        lines = []
        for code, _, label, amount, citation, note, terms in self.lines:
            known = pieces.get(key := (code, label, citation, note))
            if known is None:
                known = _pieces(key)
            if terms:
                shown = plain(amount)
                formula = _json_str(shown_terms(terms) + " = " + shown)
                lines.append(f'{known[0]}{shown}", "formula": {formula}{known[1]}')
            elif amount is ZERO_AMOUNT:
                lines.append(known[2])
            else:
                shown = plain(amount)
                lines.append(f'{known[0]}{shown}", "formula": "{shown}"{known[1]}')
        totals = self.totals
        settlement = self.settlement
        return (f'{{"standard": {_json_str(self.standard_id)}, "lines": [{", ".join(lines)}], '
                '"totals": {' + _TOTALS_TEXT.format(*[money(totals[key]) for key in TOTAL_KEYS])
                + '}, "settlement": {' + _SETTLEMENT_TEXT.format(
                    *[money(settlement[key]) for key in SETTLEMENT_KEYS])
                + f'}}, "warnings": [{", ".join([_json_str(text) for text in self.warnings])}]}}')

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
