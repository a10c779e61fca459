"""The plugin's tables: links and received notification ids, and the move out of plugin_data."""

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import delete, inspect, select

from host.extensions import db
from host.plugin_migrations import plugin_config
from host.plugins.models import PluginData
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_contacts.inbound.seen import first_time, forget_old
from plugins.salesforce_contacts.links import Link, linked_user_id, load_link, load_links, save_links
from plugins.salesforce_contacts.tables import ContactLink, SeenNotification

PLUGIN = "salesforce_contacts"


def _stored(app) -> dict[str, object]:
    with app.app_context():
        return {row.key: row.value for row in db.session.scalars(select(PluginData).where(PluginData.plugin == PLUGIN))}


def test_the_first_migration_moves_links_and_seen_ids_out_of_plugin_data(make_app):
    before = make_app()  # a site from before the plugin had tables
    topics = {"Conference 2025": "0FT000000000001", "VIP": None}
    consent = {"email": "2026-11-30T10:00:00+00:00"}
    stored = {
        "link.1": {"salesforce_id": "003A", "object_type": "Contact", "instance_url": "https://org.example"},
        "record.003A": "1",
        "link.2": {"salesforce_id": "003B", "object_type": "Lead", "topics": topics, "consent": consent},
        "record.003B": "2",
        # Linked to the record user 1 holds: the reverse entry says it is user 1's.
        "link.3": {"salesforce_id": "003A", "object_type": "Contact"},
        "link.nobody": {"salesforce_id": "003C", "object_type": "Contact"},
        # Two links to one record and no reverse entry to choose: one of them is kept.
        "link.4": {"salesforce_id": "003D", "object_type": "Contact"},
        "link.5": {"salesforce_id": "003D", "object_type": "Contact"},
        "inbound.seen.20261201.04lAAA": True,
        "inbound.seen.20261203.04lAAA": True,
        "inbound.seen.20261203.04lBBB": True,
        "contacts.topics": {"VIP": "0TO000000000001"},
    }
    with before.app_context():
        db.session.add_all(PluginData(plugin=PLUGIN, key=key, value=value) for key, value in stored.items())
        db.session.commit()

    app = make_app(SalesforceContactsPlugin())
    with app.app_context():
        assert load_links([1, 2, 3]) == {
            "1": Link("003A", "Contact", "https://org.example"),
            "2": Link("003B", "Lead", "", topics, consent),
        }
        assert linked_user_id("003A") == 1 and linked_user_id("003C") is None
        assert len(load_links([4, 5])) == 1
        db.session.execute(delete(ContactLink).where(ContactLink.salesforce_id == "003D"))
        db.session.commit()
        seen = {row.notification_id: row.received_at for row in db.session.scalars(select(SeenNotification))}
        assert seen.keys() == {"04lAAA", "04lBBB"}
        assert seen["04lAAA"].replace(tzinfo=UTC) == datetime(2026, 12, 3, tzinfo=UTC)
    assert _stored(app) == {"contacts.topics": {"VIP": "0TO000000000001"}}

    with app.app_context():
        command.downgrade(plugin_config(app.extensions["plughost"].get(PLUGIN)), "base")
        assert not {"salesforce_contacts_links", "salesforce_contacts_seen_notifications"} & set(
            inspect(db.engine).get_table_names()
        )
    assert _stored(app) == {
        "link.1": {
            "salesforce_id": "003A",
            "object_type": "Contact",
            "instance_url": "https://org.example",
            "topics": {},
            "consent": {},
        },
        "record.003A": "1",
        "link.2": {
            "salesforce_id": "003B",
            "object_type": "Lead",
            "instance_url": "",
            "topics": topics,
            "consent": consent,
        },
        "record.003B": "2",
        "inbound.seen.20261203.04lAAA": True,
        "inbound.seen.20261203.04lBBB": True,
        "contacts.topics": {"VIP": "0TO000000000001"},
    }


def test_a_record_is_linked_to_the_user_linked_last(make_app):
    app = make_app(SalesforceContactsPlugin())
    with app.app_context():
        save_links({1: Link("003X", "Contact"), 2: Link("003Y", "Contact")})
        save_links({1: Link("003Y", "Contact"), 2: Link("003X", "Contact")})  # swapped in one batch
        assert (linked_user_id("003X"), linked_user_id("003Y")) == (2, 1)
        save_links({3: Link("003X", "Contact", topics={"VIP": None})})
        db.session.commit()
        assert load_link(2) is None
        assert load_link(3) == Link("003X", "Contact", topics={"VIP": None})
        assert linked_user_id("003X") == 3


def test_a_notification_id_is_new_again_once_the_retry_window_has_passed(make_app):
    app = make_app(SalesforceContactsPlugin())
    received = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        assert first_time("04lAAA", received)
        assert not first_time("04lAAA", received + timedelta(days=2))
        db.session.commit()
        assert not first_time("04lAAA", received + timedelta(days=2, hours=23))
        assert first_time("04lAAA", received + timedelta(days=3, hours=1))
        assert first_time("04lBBB", received)
        forget_old(received + timedelta(days=3, minutes=30))
        db.session.commit()
        assert list(db.session.scalars(select(SeenNotification.notification_id))) == ["04lAAA"]
