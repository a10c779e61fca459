"""Calling hooks with each plugin isolated from the others and from the host.

pluggy stops at the first exception and leaves isolation to the host. Here every
implementation is called on its own: lifecycle events inside a savepoint each, so a
failing plugin's database writes are undone alone and the change that fired the
event goes on; contributions with any exception turned into "nothing contributed".
"""

import logging
from collections.abc import Iterator
from typing import Any

from pluggy import HookImpl

from host.extensions import db
from host.plugins.base import Plugin
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names, record_error

log = logging.getLogger(__name__)


def _implementations(hook_name: str, *, enabled_only: bool) -> Iterator[tuple[Plugin, HookImpl]]:
    host = current_plugin_host()
    allowed = enabled_names() if enabled_only else frozenset(host.plugins)
    # pluggy lists implementations in reverse call order; call in its order.
    for impl in reversed(getattr(host.pm.hook, hook_name).get_hookimpls()):
        if impl.plugin_name in allowed:
            yield host.plugins[impl.plugin_name], impl


def _call(impl: HookImpl, kwargs: dict[str, Any]) -> Any:
    return impl.function(*(kwargs[name] for name in impl.argnames))


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def notify(hook_name: str, **kwargs: Any) -> None:
    """Fire a lifecycle event at every enabled plugin, each in its own savepoint."""
    for plugin, impl in _implementations(hook_name, enabled_only=True):
        try:
            with db.session.begin_nested():
                _call(impl, kwargs)
        except Exception as error:
            log.exception("plugin %s failed in hook %s", plugin.name, hook_name)
            record_error(plugin.name, f"{hook_name}: {_describe(error)}")


def collect(hook_name: str, *, enabled_only: bool = True, **kwargs: Any) -> list[tuple[Plugin, Any]]:
    """Each plugin's result of a contribution hook, skipping None results.

    A plugin that raises contributes nothing; the error is logged and kept for its
    Marketplace card.
    """
    results = []
    for plugin, impl in _implementations(hook_name, enabled_only=enabled_only):
        try:
            result = _call(impl, kwargs)
        except Exception as error:
            log.exception("plugin %s failed in hook %s", plugin.name, hook_name)
            record_error(plugin.name, f"{hook_name}: {_describe(error)}")
            continue
        if result is not None:
            results.append((plugin, result))
    return results
