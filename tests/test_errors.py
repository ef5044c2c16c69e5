"""Refusals survive pickling (a worker process raises them to the server) with status, languages and details."""

from __future__ import annotations

import pickle

from jundeng.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    JundengError,
    NotFoundError,
    Problem,
    TooManyRequestsError,
    UnauthorizedError,
)


def test_every_refusal_pickles_with_its_status_and_both_languages() -> None:
    refusals: list[JundengError] = [
        JundengError("中文", "English", location="a.csv:1:2"),
        NotFoundError("没有", "none"),
        ConflictError("冲突", "clash"),
        ForbiddenError("禁止", "forbidden"),
        UnauthorizedError("错", "wrong"),
        TooManyRequestsError("太多", "too many", retry_after=30),
        InputError([Problem("a.csv", 2, 3, "坏", "bad")]),
    ]
    for error in refusals:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and back.status == error.status
        assert (back.zh, back.en, back.location, str(back)) == (error.zh, error.en, error.location, str(error))
        assert back.headers == error.headers
    problems = pickle.loads(pickle.dumps(refusals[-1])).problems
    assert [str(p) for p in problems] == ["a.csv:2:3: 坏 / bad"]
