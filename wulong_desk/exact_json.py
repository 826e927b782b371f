"""Reading JSON that people and other programs hand us (calc requests, case packages): decimal
numbers kept as their text, never a float, and every way the text can fail to be read turned
into one clear message — never a traceback."""

from __future__ import annotations

import json
import sys
from typing import Any


class JsonTextError(ValueError):
    """The text cannot be read as JSON; str() is the message for the user."""


# json's own (English) reasons, in words a clerk reads; anything else: only where it is
_REASONS = (("Expecting value", "此处缺少值"),
            ("Expecting property name", "键名须用英文双引号括起"),
            ("Expecting ',' delimiter", "缺少逗号"),
            ("Expecting ':' delimiter", "缺少冒号"),
            ("Unterminated string", "引号没有结束"),
            ("Invalid control character", "引号内有控制字符"),
            ("Invalid \\escape", "无效的转义字符"),
            ("Invalid \\uXXXX escape", "无效的转义字符"),
            ("Extra data", "内容结束后还有多余的文字"))


def _reason(msg: str) -> str:
    for start, words in _REASONS:
        if msg.startswith(start):
            return f"：{words}"
    return ""


def parse_exact(text: str) -> Any:
    """The JSON value of `text`, with decimal numbers as strings (the engine's reader makes
    them Decimal)."""
    try:
        return json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）"
                            f"{_reason(exc.msg)}") from exc
    except RecursionError as exc:
        raise JsonTextError("JSON 嵌套层数过多，无法读取") from exc
    except ValueError as exc:  # an integer longer than Python turns into a number
        raise JsonTextError(f"JSON 中有超过 {sys.get_int_max_str_digits()} 位的整数，无法读取"
                            ) from exc
