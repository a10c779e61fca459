"""Run the emulator inside a test: a real HTTP(S) server on a free port, and helpers around it.

    with running_emulator(https=True) as sf:
        code_url = sf.authorize_with_requests(sf.authorize_url(state="xyz"))

The OAuth helper drives the login and Allow pages the way a browser would: it fetches
each page, reads its HTML form and posts it, so tests exercise the real pages.
"""

import base64
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from flask import Flask

from .app import create_app
from .config import EmulatorConfig
from .server import base_url, build_server, serve_in_thread
from .state import Org


class PinnedSession(requests.Session):
    """A Session whose ``verify`` wins over REQUESTS_CA_BUNDLE, which plain Sessions let override it."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None:
            settings["verify"] = self.verify
        return settings


def pinned_session(verify: bool | str) -> requests.Session:
    http = PinnedSession()
    http.verify = verify
    return http


class AuthorizationFailed(Exception):
    """The authorize pages did not end in a redirect to the callback."""


@dataclass
class _Form:
    action: str
    inputs: list[dict[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.errors: list[str] = []
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(_Form(values.get("action", "")))
        elif tag == "input" and self.forms:
            self.forms[-1].inputs.append(values)
        elif tag == "button" and self.forms:
            self.forms[-1].buttons.append(values)
        elif "error" in values.get("class", "").split():
            self._in_error = True

    def handle_data(self, data: str) -> None:
        if self._in_error and data.strip():
            self.errors.append(data.strip())
            self._in_error = False


def authorize_with_requests(
    authorize_url: str,
    username: str,
    password: str,
    *,
    approve: bool = True,
    session: requests.Session | None = None,
    verify: bool | str = True,
) -> str:
    """Follow the login and consent pages with real form posts; return the callback redirect URL.

    The callback itself is not fetched: the returned URL carries ``code`` and ``state``
    (or ``error``) for the test to hand to its own callback handler.
    """
    http = session or pinned_session(verify)
    response = http.get(authorize_url, allow_redirects=False, verify=verify)
    for _ in range(6):
        if response.is_redirect:
            location = response.headers["Location"]
            if urlsplit(location).path == "/services/oauth2/authorize":
                response = http.get(urljoin(response.url, location), allow_redirects=False, verify=verify)
                continue
            return location
        page = _FormParser()
        page.feed(response.text)
        if response.status_code != 200 or not page.forms:
            raise AuthorizationFailed(f"HTTP {response.status_code}: {' '.join(page.errors) or response.text[:300]}")
        form = page.forms[0]
        data = {i["name"]: i.get("value", "") for i in form.inputs if i.get("name") and i.get("type") == "hidden"}
        password_input = next((i for i in form.inputs if i.get("type") == "password"), None)
        if password_input is not None:
            if page.errors:
                raise AuthorizationFailed(" ".join(page.errors))
            user_input = next(i for i in form.inputs if i.get("type") in ("text", "email") and i.get("name"))
            data[user_input["name"]] = username
            data[password_input["name"]] = password
        else:
            wanted = "allow" if approve else "deny"
            button = next((b for b in form.buttons if b.get("value", "").lower() == wanted), None)
            if button is None:
                raise AuthorizationFailed(f"no {wanted} button on the page")
            data[button["name"]] = button["value"]
        response = http.post(urljoin(response.url, form.action), data=data, allow_redirects=False, verify=verify)
    raise AuthorizationFailed("too many pages before the callback redirect")


def pkce_pair() -> tuple[str, str]:
    """A (code_verifier, S256 code_challenge) pair."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class AdminClient:
    """The emulator's admin API (``/_emulator``) over HTTP."""

    def __init__(self, base: str, token: str, verify: bool | str = True) -> None:
        self.base = base + "/_emulator"
        self.http = pinned_session(verify)
        self.http.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.base + path, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self._call("POST", "/reset")

    def set_clock_offset(self, seconds: float) -> None:
        self._call("POST", "/clock", json={"offset_seconds": seconds})

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "/clock", json={"advance_seconds": seconds})

    def settings(self, **values: Any) -> dict[str, Any]:
        """Read or change: access_token_seconds, code_seconds, api_limit, api_usage, api_enabled,
        latency_ms, error_rate, outage_seconds, query_batch_size, max_topics_per_record, topics_enabled."""
        return self._call("POST", "/settings", json=values)

    def configure_app(self, consumer_key: str, **values: Any) -> dict[str, Any]:
        """refresh_token_policy, refresh_token_seconds, rotate_refresh_tokens, require_secret, callback_urls."""
        return self._call("POST", f"/apps/{consumer_key}", json=values)

    def expire_sessions(self) -> int:
        return self._call("POST", "/sessions/expire")["expired"]

    def revoke_refresh_tokens(self, username: str) -> int:
        return self._call("POST", f"/users/{username}/revoke")["revoked"]

    def approvals(self) -> list[dict[str, Any]]:
        return self._call("GET", "/approvals")

    def records(self, sobject: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        return self._call("GET", f"/records/{sobject}", params={"deleted": "true"} if include_deleted else None)

    def insert(self, sobject: str, **fields: Any) -> str:
        """Create a record (validated like the API) without counting an API call."""
        return self._call("POST", f"/records/{sobject}", json=fields)["id"]

    def counts(self) -> dict[str, int]:
        return self._call("GET", "/counts")

    def define_object(self, definition: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/objects", json=definition)

    def define_field(self, sobject: str, definition: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/objects/{sobject}/fields", json=definition)

    def calls(self, kind: str = "rest") -> list[dict[str, Any]]:
        """Logged calls, oldest first: REST API calls, or ``kind="oauth"`` / ``"all"``."""
        return self._call("GET", "/calls", params={"kind": kind})

    def call_counts(self) -> dict[str, int]:
        """REST API calls per ``METHOD endpoint``, e.g. ``{"PATCH sobjects/<name>/<field_name>/<value>": 2}``."""
        return self._call("GET", "/calls", params={"summary": "1"})

    def oauth_call_counts(self) -> dict[str, int]:
        """OAuth endpoint calls, e.g. ``{"POST services/oauth2/token": 1}``; not API calls."""
        return self._call("GET", "/calls", params={"summary": "oauth"})

    def clear_calls(self) -> None:
        self._call("DELETE", "/calls")

    def define_outbound_message(
        self, name: str, sobject: str, fields: list[str], endpoint_url: str, on: tuple[str, ...] = ("create", "update")
    ) -> dict[str, Any]:
        return self._call(
            "POST",
            "/outbound",
            json={"name": name, "object": sobject, "fields": fields, "endpoint_url": endpoint_url, "on": list(on)},
        )

    def outbound_status(self) -> dict[str, Any]:
        """Configured messages, pending notifications (with attempts) and the delivery log."""
        return self._call("GET", "/outbound")

    def deliver_outbound(self) -> int:
        """Attempt due notifications now; returns how many were acknowledged."""
        return self._call("POST", "/outbound/deliver")["acknowledged"]


@dataclass
class EmulatorHandle:
    """A running emulator: where it is, the seeded credentials, and clients for it."""

    base_url: str
    config: EmulatorConfig
    app: Flask
    verify: bool | str
    admin: AdminClient

    @property
    def username(self) -> str:
        return self.config.users[0].username

    @property
    def password(self) -> str:
        return self.config.users[0].password

    @property
    def consumer_key(self) -> str:
        return self.config.connected_apps[0].consumer_key

    @property
    def consumer_secret(self) -> str:
        return self.config.connected_apps[0].consumer_secret

    @property
    def callback_url(self) -> str:
        return self.config.connected_apps[0].callback_urls[0]

    @property
    def org(self) -> Org:
        """The in-process state, for assertions a test cannot make over HTTP."""
        return self.app.extensions["salesforce_emulator"]

    def reset(self) -> None:
        self.admin.reset()

    def session(self) -> requests.Session:
        """A requests Session that trusts this emulator's certificate (pass it to simple-salesforce)."""
        return pinned_session(self.verify)

    def authorize_url(
        self,
        *,
        state: str = "state",
        scope: str = "api refresh_token",
        code_challenge: str | None = None,
        redirect_uri: str | None = None,
        prompt: str | None = None,
    ) -> str:
        params = {
            "response_type": "code",
            "client_id": self.consumer_key,
            "redirect_uri": redirect_uri or self.callback_url,
            "scope": scope,
            "state": state,
        }
        if code_challenge:
            params.update(code_challenge=code_challenge, code_challenge_method="S256")
        if prompt:
            params["prompt"] = prompt
        return f"{self.base_url}/services/oauth2/authorize?{urlencode(params)}"

    def authorize_with_requests(
        self, authorize_url: str, *, approve: bool = True, session: requests.Session | None = None
    ) -> str:
        """Log in as the seeded user and press Allow (or Deny); the callback URL with ``code``."""
        return authorize_with_requests(
            authorize_url, self.username, self.password, approve=approve, session=session, verify=self.verify
        )

    def obtain_token(self, scope: str = "api refresh_token") -> dict[str, Any]:
        """The whole web-server flow with PKCE; the token endpoint's JSON response."""
        verifier, challenge = pkce_pair()
        callback = self.authorize_with_requests(self.authorize_url(scope=scope, code_challenge=challenge))
        code = parse_qs(urlsplit(callback).query)["code"][0]
        response = self.session().post(
            f"{self.base_url}/services/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.consumer_key,
                "client_secret": self.consumer_secret,
                "redirect_uri": self.callback_url,
                "code_verifier": verifier,
            },
        )
        response.raise_for_status()
        return response.json()


@contextmanager
def running_emulator(**config: Any) -> Iterator[EmulatorHandle]:
    """Start the emulator on a free port in a background thread; ``config`` takes EmulatorConfig keys."""
    settings = EmulatorConfig.from_dict({"port": 0, **config})
    app = create_app(settings)
    server, cert_path = build_server(app, settings)
    serve_in_thread(server)
    url = base_url(server, settings)
    app.extensions["salesforce_emulator"].base_url = url
    verify: bool | str = str(cert_path) if cert_path else True
    try:
        yield EmulatorHandle(url, settings, app, verify, AdminClient(url, settings.admin_token, verify))
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["salesforce_emulator"].close()
