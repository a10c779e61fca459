"""The admin's Import users page: choose a topic or picklist value, watch the progress bar.

The page polls a small JSON endpoint (a script file, as the site's content security
policy allows no inline scripts) while the sync queue runs the import page by page.
"""

from typing import TYPE_CHECKING

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.web.access import admin_required
from plugins.salesforce_contacts.importing import load_progress, queue_import
from plugins.salesforce_contacts.settings import Options, Segmentation
from plugins.salesforce_contacts.topic_cache import TopicCache

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin


def blueprint(plugin: "SalesforceContactsPlugin") -> Blueprint:
    bp = Blueprint(
        f"{plugin.name}_import",
        __name__,
        template_folder="templates",
        static_folder="static",
        url_prefix=f"/admin/plugins/{plugin.name}/import",
    )

    @bp.route("/")
    @admin_required
    def page() -> str:
        options = Options.of(plugin.settings)
        return render_template(
            "salesforce_contacts/import.html",
            plugin=plugin,
            topics=TopicCache(plugin.store).names(),
            picklist=options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST)
            and options.segmentation_field,
            progress=load_progress(plugin.store),
        )

    @bp.route("/", methods=["POST"])
    @admin_required
    def start() -> Response:
        by = request.form.get("by", "topic")
        value = request.form.get("value", "").strip()
        if by not in ("topic", "picklist") or not value:
            flash("Choose a topic or a picklist value to import.", "error")
            return redirect(url_for(".page"))
        current = load_progress(plugin.store)
        if current is not None and not current.finished:
            flash("An import is still running; wait for it to finish.", "error")
            return redirect(url_for(".page"))
        queue_import(plugin, by, value)
        db.session.commit()
        flash(f'Importing records with "{value}".', "success")
        return redirect(url_for(".page"))

    @bp.route("/progress.json")
    @admin_required
    def progress() -> Response:
        current = load_progress(plugin.store)
        return jsonify(current.to_json() if current else None)

    return bp
