"""Reading JSON that people and other programs hand us (calc requests, case packages): decimal
numbers kept as their text, never a float, and every way the text can fail to be read turned
into one clear message — never a traceback."""

from __future__ import annotations

import gc
import json
import sys
from typing import Any

# what Python's JSON reader says (the text before " at"/" starting"), in Chinese
JSON_WORDS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为用双引号括起的字段名",
    "Expecting ',' delimiter": "此处缺少逗号",
    "Expecting ':' delimiter": "此处缺少冒号",
    "Unterminated string starting at": "字符串没有结束的引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "JSON 结束后还有多余内容",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


def _in_words(message: str) -> str:
    return JSON_WORDS.get(message, JSON_WORDS.get(message.rpartition(" ")[0], "无法读取"))


class JsonTextError(ValueError):
    """The text cannot be read as JSON; str() is the message for the user."""


def parse_exact(text: str) -> Any:
    """The JSON value of `text`, with decimal numbers as strings (the engine's reader makes
    them Decimal). The cyclic collector is paused while the many small objects of a large
    batch are made."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）："
                            f"{_in_words(exc.msg)}") from exc
    except RecursionError as exc:
        raise JsonTextError("JSON 嵌套层数过多，无法读取") from exc
    except ValueError as exc:  # an integer longer than Python turns into a number
        raise JsonTextError(f"JSON 中有超过 {sys.get_int_max_str_digits()} 位的整数，无法读取"
                            ) from exc
    finally:
        if paused:
            gc.enable()
