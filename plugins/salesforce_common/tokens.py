"""The connection's tokens: kept encrypted, refreshed one process at a time.

The tokens are a shared grant's (:mod:`.grants`), used by every plugin connected
as the same user of the same org and connected app.

Salesforce may rotate refresh tokens: each refresh then returns a new refresh token
and invalidates the old one, and reusing an old one revokes the connection. Two
workers refreshing at once would race to that end. So a refresh locks the stored
tokens, reads them again, and refreshes only if nobody else has since the caller's
token failed; otherwise it takes the newer token another process stored.
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from host.api import PluginStore, crypto, independent_transaction
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.errors import (
    AuthorizationError,
    ConfigurationError,
    NotConnected,
    ReauthorizationRequired,
)
from plugins.salesforce_common.grants import GRANTS, grant_id, tokens_key
from plugins.salesforce_common.oauth import RefreshRefused, refresh_grant
from plugins.salesforce_common.status import (
    CONNECTION_KEY,
    ConnectionState,
    Identity,
    connection_record,
    grant_of,
    set_connected,
    set_needs_reauthorization,
    use_grant,
)
from plugins.salesforce_common.transport import require_secure_transport

#: Where a plugin kept its own tokens before grants were shared; moved on first use.
LEGACY_TOKENS_KEY = "salesforce.tokens"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tokens:
    """What a token response gives: the tokens and where the org's API lives."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    #: The API host, from the token response (not the login host).
    instance_url: str
    #: Salesforce's identity URL for the user and org.
    identity_url: str
    issued_at: datetime | None = None

    @classmethod
    def from_token_response(cls, response: Mapping[str, Any], *, refresh_token: str | None = None) -> "Tokens":
        """Tokens from a token response; ``refresh_token`` is kept if none came back."""
        refresh_token = response.get("refresh_token") or refresh_token
        if not refresh_token:
            raise AuthorizationError(
                "Salesforce granted no refresh token, so the connection would stop within hours; add the scope "
                '"Perform requests at any time (refresh_token, offline_access)" to the connected app.'
            )
        instance_url = require_secure_transport(str(response["instance_url"]).rstrip("/"), "Salesforce's instance URL")
        return cls(
            access_token=str(response["access_token"]),
            refresh_token=str(refresh_token),
            instance_url=instance_url,
            identity_url=str(response["id"]),
            issued_at=_issued_at(response),
        )

    def refreshed(self, response: Mapping[str, Any]) -> "Tokens":
        """These tokens after a refresh: a rotated refresh token replaces the old one."""
        return Tokens.from_token_response(
            {"id": self.identity_url, "instance_url": self.instance_url, **response}, refresh_token=self.refresh_token
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "instance_url": self.instance_url,
                "identity_url": self.identity_url,
                "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Tokens":
        stored = json.loads(text)
        issued_at = stored.pop("issued_at")
        return cls(**stored, issued_at=datetime.fromisoformat(issued_at) if issued_at else None)


def _issued_at(response: Mapping[str, Any]) -> datetime | None:
    """``issued_at`` is a string of milliseconds since the epoch."""
    try:
        return datetime.fromtimestamp(int(response["issued_at"]) / 1000, UTC)
    except (KeyError, TypeError, ValueError):
        return None


def save_tokens(grant: str, tokens: Tokens) -> Tokens | None:
    """Store a grant's tokens encrypted, in the current session; the tokens they replace."""
    replaced = stored_tokens(grant)
    GRANTS.set_secret(tokens_key(grant), tokens.to_json())
    return replaced


def stored_tokens(grant: str) -> Tokens | None:
    stored = GRANTS.get_secret(tokens_key(grant))
    return Tokens.from_json(stored) if stored else None


def tokens_from_secret(secret: str | None) -> Tokens | None:
    """Tokens from their encrypted form as stored, e.g. those of a grant just deleted."""
    return Tokens.from_json(crypto.decrypt(secret)) if secret else None


def _refusal(store: PluginStore) -> ReauthorizationRequired:
    """Why there are no usable tokens: never connected, or refused since."""
    connection = connection_record(store) or {}
    if connection.get("state") == ConnectionState.NEEDS_REAUTHORIZATION:
        return ReauthorizationRequired(connection.get("reason") or "Salesforce refused the stored authorization.")
    return NotConnected()


def share_stored_connection(config: SalesforceConfig) -> None:
    """Move a connection stored in the plugin's own store, before grants were shared, into
    the shared grant of its org, user and connected app, in the current session, so a
    connected site stays connected. Another plugin's grant for the same user is joined."""
    store = config.store
    legacy = store.get(CONNECTION_KEY) or {}
    secret = store.get_secret(LEGACY_TOKENS_KEY)
    if legacy.get("grant") or not legacy.get("identity") or secret is None:
        return
    identity = Identity(**legacy["identity"])
    grant = grant_id(identity.organization_id, identity.user_id, config.consumer_key)
    if stored_tokens(grant) is None:
        save_tokens(grant, Tokens.from_json(secret))
        set_connected(store, config.plugin_title, identity, legacy.get("instance_url") or "", config.consumer_key)
    else:
        use_grant(store, config.plugin_title, grant)
    store.delete(LEGACY_TOKENS_KEY)
    log.info("Salesforce connection of %s moved to the shared grant %s", store.plugin_name, grant)


def load_tokens(config: SalesforceConfig) -> Tokens:
    """The stored tokens; raise :class:`ReauthorizationRequired` if there are none."""
    store = config.store
    with independent_transaction():
        share_stored_connection(config)
        grant = grant_of(store)
        tokens = stored_tokens(grant) if grant else None
        if tokens is None:
            raise _refusal(store)
    return tokens


def refresh_tokens(config: SalesforceConfig, failed: Tokens) -> Tokens:
    """Tokens to use after Salesforce rejected ``failed.access_token`` as expired.

    Serialized across processes, and across the plugins sharing the grant, by a lock on
    the stored tokens. If Salesforce refuses the refresh token, the grant is marked as
    needing reauthorization with Salesforce's reason (for every plugin using it), the
    dead tokens are deleted, and :class:`ReauthorizationRequired` is raised.
    """
    store = config.store
    with independent_transaction():
        grant = grant_of(store)
        if grant is None:
            raise _refusal(store)
        GRANTS.lock(tokens_key(grant))
        current = stored_tokens(grant)
        if current is None:
            raise _refusal(store)
        if current.access_token != failed.access_token:
            log.info("Salesforce session of %s was already refreshed by another worker", store.plugin_name)
            return current
        try:
            renewed = current.refreshed(refresh_grant(config, current.refresh_token))
        except RefreshRefused as refused:
            if refused.refuses_the_app:
                # The grant is sound: another plugin on it may hold the right key and secret.
                raise ConfigurationError(
                    f"Salesforce refused this plugin's Consumer Key or Secret when renewing the session "
                    f"({refused.reason}); copy them again from the connected app."
                ) from refused
            reason = f"Salesforce refused the refresh token: {refused.reason}."
            GRANTS.delete(tokens_key(grant))
            set_needs_reauthorization(store, reason)
        else:
            save_tokens(grant, renewed)
            log.info("Salesforce session of %s refreshed", store.plugin_name)
            return renewed
    log.warning("Salesforce connection of %s needs reauthorization: %s", store.plugin_name, reason)
    raise ReauthorizationRequired(reason)
