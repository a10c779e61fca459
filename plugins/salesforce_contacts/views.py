"""The settings pages, one per tab (see :mod:`.tabs`), their forms, and the user Resync.

The connection panel (callback URL, Connect/Reconnect) comes from the shared
:class:`~plugins.salesforce_common.connection_views.ConnectionViews`; each tab embeds
the host's settings form with the settings it is about. Every form answers with its
tab again.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.api import (
    InvalidValue,
    SettingsValidationError,
    User,
    admin_required,
    create_tag,
    db,
    edit_settings,
    enqueue,
    existing_records,
    find_tag,
    public_url,
)
from plugins.salesforce_common import ObjectDescription, SalesforceConfig, SalesforceError
from plugins.salesforce_common.field_mapping import mapping_problems, posted_mapping
from plugins.salesforce_common.org_choices import (
    NOT_CONNECTED_SENTENCE,
    object_problem,
    save_org_choice,
    version_problem,
)
from plugins.salesforce_common.tabs import DESTINATION
from plugins.salesforce_contacts.consent import opt_out_fields
from plugins.salesforce_contacts.current import NAME, contacts_plugin
from plugins.salesforce_contacts.handler import KIND
from plugins.salesforce_contacts.inbound.apply import STAMP_FIELDS
from plugins.salesforce_contacts.inbound.endpoints import (
    Action,
    add_endpoint,
    list_endpoints,
    regenerate_key,
    remove_endpoint,
)
from plugins.salesforce_contacts.mapping import DIRECTIONS, incoming_mapping, load_mapping, save_mapping, site_fields
from plugins.salesforce_contacts.orders.shop import shop_installed
from plugins.salesforce_contacts.org import OrgView, read_org, refresh_org
from plugins.salesforce_contacts.refusals import refused_mapped_fields, tag_picklist, tags_salesforce_lacks
from plugins.salesforce_contacts.settings import SETTINGS_FIELDS, Options, Segmentation
from plugins.salesforce_contacts.tabs import (
    CONNECTION_SETTINGS,
    FIELDS_SETTINGS,
    SENDING_SETTINGS,
    contacts_tabs,
    settings_outside,
    tab_context,
)
from plugins.salesforce_contacts.topic_cache import TopicCache

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin


def fields_to_include(
    plugin: "SalesforceContactsPlugin", options: Options, description: ObjectDescription | None
) -> list[str]:
    """The fields an outbound message must send for the endpoints to work."""
    fields = ["Id", "Email", STAMP_FIELDS[0]]
    if description is not None:
        fields += opt_out_fields(options, description).values()
    if options.matches_by_external_id:
        fields.append(options.match_field)
    if options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST) and options.segmentation_field:
        fields.append(options.segmentation_field)
    fields += sorted(incoming_mapping(plugin.store, options.object_type))
    return list(dict.fromkeys(fields))


def webhook_rows(plugin: "SalesforceContactsPlugin") -> list[dict[str, str]]:
    return [
        {
            "id": endpoint.id,
            "label": endpoint.action.label,
            "url": public_url(f"{plugin.name}_inbound.receive", endpoint_id=endpoint.id, key=endpoint.key),
        }
        for endpoint in list_endpoints(plugin.store)
    ]


def _tag_source_names(plugin: "SalesforceContactsPlugin", options: Options, org: OrgView) -> list[str]:
    """What Salesforce offers as tags: topics, or the tag picklist's values."""
    if options.segmentation is Segmentation.TOPICS:
        return TopicCache(plugin.store).names()
    if options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST) and options.segmentation_field:
        info = org.description.field(options.segmentation_field) if org.description else None
        return list(info.picklist_values) if info else []
    return []


def _settled_settings(plugin: "SalesforceContactsPlugin") -> tuple[Options, SalesforceConfig]:
    """The settings, with the request's transaction ended before Salesforce is called,
    so no database transaction stays open over a network call."""
    options, config = Options.of(plugin.settings), plugin.config()
    db.session.commit()
    return options, config


def filled_by_plugin(options: Options, description: ObjectDescription | None) -> frozenset[str]:
    """Lower-cased fields a sync fills without a mapping row: the key records are matched
    by, a Last Name and Company when required, the opt-outs and the tag picklist."""
    filled = {"lastname", "company", options.match_field.lower()}
    filled |= {name.lower() for name in opt_out_fields(options, description).values()}
    if options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST) and options.segmentation_field:
        filled.add(options.segmentation_field.lower())
    return frozenset(filled)


#: The settings pages and their forms, under ``/admin/plugins/salesforce_contacts/``.
pages = Blueprint(
    NAME,
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix=f"/admin/plugins/{NAME}",
)

#: The tabs the forms return to, by the value of their ``back`` field.
FORM_TABS = frozenset({"fields", "tags"})


def _back(tab: str = "fields") -> Response:
    """A form answers with the tab it is on: the one its ``back`` field names, or ``tab``."""
    posted = request.form.get("back", "")
    return redirect(url_for(f".{posted if posted in FORM_TABS else tab}"))


@pages.get("/")
@admin_required
def setup() -> Response:
    """The plugin's page opens at the first tab that needs attention; Connection when none does."""
    plugin = contacts_plugin()
    tabs = contacts_tabs(plugin, plugin.connection.status())
    return redirect(next((tab.url for tab in tabs if tab.attention), tabs[0].url))


@pages.route("/connection", methods=["GET", "POST"])
@admin_required
def connection() -> str | Response:
    plugin = contacts_plugin()
    form = edit_settings(plugin, exclude=settings_outside(plugin, CONNECTION_SETTINGS))
    if isinstance(form, Response):
        return form
    context = tab_context(plugin)
    existing = None if context["not_connected"] else existing_records(plugin.name, DESTINATION)
    return render_template("salesforce_contacts/connection.html", form=form, existing=existing, **context)


@pages.route("/fields", methods=["GET", "POST"])
@admin_required
def fields() -> str | Response:
    plugin = contacts_plugin()
    form = edit_settings(plugin, exclude=settings_outside(plugin, FIELDS_SETTINGS))
    if isinstance(form, Response):
        return form
    context = tab_context(plugin)
    options, config = _settled_settings(plugin)
    org = OrgView() if context["not_connected"] else read_org(config, options.object_type)
    return render_template(
        "salesforce_contacts/fields.html",
        form=form,
        options=options,
        org=org,
        mapping=load_mapping(plugin.store, options.object_type),
        directions=DIRECTIONS,
        user_fields=site_fields(),
        filled_by_plugin=filled_by_plugin(options, org.description),
        api_version=config.api_version,
        api_versions=org.versions,
        lists_sentence=NOT_CONNECTED_SENTENCE,
        refused_fields=refused_mapped_fields(plugin.store, options),
        consent_fields=opt_out_fields(options, org.description),
        orders_url=url_for(f"{NAME}_orders.settings") if shop_installed() else None,
        **context,
    )


SEGMENTATION_CHOICES = next(setting.choices for setting in SETTINGS_FIELDS if setting.key == "segmentation")
TAGS_SENTENCE = "Choose where tags go, and for the picklist modes one of the picklist fields listed; nothing was saved."


@pages.route("/tags", methods=["GET", "POST"])
@admin_required
def tags() -> str | Response:
    plugin = contacts_plugin()
    context = tab_context(plugin)
    options, config = _settled_settings(plugin)
    org = OrgView() if context["not_connected"] else read_org(config, options.object_type)
    if request.method == "POST":
        return _save_tags(plugin, org)
    return render_template(
        "salesforce_contacts/tags.html",
        options=options,
        org=org,
        segmentation_choices=SEGMENTATION_CHOICES,
        tag_names=_tag_source_names(plugin, options, org),
        tag_picklist=tag_picklist(plugin.store, options),
        tags_salesforce_lacks=tags_salesforce_lacks(plugin.store, options),
        **context,
    )


def _save_tags(plugin: "SalesforceContactsPlugin", org: OrgView) -> Response:
    """Where tags go, and the picklist field for the picklist modes (one the org has)."""
    segmentation = request.form.get("segmentation", "")
    field = request.form.get("segmentation_field", "").strip()
    picklist_modes = {Segmentation.MULTIPICKLIST, Segmentation.PICKLIST}
    if segmentation not in {mode.value for mode in Segmentation}:
        flash(TAGS_SENTENCE, "error")
        return _back("tags")
    if segmentation not in picklist_modes:
        field = ""
    elif field not in {info.name for info in org.picklist_fields()}:
        flash(org.problem or TAGS_SENTENCE, "error")
        return _back("tags")
    try:
        plugin.settings.update({"segmentation": segmentation, "segmentation_field": field})
    except SettingsValidationError as refusal:
        flash(str(refusal), "error")
        return _back("tags")
    db.session.commit()
    flash("Tags settings saved; they apply to the next sync of each user.", "success")
    return _back("tags")


@pages.get("/webhooks")
@admin_required
def webhooks() -> str:
    plugin = contacts_plugin()
    context = tab_context(plugin)
    options, config = _settled_settings(plugin)
    org = OrgView() if context["not_connected"] else read_org(config, options.object_type)
    return render_template(
        "salesforce_contacts/webhooks.html",
        options=options,
        webhooks=webhook_rows(plugin),
        webhook_actions=list(Action),
        webhook_fields=fields_to_include(plugin, options, org.description),
        **context,
    )


@pages.route("/send", methods=["GET", "POST"])
@admin_required
def send() -> str | Response:
    plugin = contacts_plugin()
    form = edit_settings(plugin, exclude=settings_outside(plugin, SENDING_SETTINGS))
    if isinstance(form, Response):
        return form
    return render_template(
        "salesforce_contacts/send.html",
        form=form,
        existing=existing_records(plugin.name, DESTINATION),
        **tab_context(plugin),
    )


@pages.route("/object", methods=["POST"])
@admin_required
def choose_object() -> Response:
    object_type = request.form.get("object_type", "").strip()
    options, config = _settled_settings(contacts_plugin())
    org = read_org(config, options.object_type)
    problem = (
        f"The object cannot be checked now: {org.problem} Nothing was saved."
        if org.problem
        else object_problem(object_type, org.objects)
    )
    save_org_choice(
        contacts_plugin().settings,
        "object_type",
        object_type,
        problem,
        f"Users now sync to {object_type}. Check the field mapping below.",
    )
    return _back()


@pages.route("/api-version", methods=["POST"])
@admin_required
def choose_api_version() -> Response:
    version = request.form.get("api_version", "").strip()
    options, config = _settled_settings(contacts_plugin())
    org = read_org(config, options.object_type)
    problem = (
        f"The version cannot be checked now: {org.problem or NOT_CONNECTED_SENTENCE} Nothing was saved."
        if not org.versions
        else version_problem(version, org.versions)
    )
    save_org_choice(
        contacts_plugin().settings, "api_version", version, problem, f"Calls now use API version {version}."
    )
    return _back()


@pages.route("/refresh", methods=["POST"])
@admin_required
def refresh() -> Response:
    plugin = contacts_plugin()
    options, config = _settled_settings(plugin)
    try:
        found = refresh_org(config, options.object_type)
    except SalesforceError as error:
        flash(str(error), "error")
        return _back()
    topics = TopicCache(plugin.store)
    topics.replace(found)
    topics.save()
    db.session.commit()
    flash(f"Objects, fields and {len(found)} topics reloaded from Salesforce.", "success")
    return _back()


@pages.route("/mapping", methods=["POST"])
@admin_required
def mapping() -> Response:
    """The mapping rows and the choices beside them, each checked against describe."""
    plugin = contacts_plugin()
    options, config = _settled_settings(plugin)
    posted = posted_mapping(request.form, site_fields(), DIRECTIONS)
    if isinstance(posted, str):
        flash(posted, "error")
        return _back()
    org = read_org(config, options.object_type)
    if org.description is None:
        flash(f"The mapping cannot be checked now: {org.problem} Nothing was saved.", "error")
        return _back()
    sms_field = request.form.get("sms_opt_out_field", "").strip()
    if sms_field and sms_field not in {info.name for info in org.checkbox_fields()}:
        flash(f"{sms_field} is not a checkbox field of {options.object_type}; nothing was saved.", "error")
        return _back()
    chosen = {"match_field": request.form.get("match_field", "").strip(), "sms_opt_out_field": sms_field}
    as_chosen = replace(options, match_field=chosen["match_field"] or "Email", sms_opt_out_field=sms_field)
    filled = filled_by_plugin(as_chosen, org.description)
    problems = mapping_problems(org.description, posted, site_fields(), record_kind="user", fed_elsewhere=filled)
    if problems:
        for problem in problems:
            flash(problem, "error")
        flash("Nothing was saved.", "error")
        return _back()
    try:
        plugin.settings.update(chosen)
    except SettingsValidationError as refusal:
        flash(str(refusal), "error")
        return _back()
    save_mapping(plugin.store, options.object_type, posted)
    db.session.commit()
    flash("Field mapping saved; it applies to the next sync of each user.", "success")
    return _back()


@pages.route("/import-tags", methods=["POST"])
@admin_required
def import_tags() -> Response:
    plugin = contacts_plugin()
    options, config = _settled_settings(plugin)
    names = _tag_source_names(plugin, options, read_org(config, options.object_type))
    created = 0
    for name in names:
        if find_tag(name) is None:
            try:
                create_tag(name)
            except InvalidValue:
                continue
            created += 1
    db.session.commit()
    flash(f"{created} tags imported from Salesforce.", "success")
    return _back("tags")


@pages.route("/webhooks", methods=["POST"])
@admin_required
def add_webhook() -> Response:
    plugin = contacts_plugin()
    try:
        action = Action(request.form.get("action", ""))
    except ValueError:
        flash("Choose what the endpoint does.", "error")
        return _back("webhooks")
    add_endpoint(plugin.store, action)
    db.session.commit()
    flash("Endpoint added. Paste its URL into the outbound message in Salesforce.", "success")
    return _back("webhooks")


@pages.route("/webhooks/<endpoint_id>/regenerate", methods=["POST"])
@admin_required
def regenerate_webhook(endpoint_id: str) -> Response:
    plugin = contacts_plugin()
    if regenerate_key(plugin.store, endpoint_id) is None:
        flash("No such endpoint.", "error")
        return _back("webhooks")
    db.session.commit()
    flash("New key made: the old URL no longer works. Paste the new URL into Salesforce.", "success")
    return _back("webhooks")


@pages.route("/webhooks/<endpoint_id>/remove", methods=["POST"])
@admin_required
def remove_webhook(endpoint_id: str) -> Response:
    plugin = contacts_plugin()
    remove_endpoint(plugin.store, endpoint_id)
    db.session.commit()
    flash("Endpoint removed; Salesforce's messages to it are refused from now on.", "success")
    return _back("webhooks")


@pages.route("/users/<int:user_id>/resync", methods=["POST"])
@admin_required
def resync(user_id: int) -> Response:
    if db.session.get(User, user_id) is None:
        abort(404)
    plugin = contacts_plugin()
    enqueue(plugin, KIND, str(user_id))
    db.session.commit()
    flash("The user is queued for Salesforce.", "success")
    return redirect(url_for("admin_users.edit", user_id=user_id))
