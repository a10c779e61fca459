"""Hook specifications: every point where a plugin can extend the host.

Plugins implement these with ``@hookimpl`` methods on their :class:`~host.plugins.Plugin`
object; a hookimpl may accept fewer arguments than its spec, which is how a hook gains
parameters without breaking plugins.

Two families of hooks live here:

* **Lifecycle events** (``user_*``, ``affiliate_*``) fire inside the database
  transaction of the change, after it is flushed, once per enabled plugin, each
  inside its own savepoint. A plugin that raises is rolled back alone, logged, and
  shown on its Marketplace card; the change itself goes on. These hooks must be fast
  and local: no network I/O. Work that talks to the outside world is handed to the
  sync queue with :func:`host.sync.enqueue`, which commits or rolls back with the
  change.
* **Contributions** (menus, banners, panels, status, routes, commands, sync
  handlers) return plain data the host renders or registers. Their results are
  collected from every plugin the hook applies to; a plugin that raises contributes
  nothing and is shown as failing.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import click
import pluggy
from flask import Blueprint

from host.contributions import AdminPanel, Banner, ListColumn, MenuItem, PluginStatus, SyncWarning
from host.snapshots import AffiliateSnapshot, FieldChange, UserSnapshot

if TYPE_CHECKING:
    from host.sync.handlers import SyncHandler

PROJECT_NAME = "plughost"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


# ---------------------------------------------------------------------------
# Lifecycle events: users
# ---------------------------------------------------------------------------


@hookspec
def user_registered(user: UserSnapshot) -> None:
    """A new user account was created.

    Fires for public registration, accounts an admin creates, imports and the CLI,
    after the automatic registration tags are applied (they are in ``user.tags``).

    :param user: the new user, with its id.

    The return value is ignored.
    """
    ...


@hookspec
def user_updated(user: UserSnapshot, changes: Mapping[str, FieldChange]) -> None:
    """An existing user's profile fields changed.

    Fires when the user edits their profile or an admin edits the account, once per
    save that changed something. Tag changes fire :func:`user_tags_changed` instead.

    :param user: the user after the change.
    :param changes: for each changed field name (``"email"``, ``"first_name"``, ...,
        ``"custom_fields.<key>"`` for owner-defined fields), its old and new value.
        Never empty.

    The return value is ignored.
    """
    ...


@hookspec
def user_deleted(user: UserSnapshot) -> None:
    """A user account is being deleted.

    Fires before the row is removed, in the same transaction, so the snapshot is the
    only description of the user that remains once the deletion commits.

    :param user: the user as it was just before deletion, tags included.

    The return value is ignored.
    """
    ...


@hookspec
def user_tags_changed(user: UserSnapshot, added: frozenset[str], removed: frozenset[str]) -> None:
    """Tags were added to or removed from an existing user.

    Fires for an admin's single or bulk assignment, once per affected user. Tags
    given at registration are part of :func:`user_registered` instead.

    :param user: the user after the change (``user.tags`` is the new set).
    :param added: names of the tags added; may be empty when only some were removed.
    :param removed: names of the tags removed; may be empty.

    The return value is ignored.
    """
    ...


# ---------------------------------------------------------------------------
# Lifecycle events: affiliates
# ---------------------------------------------------------------------------


@hookspec
def affiliate_created(affiliate: AffiliateSnapshot) -> None:
    """A new affiliate was created, by an admin, the public sign-up page or the CLI.

    :param affiliate: the new affiliate, with its id.

    The return value is ignored.
    """
    ...


@hookspec
def affiliate_updated(affiliate: AffiliateSnapshot, changes: Mapping[str, FieldChange]) -> None:
    """An existing affiliate's fields changed.

    :param affiliate: the affiliate after the change.
    :param changes: for each changed field name (``"custom_fields.<key>"`` for
        owner-defined fields), its old and new value. Never empty.

    The return value is ignored.
    """
    ...


@hookspec
def affiliate_deleted(affiliate: AffiliateSnapshot) -> None:
    """An affiliate is being deleted; fires before the row is removed.

    :param affiliate: the affiliate as it was just before deletion.

    The return value is ignored.
    """
    ...


# ---------------------------------------------------------------------------
# Contributions: registration at start-up (called for every installed plugin)
# ---------------------------------------------------------------------------


@hookspec
def plugin_blueprints() -> Iterable[Blueprint]:
    """The plugin's Flask blueprints, registered once when the application starts.

    Called for every installed plugin, enabled or not, because Flask cannot add
    routes after the first request. While the plugin is disabled its routes answer
    404. Admin pages belong under ``/admin/plugins/<plugin name>/``.

    :return: blueprints to register; their names must start with the plugin's name.
    """
    ...


@hookspec
def plugin_cli_commands() -> Iterable[click.Command]:
    """Commands the plugin adds to the ``plughost`` command line.

    Called for every installed plugin when the CLI starts; a command of a disabled
    plugin refuses to run and says so.

    :return: click commands (or groups), added under ``plughost <plugin name>``.
    """
    ...


@hookspec
def sync_handlers() -> "Mapping[str, SyncHandler]":
    """The plugin's handlers for the sync queue, one per kind of record it syncs.

    Called when the application starts. Entries the plugin enqueues with
    :func:`host.sync.enqueue` are delivered in batches to the handler of their kind.

    :return: a mapping from kind (e.g. ``"user"``, ``"affiliate"``) to its handler.
    """
    ...


# ---------------------------------------------------------------------------
# Contributions: pages (called for enabled plugins only)
# ---------------------------------------------------------------------------


@hookspec
def plugin_status() -> PluginStatus | None:
    """The plugin's state beyond "enabled", for its Marketplace card.

    Called for each enabled plugin whenever the Marketplace is shown; keep it to a
    database read, never a network call.

    :return: the plugin's status with a one-line reason (``needs setup``,
        ``connected``, ``needs reauthorization``, ``error``), or None for plain
        "enabled".
    """
    ...


@hookspec
def admin_menu_items() -> Iterable[MenuItem]:
    """Entries the plugin adds to the admin menu (usually its settings pages).

    :return: menu items, shown in a group under the plugin's title.
    """
    ...


@hookspec
def admin_banners() -> Iterable[Banner]:
    """Notices shown at the top of every admin page while their cause lasts.

    Used for problems an admin must act on, such as a connection that needs
    reauthorization. Called on every admin page: a database read at most.

    :return: banners to show; empty when all is well.
    """
    ...


@hookspec
def sync_warnings() -> Iterable[SyncWarning]:
    """What the plugin's sync sends only in part, for the dashboard's sync health.

    Records still go out, so no queue counts them: a site value the other side has no
    place for, a mapped field it stopped taking. Called when the dashboard is shown: a
    database read at most.

    :return: one warning per cause, each with where to fix it; empty when all is sent.
    """
    ...


@hookspec
def user_admin_panels(user: UserSnapshot) -> Iterable[AdminPanel]:
    """Boxes the plugin adds to the admin's page for one user.

    :param user: the user the page shows.
    :return: panels to show, each rendered from the plugin's own template.
    """
    ...


@hookspec
def user_list_columns(users: Sequence[UserSnapshot]) -> Iterable[ListColumn]:
    """Columns the plugin adds to the admin's Users list, filled for one page of users.

    Called each time the list is shown, once for the whole page, so a plugin reads
    what it needs for every user in one query rather than one per row.

    :param users: the users on the page, in the list's order.
    :return: columns, each with its title and a cell per user it knows about.
    """
    ...


@hookspec
def delete_consequences(record_kind: str, record: UserSnapshot | AffiliateSnapshot) -> str | None:
    """What deleting one record does outside the site, for the question the admin confirms.

    Called for each enabled plugin when a page asks "Delete ...?", before anything is
    deleted, so the admin reads what the plugin's :func:`user_deleted` or
    :func:`affiliate_deleted` will do (for example "The Contact in Salesforce is kept.").
    A database read at most; say what the plugin's own settings and links make true.

    :param record_kind: ``"user"`` or ``"affiliate"``: which of the two ``record`` is.
    :param record: the record the admin is about to delete.
    :return: one sentence, or None when deleting this kind of record concerns the
        plugin not at all.
    """
    ...


@hookspec
def affiliate_admin_panels(affiliate: AffiliateSnapshot) -> Iterable[AdminPanel]:
    """Boxes the plugin adds to the admin's page for one affiliate.

    :param affiliate: the affiliate the page shows.
    :return: panels to show, each rendered from the plugin's own template.
    """
    ...
