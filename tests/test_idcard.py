"""GB 11643 ID numbers and masking for public notices."""

from __future__ import annotations

import pytest

from wulong_desk.idcard import check_digit, id_problem, mask_name

# The worked examples printed in GB 11643-1999 itself (not numbers made with our own check digit):
# 北京市朝阳区 1949-12-31 and 广东省汕头市潮阳县 1880-01-01.
PUBLISHED = ("11010519491231002X", "440524188001010014")


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x"])
def test_the_published_valid_number_is_accepted(number):
    assert id_problem(number) is None


def test_a_birth_before_1890_is_refused_as_implausible_even_with_a_right_check_digit():
    assert id_problem(PUBLISHED[1]) == "身份证号码中的出生日期无效"


@pytest.mark.parametrize("number", PUBLISHED)
def test_check_digits_of_the_published_examples(number):
    assert check_digit(number[:17]) == number[17]


def test_any_other_last_character_is_refused():
    number = PUBLISHED[0]
    for other in "0123456789":
        if other != number[17]:
            problem = id_problem(number[:17] + other)
            assert problem is not None and "校验位" in problem


@pytest.mark.parametrize(("number", "why"), [
    ("110105194912310021", "校验位"),
    ("11010519491231002", "18位"),
    ("1101051949123100AX", "前17位"),
    ("110105194913310028", "出生日期"),
])
def test_invalid_numbers(number, why):
    problem = id_problem(number)
    assert problem is not None and why in problem


def test_names_are_masked():
    assert mask_name("张三") == "张*"
    assert mask_name("张小明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
