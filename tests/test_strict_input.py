"""Numbers from outside are read one strict way (issue 15, finding 3): ASCII digits, a sign, one
point, a small exponent; everything else is refused with the field's name, and every value
within the bounds computes — never a hang, never an internal error."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from helpers import request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wulong_desk.cli import main as cli_main
from wulong_desk.errors import InputError

# (compute through the package first: importing the module wulong_desk.rules.compute before
# the package's lazy name is resolved would leave the package's `compute` naming the module)
from wulong_desk.rules import compute, default_standards, read_request
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.rules.inputs import MAX_AREA, MAX_PARTS, MAX_PRICE, FieldReader


@pytest.mark.parametrize(("text", "reason"), [
    ("3,6", "千位分隔符"),          # was read as 36
    ("12.3,4", "千位分隔符"),       # was read as 12.34
    ("1_000", "下划线"),            # was read as 1000
    ("٨٠", "阿拉伯数字"),           # Arabic-Indic 80, was read as 80
    ("1.2.3", "一个小数点"),
    ("1E+9999999", "数值过大"),
    ("1e-999", "小数位数过多"),
    ("NaN", "应为数字"), ("Infinity", "应为数字"), ("0x10", "应为数字"), ("1 000", "应为数字"),
    ("", "空白"), ("9" * 41, "数字过长"),
])
def test_the_reader_refuses_what_it_would_have_to_guess(text, reason):
    with pytest.raises(NumberError, match=reason):
        read_number(text, typed=True)


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", "12"), ("-2.50", "-2.50"), ("+3", "3"), (".5", "0.5"), ("7.", "7"), (" 42 ", "42"),
    ("1e3", "1000"), (12, "12"), (Decimal("1.25"), "1.25"),
])
def test_plain_numbers_are_read_exactly(raw, expected):
    assert read_number(raw) == Decimal(expected)


def test_full_width_digits_only_where_people_type():
    assert read_number("１２．５", typed=True) == Decimal("12.5")   # a Chinese input method
    with pytest.raises(NumberError):
        read_number("１２．５")  # JSON from a program: strict


def test_a_float_and_a_bool_are_refused():
    for raw in (1.5, True):
        with pytest.raises(NumberError):
            read_number(raw)


def _problems(req):
    with pytest.raises(InputError) as caught:
        read_request(req, default_standards())
    return {p.path: p.message for p in caught.value.problems}


def test_json_names_each_refused_field():
    req = request(parts=[{"use": "commercial", "area": "3,6", "unit_price": "1_000",
                          "water_accounts": "٨"}])
    problems = _problems(req)
    assert "千位分隔符" in problems["case.parts[0].area"]
    assert "下划线" in problems["case.parts[0].unit_price"]
    assert "整数" in problems["case.parts[0].water_accounts"]


def test_every_problem_is_reported_at_once():
    # issue 14 finding 8: the flags were read after an early return
    problems = _problems(request(method="cash", moved_on_time="yes"))
    assert set(problems) == {"case.method", "case.moved_on_time"}


def test_bounds_are_named_before_any_arithmetic():
    problems = _problems(request(parts=[
        {"use": "commercial", "area": "1000000.01", "unit_price": "100000.01",
         "water_accounts": "1E+20"}] * 2 + [{"use": "commercial"}] * (MAX_PARTS - 1)))
    assert problems == {"case.parts": f"条目过多（{MAX_PARTS + 1} 条，最多 {MAX_PARTS} 条）"}
    problems = _problems(request(parts=[
        {"use": "commercial", "area": "1000000.01", "unit_price": "100000.01",
         "water_accounts": "1E+20"}]))
    assert "不能超过 1000000" in problems["case.parts[0].area"]
    assert "不能超过 100000" in problems["case.parts[0].unit_price"]
    assert "不能超过 10000" in problems["case.parts[0].water_accounts"]


@pytest.mark.parametrize("count", ["1E+9999999", "1E+999999", "1E+20", 10 ** 4000])
def test_a_huge_count_is_refused_quickly_in_a_child_process(count):
    # before: 1E+9999999 hung calc, 1E+999999 took 32 s
    req = request(parts=[{"use": "commercial", "area": "10", "unit_price": "10",
                          "water_accounts": count}])
    text = json.dumps(req).replace(f'"{count}"', str(count)) if isinstance(count, str) \
        else json.dumps(req)
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc", "-"], input=text,
                          capture_output=True, text=True, encoding="utf-8", timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("case.parts[0].water_accounts: ")


def test_the_largest_case_the_bounds_allow_computes():
    # before: values within range made calc fail with InvalidOperation (exit 1)
    big = {"use": "commercial", "area": str(MAX_AREA), "unit_price": str(MAX_PRICE),
           "decoration_value": "10000000000", "gas_cost": "10000000000", "gas_accounts": 10000,
           "water_accounts": 10000, "power_accounts": 10000, "business_eligible": True,
           "manufacturing": True}
    req = request(parts=[big] * MAX_PARTS, land_area=str(MAX_AREA),
                  land_unit_price=str(MAX_PRICE), moved_on_time=True, signed_on="2023-06-02",
                  equipment=[{"name": "机床", "reusable": False,
                              "assessed_value": "10000000000"}] * 500)
    options, case, standard = read_request(req, default_standards())
    total = compute(case, options, standard).totals["total"]
    assert total > 0
    # and the stored record keeps it: cents fit SQLite's integers
    assert total * 100 < 2 ** 63


# ---- fuzz: calc exits 0 or 2, never 1, never over 5 s
NUMBERISH = st.one_of(
    st.text(alphabet="0123456789.,_eE+- ٨０．", max_size=12),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.builds(lambda m, e: f"{m}E{e}", st.integers(-999, 999), st.integers(-99999, 99999)),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1E+9999999", "-0", "0.001", "99999999999999999999", "1e20", "1e-20"]),
    st.booleans(), st.none(), st.just([]), st.just({}),
)
PART_KEYS = ("area", "inner_area", "unit_price", "decoration_value", "water_accounts",
             "power_accounts", "gas_accounts", "gas_cost")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(use=st.sampled_from(["residential", "commercial", "production", "garage"]),
       method=st.sampled_from(["money", "exchange", "cash"]),
       changes=st.dictionaries(st.sampled_from(PART_KEYS), NUMBERISH, max_size=4),
       case_changes=st.dictionaries(
           st.sampled_from(["land_area", "land_unit_price", "moved_on_time", "signed_on"]),
           NUMBERISH, max_size=2),
       months=NUMBERISH)
def test_fuzz_calc_exits_0_or_2_within_5_seconds(tmp_path_factory, use, method, changes,
                                                 case_changes, months):
    part = {"use": use, "area": "80.00", "inner_area": "70.00", "unit_price": "5000", **changes}
    req = request(method=method, parts=[part], **case_changes)
    if method == "exchange":
        req["case"]["exchange"] = {"houses": [{"area": "60", "unit_price": "4000"}],
                                   "transition_months": months, "turnover_house": False}
    path = tmp_path_factory.mktemp("fuzz") / "req.json"
    path.write_text(json.dumps(req, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["calc", str(path)])
    elapsed = time.monotonic() - started
    assert code in (0, 2), err.getvalue()
    assert "内部错误" not in err.getvalue()
    assert elapsed < 5


def test_a_form_reader_normalises_what_a_person_types():
    reader = FieldReader(typed=True)
    assert reader.decimal({"area": "８０．５"}, "area", "case.parts[0]", required=True) \
        == Decimal("80.5")
    assert reader.integer({"n": "２"}, "n", "x") == 2
    assert reader.decimal({"area": "٨٠"}, "area", "case.parts[0]", required=True) is None
    assert "阿拉伯数字" in reader.problems[0].message


def test_the_largest_household_the_bounds_allow_is_saved(tmp_path):
    # before: values within range made import-cases fail with OverflowError (exit 1)
    from store_helpers import case_form, project_form

    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.cases.search import search_cases
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_memory

    store = open_memory("测试")
    try:
        project_id = projects.create_project(store, project_form(1))
        form = case_form(1, "MAX-1")
        form["case"]["parts"] = [{
            "use": "commercial", "area": str(MAX_AREA), "unit_price": str(MAX_PRICE),
            "decoration_value": "10000000000", "gas_cost": "10000000000",
            "gas_accounts": "10000", "business_eligible": True, "manufacturing": True,
        }] * MAX_PARTS
        cases.save_case(store, project_id, form)
        with store.read() as session:
            [row] = search_cases(session, project_id)
        assert row.total is not None and row.total > 0
    finally:
        store.close()


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("area", "3,6", "千位分隔符"), ("area", "1_000", "下划线"), ("area", "٨٠", "阿拉伯数字"),
    ("water_accounts", "1E+9999999", "科学计数法"),  # our packages write numbers out
])
def test_a_package_is_read_strictly(tmp_path, field, value, reason):
    from store_helpers import case_form, project_form

    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.exchange.packages import export_cases, import_cases
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_memory

    office = open_memory("内业")
    project_id = projects.create_project(office, project_form(1))
    cases.save_case(office, project_id, case_form(1, "P-1"))
    out = tmp_path / "p.json"
    export_cases(office, project_id, out)
    office.close()
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][0]["case"]["parts"][0][field] = value
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    laptop = open_memory("外业")
    try:
        with pytest.raises(InputError) as caught:
            import_cases(laptop, out)
        [problem] = caught.value.problems
        assert problem.path == f"cases[0].case.parts[0].{field}" and reason in problem.message
        assert projects.list_projects(laptop) == []
    finally:
        laptop.close()


def test_text_with_control_characters_is_refused_by_field():
    # a name with \x01 from a package was accepted, then broke every ledger export
    from store_helpers import case_form

    from wulong_desk.services.cases.form import check_form

    form = case_form(1, "C-1", address="芙蓉路\x1b[2J1号")
    form["owners"][0]["name"] = "张\x01三"
    paths = {p.path: p.message for p in check_form(form)}
    assert "控制字符" in paths["owners[0].name"] and "控制字符" in paths["address"]


def test_a_project_form_is_read_like_a_case_form():
    from store_helpers import project_form

    from wulong_desk.services.projects.project import read_project_form

    with pytest.raises(InputError) as caught:
        read_project_form(project_form(1, name="示范\x07项目", residential_extra_area="1_0"))
    paths = {p.path: p.message for p in caught.value.problems}
    assert "控制字符" in paths["project.name"]
    assert "下划线" in paths["project.residential_extra_area"]
    typed = read_project_form(project_form(1, residential_extra_area="５"))
    assert typed["residential_extra_area"] == Decimal("5")


def _amounts(top: Decimal) -> st.SearchStrategy[str]:
    return st.decimals(min_value=Decimal("0.01"), max_value=top, places=2).map(str)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(area=_amounts(MAX_AREA), inner=_amounts(MAX_AREA), price=_amounts(MAX_PRICE),
       money=_amounts(Decimal("10000000000")), count=st.integers(0, 10000),
       use=st.sampled_from(["residential", "commercial", "production"]),
       method=st.sampled_from(["money", "exchange"]), flag=st.booleans())
def test_every_value_within_the_bounds_computes(area, inner, price, money, count, use, method,
                                                 flag):
    # a residential part's inner area may not exceed its area: that one is refused by name
    part = {"use": use, "area": area, "inner_area": inner, "unit_price": price,
            "decoration_value": money, "water_accounts": count,
            "power_accounts": count, "gas_accounts": count, "business_eligible": flag,
            "manufacturing": flag}
    if use != "residential":  # (on a residential part gas_cost is an input error, rev. 2)
        part["gas_cost"] = money
    req = request(method=method, parts=[part] * 3, land_area=area, land_unit_price=price,
                  moved_on_time=flag, signed_on="2023-06-02",
                  equipment=[{"name": "设备", "reusable": flag, "net_value": money,
                              "assessed_value": money}])
    if method == "exchange":
        req["case"]["exchange"] = {"houses": [{"area": area, "unit_price": price}],
                                   "transition_months": count, "turnover_house": flag,
                                   "interruption_months": count, "overdue_months": count}
    try:
        options, case, standard = read_request(req, default_standards())
    except InputError as exc:
        assert {p.path for p in exc.problems} <= {f"case.parts[{i}].inner_area"
                                                  for i in range(3)}
        return
    breakdown = compute(case, options, standard)
    assert abs(breakdown.totals["total"]) * 100 < 2 ** 63
    assert abs(breakdown.settlement["net_payable"]) * 100 < 2 ** 63
