"""Standard files: dated, cited parameters kept apart from the formulas.

A standard file is TOML in resources/standards/ (or the user's standards folder). It carries its id,
edition, effective dates, every parameter with unit and citation, the project options with their
ranges, the readings (options for sentences the gazette leaves open, each with its default and
one alternative), and the fourteen lines' labels, citations, formula templates and zero-notes.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from wulong_desk.errors import StandardError
from wulong_desk.paths import standard_dirs
from wulong_desk.rules.breakdown import GROUPS
from wulong_desk.rules.lines import LINES
from wulong_desk.rules.model import READING_KEYS, RETIRED_READING_KEYS

UNITS = frozenset(
    {"比率", "比率/月", "元", "元/户", "元/户·日", "元/户·次", "元/m²", "元/m²·日", "元/m²·次",
     "元/m²·月", "m²", "次"}
)
LINE_CODES = tuple(LINES)  # a standard declares exactly the lines the engine computes, in order
OPTION_KINDS = ("choice", "decimal", "date")
READING_KINDS = ("decimal", "choice", "bool")


@dataclass(frozen=True)
class Param:
    name: str
    value: Decimal
    unit: str
    cite: str
    help: str


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    label: str
    cite: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    default: Decimal | None = None
    unit: str = ""


ReadingValue = Decimal | str | bool


@dataclass(frozen=True)
class Reading:
    """A sentence the gazette leaves open, as a project option: the default and one
    alternative, each with its label; the article; the sentence (in our words) and the money
    the choice moves."""

    key: str
    kind: str
    default: ReadingValue
    alternative: ReadingValue
    default_label: str
    alternative_label: str
    label: str
    cite: str
    sentence: str
    money: str
    warning: str = ""  # shown on every case the default reading touches, when set
    retired: str = ""  # a retired reading (revision 3): why it went

    @property
    def choices(self) -> tuple[ReadingValue, ReadingValue]:
        return (self.default, self.alternative)

    def _same(self, value: Any, choice: ReadingValue) -> bool:
        """`value` (as read, or as the store's JSON writes it: "0.05") is `choice`."""
        if self.kind == "decimal":
            if isinstance(value, bool):
                return False
            try:
                return Decimal(str(value)) == choice
            except ArithmeticError:
                return False
        return value == choice and type(value) is type(choice)

    def label_for(self, value: Any) -> str:
        """The choice's words (an unknown value is shown as it is)."""
        if self._same(value, self.default):
            return self.default_label
        if self._same(value, self.alternative):
            return self.alternative_label
        return str(value)

class _Keep(dict):
    """Formats the parameters into a template and keeps every other placeholder for later."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Template(NamedTuple):
    """A formula template made ready at load: the standard's own numbers already written in,
    the case's numbers left as names. `head` is the text before the first name; `rest` holds
    each name with the text that follows it (see breakdown.fill)."""

    head: str
    rest: tuple[tuple[str, str], ...] = ()

    @classmethod
    def compile(cls, template: str, texts: Mapping[str, str]) -> Template:
        """Split `template` at its placeholders; a parameter's is replaced by its text. A
        template whose braces do not pair is kept as plain text (lint names it)."""
        try:
            fields = list(string.Formatter().parse(template))
        except ValueError:
            return cls(template)
        pieces: list[str] = []
        names: list[str] = []
        text = ""
        for literal, name, _, _ in fields:
            text += literal
            if name is None:
                continue
            if name in texts:
                text += texts[name]
            else:
                names.append(name)
                pieces.append(text)
                text = ""
        pieces.append(text)
        return cls(pieces[0], tuple(zip(names, pieces[1:], strict=True)))


@dataclass(frozen=True)
class LineSpec:
    code: str
    group: str
    label: str
    cite: str
    vars: tuple[str, ...]
    templates: Mapping[str, str]
    notes: Mapping[str, str]
    rendered: Mapping[str, str] = field(default_factory=dict)
    compiled: Mapping[str, Template] = field(default_factory=dict)

    def t(self, key: str) -> Template:
        """A formula template with the standard's parameters already filled in."""
        return self.compiled[key]

    def text(self, key: str) -> str:
        """A template as text, the standard's parameters filled in (for a piece of a term)."""
        return self.rendered[key]

    def note(self, key: str, **values: str) -> str:
        text = self.rendered["notes." + key]
        return text.format(**values) if values else text


@dataclass(frozen=True)
class Standard:
    id: str
    edition: int
    title: str
    effective_from: date
    effective_until: date | None
    documents: Mapping[str, str]
    params: Mapping[str, Param]
    options: Mapping[str, Option]
    lines: Mapping[str, LineSpec]
    sha256: str
    path: Path | None = None
    values: Mapping[str, Decimal] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    readings: Mapping[str, Reading] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    # the readings revision 3 retired, kept to name what a revision-2 record used
    retired_readings: Mapping[str, Reading] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    def p(self, name: str) -> Decimal:
        return self.values[name]


def _dec(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise StandardError(f"{where}: 应为数值")
    return Decimal(raw)


def _show(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _fill_params(template: str, texts: Mapping[str, str]) -> str:
    """The template with the standard's parameters written in, other placeholders kept. One
    whose braces do not pair is kept as it is: lint names it, and the file is refused."""
    try:
        return template.format_map(_Keep(texts))
    except ValueError:
        return template


def parse_standard(text: str, path: Path | None = None) -> Standard:
    """Parse one standard file; structural problems raise StandardError naming the key."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise StandardError(f"{path or '标准文件'}: TOML 格式错误：{exc}") from exc
    where = str(path.name) if path else "标准文件"
    try:
        params = {
            name: Param(name, _dec(body["value"], f"{where} params.{name}.value"), body["unit"],
                        body["cite"], body.get("help", ""))
            for name, body in data["params"].items()
        }
        options: dict[str, Option] = {}
        for name, body in data["options"].items():
            options[name] = Option(
                name=name,
                kind=body["kind"],
                label=body["label"],
                cite=body["cite"],
                help=body.get("help", ""),
                required=bool(body.get("required", False)),
                choices=tuple(body.get("choices", ())),
                choice_labels=tuple(body.get("choice_labels", ())),
                min=_dec(body["min"], f"{where} options.{name}.min") if "min" in body else None,
                max=_dec(body["max"], f"{where} options.{name}.max") if "max" in body else None,
                default=(_dec(body["default"], f"{where} options.{name}.default")
                         if "default" in body else None),
                unit=body.get("unit", ""),
            )
        lines: dict[str, LineSpec] = {}
        for code, body in data["lines"].items():
            templates = {k: v for k, v in body.items() if isinstance(v, str)
                         and k not in ("group", "label", "cite")}
            lines[code] = LineSpec(code, body["group"], body["label"], body["cite"],
                                   tuple(body.get("vars", ())), templates,
                                   dict(body.get("notes", {})))
        readings = _readings(data.get("readings", {}), f"{where} readings")
        retired = _readings(data.get("retired_readings", {}), f"{where} retired_readings")
        effective_from = data["effective_from"]
        effective_until = data.get("effective_until")
        if not isinstance(effective_from, date):
            raise StandardError(f"{where}: effective_from 应为日期")
        values = {name: param.value for name, param in params.items()}
        texts = {name: _show(value) for name, value in values.items()}
        for code, spec in list(lines.items()):
            rendered = {key: _fill_params(tpl, texts) for key, tpl in spec.templates.items()}
            rendered.update({f"notes.{key}": _fill_params(tpl, texts)
                             for key, tpl in spec.notes.items()})
            compiled = {key: Template.compile(tpl, texts) for key, tpl in spec.templates.items()}
            lines[code] = LineSpec(spec.code, spec.group, spec.label, spec.cite, spec.vars,
                                   spec.templates, spec.notes, rendered, compiled)
        return Standard(
            id=str(data["id"]),
            edition=int(data.get("edition", 1)),
            title=str(data.get("title", data["id"])),
            effective_from=effective_from,
            effective_until=effective_until,
            documents=dict(data.get("documents", {})),
            params=params,
            options=options,
            lines=lines,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            path=path,
            values=values,
            texts=texts,
            readings=readings,
            notes={str(k): str(v) for k, v in data.get("notes", {}).items()},
            retired_readings=retired,
        )
    except KeyError as exc:
        raise StandardError(f"{where}: 缺少必需的键 {exc.args[0]}") from exc


def _readings(table: Mapping[str, Any], where: str) -> dict[str, Reading]:
    """The [readings] (or [retired_readings]) tables: each with its default and alternative
    of its kind."""
    readings: dict[str, Reading] = {}
    for key, body in table.items():
        kind = body["kind"]
        values_: list[ReadingValue] = []
        for which in ("default", "alternative"):
            raw = body[which]
            where_ = f"{where}.{key}.{which}"
            if kind == "decimal":
                values_.append(_dec(raw, where_))
            elif kind == "bool":
                if not isinstance(raw, bool):
                    raise StandardError(f"{where_}: 应为 true 或 false")
                values_.append(raw)
            else:
                values_.append(str(raw))
        readings[key] = Reading(key, kind, values_[0], values_[1], body["default_label"],
                                body["alternative_label"], body["label"], body["cite"],
                                body.get("sentence", ""), body.get("money", ""),
                                body.get("warning", ""), body.get("retired", ""))
    return readings


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def lint(standard: Standard) -> list[str]:
    """Every problem that would make the standard unsafe to compute with (empty = fine)."""
    problems: list[str] = []
    sid = standard.id
    for name, param in standard.params.items():
        if not param.cite.strip():
            problems.append(f"{sid} params.{name}: 缺少出处")
        if param.unit not in UNITS:
            problems.append(f"{sid} params.{name}: 单位 {param.unit!r} 不在允许列表")
    for name, option in standard.options.items():
        if not option.cite.strip():
            problems.append(f"{sid} options.{name}: 缺少出处")
        if option.kind not in OPTION_KINDS:
            problems.append(f"{sid} options.{name}: 未知类型 {option.kind}")
        if option.kind == "choice" and not option.choices:
            problems.append(f"{sid} options.{name}: 选项为空")
        if option.kind == "choice" and len(option.choice_labels) != len(option.choices):
            problems.append(f"{sid} options.{name}: 选项与中文名称个数不符")
        if option.kind == "decimal":
            if option.unit not in UNITS:
                problems.append(f"{sid} options.{name}: 单位 {option.unit!r} 不在允许列表")
            if option.min is None:
                problems.append(f"{sid} options.{name}: 缺少下限")
            lo = option.min if option.min is not None else option.default
            hi = option.max if option.max is not None else option.default
            if option.default is None and not option.required:
                problems.append(f"{sid} options.{name}: 非必填项缺少默认值")
            elif option.default is not None and lo is not None and hi is not None and not (
                lo <= option.default <= hi
            ):
                problems.append(f"{sid} options.{name}: 须满足 下限 ≤ 默认值 ≤ 上限")
    if tuple(standard.readings) != READING_KEYS:
        problems.append(f"{sid} readings: 须按顺序恰好包含 {', '.join(READING_KEYS)}")
    for key in standard.retired_readings:
        if key not in RETIRED_READING_KEYS:
            problems.append(f"{sid} retired_readings.{key}: 不是计算规则已取消的读法"
                            f"（{', '.join(RETIRED_READING_KEYS)}）")
        elif not standard.retired_readings[key].retired.strip():
            problems.append(f"{sid} retired_readings.{key}: 缺少取消的理由（retired）")
    for key, reading in {**standard.readings, **standard.retired_readings}.items():
        if not reading.cite.strip():
            problems.append(f"{sid} readings.{key}: 缺少出处")
        if reading.kind not in READING_KINDS:
            problems.append(f"{sid} readings.{key}: 未知类型 {reading.kind}")
        if reading.default == reading.alternative:
            problems.append(f"{sid} readings.{key}: 默认读法与另一读法相同")
        if not reading.money.strip():
            problems.append(f"{sid} readings.{key}: 缺少对金额影响的说明")
    if tuple(standard.lines) != LINE_CODES:
        problems.append(f"{sid} lines: 须按顺序恰好包含 {', '.join(LINE_CODES)}")
    known = set(standard.params) | set(standard.options)
    for code, line in standard.lines.items():
        if not line.cite.strip():
            problems.append(f"{sid} lines.{code}: 缺少出处")
        if line.group not in GROUPS:
            problems.append(f"{sid} lines.{code}: 未知分组 {line.group}")
        allowed = known | set(line.vars)
        texts = list(line.templates.items()) + [(f"notes.{k}", v) for k, v in line.notes.items()]
        for key, template in texts:
            try:
                missing = placeholders(template) - allowed
            except ValueError:
                problems.append(f"{sid} lines.{code}.{key}: 模板括号不配对")
                continue
            for name in sorted(missing):
                problems.append(f"{sid} lines.{code}.{key}: 占位符 {{{name}}} 无法解析")
    return problems


def load_file(path: Path) -> Standard:
    standard = parse_standard(path.read_text(encoding="utf-8"), path)
    problems = lint(standard)
    if problems:
        raise StandardError("；".join(problems))
    return standard


class StandardSet:
    """All standards found in a list of folders, selected by a project's announcement date."""

    def __init__(self, standards: Iterable[Standard]):
        self._by_id: dict[str, Standard] = {}
        for standard in standards:
            if standard.id in self._by_id:
                raise StandardError(f"标准编号 {standard.id} 重复（{standard.path}）")
            self._by_id[standard.id] = standard

    @classmethod
    def from_dirs(cls, dirs: Iterable[Path]) -> StandardSet:
        found: list[Standard] = []
        for folder in dirs:
            for path in sorted(Path(folder).glob("*.toml")):
                found.append(load_file(path))
        return cls(found)

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, standard_id: str) -> Standard | None:
        return self._by_id.get(standard_id)

    def for_date(self, day: date) -> Standard:
        """The newest edition in force on the announcement date; none → StandardError."""
        covering = [s for s in self._by_id.values() if s.covers(day)]
        if not covering:
            raise StandardError(f"{day.isoformat()} 没有生效的补偿标准（no standard in force on "
                                f"{day.isoformat()}；办法第六十条）")
        return max(covering, key=lambda s: (s.effective_from, s.edition))


# Kept once loaded: reading and checking the standard files takes ~1.6 ms here, which every
# recompute would pay (10,000 cases: 16 s more against bench_recompute's 10 s target; a tenth of
# the editor's 16 ms per keystroke).
_DEFAULT: StandardSet | None = None


def default_standards() -> StandardSet:
    """The standards shipped with the app plus any in the user's standards folder (cached)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = StandardSet.from_dirs(standard_dirs())
    return _DEFAULT
