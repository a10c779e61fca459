"""The admin's Sync page: the queue per plugin, dead letters, and each record's last result."""

from flask import Blueprint, Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.sync import deadletters, overview, unsent
from host.sync.existing import existing_records, follow_sending
from host.sync.labels import RecordKey, record_labels
from host.sync.pauses import resume
from host.sync.status import record_status
from host.web.access import refuse_non_admin
from host.web.paging import page_number, record_id
from host.web.redirects import safe_next_url

bp = Blueprint("sync_admin", __name__, url_prefix="/admin/sync", template_folder="templates")
bp.before_request(refuse_non_admin)


def _entry_ids() -> list[int]:
    try:
        return [record_id(value) for value in request.form.getlist("entry_id")]
    except ValueError:
        abort(400)


def _back(default: str) -> Response:
    """Return to the page the form was on (only a path on this site), or ``default``."""
    return redirect(safe_next_url(request.form.get("next")) or default)


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


@bp.get("/")
def index() -> str:
    queues = overview.plugin_queues()
    existing = {queue.name: existing_records(queue.name, queue.title) for queue in queues}
    waiting = any(records.waiting for records in existing.values())
    return render_template("sync/index.html", queues=queues, existing=existing, waiting=waiting)


@bp.post("/<plugin>/<kind>/send-existing")
def send_existing(plugin: str, kind: str) -> Response:
    """Queue the records of ``kind`` the plugin never sent; back to the page the button was on."""
    count = unsent.send_unsent(plugin, kind)
    db.session.commit()
    title = overview.plugin_title(plugin)
    if count:
        follow_sending(plugin)
        flash(f"Sending {count:,} existing {kind} records to {title}; the bar below follows them.", "success")
    else:
        flash(f"{title} has every {kind} record already.", "info")
    return _back(url_for(".index") + f"#plugin-{plugin}")


@bp.get("/<plugin>/existing.json")
def existing_progress(plugin: str) -> Response:
    """Where the plugin's existing records stand, for the bar that follows them on any page."""
    return jsonify(existing_records(plugin, request.args.get("to") or overview.plugin_title(plugin)).to_json())


@bp.get("/dead")
def dead_letters() -> str:
    plugin = request.args.get("plugin", "")
    page = overview.dead_letters(plugin or None, page_number())
    return render_template(
        "sync/dead_letters.html",
        page=page,
        plugin=plugin,
        plugins=overview.queued_plugins(),
        labels=record_labels(page.rows),
        title=overview.plugin_title,
    )


@bp.get("/records")
def records() -> str:
    filters = overview.RecordFilter(
        **{key: request.args.get(key, "").strip() for key in ("plugin", "kind", "state", "record_id")}
    )
    page = overview.record_results(filters, page_number())
    return render_template(
        "sync/records.html",
        page=page,
        labels=record_labels(page.rows),
        title=overview.plugin_title,
        filters=filters,
        plugins=overview.queued_plugins(),
        kinds=overview.kinds(),
        states=overview.result_states(),
    )


@bp.get("/<plugin>/<kind>/<path:record_id>")
def record(plugin: str, kind: str, record_id: str) -> str:
    status = record_status(plugin, kind, record_id)
    if status is None:
        abort(404)
    entry = overview.entry_of(plugin, kind, record_id)
    label = record_labels([RecordKey(plugin, kind, record_id)])[RecordKey(plugin, kind, record_id)]
    return render_template(
        "sync/record.html",
        plugin=plugin,
        kind=kind,
        record_id=record_id,
        label=label,
        title=overview.plugin_title,
        status=status,
        entry=entry,
    )


@bp.post("/retry")
def retry() -> Response:
    count = deadletters.retry(_entry_ids())
    db.session.commit()
    flash(f"{_entries(count)} will be sent again now.", "success")
    return _back(url_for(".dead_letters"))


@bp.post("/<plugin>/retry-all")
def retry_all(plugin: str) -> Response:
    count = deadletters.retry_all(plugin)
    db.session.commit()
    flash(f"{_entries(count)} will be sent again now.", "success")
    return _back(url_for(".index"))


@bp.post("/discard")
def discard() -> Response:
    count = deadletters.discard(_entry_ids())
    db.session.commit()
    flash(f"{_entries(count)} discarded.", "success")
    return _back(url_for(".dead_letters"))


@bp.post("/<plugin>/resume")
def resume_plugin(plugin: str) -> Response:
    resume(plugin)
    db.session.commit()
    flash("Sync resumed.", "success")
    return _back(url_for(".index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
