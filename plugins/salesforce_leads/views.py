"""The plugin's admin pages, in tabs: connection and settings, field mapping, send existing
affiliates; and an affiliate's sync.

Every view reads what it needs and ends the request's transaction before it calls
Salesforce, so no database transaction stays open over a network call; the library
writes tokens, usage and describe in transactions of its own.
"""

from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.api import Affiliate, Tab, db, edit_settings, enqueue, existing_records
from plugins.salesforce_common import Describer, ObjectDescription, SalesforceClient, SalesforceError
from plugins.salesforce_common.status import ConnectionState
from plugins.salesforce_common.tabs import DESTINATION, connection_attention, unsent_attention
from plugins.salesforce_leads.current import NAME, leads_plugin
from plugins.salesforce_leads.mapping import (
    FieldMapping,
    affiliate_fields,
    load_mapping,
    mapping_problems,
    refused_mapped_fields,
    save_mapping,
)
from plugins.salesforce_leads.panel import sync_report
from plugins.salesforce_leads.settings import destination_object
from plugins.salesforce_leads.sync import KIND

if TYPE_CHECKING:
    from plugins.salesforce_leads.plugin import SalesforceLeads


def _describe(plugin: "SalesforceLeads", sobject: str, *, refresh: bool = False) -> ObjectDescription:
    config = plugin.salesforce_config()
    db.session.commit()
    with SalesforceClient(config) as client:
        return Describer(client).describe(sobject, refresh=refresh)


def _posted_mapping(description: ObjectDescription) -> FieldMapping:
    fields = {
        key: request.form.get(f"map.{key}", "").strip()
        for key, _label in affiliate_fields()
        if request.form.get(f"map.{key}", "").strip()
    }
    defaults = {
        item.name: request.form.get(f"default.{item.name}", "").strip()
        for item in description.fields
        if request.form.get(f"default.{item.name}", "").strip()
    }
    return FieldMapping(fields, defaults)


def _tab_context(plugin: "SalesforceLeads") -> dict[str, Any]:
    """The tab bar every page of the plugin shows, each tab marked when it needs attention."""
    status = plugin.connection.status()
    connected = status.state is ConnectionState.CONNECTED
    return {
        "plugin": plugin,
        "not_connected": status.state is ConnectionState.NOT_CONNECTED,
        "tabs": [
            Tab("Connection", url_for(f"{NAME}.settings_page"), connection_attention(plugin, status)),
            Tab("Fields", url_for(f"{NAME}.mapping_page")),
            Tab(
                "Send existing",
                url_for(f"{NAME}.send_page"),
                unsent_attention(existing_records(plugin.name, DESTINATION) if connected else None),
            ),
        ],
    }


#: The plugin's pages, all under ``/admin/plugins/salesforce_leads/``.
pages = Blueprint(
    NAME,
    __name__,
    url_prefix=f"/admin/plugins/{NAME}",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@pages.route("/", methods=["GET", "POST"])
def settings_page() -> str | Response:
    """Settings and connection on one page, as the connected-app setup goes."""
    plugin = leads_plugin()
    form = edit_settings(plugin)
    if isinstance(form, Response):
        return form
    complete = not plugin.settings.missing_required()
    context = _tab_context(plugin)
    return render_template(
        "salesforce_leads/settings.html",
        form=form,
        complete=complete,
        sobject=destination_object(plugin),
        existing=None if context["not_connected"] else existing_records(plugin.name, DESTINATION),
        **context,
        **(plugin.connection.panel_context() if complete else {}),
    )


@pages.get("/send")
def send_page() -> str:
    """Affiliates that existed before the connection, sent from here through the queue."""
    plugin = leads_plugin()
    return render_template(
        "salesforce_leads/send.html",
        existing=existing_records(plugin.name, DESTINATION),
        **_tab_context(plugin),
    )


@pages.route("/fields", methods=["GET", "POST"])
def mapping_page() -> str | Response:
    """Affiliate fields on the left, the destination object's writable fields on the right."""
    plugin = leads_plugin()
    sobject = destination_object(plugin)
    mapping = load_mapping(plugin, sobject)
    refresh = request.method == "POST" and "refresh" in request.form
    try:
        description = _describe(plugin, sobject, refresh=refresh)
    except SalesforceError as error:
        return render_template(
            "salesforce_leads/mapping.html", sobject=sobject, error=str(error), description=None, **_tab_context(plugin)
        )
    problems: list[str] = []
    if refresh:
        flash(f"The fields of {sobject} were read again from Salesforce.", "success")
        return redirect(url_for(".mapping_page"))
    if request.method == "POST":
        mapping = _posted_mapping(description)
        problems = mapping_problems(description, mapping)
        if not problems:
            save_mapping(plugin, sobject, mapping)
            db.session.commit()
            flash(f"The field mapping for {sobject} is saved.", "success")
            return redirect(url_for(".mapping_page"))
    writable = [item for item in description.fields if item.createable and item.updateable]
    fed = mapping.fed_fields()
    return render_template(
        "salesforce_leads/mapping.html",
        sobject=sobject,
        error=None,
        description=description,
        affiliate_fields=affiliate_fields(),
        writable=sorted(writable, key=lambda item: item.label.lower()),
        required=[item for item in description.required_fields],
        unfed={item.name for item in description.required_fields if item.name.lower() not in fed},
        mapping=mapping,
        problems=problems,
        refused=refused_mapped_fields(description, mapping),
        **_tab_context(plugin),
    )


@pages.get("/affiliates/<int:affiliate_id>/sync-status")
def sync_status(affiliate_id: int) -> Response:
    """The affiliate's last sync, for the notice that polls it after a save."""
    return jsonify(sync_report(leads_plugin(), affiliate_id).to_json())


@pages.post("/affiliates/<int:affiliate_id>/resync")
def resync(affiliate_id: int) -> Response:
    plugin = leads_plugin()
    if db.session.get(Affiliate, affiliate_id) is None:
        abort(404)
    enqueue(plugin, KIND, str(affiliate_id))
    db.session.commit()
    flash("The affiliate is queued for Salesforce again.", "success")
    return redirect(url_for("admin_affiliates.show", affiliate_id=affiliate_id))
