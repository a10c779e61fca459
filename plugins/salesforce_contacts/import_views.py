"""The admin's Import users page: choose a topic or picklist value, watch the progress bar.

The page lists the topics and picklist values Salesforce has, and refuses any other
before an import starts. It polls a small JSON endpoint (a script file, as the site's
content security policy allows no inline scripts) while the sync queue runs the import
page by page, and offers to cancel an import that is running.
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.api import admin_required, db, utcnow
from plugins.salesforce_common import SalesforceError
from plugins.salesforce_contacts.current import NAME, contacts_plugin
from plugins.salesforce_contacts.import_choices import (
    BY_PICKLIST,
    BY_TOPIC,
    ImportRefused,
    chosen_value,
    import_choices,
)
from plugins.salesforce_contacts.importing import cancel_import, load_progress, queue_import
from plugins.salesforce_contacts.tabs import tab_context

#: The Import users page and its progress, under ``/admin/plugins/salesforce_contacts/import/``.
pages = Blueprint(
    f"{NAME}_import",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix=f"/admin/plugins/{NAME}/import",
)


@pages.route("/")
@admin_required
def page() -> str:
    plugin = contacts_plugin()
    choices = import_choices(plugin)
    db.session.commit()
    progress = load_progress(plugin.store)
    return render_template(
        "salesforce_contacts/import.html",
        choices=choices,
        progress=progress.for_display(utcnow()) if progress else None,
        **tab_context(plugin),
    )


@pages.route("/", methods=["POST"])
@admin_required
def start() -> Response:
    plugin = contacts_plugin()
    by = request.form.get("by", BY_TOPIC)
    value = request.form.get("value", "").strip()
    if by not in (BY_TOPIC, BY_PICKLIST) or not value:
        flash("Choose a topic or a picklist value to import.", "error")
        return redirect(url_for(".page"))
    try:
        value = chosen_value(plugin, by, value)
        db.session.commit()
        queue_import(plugin, by, value)
    except (ImportRefused, SalesforceError) as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for(".page"))
    db.session.commit()
    flash(f'Importing records with "{value}".', "success")
    return redirect(url_for(".page"))


@pages.route("/cancel", methods=["POST"])
@admin_required
def cancel() -> Response:
    plugin = contacts_plugin()
    cancelled = cancel_import(plugin.store)
    db.session.commit()
    if cancelled is None:
        flash("No import is running.", "info")
    else:
        flash(f'The import of "{cancelled.value}" is cancelled; the users it made so far stay.', "success")
    return redirect(url_for(".page"))


@pages.route("/progress.json")
@admin_required
def progress() -> Response:
    plugin = contacts_plugin()
    current = load_progress(plugin.store)
    return jsonify(current.for_display(utcnow()) if current else None)
