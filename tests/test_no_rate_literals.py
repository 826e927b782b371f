"""Every rate, amount and threshold lives in the standard file with its citation (review finding
10): no Decimal literal of a rate in the code. Whole numbers (counts, powers of ten, input
limits) and rounding quanta (0.01, 0.0001, "0.00") are not rates; the few other fractions in
code are listed below, each with why it is not a figure of the gazette."""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "wulong_desk"
SKIPPED = {
    "rules/standard.py",  # the standard file's reader
    # the demo's made-up households (areas, ratios): sample input, no rule
    "services/projects/demo.py",
}
# (file, literal) pairs a test found and a person judged no rate (none today: the dashboard's
# chart axis, the last entry, gave way to a table of the lines with their share bars)
ALLOWED: set[tuple[str, str]] = set()


def _is_decimal_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "Decimal") or (
        isinstance(func, ast.Attribute) and func.attr == "Decimal")


def _number(constant: ast.Constant) -> Decimal | None:
    value = constant.value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _harmless(number: Decimal) -> bool:
    """A whole number, a zero written with places, or a rounding quantum 10⁻ⁿ."""
    if number == number.to_integral_value():
        return True
    return number.normalize().as_tuple().digits == (1,) and number < 1


def suspicious_literals(root: Path = PACKAGE) -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative in SKIPPED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in filter(_is_decimal_call, ast.walk(tree)):
            for arg in call.args:
                for node in ast.walk(arg):  # also Decimal(x or "0.90")
                    if not isinstance(node, ast.Constant):
                        continue
                    number = _number(node)
                    if number is None or _harmless(number):
                        continue
                    if (relative, str(node.value)) not in ALLOWED:
                        found.append((relative, node.lineno, str(node.value)))
    return found


def test_no_rate_is_written_as_a_decimal_literal_in_the_code():
    assert suspicious_literals() == [], (
        "rates and thresholds belong in resources/standards/*.toml with their citation")


def test_the_scan_finds_the_literals_the_review_found(tmp_path):
    """The scan itself can fail: the forms review finding 10 named are caught, quanta are not."""
    (tmp_path / "bad.py").write_text(
        "from decimal import Decimal\n"
        "import decimal\n"
        'PRESIGN_MIN = Decimal("0.90")\n'
        "rate: Decimal = Decimal('0.05')\n"
        'threshold = Decimal(project.get("presign_threshold") or "0.90")\n'
        'equipment = decimal.Decimal("0.15")\n'
        'CENT = Decimal("0.01")\n'
        'ZERO = Decimal("0.00")\n'
        "RATIO = Decimal('0.0001')\n"
        "ONE = Decimal(1)\n", encoding="utf-8")
    assert suspicious_literals(tmp_path) == [
        ("bad.py", 3, "0.90"), ("bad.py", 4, "0.05"), ("bad.py", 5, "0.90"),
        ("bad.py", 6, "0.15")]


def test_every_allowed_fraction_is_still_there():
    """An allow-list entry whose literal is gone is removed, so the list stays short."""
    present = set()
    for relative, literal in ALLOWED:
        text = (PACKAGE / relative).read_text(encoding="utf-8")
        if f'Decimal("{literal}")' in text or f"Decimal('{literal}')" in text:
            present.add((relative, literal))
    assert present == ALLOWED


def test_the_presign_floor_is_a_cited_parameter_of_the_standard():
    from wulong_desk.rules import default_standards

    for standard in default_standards():
        floor = standard.params["presign_share_min"]
        assert floor.value == Decimal("0.90")  # 办法第二十三条: 不低于90%
        assert floor.cite == "办法第二十三条" and floor.unit == "比率"


def test_options_take_their_defaults_from_the_standard_only():
    """Neither the engine's options nor the project columns carry a default of their own: the
    standard's [options]/[readings] give it (rules.inputs), services.projects.project writes it."""
    from dataclasses import MISSING, fields

    from wulong_desk.rules.model import ProjectOptions
    from wulong_desk.store.models import Project

    with_default = {f.name for f in fields(ProjectOptions)
                    if f.default is not MISSING or f.default_factory is not MISSING}
    # (optional dates, not figures)
    assert with_default == {"signing_start", "presign_start", "presign_end", "decision_made_on"}
    columns = ("presign_threshold", "residential_extra_area", "nonresidential_guide_rate",
               "manufacturing_uplift", "equipment_rate", "maintenance_fund_rate")
    assert {name: Project.__table__.c[name].default for name in columns} == dict.fromkeys(
        columns)


def test_the_presign_floor_is_read_from_the_standard_in_force(tmp_path, monkeypatch):
    """A standard with a higher floor (a made-up edition) moves the check and the default."""
    from dataclasses import replace

    from store_helpers import project_form

    from wulong_desk.rules.inputs import InputError
    from wulong_desk.rules.standard import StandardSet, default_standards
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_store

    changed = []
    for standard in default_standards():
        floor = replace(standard.params["presign_share_min"], value=Decimal("0.95"))
        changed.append(replace(standard, params={**standard.params, floor.name: floor}))
    monkeypatch.setattr(projects, "default_standards", lambda: StandardSet(changed))
    store = open_store(tmp_path / "floor.sqlite", "王经办")
    try:
        try:
            projects.create_project(store, project_form(2, old_town=True,
                                                        presign_threshold="0.92"))
        except InputError as exc:
            messages = [problem.message for problem in exc.problems]
        else:
            messages = []
        assert messages == ["不能小于 0.95（办法第二十三条：预签比例不低于95%）"]
        project_id = projects.create_project(store, project_form(2, old_town=True))
        listed = {p["id"]: p for p in projects.list_projects(store)}
        assert listed[project_id]["presign_threshold"] == "0.95"
    finally:
        store.close()
