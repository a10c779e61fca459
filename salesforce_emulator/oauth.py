"""OAuth 2.0 web-server flow: authorize pages, token, revoke, identity URL and userinfo."""

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, session
from werkzeug.wrappers import Response as WerkzeugResponse

from .config import ConnectedAppConfig
from .errors import OAuthError
from .state import Org
from .tokens import AccessToken, pkce_challenge

blueprint = Blueprint("oauth", __name__)
REFRESH_SCOPES = {"refresh_token", "offline_access"}
# Salesforce reports granted scopes in its own order, not the request's ("refresh_token api id").
SCOPE_ORDER = ["refresh_token", "visualforce", "web", "chatter_api", "openid", "api", "id", "full"]
# A PKCE S256 challenge is the unpadded base64url of a SHA-256 digest: 43 characters.
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def org() -> Org:
    return current_app.extensions["salesforce_emulator"]


def base_url() -> str:
    return request.host_url.rstrip("/")


def _with_query(url: str, params: dict[str, str | None]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return url + ("&" if "?" in url else "?") + query


def _granted_scopes(requested: list[str], app: ConnectedAppConfig) -> list[str]:
    """Requested scopes as Salesforce reports them: ``offline_access`` as ``refresh_token``, in its order."""
    granted: list[str] = []
    for scope in requested or app.scopes:
        scope = "refresh_token" if scope == "offline_access" else scope
        if scope not in granted:
            granted.append(scope)
    known = {scope: index for index, scope in enumerate(SCOPE_ORDER)}
    return sorted(granted, key=lambda scope: known.get(scope, len(known)))


@blueprint.route("/services/oauth2/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    state = org()
    params = request.args
    app = state.app(params.get("client_id", ""))
    if app is None:
        return _error_page("invalid_client_id", "client identifier invalid")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.callback_urls:
        return _error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
    echo = params.get("state")

    def fail(error: str, description: str) -> WerkzeugResponse:
        return redirect(_with_query(redirect_uri, {"error": error, "error_description": description, "state": echo}))

    if params.get("response_type") != "code":
        return fail("unsupported_response_type", "response type not supported")
    challenge = params.get("code_challenge")
    if challenge and params.get("code_challenge_method", "S256") != "S256":
        return fail("invalid_request", "unsupported code challenge method")
    if challenge is not None and not CODE_CHALLENGE.fullmatch(challenge):
        return fail("invalid_request", "invalid code_challenge")
    requested = params.get("scope", "").split()
    if any(scope not in app.scopes and scope != "full" for scope in requested):
        return fail("invalid_scope", "the requested scope is not allowed")
    prompt = params.get("prompt", "").split()
    action = request.full_path if request.query_string else request.path

    if request.method == "POST" and request.form.get("action") == "login":
        user_id = state.check_password(request.form.get("username", ""), request.form.get("pw", ""))
        if user_id is None:
            return render_template(
                "login.html",
                action=action,
                org_name=state.config.org_name,
                username=request.form.get("username"),
                error="Please check your username and password. If you still can't log in, "
                "contact your Salesforce administrator.",
            )
        session["user_id"] = user_id
        session["csrf"] = secrets.token_urlsafe(16)
        prompt = [p for p in prompt if p != "login"]
    elif "login" in prompt or session.get("user_id") not in state.users.values():
        session.pop("user_id", None)
        return render_template("login.html", action=action, org_name=state.config.org_name, username="", error=None)
    user_id = session["user_id"]
    scopes = _granted_scopes(requested, app)

    if request.method == "POST" and request.form.get("action") in ("allow", "deny"):
        if not hmac.compare_digest(request.form.get("csrf_token", ""), session.get("csrf", "")):
            return _error_page("invalid_request", "invalid or missing confirmation token")
        if request.form["action"] == "deny":
            return fail("access_denied", "end-user denied authorization")
        state.approve(user_id, app.consumer_key)
    elif "consent" in prompt or (user_id, app.consumer_key) not in state.consents:
        user = state.user(user_id)
        return render_template(
            "consent.html",
            action=action,
            app_name=app.name,
            scopes=scopes,
            username=user.get("Username"),
            csrf_token=session.setdefault("csrf", secrets.token_urlsafe(16)),
        )
    code = state.tokens.issue_code(app, user_id, redirect_uri, scopes, challenge)
    return redirect(_with_query(redirect_uri, {"code": code, "state": echo}))


@blueprint.after_request
def log_call(response: Response) -> Response:
    """OAuth calls go into the call log too (apart from the API-call counts), so tests can count refreshes."""
    state = org()
    endpoint = request.url_rule.rule.lstrip("/") if request.url_rule else request.path
    state.calls.add(
        {
            "kind": "oauth",
            "time": state.clock.now(),
            "method": request.method,
            "path": request.path,
            "endpoint": endpoint,
            "status": response.status_code,
            "api_usage": state.usage.header(),
        }
    )
    return response


def _error_page(error: str, description: str) -> tuple[str, int]:
    return render_template("oauth_error.html", error=error, description=description), 400


def _client_credentials() -> tuple[str, str | None]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        except (ValueError, UnicodeDecodeError):
            raise OAuthError("invalid_client", "invalid client credentials") from None
    return request.form.get("client_id", ""), request.form.get("client_secret")


@blueprint.route("/services/oauth2/token", methods=["POST"])
def token() -> Any:
    try:
        return jsonify(_token_grant())
    except OAuthError as error:
        return jsonify(error.body()), error.status


def _token_grant() -> dict[str, Any]:
    state = org()
    form = request.form
    grant_type = form.get("grant_type", "")
    if grant_type not in ("authorization_code", "refresh_token"):
        raise OAuthError("unsupported_grant_type", "grant type not supported")
    client_id, secret = _client_credentials()
    app = state.app(client_id)
    if app is None:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if (secret is not None or app.require_secret) and not hmac.compare_digest(secret or "", app.consumer_secret):
        raise OAuthError("invalid_client", "invalid client credentials")
    if grant_type == "refresh_token":
        return _refresh_grant(state, app)
    code = state.tokens.take_code(form.get("code", ""))
    if code is None or code.app is not app:
        raise OAuthError("invalid_grant", "expired authorization code")
    if form.get("redirect_uri") != code.redirect_uri:
        raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
    if code.challenge:
        verifier = form.get("code_verifier")
        if not verifier:
            raise OAuthError("invalid_grant", "invalid code verifier")
        if not hmac.compare_digest(pkce_challenge(verifier), code.challenge):
            raise OAuthError("invalid_request", "invalid code verifier")
    refresh = None
    if REFRESH_SCOPES & set(code.scopes):
        refresh = state.tokens.issue_refresh(app, code.user_id, code.scopes)
    access = state.tokens.issue_access(app, code.user_id, code.scopes, refresh.family if refresh else None)
    body = _token_body(state, app, access)
    if refresh:
        body = {
            "access_token": body["access_token"],
            "refresh_token": refresh.token,
            **{k: v for k, v in body.items() if k != "access_token"},
        }
    return body


def _refresh_grant(state: Org, app: ConnectedAppConfig) -> dict[str, Any]:
    if "scope" in request.form:
        raise OAuthError("invalid_request", "scope parameter not supported")
    grant = state.tokens.use_refresh(request.form.get("refresh_token", ""))
    if grant is None or grant.app is not app:
        raise OAuthError("invalid_grant", "expired access/refresh token")
    access = state.tokens.issue_access(app, grant.user_id, grant.scopes, grant.family)
    body = _token_body(state, app, access)
    if app.rotate_refresh_tokens:
        body["refresh_token"] = state.tokens.rotate(grant).token
    return body


def identity_url(state: Org, user_id: str) -> str:
    return f"{base_url()}/id/{state.config.org_id}/{user_id}"


def _token_body(state: Org, app: ConnectedAppConfig, access: AccessToken) -> dict[str, Any]:
    issued_at = str(int(access.issued_at * 1000))
    identity = identity_url(state, access.user_id)
    digest = hmac.new(app.consumer_secret.encode(), (identity + issued_at).encode(), hashlib.sha256).digest()
    return {
        "access_token": access.token,
        "signature": base64.b64encode(digest).decode(),
        "scope": " ".join(access.scopes),
        "instance_url": base_url(),
        "id": identity,
        "token_type": "Bearer",
        "issued_at": issued_at,
    }


@blueprint.route("/services/oauth2/revoke", methods=["GET", "POST"])
def revoke() -> Any:
    token_value = request.values.get("token", "")
    if not token_value or not org().tokens.revoke(token_value):
        return jsonify({"error": "invalid_token"}), 400
    return Response(status=200)


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return request.args.get("oauth_token", "")


def _identity_grant() -> AccessToken | None:
    return org().tokens.authenticate(bearer_token())


def _bad_token() -> Response:
    return Response("Bad_OAuth_Token", status=403, mimetype="text/plain")


@blueprint.route("/id/<org_id>/<user_id>", methods=["GET", "POST"])
def identity(org_id: str, user_id: str) -> Any:
    state = org()
    grant = _identity_grant()
    if grant is None:
        return _bad_token()
    if org_id[:15] != state.org_id15 or user_id[:15] != grant.user_id[:15]:
        return Response("Bad_Id", status=403, mimetype="text/plain")
    user = state.user(grant.user_id)
    # Salesforce leaves the literal ``{version}`` placeholder in the URLs unless ?version= fills it.
    version = request.args.get("version") or "{version}"
    version = str(state.config.max_version) + ".0" if version == "latest" else version
    base = base_url()
    data = f"{base}/services/data/v{version}"
    return jsonify(
        {
            "id": identity_url(state, grant.user_id),
            "asserted_user": True,
            "user_id": grant.user_id,
            "organization_id": state.config.org_id,
            "username": user.get("Username"),
            "nick_name": (user.get("Username") or "").split("@")[0],
            "display_name": user.get("Name"),
            "email": user.get("Email"),
            "email_verified": True,
            "first_name": user.get("FirstName"),
            "last_name": user.get("LastName"),
            "timezone": "GMT",
            "active": True,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 0,
            "photos": {"picture": f"{base}/profilephoto/005/F", "thumbnail": f"{base}/profilephoto/005/T"},
            "urls": {
                "enterprise": f"{base}/services/Soap/c/{version}/{state.org_id15}",
                "metadata": f"{base}/services/Soap/m/{version}/{state.org_id15}",
                "partner": f"{base}/services/Soap/u/{version}/{state.org_id15}",
                "rest": f"{data}/",
                "sobjects": f"{data}/sobjects/",
                "search": f"{data}/search/",
                "query": f"{data}/query/",
                "recent": f"{data}/recent/",
                "profile": f"{base}/{grant.user_id}",
                "custom_domain": base,
            },
            "is_app_installed": True,
            "last_modified_date": user.get("LastModifiedDate"),
        }
    )


@blueprint.route("/services/oauth2/userinfo", methods=["GET", "POST"])
def userinfo() -> Any:
    state = org()
    grant = _identity_grant()
    if grant is None:
        return _bad_token()
    user = state.user(grant.user_id)
    return jsonify(
        {
            "sub": identity_url(state, grant.user_id),
            "user_id": grant.user_id,
            "organization_id": state.config.org_id,
            "preferred_username": user.get("Username"),
            "nickname": (user.get("Username") or "").split("@")[0],
            "name": user.get("Name"),
            "given_name": user.get("FirstName"),
            "family_name": user.get("LastName"),
            "email": user.get("Email"),
            "email_verified": True,
            "zoneinfo": "GMT",
            "locale": "en_US",
            "user_type": "STANDARD",
            "active": True,
            "urls": {"custom_domain": base_url(), "rest": f"{base_url()}/services/data/v{{version}}/"},
        }
    )
