"""The standard file: complete, cited, internally consistent, and selected by date
(docs/calculation.md, "The standard file")."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import request

from wulong_desk.paths import resources_dir
from wulong_desk.rules import InputError, StandardError, StandardSet, compute, read_request
from wulong_desk.rules.standard import LINE_CODES, UNITS, lint, load_file, parse_standard

BUNDLED = resources_dir() / "standards" / "wulong-2023.toml"


def bundled_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


def test_bundled_standard_passes_lint():
    standard = parse_standard(bundled_text())
    assert lint(standard) == []
    assert standard.id == "wulong-2023"
    assert standard.effective_from == date(2023, 3, 16)
    assert standard.documents == {"banfa": "武隆府发〔2023〕5号",
                                  "biaozhun": "武隆府办发〔2023〕8号"}


def test_every_parameter_has_citation_unit_and_exact_value():
    standard = load_file(BUNDLED)
    for param in standard.params.values():
        assert param.cite and (param.cite.startswith("办法") or param.cite.startswith("标准"))
        assert param.unit in UNITS
        assert isinstance(param.value, Decimal)
    for option in standard.options.values():
        assert option.cite
        if option.kind == "decimal":
            assert option.min is not None and option.min <= option.default
            assert option.max is None or option.default <= option.max
    assert tuple(standard.lines) == LINE_CODES


def test_spec_figures_are_in_the_file():
    p = load_file(BUNDLED).values
    assert p["guide_res_rate"] == Decimal("0.12")
    standard = load_file(BUNDLED)
    # the monthly rate as the gazette prints it (标准第1项, 办法第四十二条): a parameter, and
    # no longer a reading (revision 3)
    assert p["interrupt_exchange_rate"] == Decimal("0.05")
    assert standard.params["interrupt_exchange_rate"].cite == "标准第1项；办法第四十二条"
    assert standard.params["interrupt_exchange_rate"].unit == "比率/月"
    assert [r.key for r in standard.readings.values()] == [
        "ontime_reward_mixed", "decision_guide_reward"]
    assert (standard.readings["decision_guide_reward"].default,
            standard.readings["decision_guide_reward"].alternative) == ("as_plan", "none")
    # the retired ones are kept (with why) to name what a revision-2 record used
    retired = standard.retired_readings
    assert list(retired) == ["exchange_interruption_rate", "early_days_from",
                             "second_move_requires_on_time"]
    assert (retired["exchange_interruption_rate"].default,
            retired["exchange_interruption_rate"].alternative) == (Decimal("0.05"),
                                                                   Decimal("0.005"))
    assert all(reading.retired for reading in retired.values())
    for key in ("presign_start", "presign_end", "decision_made_on"):
        assert standard.options[key].kind == "date" and not standard.options[key].required
        assert "第二十三条" in standard.options[key].cite
    assert "GB/T 17986" in standard.notes["shared_ratio"]
    assert (p["facility_res_water"], p["facility_res_power"], p["facility_res_gas"]) == (
        600, 600, 3450)
    assert p["temp_outer_reduction"] == Decimal("0.30")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('cite = "标准第6项"\nhelp = "住宅提前签约', 'cite = ""\nhelp = "住宅提前签约', "缺少出处"),
        ('unit = "元/户·日"', 'unit = "元每天"', "不在允许列表"),
        ('term = "{area} × {unit_price}"', 'term = "{area} × {unit_prise}"', "{unit_prise}"),
        ('term = "{area} × {unit_price}"', 'term = "{area} × {unit_price"', "模板括号不配对"),
        ("min = 0.10\nmax = 0.20\ndefault = 0.15", "min = 0.10\nmax = 0.20\ndefault = 0.25",
         "下限 ≤ 默认值 ≤ 上限"),
        ("[readings.decision_guide_reward]", "[retired_readings.decision_guide_reward]",
         "不是计算规则已取消的读法"),
        ('\nretired = "标准第6项写明', '\nnot_retired = "标准第6项写明', "缺少取消的理由"),
    ],
)
def test_lint_catches_broken_standards(old, new, problem):
    text = bundled_text()
    assert old in text
    problems = lint(parse_standard(text.replace(old, new, 1)))
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("template", "head", "rest", "filled"), [
    ("{area} × {unit_price}", "", (("area", " × "), ("unit_price", "")), "1.50 × 1.50"),
    ("{temp_rate} × {months} 月", "20 × ", (("months", " 月"),), "20 × 1.50 月"),  # a parameter
    ("({min_housing_area} − {x}) × {{y}}", "(45 − ", (("x", ") × {y}"),), "(45 − 1.50) × {y}"),
    ("固定 {ontime_res} 元", "固定 10000 元", (), "固定 10000 元"),
])
def test_templates_are_split_at_the_cases_numbers(template, head, rest, filled):
    """The standard's own numbers are written in at load; the case's are filled in later."""
    from wulong_desk.rules.breakdown import fill
    from wulong_desk.rules.standard import Template

    standard = StandardSet.from_dirs([resources_dir() / "standards"]).get("wulong-2023")
    compiled = Template.compile(template, standard.texts)
    assert compiled == Template(head, rest)
    assert fill(compiled, {name: Decimal("1.5") for name, _ in rest}) == filled


def test_missing_key_is_a_clear_error():
    with pytest.raises(StandardError, match="缺少必需的键"):
        parse_standard(bundled_text().replace("[params.temp_rate]\nvalue = 20\n",
                                              "[params.temp_rate]\n"))


def test_before_the_standard_no_standard_is_in_force():
    standards = StandardSet.from_dirs([BUNDLED.parent])
    with pytest.raises(StandardError, match="no standard in force on 2023-03-15"):
        standards.for_date(date(2023, 3, 15))
    assert standards.for_date(date(2023, 3, 16)).id == "wulong-2023"
    with pytest.raises(InputError) as exc:
        read_request(request({"announced_on": "2023-03-01"}), standards)
    assert "project.announced_on" in str(exc.value)
    assert "no standard in force on 2023-03-01" in str(exc.value)


def _corrected_edition(folder: Path) -> None:
    """A corrected edition from 2024-01-01 printing 5‰ as the exchange interruption rate (a
    fixture: revision 3's only way to another rate — never a project option), without the
    printed-rate warning."""
    text = bundled_text()
    text = text.replace('id = "wulong-2023"', 'id = "wulong-2023-r2"')
    text = text.replace("edition = 1", "edition = 2")
    text = text.replace("effective_from = 2023-03-16", "effective_from = 2024-01-01")
    old = "[params.interrupt_exchange_rate]\nvalue = 0.05\n"
    assert old in text
    text = text.replace(old, "[params.interrupt_exchange_rate]\nvalue = 0.005\n")
    text = "\n".join(line for line in text.split("\n") if not line.startswith("printed_rate ="))
    (folder / "wulong-2023-r2.toml").write_text(text, encoding="utf-8")


def test_a_dropped_in_standard_file_is_picked_up_without_code_change(tmp_path):
    folder = tmp_path / "standards"
    folder.mkdir()
    shutil.copy(BUNDLED, folder)
    _corrected_edition(folder)
    standards = StandardSet.from_dirs([folder])
    assert len(standards) == 2
    assert standards.for_date(date(2023, 12, 31)).id == "wulong-2023"
    assert standards.for_date(date(2024, 1, 1)).id == "wulong-2023-r2"

    shop = {"use": "commercial", "area": "50.00", "unit_price": "10000",
            "business_eligible": True}
    exchange = {"houses": [], "transition_months": 0, "turnover_house": False,
                "interruption_months": 6, "overdue_months": 0}
    results = {}
    for announced in ("2023-06-01", "2024-06-01"):
        req = request({"announced_on": announced, "signing_deadline": "2024-12-31"},
                      method="exchange", parts=[shop], exchange=exchange)
        options, case, standard = read_request(req, standards)
        results[announced] = compute(case, options, standard)
    assert results["2023-06-01"].line("L1_INTERRUPT").amount == Decimal("150000.00")
    assert results["2024-06-01"].line("L1_INTERRUPT").amount == Decimal("15000.00")
    assert results["2024-06-01"].standard_id == "wulong-2023-r2"
    assert any(w.startswith("L1_INTERRUPT") for w in results["2023-06-01"].warnings)
    assert not any(w.startswith("L1_INTERRUPT") for w in results["2024-06-01"].warnings)


def test_user_standards_folder_is_searched(isolated_home):
    from wulong_desk.paths import standard_dirs

    (isolated_home / "standards").mkdir()
    _corrected_edition(isolated_home / "standards")
    standards = StandardSet.from_dirs(standard_dirs())
    assert standards.get("wulong-2023-r2") is not None


def test_explicit_standard_must_cover_the_date(tmp_path):
    standards = StandardSet.from_dirs([BUNDLED.parent])
    req = request()
    req["standard"] = "no-such"
    with pytest.raises(InputError, match="standard: 没有编号"):
        read_request(req, standards)


def test_duplicate_ids_are_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        shutil.copy(BUNDLED, tmp_path / name)
    with pytest.raises(StandardError, match="重复"):
        StandardSet.from_dirs([tmp_path])


def test_totals_are_summed_by_the_group_each_line_declares():
    """Declared as a reward instead of a loss, the decoration line moves to the reward total:
    the engine sums by the standard's groups, not by position."""
    req = request(parts=[{"use": "residential", "area": "80.00", "inner_area": "70.00",
                          "unit_price": "5000", "decoration_value": "12345.67"}])
    moved = bundled_text().replace('[lines.L2_DECOR]\ngroup = "loss"',
                                   '[lines.L2_DECOR]\ngroup = "reward"', 1)
    assert moved != bundled_text()
    totals = {}
    for name, text in (("as issued", bundled_text()), ("moved", moved)):
        options, case, standard = read_request(req, StandardSet([parse_standard(text)]))
        totals[name] = compute(case, options, standard).totals
    # value: 80 × 5000 = 400000.00, shared top-up 70 × 1.15 − 80 = 0.50 m² × 5000 = 2500.00;
    # loss: the decoration 12345.67; reward: moving 2000 × 1 (money); nothing else applies
    assert totals["as issued"] == {"value": Decimal("402500.00"), "loss": Decimal("12345.67"),
                                   "reward": Decimal("2000.00"), "total": Decimal("416845.67")}
    assert totals["moved"] == {"value": Decimal("402500.00"), "loss": Decimal("0"),
                               "reward": Decimal("14345.67"), "total": Decimal("416845.67")}


def test_a_line_the_engine_does_not_compute_is_refused():
    text = bundled_text().replace("[lines.R9_TEMP]", "[lines.R9_TEMPORARY]", 1)
    assert any("须按顺序恰好包含" in problem for problem in lint(parse_standard(text)))
