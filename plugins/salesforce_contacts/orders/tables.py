"""The orders' own tables, migrated with the plugin's others (``migrations/0002_…``):
one row per site order, per product's entry in a price book, per buyer Contact."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from host.api import Model
from plugins.salesforce_contacts.tables import PLUGIN_NAME


class OrderRecord(Model):
    """What the site knows of one order's Order in Salesforce."""

    __tablename__ = "salesforce_contacts_orders"
    __table_args__ = {"info": {"plugin": PLUGIN_NAME}}

    #: The shop's order id (no foreign key: the shop may be absent, or its order deleted).
    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    salesforce_id: Mapped[str | None] = mapped_column(String(18))
    instance_url: Mapped[str] = mapped_column(String(500), default="")
    #: The status last sent.
    status: Mapped[str] = mapped_column(String(40), default="")
    #: The Order has all its items: later deliveries only change its status.
    complete: Mapped[bool] = mapped_column(default=False)
    #: Of an order sent in parts, how many of its items are in.
    lines_in: Mapped[int] = mapped_column(default=0)
    #: Its last Composite got no answer: it may be in Salesforce without this row knowing.
    unsure: Mapped[bool] = mapped_column(default=False)


class PriceBookEntryRecord(Model):
    """A product of the site (by SKU) in Salesforce, and its entry in one price book."""

    __tablename__ = "salesforce_contacts_price_book_entries"
    __table_args__ = {"info": {"plugin": PLUGIN_NAME}}

    price_book_id: Mapped[str] = mapped_column(String(18), primary_key=True)
    #: The SKU as External IDs match it: trimmed, lower case.
    sku: Mapped[str] = mapped_column(String(80), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(18))
    entry_id: Mapped[str] = mapped_column(String(18))


class BuyerAccount(Model):
    """A buyer Contact's Account, read once; None when the Contact has none."""

    __tablename__ = "salesforce_contacts_buyer_accounts"
    __table_args__ = {"info": {"plugin": PLUGIN_NAME}}

    contact_id: Mapped[str] = mapped_column(String(18), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(18))
