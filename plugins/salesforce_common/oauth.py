"""Salesforce's OAuth 2.0 endpoints, spoken through requests-oauthlib.

The web-server flow with PKCE (S256): the authorization URL, the code exchange,
the refresh grant and the identity lookup. The flow's bookkeeping (state in the
admin's session, storing what comes back) is in :mod:`.authorization` and
:mod:`.tokens`; this module only talks to Salesforce.

Two details of Salesforce shape the calls. Token responses carry no ``expires_in``,
so expiry shows up as a 401 on an API call rather than as a date. And Salesforce may
grant fewer scopes than asked (``offline_access`` is a synonym of ``refresh_token``),
so the token calls are made without a requested scope: oauthlib would otherwise
refuse the changed scope, and a refresh must not send one anyway.
"""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient
from requests_oauthlib import OAuth2Session

from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.errors import AuthorizationError, ConfigurationError, TransientError
from plugins.salesforce_common.transport import oauthlib_transport_for, require_secure_transport

SCOPES = ("api", "refresh_token", "offline_access")
PKCE_METHOD = "S256"
#: The longest verifier RFC 7636 allows: the most entropy for free.
CODE_VERIFIER_LENGTH = 128


class _WithholdTokenDebugLogs(logging.Filter):
    """requests-oauthlib logs request bodies and tokens at DEBUG; never let those out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_TOKEN_LOG_FILTER = _WithholdTokenDebugLogs()
logging.getLogger("requests_oauthlib.oauth2_session").addFilter(_TOKEN_LOG_FILTER)


class RefreshRefused(Exception):
    """Salesforce refused the refresh token (``invalid_grant`` and the like).

    Internal: :mod:`.tokens` turns it into "needs reauthorization" with the reason.
    """

    def __init__(self, reason: str, error: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        #: OAuth's error code, e.g. ``invalid_grant``.
        self.error = error

    @property
    def refuses_the_app(self) -> bool:
        """The consumer key or secret was refused, not the grant: the plugin's settings are wrong."""
        return self.error in ("invalid_client", "invalid_client_id")


def new_code_verifier() -> tuple[str, str]:
    """A fresh PKCE code verifier and its S256 challenge."""
    client = WebApplicationClient(None)
    verifier = client.create_code_verifier(CODE_VERIFIER_LENGTH)
    return verifier, client.create_code_challenge(verifier, PKCE_METHOD)


def authorization_url(
    config: SalesforceConfig, *, redirect_uri: str, state: str, code_challenge: str, ask_login: bool = False
) -> str:
    """Where to send the admin's browser to log in to Salesforce and allow access.

    ``ask_login`` has Salesforce ask for a login even if the browser is logged in
    (``prompt=login``), for connecting as another user.
    """
    session = OAuth2Session(config.consumer_key, redirect_uri=redirect_uri, scope=list(SCOPES))
    extra = {"prompt": "login"} if ask_login else {}
    with oauthlib_transport_for(config.authorize_url):
        url, _ = session.authorization_url(
            config.authorize_url,
            state=state,
            code_challenge=code_challenge,
            code_challenge_method=PKCE_METHOD,
            **extra,
        )
    return url


def _raise_for_server_error(response: requests.Response) -> requests.Response:
    """A token endpoint answering 5xx (often an HTML maintenance page) is an outage."""
    if response.status_code >= 500:
        raise TransientError(f"Salesforce's login service answered HTTP {response.status_code}; try again shortly.")
    return response


def _token_session(config: SalesforceConfig, redirect_uri: str | None = None) -> OAuth2Session:
    session = OAuth2Session(config.consumer_key, redirect_uri=redirect_uri)
    session.register_compliance_hook("access_token_response", _raise_for_server_error)
    session.register_compliance_hook("refresh_token_response", _raise_for_server_error)
    return session


@contextmanager
def transport_errors_are_transient(what: str) -> Iterator[None]:
    """Timeouts and unreachable hosts become :class:`TransientError`."""
    try:
        yield
    except requests.Timeout as error:
        raise TransientError(f"{what} did not answer in time; it will be tried again.") from error
    except requests.ConnectionError as error:
        raise TransientError(f"{what} could not be reached; it will be tried again.") from error


def _describe_token_error(error: OAuth2Error) -> str:
    return error.description or error.error or "no reason given"


_CODE_EXCHANGE_ADVICE = {
    "invalid_client_id": "Salesforce does not recognise the Consumer Key; copy it again from the connected app.",
    "invalid_client": "Salesforce refused the Consumer Secret; copy it again from the connected app.",
    "redirect_uri_mismatch": "the callback URL is not one of the connected app's callback URLs; add it there.",
}


def exchange_code(config: SalesforceConfig, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
    """Trade an authorization code for tokens; raise :class:`AuthorizationError` with the reason."""
    session = _token_session(config, redirect_uri)
    try:
        with transport_errors_are_transient("Salesforce's login service"), oauthlib_transport_for(config.token_url):
            token = session.fetch_token(
                config.token_url,
                code=code,
                code_verifier=code_verifier,
                include_client_id=True,
                client_secret=config.consumer_secret,
                timeout=config.timeouts,
            )
    except OAuth2Error as error:
        advice = _CODE_EXCHANGE_ADVICE.get(error.error, "start the authorization again.")
        raise AuthorizationError(
            f"Salesforce refused to complete the authorization ({_describe_token_error(error)}); {advice}"
        ) from error
    return dict(token)


def refresh_grant(config: SalesforceConfig, refresh_token: str) -> dict[str, Any]:
    """New tokens for a refresh token; raise :class:`RefreshRefused` if Salesforce says no.

    The answer holds a ``refresh_token`` only when the connected app rotates them.
    """
    session = _token_session(config)
    try:
        with transport_errors_are_transient("Salesforce's login service"), oauthlib_transport_for(config.token_url):
            response = session.refresh_token(
                config.token_url,
                refresh_token=refresh_token,
                client_id=config.consumer_key,
                client_secret=config.consumer_secret,
                timeout=config.timeouts,
            )
    except OAuth2Error as error:
        raise RefreshRefused(_describe_token_error(error), error.error or "") from error
    token = dict(response)
    if token.get("refresh_token") == refresh_token:
        # requests-oauthlib fills in the token it sent when none came back.
        del token["refresh_token"]
    return token


def fetch_identity(config: SalesforceConfig, identity_url: str, access_token: str) -> Mapping[str, Any]:
    """The user and org the tokens act for, from the token response's ``id`` URL."""
    require_secure_transport(identity_url, "Salesforce's identity URL")
    with transport_errors_are_transient("Salesforce's identity service"):
        response = requests.get(
            identity_url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=config.timeouts,
        )
    if response.status_code != 200:
        raise AuthorizationError(
            f"Salesforce did not say who the connection acts as (HTTP {response.status_code} from the identity "
            "URL); start the authorization again."
        )
    try:
        return response.json()
    except ValueError as error:
        raise ConfigurationError(
            f"{identity_url} did not answer as Salesforce's identity service does; check the login URL."
        ) from error


def revoke_token(config: SalesforceConfig, token: str) -> None:
    """Revoke a refresh token (and its sessions) at Salesforce's revoke endpoint.

    :raises TransientError: Salesforce could not be reached.
    :raises AuthorizationError: Salesforce refused; a token it no longer knows is
        already revoked, so that is not an error.
    """
    require_secure_transport(config.revoke_url, "The Salesforce login URL")
    with transport_errors_are_transient("Salesforce's login service"):
        response = requests.post(config.revoke_url, data={"token": token}, timeout=config.timeouts)
    if response.status_code == 200:
        return
    try:
        error = response.json().get("error")
    except ValueError:
        error = None
    if error == "invalid_token":
        return
    raise AuthorizationError(f"Salesforce did not revoke the connection (HTTP {response.status_code}).")
