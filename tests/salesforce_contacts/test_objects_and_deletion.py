"""Lead and custom objects as the destination, and what deleting a user does."""

import pytest

from host.extensions import db
from host.models import User
from host.services.users import delete_user


def _delete(site, user_id: int) -> None:
    with site.writing():
        delete_user(db.session.get(User, user_id))
        db.session.commit()


def test_users_become_leads_with_the_default_company(make_site):
    site = make_site(object_type="Lead", default_company="Acme Community")
    site.registration_tags("Members")

    user_id = site.register("lead@example.com", first_name="Lin", last_name="Lead")

    assert site.wait_synced(user_id).state == "done"
    lead = site.record("lead@example.com", "Lead")
    assert (lead["LastName"], lead["Company"]) == ("Lead", "Acme Community")
    assert site.topics_of(lead["Id"]) == {"Members"}
    assert site.records("Contact") == []


def test_a_custom_object_matched_by_an_external_id(make_site):
    site = make_site(object_type="Partner__c", match_field="External_Id__c", segmentation="none")
    site.admin.post(
        "/admin/plugins/salesforce_contacts/mapping",
        data={"match_field": "External_Id__c", "map-Email__c": "email", "map-Name": "display_name"},
    )

    user_id = site.register("partner@example.com", first_name="Pat", last_name="Partner")

    status = site.wait_synced(user_id)
    assert status.state == "done", status.message
    [partner] = site.records("Partner__c")
    assert (partner["External_Id__c"], partner["Email__c"]) == (str(user_id), "partner@example.com")


#: What the confirmation says will happen, by the owner's choice, before the user is deleted.
PROMISED = {
    "nothing": "The Contact in Salesforce ({id}) is kept.",
    "delete": "The Contact in Salesforce ({id}) is deleted too.",
    "set_field": "The Contact in Salesforce ({id}) is kept, with Description set to “Deleted on site”.",
}


@pytest.mark.parametrize("deletion", ["nothing", "delete", "set_field"])
def test_deleting_a_user_does_what_the_owner_chose(make_site, deletion):
    site = make_site(deletion=deletion, deletion_field="Description", deletion_value="Deleted on site")
    user_id = site.register("gone@example.com")
    site.wait_synced(user_id)
    contact_id = site.record("gone@example.com")["Id"]
    assert PROMISED[deletion].format(id=contact_id) in site.admin.get(f"/admin/users/{user_id}").text

    _delete(site, user_id)

    assert site.wait_synced(user_id).state == "done"
    contacts = {record["Id"]: record for record in site.records("Contact")}
    if deletion == "delete":
        assert contacts == {}
    else:
        expected = "Deleted on site" if deletion == "set_field" else None
        assert contacts[contact_id]["Description"] == expected


def test_a_user_deleted_while_their_first_delivery_is_in_flight_leaves_no_record(make_site):
    # "Fill empty fields" looks the email up before creating, so the lookup showing in
    # the emulator's log proves the delivery has read the user; the slow create after
    # it holds the delivery in flight while the user is deleted.
    site = make_site(deletion="delete", merge_strategy="fill_empty", segmentation="none")
    site.sf.admin.settings(latency_ms=1000)
    user_id = site.register("brief@example.com")
    assert (
        "The user has not reached Salesforce, so nothing changes there."
        in site.admin.get(f"/admin/users/{user_id}").text
    )
    site.wait_for_state(user_id, "in_flight")
    site.wait_for(lambda: site.sf.admin.call_counts().get("POST composite"), "the delivery's lookup")

    _delete(site, user_id)
    site.sf.admin.settings(latency_ms=0)

    assert site.wait_synced(user_id).state == "done"
    site.drain()
    [created] = site.sf.admin.records("Contact", include_deleted=True)
    assert created["Email"] == "brief@example.com"
    assert site.records("Contact") == []
