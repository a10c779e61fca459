"""Picklist segmentation modes, each merge strategy, and a duplicate email in Salesforce."""

import pytest

PICKLIST = {
    "name": "Segment__c",
    "label": "Segment",
    "type": "picklist",
    "picklistValues": ["Gold", "Silver", "Bronze"],
    "restrictedPicklist": True,
}


def test_multi_select_picklist_holds_the_users_tags(make_site):
    site = make_site(segmentation="multipicklist", segmentation_field="Interests__c")
    site.registration_tags("Webinar", "Newsletter")
    user_id = site.register("multi@example.com")
    site.wait_synced(user_id)
    assert site.record("multi@example.com")["Interests__c"] == "Newsletter;Webinar"

    site.change_tags(user_id, add=("Events", "Not In Salesforce"), remove=("Webinar",))
    site.drain()

    # A tag the restricted picklist lacks is left out rather than failing the user; Salesforce keeps the
    # values in the picklist's own order.
    assert site.record("multi@example.com")["Interests__c"] == "Newsletter;Events"
    assert site.records("TopicAssignment") == []


def test_picklist_holds_one_tag_and_tags_can_be_imported_from_its_values(make_site):
    site = make_site(connect=False, segmentation="picklist", segmentation_field="Segment__c")
    site.sf.admin.define_field("Contact", PICKLIST)
    site.connect()

    site.admin.post("/admin/plugins/salesforce_contacts/import-tags")
    page = site.admin.get("/admin/tags/").get_data(as_text=True)
    assert all(name in page for name in ("Gold", "Silver", "Bronze"))

    user_id = site.register("one@example.com")
    site.change_tags(user_id, add=("Silver", "Bronze"))
    site.drain()
    assert site.record("one@example.com")["Segment__c"] == "Silver"

    site.change_tags(user_id, remove=("Silver", "Bronze"))
    site.drain()
    assert site.record("one@example.com")["Segment__c"] is None


def _existing_contact(site, **fields) -> str:
    return site.sf.admin.insert("Contact", Email="known@example.com", LastName="Existing", **fields)


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("overwrite", {"FirstName": "Ada", "LastName": "Lovelace", "Phone": "+44 20 0000"}),
        ("fill_empty", {"FirstName": "Ada", "LastName": "Existing", "Phone": "+44 20 0000"}),
        ("link_only", {"FirstName": None, "LastName": "Existing", "Phone": None}),
    ],
)
def test_merge_strategies_for_a_record_that_already_matches(make_site, strategy, expected):
    site = make_site(merge_strategy=strategy)
    site.registration_tags("Members")
    contact_id = _existing_contact(site)

    user_id = site.register("known@example.com", phone="+44 20 0000")

    status = site.wait_synced(user_id)
    assert status.state == "done", status.message
    contact = site.record("known@example.com")
    assert contact["Id"] == contact_id == status.external_id
    assert {name: contact[name] for name in expected} == expected
    assert site.topics_of(contact_id) == (set() if strategy == "link_only" else {"Members"})


def test_fill_empty_still_records_an_opt_out(make_site):
    site = make_site(merge_strategy="fill_empty")
    _existing_contact(site, HasOptedOutOfEmail=False)

    user_id = site.register("known@example.com", marketing_email_consent=False)

    site.wait_synced(user_id)
    assert site.record("known@example.com")["HasOptedOutOfEmail"] is True


@pytest.mark.parametrize("strategy", ["overwrite", "fill_empty"])
def test_a_duplicate_email_in_salesforce_fails_clearly_and_changes_nothing(make_site, strategy):
    site = make_site(merge_strategy=strategy)
    first = site.sf.admin.insert("Contact", Email="twice@example.com", LastName="One")
    second = site.sf.admin.insert("Contact", Email="twice@example.com", LastName="Two")

    user_id = site.register("twice@example.com")

    status = site.wait_synced(user_id)
    assert status.state == "dead"
    assert first in status.message and second in status.message
    assert sorted(record["LastName"] for record in site.records("Contact")) == ["One", "Two"]
