"""居民身份证号码 (GB 11643-1999) checks and masking."""

from __future__ import annotations

import unicodedata
from datetime import date

from wulong_desk.invisible import visible

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_problem(number: str) -> str | None:
    """None if the 18-character ID number is well formed, else the reason in Chinese."""
    value = number.strip().upper()
    if len(value) != 18:
        return f"身份证号码应为18位，现在是{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号码前17位应为数字，最后一位为数字或X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if born.year < 1890 or born > date(2100, 1, 1):
        return "身份证号码中的出生日期无效"
    expected = check_digit(value[:17])
    if value[17] != expected:
        return f"身份证号码校验位错误（按前17位应为 {expected}）"
    return None


def mask_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a one-character name is masked whole
    (张 → *): every name in a public notice is masked. Counted after removing every kind of
    space and invisible character and every combining mark (张　三, 张\u200b三 and 张 三 are
    张三: a gap never shows the name's last character)."""
    value = "".join(char for char in visible(unicodedata.normalize("NFKC", name))
                    if unicodedata.category(char) not in ("Mn", "Mc", "Me"))
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]

