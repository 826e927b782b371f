"""Two versions of a case, field by field, in a clerk's words (for the conflict dialog: a save
that met someone else's newer save, or a case changed on a laptop and on the server)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wulong_desk.errors import UserError
from wulong_desk.field_words import COLUMNS, LISTS, SINGLE
from wulong_desk.services.cases.form import case_to_form, form_to_case
from wulong_desk.statuses import METHOD_LABELS, STATUS_LABELS

ROW_LISTS = {"owners": ("owners",), "case.parts": ("case", "parts"),
             "case.equipment": ("case", "equipment"),
             "case.exchange.houses": ("case", "exchange", "houses")}
SKIPPED = {"uuid", "version", "base", "trail"}
NAMES = SINGLE | {"remarks": "备注"}


@dataclass(frozen=True)
class Difference:
    field: str    # e.g. 房屋第1行「装修评估值」
    mine: str
    theirs: str


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return STATUS_LABELS.get(value) or METHOD_LABELS.get(value) or value
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value is False


def _flat(form: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """path → (label, value) for every single field and every cell of the row lists."""
    found: dict[str, tuple[str, Any]] = {}

    def walk(value: Any, path: str) -> None:
        if path in ROW_LISTS:
            rows = value if isinstance(value, list) else []
            for index, row in enumerate(rows):
                for key, cell in (row.items() if isinstance(row, dict) else []):
                    name = COLUMNS[path].get(key, key)
                    found[f"{path}[{index}].{key}"] = (f"{LISTS[path]}第{index + 1}行「{name}」",
                                                       cell)
            found[f"{path}#rows"] = (f"{LISTS[path]}（行数）", len(rows))
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
            return
        if path == "exchange_locations":
            for index, location in enumerate(value or []):
                found[f"exchange_locations[{index}]"] = (f"调换房屋第{index + 1}行「位置」",
                                                         location)
            return
        found[path] = (f"「{NAMES.get(path, path)}」", value)

    walk({k: v for k, v in form.items() if k not in SKIPPED}, "")
    return found


def _normal(form: dict[str, Any]) -> dict[str, Any]:
    """The form as the store would write it back (defaults filled in), when it is valid."""
    try:
        return case_to_form(form_to_case(form))
    except (UserError, ValueError, TypeError):
        return form


def compare_forms(mine: dict[str, Any], theirs: dict[str, Any]) -> list[Difference]:
    """Every field whose value differs, in the order the forms list them."""
    a, b = _flat(_normal(mine)), _flat(_normal(theirs))
    differences = []
    for path in dict.fromkeys([*a, *b]):
        label = (a.get(path) or b.get(path))[0]   # type: ignore[index]
        left, right = a.get(path, (label, None))[1], b.get(path, (label, None))[1]
        if _blank(left) and _blank(right):   # an unticked box and an absent one say the same
            continue
        if _show(left) != _show(right):
            differences.append(Difference(label, _show(left), _show(right)))
    return differences
