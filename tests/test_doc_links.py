"""The documentation holds together (issue 30 item 7): every relative link in README.md,
CONTRIBUTING.md, bench/README.md and docs/*.md points to a file that exists, and a link with an
anchor (`file.md#heading`, `#heading`) to a heading that file has — the anchor made from the
heading as GitHub makes it (lower case, punctuation dropped, spaces to hyphens). The README stays
a front door: at most 200 lines, opening with the two commands."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~)")


def documents() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "bench" / "README.md",
            *sorted((ROOT / "docs").glob("*.md"))]


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code (a link there is not a link)."""
    kept, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    text = path.read_text(encoding="utf-8")
    for line in prose_lines(text):
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def prose_lines(text: str) -> list[str]:
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def broken_links(path: Path) -> list[str]:
    problems = []
    for target in LINK.findall(prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):     # http:, mailto: … not checked here
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{path.relative_to(ROOT)}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{path.relative_to(ROOT)}: {target} (no such heading)")
    return problems


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_what_exists(path):
    assert broken_links(path) == []


def test_the_checker_sees_a_missing_file_and_a_missing_heading(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "other.md").write_text("# 数据放在哪里\n\n## `wulong-desk calc`\n",
                                       encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[a](other.md#数据放在哪里) [b](other.md#wulong-desk-calc) "
                    "[c](gone.md) [d](other.md#nowhere) [e](#here)\n\n## Here\n\n"
                    "```\n[f](inside-code.md)\n```\n", encoding="utf-8")
    assert broken_links(page) == ["page.md: gone.md (no such file)",
                                  "page.md: other.md#nowhere (no such heading)"]


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert text.startswith("```sh\nbash .ci/setup && .venv/bin/wulong-desk\n"
                           "bash .ci/setup --test && .venv/bin/python -m pytest\n```\n")


def test_the_engine_s_tests_point_to_the_calculation_page():
    for name in ("test_examples.py", "test_boundaries.py", "test_properties.py",
                 "test_standard.py", "reference_calc.py"):
        assert "docs/calculation.md" in (ROOT / "tests" / name).read_text(encoding="utf-8"), name


def _commands(parser) -> list[str]:
    """Every command and action of the parser, as typed: `ledger`, `payments add` …"""
    import argparse

    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(name)
                found += [f"{name} {inner}" for inner in _commands(sub) if " " not in inner]
    return found


def test_the_command_line_page_lists_every_command():
    """docs/cli.md's table names every command and action `wulong-desk --help` offers."""
    from wulong_desk.cli import build_parser

    commands = _commands(build_parser())
    assert "payments add" in commands and "ledger" in commands
    table = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split("## Every command")[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    missing = []
    for command in commands:
        name, _, action = command.partition(" ")
        row = next((r for r in rows if r.startswith((f"| `{name} ", f"| `{name}`"))), None)
        if row is None or (action and not re.search(rf"[ |`\\]{re.escape(action)}[ |`\\]", row)):
            missing.append(command)
    assert missing == []
