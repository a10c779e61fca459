"""The orders' tables: what the second migration moves out of plugin_data, and back."""

from alembic import command
from sqlalchemy import inspect, select

from host.extensions import db
from host.plugin_migrations import plugin_config
from host.plugins.models import PluginData
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_contacts.orders.links import (
    CatalogEntry,
    OrderLink,
    PartialOrder,
    load_accounts,
    load_entries,
    load_order_links,
    load_partial,
    load_unsure,
    save_order_links,
    save_partial,
    save_unsure,
)

PLUGIN = "salesforce_contacts"
STORED = {
    "order.1": {"id": "801A", "instance_url": "https://org.example", "status": "Activated"},
    "order.2": {"id": "801B", "instance_url": "", "status": "Draft"},
    "orders.unsure.2": True,
    "orders.unsure.3": True,
    "orders.entry.01sSTD.mug-1": {"product": "01tA", "entry": "01uA"},
    "orders.entry.01sSTD.cap-2": {"product": "01tB", "entry": "01uB"},
    "orders.account.003A": {"account": "001A"},
    "orders.account.003B": {"account": None},
    "orders.standard_price_book": "01sSTD",
}
TABLES = {"salesforce_contacts_orders", "salesforce_contacts_price_book_entries", "salesforce_contacts_buyer_accounts"}


def _stored(app) -> dict[str, object]:
    with app.app_context():
        return {row.key: row.value for row in db.session.scalars(select(PluginData).where(PluginData.plugin == PLUGIN))}


def test_the_second_migration_moves_orders_and_the_catalog_out_of_plugin_data_and_back(make_app):
    before = make_app()  # a site from before the orders had tables
    with before.app_context():
        db.session.add_all(PluginData(plugin=PLUGIN, key=key, value=value) for key, value in STORED.items())
        db.session.commit()

    app = make_app(SalesforceContactsPlugin())
    with app.app_context():
        assert load_order_links([1, 2, 3]) == {
            "1": OrderLink("801A", "https://org.example", "Activated"),
            "2": OrderLink("801B", "", "Draft"),
        }
        assert load_unsure([1, 2, 3]) == {2, 3}
        assert load_entries("01sSTD", ["MUG-1", "Cap-2", "NONE"]) == {
            "mug-1": CatalogEntry("01tA", "01uA"),
            "cap-2": CatalogEntry("01tB", "01uB"),
        }
        assert load_accounts(["003A", "003B", "003C"]) == {"003A": "001A", "003B": None}
    assert _stored(app) == {"orders.standard_price_book": "01sSTD"}

    with app.app_context():
        command.downgrade(plugin_config(app.extensions["plughost"].get(PLUGIN)), "0001")
        assert not TABLES & set(inspect(db.engine).get_table_names())
    assert _stored(app) == STORED


def test_an_order_goes_from_unsure_to_partial_to_linked_in_one_row(make_app):
    app = make_app(SalesforceContactsPlugin())
    with app.app_context():
        save_unsure([7], [])
        save_partial({7: PartialOrder("801C", 24)})
        db.session.commit()
        assert (load_unsure([7]), load_partial([7]), load_order_links([7])) == (
            {7},
            {"7": PartialOrder("801C", 24)},
            {},
        )
        save_order_links({7: OrderLink("801C", "https://org.example", "Draft")})
        save_unsure([], [7])
        db.session.commit()
        assert (load_unsure([7]), load_partial([7])) == (set(), {})
        assert load_order_links(["7", "x"]) == {"7": OrderLink("801C", "https://org.example", "Draft")}
