"""What each field of a case is called on screen, so a problem found by the checker or the
engine (reported by its path, e.g. case.parts[1].unit_price) reads as a clerk would say it:
房屋第2行「评估单价」：必须填写. The case editor's tables take their column titles from here."""

from __future__ import annotations

import re

from wulong_desk.field_words import COLUMNS, LISTS, PROJECT, SINGLE
from wulong_desk.rules import default_standards
from wulong_desk.rules.inputs import Problem

_ITEM = re.compile(r"^(?P<list>owners|case\.parts|case\.equipment|case\.exchange\.houses)"
                   r"\[(?P<index>\d+)\]\.(?P<key>\w+)$")


_NAMED = re.compile(r" ?\b((?:case|project)\.[a-z_]+) ?")


def in_words(message: str) -> str:
    """A rule's message with the other fields it names (case.signed_on, project.presign_end…)
    as a clerk calls them: 「签约日期」 (a name the message already says just before is not
    said twice: 征收决定公告日 project.announced_on → 「征收决定公告日」)."""
    said: set[str] = set()

    def named(match: re.Match[str]) -> str:
        path = match[1]
        label = (project_label(path.split(".", 1)[1]) if path.startswith("project.")
                 else SINGLE.get(path))
        if not label or label == "项目":
            return match[0]
        said.add(label)
        return f"「{label}」"

    text = _NAMED.sub(named, message)
    for label in said:
        text = text.replace(f"{label}「{label}」", f"「{label}」")
    return text


def describe(path: str, message: str, row: int | None = None) -> str:
    """A problem in a clerk's words. `row` (1-based) overrides the row the path gives (the
    editor skips blank rows when it reads its tables)."""
    message = in_words(message)
    match = _ITEM.match(path)
    if match:
        number = row if row is not None else int(match["index"]) + 1
        column = COLUMNS[match["list"]].get(match["key"], match["key"])
        return f"{LISTS[match['list']]}第{number}行「{column}」：{message}"
    name = _name(path) if path else ""
    return f"「{name}」：{message}" if name else message


def line_label(code: str) -> str | None:
    """A line's label by its code (the standard files name it), None for no line code."""
    for standard in default_standards():
        if code in standard.lines:
            return standard.lines[code].label
    return None


def project_label(key: str) -> str:
    """A project field as the 新建项目/项目设置 dialog labels it: its own fields from PROJECT,
    options and readings by the standard file's label (the newest edition's)."""
    if key in PROJECT:
        return PROJECT[key]
    standard = max(default_standards(), key=lambda s: (s.effective_from, s.edition))
    if key in standard.options:
        return standard.options[key].label
    if key in standard.readings:
        return standard.readings[key].label
    if key in standard.retired_readings:   # named by a request or an old package: refused
        return f"{standard.retired_readings[key].label}（已取消的读法）"
    return "项目"


def _name(path: str) -> str:
    """The field's name; for a path not listed, the nearest listed one (never the code). A
    warning about a figure names the line (停产停业损失补偿). "" when nothing names it: the
    message then stands alone (it names its thing itself; never a made-up 「数据」)."""
    if path in SINGLE:
        return SINGLE[path]
    if path.startswith("project."):
        return project_label(path.split(".")[1])
    if label := line_label(path):
        return label
    plain = re.sub(r"\[\d+\]", "", path)
    while plain:
        if plain in SINGLE:
            return SINGLE[plain]
        plain = plain.rpartition(".")[0]
    return ""


def describe_stored(line: str) -> str:
    """A stored problem line ("path: message") in a clerk's words."""
    path, sep, message = line.partition(": ")
    return describe(path, message) if sep and " " not in path else line


def describe_message(text: str) -> str:
    """A service's message (problem lines joined by "；") in a clerk's words."""
    return "；".join(describe_stored(part) for part in text.split("；"))
class CaseProblem(Problem):
    """A problem with one case of a package: the path stays for programs; str() is what a
    clerk reads (第1户（A-001）房屋第1行「评估单价」：…), never the package's field codes."""

    words: str

    def __str__(self) -> str:
        return self.words
