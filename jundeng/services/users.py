"""Accounts: sign in and out, the principal behind a session, listing and creating accounts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from jundeng.domain.principal import Principal
from jundeng.store import regions_repo, users_repo
from jundeng.store.db import Database

P = ParamSpec("P")
T = TypeVar("T")


def _in_transaction(repo_function: Callable[Concatenate[Session, P], T]) -> Callable[Concatenate[Database, P], T]:
    """Return ``repo_function`` taking a database instead of a session, run in a transaction of its own."""

    @wraps(repo_function)
    def run(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with db.session() as session:
            return repo_function(session, *args, **kwargs)

    return run


# The account functions of the store, each in its own transaction (same keyword arguments, same refusals).
authenticate = _in_transaction(users_repo.authenticate)
end_sessions = _in_transaction(users_repo.end_sessions)
users = _in_transaction(users_repo.users)
get = _in_transaction(users_repo.get_user)
create = _in_transaction(users_repo.create_user)


def principal(db: Database, *, username: str, epoch: int) -> Principal | None:
    """Return the principal of a session's user, or None when the account is gone, inactive or signed out."""
    with db.session() as session:
        user = users_repo.get_user(session, username=username)
        if user is None or not user.active or epoch != user.session_epoch:
            return None
        subtree = None
        if user.role == "district" and user.region:
            subtree = frozenset(regions_repo.subtree_codes(session, root=user.region))
    return Principal(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        region=user.region,
        unit=user.unit,
        domains=tuple(user.domains),
        regions=subtree,
    )
