"""Which plugins are enabled: stored in the database, seen by every process at once.

Enabling or disabling bumps a version counter in the same transaction. Each process
keeps the enabled set it last read with its version, and re-reads the set only when
the counter has moved: one small query per request or worker batch.
"""

import logging
from typing import Any, cast

from flask import g
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from host.extensions import db
from host.plugins.base import ActivationError
from host.plugins.manager import current_plugin_host
from host.plugins.models import PluginRegistryVersion, PluginState
from host.services.errors import unexpected_error
from host.timestamps import utcnow

log = logging.getLogger(__name__)

REGISTRY_ROW_ID = 1


def _current_version() -> int:
    return (
        db.session.scalar(select(PluginRegistryVersion.version).where(PluginRegistryVersion.id == REGISTRY_ROW_ID)) or 0
    )


def enabled_names() -> frozenset[str]:
    """Names of the installed plugins that are enabled right now.

    Read once per application context (a request, a worker batch) and cached in
    ``g``, so a request sees one consistent set.
    """
    if "plughost_enabled" in g:
        return g.plughost_enabled
    cache = current_plugin_host().enabled_cache
    version = _current_version()
    with cache.lock:
        if version != cache.version:
            stored = db.session.scalars(select(PluginState.name).where(PluginState.enabled)).all()
            cache.names = frozenset(stored) & frozenset(current_plugin_host().plugins)
            cache.version = version
        g.plughost_enabled = cache.names
    return cache.names


def is_enabled(name: str) -> bool:
    return name in enabled_names()


def state_of(name: str) -> PluginState:
    """The stored state row of a plugin, created (disabled) on first use."""
    state = db.session.get(PluginState, name)
    if state is None:
        state = PluginState(name=name, enabled=False)
        db.session.add(state)
    return state


def _bump_version() -> None:
    changed = cast(
        CursorResult[Any],
        db.session.execute(
            update(PluginRegistryVersion)
            .where(PluginRegistryVersion.id == REGISTRY_ROW_ID)
            .values(version=PluginRegistryVersion.version + 1)
        ),
    ).rowcount
    if not changed:
        db.session.add(PluginRegistryVersion(id=REGISTRY_ROW_ID, version=1))
    g.pop("plughost_enabled", None)


def enable(name: str) -> None:
    """Run the plugin's activation and enable it; the caller commits.

    Missing required settings do not stop it: an owner enables a plugin, then sets it
    up, its card saying "needs setup" meanwhile.

    :raises ActivationError: activation failed; the plugin stays disabled and the
        reason is stored for its Marketplace card.
    """
    plugin = current_plugin_host().plugins[name]
    state = state_of(name)
    try:
        with db.session.begin_nested():
            plugin.activate()
    except Exception as error:
        if isinstance(error, ActivationError):
            reason = str(error)
            log.warning("plugin %s refused activation: %s", name, reason)
        else:
            reason = unexpected_error(error, f"The activation of {name}", log)
        state.last_error, state.last_error_at = reason, utcnow()
        raise ActivationError(reason) from error
    state.enabled, state.enabled_at = True, utcnow()
    state.last_error = state.last_error_at = None
    _bump_version()


def disable(name: str) -> None:
    """Disable the plugin, keeping its settings; the caller commits.

    A plugin whose deactivation raises is disabled all the same, its error kept.
    """
    plugin = current_plugin_host().plugins[name]
    state = state_of(name)
    if state.enabled:
        try:
            with db.session.begin_nested():
                plugin.deactivate()
        except Exception as error:
            record_error(name, unexpected_error(error, f"The deactivation of {name}", log))
    state.enabled = False
    _bump_version()


def record_error(name: str, message: str) -> None:
    """Remember the last error a plugin raised, for its Marketplace card.

    The error is written to the current transaction; during a request that would
    otherwise not commit (a page view), :func:`commit_recorded_errors` commits it.
    """
    state = state_of(name)
    state.last_error, state.last_error_at = message, utcnow()
    g.plughost_errors_recorded = True


def clear_error(name: str) -> None:
    """Forget a plugin's last error once an admin has seen it; the caller commits."""
    state = state_of(name)
    state.last_error = state.last_error_at = None


def commit_recorded_errors(response: Response) -> Response:
    """After a request that recorded plugin errors, commit them unless the request failed.

    Pages call contribution hooks while rendering (menus, banners, panels); without
    this, a plugin failing there would never reach its Marketplace card.
    """
    if g.pop("plughost_errors_recorded", False) and response.status_code < 500:
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("could not store the errors plugins raised")
    return response
