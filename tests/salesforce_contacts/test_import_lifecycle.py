"""An import always ends: what Salesforce does not have is refused before it starts, a
failure ends it as failed with its sentence, the admin can cancel it, and one whose
worker died stops blocking new ones when its lease runs out."""

from datetime import timedelta

from sqlalchemy import select

from host.extensions import db
from host.models import User
from host.services.passwords import verify_password
from host.timestamps import utcnow
from plugins.salesforce_contacts.importing import (
    IMPORT_LEASE,
    PROGRESS_KEY,
    STOPPED_SENTENCE,
    Importer,
    ImportStopped,
    load_progress,
    queue_import,
    start,
)

PAGE = "/admin/plugins/salesforce_contacts/import/"


def progress_of(site) -> dict | None:
    return site.admin.get(f"{PAGE}progress.json").get_json()


def with_topic(site, topic_id: str, count: int, prefix: str = "member") -> None:
    for number in range(count):
        record_id = site.sf.admin.insert("Contact", Email=f"{prefix}{number}@example.com", LastName=f"Member {number}")
        site.sf.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)


def import_ended(site, state: str) -> dict:
    return site.wait_for(
        lambda: (progress := progress_of(site)) and progress["state"] == state and progress,
        f"the import to be {state}",
        timeout=40,
    )


def test_a_topic_salesforce_does_not_have_is_refused_and_the_page_lists_those_it_has(site) -> None:
    for name in ("Webinar", "Events"):
        site.sf.admin.insert("Topic", Name=name)

    page = site.admin.get(PAGE).get_data(as_text=True)
    assert '<ul id="import-topics"><li>Events</li><li>Webinar</li></ul>' in page
    refused = site.admin.post(PAGE, data={"by": "topic", "value": "Nope"}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "Salesforce has no topic called &#34;Nope&#34;. Its topics: Events, Webinar." in text
    assert progress_of(site) is None, "nothing started"


def test_a_topic_created_since_the_page_was_read_is_found_and_spelled_as_salesforce_does(site) -> None:
    site.sf.admin.insert("Topic", Name="Webinar")
    site.admin.get(PAGE)
    topic_id = site.sf.admin.insert("Topic", Name="Spring Gala")
    with_topic(site, topic_id, 3)

    started = site.admin.post(PAGE, data={"by": "topic", "value": "spring gala"}, follow_redirects=True)
    assert "Importing records with &#34;Spring Gala&#34;." in started.get_data(as_text=True)
    finished = import_ended(site, "Finished")
    assert (finished["value"], finished["created"]) == ("Spring Gala", 3)
    with site.app.app_context():
        imported = db.session.scalar(select(User).where(User.email == "member0@example.com"))
        assert [tag.name for tag in imported.tags] == ["Spring Gala"]
        assert not imported.password_hash.startswith("$argon2"), "no password is hashed for an imported user"
        assert not verify_password(imported.password_hash, "")


def test_a_picklist_value_the_field_does_not_have_is_refused_with_its_values(make_site) -> None:
    site = make_site()
    site.configure(segmentation="multipicklist", segmentation_field="Interests__c")

    page = site.admin.get(PAGE).get_data(as_text=True)
    assert "<h2>Values of Interests__c</h2>" in page
    assert "<li>Newsletter</li><li>Webinar</li><li>Events</li><li>Products</li>" in page
    refused = site.admin.post(PAGE, data={"by": "picklist", "value": "Golf"}, follow_redirects=True)
    assert (
        "The picklist field Interests__c has no value &#34;Golf&#34;. Its values: Newsletter, Webinar, Events, Products."
        in refused.get_data(as_text=True)
    )
    assert progress_of(site) is None


def test_an_import_that_fails_ends_failed_with_its_sentence_and_blocks_nothing(site) -> None:
    topic_id = site.sf.admin.insert("Topic", Name="Webinar")
    with_topic(site, topic_id, 2)
    with site.writing():
        # Queued for a topic that Salesforce no longer has by the time the worker reads it.
        queue_import(site.plugin, "topic", "Deleted meanwhile")
        db.session.commit()

    failed = import_ended(site, "Failed")
    assert failed["problem"] == 'Salesforce has no topic called "Deleted meanwhile".'
    page = site.admin.get(PAGE).get_data(as_text=True)
    assert "Failed</span>" in page and "Salesforce has no topic called &#34;Deleted meanwhile&#34;." in page
    assert 'data-field="cancel" hidden' in page
    site.admin.post(PAGE, data={"by": "topic", "value": "Webinar"})
    assert import_ended(site, "Finished")["created"] == 2


def test_a_running_import_can_be_cancelled_and_applies_nothing_more(site) -> None:
    topic_id = site.sf.admin.insert("Topic", Name="Webinar")
    with_topic(site, topic_id, 3)
    with site.writing():
        progress = start(site.plugin.store, "topic", "Webinar")
        db.session.commit()
    page = site.admin.get(PAGE).get_data(as_text=True)
    assert "Running</span>" in page and 'data-field="cancel" hidden' not in page

    cancelled = site.admin.post(f"{PAGE}cancel", follow_redirects=True).get_data(as_text=True)
    assert "The import of &#34;Webinar&#34; is cancelled; the users it made so far stay." in cancelled
    with site.writing():
        try:
            Importer(site.plugin).run_page(progress, None)
        except ImportStopped as stopped:
            assert str(stopped) == 'The import of "Webinar" was cancelled.'
        else:
            raise AssertionError("a page of a cancelled import ran")
    assert progress_of(site)["state"] == "Cancelled"
    with site.app.app_context():
        assert db.session.scalar(select(User).where(User.email == "member0@example.com")) is None
    site.admin.post(PAGE, data={"by": "topic", "value": "Webinar"})
    assert import_ended(site, "Finished")["created"] == 3


def test_an_import_whose_worker_died_blocks_new_ones_only_until_its_lease_ends(site) -> None:
    topic_id = site.sf.admin.insert("Topic", Name="Webinar")
    with_topic(site, topic_id, 2)
    with site.writing():
        # Started, and then nobody ran it: as when the process running it died.
        start(site.plugin.store, "topic", "Webinar")
        db.session.commit()

    blocked = site.admin.post(PAGE, data={"by": "topic", "value": "Webinar"}, follow_redirects=True)
    assert "The import of &#34;Webinar&#34; is still running" in blocked.get_data(as_text=True)

    with site.writing():
        stored = load_progress(site.plugin.store)
        stored.lease_until = (utcnow() - timedelta(seconds=1)).isoformat()
        assert stored.state(utcnow() + IMPORT_LEASE).value == "Stopped"
        site.plugin.store.set(PROGRESS_KEY, stored.to_json())
        db.session.commit()
    stopped = progress_of(site)
    assert (stopped["state"], stopped["problem"], stopped["running"]) == ("Stopped", STOPPED_SENTENCE, False)
    site.admin.post(PAGE, data={"by": "topic", "value": "Webinar"})
    assert import_ended(site, "Finished")["created"] == 2
