"""Moving a plugin's rows between its key-value store and its own tables, in its migrations.

A plugin that kept rows of records in :class:`~host.plugins.settings.PluginStore` and
now has a table for them moves them in its first revision of that table, and back in
the revision's downgrade. Both read a page at a time, in key order, so a site with a
hundred thousand rows migrates in flat memory. These run inside an Alembic revision
(they use its connection, ``op.get_bind()``); they read nothing when SQL is only printed,
so a revision calls them only when ``not context.is_offline_mode()``.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

#: The store's table as a migration sees it: whatever the models say later, these columns stay.
PLUGIN_DATA = sa.table(
    "plugin_data", sa.column("plugin", sa.String), sa.column("key", sa.String), sa.column("value", sa.JSON)
)
PAGE_SIZE = 1_000


def stored_pages(plugin: str, prefix: str, page_size: int = PAGE_SIZE) -> Iterator[Sequence[Any]]:
    """The plugin's stored ``(key, value)`` rows whose key starts with ``prefix``, a page at a time."""
    after = ""
    while True:
        query = (
            sa.select(PLUGIN_DATA.c.key, PLUGIN_DATA.c.value)
            .where(PLUGIN_DATA.c.plugin == plugin, PLUGIN_DATA.c.key.startswith(prefix), PLUGIN_DATA.c.key > after)
            .order_by(PLUGIN_DATA.c.key)
            .limit(page_size)
        )
        page = op.get_bind().execute(query).all()
        if not page:
            return
        yield page
        after = page[-1].key


def forget_stored(plugin: str, *prefixes: str) -> None:
    """Delete the plugin's stored values under any of ``prefixes``, once they are moved."""
    op.execute(
        PLUGIN_DATA.delete().where(
            PLUGIN_DATA.c.plugin == plugin, sa.or_(*(PLUGIN_DATA.c.key.startswith(prefix) for prefix in prefixes))
        )
    )


def store_values(plugin: str, values: Iterable[tuple[str, Any]]) -> None:
    """Write ``(key, value)`` pairs into the plugin's store, as a downgrade moves rows back."""
    rows = [{"plugin": plugin, "key": key, "value": value} for key, value in values]
    if rows:
        op.execute(PLUGIN_DATA.insert().values(rows))


def table_pages(
    table: sa.TableClause, *keys: sa.ColumnClause[Any], page_size: int = PAGE_SIZE
) -> Iterator[Sequence[Any]]:
    """Every row of ``table``, a page at a time, in the order of ``keys`` (its primary key)."""
    after: tuple[Any, ...] | None = None
    while True:
        query = sa.select(table).order_by(*keys).limit(page_size)
        if after is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*after))
        page = op.get_bind().execute(query).all()
        if not page:
            return
        yield page
        after = tuple(getattr(page[-1], key.name) for key in keys)
