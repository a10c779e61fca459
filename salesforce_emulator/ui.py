"""A small web UI to browse and edit records and read the call log.

The UI asks once for the admin token and remembers it in the session cookie. Edits go
through the same validation as the API and fire outbound messages like any change.
"""

import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from .errors import ApiError
from .state import Org

blueprint = Blueprint("emulator_ui", __name__, url_prefix="/_emulator/ui")
#: Salesforce's Lightning address of a record, which integrations link admins to.
lightning = Blueprint("emulator_lightning", __name__)
SYSTEM_FIELDS = {"IsDeleted", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"}


def org() -> Org:
    return current_app.extensions["salesforce_emulator"]


@blueprint.before_request
def require_login() -> Any:
    if request.endpoint == "emulator_ui.login" or session.get("emulator_admin"):
        return None
    return redirect(url_for("emulator_ui.login", next=request.path))


def check_csrf() -> None:
    """Refuse a form post without this session's token.

    The emulator depends on Flask alone (not Flask-WTF), so its few forms carry a random
    per-session token set at login, which another site cannot read to forge a post.
    """
    expected = session.get("ui_csrf", "")
    if not expected or not hmac.compare_digest(request.form.get("csrf_token", ""), expected):
        abort(400, "This form has expired or did not come from the emulator's pages; open the page again.")


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
def ui_error(error: HTTPException) -> tuple[str, int]:
    """Bad input or an unknown object gets a sentence in the UI's own page, not a bare error."""
    return render_template("ui_error.html", error=error), error.code or 400


@blueprint.context_processor
def form_token() -> dict[str, str]:
    return {"csrf_token": session.get("ui_csrf", "")}


@blueprint.app_template_filter("when")
def when(seconds: float) -> str:
    """An emulator clock reading as a date and time in UTC."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        if hmac.compare_digest(request.form.get("token", ""), org().config.admin_token):
            session["emulator_admin"] = True
            session["ui_csrf"] = secrets.token_urlsafe(16)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/_emulator/ui") else url_for("emulator_ui.objects"))
        error = "That is not the admin token printed at start."
    return render_template("ui_login.html", error=error)


@blueprint.get("/")
def objects() -> Any:
    state = org()
    counts = state.store.counts()
    rows = [(s.name, s.label, counts.get(s.name, 0)) for s in state.schema.objects.values()]
    return render_template("ui_objects.html", rows=rows, usage=state.usage.header())


@blueprint.get("/calls")
def calls() -> Any:
    return render_template("ui_calls.html", calls=list(reversed(org().calls.entries))[:500])


@blueprint.get("/<name>")
def records(name: str) -> Any:
    state = org()
    sobject = state.schema.get(name) or abort(404, f"This org has no object named {name}.")
    fields = [f.name for f in sobject.fields.values() if f.name not in SYSTEM_FIELDS]
    with state.lock:
        rows = state.store.records(sobject.name)
        topics = _topics(state, [r["Id"] for r in rows])
    return render_template("ui_records.html", sobject=sobject, fields=fields, rows=rows, topics=topics)


@lightning.get("/lightning/r/<name>/<record_id>/view")
def lightning_record(name: str, record_id: str) -> Any:
    """A record's Lightning page opens its page in this UI."""
    return redirect(url_for("emulator_ui.record", name=name, record_id=record_id))


@blueprint.route("/<name>/<record_id>", methods=["GET", "POST"])
def record(name: str, record_id: str) -> Any:
    state = org()
    sobject = state.schema.get(name) or abort(404, f"This org has no object named {name}.")
    errors: list[str] = []
    if request.method == "POST":
        check_csrf()
        existing = state.store.get(sobject.name, record_id) or abort(404, f"There is no {sobject.label} {record_id}.")
        changes: dict[str, Any] = {
            f.name: request.form.get(f.name, "")
            for f in sobject.fields.values()
            if f.updateable and f.name in request.form and request.form.get(f.name, "") != _shown(existing.get(f.name))
        }
        for field_name in list(changes):
            if sobject.fields[field_name.lower()].type == "boolean":
                changes[field_name] = changes[field_name] == "true"
        try:
            with state.lock:
                state.dml.update(sobject, record_id, changes, next(iter(state.users.values())))
            return redirect(url_for("emulator_ui.record", name=sobject.name, record_id=record_id))
        except ApiError as error:
            errors = [f"{e.code}: {e.message}" for e in error.errors]
    current = state.store.get(sobject.name, record_id) or abort(404, f"There is no {sobject.label} {record_id}.")
    return render_template(
        "ui_record.html",
        sobject=sobject,
        record=current,
        errors=errors,
        topics=_topics(state, [record_id]).get(record_id, []),
        shown=_shown,
    )


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _topics(state: Org, ids: list[str]) -> dict[str, list[str]]:
    wanted = set(ids)
    names = {t["Id"]: t["Name"] for t in state.store.records("Topic")}
    result: dict[str, list[str]] = {}
    for assignment in state.store.records("TopicAssignment"):
        if assignment["EntityId"] in wanted:
            result.setdefault(assignment["EntityId"], []).append(names.get(assignment["TopicId"], "?"))
    return result
