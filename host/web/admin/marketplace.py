"""The Marketplace: every installed plugin as a card, to enable, disable and set up.

Enabling takes effect in every process at once (see :mod:`host.plugins.registry`);
a plugin whose activation fails stays disabled and its card says why.
"""

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from host.contributions import PluginStatus, StatusKind
from host.extensions import db
from host.plugins import ActivationError, Plugin, registry
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names
from host.plugins.settings_page import settings_url
from host.plugins.status import plugin_statuses

bp = Blueprint("admin_marketplace", __name__, url_prefix="/admin/marketplace")

STATUS_LABELS = {
    StatusKind.DISABLED: "Disabled",
    StatusKind.ENABLED: "Enabled",
    StatusKind.NEEDS_SETUP: "Needs setup",
    StatusKind.CONNECTED: "Connected",
    StatusKind.NEEDS_REAUTHORIZATION: "Needs reauthorization",
    StatusKind.ERROR: "Error",
}


@dataclass(frozen=True)
class PluginCard:
    plugin: Plugin
    enabled: bool
    status: PluginStatus
    settings_url: str | None


def _plugin_or_404(name: str) -> Plugin:
    return current_plugin_host().get(name) or abort(404)


@bp.route("/")
def index() -> str:
    statuses = plugin_statuses()
    enabled = enabled_names()
    cards = [
        PluginCard(plugin, name in enabled, statuses[name], settings_url(plugin, enabled=name in enabled))
        for name, plugin in sorted(current_plugin_host().plugins.items(), key=lambda item: item[1].title.lower())
    ]
    return render_template(
        "admin/marketplace.html", cards=cards, broken=current_plugin_host().broken, status_labels=STATUS_LABELS
    )


@bp.route("/<name>/enable", methods=["POST"])
def enable(name: str) -> Response:
    plugin = _plugin_or_404(name)
    try:
        registry.enable(name)
    except ActivationError as refusal:
        flash(f"{plugin.title} was not enabled: {refusal}", "error")
    else:
        flash(f"{plugin.title} is enabled.", "success")
    db.session.commit()
    return redirect(url_for(".index"))


@bp.route("/<name>/disable", methods=["POST"])
def disable(name: str) -> Response:
    plugin = _plugin_or_404(name)
    registry.disable(name)
    db.session.commit()
    flash(f"{plugin.title} is disabled; its settings are kept.", "success")
    return redirect(url_for(".index"))


@bp.route("/<name>/dismiss-error", methods=["POST"])
def dismiss_error(name: str) -> Response:
    plugin = _plugin_or_404(name)
    registry.clear_error(name)
    db.session.commit()
    flash(f"The error of {plugin.title} is dismissed.", "success")
    return redirect(url_for(".index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
