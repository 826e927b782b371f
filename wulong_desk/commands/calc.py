"""`wulong-desk calc FILE.json` — the calculation contract on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from wulong_desk.errors import UsageError
from wulong_desk.rules import InputError, compute, default_standards, read_request
from wulong_desk.rules.standard import StandardSet


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("calc", help="按标准计算一户或一批案卷（JSON 输入输出）")
    parser.add_argument("file", help="输入 JSON 文件，- 表示标准输入")
    parser.set_defaults(run=run)


def load_json_text(text: str, where: str = "$") -> Any:
    """Parse JSON exactly (numbers as Decimal/int); a syntax error becomes an InputError line."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError([_problem(where, f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）："
                                          f"{exc.msg}")]) from exc


def _problem(path: str, message: str):
    from wulong_desk.rules.inputs import Problem

    return Problem(path, message)


def calculate(raw: Any, standards: StandardSet) -> Any:
    """One request object → result dict; an array → list of results. Raises InputError."""
    if isinstance(raw, list):
        results: list[dict[str, Any]] = []
        problems = []
        for index, item in enumerate(raw):
            try:
                options, case, standard = read_request(item, standards)
            except InputError as exc:
                problems.extend(exc.prefixed(f"[{index}].").problems)
                continue
            if not problems:
                results.append(compute(case, options, standard).to_json())
        if problems:
            raise InputError(problems)
        return results
    options, case, standard = read_request(raw, standards)
    return compute(case, options, standard).to_json()


def read_source(name: str) -> str:
    if name == "-":
        return sys.stdin.buffer.read().decode("utf-8-sig")
    try:
        with open(name, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise UsageError(f"找不到输入文件：{name}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"输入文件不是 UTF-8 编码：{name}") from exc
    except OSError as exc:
        raise UsageError(f"无法读取输入文件 {name}：{exc.strerror}") from exc


def run(args: argparse.Namespace) -> int:
    text = read_source(args.file)
    try:
        result = calculate(load_json_text(text), default_standards())
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
