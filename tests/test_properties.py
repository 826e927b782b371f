"""Properties over generated households, and agreement with an independent reading of the spec
(tests/reference_calc.py, revision 3: every line, the totals, the settlement, the schedule, and
which requests are refused). docs/calculation.md describes what both follow."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_calc import Refused, reference
from strategies import calc_request, maybe_refused_request

from wulong_desk.rules import InputError, compute, default_standards, read_request

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def run(req):
    options, case, standard = read_request(req, default_standards())
    return compute(case, options, standard)


@pytest.mark.independent
@SETTINGS
@given(calc_request())
def test_agrees_to_the_cent_with_an_independent_reading(req):
    result = run(req).to_json()
    expected = reference(req)
    assert {line["code"]: line["amount"] for line in result["lines"]} == expected["lines"]
    assert result["totals"] == expected["totals"]
    assert result["settlement"] == expected["settlement"]
    assert result["schedule"] == expected["schedule"]


@pytest.mark.independent
@SETTINGS
@given(maybe_refused_request())
def test_refuses_exactly_what_the_independent_reading_refuses(req):
    """Retired reading keys, presigns outside their period or not before the decision, other
    signings before the announcement or the period's first day, a case both signed and decided:
    refused (each problem naming a field the rule involves); anything else computes to the
    cent as the reference does."""
    try:
        expected = reference(req)
    except Refused as refused:
        with pytest.raises(InputError) as caught:
            run(req)
        assert {p.path for p in caught.value.problems} <= refused.fields
        return
    result = run(req).to_json()
    assert {line["code"]: line["amount"] for line in result["lines"]} == expected["lines"]
    assert result["totals"] == expected["totals"]
    assert result["schedule"] == expected["schedule"]


@pytest.mark.consistency
@SETTINGS
@given(calc_request())
def test_the_schedule_adds_up_to_the_total_and_no_bucket_is_negative(req):
    breakdown = run(req)
    assert list(breakdown.schedule) == ["before_move", "transition", "after_move", "overdue"]
    assert sum(breakdown.schedule.values()) == breakdown.total
    assert all(amount >= 0 for amount in breakdown.schedule.values())
    if req["case"]["method"] == "money":
        assert breakdown.schedule["transition"] == breakdown.schedule["overdue"] == 0


@pytest.mark.consistency
@SETTINGS
@given(calc_request(method="exchange"), st.integers(1, 12))
def test_a_later_delay_moves_only_the_overdue_bucket(req, months):
    """Each figure is a difference of rounded amounts, so more overdue months never move the
    earlier buckets by a cent."""
    later = copy.deepcopy(req)
    later["case"]["exchange"]["overdue_months"] += months
    before, after = run(req).schedule, run(later).schedule
    for key in ("before_move", "transition", "after_move"):
        assert after[key] == before[key]
    assert after["overdue"] >= before["overdue"]


@pytest.mark.consistency
@SETTINGS
@given(calc_request())
def test_totals_are_sums_of_lines_and_no_line_is_negative(req):
    breakdown = run(req)
    amounts = [line.amount for line in breakdown.lines]
    assert len(amounts) == 14
    assert all(amount >= 0 for amount in amounts)
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in amounts)
    by_group = {"value": Decimal(0), "loss": Decimal(0), "reward": Decimal(0)}
    for line in breakdown.lines:
        by_group[line.group] += line.amount
    assert breakdown.totals["value"] == by_group["value"]
    assert breakdown.totals["loss"] == by_group["loss"]
    assert breakdown.totals["reward"] == by_group["reward"]
    assert breakdown.totals["total"] == sum(amounts)


@pytest.mark.consistency
@SETTINGS
@given(calc_request(method="money"))
def test_a_money_case_never_has_temporary_housing_or_an_exchange_price(req):
    breakdown = run(req)
    assert breakdown.line("R9_TEMP").amount == 0
    assert all(value == 0 for value in breakdown.settlement.values())


def _grow_first_part(req):
    bigger = copy.deepcopy(req)
    part = bigger["case"]["parts"][0]
    part["area"] = f"{Decimal(part['area']) + Decimal('1.00'):.2f}"
    return bigger


@pytest.mark.consistency
@SETTINGS
@given(calc_request())
def test_more_area_never_gives_less_house_value(req):
    assert (run(_grow_first_part(req)).line("V_AREA").amount
            >= run(req).line("V_AREA").amount)


@pytest.mark.consistency
@SETTINGS
@given(calc_request())
def test_more_area_never_gives_less_value_without_the_floor_or_land(req):
    # The 45 m² floor (办法第三十七条) and the land overage (办法第三十五条) can each make the
    # value fall as area grows; see test_spec_observations.py. Outside them value is monotone.
    req["case"]["min_housing_eligible"] = False
    req["case"].pop("land_area", None)
    req["case"].pop("land_unit_price", None)
    assert run(_grow_first_part(req)).totals["value"] >= run(req).totals["value"]


def _num_by_rounding(value):
    """How a formula number is defined: two decimals when it has at most two, else exact."""
    if isinstance(value, int):
        return str(value)
    rounded = value.quantize(Decimal("0.01"))
    return f"{rounded:f}" if rounded == value else f"{value.normalize():f}"


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 8).flatmap(lambda places: st.decimals(
    min_value=-10**12, max_value=10**12, places=places)) | st.integers(-10**9, 10**9))
def test_formula_numbers_are_shown_as_defined(value):
    """(Within the 28 significant digits a Decimal context keeps: beyond them the rounding
    definition itself loses digits, and the engine's numbers never come near.)"""
    from wulong_desk.rules.decimals import num

    assert num(value) == _num_by_rounding(value)


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 8).flatmap(lambda places: st.decimals(
    min_value=-10**12, max_value=10**12, places=places))
       | st.builds(lambda digits, exp: Decimal(digits).scaleb(exp),
                   st.integers(-10**6, 10**6), st.integers(-9, 9))
       | st.integers(-10**9, 10**9) | st.text(max_size=5))
def test_a_filled_template_shows_numbers_as_num_does(value):
    """fill() writes a number as num() does (str() for a count or a piece of text)."""
    from wulong_desk.rules.breakdown import fill
    from wulong_desk.rules.decimals import num
    from wulong_desk.rules.standard import Template

    template = Template.compile("a {x} b {y}{x}", {})
    shown = num(value) if isinstance(value, Decimal) else str(value)
    assert fill(template, {"x": value, "y": "-"}) == f"a {shown} b -{shown}"


@pytest.mark.parametrize(("value", "shown"), [
    ("5", "5.00"), ("5E+2", "500.00"), ("1.5", "1.50"), ("1.500", "1.50"), ("0.125", "0.125"),
    ("0.1250", "0.125"), ("100.000", "100.00"), ("-1.5", "-1.50"), ("-0", "-0.00"),
    ("1E-7", "0.0000001"), ("0.00", "0.00"),
])
def test_formula_number_table(value, shown):
    from wulong_desk.rules.decimals import num

    assert num(Decimal(value)) == shown


@settings(max_examples=2000, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False)
       | st.builds(lambda digits, exp: Decimal(digits).scaleb(exp),
                   st.integers(-10**12, 10**12), st.integers(-12, 12)))
def test_plain_text_is_the_f_format(value):
    """plain() (str() unless it needs an exponent) is f"{value:f}"."""
    from wulong_desk.rules.decimals import money, plain

    assert plain(value) == f"{value:f}"
    if abs(value) < Decimal("1E+20"):
        assert money(value) == f"{value.quantize(Decimal('0.01'), 'ROUND_HALF_UP'):f}"


@pytest.mark.parametrize(("value", "shown"), [
    ("0.12", "0.12"), ("0.120", "0.12"), ("0.3", "0.3"), ("300", "300"), ("3E+2", "300"),
    ("1.0", "1"), (1, "1"), (15, "15"), ("0.05", "0.05"), ("0.050", "0.05"),
])
def test_rates_are_written_as_in_the_standard(value, shown):
    from wulong_desk.rules.decimals import rate

    number = Decimal(value) if isinstance(value, str) else value
    assert rate(number) == shown


@pytest.mark.parametrize("value", ["1E+3", "1E-7", "-0E-9", "0.000001", "0.0000001", "12.30",
                                   "-0.00", "5", "123456789012345678901234567.8"])
def test_plain_text_table(value):
    from wulong_desk.rules.decimals import plain

    assert plain(Decimal(value)) == f"{Decimal(value):f}"


@pytest.mark.consistency
@SETTINGS
@given(calc_request())
def test_an_unlawful_building_changes_no_figure(req):
    """办法第十八条: an illegal part is listed, never paid, and counts in no area."""
    with_illegal = copy.deepcopy(req)
    with_illegal["case"]["parts"].append({"use": "production", "registration": "illegal",
                                          "area": "33.00"})
    before, after = run(req), run(with_illegal)
    assert [line.amount for line in after.lines] == [line.amount for line in before.lines]
    assert after.settlement == before.settlement
    illegal = sum((Decimal(p["area"]) for p in with_illegal["case"]["parts"]
                   if p.get("registration") == "illegal"), Decimal(0))
    assert f" {illegal:.2f} m²" in after.line("V_UNREG").note


@pytest.mark.consistency
@SETTINGS
@given(calc_request(method="exchange"))
def test_each_turnover_flag_stops_its_own_line_only(req):
    """A turnover house stops R9 only; temporary premises stop L1 only (revision 2)."""
    flags = {}
    for house in (False, True):
        for premises in (False, True):
            changed = copy.deepcopy(req)
            changed["case"]["exchange"].update(turnover_house=house, turnover_premises=premises)
            flags[house, premises] = run(changed)
    for premises in (False, True):
        assert (flags[False, premises].line("L1_INTERRUPT").amount
                == flags[True, premises].line("L1_INTERRUPT").amount)
        assert flags[True, premises].line("R9_TEMP").amount == 0
    for house in (False, True):
        assert (flags[house, False].line("R9_TEMP").amount
                == flags[house, True].line("R9_TEMP").amount)
        assert flags[house, True].line("L1_INTERRUPT").amount == 0
