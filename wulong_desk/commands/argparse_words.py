"""argparse's own words (usage, help headings, its error messages) in Chinese.

argparse looks each of its sentences up through gettext at the moment it prints it, by the
module-level names `_` and `ngettext`; `install()` points those at this table, so a clerk who
mistypes an option reads Chinese that names the option, never 'invalid int value'."""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填项：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "没有 %(value)r 这一项（可选：%(choices)s）",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "%s 必须给出其中一个",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 不明确，可能是 %(matches)s",
    "ignored explicit argument %r": "多余的值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
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

_installed = False


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


def translate(text: str) -> str:
    return WORDS.get(text, text)


def translate_n(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def _get_value(self: argparse.ArgumentParser, action: argparse.Action,
               arg_string: str) -> object:
    """argparse's own, with the type's name in Chinese in its message."""
    try:
        return _original_get_value(self, action, arg_string)
    except argparse.ArgumentError as exc:
        name = getattr(action.type, "__name__", None)
        if name in TYPE_WORDS:
            exc.message = exc.message.replace(f"有效的{name}", f"有效的{TYPE_WORDS[name]}")
        raise


_original_get_value = argparse.ArgumentParser._get_value


def install() -> None:
    """Point argparse's gettext at the Chinese table (idempotent)."""
    global _installed
    if _installed:
        return
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = translate_n  # type: ignore[attr-defined]
    argparse.ArgumentParser._get_value = _get_value  # type: ignore[method-assign]
    _installed = True
