"""GB 11643 ID numbers and masking for public notices."""

from __future__ import annotations

import pytest

from wulong_desk.idcard import check_digit, id_problem, mask_id, mask_name, mask_phone


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x",
                                    "50023219850615001" + check_digit("50023219850615001")])
def test_valid_numbers(number):
    assert id_problem(number) is None


def test_check_digit_of_the_standard_example():
    assert check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(("number", "why"), [
    ("110105194912310021", "校验位"),
    ("11010519491231002", "18位"),
    ("1101051949123100AX", "前17位"),
    ("110105194913310028", "出生日期"),
])
def test_invalid_numbers(number, why):
    problem = id_problem(number)
    assert problem is not None and why in problem


def test_masks():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("张小明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13912345678") == "139****5678"
