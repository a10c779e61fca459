"""The admin's front page: counts, each plugin's sync health, the moderation queue, and next steps."""

from dataclasses import dataclass
from typing import cast

from flask import Blueprint, Flask, current_app, render_template, url_for
from sqlalchemy import func, select

from host.contributions import PluginStatus, StatusKind, SyncWarning
from host.extensions import db
from host.models import Affiliate, AffiliateStatus, Tag, User
from host.plugins.dispatch import collect_items
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names
from host.plugins.status import plugin_statuses
from host.sync.overview import PluginQueue, plugin_queues
from host.sync.unsent import unsent_records
from host.themes.environment import ThemedEnvironment
from host.themes.failures import current_failures

bp = Blueprint("admin_dashboard", __name__, url_prefix="/admin")

#: How many affiliates waiting for moderation the dashboard lists; the rest are a click away.
MODERATION_PREVIEW = 5
#: The states in which a plugin does its work.
READY = frozenset({StatusKind.ENABLED, StatusKind.CONNECTED})


@dataclass(frozen=True)
class NextStep:
    """One thing a new site still needs, or has done; ``url`` is where to do it."""

    text: str
    done: bool
    url: str | None = None
    command: str | None = None


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def _unsent_records(ready: list[str]) -> list[NextStep]:
    """A step for each connected plugin's records that it has never sent (as the Sync page counts them)."""
    plugins = current_plugin_host().plugins
    steps = []
    for plugin in ready:
        for records in unsent_records(plugin):
            if records.never_sent:
                steps.append(
                    NextStep(
                        f"Send the {records.count_of(records.never_sent)} that are not in {plugins[plugin].title} yet",
                        done=False,
                        url=url_for("sync_admin.index") + f"#plugin-{plugin}",
                        command=f"plughost sync backfill {plugin} {records.kind}",
                    )
                )
    return steps


def next_steps(statuses: dict[str, PluginStatus]) -> list[NextStep]:
    """What a new site needs, in order: a plugin enabled, connected, and its records sent."""
    plugins = current_plugin_host().plugins
    enabled = sorted(name for name in enabled_names() if name in plugins)
    steps = [NextStep("Enable a plugin on the Marketplace", bool(enabled), url_for("admin_marketplace.index"))]
    unready = [name for name in enabled if statuses[name].kind not in READY]
    for name in unready:
        status = statuses[name]
        steps.append(NextStep(f"Set up {plugins[name].title}: {status.message}", False, status.action_url))
    if not unready:
        steps.append(NextStep("Connect the enabled plugins to their services", bool(enabled)))
    ready = [name for name in enabled if name not in unready]
    unsent = _unsent_records(ready)
    steps.extend(unsent or [NextStep("Send the records that existed before", bool(ready))])
    return steps


def _sync_health() -> list[PluginQueue]:
    """The queues of the enabled plugins."""
    enabled = enabled_names()
    return [queue for queue in plugin_queues() if queue.name in enabled]


@dataclass(frozen=True)
class PluginWarning:
    """A plugin's sync warning, with the plugin's title to show it under."""

    plugin: str
    title: str
    warning: SyncWarning


def _sync_warnings() -> list[PluginWarning]:
    """What the enabled plugins' syncs send only in part, from their ``sync_warnings`` hook."""
    plugins = current_plugin_host().plugins
    return [
        PluginWarning(plugin.name, plugins[plugin.name].title, warning)
        for plugin, warning in collect_items("sync_warnings", SyncWarning)
    ]


@bp.route("/")
def index() -> str:
    waiting = select(Affiliate).where(Affiliate.status == AffiliateStatus.ON_MODERATION)
    counts = {
        "users": _count(select(func.count()).select_from(User)),
        "affiliates": _count(select(func.count()).select_from(Affiliate)),
        "affiliates_waiting": _count(select(func.count()).select_from(waiting.subquery())),
        "tags": _count(select(func.count()).select_from(Tag)),
        "plugins_enabled": len(enabled_names()),
        "plugins_installed": len(current_plugin_host().plugins),
    }
    steps = next_steps(plugin_statuses())
    theme_folder = cast(ThemedEnvironment, current_app.jinja_env).folder
    return render_template(
        "admin/dashboard.html",
        counts=counts,
        steps=steps if not all(step.done for step in steps) else [],
        queues=_sync_health(),
        sync_warnings=_sync_warnings(),
        waiting=db.session.scalars(waiting.order_by(Affiliate.id).limit(MODERATION_PREVIEW)).all(),
        theme_folder=theme_folder,
        theme_failures=current_failures(theme_folder),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
