"""INSERT ... ON CONFLICT for the database in use (PostgreSQL and SQLite both have it)."""

from collections.abc import Callable

from sqlalchemy import TableClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from host.extensions import db

_INSERTS: dict[str, Callable[[type | TableClause], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def dialect_name(session: Session | None = None) -> str:
    return (session or db.session).get_bind().dialect.name


def insert_for(model: type | TableClause, session: Session | None = None) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``model``'s table (or a table, as a migration names it) that supports
    ``on_conflict_do_update``."""
    name = dialect_name(session)
    try:
        return _INSERTS[name](model)
    except KeyError:
        raise RuntimeError(f"Plughost supports PostgreSQL and SQLite, not {name}") from None
