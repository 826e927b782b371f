"""Reading JSON that people and other programs hand us (calc requests, case packages): decimal
numbers kept as their text, never a float, and every way the text can fail to be read turned
into one clear message — never a traceback."""

from __future__ import annotations

import gc
import json
import sys
from typing import Any


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
        raise JsonTextError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}"
                            ) from exc
    except RecursionError as exc:
        raise JsonTextError("JSON 嵌套层数过多，无法读取") from exc
    except ValueError as exc:  # an integer longer than Python turns into a number
        raise JsonTextError(f"JSON 中有超过 {sys.get_int_max_str_digits()} 位的整数，无法读取"
                            ) from exc
    finally:
        if paused:
            gc.enable()
