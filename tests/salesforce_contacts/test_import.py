"""Importing Salesforce records as users: by topic from the admin page (through the queue,
with progress), by picklist value from the CLI; nothing is sent back to Salesforce."""

from sqlalchemy import func, select

from host.extensions import db
from host.models import User
from host.plugins import registry
from plugins.salesforce_common import Describer, SalesforceClient, record_lookups
from plugins.salesforce_contacts.settings import salesforce_config
from salesforce_emulator.ids import IdGenerator

WEBINAR_SKIPS = {"no email address": 30, "the email belongs to a user linked to another record": 20}


def _tagged(site, tag: str) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.tags.any(name=tag))) or 0


def _users(site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def _with_topic(site, topic_id: str, sobject: str = "Contact", **fields) -> str:
    record_id = site.sf.admin.insert(sobject, **fields)
    site.sf.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)
    return record_id


def _guests(site, count: int, topic: str) -> str:
    """A topic on ``count`` Contacts with an email address, two without and two Leads; its id."""
    topic_id = site.sf.admin.insert("Topic", Name=topic)
    for number in range(count):
        _with_topic(site, topic_id, Email=f"guest{number}@example.com", FirstName="Guest", LastName=f"{number}")
    for number in range(2):
        _with_topic(site, topic_id, LastName=f"No email {number}")
        _with_topic(site, topic_id, "Lead", Email=f"lead{number}@example.com", LastName="Lead", Company="Acme")
    site.sf.admin.insert("Contact", Email="elsewhere@example.com", LastName="No topic")
    return topic_id


def test_importing_500_records_by_topic_creates_links_and_skips_with_reasons(site):
    with site.writing():
        registry.disable(site.plugin.name)
        db.session.commit()
    for number in range(150):
        site.register(f"existing{number}@example.com")
    with site.writing():
        registry.enable(site.plugin.name)
        db.session.commit()
    topic_id = site.sf.admin.insert("Topic", Name="Webinar")
    for number in range(300):
        _with_topic(site, topic_id, Email=f"new{number}@example.com", FirstName="New", LastName=f"Person {number}")
    for number in range(150):
        _with_topic(site, topic_id, Email=f"existing{number}@example.com", LastName="Existing")
    for number in range(30):
        _with_topic(site, topic_id, LastName=f"No email {number}")
    for number in range(20):
        _with_topic(site, topic_id, Email=f"new{number}@example.com", LastName="Duplicate")
    site.sf.admin.insert("Contact", Email="elsewhere@example.com", LastName="No topic")
    users_before = _users(site)
    contacts_before = site.records("Contact")
    site.sf.admin.clear_calls()

    progress = site.import_from_admin_page("topic", "Webinar")

    assert (progress["total"], progress["processed"]) == (500, 500)
    assert (progress["created"], progress["linked"], progress["skipped"]) == (300, 150, WEBINAR_SKIPS)
    assert _users(site) == users_before + 300
    assert _tagged(site, "Webinar") == 450
    site.drain()
    assert site.records("Contact") == contacts_before, "nothing is sent back"
    # Below the Bulk threshold: the topic's id, then three REST pages of assignments, each
    # page's records looked up in one Composite call.
    assert site.sf.admin.call_counts() == {"GET query": 2, "GET query/<locator>": 2, "POST composite": 3}
    page = site.admin.get("/admin/plugins/salesforce_contacts/import/").get_data(as_text=True)
    assert (
        "300</span> users created" in page
        and 'src="/admin/plugins/salesforce_contacts/import/static/import.js"' in page
    )


def test_the_cli_imports_by_picklist_value_with_a_progress_bar(make_site):
    site = make_site()
    site.configure(segmentation="multipicklist", segmentation_field="Interests__c")
    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    for number in range(5):
        site.sf.admin.insert(
            "Contact", Email=f"events{number}@example.com", LastName="Golfer", Interests__c="Events;Webinar"
        )
    site.sf.admin.insert("Contact", Email="chess@example.com", LastName="Player", Interests__c="Webinar")

    result = site.app.test_cli_runner().invoke(args=["salesforce_contacts", "import", "--picklist-value", "Events"])

    assert result.exit_code == 0, result.output
    assert 'Importing "Events"' in result.output
    assert "5 users created, 0 existing users linked, 0 records skipped." in result.output
    assert _tagged(site, "Events") == 5
    refused = site.app.test_cli_runner().invoke(args=["salesforce_contacts", "import", "--topic", "Nope"])
    assert refused.exit_code != 0 and 'no topic called "Nope"' in refused.output


def test_an_import_from_the_bulk_threshold_up_reads_the_records_through_a_bulk_query_job(make_site):
    site = make_site(bulk_threshold=3)
    site.configure(segmentation="multipicklist", segmentation_field="Interests__c")
    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    for number in range(4):
        site.sf.admin.insert(
            "Contact",
            Email=f"bulk{number}@example.com",
            FirstName="Bulk",
            LastName=f"Reader {number}",
            Interests__c="Events",
        )

    result = site.app.test_cli_runner().invoke(args=["salesforce_contacts", "import", "--picklist-value", "Events"])

    assert result.exit_code == 0, result.output
    assert "4 users created, 0 existing users linked, 0 records skipped." in result.output
    calls = site.sf.admin.call_counts()
    assert calls["POST jobs/query"] == 1 and calls["GET jobs/query/<job_id>/results"] == 1
    assert calls["DELETE jobs/query/<job_id>"] == 1, "the finished job is removed"
    with site.app.app_context():
        names = set(db.session.execute(select(User.first_name, User.last_name).where(User.tags.any(name="Events"))))
    assert names == {("Bulk", f"Reader {number}") for number in range(4)}


def test_a_topic_import_from_the_bulk_threshold_up_reads_its_assignments_through_a_bulk_query_job(
    make_site, monkeypatch
):
    # Two ids a query: the twelve records take six queries, one more than a Composite call holds.
    monkeypatch.setattr(record_lookups, "VALUES_PER_QUERY", 2)
    site = make_site(bulk_threshold=12)
    _guests(site, 8, "Gala")
    contacts_before = site.records("Contact")
    site.sf.admin.clear_calls()

    progress = site.import_from_admin_page("topic", "Gala")

    assert (progress["total"], progress["processed"], progress["created"], progress["linked"]) == (12, 12, 8, 0)
    assert progress["skipped"] == {"no email address": 2, "not a Contact": 2}
    with site.app.app_context():
        names = set(db.session.execute(select(User.first_name, User.last_name).where(User.tags.any(name="Gala"))))
    assert names == {("Guest", str(number)) for number in range(8)}
    site.drain()
    assert site.records("Contact") == contacts_before, "nothing is sent back"
    calls = site.sf.admin.call_counts()
    polls = calls.pop("GET jobs/query/<job_id>")
    assert polls >= 1
    assert calls == {
        "GET query": 2,  # the topic's id, and the first REST page, which counts the assignments
        "POST jobs/query": 1,
        "GET jobs/query/<job_id>/results": 1,
        "POST composite": 2,  # five queries in the first call, the sixth in the second
        "DELETE jobs/query/<job_id>": 1,
    }


def test_a_topic_import_below_the_bulk_threshold_stays_on_rest(make_site):
    site = make_site(bulk_threshold=12)
    _guests(site, 7, "Gala")
    site.sf.admin.clear_calls()

    progress = site.import_from_admin_page("topic", "Gala")

    assert (progress["total"], progress["processed"], progress["created"]) == (11, 11, 7)
    assert progress["skipped"] == {"no email address": 2, "not a Contact": 2}
    assert _tagged(site, "Gala") == 7
    assert site.sf.admin.call_counts() == {"GET query": 2, "POST composite": 1}


def test_records_looked_up_by_id_read_the_rest_of_a_query_that_answers_in_pages(site, monkeypatch):
    monkeypatch.setattr(record_lookups, "WHOLE_PAGES", {"Sforce-Query-Options": "batchSize=200"})
    contacts = [site.sf.admin.insert("Contact", LastName=f"Paged {number}") for number in range(205)]
    lead = site.sf.admin.insert("Lead", LastName="Elsewhere", Company="Acme")
    site.sf.admin.clear_calls()

    with site.app.app_context():
        with SalesforceClient(salesforce_config(site.plugin.settings, site.plugin.store)) as client:
            found = record_lookups.records_by_id(client, "Contact", ["Id", "LastName"], [lead, *contacts])
        db.session.commit()

    assert [record["Id"] for record in found] == sorted(contacts)
    assert {record["LastName"] for record in found} == {f"Paged {number}" for number in range(205)}
    assert site.sf.admin.call_counts() == {"POST composite": 2}, "a page of 200, then the five left"


def test_five_thousand_ids_with_every_field_are_one_call_within_salesforces_limits(site):
    """Five queries of a thousand ids, each selecting every Contact field, in one Composite call:
    within the five queries a call takes and the 100,000 characters a SOQL statement may have."""
    unknown = IdGenerator(start=900_000)
    ids = [unknown.new("003") for _ in range(5000)]
    site.sf.admin.clear_calls()

    with site.app.app_context():
        with SalesforceClient(salesforce_config(site.plugin.settings, site.plugin.store)) as client:
            fields = [info.name for info in Describer(client).describe("Contact").fields]
            found = record_lookups.records_by_id(client, "Contact", fields, ids)
        db.session.commit()

    assert found == []
    assert site.sf.admin.call_counts() == {"POST composite": 1}
