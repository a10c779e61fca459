"""OAuth 2.0 web-server flow, as Salesforce implements it."""

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from requests_oauthlib import OAuth2Session

from salesforce_emulator.testing import AuthorizationFailed, EmulatorHandle, authorize_with_requests, pkce_pair


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _exchange(handle: EmulatorHandle, code: str, verifier: str | None = None, **overrides: str):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": handle.consumer_key,
        "client_secret": handle.consumer_secret,
        "redirect_uri": handle.callback_url,
    }
    if verifier:
        data["code_verifier"] = verifier
    data.update(overrides)
    return handle.session().post(f"{handle.base_url}/services/oauth2/token", data=data)


def _refresh(handle: EmulatorHandle, refresh_token: str):
    return handle.session().post(
        f"{handle.base_url}/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": handle.consumer_key,
            "client_secret": handle.consumer_secret,
        },
    )


def _code(handle: EmulatorHandle, **kwargs: str) -> str:
    return _query(handle.authorize_with_requests(handle.authorize_url(**kwargs)))["code"]


def test_requests_oauthlib_flow_with_pkce_and_refresh(emulator_https: EmulatorHandle) -> None:
    """requests-oauthlib's OAuth2Session completes the flow with PKCE S256, calls REST, and refreshes."""
    sf = emulator_https
    sf.admin.configure_app(sf.consumer_key, callback_urls=["https://localhost:5000/oauth/callback"])
    token_url = f"{sf.base_url}/services/oauth2/token"
    oauth = OAuth2Session(sf.consumer_key, redirect_uri=sf.callback_url, scope=["api", "refresh_token"], pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{sf.base_url}/services/oauth2/authorize")
    assert "code_challenge=" in authorization_url and "code_challenge_method=S256" in authorization_url
    callback = sf.authorize_with_requests(authorization_url)
    assert _query(callback)["state"] == state
    token = oauth.fetch_token(
        token_url,
        authorization_response=callback,
        client_secret=sf.consumer_secret,
        include_client_id=True,
        verify=sf.verify,
    )
    assert set(token) >= {"access_token", "refresh_token", "instance_url", "id", "issued_at", "signature"}
    response = oauth.get(f"{token['instance_url']}/services/data/v62.0/sobjects/Contact/describe", verify=sf.verify)
    assert response.status_code == 200 and response.json()["name"] == "Contact"

    refresher = OAuth2Session(sf.consumer_key, token=token)
    refreshed = refresher.refresh_token(
        token_url, client_id=sf.consumer_key, client_secret=sf.consumer_secret, verify=sf.verify
    )
    assert refreshed["access_token"] != token["access_token"]
    response = refresher.get(f"{token['instance_url']}/services/data/v62.0/limits", verify=sf.verify)
    assert response.status_code == 200


def test_token_response_has_salesforce_fields_and_no_expires_in(emulator: EmulatorHandle) -> None:
    """Token responses carry access_token, refresh_token, signature, scope, instance_url, id, token_type and
    issued_at (milliseconds, as a string); there is no expires_in. The signature is HMAC-SHA256 of id + issued_at."""
    token = emulator.obtain_token()
    assert list(token) == [
        "access_token",
        "refresh_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    ]
    assert token["token_type"] == "Bearer" and token["scope"] == "refresh_token api"
    assert token["access_token"].startswith(emulator.config.org_id[:15] + "!")
    assert isinstance(token["issued_at"], str) and len(token["issued_at"]) == 13
    assert token["id"] == f"{emulator.base_url}/id/{emulator.config.org_id}/{emulator.org.user_id(emulator.username)}"
    digest = hmac.new(
        emulator.consumer_secret.encode(), (token["id"] + token["issued_at"]).encode(), hashlib.sha256
    ).digest()
    assert token["signature"] == base64.b64encode(digest).decode()


def test_refresh_response_has_no_refresh_token_without_rotation(emulator: EmulatorHandle) -> None:
    """A refresh returns a new access token and no refresh_token unless the app rotates refresh tokens."""
    token = emulator.obtain_token()
    emulator.admin.clear_calls()
    refreshed = _refresh(emulator, token["refresh_token"])
    assert refreshed.status_code == 200
    assert "refresh_token" not in refreshed.json() and "expires_in" not in refreshed.json()
    assert emulator.admin.oauth_call_counts() == {"POST services/oauth2/token": 1}
    assert emulator.admin.call_counts() == {} and emulator.admin.calls() == []
    assert [(c["path"], c["status"]) for c in emulator.admin.calls("oauth")] == [("/services/oauth2/token", 200)]


def test_no_refresh_token_without_refresh_scope(emulator: EmulatorHandle) -> None:
    """Without the refresh_token (or offline_access) scope, no refresh token is issued."""
    assert "refresh_token" not in emulator.obtain_token(scope="api")


def test_state_is_echoed_and_deny_redirects_with_access_denied(emulator: EmulatorHandle) -> None:
    """The callback echoes state; pressing Deny redirects with error=access_denied. Once approved, the Allow
    page is skipped unless prompt=consent asks for it again."""
    allowed = _query(emulator.authorize_with_requests(emulator.authorize_url(state="s-123")))
    assert allowed["state"] == "s-123" and allowed["code"]
    skipped = _query(emulator.authorize_with_requests(emulator.authorize_url(state="s-2"), approve=False))
    assert "code" in skipped
    denied = _query(
        emulator.authorize_with_requests(emulator.authorize_url(state="s-456", prompt="consent"), approve=False)
    )
    assert denied == {"error": "access_denied", "error_description": "end-user denied authorization", "state": "s-456"}


def test_wrong_password_shows_the_login_page_again(emulator: EmulatorHandle) -> None:
    """A failed login does not redirect; the login page is shown again with an error."""
    with pytest.raises(AuthorizationFailed, match="check your username and password"):
        authorize_with_requests(emulator.authorize_url(), emulator.username, "wrong", verify=emulator.verify)


def test_redirect_uri_must_match_exactly(emulator: EmulatorHandle) -> None:
    """redirect_uri must equal a configured callback URL exactly; otherwise an error page, not a redirect."""
    response = emulator.session().get(
        emulator.authorize_url(redirect_uri=emulator.callback_url + "/"), allow_redirects=False
    )
    assert response.status_code == 400 and "redirect_uri_mismatch" in response.text
    code = _code(emulator)
    mismatch = _exchange(emulator, code, redirect_uri="http://localhost:5000/other")
    assert mismatch.status_code == 400
    assert mismatch.json() == {
        "error": "redirect_uri_mismatch",
        "error_description": "redirect_uri must match configuration",
    }


def test_codes_are_single_use_and_expire(emulator: EmulatorHandle) -> None:
    """Authorization codes work once and expire (15 minutes here): then invalid_grant "expired authorization code"."""
    code = _code(emulator)
    assert _exchange(emulator, code).status_code == 200
    reused = _exchange(emulator, code)
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_grant", "error_description": "expired authorization code"}
    late = _code(emulator)
    emulator.admin.advance_clock(15 * 60 + 1)
    assert _exchange(emulator, late).json()["error"] == "invalid_grant"


def test_pkce_verifier_is_checked(emulator: EmulatorHandle) -> None:
    """With a code_challenge, a missing code_verifier is invalid_grant and a wrong one invalid_request."""
    verifier, challenge = pkce_pair()
    assert _exchange(emulator, _code(emulator, code_challenge=challenge)).json()["error"] == "invalid_grant"
    wrong = _exchange(emulator, _code(emulator, code_challenge=challenge), "x" * 50)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_request"
    assert _exchange(emulator, _code(emulator, code_challenge=challenge), verifier).status_code == 200


@pytest.mark.parametrize("challenge", ["short", "x" * 42 + "!", "A" * 44])
def test_malformed_pkce_challenge_is_refused_before_login(emulator: EmulatorHandle, challenge: str) -> None:
    """A code_challenge that is not 43 base64url characters (an S256 digest) gets no code: the callback
    receives invalid_request with the state, and no login page is shown."""
    response = emulator.session().get(
        emulator.authorize_url(state="s-9", code_challenge=challenge), allow_redirects=False
    )
    assert response.status_code == 302
    assert _query(response.headers["Location"]) == {
        "error": "invalid_request",
        "error_description": "invalid code_challenge",
        "state": "s-9",
    }


@pytest.mark.parametrize(
    ("requested", "granted"),
    [
        ("api refresh_token", "refresh_token api"),
        ("id api offline_access", "refresh_token api id"),
        ("openid id api refresh_token", "refresh_token openid api id"),
    ],
)
def test_token_scope_is_in_salesforces_order(emulator: EmulatorHandle, requested: str, granted: str) -> None:
    """The granted scopes come back in Salesforce's own order, whatever order they were asked in;
    a refresh reports the same."""
    token = emulator.obtain_token(scope=requested)
    assert token["scope"] == granted
    assert _refresh(emulator, token["refresh_token"]).json()["scope"] == granted


def test_client_errors(emulator: EmulatorHandle) -> None:
    """Unknown client_id is invalid_client_id, a wrong secret invalid_client, an unknown grant unsupported_grant_type."""
    code = _code(emulator)
    unknown = _exchange(emulator, code, client_id="nope")
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "invalid_client_id", "error_description": "client identifier invalid"}
    assert _exchange(emulator, code, client_secret="bad").json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }
    assert _exchange(emulator, code, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_client_credentials_in_basic_header(emulator: EmulatorHandle) -> None:
    """Client credentials may be sent as HTTP Basic instead of body parameters."""
    code = _code(emulator)
    basic = base64.b64encode(f"{emulator.consumer_key}:{emulator.consumer_secret}".encode()).decode()
    response = emulator.session().post(
        f"{emulator.base_url}/services/oauth2/token",
        headers={"Authorization": f"Basic {basic}"},
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": emulator.callback_url},
    )
    assert response.status_code == 200 and response.json()["access_token"]


def test_refresh_rejects_a_scope_parameter(emulator: EmulatorHandle) -> None:
    """Salesforce refuses a scope parameter on refresh requests."""
    token = emulator.obtain_token()
    response = emulator.session().post(
        f"{emulator.base_url}/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": emulator.consumer_key,
            "client_secret": emulator.consumer_secret,
            "scope": "api",
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_revoking_a_refresh_token_ends_its_sessions(emulator: EmulatorHandle) -> None:
    """Revoke answers 200; revoking a refresh token also revokes its access tokens; unknown tokens get 400."""
    token = emulator.obtain_token()
    http = emulator.session()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    assert http.get(f"{emulator.base_url}/services/data/v62.0/limits").status_code == 200
    revoked = emulator.session().post(
        f"{emulator.base_url}/services/oauth2/revoke", data={"token": token["refresh_token"]}
    )
    assert revoked.status_code == 200 and revoked.content == b""
    assert http.get(f"{emulator.base_url}/services/data/v62.0/limits").status_code == 401
    assert _refresh(emulator, token["refresh_token"]).json() == {
        "error": "invalid_grant",
        "error_description": "expired access/refresh token",
    }
    again = emulator.session().post(
        f"{emulator.base_url}/services/oauth2/revoke", data={"token": token["refresh_token"]}
    )
    assert again.status_code == 400 and again.json() == {"error": "invalid_token"}


def test_revoking_an_access_token_keeps_the_refresh_token(emulator: EmulatorHandle) -> None:
    """Revoking an access token logs out that session only; the refresh token still works."""
    token = emulator.obtain_token()
    emulator.session().post(f"{emulator.base_url}/services/oauth2/revoke", data={"token": token["access_token"]})
    assert _refresh(emulator, token["refresh_token"]).status_code == 200


def test_fifth_approval_is_the_last_the_sixth_revokes_the_oldest(emulator: EmulatorHandle) -> None:
    """Each connected app allows five approvals per user; a sixth revokes the oldest refresh token."""
    tokens = [emulator.obtain_token() for _ in range(6)]
    assert len(emulator.admin.approvals()) == 5
    assert _refresh(emulator, tokens[0]["refresh_token"]).json()["error"] == "invalid_grant"
    assert all(_refresh(emulator, t["refresh_token"]).status_code == 200 for t in tokens[1:])


@pytest.mark.parametrize(
    ("policy", "seconds", "wait", "use_between", "alive"),
    [
        ("until_revoked", 0, 10 * 365 * 86400, False, True),
        ("immediately", 0, 0, False, False),
        ("expire_after", 3600, 3601, False, False),
        ("expire_after", 3600, 3500, False, True),
        ("expire_if_unused", 3600, 3601, False, False),
        ("expire_if_unused", 3600, 3601, True, True),
    ],
)
def test_refresh_token_policies(
    emulator: EmulatorHandle, policy: str, seconds: int, wait: int, use_between: bool, alive: bool
) -> None:
    """Refresh token policy per connected app: valid until revoked, expire immediately, expire after N,
    or expire if not used for N (a sliding window)."""
    emulator.admin.configure_app(emulator.consumer_key, refresh_token_policy=policy, refresh_token_seconds=seconds)
    token = emulator.obtain_token()
    if use_between:
        emulator.admin.advance_clock(wait // 2)
        assert _refresh(emulator, token["refresh_token"]).status_code == 200
        emulator.admin.advance_clock(wait - wait // 2)
    else:
        emulator.admin.advance_clock(wait)
    assert (_refresh(emulator, token["refresh_token"]).status_code == 200) is alive


def test_rotation_issues_a_new_refresh_token_and_reuse_revokes_the_family(emulator: EmulatorHandle) -> None:
    """With rotation, a refresh returns a new refresh token and invalidates the old one; replaying the old one
    also invalidates the current refresh token and its access tokens."""
    emulator.admin.configure_app(emulator.consumer_key, rotate_refresh_tokens=True)
    token = emulator.obtain_token()
    rotated = _refresh(emulator, token["refresh_token"]).json()
    assert rotated["refresh_token"] != token["refresh_token"]
    assert _refresh(emulator, token["refresh_token"]).json()["error"] == "invalid_grant"
    assert _refresh(emulator, rotated["refresh_token"]).json()["error"] == "invalid_grant"


def test_access_token_lifetime_is_configurable(emulator: EmulatorHandle) -> None:
    """Access tokens last the session timeout; the emulator's lifetime can be set down to seconds."""
    emulator.admin.settings(access_token_seconds=5)
    token = emulator.obtain_token()
    http = emulator.session()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    assert http.get(f"{emulator.base_url}/services/data/v62.0/limits").status_code == 200
    emulator.admin.advance_clock(6)
    expired = http.get(f"{emulator.base_url}/services/data/v62.0/limits")
    assert expired.status_code == 401 and expired.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_identity_url_and_userinfo(emulator: EmulatorHandle) -> None:
    """The token's id URL is a resource returning the user's identity; userinfo returns OpenID claims."""
    token = emulator.obtain_token()
    http = emulator.session()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    identity = http.get(token["id"]).json()
    assert identity["username"] == emulator.username and identity["organization_id"] == emulator.config.org_id
    assert identity["urls"]["rest"].endswith("/services/data/v{version}/")
    assert identity["urls"]["partner"].endswith(f"/services/Soap/u/{{version}}/{emulator.config.org_id[:15]}")
    pinned = http.get(token["id"], params={"version": "58.0"}).json()
    assert pinned["urls"]["rest"].endswith("/services/data/v58.0/")
    assert pinned["urls"]["enterprise"].endswith(f"/services/Soap/c/58.0/{emulator.config.org_id[:15]}")
    latest = http.get(token["id"], params={"version": "latest"}).json()
    assert latest["urls"]["query"].endswith("/services/data/v62.0/query/")
    userinfo = http.get(f"{emulator.base_url}/services/oauth2/userinfo").json()
    assert userinfo["sub"] == token["id"] and userinfo["preferred_username"] == emulator.username
    assert emulator.session().get(token["id"]).status_code == 403


def test_admin_can_revoke_a_users_refresh_tokens(emulator: EmulatorHandle) -> None:
    """When an admin revokes a user's app access, refreshes fail with invalid_grant."""
    token = emulator.obtain_token()
    assert emulator.admin.revoke_refresh_tokens(emulator.username) == 1
    assert _refresh(emulator, token["refresh_token"]).json()["error"] == "invalid_grant"


def test_login_session_is_reused_unless_prompt_login(emulator: EmulatorHandle) -> None:
    """A browser already logged in goes straight back to the callback; prompt=login forces the login page."""
    browser = emulator.session()
    emulator.authorize_with_requests(emulator.authorize_url(), session=browser)
    again = browser.get(emulator.authorize_url(), allow_redirects=False)
    assert again.status_code == 302 and "code=" in again.headers["Location"]
    forced = browser.get(emulator.authorize_url(prompt="login"), allow_redirects=False)
    assert forced.status_code == 200 and 'type="password"' in forced.text
