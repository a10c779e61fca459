"""The connection's tokens: kept encrypted, refreshed one process at a time.

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

from host.api import PluginStore, independent_transaction
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.errors import AuthorizationError, NotConnected, ReauthorizationRequired
from plugins.salesforce_common.oauth import RefreshRefused, refresh_grant
from plugins.salesforce_common.status import CONNECTION_KEY, ConnectionState, set_needs_reauthorization
from plugins.salesforce_common.transport import require_secure_transport

TOKENS_KEY = "salesforce.tokens"

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


def save_tokens(store: PluginStore, tokens: Tokens) -> None:
    """Store the tokens encrypted, in the current session."""
    store.set_secret(TOKENS_KEY, tokens.to_json())


def _stored_tokens(store: PluginStore) -> Tokens | None:
    stored = store.get_secret(TOKENS_KEY)
    return Tokens.from_json(stored) if stored else None


def _refusal(store: PluginStore) -> ReauthorizationRequired:
    """Why there are no usable tokens: never connected, or refused since."""
    connection = store.get(CONNECTION_KEY) or {}
    if connection.get("state") == ConnectionState.NEEDS_REAUTHORIZATION:
        return ReauthorizationRequired(connection.get("reason") or "Salesforce refused the stored authorization.")
    return NotConnected()


def load_tokens(store: PluginStore) -> Tokens:
    """The stored tokens; raise :class:`ReauthorizationRequired` if there are none."""
    with independent_transaction():
        tokens = _stored_tokens(store)
        if tokens is None:
            raise _refusal(store)
    return tokens


def refresh_tokens(config: SalesforceConfig, failed: Tokens) -> Tokens:
    """Tokens to use after Salesforce rejected ``failed.access_token`` as expired.

    Serialized across processes by a lock on the stored tokens. If Salesforce refuses
    the refresh token, the connection is marked as needing reauthorization with
    Salesforce's reason, the dead tokens are deleted, and
    :class:`ReauthorizationRequired` is raised.
    """
    store = config.store
    with independent_transaction():
        store.lock(TOKENS_KEY)
        current = _stored_tokens(store)
        if current is None:
            raise _refusal(store)
        if current.access_token != failed.access_token:
            log.info("Salesforce session of %s was already refreshed by another worker", store.plugin_name)
            return current
        try:
            renewed = current.refreshed(refresh_grant(config, current.refresh_token))
        except RefreshRefused as refused:
            reason = f"Salesforce refused the refresh token: {refused.reason}."
            store.delete(TOKENS_KEY)
            set_needs_reauthorization(store, reason)
        else:
            save_tokens(store, renewed)
            log.info("Salesforce session of %s refreshed", store.plugin_name)
            return renewed
    log.warning("Salesforce connection of %s needs reauthorization: %s", store.plugin_name, reason)
    raise ReauthorizationRequired(reason)
