"""The plugin's table of links, and its move out of plugin_data."""

from sqlalchemy import select

from host.extensions import db
from host.plugins.models import PluginData
from plugins.salesforce_leads import SalesforceLeads
from plugins.salesforce_leads.links import RecordLink, forget_links, links_of, save_links


def test_the_first_migration_moves_the_links_out_of_plugin_data(make_app):
    before = make_app()
    with before.app_context():
        db.session.add_all(
            [
                PluginData(plugin="salesforce_leads", key="leads.record.5", value={"object": "Lead", "id": "00Q5"}),
                PluginData(
                    plugin="salesforce_leads", key="leads.record.7", value={"object": "Partner__c", "id": "a017"}
                ),
                PluginData(plugin="salesforce_leads", key="leads.record.junk", value={"object": "Lead", "id": "00Q9"}),
                PluginData(plugin="salesforce_leads", key="leads.field_mapping", value={"Lead": {}}),
            ]
        )
        db.session.commit()

    app = make_app(SalesforceLeads())
    with app.app_context():
        assert links_of(["5", "7", "8"]) == {"5": RecordLink("Lead", "00Q5"), "7": RecordLink("Partner__c", "a017")}
        assert {row.key for row in db.session.scalars(select(PluginData))} == {"leads.field_mapping"}


def test_links_are_saved_and_forgotten_by_the_batch(make_app):
    app = make_app(SalesforceLeads())
    with app.app_context():
        save_links({str(n): RecordLink("Lead", f"00Q{n}") for n in range(1, 2501)})
        save_links({"1": RecordLink("Contact", "003A")})
        db.session.commit()
        assert len(links_of(range(1, 2501))) == 2500
        assert links_of([1]) == {"1": RecordLink("Contact", "003A")}
        forget_links(str(n) for n in range(1, 2001))
        db.session.commit()
        assert sorted(links_of(range(1, 2501)), key=int) == [str(n) for n in range(2001, 2501)]
