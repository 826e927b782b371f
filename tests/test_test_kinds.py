"""Tests say what they are (issue 30 item 6). A test of money figures is one of two kinds,
registered as pytest markers in pyproject.toml and explained in CONTRIBUTING.md:

- `independent`: the expected figures come from outside our code — the spec's worked examples,
  the independent reading (tests/reference_calc.py) or a table worked by hand;
- `consistency`: two of our own paths agree — batch and single, ledger and record, the stored
  figures before and after a migration.

The rule, kept simple: every module named in MONEY_MODULES, and every module that imports the
independent reading or reads the spec's expected figures (resources/examples/expected.json),
declares its kind — either the whole module (`pytestmark = pytest.mark.independent`), or, in a
module that holds both kinds, each test of figures on its own decorator. No test is both."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
KINDS = ("independent", "consistency")

# the modules whose subject is money figures: the engine, money over time, the documents
MONEY_MODULES = {
    "test_examples.py", "test_boundaries.py", "test_properties.py", "test_spec_observations.py",
    "test_cli_calc.py", "test_cli_store.py", "test_contract_revision.py",
    "test_revision3_migration.py", "test_money_over_time.py", "test_money_settled.py",
    "test_payments.py",
    "test_dashboard.py", "test_search_summary.py", "test_ledger.py", "test_ledger_payments.py",
    "test_verify_and_void.py", "test_verify_tampering.py", "test_agreement.py",
    "test_notice.py", "test_public_notices.py",
}


def _kinds_of(node: ast.expr) -> set[str]:
    """The kinds named by `pytest.mark.KIND` inside an expression (a mark, or a list of marks)."""
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr in KINDS
            and isinstance(n.value, ast.Attribute) and n.value.attr == "mark"}


def _governed(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    imports_reference = re.search(r"^(from|import) reference_calc\b", text, re.M)
    return path.name != Path(__file__).name and bool(
        path.name in MONEY_MODULES or imports_reference or "expected.json" in text)


def declared(path: Path) -> tuple[set[str], dict[str, set[str]]]:
    """The module's own kinds (from `pytestmark`) and each test function's (from decorators)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module: set[str] = set()
    tests: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            module |= _kinds_of(node.value)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            tests[node.name] = set().union(*(_kinds_of(d) for d in node.decorator_list))
    return module, tests


def test_both_kinds_are_registered_markers():
    config = tomllib.loads((HERE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    assert sorted(m.split(":")[0] for m in markers if m.split(":")[0] in KINDS) == sorted(KINDS)


def problems(path: Path) -> list[str]:
    """What the module fails to say: nothing, or one line per fault."""
    module, tests = declared(path)
    found = [f"{path.name}::{name} is declared both kinds"
             for name, kinds in tests.items() if len(kinds) > 1]
    if len(module) > 1:
        found.append(f"{path.name}: the module is declared both kinds")
    elif not module and not any(tests.values()):
        found.append(f"{path.name}: no kind declared")
    elif module:
        found += [f"{path.name}::{name} contradicts the module's kind"
                  for name, kinds in tests.items() if kinds - module]
    return found


def test_every_module_of_money_figures_declares_its_kind():
    governed = sorted(p for p in HERE.glob("test_*.py") if _governed(p))
    assert {p.name for p in governed} >= MONEY_MODULES      # none of them renamed away
    assert [problem for path in governed for problem in problems(path)] == []


@pytest.mark.parametrize(("source", "problem"), [
    ("import pytest\n\ndef test_a():\n    assert '1.00'\n", "no kind declared"),
    ("import pytest\npytestmark = [pytest.mark.independent, pytest.mark.consistency]\n",
     "the module is declared both kinds"),
    ("import pytest\n\n@pytest.mark.independent\n@pytest.mark.consistency\ndef test_a():\n"
     "    pass\n", "test_a is declared both kinds"),
    ("import pytest\npytestmark = pytest.mark.independent\n\n@pytest.mark.consistency\n"
     "def test_a():\n    pass\n", "test_a contradicts the module's kind"),
])
def test_the_rule_catches_a_module_that_does_not_say(tmp_path, source, problem):
    path = tmp_path / "test_examples.py"
    path.write_text(source, encoding="utf-8")
    assert [p for p in problems(path) if problem in p]


def test_a_module_that_says_passes(tmp_path):
    path = tmp_path / "test_examples.py"
    path.write_text("import pytest\n\n@pytest.mark.independent\ndef test_a():\n    pass\n"
                    "\n\ndef test_words():\n    pass\n", encoding="utf-8")
    assert problems(path) == []
