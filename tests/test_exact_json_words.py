"""Review findings 11 and 12: a JSON reading error tells a clerk where (line and column) in
Chinese, without json's English reason; the collector is never paused (issue 16)."""

from __future__ import annotations

import gc
import re

import pytest

from wulong_desk.exact_json import JsonTextError, parse_exact


@pytest.mark.parametrize("text", ['{"a": }', "{a: 1}", "[1 2]", '"abc', '{"a" 1}', "[1] x",
                                  '"\\q"', "\n\n  [1,,2]"])
def test_message_is_chinese_and_says_where(text):
    with pytest.raises(JsonTextError) as caught:
        parse_exact(text)
    message = str(caught.value)
    assert re.search(r"第\d+行第\d+列", message)
    assert not re.search(r"[A-Za-z]{2,}", message.replace("JSON", "")), message


def test_where_is_the_right_line_and_column():
    with pytest.raises(JsonTextError, match="第3行第7列"):
        parse_exact('{\n "a": 1,\n "b": }')


def test_the_collector_is_never_paused(monkeypatch):
    def refuse() -> None:
        raise AssertionError("gc.disable() called")

    monkeypatch.setattr(gc, "disable", refuse)
    assert parse_exact('{"a": [1.50, 2]}') == {"a": ["1.50", 2]}
