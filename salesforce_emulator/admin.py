"""The emulator's own JSON API for tests: reset, clock, faults, tokens, records, schema, call log.

Every endpoint needs the admin token printed at start, sent as ``Authorization: Bearer
<token>`` or ``X-Emulator-Token``, so a developer's integration cannot reach it by accident.
"""

import hmac
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from .errors import ApiError
from .rest.sobjects import record_json
from .state import Org

blueprint = Blueprint("emulator_admin", __name__, url_prefix="/_emulator")

SETTINGS = {
    "access_token_seconds",
    "code_seconds",
    "api_limit",
    "api_usage",
    "api_enabled",
    "latency_ms",
    "error_rate",
    "outage_seconds",
    "query_batch_size",
    "max_topics_per_record",
    "topics_enabled",
}
APP_SETTINGS = {
    "refresh_token_policy",
    "refresh_token_seconds",
    "rotate_refresh_tokens",
    "require_secret",
    "callback_urls",
}


def org() -> Org:
    return current_app.extensions["salesforce_emulator"]


@blueprint.before_request
def require_admin_token() -> Any:
    header = request.headers.get("Authorization", "")
    token = request.headers.get("X-Emulator-Token") or (header[7:] if header.lower().startswith("bearer ") else "")
    if not hmac.compare_digest(token, org().config.admin_token):
        return jsonify({"error": "admin token required"}), 401
    return None


def _payload() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@blueprint.errorhandler(ValueError)
def bad_request(error: ValueError) -> Any:
    return jsonify({"error": str(error)}), 400


@blueprint.errorhandler(KeyError)
def missing_key(error: KeyError) -> Any:
    return jsonify({"error": f"missing key: {error.args[0]}"}), 400


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError) -> Any:
    return jsonify(error.body()), error.status


@blueprint.post("/reset")
def reset() -> Any:
    """Back to the seeded org: records, tokens, usage, clock, faults, schema and call log."""
    with org().lock:
        org().reset()
    return jsonify({"reset": True})


@blueprint.route("/clock", methods=["GET", "POST"])
def clock() -> Any:
    """``{"offset_seconds": N}`` sets the offset; ``{"advance_seconds": N}`` moves time forward."""
    state = org()
    body = _payload()
    if "offset_seconds" in body:
        state.clock.offset = float(body["offset_seconds"])
    if "advance_seconds" in body:
        state.clock.advance(float(body["advance_seconds"]))
    return jsonify(
        {"offset_seconds": state.clock.offset, "now": state.clock.now(), "timestamp": state.clock.timestamp()}
    )


@blueprint.route("/settings", methods=["GET", "POST"])
def settings() -> Any:
    """Lifetimes, limits and faults; unknown keys are refused so a typo cannot pass silently."""
    state = org()
    body = _payload()
    unknown = set(body) - SETTINGS
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    with state.lock:
        if "access_token_seconds" in body:
            state.tokens.access_seconds = int(body["access_token_seconds"])
        if "code_seconds" in body:
            state.tokens.code_seconds = int(body["code_seconds"])
        if "api_limit" in body:
            state.usage.limit = int(body["api_limit"])
        if "api_usage" in body:
            state.usage.used = int(body["api_usage"])
        if "api_enabled" in body:
            state.faults.api_enabled = bool(body["api_enabled"])
        if "latency_ms" in body:
            state.faults.latency_ms = int(body["latency_ms"])
        if "error_rate" in body:
            state.faults.error_rate = float(body["error_rate"])
        if "outage_seconds" in body:
            state.faults.outage_until = state.clock.now() + float(body["outage_seconds"])
        if "query_batch_size" in body:
            state.query_batch_size = int(body["query_batch_size"])
        if "max_topics_per_record" in body:
            state.config.max_topics_per_record = int(body["max_topics_per_record"])
        if "topics_enabled" in body:
            state.config.topics_enabled = list(body["topics_enabled"])
    return jsonify(
        {
            "access_token_seconds": state.tokens.access_seconds,
            "code_seconds": state.tokens.code_seconds,
            "api_limit": state.usage.limit,
            "api_usage": state.usage.used,
            "api_enabled": state.faults.api_enabled,
            "latency_ms": state.faults.latency_ms,
            "error_rate": state.faults.error_rate,
            "outage_until": state.faults.outage_until,
            "query_batch_size": state.query_batch_size,
            "max_topics_per_record": state.config.max_topics_per_record,
            "topics_enabled": state.config.topics_enabled,
        }
    )


@blueprint.route("/apps/<consumer_key>", methods=["GET", "POST"])
def connected_app(consumer_key: str) -> Any:
    """Change a Connected App's refresh-token policy, rotation, secret requirement or callbacks."""
    app = org().app(consumer_key)
    if app is None:
        return jsonify({"error": "no such connected app"}), 404
    body = _payload()
    unknown = set(body) - APP_SETTINGS
    if unknown:
        raise ValueError(f"unknown connected app settings: {', '.join(sorted(unknown))}")
    for key, value in body.items():
        setattr(app, key, value)
    app.validate()
    return jsonify({key: getattr(app, key) for key in sorted(APP_SETTINGS | {"name", "consumer_key"})})


@blueprint.post("/sessions/expire")
def expire_sessions() -> Any:
    """Every access token stops working at once, as when an admin ends all sessions."""
    return jsonify({"expired": org().tokens.expire_sessions()})


@blueprint.post("/users/<username>/revoke")
def revoke_user_tokens(username: str) -> Any:
    state = org()
    user_id = state.user_id(username)
    if user_id is None:
        return jsonify({"error": "no such user"}), 404
    return jsonify({"revoked": state.tokens.revoke_user(user_id)})


@blueprint.get("/approvals")
def approvals() -> Any:
    """Live refresh tokens (one per approval), to check the five-approvals rule."""
    return jsonify(org().tokens.approvals())


@blueprint.get("/counts")
def counts() -> Any:
    return jsonify(org().store.counts())


@blueprint.get("/records/<name>")
def list_records(name: str) -> Any:
    state = org()
    sobject = state.schema.get(name)
    if sobject is None:
        return jsonify({"error": "no such object"}), 404
    include_deleted = request.args.get("deleted") == "true"
    with state.lock:
        records = [
            record_json(sobject, r, str(state.config.max_version) + ".0")
            for r in state.store.records(sobject.name, include_deleted)
        ]
    return jsonify(records)


@blueprint.post("/records/<name>")
def insert_record(name: str) -> Any:
    """Create a record with full validation but without counting an API call (test set-up)."""
    state = org()
    sobject = state.schema.get(name)
    if sobject is None:
        return jsonify({"error": "no such object"}), 404
    with state.lock:
        record_id = state.dml.create(sobject, _payload(), next(iter(state.users.values())))
    return jsonify({"id": record_id}), 201


@blueprint.post("/objects")
def define_object() -> Any:
    definition = _payload()
    with org().lock:
        sobject = org().define_object(definition)
    return jsonify({"name": sobject.name, "keyPrefix": sobject.key_prefix}), 201


@blueprint.post("/objects/<name>/fields")
def define_field(name: str) -> Any:
    definition = _payload()
    with org().lock:
        field = org().define_field(name, definition)
    return jsonify(field.describe()), 201


@blueprint.route("/outbound", methods=["GET", "POST"])
def outbound() -> Any:
    """GET: messages, pending notifications and deliveries. POST: define a message
    (``name, object, fields, endpoint_url, on: ["create", "update", "topics"], send_session_id``)."""
    state = org()
    if request.method == "POST":
        state.outbound.define(_payload())
    return jsonify(state.outbound.status())


@blueprint.post("/outbound/deliver")
def deliver_outbound() -> Any:
    """Attempt every notification that is due now (after moving the clock past a retry)."""
    return jsonify({"acknowledged": org().outbound.deliver_due()})


@blueprint.route("/calls", methods=["GET", "DELETE"])
def calls() -> Any:
    """The REST (API) call log, or ``?kind=oauth|all``; ``?summary=1`` gives REST call counts per
    ``METHOD endpoint`` and ``?summary=oauth`` the OAuth endpoints' counts. DELETE clears it."""
    state = org()
    if request.method == "DELETE":
        state.calls.clear()
        return Response(status=204)
    if request.args.get("summary") == "oauth":
        return jsonify(dict(state.calls.oauth_counts))
    if request.args.get("summary"):
        return jsonify(dict(state.calls.counts))
    kind = request.args.get("kind", "rest")
    return jsonify([e for e in state.calls.entries if kind == "all" or e["kind"] == kind])
