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
from plugins.salesforce_common import Describer, ObjectDescription, ObjectSummary, SalesforceClient, SalesforceError
from plugins.salesforce_common.field_mapping import Direction, posted_mapping
from plugins.salesforce_common.org_choices import (
    NOT_CONNECTED_SENTENCE,
    object_problem,
    save_org_choice,
    usable_objects,
)
from plugins.salesforce_common.status import ConnectionState
from plugins.salesforce_common.tabs import DESTINATION, connection_attention, unsent_attention
from plugins.salesforce_leads.current import NAME, leads_plugin
from plugins.salesforce_leads.mapping import (
    affiliate_fields,
    leads_mapping_problems,
    load_mapping,
    refused_mapped_fields,
    save_mapping,
)
from plugins.salesforce_leads.panel import sync_report
from plugins.salesforce_leads.settings import CHOSEN_FROM_ORG, destination_object
from plugins.salesforce_leads.sync import KIND

if TYPE_CHECKING:
    from plugins.salesforce_leads.plugin import SalesforceLeads

#: Leads only send: every row goes to Salesforce.
DIRECTIONS = (Direction.TO_SALESFORCE,)


def _describe(
    plugin: "SalesforceLeads", sobject: str, *, refresh: bool = False
) -> tuple[ObjectDescription, list[ObjectSummary]]:
    """The object's fields and the objects it can be switched to."""
    config = plugin.salesforce_config()
    db.session.commit()
    with SalesforceClient(config) as client:
        describer = Describer(client)
        if refresh:
            describer.objects(refresh=True)
        return describer.describe(sobject, refresh=refresh), usable_objects(describer)


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
    form = edit_settings(plugin, exclude=CHOSEN_FROM_ORG)
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
    """The destination object's fields, each with the affiliate field or default that feeds it."""
    plugin = leads_plugin()
    sobject = destination_object(plugin)
    mapping = load_mapping(plugin, sobject)
    refresh = request.method == "POST" and "refresh" in request.form
    try:
        description, objects = _describe(plugin, sobject, refresh=refresh)
    except SalesforceError as error:
        return render_template(
            "salesforce_leads/mapping.html",
            sobject=sobject,
            error=str(error),
            lists_sentence=NOT_CONNECTED_SENTENCE,
            description=None,
            **_tab_context(plugin),
        )
    problems: list[str] = []
    if refresh:
        flash(f"The objects and the fields of {sobject} were read again from Salesforce.", "success")
        return redirect(url_for(".mapping_page"))
    if request.method == "POST" and "destination_object" in request.form:
        name = request.form["destination_object"].strip()
        save_org_choice(
            plugin.settings,
            "destination_object",
            name,
            object_problem(name, objects),
            f"Affiliates now go to {name}. Check its field mapping below.",
        )
        return redirect(url_for(".mapping_page"))
    if request.method == "POST":
        posted = posted_mapping(request.form, affiliate_fields(), DIRECTIONS)
        if isinstance(posted, str):
            problems = [posted]
        else:
            mapping, problems = posted, leads_mapping_problems(description, posted)
        if not problems:
            save_mapping(plugin, sobject, mapping)
            db.session.commit()
            flash(f"The field mapping for {sobject} is saved.", "success")
            return redirect(url_for(".mapping_page"))
    writable = [item for item in description.fields if item.createable and item.updateable]
    return render_template(
        "salesforce_leads/mapping.html",
        sobject=sobject,
        error=None,
        description=description,
        objects=objects,
        affiliate_fields=affiliate_fields(),
        directions=DIRECTIONS,
        writable=sorted(writable, key=lambda item: (not item.required, item.label.casefold())),
        mapping=mapping,
        problems=problems,
        refused_fields=refused_mapped_fields(description, mapping),
        **_tab_context(plugin),
    )


@pages.get("/affiliates/<int:affiliate_id>/sync-status")
def sync_status(affiliate_id: int) -> Response:
    """The affiliate's last sync, for the notice that polls it after a save."""
    if db.session.get(Affiliate, affiliate_id) is None:
        abort(404)
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
