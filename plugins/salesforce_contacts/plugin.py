"""The Salesforce Contacts plugin: site users kept in Salesforce, silently.

Every hook only puts the user on the sync queue, in the transaction of the change,
so registration and profile edits never wait on Salesforce and never see its
errors; the queue's worker delivers them (see :mod:`.delivery`). Changes applied
from Salesforce (see :mod:`.inbound`) are not queued back to it. The shop's paid,
refunded and cancelled orders are queued the same way and go out as Orders billed
to the buyer's Contact (see :mod:`.orders`).
"""

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Blueprint

from host.api import (
    AdminPanel,
    AffiliateSnapshot,
    FieldChange,
    ListColumn,
    SyncHandler,
    SyncWarning,
    UserSnapshot,
    enqueue,
    hookimpl,
    independent_transaction,
    plugin_backfill_command,
)
from plugins.salesforce_common import SalesforceConfig
from plugins.salesforce_common.connection_views import (
    ConnectionViews,
    SalesforceConnectedPlugin,
    connection_blueprint,
)
from plugins.salesforce_contacts import cli, import_views, refusals, set_password, views
from plugins.salesforce_contacts.current import NAME
from plugins.salesforce_contacts.handler import KIND, UserSyncHandler
from plugins.salesforce_contacts.importing import IMPORT_KIND, ImportHandler
from plugins.salesforce_contacts.inbound import endpoint
from plugins.salesforce_contacts.inbound.apply import InboundHandler
from plugins.salesforce_contacts.inbound.echo import applying_from_salesforce
from plugins.salesforce_contacts.links import Link, load_link
from plugins.salesforce_contacts.orders import views as order_views
from plugins.salesforce_contacts.orders.handler import KIND as ORDER_KIND
from plugins.salesforce_contacts.orders.handler import OrderSyncHandler
from plugins.salesforce_contacts.orders.options import load_options
from plugins.salesforce_contacts.orders.panel import order_panel
from plugins.salesforce_contacts.orders.products import KIND as PRODUCT_KIND
from plugins.salesforce_contacts.orders.products import ProductSyncHandler, known_entry
from plugins.salesforce_contacts.orders.shop import shop_installed
from plugins.salesforce_contacts.panel import user_list_column, user_panel
from plugins.salesforce_contacts.settings import SETTINGS_FIELDS, Deletion, Options, Segmentation, salesforce_config

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot, ProductSnapshot

#: The path to register in the connected app; the plugin's own, so both plugins can share an app.
CALLBACK_PATH = "/salesforce_contacts/oauth2/callback"
connection_pages = connection_blueprint(NAME, CALLBACK_PATH)


class SalesforceContactsPlugin(SalesforceConnectedPlugin):
    name = NAME
    title = "Salesforce Contacts"
    description = (
        "Keeps site users in Salesforce as Contacts (or Leads, or a custom object) in real time, "
        "with their tags as topics or picklist values."
    )
    author = "Plughost"
    distribution = "plughost"
    settings_fields = SETTINGS_FIELDS
    settings_endpoint = f"{NAME}.setup"
    migrations = Path(__file__).parent / "migrations"

    def __init__(self) -> None:
        self.connection = ConnectionViews(
            plugin=self,
            config=self.config,
            page_endpoint=f"{self.name}.connection",
            destination_object=self.object_type,
        )

    def config(self) -> SalesforceConfig:
        return salesforce_config(self.settings, self.store)

    def object_type(self) -> str:
        """The chosen object, read in a transaction of its own, for code that then calls Salesforce."""
        with independent_transaction():
            return Options.of(self.settings).object_type

    # -- lifecycle: queue, never call ------------------------------------------------

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        if not applying_from_salesforce():
            enqueue(self, KIND, str(user.id))

    @hookimpl
    def user_updated(self, user: UserSnapshot, changes: Mapping[str, FieldChange]) -> None:
        if not applying_from_salesforce():
            enqueue(self, KIND, str(user.id))

    @hookimpl
    def user_tags_changed(self, user: UserSnapshot, added: frozenset[str], removed: frozenset[str]) -> None:
        if Options.of(self.settings).segmentation is not Segmentation.NONE and not applying_from_salesforce():
            enqueue(self, KIND, str(user.id))

    @hookimpl
    def user_deleted(self, user: UserSnapshot) -> None:
        link = load_link(user.id)
        payload = {"deleted": True, "email": user.email}
        if link is not None:
            payload |= {"salesforce_id": link.salesforce_id, "object_type": link.object_type}
        enqueue(self, KIND, str(user.id), payload)

    @hookimpl
    def delete_consequences(self, record_kind: str, record: UserSnapshot | AffiliateSnapshot) -> str | None:
        if record_kind != "user":
            return None
        return deletion_consequence(Options.of(self.settings), load_link(record.id))

    # -- the shop's orders: queue, never call -------------------------------------------

    def _queue_order(self, order: "OrderSnapshot") -> None:
        if load_options(self.store).enabled:
            enqueue(self, ORDER_KIND, str(order.id))

    @hookimpl(optionalhook=True)
    def order_paid(self, order: "OrderSnapshot") -> None:
        self._queue_order(order)

    @hookimpl(optionalhook=True)
    def order_refunded(self, order: "OrderSnapshot") -> None:
        self._queue_order(order)

    @hookimpl(optionalhook=True)
    def order_cancelled(self, order: "OrderSnapshot") -> None:
        self._queue_order(order)

    @hookimpl(optionalhook=True)
    def product_saved(self, product: "ProductSnapshot") -> None:
        """Only a product an order has put in Salesforce is sent; a new one goes with its first order."""
        if load_options(self.store).enabled and known_entry(self.store, product.sku):
            enqueue(self, PRODUCT_KIND, str(product.id))

    @hookimpl(optionalhook=True)
    def order_admin_panels(self, order: "OrderSnapshot") -> Iterable[AdminPanel]:
        panel = order_panel(self, order) if shop_installed() else None
        return [panel] if panel else []

    # -- contributions -----------------------------------------------------------------

    @hookimpl
    def sync_handlers(self) -> Mapping[str, SyncHandler]:
        return {
            KIND: UserSyncHandler(self),
            endpoint.INBOUND_KIND: InboundHandler(self),
            IMPORT_KIND: ImportHandler(self),
            ORDER_KIND: OrderSyncHandler(self),
            PRODUCT_KIND: ProductSyncHandler(self),
        }

    @hookimpl
    def plugin_blueprints(self) -> Iterable[Blueprint]:
        return [
            views.pages,
            connection_pages,
            endpoint.receiver,
            set_password.pages,
            import_views.pages,
            order_views.pages,
        ]

    @hookimpl
    def plugin_cli_commands(self) -> Iterable[click.Command]:
        return [plugin_backfill_command(self.name, KIND, "users"), cli.import_command(self)]

    @hookimpl
    def user_admin_panels(self, user: UserSnapshot) -> Iterable[AdminPanel]:
        return [user_panel(self, user)]

    @hookimpl
    def user_list_columns(self, users: Sequence[UserSnapshot]) -> Iterable[ListColumn]:
        return [user_list_column(self, users)]

    @hookimpl
    def sync_warnings(self) -> Iterable[SyncWarning]:
        return refusals.sync_warnings(self.store, Options.of(self.settings), f"{NAME}.tags", f"{NAME}.fields")


def deletion_consequence(options: Options, link: Link | None) -> str:
    """What :meth:`SalesforceContactsPlugin.user_deleted` leads the queue to do in Salesforce
    (see ``UserSyncHandler``'s deletions), said before the user is deleted."""
    if link is None:
        return "The user has not reached Salesforce, so nothing changes there."
    record = f"The {link.object_type} in Salesforce ({link.salesforce_id})"
    if options.deletion is Deletion.DELETE:
        return f"{record} is deleted too."
    if options.deletion is Deletion.SET_FIELD:
        if not options.deletion_field:
            return f"{record} is kept; the field to mark it with is not named in the plugin's settings yet."
        return f"{record} is kept, with {options.deletion_field} set to “{options.deletion_value}”."
    return f"{record} is kept."


plugin = SalesforceContactsPlugin()
