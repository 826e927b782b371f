"""A case package's problems in a clerk's words: each `cases[i]…` problem told as the household
it belongs to (第2户（A-002）) and the field, in the words of the case editor and the history."""

from __future__ import annotations

import re
from typing import Any

from wulong_desk.rules.inputs import Problem
from wulong_desk.services.cases.field_names import CaseProblem, describe, describe_message
from wulong_desk.services.cases.history import FIELDS, WORDS

_PACKAGE_NAMES = {"uuid": "案卷标识"}


def package_problems(problems: list[Problem], entries: list[Any]) -> list[Problem]:
    """Each `cases[i]…` problem told as 第i+1户（案卷编号）…; other problems as they are."""
    out: list[Problem] = []
    for problem in problems:
        match = _CASE_PATH.match(problem.path)
        if match is None:
            out.append(problem)
            continue
        index, rest = int(match["index"]), match["rest"] or ""
        entry = entries[index] if index < len(entries) else None
        number = entry.get("case_no") if isinstance(entry, dict) else None
        who = f"第{index + 1}户" + (f"（{number}）" if isinstance(number, str) and number else "")
        message = problem.message
        if isinstance(entry, dict):  # the importer's own "A-001（uuid）：" is said by `who`
            message = message.removeprefix(f"{number or '?'}（{entry.get('uuid')}）：")
        if message == "缺少 uuid":
            message = "缺少案卷标识"
        if not rest:
            text = f"{who}：{describe_message(message)}"   # (a service's field codes in words)
        elif rest in _PACKAGE_NAMES:
            text = f"{who}「{_PACKAGE_NAMES[rest]}」：{message}"
        elif rest.startswith("procedure"):
            text = f"{who}{_procedure_place(rest)}：{message}"
        else:
            text = who + describe(rest, message)
        worded = CaseProblem(problem.path, problem.message)
        worded.words = text
        out.append(worded)
    return out


def _procedure_place(rest: str) -> str:
    """procedure.dates.doc_title → 程序日期「土地房屋权属证书交回」; procedure.payments[0].amount
    → 拨付/收款第1笔「金额」."""
    date = re.fullmatch(r"procedure\.dates\.(\w+)", rest)
    if date:
        return f"程序日期「{WORDS['what'].get(date[1], '未知事项')}」"
    paid = re.fullmatch(r"procedure\.payments\[(\d+)\](?:\.(\w+))?", rest)
    if paid:
        field = FIELDS["payment"].get(paid[2] or "", "")
        return f"拨付/收款第{int(paid[1]) + 1}笔" + (f"「{field}」" if field else "")
    return "「程序记录」"


_CASE_PATH = re.compile(r"^cases\[(?P<index>\d+)\](?:\.(?P<rest>.+))?$")
