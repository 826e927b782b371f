"""Places where the spec, followed exactly, gives a result a reader might not expect.

These pin the spec's behaviour (we follow it) and document it; see docs/spec-notes.md and
docs/calculation.md.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import request, residential

from wulong_desk.rules import compute, default_standards, read_request

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md


def value_of(req) -> Decimal:
    options, case, standard = read_request(req, default_standards())
    return compute(case, options, standard).totals["value"]


def test_land_overage_with_the_floor_can_make_value_fall_as_area_grows():
    def case(area):
        return request(min_housing_eligible=True, land_area="10.00", land_unit_price="100",
                       parts=[residential(area, "3.50", "800")])
    # the floor keeps area + top-up at 45 m², while the land overage shrinks
    assert value_of(case("5.00")) == Decimal("36500.00")
    assert value_of(case("6.00")) == Decimal("36400.00")


def test_floor_with_mixed_prices_can_make_value_fall_as_cheap_area_grows():
    def case(cheap_area):
        return request(min_housing_eligible=True, parts=[
            residential("10.00", "8.00", "10000"), residential(cheap_area, "8.00", "100")])
    # the top-up is priced at the weighted P_R, which falls when the cheap part grows
    assert value_of(case("11.00")) < value_of(case("10.00"))
