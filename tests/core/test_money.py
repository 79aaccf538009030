"""core.money: the one formatter of fen for people, negative amounts included."""

import pytest

from core.money import yuan, yuan_sign


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (350, "3.50"), (123456, "1234.56"), (-5, "-0.05"), (-150, "-1.50")],
)
def test_yuan_prints_fen_as_yuan_with_two_decimals(fen, text):
    assert yuan(fen) == text


@pytest.mark.parametrize(
    ("fen", "text"), [(0, "¥0.00"), (350, "¥3.50"), (-50, "-¥0.50"), (-150, "-¥1.50")]
)
def test_yuan_sign_puts_the_minus_before_the_currency_sign(fen, text):
    assert yuan_sign(fen) == text


def test_the_storefront_filter_prints_negative_amounts_right():
    from county_sites.storefront.templatetags.storefront import yuan as yuan_filter

    assert yuan_filter(-50) == "-¥0.50"
    assert yuan_filter("350") == "¥3.50"
    assert yuan_filter(None) == ""
