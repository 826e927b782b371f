"""`wulong-desk calc FILE.json` — the calculation contract on the command line.

Numbers are read exactly: JSON numbers are kept as their decimal text (never a float) and turned
into Decimal by the engine's reader. A batch (a JSON array) is read, computed and written in one
plain loop in this process: a district project of some thousands of households takes a few
seconds at most (bench/bench_calc.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from wulong_desk.errors import InputError, Problem, UsageError

if TYPE_CHECKING:
    from wulong_desk.rules.standard import StandardSet

# (The engine is imported by the functions that use it: every command, the desktop app
# included, builds this command's parser at start.)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("calc", help="按标准计算一户或一批案卷（JSON 输入输出）")
    parser.add_argument("file", help="输入 JSON 文件，- 表示标准输入")
    parser.set_defaults(run=run)


def load_json_text(text: str) -> Any:
    """Parse JSON exactly (decimal numbers kept as text); text that cannot be read is an
    InputError line."""
    from wulong_desk.exact_json import JsonTextError, parse_exact

    try:
        return parse_exact(text)
    except JsonTextError as exc:
        raise InputError([Problem("$", str(exc))]) from exc


def calculate_one(raw: Any, standards: StandardSet) -> dict[str, Any]:
    """One request → the contract's output object."""
    from wulong_desk.rules.compute import compute
    from wulong_desk.rules.inputs import read_request

    options, case, standard = read_request(raw, standards)
    return compute(case, options, standard).to_json()


def calculate_batch(items: list[Any], standards: StandardSet) -> str:
    """A batch → the JSON array of its results, in input order, as text. Raises InputError with
    every problem found in the whole batch, so that nothing is written when one is bad."""
    results: list[str] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            output = calculate_one(item, standards)
        except InputError as exc:
            problems.extend(exc.prefixed(f"[{index}].").problems)
            continue
        if not problems:
            results.append(json.dumps(output, ensure_ascii=False))
    if problems:
        raise InputError(problems)
    return "[" + ", ".join(results) + "]"


def read_source(name: str) -> str:
    if name == "-":
        try:
            return sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsageError("标准输入不是 UTF-8 编码") from exc
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
    """Bad input raises InputError: the command line prints one line per problem, exit 2."""
    from wulong_desk.rules.standard import default_standards

    standards = default_standards()  # before the input, so a bad standard file is named first
    raw = load_json_text(read_source(args.file))
    if isinstance(raw, list):
        text = calculate_batch(raw, standards)
    else:
        text = json.dumps(calculate_one(raw, standards), ensure_ascii=False, indent=2)
    _write(text + "\n")
    return 0


def _write(text: str) -> None:
    """The result to standard output in UTF-8 whatever the console's encoding."""
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    out.write(text.encode("utf-8"))
    out.flush()
