"""The pieces of the plugins' Authorize and callback views.

:func:`start_authorization` remembers a fresh ``state`` and PKCE verifier in the
admin's Flask session and redirects to Salesforce; :func:`complete_authorization`
takes them back out (whatever happens next, so each state is accepted once), checks
the callback against them, exchanges the code and stores the connection, then the
org's name (:mod:`.organization`). A connection is a grant shared by the plugins
connected as the same user of the same org and app (:mod:`.grants`):
:func:`join_grant` uses another plugin's without a new approval, and
:func:`disconnect` revokes one at Salesforce only when no plugin uses it any more. A denied, forged or replayed callback raises
before anything is stored, so an existing connection keeps working.
"""

import enum
import logging
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from flask import redirect, session
from werkzeug.wrappers import Response

from host.api import crypto, db, independent_transaction
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.describe import forget_descriptions
from plugins.salesforce_common.errors import (
    AuthorizationDenied,
    AuthorizationStateError,
    ConfigurationError,
    SalesforceError,
)
from plugins.salesforce_common.grants import grant_id, grant_record, joinable_grants, remove_holder
from plugins.salesforce_common.oauth import (
    authorization_url,
    exchange_code,
    fetch_identity,
    new_code_verifier,
    revoke_token,
)
from plugins.salesforce_common.organization import fetch_organization_name
from plugins.salesforce_common.status import (
    CONNECTION_KEY,
    ConnectionStatus,
    Identity,
    grant_of,
    read_connection_status,
    set_connected,
    set_organization_name,
    stored_identity,
    use_grant,
)
from plugins.salesforce_common.tokens import Tokens, save_tokens, share_stored_connection, tokens_from_secret

SESSION_KEY_PREFIX = "salesforce_authorization."

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingAuthorization:
    """What the callback must match, kept in the admin's session meanwhile.

    Flask's session is a signed cookie, readable by whoever holds it, so the PKCE
    verifier goes into it encrypted: only this site can redeem the code.
    """

    state: str
    code_verifier: str
    redirect_uri: str

    def to_session(self) -> dict[str, str]:
        return {**asdict(self), "code_verifier": crypto.encrypt(self.code_verifier)}

    @classmethod
    def from_session(cls, stored: Mapping[str, str]) -> "PendingAuthorization":
        return cls(**{**stored, "code_verifier": crypto.decrypt(stored["code_verifier"])})


def _session_key(config: SalesforceConfig) -> str:
    return f"{SESSION_KEY_PREFIX}{config.plugin_name}"


def start_authorization(config: SalesforceConfig, redirect_uri: str, *, ask_login: bool = False) -> Response:
    """Redirect the admin to Salesforce to log in and allow access (``ask_login``: as
    another user than the one the browser is logged in as)."""
    config.require_complete()
    code_verifier, code_challenge = new_code_verifier()
    pending = PendingAuthorization(secrets.token_urlsafe(32), code_verifier, redirect_uri)
    session[_session_key(config)] = pending.to_session()
    return redirect(
        authorization_url(
            config,
            redirect_uri=redirect_uri,
            state=pending.state,
            code_challenge=code_challenge,
            ask_login=ask_login,
        )
    )


def _take_pending(config: SalesforceConfig) -> PendingAuthorization | None:
    stored = session.pop(_session_key(config), None)
    return PendingAuthorization.from_session(stored) if stored else None


def complete_authorization(config: SalesforceConfig, callback_args: Mapping[str, str]) -> ConnectionStatus:
    """Finish the authorization from the callback's query string and store the connection.

    :param callback_args: the callback request's arguments (``request.args``).
    :raises AuthorizationStateError: no authorization is waiting in this session
        (already used, or never started here), or the state does not match.
    :raises AuthorizationDenied: the admin denied access, or Salesforce refused.
    :raises AuthorizationError: the code could not be exchanged.
    """
    pending = _take_pending(config)
    state = callback_args.get("state", "")
    if pending is None:
        raise AuthorizationStateError(
            "This Salesforce authorization response was already used, or was not started from this browser; "
            "nothing was changed. Start the authorization again."
        )
    if not secrets.compare_digest(state.encode(), pending.state.encode()):
        raise AuthorizationStateError(
            "This Salesforce authorization response does not match the one this browser started (the state "
            "differs), so it was ignored and nothing was changed. Start the authorization again."
        )
    if "error" in callback_args:
        raise AuthorizationDenied(callback_args["error"], callback_args.get("error_description", ""))
    if not callback_args.get("code"):
        raise AuthorizationDenied("invalid_request", "the response carried no authorization code")

    config.require_complete()
    response = exchange_code(
        config, code=callback_args["code"], redirect_uri=pending.redirect_uri, code_verifier=pending.code_verifier
    )
    tokens = Tokens.from_token_response(response)
    identity = Identity.from_identity_response(fetch_identity(config, tokens.identity_url, tokens.access_token))
    with independent_transaction():
        share_stored_connection(config)
        previous = stored_identity(config.store)
        if previous is None or previous.organization_id != identity.organization_id:
            forget_descriptions(config.store)
        grant = grant_id(identity.organization_id, identity.user_id, config.consumer_key)
        replaced = save_tokens(grant, tokens)
        unused = set_connected(config.store, config.plugin_title, identity, tokens.instance_url, config.consumer_key)
    # The approval this one replaces, and a grant the plugin left, count against the
    # user's five approvals of the app until revoked.
    if replaced is not None and replaced.refresh_token != tokens.refresh_token:
        revoke_quietly(config, replaced)
    revoke_quietly(config, tokens_from_secret(unused))
    name = fetch_organization_name(config)
    # The client noted the API usage it saw in the caller's session as it closed. That is
    # committed first: SQLite has one writer, and the name goes in a transaction of its own.
    db.session.commit()
    if name:
        with independent_transaction():
            set_organization_name(config.store, name)
    return read_connection_status(config.store)


def join_grant(config: SalesforceConfig, grant: str) -> ConnectionStatus:
    """Use another plugin's stored grant, without a new approval.

    :raises ConfigurationError: the plugin's settings are incomplete, or the grant is gone,
        not working, or of another connected app.
    """
    config.require_complete()
    with independent_transaction():
        share_stored_connection(config)
        offered = {shared.id for shared in joinable_grants(config.plugin_name, config.consumer_key)}
        if grant not in offered:
            raise ConfigurationError(
                "That connection is no longer available to share (it was disconnected, needs reauthorization, "
                "or uses another Consumer Key); nothing was changed. Connect to Salesforce instead."
            )
        previous = stored_identity(config.store)
        record = grant_record(grant) or {}
        if previous is None or previous.organization_id != (record.get("identity") or {}).get("organization_id"):
            forget_descriptions(config.store)
        unused = use_grant(config.store, config.plugin_title, grant)
    revoke_quietly(config, tokens_from_secret(unused))
    return read_connection_status(config.store)


class Disconnected(enum.Enum):
    """What Disconnect did."""

    REVOKED = "Disconnected from Salesforce; Salesforce revoked the connection."
    STILL_SHARED = "Disconnected from Salesforce; the other plugin using the connection stays connected."
    WAS_NOT_CONNECTED = "There was no connection to Salesforce to disconnect; nothing was changed."


def disconnect(config: SalesforceConfig) -> Disconnected:
    """Stop using the connection; revoke it at Salesforce when no other plugin uses it.

    :raises SalesforceError: Salesforce could not be told; the site has forgotten it anyway.
    """
    with independent_transaction():
        share_stored_connection(config)
        if config.store.get(CONNECTION_KEY) is None:
            return Disconnected.WAS_NOT_CONNECTED
        grant = grant_of(config.store)
        unused = remove_holder(grant, config.plugin_name) if grant else None
        config.store.delete(CONNECTION_KEY)
        shared = grant is not None and unused is None and grant_record(grant) is not None
    tokens = tokens_from_secret(unused)
    if tokens is not None:
        revoke_token(config, tokens.refresh_token)
    return Disconnected.STILL_SHARED if shared else Disconnected.REVOKED


def revoke_quietly(config: SalesforceConfig, tokens: Tokens | None) -> None:
    """Revoke tokens nobody uses any more; a failure only leaves an approval to expire."""
    if tokens is None:
        return
    try:
        revoke_token(config, tokens.refresh_token)
    except SalesforceError as error:
        log.warning("An unused Salesforce approval of %s was not revoked: %s", config.plugin_name, error)


def connection_status(config: SalesforceConfig) -> ConnectionStatus:
    """The connection's state for a Marketplace card, banner or settings page."""
    return read_connection_status(config.store)
