"""Importing Salesforce records as users: by topic from the admin page (through the queue,
with progress), by picklist value from the CLI; nothing is sent back to Salesforce."""

from sqlalchemy import func, select

from host.extensions import db
from host.models import User
from host.plugins import registry

WEBINAR_SKIPS = {"no email address": 30, "the email belongs to a user linked to another record": 20}


def _tagged(site, tag: str) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.tags.any(name=tag))) or 0


def _users(site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def _with_topic(site, topic_id: str, **fields) -> str:
    record_id = site.sf.admin.insert("Contact", **fields)
    site.sf.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)
    return record_id


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
    site.sf.admin.clear_calls()

    started = site.admin.post("/admin/plugins/salesforce_contacts/import/", data={"by": "topic", "value": "Webinar"})
    assert started.status_code == 302
    progress = site.wait_for(
        lambda: (
            (p := site.admin.get("/admin/plugins/salesforce_contacts/import/progress.json").get_json())
            and p["finished"]
            and p
        ),
        "the import to finish",
        timeout=120,
    )

    assert (progress["total"], progress["processed"]) == (500, 500)
    assert (progress["created"], progress["linked"], progress["skipped"]) == (300, 150, WEBINAR_SKIPS)
    assert _users(site) == users_before + 300
    assert _tagged(site, "Webinar") == 450
    site.drain()
    calls = site.sf.admin.call_counts()
    assert all(call.startswith("GET") for call in calls), calls
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
