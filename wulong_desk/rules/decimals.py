"""Exact numbers: parsing, the one rounding rule, and how numbers are shown in formulas.

Rounding (spec "Rounding"): areas and the weighted price to 0.01, money lines once to 0.01,
all half up. Intermediate products stay exact.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

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


# The one way a number from outside is read (JSON, survey sheets, packages, the editor): ASCII
# digits, an optional sign, at most one decimal point and a small exponent. Nothing else is
# guessed: thousands separators, underscores, other scripts' digits, spaces inside, "NaN" are
# refused. The text's length and the exponent are bounded before Decimal sees the text, so no
# value can make later arithmetic slow or overflow.
MAX_NUMBER_TEXT = 40
MAX_EXPONENT = 20
_INT_LIMIT = 10 ** 18
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
# what a Chinese input method types: full-width digits, point and signs (editor and sheets only)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")


class NumberError(ValueError):
    """Not a number we read; str() is the reason in Chinese (the caller names the field)."""


def read_number(raw: object, *, typed: bool = False, plain: bool = False) -> Decimal:
    """A number from outside as an exact Decimal, or NumberError saying why not.

    raw is a JSON number (int, or its decimal text), a Decimal, or text. typed=True for what a
    person typed (the editor, a spreadsheet cell): full-width digits and point are read as
    their ASCII forms first. plain=True refuses an exponent in text (1e3): an amount or an
    area a clerk types is written out. A float is refused: it is not exact."""
    if isinstance(raw, bool):
        raise NumberError("应为数字，收到 true/false")
    if isinstance(raw, int):
        if -_INT_LIMIT < raw < _INT_LIMIT:
            return Decimal(raw)
        raise NumberError("数值过大")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberError("应为有限的数字")
        if len(raw.as_tuple().digits) > MAX_NUMBER_TEXT or (
                raw and not -MAX_NUMBER_TEXT <= raw.adjusted() <= MAX_EXPONENT):
            raise NumberError("数值过大" if raw.adjusted() > 0 else "数字过长")
        return raw
    if not isinstance(raw, str):
        raise NumberError("应为数字")
    text = raw.strip()
    if typed:
        text = text.translate(_FULL_WIDTH)
    if not text:
        raise NumberError("应为数字，收到空白")
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberError(f"数字过长（最多 {MAX_NUMBER_TEXT} 个字符）")
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise NumberError(_why_not(text))
    exponent = match.group(1)
    if exponent is not None and plain:
        raise NumberError(f"不能用科学计数法，请直接写出数字，收到「{text}」")
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise NumberError(("数值过大" if int(exponent) > 0 else "小数位数过多")
                          + f"（科学计数法的指数最多 ±{MAX_EXPONENT}）")
    return Decimal(text)


def _why_not(text: str) -> str:
    if "," in text or "，" in text:
        return f"不能有千位分隔符或逗号，收到「{text}」（如 3600.5）"
    if "_" in text:
        return f"不能有下划线，收到「{text}」"
    if text.count(".") > 1:
        return f"只能有一个小数点，收到「{text}」"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return f"只能用阿拉伯数字 0-9，收到「{text}」"
    return f"应为数字（如 12 或 12.5），收到「{text}」"
