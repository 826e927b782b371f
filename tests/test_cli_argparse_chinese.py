"""argparse's own messages (a mistyped option, a missing one, a help page) are Chinese and
name the option, like every other message of the command."""

from __future__ import annotations

import re

import pytest

from wulong_desk.cli import main

LATIN_WORDS = re.compile(r"\b(usage|error|argument|arguments|invalid|required|choose|options|"
                         r"positional|show this help|unrecognized|expected|ambiguous|"
                         r"could match|not allowed|ignored|one of)\b")


def run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out = capsys.readouterr()
    return stop.value.code, out.out + out.err


@pytest.mark.parametrize(("argv", "words"), [
    (("cases", "--project", "abc"), ("--project", "'abc'", "不是有效的整数")),
    (("cases",), ("缺少必填项", "--project")),
    (("set-status", "--case", "1", "--to", "bogus"), ("--to", "“bogus”", "已签约")),
    (("workdays", "2026-09-30", "x"), ("N", "'x'", "整数")),
    (("cases", "--project", "1", "--nonsense"), ("无法识别的参数", "--nonsense")),
    (("agreement", "--case", "1", "--project", "2"), ("不能与", "--case")),
    (("demo", "--households"), ("--households", "需要一个值")),
])
def test_argument_errors_are_chinese_and_name_the_option(capsys, argv, words):
    code, text = run(capsys, *argv)
    assert code == 2
    assert "错误" in text and "用法：" in text
    for word in words:
        assert word in text, (word, text)
    assert not LATIN_WORDS.search(text), text


def test_every_option_says_in_chinese_what_it_is():
    import argparse

    from wulong_desk.cli import build_parser

    def options(parser: argparse.ArgumentParser, name: str):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command, sub in action.choices.items():
                    yield from options(sub, f"{name} {command}")
            elif action.option_strings:
                yield name, action.option_strings[-1], action.help or ""

    found = list(options(build_parser(), "wulong-desk"))
    assert len(found) > 60
    silent = [(name, option) for name, option, text in found
              if text != argparse.SUPPRESS and not re.search(r"[\u4e00-\u9fff]", text)]
    assert silent == []


def test_help_pages_are_chinese(capsys):
    code, text = run(capsys, "delete-case", "--help")
    assert code == 0
    assert "用法：" in text and "显示本帮助并退出" in text and "选项" in text
    assert not LATIN_WORDS.search(text), text
    code, text = run(capsys, "--help")
    assert "参数" in text and not LATIN_WORDS.search(text), text



def test_service_refusals_name_the_field_in_chinese(tmp_path, capsys):
    """A refused stage change or void names 搬迁日期 / 理由, never moved_on / reason."""
    from store_helpers import project_with_case, walk_to

    from wulong_desk.store import open_store

    db = tmp_path / "c.sqlite"
    store = open_store(db, "测试")
    _, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    store.close()
    common = ["--db", str(db), "--operator", "测试"]
    assert main(["set-status", "--case", str(case_id), "--to", "moved",
                 "--moved-on", "2099-01-01", *common]) == 2   # refused input: exit 2
    err = capsys.readouterr().err
    assert err.startswith("错误：「搬迁日期」：") and "2099-01-01" in err, err
    assert main(["void", "--case", str(case_id), "--reason", "x", *common]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：「理由」：") and "至少4个字" in err, err
    for text in ("moved_on", "reason:"):
        assert text not in err


def test_a_stage_is_named_in_chinese_or_by_its_code(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    assert main(["--db", db, "--operator", "甲", "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "--operator", "甲", "cases", "--project", "1", "--status",
                 "已签约"]) == 0
    by_word = capsys.readouterr().out
    assert main(["--db", db, "--operator", "甲", "cases", "--project", "1", "--status",
                 "signed"]) == 0
    assert capsys.readouterr().out == by_word and "已签约" in by_word and "已搬迁" not in by_word


def test_an_empty_listing_says_so(tmp_path, capsys):
    db = str(tmp_path / "e.sqlite")
    assert main(["--db", db, "--operator", "甲", "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "--operator", "甲", "housing", "list", "--project", "1"]) == 0
    assert capsys.readouterr().out.strip() == "（没有记录）"


def _parser():
    from wulong_desk.commands.argparse_words import ChineseArgumentParser

    parser = ChineseArgumentParser(prog="样例")
    parser.add_argument("--count", type=int)
    parser.add_argument("--kind", choices=("money", "exchange"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--pair", nargs=2)
    parser.add_argument("--names", nargs="+")
    parser.add_argument("--search")
    parser.add_argument("--status")
    either = parser.add_mutually_exclusive_group(required=True)
    either.add_argument("--case")
    either.add_argument("--project")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.add_parser("cases")
    return parser


@pytest.mark.parametrize(("argv", "words"), [
    (["--count", "x", "--case", "1"], ("--count", "'x' 不是有效的整数")),
    (["--kind", "gift", "--case", "1"], ("--kind", "没有 'gift' 这一项", "money")),
    (["--json=1", "--case", "1"], ("--json", "多余的值")),
    (["--pair", "a", "--case", "1"], ("--pair", "后面需要 2 个值")),
    (["--names", "--case", "1"], ("--names", "后面至少需要一个值")),
    (["--s", "x", "--case", "1"], ("选项 --s 不明确", "--search", "--status")),
    (["--case", "1", "--project", "2"], ("--project", "不能与 --case 同时使用")),
    (["--json"], ("--case", "--project", "必须给出其中一个")),
    (["--case", "1", "bogus"], ("命令", "没有 'bogus' 这一项", "cases")),
    (["--case", "1", "cases", "extra"], ("无法识别的参数：extra",)),
])
def test_each_of_argparses_messages_is_said_in_chinese(capsys, argv, words):
    """argparse's own messages, as this Python's argparse words them, reach the clerk in
    Chinese (a message the translation does not know would stay English and fail here)."""
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args(argv)
    text = capsys.readouterr().err
    assert stop.value.code == 2 and text.startswith("用法：样例 ") and "样例：错误：" in text
    for word in words:
        assert word in text, (word, text)
    assert not LATIN_WORDS.search(text), text
