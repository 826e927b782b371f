"""argparse in Chinese: usage, help headings and argparse's own error messages, so a clerk who
mistypes an option reads Chinese that names the option, never 'invalid int value'.

Done through argparse's own extension points, nothing of argparse replaced: `ChineseArgumentParser`
(the command's parser, and so its subcommands' parsers) gives its help option a Chinese text,
formats help with `ChineseHelpFormatter` (the usage prefix, the section headings) and overrides
`error()`, through which every message about the command line passes, to say it in Chinese.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

HEADINGS = {"positional arguments": "参数", "options": "选项", "optional arguments": "选项"}

# argparse's messages (their wording in Python 3.11 to 3.13) and what a clerk reads instead;
# tests/test_cli_argparse_chinese.py makes each one happen and finds no English left
MESSAGES = [(re.compile(pattern, re.DOTALL), words) for pattern, words in (
    (r"the following arguments are required: (.*)", "缺少必填项：{0}"),
    (r"one of the arguments (.*) is required", "{0} 必须给出其中一个"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"not allowed with argument (.*)", "不能与 {0} 同时使用"),
    (r"ignored explicit argument (.*)", "多余的值 {0}"),
    (r"expected one argument", "后面需要一个值"),
    (r"expected at most one argument", "后面最多一个值"),
    (r"expected at least one argument", "后面至少需要一个值"),
    (r"expected (\d+) arguments?", "后面需要 {0} 个值"),
    (r"ambiguous option: (.*) could match (.*)", "选项 {0} 不明确，可能是 {1}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "没有 {0} 这一项（可选：{1}）"),
    (r"unknown parser (.*) \(choices: (.*)\)", "没有 {0} 这一项（可选：{1}）"),
    (r"can't open '(.*)': (.*)", "无法打开“{0}”：{1}"),
    (r"unexpected option string: (.*)", "多余的选项 {0}"),
)]
ARGUMENT = re.compile(r"argument (.+?): (.*)", re.DOTALL)  # "argument --project: <message>"
INVALID = re.compile(r"invalid (\w+) value: (.*)", re.DOTALL)  # a value `type=int` refused
# the names of argument types as argparse prints them (`type=int` → 'int')
TYPE_WORDS = {"int": "整数", "float": "数字", "Path": "路径"}

# what the options several commands share mean, where a command does not say it itself
OPTION_HELP = {
    "--project": "项目序号（projects 命令列出的第一列）",
    "--case": "案卷序号（cases 命令列出的第一列）",
    "--json": "以 JSON 格式输出（供其他程序读取）",
    "--out": "输出到此文件",
    "--out-dir": "输出到此文件夹（每户一个文件）",
    "--reason": "理由（必填，记入修改记录）",
}


def chinese(message: str) -> str:
    """One of argparse's error messages in Chinese (a message it does not know is kept)."""
    if found := ARGUMENT.fullmatch(message):
        return f"{found[1]}：{chinese(found[2])}"
    if found := INVALID.fullmatch(message):
        return f"{found[2]} 不是有效的{TYPE_WORDS.get(found[1], '值')}"
    for pattern, words in MESSAGES:
        if found := pattern.fullmatch(message):
            return words.format(*found.groups())
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """用法： before the usage, the section headings (参数, 选项) in Chinese."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(HEADINGS.get(heading or "", heading))


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese; the parsers of its subcommands are made of the
    same class (argparse's `add_subparsers` makes them of the parser's own class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:  # argparse's own -h/--help, with its text in Chinese
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{chinese(message)}\n")


def explain_options(parser: argparse.ArgumentParser) -> None:
    """Give every option of `parser` and its commands that has no help text the shared one
    from OPTION_HELP, so `--help` never lists an option without saying what it is."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                explain_options(command)
        elif not action.help:
            for name in action.option_strings:
                if name in OPTION_HELP:
                    action.help = OPTION_HELP[name]
