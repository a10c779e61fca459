"""The pieces of the plugins' Authorize and callback views.

:func:`start_authorization` remembers a fresh ``state`` and PKCE verifier in the
admin's Flask session and redirects to Salesforce; :func:`complete_authorization`
takes them back out (whatever happens next, so each state is accepted once), checks
the callback against them, exchanges the code and stores the connection, then the
org's name (:mod:`.organization`). A denied, forged or replayed callback raises
before anything is stored, so an existing connection keeps working.
"""

import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from flask import redirect, session
from werkzeug.wrappers import Response

from host.api import crypto, independent_transaction
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.describe import forget_descriptions
from plugins.salesforce_common.errors import AuthorizationDenied, AuthorizationStateError
from plugins.salesforce_common.oauth import authorization_url, exchange_code, fetch_identity, new_code_verifier
from plugins.salesforce_common.organization import fetch_organization_name
from plugins.salesforce_common.status import (
    ConnectionStatus,
    Identity,
    read_connection_status,
    set_connected,
    set_organization_name,
    stored_identity,
)
from plugins.salesforce_common.tokens import Tokens, save_tokens

SESSION_KEY_PREFIX = "salesforce_authorization."


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


def start_authorization(config: SalesforceConfig, redirect_uri: str) -> Response:
    """Redirect the admin to Salesforce to log in and allow access."""
    config.require_complete()
    code_verifier, code_challenge = new_code_verifier()
    pending = PendingAuthorization(secrets.token_urlsafe(32), code_verifier, redirect_uri)
    session[_session_key(config)] = pending.to_session()
    return redirect(
        authorization_url(config, redirect_uri=redirect_uri, state=pending.state, code_challenge=code_challenge)
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
        previous = stored_identity(config.store)
        if previous is None or previous.organization_id != identity.organization_id:
            forget_descriptions(config.store)
        save_tokens(config.store, tokens)
        set_connected(config.store, identity, tokens.instance_url)
    name = fetch_organization_name(config)
    if name:
        with independent_transaction():
            set_organization_name(config.store, name)
    return read_connection_status(config.store)


def connection_status(config: SalesforceConfig) -> ConnectionStatus:
    """The connection's state for a Marketplace card, banner or settings page."""
    return read_connection_status(config.store)
