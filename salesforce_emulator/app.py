"""The emulator's Flask application: REST entry point, versions list, faults, limits and call log."""

import json
import random
import secrets
import time
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from . import (
    bulk,  # noqa: F401  (importing it registers the Bulk API 2.0 routes)
    rest,
    ui_connections,  # noqa: F401  (importing it adds the connected-apps pages to the UI)
)
from .admin import blueprint as admin_blueprint
from .config import EmulatorConfig, release_label
from .errors import ApiError
from .oauth import bearer_token
from .oauth import blueprint as oauth_blueprint
from .rest.router import RestRequest, RestResponse
from .state import Org
from .ui import blueprint as ui_blueprint
from .ui import lightning as lightning_blueprint

JSON = "application/json;charset=UTF-8"
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]


def create_app(config: EmulatorConfig | None = None) -> Flask:
    config = config or EmulatorConfig()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_hex(32), SESSION_COOKIE_NAME="sid")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    org = Org(config)
    app.extensions["salesforce_emulator"] = org
    app.register_blueprint(oauth_blueprint)
    app.register_blueprint(admin_blueprint)
    app.register_blueprint(ui_blueprint)
    app.register_blueprint(lightning_blueprint)

    app.register_error_handler(404, _unserved)
    app.register_error_handler(405, _unserved)

    @app.get("/services/data/")
    @app.get("/services/data")
    def versions() -> Response:
        """The versions list: unauthenticated, and not counted against the API limit."""
        body = [
            {"label": release_label(int(float(v))), "url": f"/services/data/v{v}", "version": v}
            for v in config.versions
        ]
        return Response(json.dumps(body), 200, content_type=JSON)

    @app.route("/services/data/v<version>/", defaults={"path": ""}, methods=METHODS)
    @app.route("/services/data/v<version>/<path:path>", methods=METHODS)
    def rest_api(version: str, path: str) -> Response:
        started = org.clock.now()
        response, label = _handle(org, version, path)
        _log(org, label, response.status, started)
        return _respond(org, response)

    return app


def _unserved(error: HTTPException) -> Response | HTTPException:
    """Paths (or methods) the emulator does not serve answer as Salesforce's API does, a JSON error
    array, so clients can parse them; only the admin web UI keeps its HTML pages."""
    if request.path.startswith("/_emulator/ui"):
        return error
    code = "NOT_FOUND" if error.code == 404 else "METHOD_NOT_ALLOWED"
    body = [
        {
            "errorCode": code,
            "message": f"The requested resource does not exist: the Salesforce emulator does not offer "
            f"{request.method} {request.path}",
        }
    ]
    return Response(json.dumps(body), error.code or 404, content_type=JSON)


def _handle(org: Org, version: str, path: str) -> tuple[RestResponse, str]:
    faults = org.faults
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if org.clock.now() < faults.outage_until or (faults.error_rate and random.random() < faults.error_rate):
        return RestResponse(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "Server too busy"}]), "unavailable"
    header = request.headers.get("Authorization", "")
    if not header.partition(" ")[2].strip() or header.partition(" ")[0].lower() not in ("bearer", "oauth"):
        return _error(ApiError.of(401, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE")), "unauthenticated"
    with org.lock:
        grant = org.tokens.authenticate(bearer_token())
        if grant is None:
            return _error(ApiError.of(401, "INVALID_SESSION_ID", "Session expired or invalid")), "unauthenticated"
        if not faults.api_enabled:
            return _error(
                ApiError.of(403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
            ), "disabled"
        usage = org.usage
        usage.roll(org.clock.now())
        if usage.used >= usage.limit:
            return _error(ApiError.of(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")), "limited"
        usage.used += 1
        if version not in org.config.versions:
            return _error(ApiError.of(404, "NOT_FOUND", "The requested resource does not exist")), "unknown"
        body: Any = None
        if request.mimetype == "text/csv":
            body = request.get_data(as_text=True)
        elif request.data:
            try:
                body = json.loads(request.data)
            except ValueError:
                return _error(
                    ApiError.of(400, "JSON_PARSER_ERROR", "Unexpected character in the request body")
                ), "unparsable"
        rest_request = RestRequest(
            request.method,
            path.rstrip("/"),
            version,
            request.args,
            body,
            request.headers,
            grant.user_id,
            request.host_url.rstrip("/"),
        )
        return rest.router.dispatch(org, rest_request)


def _error(error: ApiError) -> RestResponse:
    return RestResponse(error.status, error.body())


def _log(org: Org, label: str, status: int, started: float) -> None:
    org.calls.add(
        {
            "kind": "rest",
            "time": started,
            "method": request.method,
            "path": request.full_path.rstrip("?"),
            "endpoint": label,
            "status": status,
            "api_usage": org.usage.header(),
        }
    )


def _respond(org: Org, response: RestResponse) -> Response:
    if response.status == 204 or response.body is None:
        result = Response(status=response.status)
    elif isinstance(response.body, str):
        result = Response(response.body, response.status, content_type=response.headers.get("Content-Type"))
    else:
        result = Response(json.dumps(response.body), response.status, content_type=JSON)
    for name, value in response.headers.items():
        result.headers[name] = value
    result.headers["Sforce-Limit-Info"] = org.usage.header()
    return result
