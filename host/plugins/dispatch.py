"""Calling hooks with each plugin isolated from the others and from the host.

pluggy stops at the first exception and leaves isolation to the host. Here every
implementation is called on its own: lifecycle events inside a savepoint each, so a
failing plugin's database writes are undone alone and the change that fired the
event goes on; contributions with any exception turned into "nothing contributed".

Where a failure is kept depends on the hook. Hooks called for enabled plugins store
it in the plugin's state row, for its Marketplace card. Start-up hooks, called for
every installed plugin before the database may even exist, keep it in the process's
:attr:`PluginHost.startup_errors`, which the Marketplace shows too.
"""

import logging
from collections.abc import Iterator
from typing import Any, TypeVar

from pluggy import HookImpl

from host.extensions import db
from host.plugins.base import Plugin
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names, record_error
from host.services.errors import unexpected_error

log = logging.getLogger(__name__)

T = TypeVar("T")


def _implementations(hook_name: str, *, enabled_only: bool) -> Iterator[tuple[Plugin, HookImpl]]:
    host = current_plugin_host()
    allowed = enabled_names() if enabled_only else frozenset(host.plugins)
    # pluggy lists implementations in reverse call order; call in its order.
    for impl in reversed(getattr(host.pm.hook, hook_name).get_hookimpls()):
        if impl.plugin_name in allowed:
            yield host.plugins[impl.plugin_name], impl


def _call(impl: HookImpl, kwargs: dict[str, Any]) -> Any:
    return impl.function(*(kwargs[name] for name in impl.argnames))


def report_failure(plugin: Plugin, hook_name: str, error: Exception, *, enabled_only: bool = True) -> None:
    """Log a plugin's failure in a hook and keep it for its Marketplace card.

    Also for the host's own use of a plugin's contribution, such as rendering the
    template of a panel it returned.
    """
    message = unexpected_error(error, f"The {hook_name} hook of {plugin.name}", log)
    if enabled_only:
        record_error(plugin.name, message)
    else:
        current_plugin_host().startup_errors[plugin.name] = message


def notify(hook_name: str, **kwargs: Any) -> None:
    """Fire a lifecycle event at every enabled plugin, each in its own savepoint."""
    for plugin, impl in _implementations(hook_name, enabled_only=True):
        try:
            with db.session.begin_nested():
                _call(impl, kwargs)
        except Exception as error:
            report_failure(plugin, hook_name, error)


def collect(hook_name: str, *, enabled_only: bool = True, **kwargs: Any) -> list[tuple[Plugin, Any]]:
    """Each plugin's result of a contribution hook, skipping None results.

    A plugin that raises contributes nothing; the error is logged and kept for its
    Marketplace card. ``enabled_only=False`` is for start-up hooks, called for every
    installed plugin.
    """
    results = []
    for plugin, impl in _implementations(hook_name, enabled_only=enabled_only):
        try:
            result = _call(impl, kwargs)
        except Exception as error:
            report_failure(plugin, hook_name, error, enabled_only=enabled_only)
            continue
        if result is not None:
            results.append((plugin, result))
    return results


def collect_items(
    hook_name: str, item_type: type[T], *, enabled_only: bool = True, **kwargs: Any
) -> list[tuple[Plugin, T]]:
    """Every item of the iterables plugins return from a contribution hook, in order.

    Each plugin's result is read in full inside its isolation, so a generator that
    raises, or an item of the wrong type, counts as that plugin failing: it
    contributes nothing and the error is kept as :func:`collect` keeps it.
    """
    items: list[tuple[Plugin, T]] = []
    for plugin, impl in _implementations(hook_name, enabled_only=enabled_only):
        try:
            produced = list(_call(impl, kwargs) or ())
            for item in produced:
                if not isinstance(item, item_type):
                    raise TypeError(f"returned a {type(item).__name__} where a {item_type.__name__} was expected")
        except Exception as error:
            report_failure(plugin, hook_name, error, enabled_only=enabled_only)
            continue
        items.extend((plugin, item) for item in produced)
    return items
