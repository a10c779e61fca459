"""The library's database access: short transactions of its own.

Connection state (tokens, identity, API usage, describe) is read and written in a
fresh application context, so in a database session and transaction of its own that
commits at once. A rotated refresh token must survive whatever the caller then does
with its own transaction: if a sync batch rolls back after the token rotated, the old
token is already dead at Salesforce, and losing the new one would lose the connection.

On SQLite, call Salesforce while the caller holds no uncommitted writes: SQLite has
one writer at a time, and these transactions would wait for the caller's.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select, update

from host.database import write_intent
from host.extensions import db
from host.plugins.models import PluginData


@contextmanager
def own_transaction() -> Iterator[None]:
    """Run the block in its own database session; commit on success, else roll back.

    Its transaction takes SQLite's write lock at its start, so a read followed by a
    write cannot find its snapshot outdated by another process's commit.
    """
    with write_intent(), current_app.app_context():
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()


def lock_stored_value(plugin: str, key: str) -> None:
    """Hold a plugin's stored value locked until the current transaction ends.

    Other processes that lock the same value wait, then read what this one wrote.
    PostgreSQL locks the row with ``SELECT ... FOR UPDATE``; SQLite has no row locks
    and ignores ``FOR UPDATE``, so there a no-op write to the row takes the database's
    write lock, the only lock SQLite has, before anything is read.
    """
    row = (PluginData.plugin == plugin) & (PluginData.key == key)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(PluginData).where(row).values(value=PluginData.value).execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(select(PluginData.key).where(row).with_for_update())
