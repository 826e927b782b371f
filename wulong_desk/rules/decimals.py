"""Exact numbers: parsing, the one rounding rule, and how numbers are shown in formulas.

Rounding (spec "Rounding"): areas and the weighted price to 0.01, money lines once to 0.01,
all half up. Intermediate products stay exact.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
ZERO_AMOUNT = Decimal("0.00")  # a money line that is zero
_RATIO_PLACES = Decimal("0.0001")


def round2(value: Decimal) -> Decimal:
    """The single rounding rule: to 0.01, half up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """The number in plain decimal notation, exactly what f"{value:f}" gives (str() gives the
    same text unless it needs an exponent)."""
    text = str(value)
    return f"{value:f}" if "E" in text else text


def money(value: Decimal) -> str:
    """A rounded amount as a string with exactly two decimals (a value quantized to 0.01 is
    never shown with an exponent by str())."""
    return str(value.quantize(CENT, ROUND_HALF_UP))


def num(value: Decimal | int) -> str:
    """A number as used in a formula: two decimals when it has at most two, else exact
    (5 → 5.00, 1.5 → 1.50, 1.500 → 1.50, 0.1250 → 0.125), worked on the plain decimal text."""
    if type(value) is int:
        return str(value)
    text = str(value)
    if "E" in text:
        text = f"{value:f}"
    dot = text.find(".")
    if dot < 0:
        return text + ".00"
    places = len(text) - dot - 1
    if places == 2:
        return text
    if places == 1:
        return text + "0"
    exact = text.rstrip("0")
    return text[:dot + 3] if len(exact) - dot - 1 <= 2 else exact


def rate(value: Decimal | int) -> str:
    """A rate or count as written in the standard (0.12, 0.3, 300), never padded."""
    return str(value) if isinstance(value, int) else f"{value.normalize():f}"


def ratio4(value: Decimal) -> str:
    """A 公摊系数 shown to four decimals (for reading only; comparisons are exact)."""
    return f"{value.quantize(_RATIO_PLACES, ROUND_HALF_UP):f}"


def to_decimal(raw: object) -> Decimal:
    """Read a JSON number or decimal string exactly. Raises ValueError on anything else."""
    if type(raw) is str:  # the common case first
        try:
            result = Decimal(raw)
        except InvalidOperation:
            result = _from_text(raw)
        if not result.is_finite():
            raise ValueError("not finite")
        return result
    if isinstance(raw, bool):
        raise ValueError("not a number")
    if isinstance(raw, Decimal):
        result = raw
    elif isinstance(raw, int):
        result = Decimal(raw)
    elif isinstance(raw, str):
        result = _from_text(raw)
    else:
        # floats are refused on purpose: they are not exact
        raise ValueError("not a number")
    if not result.is_finite():
        raise ValueError("not finite")
    return result


def _from_text(raw: str) -> Decimal:
    """A decimal string as people type it: spaces around and thousands separators allowed."""
    text = raw.strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError("empty")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
