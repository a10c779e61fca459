"""The connection's state as admins see it: connected as whom, or why not.

Read on every admin page (Marketplace card, banners), so it is a database read and
never a call to Salesforce.
"""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

from host.api import Banner, BannerLevel, PluginStatus, PluginStore, StatusKind
from plugins.salesforce_common.grants import (
    add_holder,
    grant_id,
    grant_record,
    remove_holder,
    write_grant_record,
)
from plugins.salesforce_common.limits import ApiUsage

CONNECTION_KEY = "salesforce.connection"
#: The words of the one action that connects a plugin to its org, before and after a first connection.
CONNECT_LABEL = "Connect to Salesforce"
RECONNECT_LABEL = "Reconnect"
DISCONNECT_LABEL = "Disconnect"
API_USAGE_KEY = "salesforce.api_usage"


class ConnectionState(enum.StrEnum):
    NOT_CONNECTED = "not_connected"
    CONNECTED = "connected"
    NEEDS_REAUTHORIZATION = "needs_reauthorization"


@dataclass(frozen=True)
class Identity:
    """Who the connection acts as, from Salesforce's identity URL, and the org's name."""

    user_id: str
    username: str
    organization_id: str
    display_name: str
    #: The org's Name, read once at connection time; empty for connections stored before
    #: names were kept, or when Salesforce would not say. People then see the org ID.
    organization_name: str = ""

    @classmethod
    def from_identity_response(cls, payload: Mapping[str, Any]) -> "Identity":
        return cls(
            user_id=str(payload.get("user_id") or ""),
            username=str(payload.get("username") or ""),
            organization_id=str(payload.get("organization_id") or ""),
            display_name=str(payload.get("display_name") or ""),
        )

    @property
    def organization_label(self) -> str:
        """The org as a page names it: its Name, or its ID when the name is unknown."""
        return self.organization_name or self.organization_id

    @property
    def organization_text(self) -> str:
        """The org in plain text, where nothing can be hovered: ``Acme (00D...)``."""
        if self.organization_name:
            return f"{self.organization_name} ({self.organization_id})"
        return self.organization_id

    @property
    def organization_hover(self) -> str | None:
        """The org ID for a title attribute, when the org is shown by name."""
        return f"Salesforce org ID {self.organization_id}" if self.organization_name else None

    def to_json(self) -> dict[str, str]:
        return {
            "user_id": self.user_id,
            "username": self.username,
            "organization_id": self.organization_id,
            "display_name": self.display_name,
            "organization_name": self.organization_name,
        }


def _connected_to(identity: Identity, organization: str) -> str:
    return f"Connected to {organization} as {identity.username}"


@dataclass(frozen=True)
class ConnectionStatus:
    """The connection's state, the identity it acts as, and the last API usage seen."""

    state: ConnectionState
    identity: Identity | None = None
    #: Why the connection needs reauthorization, in Salesforce's words.
    reason: str | None = None
    changed_at: datetime | None = None
    api_usage: ApiUsage | None = None
    #: The org's address, for links to records; kept while reauthorization is needed.
    instance_url: str | None = None
    #: The titles of the other plugins using the same stored grant.
    shared_with: tuple[str, ...] = ()

    @property
    def sharing(self) -> str:
        """Which connection the plugin uses, for its panel; empty when it is its own."""
        if not self.shared_with or self.identity is None:
            return ""
        return (
            f"This connection ({self.identity.username}) is shared with {' and '.join(self.shared_with)}: "
            "one approval in Salesforce, and a reconnect or refusal counts for both."
        )

    @property
    def summary(self) -> str:
        """One plain-text line for a flash, e.g. ``Connected to Acme (00D...) as jane@example.com``."""
        if self.state is ConnectionState.CONNECTED and self.identity:
            return _connected_to(self.identity, self.identity.organization_text)
        return self._not_connected

    def summary_html(self) -> Markup:
        """The summary for a page: the org by its name, with its ID on hover."""
        if self.state is ConnectionState.CONNECTED and self.identity and self.identity.organization_hover:
            return Markup('Connected to <span title="{}">{}</span> as {}').format(
                self.identity.organization_hover, self.identity.organization_name, self.identity.username
            )
        return escape(self.summary)

    @property
    def _not_connected(self) -> str:
        if self.state is ConnectionState.NEEDS_REAUTHORIZATION:
            return f"Needs reauthorization: {self.reason}"
        return "Not connected to Salesforce"

    def plugin_status(self, authorize_url: str) -> PluginStatus:
        """The Marketplace card's status, with a Connect or Reconnect link when one is needed.

        The card names the org; its ID is the card's hover text.
        """
        if self.state is ConnectionState.CONNECTED and self.identity:
            usage = f". {self.api_usage.summary}" if self.api_usage else ""
            message = _connected_to(self.identity, self.identity.organization_label)
            return PluginStatus(StatusKind.CONNECTED, f"{message}{usage}", title=self.identity.organization_hover)
        if self.state is ConnectionState.NEEDS_REAUTHORIZATION:
            return PluginStatus(StatusKind.NEEDS_REAUTHORIZATION, self.summary, authorize_url, RECONNECT_LABEL)
        return PluginStatus(StatusKind.NEEDS_SETUP, self.summary, authorize_url, CONNECT_LABEL)

    def banner(self, plugin_title: str, authorize_url: str) -> Banner | None:
        """A notice for every admin page while the connection needs reauthorization."""
        if self.state is not ConnectionState.NEEDS_REAUTHORIZATION:
            return None
        org = f" with {self.identity.organization_label}" if self.identity else ""
        return Banner(
            f"{plugin_title} has stopped syncing{org}. Salesforce needs reauthorization: {self.reason}",
            BannerLevel.ERROR,
            authorize_url,
            RECONNECT_LABEL,
            title=self.identity.organization_hover if self.identity else None,
        )


def connection_record(store: PluginStore) -> dict[str, Any] | None:
    """The plugin's connection as stored: its grant's state when it uses one, else its own
    (a connection stored before grants were shared, or a refusal before any grant)."""
    stored = store.get(CONNECTION_KEY)
    if stored and stored.get("grant"):
        return grant_record(stored["grant"])
    return stored or None


def grant_of(store: PluginStore) -> str | None:
    """The id of the shared grant the plugin uses, if any."""
    return (store.get(CONNECTION_KEY) or {}).get("grant")


def read_connection_status(store: PluginStore) -> ConnectionStatus:
    """The stored status of the connection kept in ``store``, read in the current session.

    A read needs no transaction of its own.
    """
    stored = connection_record(store)
    if not stored:
        return ConnectionStatus(ConnectionState.NOT_CONNECTED)
    identity = stored.get("identity")
    holders = stored.get("plugins") or {}
    return ConnectionStatus(
        state=ConnectionState(stored["state"]),
        identity=Identity(**identity) if identity else None,
        reason=stored.get("reason"),
        changed_at=datetime.fromisoformat(stored["changed_at"]),
        api_usage=stored_api_usage(store),
        instance_url=stored.get("instance_url"),
        shared_with=tuple(sorted(title for name, title in holders.items() if name != store.plugin_name)),
    )


def stored_api_usage(store: PluginStore) -> ApiUsage | None:
    """The latest API usage reading a client kept, in the current session."""
    usage = store.get(API_USAGE_KEY)
    return ApiUsage.from_json(usage) if usage else None


def stored_identity(store: PluginStore) -> Identity | None:
    """The identity of the current or last connection, in the current session."""
    identity = (connection_record(store) or {}).get("identity")
    return Identity(**identity) if identity else None


def set_connected(
    store: PluginStore, plugin_title: str, identity: Identity, instance_url: str, consumer_key: str
) -> str | None:
    """Record a working connection as the shared grant of its org, user and connected app,
    used by this plugin, in the current session. If the plugin leaves a grant nobody
    else uses, that grant's encrypted tokens, to be revoked."""
    grant = grant_id(identity.organization_id, identity.user_id, consumer_key)
    record = grant_record(grant) or {}
    write_grant_record(
        grant,
        {
            "state": ConnectionState.CONNECTED,
            "identity": identity.to_json(),
            "instance_url": instance_url,
            "consumer_key": consumer_key.strip(),
            "plugins": record.get("plugins", {}),
            "changed_at": datetime.now(UTC).isoformat(),
        },
    )
    return use_grant(store, plugin_title, grant)


def use_grant(store: PluginStore, plugin_title: str, grant: str) -> str | None:
    """Point the plugin at a stored grant, in the current session. If that leaves its
    previous grant unused, the previous grant's encrypted tokens, to be revoked."""
    previous = grant_of(store)
    add_holder(grant, store.plugin_name, plugin_title)
    store.set(CONNECTION_KEY, {"grant": grant})
    return remove_holder(previous, store.plugin_name) if previous and previous != grant else None


def _update_record(store: PluginStore, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Change the plugin's connection where it is kept: its grant, or its own record."""
    grant = grant_of(store)
    if grant:
        if (record := grant_record(grant)) is not None:
            write_grant_record(grant, change(record))
    else:
        store.set(CONNECTION_KEY, change(store.get(CONNECTION_KEY) or {}))


def set_organization_name(store: PluginStore, name: str) -> None:
    """Keep the org's name beside the stored identity, in the current session."""

    def named(stored: dict[str, Any]) -> dict[str, Any]:
        if not stored.get("identity"):
            return stored
        return {**stored, "identity": {**stored["identity"], "organization_name": name}}

    _update_record(store, named)


def set_needs_reauthorization(store: PluginStore, reason: str) -> None:
    """Record that Salesforce refused the refresh token, in the current session: every
    plugin on the same grant needs it.

    The identity is kept so the banner can say which user to reconnect as.
    """
    _update_record(
        store,
        lambda stored: {
            **stored,
            "state": ConnectionState.NEEDS_REAUTHORIZATION,
            "reason": reason,
            "changed_at": datetime.now(UTC).isoformat(),
        },
    )


def save_api_usage(store: PluginStore, usage: ApiUsage) -> None:
    """Keep the latest API usage reading, in the current transaction."""
    store.set(API_USAGE_KEY, usage.to_json())
