import pytest

from jundeng.domain.periods import parse_period, previous_period


@pytest.mark.parametrize(
    ("text", "kind", "prev"),
    [
        ("2017", "year", "2016"),
        ("2017Q1", "quarter", "2016Q4"),
        ("2017-03", "month", "2017-02"),
        ("2017H1", "half", "2016H2"),
        ("2017h2", "half", "2017H1"),
        ("2017.0", "year", "2016"),
    ],
)
def test_periods_parse_and_step_back(text: str, kind: str, prev: str) -> None:
    period = parse_period(text)
    assert period.kind == kind
    assert previous_period(period).text == prev


@pytest.mark.parametrize("text", ["17", "2017Q5", "2017-13", "2017/03", "", "1800"])
def test_bad_periods_are_rejected_in_both_languages(text: str) -> None:
    with pytest.raises(ValueError, match="期间格式错误.*bad period"):
        parse_period(text)
