"""A record's calculation as a household reads it on paper it signs (the agreement's 结算单, the
ledger's page for the household): the arithmetic with its figures, in plain words — never
`max(…)`, never a formula that only repeats its amount, no talk of the project's readings or
of the gazette's print (the screen keeps the record's own text)."""

from __future__ import annotations

import re
from decimal import Decimal

_MAX = re.compile(r"max\(\s*([-0-9.,]+)\s*,\s*([-0-9.,]+)\s*\)")
_SAME = re.compile(r"\s*([-0-9.,]+)\s*=\s*([-0-9.,]+)\s*")
AS_SET = "按核定金额"   # an appraised value or a sum the standard fixes, as it stands
_READINGS = (("，项目选定的读法", ""), ("按项目选定的读法", "按征收补偿方案"),
             ("项目选定的读法", "征收补偿方案"), ("公报所印", ""))


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def plain_words(text: str) -> str:
    """The larger of two figures said in words, never as max(…); no readings, no gazette."""
    def larger(match: re.Match[str]) -> str:
        a, b = match.group(1), match.group(2)
        big = a if _number(a) >= _number(b) else b
        return f"{big}（取 {a} 与 {b} 中较大者）"

    text = _MAX.sub(larger, text)
    for reading, plain in _READINGS:
        text = text.replace(reading, plain)
    return text


def calculation_words(formula: str, note: str) -> str:
    """A line's calculation and its note in plain words; a formula that only repeats its
    amount (13000.00 = 13000.00: an appraised or fixed sum) says so in words, the note kept."""
    same = _SAME.fullmatch(formula)
    if same and _number(same.group(1)) == _number(same.group(2)):
        return plain_words(f"{AS_SET}（{note}）" if note else AS_SET)
    return plain_words(formula + (f"（{note}）" if note else ""))
