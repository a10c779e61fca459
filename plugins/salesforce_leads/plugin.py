"""The plugin object: metadata, settings, and the hooks that tie it into the site."""

from collections.abc import Iterable, Mapping
from pathlib import Path

import click
from flask import Blueprint, url_for

from host.api import (
    AdminPanel,
    AffiliateSnapshot,
    FieldChange,
    MenuItem,
    SyncHandler,
    SyncWarning,
    UserSnapshot,
    enqueue,
    hookimpl,
    plugin_backfill_command,
)
from plugins.salesforce_common import SalesforceConfig
from plugins.salesforce_common.connection_views import (
    ConnectionViews,
    SalesforceConnectedPlugin,
    connection_blueprint,
)
from plugins.salesforce_leads import views
from plugins.salesforce_leads.current import NAME
from plugins.salesforce_leads.links import link_of
from plugins.salesforce_leads.mapping import mapping_warnings
from plugins.salesforce_leads.panel import affiliate_panel
from plugins.salesforce_leads.settings import SETTINGS_FIELDS, destination_object, salesforce_config
from plugins.salesforce_leads.sync import KIND, AffiliateSync

#: The path to register in the connected app.
CALLBACK_PATH = "/salesforce/oauth2/callback"
connection_pages = connection_blueprint(NAME, CALLBACK_PATH)


class SalesforceLeads(SalesforceConnectedPlugin):
    name = NAME
    title = "Salesforce Leads"
    description = (
        "Sends every affiliate to Salesforce as a Lead, or as a record of a custom object, through a "
        "connected app: created and edited affiliates sync within seconds, field by field as you map them."
    )
    author = "Plughost"
    distribution = "plughost"
    settings_fields = SETTINGS_FIELDS
    settings_endpoint = f"{NAME}.settings_page"
    migrations = Path(__file__).parent / "migrations"

    def __init__(self) -> None:
        self.sync_handler = AffiliateSync(self)
        self.connection = ConnectionViews(
            self,
            self.salesforce_config,
            f"{NAME}.settings_page",
            destination_object=lambda: destination_object(self),
        )

    def salesforce_config(self) -> SalesforceConfig:
        return salesforce_config(self)

    # -- lifecycle events: hand the work to the queue -------------------------

    @hookimpl
    def affiliate_created(self, affiliate: AffiliateSnapshot) -> None:
        enqueue(self, KIND, str(affiliate.id))

    @hookimpl
    def affiliate_updated(self, affiliate: AffiliateSnapshot, changes: Mapping[str, FieldChange]) -> None:
        enqueue(self, KIND, str(affiliate.id))

    @hookimpl
    def affiliate_deleted(self, affiliate: AffiliateSnapshot) -> None:
        enqueue(self, KIND, str(affiliate.id), {"deleted": True})

    @hookimpl
    def delete_consequences(self, record_kind: str, record: UserSnapshot | AffiliateSnapshot) -> str | None:
        """The sync deletes the record an affiliate is linked to in the destination object, if any."""
        if record_kind != "affiliate":
            return None
        sobject = destination_object(self)
        link = link_of(record.id)
        if link is None or link.sobject.lower() != sobject.lower():
            return "The affiliate has not reached Salesforce, so nothing changes there."
        return f"The {link.sobject} in Salesforce ({link.record_id}) is deleted too."

    # -- contributions --------------------------------------------------------

    @hookimpl
    def sync_handlers(self) -> Mapping[str, SyncHandler]:
        return {KIND: self.sync_handler}

    @hookimpl
    def plugin_blueprints(self) -> Iterable[Blueprint]:
        return [views.pages, connection_pages]

    @hookimpl
    def plugin_cli_commands(self) -> Iterable[click.Command]:
        return [plugin_backfill_command(self.name, KIND, "affiliates")]

    @hookimpl
    def admin_menu_items(self) -> Iterable[MenuItem]:
        return [MenuItem("Setup fields", url_for(f"{NAME}.mapping_page"))]

    @hookimpl
    def sync_warnings(self) -> Iterable[SyncWarning]:
        fields_url = url_for(f"{NAME}.mapping_page", _anchor="refused-fields")
        return [
            SyncWarning(sentence, fields_url, "Open the field mapping")
            for sentence in mapping_warnings(self, destination_object(self))
        ]

    @hookimpl
    def affiliate_admin_panels(self, affiliate: AffiliateSnapshot) -> Iterable[AdminPanel]:
        return [affiliate_panel(self, affiliate.id)]
