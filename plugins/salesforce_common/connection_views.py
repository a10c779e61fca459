"""The Connect, Reconnect, Disconnect and callback pieces every Salesforce plugin needs, once.

A plugin makes its blueprint once, at import, with :func:`connection_blueprint`: the
Connect view (POST, under the plugin's admin pages) and the OAuth callback at the
path the plugin chooses (the path admins register in the connected app, so it is the
plugin's to fix). Its views are shared by every such plugin and find the plugin's
:class:`ConnectionViews` through the application serving the request, which gives:

* a connection panel to include in the plugin's own page: the state, the callback
  URL and scopes with a copy button, Connect to Salesforce / Reconnect / Disconnect,
  Test connection, API usage, and the offer to use the connection another plugin
  holds with the same connected app;
* its ``plugin_status`` and ``admin_banners`` contributions.

Links in cards and banners lead to the plugin's page, where the Connect button is
a POST: an outside page cannot start an authorization in the admin's browser.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from host.api import (
    Banner,
    Plugin,
    PluginStatus,
    StatusKind,
    admin_required,
    current_plugin,
    db,
    hookimpl,
    public_url,
    resume,
)
from plugins.salesforce_common.authorization import (
    Disconnected,
    complete_authorization,
    connection_status,
    disconnect,
    join_grant,
    start_authorization,
)
from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.describe import Describer
from plugins.salesforce_common.errors import SalesforceError
from plugins.salesforce_common.grants import grant_record, joinable_grants
from plugins.salesforce_common.oauth import SCOPES
from plugins.salesforce_common.status import (
    CONNECT_LABEL,
    DISCONNECT_LABEL,
    RECONNECT_LABEL,
    ConnectionState,
    ConnectionStatus,
    grant_of,
)

HEALTH_KEY = "salesforce.health_check"
#: The anchor of the connection panel on a plugin's page.
PANEL_ANCHOR = "salesforce-connection"


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionViews:
    """One plugin's Salesforce connection pages and contributions."""

    plugin: Plugin
    #: Reads the plugin's settings into a config; called per request.
    config: Callable[[], SalesforceConfig]
    #: The plugin's page that includes the connection panel; callbacks land there.
    page_endpoint: str
    #: The object the plugin writes (read from its settings); after each authorization
    #: the health check makes sure it exists and the connected user can create it.
    destination_object: Callable[[], str] | None = None
    #: What blank settings fields stand for once connected (field key to value), shown
    #: as "from the connection: ..." beside them.
    filled_from_connection: Callable[[ConnectionStatus], Mapping[str, str]] | None = None

    @property
    def blueprint_name(self) -> str:
        return connection_blueprint_name(self.plugin.name)

    def connection_config(self) -> SalesforceConfig:
        """The plugin's config, with the title other plugins sharing its connection see."""
        return replace(self.config(), title=self.plugin.title)

    # -- URLs --------------------------------------------------------------

    def page_url(self) -> str:
        """The plugin's page, at its connection panel: where Reconnect links lead."""
        return f"{url_for(self.page_endpoint)}#{PANEL_ANCHOR}"

    def authorize_url(self) -> str:
        """The Connect view; POST only."""
        return url_for(f"{self.blueprint_name}.authorize")

    def callback_url(self) -> str:
        """The absolute callback URL to register in the connected app."""
        return public_url(f"{self.blueprint_name}.callback")

    # -- contributions -----------------------------------------------------

    def status(self) -> ConnectionStatus:
        return connection_status(self.config())

    def health_problem(self) -> str | None:
        """What the last health check found wrong, if anything."""
        return (self.plugin.store.get(HEALTH_KEY) or {}).get("problem")

    def plugin_status(self) -> PluginStatus:
        """The Marketplace card: connected as whom (and API usage), or what to do."""
        status = self.status().plugin_status(self.page_url())
        problem = self.health_problem()
        if status.kind is StatusKind.CONNECTED and problem:
            return PluginStatus(status.kind, f"{status.message}. {problem}", self.page_url(), "Open")
        return status

    def banners(self) -> list[Banner]:
        """A banner on every admin page while the connection needs reauthorization."""
        banner = self.status().banner(self.plugin.title, self.page_url())
        return [banner] if banner else []

    def panel_context(self) -> dict[str, Any]:
        """What ``salesforce_common/connection_panel.html`` renders; never a secret."""
        status = self.status()
        config = self.config()
        shareable = (
            joinable_grants(self.plugin.name, config.consumer_key)
            if status.state is ConnectionState.NOT_CONNECTED and config.consumer_key
            else []
        )
        return {
            "connection": status,
            "connection_shareable": shareable,
            "connection_join_url": url_for(f"{self.blueprint_name}.use_connection"),
            "connection_disconnect_url": url_for(f"{self.blueprint_name}.disconnect"),
            "connection_disconnect_label": DISCONNECT_LABEL,
            "connection_plugin_title": self.plugin.title,
            "connection_fills": self._fills(status),
            "connection_problem": self.health_problem(),
            "connection_anchor": PANEL_ANCHOR,
            "connection_callback_url": self.callback_url(),
            "connection_scopes": " ".join(SCOPES),
            "connection_authorize_url": self.authorize_url(),
            "connection_test_url": url_for(f"{self.blueprint_name}.test_connection"),
            "connection_connect_label": CONNECT_LABEL,
            "connection_reconnect_label": RECONNECT_LABEL,
            "connection_script_url": url_for(f"{self.blueprint_name}.static", filename="salesforce_common.js"),
        }

    def _fills(self, status: ConnectionStatus) -> list[tuple[str, str, str]]:
        """(field key, field label, value) of the blank fields the connection fills in."""
        if self.filled_from_connection is None:
            return []
        labels = {setting.key: setting.label for setting in self.plugin.settings_fields}
        return [(key, labels.get(key, key), value) for key, value in self.filled_from_connection(status).items()]


class SalesforceConnectedPlugin(Plugin):
    """A plugin with a Salesforce connection: its card status and admin banners come from it.

    Subclasses set ``connection`` (a :class:`ConnectionViews`) when they are built.
    """

    connection: ConnectionViews

    @hookimpl
    def plugin_status(self) -> PluginStatus:
        return self.connection.plugin_status()

    @hookimpl
    def admin_banners(self) -> list[Banner]:
        return self.connection.banners()


def connection_blueprint_name(plugin_name: str) -> str:
    return f"{plugin_name}_salesforce"


def _connection() -> ConnectionViews:
    """The connection of the plugin whose blueprint serves the request."""
    plugin = current_plugin()
    if not isinstance(plugin, SalesforceConnectedPlugin):
        raise TypeError(f"{plugin.name} has no Salesforce connection")
    return plugin.connection


@admin_required
def authorize() -> Response:
    connection = _connection()
    try:
        return start_authorization(
            connection.connection_config(), connection.callback_url(), ask_login=bool(request.form.get("another_user"))
        )
    except SalesforceError as error:
        flash(str(error), "error")
        return redirect(connection.page_url())


def _resume_sharers(connection: ConnectionViews) -> None:
    """Work held while the connection needed reauthorization goes out now, for every
    plugin on the grant."""
    grant = grant_of(connection.plugin.store)
    holders = (grant_record(grant) or {}).get("plugins", {}) if grant else {}
    for name in {connection.plugin.name, *holders}:
        resume(name)
    db.session.commit()


@admin_required
def use_connection() -> Response:
    """Use the connection another plugin holds, with no new approval in Salesforce."""
    connection = _connection()
    config = connection.connection_config()
    db.session.commit()
    try:
        status = join_grant(config, request.form.get("grant", ""))
    except SalesforceError as error:
        flash(str(error), "error")
        return redirect(connection.page_url())
    flash(status.summary, "success")
    # The check's call is the plugin's first on this connection: made before the queue
    # resumes, it stores the first API usage reading alone.
    _run_health_check(connection, config)
    _resume_sharers(connection)
    return redirect(connection.page_url())


@admin_required
def disconnect_view() -> Response:
    """Stop using the connection; Salesforce revokes it when no other plugin uses it."""
    connection = _connection()
    config = connection.connection_config()
    db.session.commit()
    try:
        outcome = disconnect(config)
    except SalesforceError as error:
        flash(
            f"Disconnected from Salesforce here, but Salesforce could not be told: {error} Revoke the "
            "connected app's approval in Salesforce (Connected Apps OAuth Usage).",
            "error",
        )
        return redirect(connection.page_url())
    finally:
        connection.plugin.store.delete(HEALTH_KEY)
        db.session.commit()
    flash(outcome.value, "success" if outcome is not Disconnected.WAS_NOT_CONNECTED else "info")
    return redirect(connection.page_url())


@admin_required
def check_connection() -> Response:
    """One cheap call (``limits``), answered in a sentence: the connection works, or why not."""
    connection = _connection()
    config = connection.config()
    db.session.commit()
    try:
        with SalesforceClient(config) as client:
            daily = client.get_json("limits")["DailyApiRequests"]
    except SalesforceError as error:
        db.session.commit()
        flash(f"The connection does not work: {error}", "error")
        return redirect(connection.page_url())
    db.session.commit()
    flash(
        f"The connection works: Salesforce answered, with {int(daily['Remaining']):,} of "
        f"{int(daily['Max']):,} API requests left today.",
        "success",
    )
    return redirect(connection.page_url())


def _run_health_check(connection: ConnectionViews, config: SalesforceConfig) -> str | None:
    """Describe the destination object afresh; a sentence if it cannot be written."""
    if connection.destination_object is None:
        return None
    sobject = connection.destination_object()
    db.session.commit()
    try:
        with SalesforceClient(config) as client:
            description = Describer(client).describe(sobject, refresh=True)
        problem = None
        if not description.createable:
            problem = (
                f"The connected Salesforce user cannot create {sobject} records; grant Create on {sobject} "
                "in Salesforce or reconnect as a user who can."
            )
    except SalesforceError as error:
        problem = str(error)
    connection.plugin.store.set(HEALTH_KEY, {"problem": problem})
    db.session.commit()
    return problem


@admin_required
def callback() -> Response:
    connection = _connection()
    config = connection.connection_config()
    # No database transaction stays open over the calls to Salesforce; the library
    # stores the connection in transactions of its own.
    db.session.commit()
    try:
        status = complete_authorization(config, request.args)
    except SalesforceError as error:
        log.info("Salesforce authorization of %s not completed: %s", connection.plugin.name, error)
        flash(str(error), "error")
        return redirect(connection.page_url())
    _resume_sharers(connection)
    flash(status.summary, "success")
    # A problem stays on the panel and the card until the next authorization.
    _run_health_check(connection, config)
    return redirect(connection.page_url())


def connection_blueprint(plugin_name: str, callback_path: str) -> Blueprint:
    """One plugin's Connect, Use connection, Test connection, Disconnect and callback routes, and the panel's script.

    A plugin makes it once, at import: the blueprint carries the plugin's name and
    paths, while the views are shared and find the plugin per request, so one blueprint
    serves every application that registers it.
    """
    blueprint = Blueprint(
        connection_blueprint_name(plugin_name),
        __name__,
        template_folder=str(Path(__file__).parent / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        static_url_path=f"/admin/plugins/{plugin_name}/salesforce-static",
    )
    blueprint.add_url_rule(f"/admin/plugins/{plugin_name}/authorize", "authorize", authorize, methods=["POST"])
    blueprint.add_url_rule(
        f"/admin/plugins/{plugin_name}/test-connection", "test_connection", check_connection, methods=["POST"]
    )
    blueprint.add_url_rule(
        f"/admin/plugins/{plugin_name}/use-connection", "use_connection", use_connection, methods=["POST"]
    )
    blueprint.add_url_rule(f"/admin/plugins/{plugin_name}/disconnect", "disconnect", disconnect_view, methods=["POST"])
    blueprint.add_url_rule(callback_path, "callback", callback, methods=["GET"])
    return blueprint
