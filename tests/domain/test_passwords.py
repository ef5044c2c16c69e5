"""The password policy: length, invisible characters, variety, common passwords and the user name."""

from __future__ import annotations

import pytest

from jundeng.domain import passwords
from jundeng.errors import JundengError
from jundeng.services.demo_accounts import ACCOUNTS, DEMO_PASSWORD

REFUSED = {
    "short": ["short", "12345678", "password", "abc def 1"],
    "invisible": [
        "correct\u200bhorse-battery",
        "correct\u200chorse-battery",
        "correct\u200dhorse-battery",
        "\ufeffcorrect-horse-battery",
        "correct\thorse-battery",
        "correct\nhorse-battery",
        "correct\x00horse-battery",
        "correct\u2028horse-battery",
        "correct\u202ehorse-battery",
        "correct\ue000horse-battery",
    ],
    "blank": ["          ", "\u3000" * 12, " leading-space-pw", "trailing-space-pw "],
    "variety": ["aaaaaaaaaaaa", "1212121212", "abcabcabcabc"],
    "common": [
        "1234567890",
        "qwertyuiop",
        "PASSWORD123",
        "Password2024!",
        "password!!!!",
        "woaini1314",
        "1qaz2wsx3edc",
        "Admin@12345",
        "ｐａｓｓｗｏｒｄ１２３",  # full-width forms normalise to password123
    ],
    "user name": ["xiangzhou-2024", "my-XiangZhou-pw", "ＸＩＡＮＧＺＨＯＵ!!"],
}


@pytest.mark.parametrize(("rule", "password"), [(r, p) for r, ps in REFUSED.items() for p in ps])
def test_weak_passwords_are_refused_with_a_reason_in_both_languages(rule: str, password: str) -> None:
    found = passwords.problem(password, username="xiangzhou")
    assert found is not None, rule
    zh, en = found
    assert zh and en and zh != en
    with pytest.raises(JundengError):
        passwords.check(password, username="xiangzhou")


@pytest.mark.parametrize(
    "password",
    [
        "tidal-basin-42",
        "correct horse battery staple",
        "均等化办公室的密码很长",
        "Zhuhai-Doumen#7x",
        "a" * 5 + "bcd" * 83,
    ],
)
def test_good_passwords_pass(password: str) -> None:
    assert passwords.problem(password, username="xiangzhou") is None


def test_limits_are_counted_in_characters_after_normalisation() -> None:
    assert passwords.problem("ｔｉｄａｌ-ｂａｓｉｎ", username="x") is None  # 11 characters once NFKC
    assert passwords.check("ｔｉｄａｌ-ｂａｓｉｎ") == "tidal-basin"
    assert passwords.problem("x" * 3 + "yz1" * 85) is not None, "more than 256 characters"
    assert passwords.problem("ed-u-cation-1", username="ed") is None, "names under three characters are not looked for"


def test_the_demo_password_meets_the_policy() -> None:
    for account in ACCOUNTS:
        assert passwords.problem(DEMO_PASSWORD, username=account["username"]) is None, account["username"]
